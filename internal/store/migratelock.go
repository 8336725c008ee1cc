package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/epic-events/crm/internal/domain"
)

// DefaultMigrateWait is how long a migration waits for another process's
// migration of the same database to end. Ours take seconds; the wait is long
// enough for an index built on a large table, and Ctrl+C ends it sooner.
const DefaultMigrateWait = 2 * time.Minute

// mysqlNotSupportedYet is ER_NOT_SUPPORTED_YET, which some MariaDB releases give
// GET_LOCK on a Galera node (MDEV-30473). Others, 10.11.19 among them, take the
// lock on that node only.
const mysqlNotSupportedYet = 1235

// lockMigrations takes the lock that makes processes migrating one database
// take turns, and returns what releases it. It is held around goose's whole
// run: goose creates its version table in a check of its own before the run
// proper (Provider.HasPending), which a lock goose took itself would not
// cover. Both kinds are released when their process dies, so a crash never
// leaves the database locked.
func (db *DB) lockMigrations(ctx context.Context) (release func(), err error) {
	if db.driver == DriverMySQL {
		return db.lockMigrationsMySQL(ctx)
	}
	return lockFile(ctx, db.path+"-migrate.lock", db.migrateWait, db.Describe())
}

// migrateLockName is the MySQL user lock of a database's migrations. User locks
// are server-wide, hence the database's name; MySQL refuses names over 64
// characters, which a long database name would make.
func migrateLockName(database string) string {
	name := database + ".epicevents.migrate"
	if len(name) <= 64 {
		return name
	}
	sum := sha256.Sum256([]byte(database))
	return "epicevents.migrate." + hex.EncodeToString(sum[:20])
}

// errMigrateWait is the migration that gave up waiting for another's.
func errMigrateWait(what string, wait time.Duration, held string) error {
	return domain.Errorf(domain.CodeUnavailable,
		"the migration of %s waited %s for another program migrating it (%s) and gave up; nothing was changed: try again once that migration is done",
		what, wait, held)
}

// lockMigrationsMySQL takes GET_LOCK on a connection of its own, kept out of
// the pool until the release: a user lock lives as long as its session. No
// privilege is needed, so the DML-only account takes it too.
func (db *DB) lockMigrationsMySQL(ctx context.Context) (release func(), err error) {
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, translate("migrate: lock", err)
	}
	name := migrateLockName(db.database)
	var got sql.NullInt64
	err = conn.QueryRowContext(ctx, "SELECT GET_LOCK(?, ?)", name, db.migrateWait.Seconds()).Scan(&got)
	var me *mysql.MySQLError
	switch {
	case errors.As(err, &me) && me.Number == mysqlNotSupportedYet:
		// A Galera node that refuses user locks: they would hold on that node
		// only anyway, and migrations through a cluster go from one place (README).
		_ = conn.Close()
		return func() {}, nil
	case err != nil:
		_ = conn.Close()
		return nil, translate("migrate: lock", err)
	case !got.Valid || got.Int64 != 1:
		_ = conn.Close()
		if !got.Valid {
			return nil, fmt.Errorf("migrate: GET_LOCK(%q) failed", name)
		}
		return nil, errMigrateWait(db.Describe(), db.migrateWait, "MySQL lock "+name)
	}
	return func() {
		// A detached context: the lock goes even when the migration was cancelled.
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), "DO RELEASE_LOCK(?)", name); err != nil {
			// A session that may still hold the lock must not go back to the
			// pool, where it could keep it for minutes: the pool closes it.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		_ = conn.Close()
	}, nil
}

// openLockFile opens (creating) the file whose lock orders the migrations of
// an SQLite file. SQLite itself locks for one transaction at a time, and goose
// runs one per migration. The file stays: removing it would let a process lock
// a file that another has just unlinked.
func openLockFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		reason := err.Error()
		if errors.Is(err, os.ErrPermission) {
			reason = "permission denied"
		}
		return nil, domain.Errorf(domain.CodeUnavailable,
			"cannot open %s, which orders the migrations of the SQLite file (DB_PATH): %s", path, reason)
	}
	return f, nil
}
