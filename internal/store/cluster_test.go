package store_test

// Tests on a 3-node MariaDB Galera cluster (scripts/galera-up.sh). They run
// when EPIC_TEST_GALERA_DSNS holds the three nodes' DSNs, comma-separated, and
// are skipped otherwise; with EPIC_REQUIRE_GALERA=1 an unset or unreachable
// cluster fails them. They stop and start nodes (as root, through the
// scripts and the nodes' sockets under EPIC_GALERA_DIR), and leave the
// cluster whole again when they end: run them on their own, not beside other
// packages using the same cluster.

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/auth"
	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
	"github.com/epic-events/crm/internal/store"
	"github.com/epic-events/crm/seeds"
	"github.com/go-sql-driver/mysql"
)

const (
	envGaleraDSNs    = "EPIC_TEST_GALERA_DSNS" // the three nodes, comma-separated
	envRequireGalera = "EPIC_REQUIRE_GALERA"   // "1": no cluster is a failure
	envGaleraDir     = "EPIC_GALERA_DIR"       // the nodes' directories (scripts/galera-up.sh)
)

// galera is one test database on the cluster, reachable through each node.
type galera struct {
	nodes    []*mysql.Config // node 1, 2, 3
	database string
}

// newGalera creates a migrated database epic_g_<random> holding the real
// permission matrix on the cluster, dropped when t ends; or skips t.
func newGalera(t *testing.T) *galera {
	t.Helper()
	required := os.Getenv(envRequireGalera) == "1"
	dsns := os.Getenv(envGaleraDSNs)
	if dsns == "" {
		if required {
			t.Fatalf("%s=1 but %s is not set", envRequireGalera, envGaleraDSNs)
		}
		t.Skipf("cluster tests skipped: %s is not set", envGaleraDSNs)
	}
	g := &galera{database: "epic_g_" + randomName(t)}
	for _, dsn := range strings.Split(dsns, ",") {
		mc, err := mysql.ParseDSN(strings.TrimSpace(dsn))
		if err != nil {
			t.Fatalf("%s: %v", envGaleraDSNs, err)
		}
		mc.DBName = ""
		mc.Logger = &mysql.NopLogger{}
		mc.Timeout = 3 * time.Second
		g.nodes = append(g.nodes, mc)
	}
	if len(g.nodes) != 3 {
		t.Fatalf("%s lists %d DSNs, want the 3 nodes", envGaleraDSNs, len(g.nodes))
	}
	admin, err := g.admin()
	if err != nil {
		if required {
			t.Fatalf("the cluster is unreachable and %s=1: %v", envRequireGalera, err)
		}
		t.Skipf("cluster tests skipped: %v", err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE `"+g.database+"` CHARACTER SET utf8mb4"); err != nil {
		t.Fatalf("create %s: %v", g.database, err)
	}
	t.Cleanup(func() {
		admin, err := g.admin()
		if err != nil {
			t.Errorf("drop %s: %v", g.database, err)
			return
		}
		defer admin.Close()
		if _, err := admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS `"+g.database+"`"); err != nil {
			t.Errorf("drop %s: %v", g.database, err)
		}
	})
	db := g.open(t, 1)
	mustNil(t, db.Migrate(ctx))
	grants, err := seeds.Grants()
	mustNil(t, err)
	mustNil(t, db.Tx(ctx, func(r *store.Repos) error { return r.SeedGrants(ctx, grants) }))
	return g
}

// admin connects, without a database, to the first node that answers.
func (g *galera) admin() (*sql.DB, error) {
	var errs []string
	for _, mc := range g.nodes {
		c, err := mysql.NewConnector(mc)
		if err != nil {
			return nil, err
		}
		db := sql.OpenDB(c)
		db.SetMaxOpenConns(1)
		if err = db.PingContext(ctx); err == nil {
			return db, nil
		}
		_ = db.Close()
		errs = append(errs, mc.Addr+": "+err.Error())
	}
	return nil, fmt.Errorf("no node answers: %s", strings.Join(errs, "; "))
}

// addr is node n's address (n from 1).
func (g *galera) addr(n int) string { return g.nodes[n-1].Addr }

// open opens the test database through the nodes given, tried in that order.
func (g *galera) open(t *testing.T, nodes ...int) *store.DB {
	t.Helper()
	db, err := g.tryOpen(nodes...)
	if err != nil {
		t.Fatalf("open through nodes %v: %v", nodes, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func (g *galera) tryOpen(nodes ...int) (*store.DB, error) {
	hosts := make([]string, 0, len(nodes))
	for _, n := range nodes {
		hosts = append(hosts, g.addr(n))
	}
	mc := g.nodes[0]
	return store.Open(ctx, store.Config{
		Driver: store.DriverMySQL, Hosts: hosts, User: mc.User, Password: mc.Passwd, Database: g.database,
	})
}

// services wires the use cases on db as the program does.
type services struct {
	auth      *service.Auth
	customers *service.Customers
	contracts *service.Contracts
}

type svcStore struct{ *store.DB }

func (s svcStore) Tx(ctx context.Context, fn func(service.Repos) error) error {
	return s.DB.Tx(ctx, func(r *store.Repos) error { return fn(r) })
}

var (
	testHasher     *auth.Hasher
	testHasherOnce sync.Once
)

func hasher(t *testing.T) *auth.Hasher {
	t.Helper()
	testHasherOnce.Do(func() {
		h, err := auth.NewHasher(auth.TestParams())
		if err != nil {
			panic(err)
		}
		testHasher = h
	})
	return testHasher
}

func wire(t *testing.T, db *store.DB) services {
	t.Helper()
	tokens, err := auth.NewTokens([]byte(strings.Repeat("k", 32)), time.Hour)
	mustNil(t, err)
	deps := service.Deps{Store: svcStore{db}}
	return services{
		auth:      service.NewAuth(deps, hasher(t), tokens),
		customers: service.NewCustomers(deps),
		contracts: service.NewContracts(deps),
	}
}

// login creates a collaborator of role through db and logs them in.
func login(t *testing.T, db *store.DB, role domain.Role, name string) service.Actor {
	t.Helper()
	const password = "Cluster-Test-Pa55word"
	hash, err := hasher(t).Hash(password)
	mustNil(t, err)
	u := domain.Collaborator{
		EmployeeNumber: "EE-" + randomName(t)[:4], FullName: name, Role: role, Active: true, PasswordHash: hash,
		Email: strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "." + randomName(t) + "@epicevents.test",
	}
	mustNil(t, db.CreateUser(ctx, &u))
	_, actor, err := wire(t, db).auth.Login(ctx, u.Email, password)
	mustNil(t, err)
	return actor
}

// nodeSQL runs query as root through node n's socket (the test account may
// not change the cluster) and returns the bare output.
func nodeSQL(t *testing.T, n int, query string) string {
	t.Helper()
	dir := os.Getenv(envGaleraDir)
	if dir == "" {
		dir = "/tmp/epic-galera"
	}
	args := []string{"mariadb", "--no-defaults", "-uroot", "--socket=" + filepath.Join(dir, fmt.Sprintf("node%d", n), "mysqld.sock"),
		"--batch", "--skip-column-names", "-e", query}
	out, err := asRoot(args...).CombinedOutput()
	if err != nil {
		t.Fatalf("node %d: %s: %v: %s", n, query, err, out)
	}
	return strings.TrimSpace(string(out))
}

// script runs scripts/<name> with args, as root.
func script(t *testing.T, name string, args ...string) {
	t.Helper()
	cmd := asRoot(append([]string{"bash", filepath.Join("..", "..", "scripts", name)}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

func asRoot(args ...string) *exec.Cmd {
	if os.Geteuid() != 0 {
		args = append([]string{"sudo", "-n"}, args...)
	}
	return exec.Command(args[0], args[1:]...)
}

// waitFor polls cond every 200 ms until it holds; it gives up after a minute,
// which no healthy cluster comes near.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 300 {
		if cond() {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s: not reached after a minute", what)
}

func randomName(t *testing.T) string {
	t.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

func TestClusterReplicatesEveryWrite(t *testing.T) {
	g := newGalera(t)
	one, two, three := g.open(t, 1), g.open(t, 2), g.open(t, 3)
	manager := login(t, one, domain.RoleManagement, "Cluster Manager")
	sales := login(t, one, domain.RoleSales, "Cluster Sales")

	t.Run("a write through node 1 is read through node 3", func(t *testing.T) {
		c, err := wire(t, one).customers.Create(ctx, sales, service.CustomerInput{
			FullName: "Written On One", Email: "one." + randomName(t) + "@example.com", Phone: "+33 1 00 00 00 01", CompanyName: "Node One SA",
		})
		mustNil(t, err)
		got, err := three.GetCustomer(ctx, c.ID)
		mustNil(t, err)
		if got.FullName != "Written On One" || got.SalesContactID != sales.ID {
			t.Fatalf("node 3 reads %+v", got)
		}
	})

	t.Run("a transaction through node 3 is read whole through node 1", func(t *testing.T) {
		c, err := wire(t, three).customers.Create(ctx, sales, service.CustomerInput{
			FullName: "Written On Three", Email: "three." + randomName(t) + "@example.com", Phone: "+33 1 00 00 00 03", CompanyName: "Node Three SA",
		})
		mustNil(t, err)
		k, err := wire(t, three).contracts.Create(ctx, manager, c.ID, 1000_00)
		mustNil(t, err)
		k, _, err = wire(t, three).contracts.RecordPayment(ctx, manager, k.ID, 250_00, time.Time{})
		mustNil(t, err)
		got, err := one.GetContract(ctx, k.ID)
		mustNil(t, err)
		paid, err := one.PaidTotal(ctx, k.ID)
		mustNil(t, err)
		if got.AmountDue != 750_00 || paid != 250_00 {
			t.Fatalf("node 1 reads amount due %s and paid %s, want 750.00 and 250.00", got.AmountDue, paid)
		}
	})

	t.Run("rows created through every node are listed once each, page after page", func(t *testing.T) {
		// Each node hands out ids of its own residue (auto_increment_offset), so
		// ids interleave and leave gaps: only keyset pages list them all.
		nodes := []*store.DB{one, two, three}
		want := map[domain.ID]bool{}
		for i := range 12 {
			c, err := wire(t, nodes[i%3]).customers.Create(ctx, sales, service.CustomerInput{
				FullName: fmt.Sprintf("Paged %02d", i), Email: fmt.Sprintf("paged.%d.%s@example.com", i, randomName(t)),
				Phone: "+33 1 00 00 00 00", CompanyName: "Paging SA",
			})
			mustNil(t, err)
			want[c.ID] = true
		}
		ids := allPages(t, 5, func(p domain.Page) (domain.List[domain.Customer], error) {
			return two.ListCustomers(ctx, domain.CustomerFilter{Search: "Paged", Page: p})
		}, func(c domain.Customer) domain.ID { return c.ID })
		if len(ids) != len(want) {
			t.Fatalf("listed %d customers, want %d: %v", len(ids), len(want), ids)
		}
		for _, id := range ids {
			if !want[id] {
				t.Fatalf("listed %d, which was not created (or twice): %v", id, ids)
			}
			delete(want, id)
		}
	})
}

func TestClusterCertificationFailureIsRunAgain(t *testing.T) {
	g := newGalera(t)
	one, two := g.open(t, 1), g.open(t, 2)
	u := newUser(t, one.Repos, domain.RoleSales, "Original Name")

	// A transaction on node 1 changes a row; before it commits, node 2 changes
	// the same row and commits first. Node 1's row lock means nothing to node 2,
	// so node 1's commit fails certification (error 1213). The store runs the
	// transaction again, which reads node 2's version and saves over it.
	runs := 0
	err := one.Tx(ctx, func(r *store.Repos) error {
		runs++
		cur, err := r.GetUser(ctx, u.ID)
		if err != nil {
			return err
		}
		cur.FullName = "Saved Through One"
		if err := r.UpdateUser(ctx, &cur); err != nil {
			return err
		}
		if runs == 1 {
			other, err := two.GetUser(ctx, u.ID)
			if err != nil {
				return err
			}
			other.FullName = "Saved Through Two"
			if err := two.UpdateUser(ctx, &other); err != nil {
				return fmt.Errorf("node 2: %w", err)
			}
		}
		return nil
	})
	mustNil(t, err)
	if runs != 2 {
		t.Fatalf("the transaction ran %d times, want 2 (once more after the certification failure)", runs)
	}
	for n, db := range []*store.DB{one, two} {
		got, err := db.GetUser(ctx, u.ID)
		mustNil(t, err)
		if got.FullName != "Saved Through One" || got.Version != u.Version+2 {
			t.Errorf("node %d reads %q at version %d, want %q at %d", n+1, got.FullName, got.Version, "Saved Through One", u.Version+2)
		}
	}
}

func TestClusterConcurrentPaymentsThroughEveryNode(t *testing.T) {
	g := newGalera(t)
	dbs := []*store.DB{g.open(t, 1), g.open(t, 2), g.open(t, 3)}
	manager := login(t, dbs[0], domain.RoleManagement, "Payments Manager")
	sales := login(t, dbs[0], domain.RoleSales, "Payments Sales")
	c, err := wire(t, dbs[0]).customers.Create(ctx, sales, service.CustomerInput{
		FullName: "Many Payers", Email: "payers." + randomName(t) + "@example.com", Phone: "+33 1 00 00 00 09", CompanyName: "Payers SA",
	})
	mustNil(t, err)
	k, err := wire(t, dbs[0]).contracts.Create(ctx, manager, c.ID, 100_00)
	mustNil(t, err)

	// Nine payments of 15.00 against 100.00, three sent at once to each node.
	// Row locks do not reach across nodes: two nodes may both accept a payment
	// on the same balance, and the second to commit fails certification. The
	// store runs that transaction again, which reads the new balance. Six
	// payments fit (90.00); the last three must be refused, whatever the order.
	// A payer told "conflict, try again" tries again, as a person would.
	const payers, amount = 9, 15_00
	type outcome struct {
		ok        bool
		code      domain.Code
		conflicts int
		err       error
	}
	outcomes := make([]outcome, payers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range payers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			contracts := wire(t, dbs[i%3]).contracts
			<-start
			o := &outcomes[i]
			for range 20 {
				_, _, err := contracts.RecordPayment(ctx, manager, k.ID, amount, time.Time{})
				o.code, o.err = domain.ErrorCode(err), err
				if o.code != domain.CodeConflict {
					break
				}
				o.conflicts++
			}
			o.ok = o.err == nil
		}()
	}
	close(start)
	wg.Wait()

	paidBy, refused, conflicts := 0, 0, 0
	for i, o := range outcomes {
		conflicts += o.conflicts
		switch {
		case o.ok:
			paidBy++
		case o.code == domain.CodeInvalid:
			refused++
		default:
			t.Errorf("payer %d (node %d): %v", i, i%3+1, o.err)
		}
	}
	t.Logf("%d payments recorded, %d refused, %d conflicts reported after the store's retries", paidBy, refused, conflicts)
	if paidBy != 6 || refused != 3 {
		t.Fatalf("%d payments recorded and %d refused, want 6 and 3", paidBy, refused)
	}
	for n, db := range dbs {
		got, err := db.GetContract(ctx, k.ID)
		mustNil(t, err)
		payments, err := db.ListPayments(ctx, k.ID)
		mustNil(t, err)
		var sum domain.Money
		for _, p := range payments {
			sum += p.Amount
		}
		if len(payments) != 6 || sum != 90_00 || got.AmountDue != 10_00 {
			t.Errorf("node %d: %d payments of %s in all, amount due %s; want 6 of 90.00, 10.00 due", n+1, len(payments), sum, got.AmountDue)
		}
	}
}

func TestClusterLosingTheNodeInUse(t *testing.T) {
	g := newGalera(t)
	// Whatever happens below, the cluster has its three nodes again afterwards.
	t.Cleanup(func() { script(t, "galera-up.sh") })

	db := g.open(t, 1, 2, 3)
	manager := login(t, db, domain.RoleManagement, "Failover Manager")
	sales := login(t, db, domain.RoleSales, "Failover Sales")
	svc := wire(t, db)
	c, err := svc.customers.Create(ctx, sales, service.CustomerInput{
		FullName: "Before The Fall", Email: "fall." + randomName(t) + "@example.com", Phone: "+33 1 00 00 00 07", CompanyName: "Failover SA",
	})
	mustNil(t, err)
	k, err := svc.contracts.Create(ctx, manager, c.ID, 500_00)
	mustNil(t, err)
	if d := db.Describe(); !strings.Contains(d, "@"+g.addr(1)+"/") {
		t.Fatalf("Describe = %q, want node 1 in use", d)
	}

	t.Run("the action under way when its node stops fails, and says so", func(t *testing.T) {
		err := db.Tx(ctx, func(r *store.Repos) error {
			p := domain.Payment{ContractID: k.ID, Amount: 100_00, ReceivedAt: time.Now().UTC().Truncate(time.Second), RecordedByID: manager.ID}
			if err := r.AddPayment(ctx, &p); err != nil {
				return err
			}
			script(t, "galera-down.sh", "1")
			cur, err := r.GetContractForUpdate(ctx, k.ID)
			if err != nil {
				return err
			}
			cur.AmountDue -= 100_00
			return r.UpdateContract(ctx, &cur)
		})
		de := wantCode(t, err, domain.CodeUnavailable)
		if !strings.Contains(de.Message, "unavailable") {
			t.Fatalf("message = %q", de.Message)
		}
	})

	t.Run("the next action goes on through another node, with nothing half-written", func(t *testing.T) {
		got, err := svc.contracts.Get(ctx, manager, k.ID)
		mustNil(t, err)
		if len(got.Payments) != 0 || got.AmountDue != 500_00 {
			t.Fatalf("after the lost transaction: %d payments, %s due; want none, 500.00", len(got.Payments), got.AmountDue)
		}
		if d := db.Describe(); strings.Contains(d, g.addr(1)) || !strings.Contains(d, "of 3 in DB_HOST") {
			t.Fatalf("Describe = %q, want another node in use", d)
		}
		after, _, err := svc.contracts.RecordPayment(ctx, manager, k.ID, 100_00, time.Time{})
		mustNil(t, err)
		if after.AmountDue != 400_00 {
			t.Fatalf("amount due %s after the payment, want 400.00", after.AmountDue)
		}
	})

	t.Run("the stopped node rejoins with what was written meanwhile", func(t *testing.T) {
		script(t, "galera-up.sh")
		one := g.open(t, 1)
		got, err := one.GetContract(ctx, k.ID)
		mustNil(t, err)
		if got.AmountDue != 400_00 {
			t.Fatalf("node 1 reads %s due, want 400.00", got.AmountDue)
		}
	})
}

func TestClusterNodeOutsideThePrimaryComponent(t *testing.T) {
	g := newGalera(t)
	ready := func(n int) func() bool {
		return func() bool { return nodeSQL(t, n, "SHOW GLOBAL STATUS LIKE 'wsrep_ready'") == "wsrep_ready\tON" }
	}
	synced := func() bool {
		return nodeSQL(t, 3, "SHOW GLOBAL STATUS LIKE 'wsrep_local_state_comment'") == "wsrep_local_state_comment\tSynced" &&
			nodeSQL(t, 1, "SHOW GLOBAL STATUS LIKE 'wsrep_cluster_size'") == "wsrep_cluster_size\t3"
	}
	onThree := g.open(t, 3, 1, 2)
	sales := login(t, onThree, domain.RoleSales, "Partition Sales")
	if d := onThree.Describe(); !strings.Contains(d, "@"+g.addr(3)+"/") {
		t.Fatalf("Describe = %q, want node 3 in use", d)
	}

	// Cut node 3 off from the other two: it stays up and accepts connections,
	// but refuses queries (error 1047) until it is back in the cluster.
	nodeSQL(t, 3, "SET GLOBAL wsrep_provider_options = 'gmcast.isolate=1'")
	t.Cleanup(func() {
		nodeSQL(t, 3, "SET GLOBAL wsrep_provider_options = 'gmcast.isolate=0'")
		waitFor(t, "node 3 back in the cluster", synced)
	})
	waitFor(t, "node 3 outside the primary component", func() bool { return !ready(3)() })

	t.Run("the action on that node fails as unavailable; the next goes to node 1", func(t *testing.T) {
		_, err := onThree.GetUser(ctx, sales.ID)
		wantCode(t, err, domain.CodeUnavailable)
		got, err := onThree.GetUser(ctx, sales.ID)
		mustNil(t, err)
		if got.FullName != "Partition Sales" {
			t.Fatalf("read %q", got.FullName)
		}
		if d := onThree.Describe(); !strings.Contains(d, "@"+g.addr(1)+"/") {
			t.Fatalf("Describe = %q, want node 1 in use", d)
		}
	})

	t.Run("Open passes over a node that answers but is not ready", func(t *testing.T) {
		db, err := g.tryOpen(3, 2)
		mustNil(t, err)
		defer db.Close()
		if d := db.Describe(); !strings.Contains(d, "@"+g.addr(2)+"/") {
			t.Fatalf("Describe = %q, want node 2 in use", d)
		}
	})

}
