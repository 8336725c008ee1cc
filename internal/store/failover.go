package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/go-sql-driver/mysql"
)

// servers is the connection pool's connector when DB_HOST lists one or more
// MySQL servers (the nodes of a Galera cluster, say). A new connection goes to
// the server in use, or, when it does not answer, to the next one in the list
// that does, which then becomes the server in use. A connection whose server
// failed under it (lost, shut down, a node no longer part of the cluster) marks
// that server down: every pooled connection to it is dropped instead of being
// reused, and the next action connects to the next server. The action that saw
// the failure fails (CodeUnavailable) and is not replayed: it may have been
// committed before the answer was lost.
type servers struct {
	addrs      []string
	connectors []driver.Connector
	// checkReady: with several servers, one that answers but is not ready for
	// use (a Galera node outside the primary component) is passed over.
	checkReady bool

	mu  sync.Mutex
	cur int      // the server new connections try first
	gen []uint64 // per server, bumped when it fails: older connections are dropped
}

func newServers(base *mysql.Config, addrs []string) (*servers, error) {
	s := &servers{addrs: addrs, checkReady: len(addrs) > 1, gen: make([]uint64, len(addrs))}
	for _, a := range addrs {
		mc := base.Clone()
		mc.Addr = a
		c, err := mysql.NewConnector(mc)
		if err != nil {
			return nil, err
		}
		s.connectors = append(s.connectors, c)
	}
	return s, nil
}

// current is the address of the server in use.
func (s *servers) current() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addrs[s.cur]
}

// Connect implements driver.Connector: the server in use first, then the
// others in list order. A server that refuses the account or the database
// stops the search there: the others would say the same, and the message must
// name the setting to fix.
func (s *servers) Connect(ctx context.Context) (driver.Conn, error) {
	s.mu.Lock()
	start := s.cur
	s.mu.Unlock()
	var first error
	for i := range s.addrs {
		h := (start + i) % len(s.addrs)
		conn, err := s.connect(ctx, h)
		if err == nil {
			s.mu.Lock()
			s.cur = h
			g := s.gen[h]
			s.mu.Unlock()
			return newHostConn(conn, s, h, g)
		}
		var me *mysql.MySQLError
		if errors.As(err, &me) && refusedByServer(me.Number) {
			return nil, err
		}
		if first == nil {
			first = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, first
}

func (s *servers) connect(ctx context.Context, h int) (driver.Conn, error) {
	conn, err := s.connectors[h].Connect(ctx)
	if err != nil {
		return nil, &serverError{addr: s.addrs[h], err: err}
	}
	if s.checkReady {
		if err := nodeReady(ctx, conn); err != nil {
			_ = conn.Close()
			return nil, &serverError{addr: s.addrs[h], err: err}
		}
	}
	return conn, nil
}

// Driver implements driver.Connector.
func (s *servers) Driver() driver.Driver { return s.connectors[0].Driver() }

// failed marks server h down after a connection of generation g saw err, when
// err says the server is gone. Only the first report of a failure moves on:
// the other connections of that generation failing too must not skip past the
// next server.
func (s *servers) failed(h int, g uint64, err error) {
	if err == nil || !serverGone(err) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gen[h] != g {
		return
	}
	s.gen[h]++
	if s.cur == h {
		s.cur = (h + 1) % len(s.addrs)
	}
}

// usable reports whether a connection of generation g to server h may be reused.
func (s *servers) usable(h int, g uint64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gen[h] == g
}

// refusedByServer: the server answered and said no to the settings.
func refusedByServer(number uint16) bool {
	switch number {
	case 1044, 1045, 1049: // no access to the database, access denied, no such database
		return true
	}
	return false
}

// serverGone reports whether err means the server of the connection cannot
// serve it any more: the connection broke, or the node left the cluster.
func serverGone(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	return isUnavailable(err)
}

// errNodeNotReady: a Galera node that is up but outside the primary component
// (or still joining) accepts connections and refuses queries with error 1047.
var errNodeNotReady = errors.New("the node is not ready for use (wsrep_ready is not ON)")

// nodeReady asks a new connection's server whether it is a Galera node that is
// not ready. A server without Galera (wsrep_on missing or OFF) is ready.
func nodeReady(ctx context.Context, conn driver.Conn) error {
	q, ok := conn.(driver.QueryerContext)
	if !ok {
		return nil
	}
	on, err := showValue(ctx, q, "SHOW GLOBAL VARIABLES LIKE 'wsrep_on'")
	if err != nil || !strings.EqualFold(on, "ON") {
		return err
	}
	ready, err := showValue(ctx, q, "SHOW GLOBAL STATUS LIKE 'wsrep_ready'")
	if err != nil {
		return err
	}
	if !strings.EqualFold(ready, "ON") {
		return errNodeNotReady
	}
	return nil
}

// showValue runs a SHOW ... LIKE of one name and returns its value, or "" when
// the server has no such variable.
func showValue(ctx context.Context, q driver.QueryerContext, stmt string) (string, error) {
	rows, err := q.QueryContext(ctx, stmt, nil)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	row := make([]driver.Value, len(rows.Columns()))
	if err := rows.Next(row); err != nil {
		if errors.Is(err, io.EOF) {
			return "", nil
		}
		return "", err
	}
	if len(row) != 2 {
		return "", nil
	}
	if b, ok := row[1].([]byte); ok {
		return string(b), nil
	}
	return fmt.Sprint(row[1]), nil
}

// serverError is a connection failure with the server it came from, for the
// message of Open. It unwraps to the driver's error.
type serverError struct {
	addr string
	err  error
}

func (e *serverError) Error() string { return e.addr + ": " + e.err.Error() }
func (e *serverError) Unwrap() error { return e.err }

// mysqlConnAPI is what database/sql uses of the driver's connection; hostConn
// passes every call through and watches the errors.
type mysqlConnAPI interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
	driver.NamedValueChecker
}

// hostConn is a connection to one server of servers. It reports the errors
// that mean its server is gone, and stops being reusable once its server was
// marked down (by itself or by another connection).
type hostConn struct {
	c   mysqlConnAPI
	s   *servers
	h   int
	gen uint64
}

func newHostConn(conn driver.Conn, s *servers, h int, g uint64) (driver.Conn, error) {
	c, ok := conn.(mysqlConnAPI)
	if !ok {
		_ = conn.Close()
		return nil, fmt.Errorf("the MySQL driver's connection (%T) lacks a method the pool needs", conn)
	}
	return &hostConn{c: c, s: s, h: h, gen: g}, nil
}

func (c *hostConn) watch(err error) error {
	c.s.failed(c.h, c.gen, err)
	return err
}

func (c *hostConn) Prepare(query string) (driver.Stmt, error) {
	st, err := c.c.Prepare(query)
	return st, c.watch(err)
}

func (c *hostConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	st, err := c.c.PrepareContext(ctx, query)
	return st, c.watch(err)
}

func (c *hostConn) Close() error { return c.c.Close() }

// Begin is what driver.Conn requires; database/sql calls BeginTx.
func (c *hostConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *hostConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	tx, err := c.c.BeginTx(ctx, opts)
	if err != nil {
		return nil, c.watch(err)
	}
	return hostTx{tx: tx, c: c}, nil
}

func (c *hostConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	res, err := c.c.ExecContext(ctx, query, args)
	return res, c.watch(err)
}

func (c *hostConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	rows, err := c.c.QueryContext(ctx, query, args)
	return rows, c.watch(err)
}

func (c *hostConn) Ping(ctx context.Context) error { return c.watch(c.c.Ping(ctx)) }

func (c *hostConn) ResetSession(ctx context.Context) error {
	if !c.s.usable(c.h, c.gen) {
		return driver.ErrBadConn
	}
	return c.watch(c.c.ResetSession(ctx))
}

func (c *hostConn) IsValid() bool { return c.s.usable(c.h, c.gen) && c.c.IsValid() }

func (c *hostConn) CheckNamedValue(nv *driver.NamedValue) error { return c.c.CheckNamedValue(nv) }

// hostTx watches the end of a transaction: a commit whose answer is lost
// leaves the server down too.
type hostTx struct {
	tx driver.Tx
	c  *hostConn
}

func (t hostTx) Commit() error   { return t.c.watch(t.tx.Commit()) }
func (t hostTx) Rollback() error { return t.c.watch(t.tx.Rollback()) }
