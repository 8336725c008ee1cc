package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/epic-events/crm/internal/domain"
)

// A bulk load is the scale generator's way in: many batches of rows, each in
// one transaction, into tables that may lose some of their indexes for the
// time of the load. What it does and why was measured at 100 000 customers
// (2.1 M rows) on both engines (BENCHMARKS.md, "Scale generator").

// deferredIndexesKey names the setting that holds, while a load runs without
// some indexes, the statements that build them again: a load killed before it
// could put them back (SIGKILL, a crash, the server gone) leaves them there,
// and the next load, or RestoreIndexes, runs them.
const deferredIndexesKey = "store.deferred_indexes"

// LoadOptions says how to load.
type LoadOptions struct {
	// Tables are the tables the load writes.
	Tables []string
	// DeferIndexes drops the secondary indexes of Tables for the load and
	// builds them again in Finish: worth it when the load is larger than what
	// the tables hold. Unique keys stay, so duplicates are still refused, and
	// so, on MariaDB, do the indexes a foreign key needs. It needs DDL rights
	// (on MariaDB, ALTER): without them the indexes stay (see Load.Kept).
	DeferIndexes bool
}

// Load is a bulk load under way. Finish must run once it is over, whatever
// happened, also when StartLoad failed.
type Load struct {
	db *DB
	// prefix goes before each INSERT of the load. On MariaDB it turns the
	// foreign-key checks off for that statement alone (SET STATEMENT ... FOR,
	// which needs no privilege and leaves the session as it was): the load's
	// rows refer only to rows it wrote itself, earlier or in the same
	// transaction, and checking each reference cost the server an eighth of
	// its work (at 100 000 customers: 22 s of CPU against 25 to 26 s, the load
	// 7 % faster). A collaborator deleted by someone else while a load refers
	// to them is the one case it lets through.
	prefix string
	// rebuild builds the indexes the load dropped again; nil when none was.
	rebuild []string
	// Kept says why the indexes stayed in place although DeferIndexes asked
	// for them to go; "" otherwise.
	Kept string
}

// StartLoad readies db for a bulk load. It first builds again any index a
// killed load left dropped.
func (db *DB) StartLoad(ctx context.Context, opts LoadOptions) (*Load, error) {
	l := &Load{db: db}
	mariadb, err := db.isMariaDB(ctx)
	if err != nil {
		return l, err
	}
	if mariadb {
		l.prefix = "SET STATEMENT foreign_key_checks = 0 FOR "
	}
	if _, err := db.RestoreIndexes(ctx); err != nil {
		return l, err
	}
	if !opts.DeferIndexes || len(opts.Tables) == 0 || (db.driver == DriverMySQL && !mariadb) {
		return l, nil
	}
	var defs []deferrable
	if mariadb {
		defs, err = db.mariadbDeferrable(ctx, opts.Tables)
	} else {
		defs, err = db.sqliteDeferrable(ctx, opts.Tables)
	}
	if err != nil || len(defs) == 0 {
		return l, err
	}
	var all []string
	for _, d := range defs {
		all = append(all, d.build)
	}
	record, err := json.Marshal(all)
	if err != nil {
		return l, fmt.Errorf("defer indexes: %w", err)
	}
	if err := db.gorm.WithContext(ctx).Exec("INSERT INTO settings (`key`, value) VALUES (?, ?)", deferredIndexesKey, string(record)).Error; err != nil {
		return l, translate("defer indexes: record", err)
	}
	// From here Finish deletes the record, having built what was dropped.
	l.rebuild = []string{}
	for i, d := range defs {
		if err := db.gorm.WithContext(ctx).Exec(d.drop).Error; err != nil {
			err = translate("defer indexes", err)
			if IsPrivilege(err) {
				l.Kept = fmt.Sprintf("the account %s may not change indexes", db.user)
				if i == 0 {
					err = nil
				}
			}
			return l, err
		}
		l.rebuild = append(l.rebuild, d.build)
	}
	return l, nil
}

// Tx runs fn in one transaction of the load (see DB.Tx: it may run again
// after a deadlock).
func (l *Load) Tx(ctx context.Context, fn func(*Bulk) error) error {
	return l.db.Tx(ctx, func(r *Repos) error { return fn(&Bulk{Repos: r, prefix: l.prefix}) })
}

// Deferred reports whether the load runs without some of its indexes.
func (l *Load) Deferred() bool { return len(l.rebuild) > 0 }

// Finish builds the indexes the load dropped again and refreshes the
// optimiser's statistics (see Analyze). Give it a context that is not
// cancelled: until it has run, lists scan.
func (l *Load) Finish(ctx context.Context) error {
	return errors.Join(l.restore(ctx), l.db.Analyze(ctx))
}

func (l *Load) restore(ctx context.Context) error {
	if l.rebuild == nil {
		return nil
	}
	if err := l.db.runRebuild(ctx, l.rebuild); err != nil {
		return err
	}
	l.rebuild = nil
	return nil
}

// RestoreIndexes builds the indexes a killed load left dropped, if any, and
// reports whether there were.
func (db *DB) RestoreIndexes(ctx context.Context) (bool, error) {
	var values []string
	if err := db.gorm.WithContext(ctx).Raw("SELECT value FROM settings WHERE `key` = ?", deferredIndexesKey).Scan(&values).Error; err != nil {
		return false, translate("restore indexes", err)
	}
	if len(values) == 0 {
		return false, nil
	}
	var stmts []string
	if err := json.Unmarshal([]byte(values[0]), &stmts); err != nil {
		return false, fmt.Errorf("restore indexes: setting %s: %w", deferredIndexesKey, err)
	}
	return true, db.runRebuild(ctx, stmts)
}

// runRebuild runs the statements that build dropped indexes again (each does
// nothing when its index exists), then deletes the record of them.
func (db *DB) runRebuild(ctx context.Context, stmts []string) error {
	for _, s := range stmts {
		if err := db.gorm.WithContext(ctx).Exec(s).Error; err != nil {
			err = translate("restore indexes", err)
			if IsPrivilege(err) {
				return domain.Errorf(domain.CodeUnavailable,
					"indexes a bulk load dropped could not be built again: the account %s may not change indexes; run `epicevents db migrate` with the migrating account", db.user)
			}
			return err
		}
	}
	if err := db.gorm.WithContext(ctx).Exec("DELETE FROM settings WHERE `key` = ?", deferredIndexesKey).Error; err != nil {
		return translate("restore indexes: record", err)
	}
	return nil
}

// DeferIndexes is StartLoad with DeferIndexes for tables, for callers that
// write through Repos; restore builds the indexes again (see Load.Finish).
func (db *DB) DeferIndexes(ctx context.Context, tables ...string) (restore func(context.Context) error, err error) {
	l, err := db.StartLoad(ctx, LoadOptions{Tables: tables, DeferIndexes: true})
	return l.restore, err
}

// deferrable is one drop of indexes and the statement that builds them again.
type deferrable struct{ drop, build string }

// sqliteDeferrable lists every index of tables the schema created by name,
// from the very statements that created it. SQLite needs no index for a
// foreign key, and its unique constraints are automatic indexes, which stay.
func (db *DB) sqliteDeferrable(ctx context.Context, tables []string) ([]deferrable, error) {
	var defs []struct{ Name, SQL string }
	q := "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (?" +
		strings.Repeat(", ?", len(tables)-1) + ") ORDER BY name"
	args := make([]any, len(tables))
	for i, t := range tables {
		args[i] = t
	}
	if err := db.gorm.WithContext(ctx).Raw(q, args...).Scan(&defs).Error; err != nil {
		return nil, translate("defer indexes", err)
	}
	out := make([]deferrable, len(defs))
	for i, d := range defs {
		out[i] = deferrable{
			drop:  "DROP INDEX IF EXISTS " + d.Name,
			build: strings.Replace(d.SQL, "CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1),
		}
	}
	return out, nil
}

// isMariaDB reports whether db is a MariaDB server (MySQL has neither SET
// STATEMENT nor ADD KEY IF NOT EXISTS: a load there runs as any writes do).
func (db *DB) isMariaDB(ctx context.Context) (bool, error) {
	if db.driver != DriverMySQL {
		return false, nil
	}
	var v string
	if err := db.sql.QueryRowContext(ctx, "SELECT VERSION()").Scan(&v); err != nil {
		return false, translate("server version", err)
	}
	return strings.Contains(v, "MariaDB"), nil
}
