package bench_test

// The data sets the benchmarks read: one per engine, of EPIC_BENCH_SCALE
// customers made by the scale generator (about 5 contracts and 10 events each)
// plus as many audit entries. Building one at N = 100 000 takes minutes, so it
// is kept between runs: an SQLite file in the temporary directory and a
// MariaDB database epic_bench_<N>, each marked complete once seeded, and
// reused while the mark is there (EPIC_BENCH_FRESH=1 rebuilds them).

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/epic-events/crm/internal/auth"
	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
	"github.com/epic-events/crm/internal/store"
	"github.com/epic-events/crm/internal/store/storetest"
	"github.com/epic-events/crm/seeds"
)

// Environment variables read by the benchmarks.
const (
	envScale     = "EPIC_BENCH_SCALE"      // customers in the listed data set (default 2000)
	envSeedScale = "EPIC_BENCH_SEED_SCALE" // customers a scale-seed benchmark writes (default: EPIC_BENCH_SCALE)
	envFresh     = "EPIC_BENCH_FRESH"      // "1": rebuild the kept data sets
)

const markerKey = "bench.scale"

func envInt(b testing.TB, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: want a number of customers above 0", name, v)
	}
	return n
}

func benchScale(b testing.TB) int { return envInt(b, envScale, 2000) }

// engine is one database with the data set and the services on it.
type engine struct {
	name string
	db   *store.DB
	n    int

	auth      *service.Auth
	users     *service.Users
	customers *service.Customers
	contracts *service.Contracts
	events    *service.Events
	audit     *service.Audit
	hasher    *auth.Hasher

	manager, sales, support service.Actor
	token                   string // the sales collaborator's session
	salesEmail              string
	customer                domain.ID // a customer of the sales collaborator, with several contracts
	contract                domain.ID // a signed contract with events and payments
	event                   domain.ID
	now                     time.Time
}

// txStore adapts *store.DB to service.Store, as app does.
type txStore struct{ *store.DB }

func (s txStore) Tx(ctx context.Context, fn func(service.Repos) error) error {
	return s.DB.Tx(ctx, func(r *store.Repos) error { return fn(r) })
}

// scaleStore adapts *store.DB to seeds.ScaleStore, as app does; keepIndexes
// loads with the secondary indexes in place, to measure what deferring saves.
type scaleStore struct {
	db          *store.DB
	keepIndexes bool
}

func (s scaleStore) LastIDs(ctx context.Context) (seeds.ScaleIDs, error) {
	m, err := s.db.MaxIDs(ctx)
	return seeds.ScaleIDs{Users: m.Users, Customers: m.Customers, Contracts: m.Contracts, Payments: m.Payments, Events: m.Events}, err
}

func (s scaleStore) Tx(ctx context.Context, fn func(seeds.BulkWriter) error) error {
	return s.db.Tx(ctx, func(r *store.Repos) error { return fn(r) })
}

func (s scaleStore) Prepare(ctx context.Context) (func(context.Context) error, error) {
	if s.keepIndexes {
		return s.db.Analyze, nil
	}
	restore, err := s.db.DeferIndexes(ctx, "customers", "contracts", "payments", "events")
	return func(ctx context.Context) error { return errors.Join(restore(ctx), s.db.Analyze(ctx)) }, err
}

var (
	fixtureMu sync.Mutex
	fixtures  = map[string]*engine{}
)

// engines returns the data set on each engine, built or reopened once per run.
func engines(b *testing.B) []*engine {
	b.Helper()
	fixtureMu.Lock()
	defer fixtureMu.Unlock()
	n := benchScale(b)
	var out []*engine
	for _, name := range []string{store.DriverSQLite, store.DriverMySQL} {
		if e, ok := fixtures[name]; ok {
			out = append(out, e)
			continue
		}
		var db *store.DB
		if name == store.DriverSQLite {
			db = openSQLite(b, filepath.Join(keptDir(b), fmt.Sprintf("sqlite-%d.db", n)))
		} else if db = openMySQL(b, fmt.Sprintf("epic_bench_%d", n)); db == nil {
			continue
		}
		e := newEngine(b, name, db, n)
		fixtures[name] = e
		out = append(out, e)
	}
	return out
}

func keptDir(b testing.TB) string {
	dir := filepath.Join(os.TempDir(), "epicevents-bench")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	return dir
}

func openSQLite(b testing.TB, path string) *store.DB {
	b.Helper()
	db, err := store.Open(context.Background(), store.Config{Driver: store.DriverSQLite, SQLitePath: path})
	if err != nil {
		b.Fatalf("open %s: %v", path, err)
	}
	return db
}

// openMySQL opens (creating it when missing) the database name through
// EPIC_TEST_MYSQL_DSN; nil when the variable is unset.
func openMySQL(b testing.TB, name string) *store.DB {
	b.Helper()
	dsn := os.Getenv(storetest.EnvMySQLDSN)
	if dsn == "" {
		b.Logf("MariaDB benchmarks skipped: %s is not set", storetest.EnvMySQLDSN)
		return nil
	}
	mc, err := mysql.ParseDSN(dsn)
	if err != nil {
		b.Fatalf("%s: %v", storetest.EnvMySQLDSN, err)
	}
	admin := mc.Clone()
	admin.DBName = ""
	conn, err := mysql.NewConnector(admin)
	if err != nil {
		b.Fatal(err)
	}
	adminDB := sql.OpenDB(conn)
	defer adminDB.Close()
	if _, err := adminDB.Exec("CREATE DATABASE IF NOT EXISTS `" + name + "` CHARACTER SET utf8mb4"); err != nil {
		b.Fatalf("create database %s: %v", name, err)
	}
	host, portText, err := net.SplitHostPort(mc.Addr)
	if err != nil {
		b.Fatal(err)
	}
	port, _ := strconv.Atoi(portText)
	db, err := store.Open(context.Background(), store.Config{Driver: store.DriverMySQL, Host: host, Port: port,
		User: mc.User, Password: mc.Passwd, Database: name})
	if err != nil {
		b.Fatalf("open %s: %v", name, err)
	}
	return db
}

// newEngine seeds the data set unless a complete one is there, then logs in
// a manager, a sales and a support collaborator.
func newEngine(b testing.TB, name string, db *store.DB, n int) *engine {
	b.Helper()
	ctx := context.Background()
	if err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	mark, err := db.GetSetting(ctx, markerKey)
	if os.Getenv(envFresh) == "1" || err != nil || mark != strconv.Itoa(n) {
		began := time.Now()
		seedDataSet(b, db, n)
		b.Logf("%s: data set of %d customers built in %s", name, n, time.Since(began).Round(time.Millisecond))
	}
	hasher, err := auth.NewHasher(auth.RecommendedParams())
	if err != nil {
		b.Fatal(err)
	}
	tokens, err := auth.NewTokens([]byte("the benchmarks' signing key, 32 bytes at least"), 8*time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	deps := service.Deps{Store: txStore{db}, Now: func() time.Time { return time.Now().UTC() }}
	e := &engine{
		name: name, db: db, n: n, hasher: hasher, now: time.Now().UTC(),
		auth: service.NewAuth(deps, hasher, tokens), users: service.NewUsers(deps, hasher),
		customers: service.NewCustomers(deps), contracts: service.NewContracts(deps),
		events: service.NewEvents(deps), audit: service.NewAudit(deps),
	}
	login := func(role domain.Role) (string, service.Actor, string) {
		l, err := db.ListUsers(ctx, domain.UserFilter{Role: role, Page: domain.Page{Limit: 1}})
		if err != nil || len(l.Items) == 0 {
			b.Fatalf("a %s collaborator: %v", role, err)
		}
		token, actor, err := e.auth.Login(ctx, l.Items[0].Email, seeds.DemoPassword)
		if err != nil {
			b.Fatalf("login as %s: %v", l.Items[0].Email, err)
		}
		return token, actor, l.Items[0].Email
	}
	_, e.manager, _ = login(domain.RoleManagement)
	_, e.support, _ = login(domain.RoleSupport)
	e.token, e.sales, e.salesEmail = login(domain.RoleSales)

	mine, err := db.ListCustomers(ctx, domain.CustomerFilter{SalesContactID: e.sales.ID, Page: domain.Page{Limit: 50}})
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range mine.Items {
		ks, err := db.ListContracts(ctx, domain.ContractFilter{CustomerID: c.ID, Page: domain.Page{Limit: 20}})
		if err != nil {
			b.Fatal(err)
		}
		for _, k := range ks.Items {
			ps, _ := db.ListPayments(ctx, k.ID)
			es, _ := db.ListEvents(ctx, domain.EventFilter{ContractID: k.ID, Page: domain.Page{Limit: 1}})
			if len(ks.Items) >= 3 && len(ps) > 0 && len(es.Items) > 0 {
				e.customer, e.contract, e.event = c.ID, k.ID, es.Items[0].ID
				return e
			}
		}
	}
	b.Fatal("no customer of the sales collaborator has 3 contracts, one with payments and events")
	return nil
}

// seedDataSet empties db and writes the data set: grants, the scale company of
// n customers, and n audit entries.
func seedDataSet(b testing.TB, db *store.DB, n int) {
	b.Helper()
	ctx := context.Background()
	if err := db.Reset(ctx); err != nil {
		b.Fatal(err)
	}
	grants, err := seeds.Grants()
	if err != nil {
		b.Fatal(err)
	}
	if err := db.SeedGrants(ctx, grants); err != nil {
		b.Fatal(err)
	}
	if _, err := seeds.Scale(ctx, scaleStore{db: db}, seeds.ScaleOptions{Customers: n}); err != nil {
		b.Fatal(err)
	}
	ids, err := db.MaxIDs(ctx)
	if err != nil {
		b.Fatal(err)
	}
	entities := []string{"customer", "contract", "event", "user"}
	start := time.Now().UTC().AddDate(-2, 0, 0)
	for done := 0; done < n; {
		size := min(10000, n-done)
		batch := make([]domain.AuditEntry, size)
		for i := range batch {
			k := int64(done + i + 1)
			actor := k%ids.Users + 1
			batch[i] = domain.AuditEntry{ID: ids.Audit + k, ActorID: &actor, Action: "contract.update",
				Entity: entities[k%4], EntityID: k, At: start.Add(time.Duration(k) * time.Minute)}
		}
		if err := db.Tx(ctx, func(r *store.Repos) error { return r.InsertAudit(ctx, batch) }); err != nil {
			b.Fatal(err)
		}
		done += size
	}
	if err := db.Analyze(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := db.PutSettingIfAbsent(ctx, markerKey, strconv.Itoa(n)); err != nil {
		b.Fatal(err)
	}
}

// pair runs the program's operation and the raw one alternately, b.N times
// each, and reports the program's time as ns/op, the raw one's as raw-ns/op,
// and their ratio as x-raw. (B/op and allocs/op count both.) Which of the two
// goes first alternates too: the second finds the pages the first read in the
// cache (on SQLite the very same connection), which would favour one side.
func pair(b *testing.B, ours, raw func() error) {
	b.Helper()
	if err := ours(); err != nil {
		b.Fatal(err)
	}
	if err := raw(); err != nil {
		b.Fatal(err)
	}
	var tOurs, tRaw time.Duration
	timed := func(op func() error, total *time.Duration) {
		began := time.Now()
		if err := op(); err != nil {
			b.Fatal(err)
		}
		*total += time.Since(began)
	}
	b.ResetTimer()
	for i := range b.N {
		if i%2 == 0 {
			timed(ours, &tOurs)
			timed(raw, &tRaw)
		} else {
			timed(raw, &tRaw)
			timed(ours, &tOurs)
		}
	}
	b.StopTimer()
	report(b, tOurs, tRaw)
}

func report(b *testing.B, ours, raw time.Duration) {
	n := float64(b.N)
	b.ReportMetric(float64(ours.Nanoseconds())/n, "ns/op")
	b.ReportMetric(float64(raw.Nanoseconds())/n, "raw-ns/op")
	if raw > 0 {
		b.ReportMetric(float64(ours)/float64(raw), "x-raw")
	}
}

// record runs op once with a statement counter and returns what it ran.
func record(b *testing.B, op func(ctx context.Context) error) []store.Statement {
	b.Helper()
	ctx, count := store.CountQueries(context.Background())
	if err := op(ctx); err != nil {
		b.Fatal(err)
	}
	return count.Statements()
}

// rawQueries runs statements through database/sql alone, reading every
// column of every row: the hand-written equivalent of a read.
func rawQueries(ctx context.Context, db *sql.DB, stmts []store.Statement) error {
	for _, st := range stmts {
		rows, err := db.QueryContext(ctx, st.SQL, st.Vars...)
		if err != nil {
			return err
		}
		cols, err := rows.Columns()
		if err != nil {
			rows.Close()
			return err
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return err
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}
