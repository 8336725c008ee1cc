package service_test

// The shared test world of the service tests: a real, freshly migrated database
// per test and engine (SQLite always, MariaDB when EPIC_TEST_MYSQL_DSN is set),
// the permission matrix seeded from seeds/, a small staff created through the
// repositories, a clock the test moves, and a reporter that records what it is
// told. Customers, contracts and events are added with the helpers at the end.

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/auth"
	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
	"github.com/epic-events/crm/internal/store"
	"github.com/epic-events/crm/internal/store/storetest"
	"github.com/epic-events/crm/seeds"
)

// testPassword is every world collaborator's password.
const testPassword = "correct horse battery staple"

// t0 is when every world starts: a Monday morning, in UTC.
var t0 = time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)

// txStore adapts *store.DB to service.Store (store cannot import service, so its
// Tx takes the concrete *store.Repos). app carries the same adapter.
type txStore struct{ *store.DB }

func (s txStore) Tx(ctx context.Context, fn func(service.Repos) error) error {
	return s.DB.Tx(ctx, func(r *store.Repos) error { return fn(r) })
}

// world is one test's database and everything the services are built from.
type world struct {
	Engine   string // "sqlite" or "mysql"
	DB       *store.DB
	Store    service.Store
	Grants   map[domain.Role]domain.Grants
	Hasher   *auth.Hasher
	Clock    *testClock
	Reporter *recorder

	// The staff, created through the repositories, all with testPassword.
	Manager, SalesA, SalesB, SupportA, SupportB, Inactive domain.Collaborator

	seq int // makes the helpers' names and emails unique
}

// forEachEngine runs fn as a subtest on a fresh world for each engine: SQLite
// always, MariaDB when EPIC_TEST_MYSQL_DSN is set (skipped otherwise, failed
// under EPIC_REQUIRE_MYSQL=1; see storetest). The store stamps rows with the
// world's clock, so created_at and updated_at move only when the test moves it.
func forEachEngine(t *testing.T, fn func(t *testing.T, w *world)) {
	t.Helper()
	t.Run(store.DriverSQLite, func(t *testing.T) {
		clock := &testClock{now: t0}
		fn(t, newWorld(t, store.DriverSQLite, storetest.SQLite(t, storetest.WithClock(clock.Now)), clock))
	})
	t.Run(store.DriverMySQL, func(t *testing.T) {
		clock := &testClock{now: t0}
		db := storetest.MySQL(t, storetest.WithClock(clock.Now))
		if db == nil {
			t.Skip("MySQL tests skipped: " + storetest.EnvMySQLDSN + " is not set or the server is unreachable")
		}
		fn(t, newWorld(t, store.DriverMySQL, db, clock))
	})
}

var (
	hasherOnce sync.Once
	testHasher *auth.Hasher
	testHash   string
)

// cheapHasher is one argon2id hasher with test costs, and one hash of testPassword
// that every world collaborator shares (a hash per collaborator buys nothing here).
func cheapHasher(t testing.TB) (*auth.Hasher, string) {
	hasherOnce.Do(func() {
		h, err := auth.NewHasher(auth.TestParams())
		if err != nil {
			panic(err)
		}
		hash, err := h.Hash(testPassword)
		if err != nil {
			panic(err)
		}
		testHasher, testHash = h, hash
	})
	return testHasher, testHash
}

func newWorld(t *testing.T, engine string, db *store.DB, clock *testClock) *world {
	t.Helper()
	ctx := context.Background()
	hasher, _ := cheapHasher(t)
	w := &world{
		Engine:   engine,
		DB:       db,
		Store:    txStore{db},
		Hasher:   hasher,
		Clock:    clock,
		Reporter: &recorder{},
		Grants:   map[domain.Role]domain.Grants{},
	}
	seedGrants(t, ctx, db)
	for _, role := range domain.Roles {
		g, err := db.GrantsFor(ctx, role)
		if err != nil {
			t.Fatalf("GrantsFor(%s): %v", role, err)
		}
		w.Grants[role] = g
	}
	w.Manager = w.addUser(t, domain.RoleManagement, "Margaux Manager")
	w.SalesA = w.addUser(t, domain.RoleSales, "Adèle Sales")
	w.SalesB = w.addUser(t, domain.RoleSales, "Bruno Sales")
	w.SupportA = w.addUser(t, domain.RoleSupport, "Aline Support")
	w.SupportB = w.addUser(t, domain.RoleSupport, "Basile Support")
	w.Inactive = w.addUser(t, domain.RoleSales, "Ines Inactive")
	w.Inactive.Active = false
	if err := db.UpdateUser(ctx, &w.Inactive); err != nil {
		t.Fatalf("deactivate %s: %v", w.Inactive.FullName, err)
	}
	return w
}

// Deps builds the services' dependencies on this world's store, clock and recorder.
func (w *world) Deps() service.Deps {
	return service.Deps{Store: w.Store, Reporter: w.Reporter, Now: w.Clock.Now}
}

// actor acts as c, with the grants the database holds for c's role (no login).
func (w *world) actor(c domain.Collaborator) service.Actor {
	return service.ActorForTest(c, w.Grants[c.Role])
}

// tokens returns a token issuer with a fixed test key.
func (w *world) tokens(t testing.TB) *auth.Tokens {
	t.Helper()
	tk, err := auth.NewTokens(testKey, 8*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

var testKey = []byte("a test signing key, 32 bytes long at least")

// addUser creates an active collaborator with testPassword through the repositories.
func (w *world) addUser(t testing.TB, role domain.Role, name string) domain.Collaborator {
	t.Helper()
	_, hash := cheapHasher(t)
	w.seq++
	u := domain.Collaborator{
		EmployeeNumber: fmt.Sprintf("EE-%04d", 9000+w.seq),
		FullName:       name,
		Email:          fmt.Sprintf("%s.%d@staff.example.com", strings.ToLower(string(role)), w.seq),
		PasswordHash:   hash,
		Role:           role,
		Active:         true,
	}
	if err := w.DB.CreateUser(context.Background(), &u); err != nil {
		t.Fatalf("create collaborator %s: %v", name, err)
	}
	return u
}

// user re-reads a collaborator from the database.
func (w *world) user(t testing.TB, id domain.ID) domain.Collaborator {
	t.Helper()
	u, err := w.DB.GetUser(context.Background(), id)
	if err != nil {
		t.Fatalf("GetUser(%d): %v", id, err)
	}
	return u
}

// addCustomer creates a customer looked after by owner.
func (w *world) addCustomer(t testing.TB, owner domain.Collaborator, name string) domain.Customer {
	t.Helper()
	w.seq++
	c := domain.Customer{
		FullName:       name,
		Email:          fmt.Sprintf("customer.%d@example.com", w.seq),
		Phone:          "+33 6 12 34 56 78",
		CompanyName:    name + " SARL",
		SalesContactID: owner.ID,
	}
	if err := w.DB.CreateCustomer(context.Background(), &c); err != nil {
		t.Fatalf("create customer %s: %v", name, err)
	}
	got, err := w.DB.GetCustomer(context.Background(), c.ID)
	if err != nil {
		t.Fatalf("GetCustomer(%d): %v", c.ID, err)
	}
	return got
}

// addContract creates a contract of customer c with that total, nothing paid,
// in the given status (signed ones are signed at the world's current time).
func (w *world) addContract(t testing.TB, c domain.Customer, total domain.Money, status domain.ContractStatus) domain.Contract {
	t.Helper()
	k := domain.Contract{CustomerID: c.ID, TotalAmount: total, AmountDue: total, Status: status}
	if status == domain.ContractSigned {
		at := w.Clock.Now()
		k.SignedAt = &at
	}
	if err := w.DB.CreateContract(context.Background(), &k); err != nil {
		t.Fatalf("create contract for %s: %v", c.FullName, err)
	}
	got, err := w.DB.GetContract(context.Background(), k.ID)
	if err != nil {
		t.Fatalf("GetContract(%d): %v", k.ID, err)
	}
	return got
}

// addEvent creates an event of contract k starting at start for 4 hours, supported
// by support (nil: nobody yet).
func (w *world) addEvent(t testing.TB, k domain.Contract, name string, start time.Time, support *domain.Collaborator) domain.Event {
	t.Helper()
	e := domain.Event{
		ContractID: k.ID, Name: name, StartAt: start, EndAt: start.Add(4 * time.Hour),
		Location: "Salle Pleyel, Paris", Attendees: 120, Notes: "",
	}
	if support != nil {
		id := support.ID
		e.SupportContactID = &id
	}
	if err := w.DB.CreateEvent(context.Background(), &e); err != nil {
		t.Fatalf("create event %s: %v", name, err)
	}
	got, err := w.DB.GetEvent(context.Background(), e.ID)
	if err != nil {
		t.Fatalf("GetEvent(%d): %v", e.ID, err)
	}
	return got
}

// snapshot is the state of a world's database, to compare before and after a call
// that must change nothing: the row count of every table, and every row's version
// (and the fields that change without one: login state, payments, sessions).
type snapshot struct {
	Counts map[string]int64
	Rows   []string
}

func (w *world) snapshot(t testing.TB) snapshot {
	t.Helper()
	ctx := context.Background()
	counts, err := w.DB.Counts(ctx)
	if err != nil {
		t.Fatalf("Counts: %v", err)
	}
	s := snapshot{Counts: map[string]int64{}}
	for _, c := range counts {
		s.Counts[c.Table] = c.Rows
	}
	users := listAll(t, func(p domain.Page) (domain.List[domain.Collaborator], error) {
		return w.DB.ListUsers(ctx, domain.UserFilter{IncludeInactive: true, Page: p})
	})
	for _, u := range users {
		s.Rows = append(s.Rows, fmt.Sprintf("user %d v%d active=%t failed=%d locked=%v hash=%s email=%s role=%s",
			u.ID, u.Version, u.Active, u.FailedLogins, fmtTime(u.LockedUntil), u.PasswordHash, u.Email, u.Role))
	}
	customers := listAll(t, func(p domain.Page) (domain.List[domain.Customer], error) {
		return w.DB.ListCustomers(ctx, domain.CustomerFilter{Page: p})
	})
	for _, c := range customers {
		s.Rows = append(s.Rows, fmt.Sprintf("customer %d v%d owner=%d", c.ID, c.Version, c.SalesContactID))
	}
	contracts := listAll(t, func(p domain.Page) (domain.List[domain.Contract], error) {
		return w.DB.ListContracts(ctx, domain.ContractFilter{Page: p})
	})
	for _, k := range contracts {
		s.Rows = append(s.Rows, fmt.Sprintf("contract %d v%d status=%s due=%d", k.ID, k.Version, k.Status, k.AmountDue))
	}
	events := listAll(t, func(p domain.Page) (domain.List[domain.Event], error) {
		return w.DB.ListEvents(ctx, domain.EventFilter{Page: p})
	})
	for _, e := range events {
		s.Rows = append(s.Rows, fmt.Sprintf("event %d v%d support=%v", e.ID, e.Version, fmtID(e.SupportContactID)))
	}
	sort.Strings(s.Rows)
	return s
}

// assertUnchanged fails t when the database differs from before.
func (w *world) assertUnchanged(t testing.TB, before snapshot) {
	t.Helper()
	after := w.snapshot(t)
	for _, table := range slices.Sorted(maps.Keys(before.Counts)) {
		if before.Counts[table] != after.Counts[table] {
			t.Errorf("%s: %d rows before, %d after", table, before.Counts[table], after.Counts[table])
		}
	}
	if !slices.Equal(before.Rows, after.Rows) {
		t.Errorf("rows changed:\nbefore %s\nafter  %s", strings.Join(before.Rows, "\n       "), strings.Join(after.Rows, "\n       "))
	}
}

func listAll[T any](t testing.TB, page func(domain.Page) (domain.List[T], error)) []T {
	t.Helper()
	var all []T
	p := domain.Page{Limit: domain.MaxPageSize}
	for {
		l, err := page(p)
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		all = append(all, l.Items...)
		if l.Next == "" {
			return all
		}
		p.After = l.Next
	}
}

func fmtTime(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func fmtID(id *domain.ID) string {
	if id == nil {
		return "-"
	}
	return fmt.Sprint(*id)
}

// audit returns the world's audit trail, newest first.
func (w *world) audit(t testing.TB) []domain.AuditEntry {
	t.Helper()
	return listAll(t, func(p domain.Page) (domain.List[domain.AuditEntry], error) {
		return w.DB.ListAudit(context.Background(), domain.AuditFilter{Page: p})
	})
}

// lastAudit returns the newest audit entry, failing when there is none.
func (w *world) lastAudit(t testing.TB) domain.AuditEntry {
	t.Helper()
	all := w.audit(t)
	if len(all) == 0 {
		t.Fatal("the audit log is empty")
	}
	return all[0]
}

// testClock is the world's clock: it stands still until the test moves it.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// recorder is a service.Reporter that remembers what it was told.
type recorder struct {
	mu     sync.Mutex
	events []recorded
	errors []error
}

type recorded struct {
	Name    string
	ActorID domain.ID // 0 when no actor was given
	Data    map[string]string
}

// Error gives each report a reference as Sentry would: "ref-1", "ref-2"...
func (r *recorder) Error(_ context.Context, err error, _ *domain.Collaborator) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, err)
	return "ref-" + strconv.Itoa(len(r.errors))
}

func (r *recorder) Event(_ context.Context, name string, actor *domain.Collaborator, data map[string]string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ev := recorded{Name: name, Data: maps.Clone(data)}
	if actor != nil {
		ev.ActorID = actor.ID
	}
	r.events = append(r.events, ev)
}

// Events returns the names of the events reported so far, in order.
func (r *recorder) Events() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	names := make([]string, len(r.events))
	for i, e := range r.events {
		names[i] = e.Name
	}
	return names
}

// Last returns the last event reported with that name, and whether there was one.
func (r *recorder) Last(name string) (recorded, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.events) - 1; i >= 0; i-- {
		if r.events[i].Name == name {
			return r.events[i], true
		}
	}
	return recorded{}, false
}

// Errors returns the internal errors reported so far.
func (r *recorder) Errors() []error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.errors)
}

// Reset forgets everything reported so far.
func (r *recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events, r.errors = nil, nil
}

// code returns err's domain code ("" for nil) for table-driven expectations.
func code(err error) domain.Code { return domain.ErrorCode(err) }

// seedGrants writes the permission matrix of seeds/ into db.
func seedGrants(t *testing.T, ctx context.Context, db *store.DB) {
	t.Helper()
	grants, err := seeds.Grants()
	if err != nil {
		t.Fatalf("seeds.Grants: %v", err)
	}
	if err := db.SeedGrants(ctx, grants); err != nil {
		t.Fatalf("SeedGrants: %v", err)
	}
}
