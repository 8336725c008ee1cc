package store

import (
	"context"
	"time"
)

// Hooks for the migration lock's tests in package store_test.

// MigrateLockName is the MySQL user lock of a database's migrations.
var MigrateLockName = migrateLockName

// AppliedVersions counts the rows of goose's version table by version.
func (db *DB) AppliedVersions(ctx context.Context) (map[int64]int, error) {
	rows, err := db.sql.QueryContext(ctx, "SELECT version_id, COUNT(*) FROM "+versionTable+" GROUP BY version_id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var v int64
		var n int
		if err := rows.Scan(&v, &n); err != nil {
			return nil, err
		}
		out[v] = n
	}
	return out, rows.Err()
}

// EmbeddedVersions lists the versions of db's dialect built into the program.
func (db *DB) EmbeddedVersions() ([]int64, error) {
	all, err := embeddedVersions()
	if err != nil {
		return nil, err
	}
	if db.driver == DriverMySQL {
		return all["migrations/mysql"], nil
	}
	return all["migrations/sqlite"], nil
}

// HoldMigrateLock takes db's migration lock as Migrate does, until release is called.
func (db *DB) HoldMigrateLock(ctx context.Context) (release func(), err error) {
	return db.lockMigrations(ctx)
}

// SetMigrateWait sets how long db's migrations wait for another's.
func SetMigrateWait(db *DB, d time.Duration) { db.migrateWait = d }

// MigrateWait is how long db's migrations wait for another's.
func (db *DB) MigrateWait() time.Duration { return db.migrateWait }

// UndoLastMigration rolls the last migration applied back, as if the program
// had just been upgraded to a release that brings it.
func (db *DB) UndoLastMigration(ctx context.Context) error {
	p, err := db.provider()
	if err != nil {
		return err
	}
	_, err = p.Down(ctx)
	return err
}
