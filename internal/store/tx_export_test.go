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

// SessionStatus reads one of the server's session counters (SHOW SESSION STATUS) through r.
func (r *Repos) SessionStatus(ctx context.Context, name string) (string, error) {
	var row struct {
		VariableName string `gorm:"column:Variable_name"`
		Value        string `gorm:"column:Value"`
	}
	err := r.q(ctx).Raw("SHOW SESSION STATUS LIKE ?", name).Scan(&row).Error
	return row.Value, err
}
