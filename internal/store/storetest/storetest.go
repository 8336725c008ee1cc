// Package storetest gives tests real, freshly migrated databases: an SQLite
// file always, and a MariaDB/MySQL database when EPIC_TEST_MYSQL_DSN is set.
// With EPIC_REQUIRE_MYSQL=1, a missing or unreachable MySQL fails the test
// instead of skipping it, so CI cannot pass without having run on it.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/store"
	"github.com/go-sql-driver/mysql"
)

// Environment variables read by this package.
const (
	EnvMySQLDSN     = "EPIC_TEST_MYSQL_DSN" // e.g. epic:pw@tcp(127.0.0.1:3306)/ (an account that may create epic_* databases)
	EnvRequireMySQL = "EPIC_REQUIRE_MYSQL"  // "1": no MySQL is a failure, not a skip
)

// Engine is one database to run a test on.
type Engine struct {
	Name string // "sqlite" or "mysql": use it as the subtest name
	DB   *store.DB
}

// Option adjusts the databases a helper opens.
type Option func(*store.Config)

// WithClock sets the clock the store stamps rows with.
func WithClock(now func() time.Time) Option {
	return func(c *store.Config) { c.Now = now }
}

// Engines opens one freshly migrated, empty database per available engine for
// the test t. Each is closed (and the MySQL database dropped) when t ends.
func Engines(t testing.TB, opts ...Option) []Engine {
	t.Helper()
	out := []Engine{{Name: store.DriverSQLite, DB: SQLite(t, opts...)}}
	if db, why := mysqlDB(t, opts...); db != nil {
		out = append(out, Engine{Name: store.DriverMySQL, DB: db})
	} else {
		t.Logf("MySQL tests skipped: %s", why)
	}
	return out
}

// Each runs fn as one subtest per engine ("sqlite", "mysql"), each on its own
// freshly migrated, empty database.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB), opts ...Option) {
	t.Helper()
	t.Run(store.DriverSQLite, func(t *testing.T) { fn(t, SQLite(t, opts...)) })
	t.Run(store.DriverMySQL, func(t *testing.T) {
		db, why := mysqlDB(t, opts...)
		if db == nil {
			t.Skipf("MySQL tests skipped: %s", why)
		}
		fn(t, db)
	})
}

// SQLite opens a freshly migrated SQLite file in t's temporary directory.
func SQLite(t testing.TB, opts ...Option) *store.DB {
	t.Helper()
	cfg := store.Config{Driver: store.DriverSQLite, SQLitePath: filepath.Join(t.TempDir(), "test.db")}
	for _, o := range opts {
		o(&cfg)
	}
	return open(t, cfg)
}

// MySQL creates a database epic_t_<random> through EPIC_TEST_MYSQL_DSN,
// migrates it and drops it when t ends. It returns nil when the variable is
// unset or the server unreachable, unless EPIC_REQUIRE_MYSQL=1, which makes
// either a failure.
func MySQL(t testing.TB, opts ...Option) *store.DB {
	t.Helper()
	db, why := mysqlDB(t, opts...)
	if db == nil {
		t.Logf("MySQL tests skipped: %s", why)
	}
	return db
}

func mysqlDB(t testing.TB, opts ...Option) (*store.DB, string) {
	t.Helper()
	required := os.Getenv(EnvRequireMySQL) == "1"
	dsn := os.Getenv(EnvMySQLDSN)
	if dsn == "" {
		if required {
			t.Fatalf("%s=1 but %s is not set", EnvRequireMySQL, EnvMySQLDSN)
		}
		return nil, EnvMySQLDSN + " is not set"
	}
	mc, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatalf("%s is not a valid DSN: %v", EnvMySQLDSN, err)
	}
	name := "epic_t_" + randomHex(t, 6)
	admin, err := adminConn(mc)
	if err != nil {
		if required {
			t.Fatalf("MySQL at %s is unreachable and %s=1: %v", mc.Addr, EnvRequireMySQL, err)
		}
		return nil, "MySQL at " + mc.Addr + " is unreachable: " + err.Error()
	}
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE `"+name+"` CHARACTER SET utf8mb4"); err != nil {
		t.Fatalf("create test database %s: %v", name, err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS `"+name+"`"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
		_ = admin.Close()
	})

	host, portText, err := net.SplitHostPort(mc.Addr)
	if err != nil {
		t.Fatalf("%s: address %q is not host:port", EnvMySQLDSN, mc.Addr)
	}
	port, _ := strconv.Atoi(portText)
	cfg := store.Config{
		Driver: store.DriverMySQL, Host: host, Port: port,
		User: mc.User, Password: mc.Passwd, Database: name,
	}
	for _, o := range opts {
		o(&cfg)
	}
	return open(t, cfg), ""
}

// adminConn connects without a database, to create and drop the test's own.
func adminConn(mc *mysql.Config) (*sql.DB, error) {
	admin := mc.Clone()
	admin.DBName = ""
	admin.Logger = &mysql.NopLogger{}
	admin.Timeout = 5 * time.Second
	connector, err := mysql.NewConnector(admin)
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(connector)
	db.SetMaxOpenConns(1)
	if err := db.PingContext(context.Background()); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

func open(t testing.TB, cfg store.Config) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open %s: %v", cfg.Driver, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", cfg.Driver, err)
	}
	return db
}

func randomHex(t testing.TB, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("random: %v", err)
	}
	return hex.EncodeToString(b)
}
