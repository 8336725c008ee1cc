package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"

	"github.com/go-sql-driver/mysql"
	"github.com/pressly/goose/v3"
)

// embeddedVersions lists the versions of the migrations built into the
// program, per dialect directory: read once, from memory.
var embeddedVersions = sync.OnceValues(func() (map[string][]int64, error) {
	out := map[string][]int64{}
	for _, dir := range []string{"migrations/sqlite", "migrations/mysql"} {
		entries, err := fs.ReadDir(migrationFiles, dir)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
				continue
			}
			v, err := goose.NumericComponent(e.Name())
			if err != nil {
				return nil, fmt.Errorf("%s/%s: %w", dir, e.Name(), err)
			}
			out[dir] = append(out[dir], v)
		}
	}
	return out, nil
})

// Pending reports whether a migration built into the program is not applied
// yet. Unlike goose's own HasPending, which creates its version table, it only
// reads (one SELECT): every command can afford it, it takes no write lock and
// replicates nothing. A database without goose's table (a new one) has every
// migration pending.
func (db *DB) Pending(ctx context.Context) (bool, error) {
	all, err := embeddedVersions()
	if err != nil {
		return false, fmt.Errorf("pending: %w", err)
	}
	dir := "migrations/sqlite"
	if db.driver == DriverMySQL {
		dir = "migrations/mysql"
	}
	rows, err := db.sql.QueryContext(ctx, "SELECT version_id FROM "+versionTable+" WHERE is_applied")
	if err != nil {
		if noSuchTable(err) {
			return true, nil
		}
		return false, translate("pending", err)
	}
	defer rows.Close()
	applied := map[int64]bool{}
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return false, translate("pending", err)
		}
		applied[v] = true
	}
	if err := rows.Err(); err != nil {
		return false, translate("pending", err)
	}
	for _, v := range all[dir] {
		if !applied[v] {
			return true, nil
		}
	}
	return false, nil
}

// noSuchTable reports whether err says a table does not exist. SQLite gives
// it no code of its own (SQLITE_ERROR): only its message tells.
func noSuchTable(err error) bool {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return me.Number == mysqlNoSuchTable
	}
	return strings.Contains(err.Error(), "no such table")
}

// IsPrivilege reports whether err says the database account may not do what
// was asked: the DML-only account attempting DDL.
func IsPrivilege(err error) bool { return errors.Is(err, errPrivilege) }

// PutSetting stores value under key, replacing any value there.
func (r *Repos) PutSetting(ctx context.Context, key, value string) error {
	stmt := "INSERT INTO settings (`key`, value) VALUES (?, ?) ON CONFLICT (`key`) DO UPDATE SET value = excluded.value"
	if r.mysql() {
		stmt = "INSERT INTO settings (`key`, value) VALUES (?, ?) ON DUPLICATE KEY UPDATE value = VALUES(value)"
	}
	if err := r.q(ctx).Exec(stmt, key, value).Error; err != nil {
		return translate("put setting", err)
	}
	return nil
}
