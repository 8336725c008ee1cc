package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// PlanStep is one line of a query plan, in the engine's own words.
type PlanStep struct {
	Table  string // MariaDB: the table (or alias) read; SQLite: empty
	Access string // MariaDB: the join type (ALL, index, range, ref, eq_ref, const); SQLite: empty
	Key    string // MariaDB: the index used, empty for none
	Rows   int64  // MariaDB: the rows it expects to read
	Extra  string // MariaDB: Extra (Using where, Using filesort, ...); SQLite: the plan line
}

func (p PlanStep) String() string {
	if p.Table == "" {
		return p.Extra
	}
	return fmt.Sprintf("%s: %s key=%s rows=%d %s", p.Table, p.Access, p.Key, p.Rows, p.Extra)
}

// Explain asks the engine how it runs s (EXPLAIN on MariaDB, EXPLAIN QUERY
// PLAN on SQLite), with s's own arguments: the plan of the exact statement the
// store issued, as a QueryCounter recorded it.
func (db *DB) Explain(ctx context.Context, s Statement) ([]PlanStep, error) {
	prefix := "EXPLAIN QUERY PLAN "
	if db.driver == DriverMySQL {
		prefix = "EXPLAIN "
	}
	rows, err := db.sql.QueryContext(ctx, prefix+s.SQL, s.Vars...)
	if err != nil {
		return nil, fmt.Errorf("explain: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, fmt.Errorf("explain: %w", err)
	}
	var plan []PlanStep
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("explain: %w", err)
		}
		col := func(name string) string {
			for i, c := range cols {
				if strings.EqualFold(c, name) {
					return vals[i].String
				}
			}
			return ""
		}
		if db.driver != DriverMySQL {
			plan = append(plan, PlanStep{Extra: col("detail")})
			continue
		}
		var n int64
		fmt.Sscan(col("rows"), &n)
		plan = append(plan, PlanStep{Table: col("table"), Access: col("type"), Key: col("key"), Rows: n, Extra: col("Extra")})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("explain: %w", err)
	}
	return plan, nil
}

// SQL returns the connection pool underneath, for the benchmarks that run a
// hand-written database/sql query beside the store's on the same database.
// On SQLite it holds one connection: never use it inside a DB.Tx.
func (db *DB) SQL() *sql.DB { return db.sql }
