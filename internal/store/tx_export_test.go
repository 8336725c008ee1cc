package store

import "context"

// Hooks for the tests of package store_test.

// ExecSQL runs one raw statement on r (inside a transaction when r is one):
// the tests lock rows in a chosen order, or make the server raise an error.
func (r *Repos) ExecSQL(ctx context.Context, query string, args ...any) error {
	return r.q(ctx).Exec(query, args...).Error
}

// SetTxAttempts bounds the runs of one transaction of db (defaultTxAttempts when 0).
func SetTxAttempts(db *DB, n int) { db.txAttempts = n }

// DefaultTxAttempts is how many runs Tx gives a transaction by default.
const DefaultTxAttempts = defaultTxAttempts
