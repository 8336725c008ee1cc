package storetest

import (
	"errors"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/store"
	"github.com/go-sql-driver/mysql"
)

// Proxy is a TCP proxy on 127.0.0.1 in front of a database server, for fault
// tests: Cut drops every connection and refuses new ones, as a server that
// went away would; Restore listens again on the same port. The shared test
// server itself is never stopped (other tests use it).
type Proxy struct {
	t      testing.TB
	target string
	addr   string

	mu    sync.Mutex
	ln    net.Listener // nil while cut
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

// NewProxy starts a proxy to target (host:port) and stops it when t ends.
func NewProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("proxy: listen: %v", err)
	}
	p := &Proxy{t: t, target: target, addr: ln.Addr().String(), conns: map[net.Conn]struct{}{}}
	p.serve(ln)
	t.Cleanup(func() {
		p.Cut()
		p.wg.Wait()
	})
	return p
}

// Addr is the proxy's host:port.
func (p *Proxy) Addr() string { return p.addr }

// HostPort splits Addr for a store.Config.
func (p *Proxy) HostPort() (string, int) {
	host, port, _ := net.SplitHostPort(p.addr)
	n, _ := strconv.Atoi(port)
	return host, n
}

// Cut closes the listener and every open connection: the pool's connections
// break mid-conversation, and new ones are refused.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		_ = p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		_ = c.Close()
	}
	clear(p.conns)
}

// Restore listens again on the same address, as a server back up would.
func (p *Proxy) Restore() {
	p.t.Helper()
	var ln net.Listener
	var err error
	// The port was ours a moment ago; the kernel may take an instant to free it.
	for range 50 {
		if ln, err = net.Listen("tcp", p.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		p.t.Fatalf("proxy: listen again on %s: %v", p.addr, err)
	}
	p.serve(ln)
}

func (p *Proxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	p.wg.Go(func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return // closed by Cut
			}
			server, err := net.DialTimeout("tcp", p.target, 5*time.Second)
			if err != nil {
				_ = client.Close()
				continue
			}
			if !p.track(ln, client, server) {
				continue
			}
			p.wg.Go(func() { p.pipe(client, server) })
			p.wg.Go(func() { p.pipe(server, client) })
		}
	})
}

// track records a connection pair, unless the proxy was cut meanwhile.
func (p *Proxy) track(ln net.Listener, conns ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != ln {
		for _, c := range conns {
			_ = c.Close()
		}
		return false
	}
	for _, c := range conns {
		p.conns[c] = struct{}{}
	}
	return true
}

func (p *Proxy) pipe(dst, src net.Conn) {
	_, _ = io.Copy(dst, src)
	_ = dst.Close()
	_ = src.Close()
	p.mu.Lock()
	delete(p.conns, dst)
	delete(p.conns, src)
	p.mu.Unlock()
}

// MySQLBehindProxy opens a freshly migrated MySQL test database twice: direct,
// to look at what really was written, and proxied, through a Proxy the test
// cuts and restores. It returns nils when MySQL is not available (skipped, or
// failed under EPIC_REQUIRE_MYSQL=1, as MySQL does).
func MySQLBehindProxy(t testing.TB, opts ...Option) (direct, proxied *store.DB, p *Proxy) {
	t.Helper()
	direct = MySQL(t, opts...)
	if direct == nil {
		return nil, nil, nil
	}
	cfg, err := mysqlConfigOf(direct)
	if err != nil {
		t.Fatal(err)
	}
	p = NewProxy(t, cfg.Addr)
	host, port := p.HostPort()
	scfg := store.Config{Driver: store.DriverMySQL, Host: host, Port: port, User: cfg.User, Password: cfg.Password, Database: cfg.Database}
	for _, o := range opts {
		o(&scfg)
	}
	proxied, err = store.Open(t.Context(), scfg)
	if err != nil {
		t.Fatalf("open through the proxy: %v", err)
	}
	t.Cleanup(func() { _ = proxied.Close() })
	return direct, proxied, p
}

// mysqlTarget is where a test database lives and who may use it.
type mysqlTarget struct {
	Addr, User, Password, Database string
}

// mysqlConfigOf recovers the server, account and database of a test database
// opened by MySQL: the account is the one of EPIC_TEST_MYSQL_DSN, the database
// the last part of Describe.
func mysqlConfigOf(db *store.DB) (mysqlTarget, error) {
	mc, err := parseDSN()
	if err != nil {
		return mysqlTarget{}, err
	}
	d := db.Describe()
	i := strings.LastIndexByte(d, '/')
	if i < 0 {
		return mysqlTarget{}, errors.New("storetest: cannot tell the database of " + d)
	}
	return mysqlTarget{Addr: mc.Addr, User: mc.User, Password: mc.Passwd, Database: d[i+1:]}, nil
}

func parseDSN() (*mysql.Config, error) { return mysql.ParseDSN(os.Getenv(EnvMySQLDSN)) }
