package store

import (
	"context"
	"database/sql"
	"strings"
	"sync"

	"gorm.io/gorm"
)

// Query budgets: every statement GORM runs passes through one callback that
// records it on the QueryCounter its context carries, if any. Tests (and
// benchmarks) attach a counter to a context and read what a call cost: how
// many statements, which SQL with which arguments, and whether each ran inside
// a transaction. A context without a counter costs one context lookup.
// Only tests and benchmarks attach one: the arguments it keeps are whatever the
// statements carried, password hashes included, so no program path may.

// Statement is one statement as the store ran it.
type Statement struct {
	SQL  string // with ? placeholders, as sent to the driver
	Vars []any  // its arguments
	InTx bool   // whether it ran inside a transaction
}

// QueryCounter records the statements run with the contexts it is attached to.
// It is safe for concurrent use.
type QueryCounter struct {
	mu    sync.Mutex
	stmts []Statement
}

type counterKey struct{}

// CountQueries returns a context whose statements are recorded on the
// returned counter. A counter already on ctx is replaced for the new context.
func CountQueries(ctx context.Context) (context.Context, *QueryCounter) {
	c := &QueryCounter{}
	return context.WithValue(ctx, counterKey{}, c), c
}

// Count is the number of statements recorded.
func (c *QueryCounter) Count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.stmts)
}

// Statements returns a copy of what was recorded, in order.
func (c *QueryCounter) Statements() []Statement {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Statement(nil), c.stmts...)
}

// Last returns the last statement recorded; ok is false when none was.
func (c *QueryCounter) Last() (s Statement, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.stmts) == 0 {
		return Statement{}, false
	}
	return c.stmts[len(c.stmts)-1], true
}

// Reset forgets what was recorded.
func (c *QueryCounter) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stmts = nil
}

func (c *QueryCounter) add(s Statement) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stmts = append(c.stmts, s)
}

const countCallback = "epic:count_queries"

// registerQueryCounter hooks the counter into every kind of statement GORM
// runs: Raw(...).Scan goes through Row, Exec through Raw, Create through Create.
func registerQueryCounter(g *gorm.DB) error {
	cb := g.Callback()
	for _, err := range []error{
		cb.Create().After("*").Register(countCallback, recordStatement),
		cb.Query().After("*").Register(countCallback, recordStatement),
		cb.Update().After("*").Register(countCallback, recordStatement),
		cb.Delete().After("*").Register(countCallback, recordStatement),
		cb.Row().After("*").Register(countCallback, recordStatement),
		cb.Raw().After("*").Register(countCallback, recordStatement),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

func recordStatement(db *gorm.DB) {
	st := db.Statement
	if st == nil || st.Context == nil {
		return
	}
	c, ok := st.Context.Value(counterKey{}).(*QueryCounter)
	if !ok || st.SQL.Len() == 0 {
		return
	}
	_, inTx := st.ConnPool.(*sql.Tx)
	c.add(Statement{
		SQL:  strings.TrimSpace(st.SQL.String()),
		Vars: append([]any(nil), st.Vars...),
		InTx: inTx,
	})
}
