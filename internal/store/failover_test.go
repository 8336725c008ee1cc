package store_test

import (
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/store"
	"github.com/epic-events/crm/internal/store/storetest"
)

// proxy stands for one server of a cluster: it forwards TCP connections to the
// test MySQL server until killed, when it drops every connection at once and
// refuses new ones, as a server that dies does.
type proxy struct {
	l      net.Listener
	target string

	mu    sync.Mutex
	conns []net.Conn
	dead  bool
}

func startProxy(t *testing.T, target string) *proxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	mustNil(t, err)
	p := &proxy{l: l, target: target}
	go p.serve()
	t.Cleanup(p.kill)
	return p
}

func (p *proxy) addr() string { return p.l.Addr().String() }

func (p *proxy) serve() {
	for {
		client, err := p.l.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", p.target)
		if err != nil {
			_ = client.Close()
			continue
		}
		p.mu.Lock()
		if p.dead {
			p.mu.Unlock()
			_ = client.Close()
			_ = server.Close()
			return
		}
		p.conns = append(p.conns, client, server)
		p.mu.Unlock()
		go func() { _, _ = io.Copy(server, client); _ = server.Close() }()
		go func() { _, _ = io.Copy(client, server); _ = client.Close() }()
	}
}

func (p *proxy) kill() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.dead = true
	_ = p.l.Close()
	for _, c := range p.conns {
		_ = c.Close()
	}
}

// closedAddr is an address where nothing listens.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	mustNil(t, err)
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

// clusterOf opens the freshly migrated MySQL test database of db again,
// through the servers given.
func clusterOf(t *testing.T, db *store.DB, hosts ...string) (*store.DB, error) {
	t.Helper()
	_, _, mc := mysqlTarget(t)
	d := db.Describe()
	c, err := store.Open(ctx, store.Config{
		Driver: store.DriverMySQL, Hosts: hosts, User: mc.User, Password: mc.Passwd,
		Database: d[strings.LastIndexByte(d, '/')+1:],
	})
	if err == nil {
		t.Cleanup(func() { _ = c.Close() })
	}
	return c, err
}

func TestSeveralServers(t *testing.T) {
	_, _, mc := mysqlTarget(t)
	db := storetest.MySQL(t)
	if db == nil {
		t.Skip("no MySQL")
	}
	mustNil(t, db.SeedGrants(ctx, testGrants))
	u := newUser(t, db.Repos, domain.RoleSales, "Still Here")

	t.Run("Open uses the first server that answers and says which", func(t *testing.T) {
		down := closedAddr(t)
		c, err := clusterOf(t, db, down, mc.Addr)
		mustNil(t, err)
		if d := c.Describe(); !strings.Contains(d, "@"+mc.Addr+"/") || !strings.HasSuffix(d, "(server 2 of 2 in DB_HOST)") {
			t.Fatalf("Describe = %q, want the second server named in use", d)
		}
		got, err := c.GetUser(ctx, u.ID)
		mustNil(t, err)
		if got.FullName != "Still Here" {
			t.Fatalf("read %q", got.FullName)
		}
	})

	t.Run("Open with no server answering names DB_HOST and every server", func(t *testing.T) {
		a, b := closedAddr(t), closedAddr(t)
		_, err := clusterOf(t, db, a, b)
		de := wantCode(t, err, domain.CodeUnavailable)
		for _, m := range []string{"DB_HOST", a, b, "connection refused"} {
			if !strings.Contains(de.Message, m) {
				t.Errorf("message %q does not mention %q", de.Message, m)
			}
		}
	})

	t.Run("a refused account stops at the first server, named", func(t *testing.T) {
		_, _, mc := mysqlTarget(t)
		d := db.Describe()
		_, err := store.Open(ctx, store.Config{
			Driver: store.DriverMySQL, Hosts: []string{mc.Addr, closedAddr(t)}, User: mc.User, Password: "Wr0ng-Pa55word-xyz",
			Database: d[strings.LastIndexByte(d, '/')+1:],
		})
		de := wantCode(t, err, domain.CodeUnavailable)
		for _, m := range []string{"access denied", "DB_PASS", mc.Addr} {
			if !strings.Contains(de.Message, m) {
				t.Errorf("message %q does not mention %q", de.Message, m)
			}
		}
	})

	t.Run("a server lost mid-transaction fails that action only; the next goes on through the next server", func(t *testing.T) {
		first, second := startProxy(t, mc.Addr), startProxy(t, mc.Addr)
		c, err := clusterOf(t, db, first.addr(), second.addr())
		mustNil(t, err)
		if d := c.Describe(); !strings.Contains(d, first.addr()) {
			t.Fatalf("Describe = %q, want the first server in use", d)
		}
		runs := 0
		err = c.Tx(ctx, func(r *store.Repos) error {
			runs++
			cur, err := r.GetUser(ctx, u.ID)
			if err != nil {
				return err
			}
			cur.FullName = "Half Written"
			if err := r.UpdateUser(ctx, &cur); err != nil {
				return err
			}
			first.kill()
			_, err = r.GetUser(ctx, u.ID)
			return err
		})
		de := wantCode(t, err, domain.CodeUnavailable)
		if de.Message != "the database is unavailable; try again" {
			t.Fatalf("message = %q", de.Message)
		}
		if runs != 1 {
			t.Fatalf("the transaction ran %d times: a lost connection must not be replayed", runs)
		}

		got, err := c.GetUser(ctx, u.ID)
		mustNil(t, err)
		if got.FullName != "Still Here" {
			t.Fatalf("a write of the lost transaction survived: %q", got.FullName)
		}
		if d := c.Describe(); !strings.Contains(d, second.addr()) || !strings.HasSuffix(d, "(server 2 of 2 in DB_HOST)") {
			t.Fatalf("Describe = %q, want the second server in use", d)
		}
		mustNil(t, c.Tx(ctx, func(r *store.Repos) error {
			cur, err := r.GetUser(ctx, u.ID)
			if err != nil {
				return err
			}
			cur.FullName = "Renamed After"
			return r.UpdateUser(ctx, &cur)
		}))
		got, err = db.GetUser(ctx, u.ID)
		mustNil(t, err)
		if got.FullName != "Renamed After" {
			t.Fatalf("the write through the second server reads %q", got.FullName)
		}
	})

	t.Run("with every server lost, each action says the database is unavailable", func(t *testing.T) {
		only := startProxy(t, mc.Addr)
		c, err := clusterOf(t, db, only.addr(), closedAddr(t))
		mustNil(t, err)
		only.kill()
		for i := range 2 {
			_, err := c.GetUser(ctx, u.ID)
			if domain.ErrorCode(err) != domain.CodeUnavailable {
				t.Fatalf("action %d: %v, want unavailable", i+1, err)
			}
		}
	})
}
