package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/pressly/goose/v3"
)

//go:embed migrations/sqlite/*.sql migrations/mysql/*.sql
var migrationFiles embed.FS

// versionTable is goose's own table, dropped by Reset with the app's tables.
const versionTable = "goose_db_version"

// Tables lists the application's tables, parents before children: Reset drops
// them in reverse, Counts reports them in this order.
var tables = []string{
	"roles", "permissions", "role_permissions", "users", "customers", "contracts",
	"payments", "events", "sessions", "audit_log", "settings",
}

func (db *DB) provider() (*goose.Provider, error) {
	dialect, dir := goose.DialectSQLite3, "migrations/sqlite"
	if db.driver == DriverMySQL {
		dialect, dir = goose.DialectMySQL, "migrations/mysql"
	}
	fsys, err := fs.Sub(migrationFiles, dir)
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(dialect, db.sql, fsys,
		goose.WithTableName(versionTable),
		goose.WithDisableGlobalRegistry(true),
		goose.WithSlog(slog.New(slog.DiscardHandler)),
	)
}

// Migrate applies every pending migration. Processes migrating one database at
// the same moment take turns (see lockMigrations): the first applies what is
// pending, and the others, once they hold the lock, find it applied (goose
// lists the versions applied after the lock is taken) and apply nothing. One
// that waits longer than Config.MigrateWait gives up with an unavailable
// error naming the lock. Nothing pending: no lock, one SELECT.
func (db *DB) Migrate(ctx context.Context) error {
	if pending, err := db.Pending(ctx); err == nil && !pending {
		return nil
	}
	release, err := db.lockMigrations(ctx)
	if err != nil {
		return err
	}
	defer release()
	return db.migrateLocked(ctx)
}

// migrateLocked is Migrate once the lock is held.
func (db *DB) migrateLocked(ctx context.Context) error {
	p, err := db.provider()
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return translate("migrate", err)
	}
	return nil
}

// Reset drops every application table and goose's version table, children
// first so that no foreign key is left dangling, then migrates from empty,
// holding the migration lock throughout: a program launched meanwhile finds
// migrations pending and waits for the reset to end.
func (db *DB) Reset(ctx context.Context) error {
	release, err := db.lockMigrations(ctx)
	if err != nil {
		return err
	}
	defer release()
	drop := append([]string{versionTable}, reversed(tables)...)
	for _, t := range drop {
		if err := db.gorm.WithContext(ctx).Exec("DROP TABLE IF EXISTS " + t).Error; err != nil {
			return translate("reset: drop "+t, err)
		}
	}
	return db.migrateLocked(ctx)
}

func reversed(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}

// TableCount is the number of rows of one table.
type TableCount struct {
	Table string
	Rows  int64
}

// Counts returns the number of rows of every application table, parents first.
func (db *DB) Counts(ctx context.Context) ([]TableCount, error) {
	out := make([]TableCount, 0, len(tables))
	for _, t := range tables {
		var n int64
		if err := db.gorm.WithContext(ctx).Raw("SELECT COUNT(*) FROM " + t).Scan(&n).Error; err != nil {
			return nil, translate("count "+t, err)
		}
		out = append(out, TableCount{Table: t, Rows: n})
	}
	return out, nil
}

// Empty reports whether the database holds no collaborator: the signal to seed it.
func (db *DB) Empty(ctx context.Context) (bool, error) {
	var ids []int64
	if err := db.gorm.WithContext(ctx).Raw("SELECT id FROM users LIMIT 1").Scan(&ids).Error; err != nil {
		return false, translate("empty", err)
	}
	return len(ids) == 0, nil
}
