package app

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/epic-events/crm/internal/store/storetest"
	"github.com/epic-events/crm/seeds"
)

// The accounts scripts/mariadb-accounts.sh makes (the README's grants, on the
// databases epic_lp_...): .ci/run exports their DSNs and requires the test.
const (
	envAppDSN                = "EPIC_TEST_MYSQL_APP_DSN"
	envMigratorDSN           = "EPIC_TEST_MYSQL_MIGRATOR_DSN"
	envRequireLeastPrivilege = "EPIC_REQUIRE_LEAST_PRIVILEGE"
)

// leastPrivilege returns the DSNs of the DML-only and the migrating accounts,
// and a fresh database epic_lp_... made (and dropped) with the test account.
func leastPrivilege(t *testing.T) (app, migrator *mysql.Config, name string) {
	t.Helper()
	appDSN, migratorDSN := os.Getenv(envAppDSN), os.Getenv(envMigratorDSN)
	if appDSN == "" || migratorDSN == "" || os.Getenv(storetest.EnvMySQLDSN) == "" {
		if os.Getenv(envRequireLeastPrivilege) == "1" {
			t.Fatalf("%s=1 but %s, %s or %s is not set", envRequireLeastPrivilege, envAppDSN, envMigratorDSN, storetest.EnvMySQLDSN)
		}
		t.Skipf("%s and %s are not set: run scripts/mariadb-accounts.sh", envAppDSN, envMigratorDSN)
	}
	var err error
	if app, err = mysql.ParseDSN(appDSN); err != nil {
		t.Fatalf("%s: %v", envAppDSN, err)
	}
	if migrator, err = mysql.ParseDSN(migratorDSN); err != nil {
		t.Fatalf("%s: %v", envMigratorDSN, err)
	}
	admin := sqlConn(t, os.Getenv(storetest.EnvMySQLDSN))
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	name = "epic_lp_" + hex.EncodeToString(suffix)
	if _, err := admin.Exec("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4"); err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS `"+name+"`"); err != nil {
			t.Errorf("drop %s: %v", name, err)
		}
	})
	return app, migrator, name
}

func sqlConn(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	mc, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	mc.Timeout = 5 * time.Second
	mc.Logger = &mysql.NopLogger{}
	connector, err := mysql.NewConnector(mc)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(connector)
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Ping(); err != nil {
		t.Fatalf("connect as %s: %v", mc.User, err)
	}
	return db
}

// as is the program on database name, logged into MySQL as the account of mc.
func as(t *testing.T, mc *mysql.Config, name string, session string) *program {
	host, port, err := net.SplitHostPort(mc.Addr)
	if err != nil {
		t.Fatal(err)
	}
	return &program{t: t, env: map[string]string{
		"DB_DRIVER": "mysql", "DB_HOST": host, "DB_PORT": port, "DB_USER": mc.User, "DB_PASS": mc.Passwd, "DB_NAME": name,
		"EPIC_SESSION_FILE": session, "TZ": testZone,
	}}
}

// The program never needs more than SELECT, INSERT, UPDATE and DELETE: once the
// migrating account has migrated, the running account (no DDL) launches, seeds,
// logs in and out, and creates and changes every kind of record. What needs DDL
// is refused with a message naming DB_USER, and changes nothing.
func TestTheRunningAccountNeedsNoDDL(t *testing.T) {
	appAccount, migrator, name := leastPrivilege(t)
	session := t.TempDir() + "/session"

	t.Run("the running account really has no DDL", func(t *testing.T) {
		db := sqlConn(t, appAccount.FormatDSN())
		if _, err := db.Exec("CREATE TABLE `" + name + "`.probe (id INT)"); err == nil {
			_, _ = db.Exec("DROP TABLE `" + name + "`.probe")
			t.Fatalf("%s may create tables: the grants are wider than the README says", appAccount.User)
		}
	})

	mustSucceed(t, as(t, migrator, name, session).run("db", "migrate"))

	p := as(t, appAccount, name, session)
	steps := [][]string{
		{"db", "migrate"}, // nothing pending: no DDL is attempted
		{"db", "seed"},
	}
	for _, args := range steps {
		mustSucceed(t, p.run(args...))
	}
	login := func(email string) {
		t.Helper()
		_ = os.Remove(session)
		p.stdin = seeds.DemoPassword
		mustSucceed(t, p.run("login", "--email", email, "--password-stdin"))
		p.stdin = ""
	}

	login(sales1)
	var created struct {
		ID int64 `json:"id"`
	}
	p.mustJSON(&created, "customer", "create", "--name", "Least Privilege SA", "--email", "lp@example.com", "--phone", "+33 6 12 34 56 78", "--json")
	mustSucceed(t, p.run("customer", "update", itoa(created.ID), "--company", "Least Privilege", "--json"))
	var signed []struct {
		ID int64 `json:"id"`
	}
	p.mustJSON(&signed, "contract", "list", "--mine", "--status", "signed", "--json")
	if len(signed) == 0 {
		t.Fatal("sales1 has no signed contract in the demo data")
	}
	mustSucceed(t, p.run("event", "create", "--contract", itoa(signed[0].ID), "--name", "Least privilege launch",
		"--start", "2026-12-01 18:00", "--end", "2026-12-01 23:00", "--location", "Paris", "--attendees", "40", "--json"))
	mustSucceed(t, p.run("whoami"))
	mustSucceed(t, p.run("logout"))

	login(manager1)
	var contract struct {
		ID int64 `json:"id"`
	}
	p.mustJSON(&contract, "contract", "create", "--customer", itoa(created.ID), "--total", "1500", "--json")
	mustSucceed(t, p.run("contract", "update", itoa(contract.ID), "--total", "1750.50", "--json"))
	p.stdin = "a long enough initial password"
	mustSucceed(t, p.run("user", "create", "--email", "lp.user@epicevents.test", "--name", "Least Privilege", "--role", "support", "--password-stdin", "--json"))
	p.stdin = ""
	mustSucceed(t, p.run("audit", "list", "--json"))
	mustSucceed(t, p.run("customer", "list", "--csv"))

	t.Run("a reset, which needs DDL, is refused in one line naming DB_USER, and changes nothing", func(t *testing.T) {
		var before []map[string]any
		p.mustJSON(&before, "customer", "list", "--json", "--limit", "500")
		res := p.run("db", "reset", "--yes")
		failsWith(t, res, ExitError, "DB_USER")
		var after []map[string]any
		p.mustJSON(&after, "customer", "list", "--json", "--limit", "500")
		if len(after) != len(before) || len(after) == 0 {
			t.Fatalf("%d customers before the refused reset, %d after", len(before), len(after))
		}
	})
	if strings.Contains(p.env["DB_USER"], "root") {
		t.Fatal("the running account is root")
	}
}
