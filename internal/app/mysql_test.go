package app

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net"
	"os"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/epic-events/crm/internal/store/storetest"
)

// onMySQL points the program at a database of its own on the server of
// EPIC_TEST_MYSQL_DSN, dropped when the test ends. It skips without a server,
// unless EPIC_REQUIRE_MYSQL=1, which makes that a failure.
func onMySQL(t *testing.T) *program {
	t.Helper()
	dsn := os.Getenv(storetest.EnvMySQLDSN)
	required := os.Getenv(storetest.EnvRequireMySQL) == "1"
	if dsn == "" {
		if required {
			t.Fatalf("%s=1 but %s is not set", storetest.EnvRequireMySQL, storetest.EnvMySQLDSN)
		}
		t.Skipf("%s is not set", storetest.EnvMySQLDSN)
	}
	mc, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatalf("%s: %v", storetest.EnvMySQLDSN, err)
	}
	mc.DBName, mc.Timeout = "", 5*time.Second
	mc.Logger = &mysql.NopLogger{}
	connector, err := mysql.NewConnector(mc)
	if err != nil {
		t.Fatal(err)
	}
	admin := sql.OpenDB(connector)
	t.Cleanup(func() { _ = admin.Close() })
	if err := admin.Ping(); err != nil {
		if required {
			t.Fatalf("MySQL at %s is unreachable and %s=1: %v", mc.Addr, storetest.EnvRequireMySQL, err)
		}
		t.Skipf("MySQL at %s is unreachable: %v", mc.Addr, err)
	}
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	name := "epic_app_" + hex.EncodeToString(suffix)
	if _, err := admin.Exec("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4"); err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS `"+name+"`"); err != nil {
			t.Errorf("drop %s: %v", name, err)
		}
	})
	host, port, err := net.SplitHostPort(mc.Addr)
	if err != nil {
		t.Fatalf("%s: address %q is not host:port", storetest.EnvMySQLDSN, mc.Addr)
	}
	return &program{t: t, env: map[string]string{
		"DB_DRIVER": "mysql", "DB_HOST": host, "DB_PORT": port,
		"DB_USER": mc.User, "DB_PASS": mc.Passwd, "DB_NAME": name,
	}}
}

// The foundation's promise: a reset on MariaDB gives the same counts as on SQLite.
func TestMySQLGivesTheSameCountsAsSQLite(t *testing.T) {
	my := onMySQL(t)
	my.mustRun("db", "reset", "--yes")
	sqlite := newProgram(t)
	sqlite.mustRun("db", "reset", "--yes")
	onMySQL, onSQLite := my.counts(), sqlite.counts()
	for _, table := range []string{"roles", "permissions", "role_permissions", "users", "customers", "contracts", "payments", "events", "sessions", "audit_log", "settings"} {
		if got, want := onMySQL[table], onSQLite[table]; got != want || want == 0 && table != "sessions" && table != "audit_log" && table != "settings" {
			t.Errorf("%s: %d rows on MySQL, %d on SQLite", table, got, want)
		}
	}
	if res := my.run("db", "seed"); res.code != ExitConflict {
		t.Errorf("db seed on the seeded MySQL database: exit %d, want %d", res.code, ExitConflict)
	}
}
