package store_test

import (
	"database/sql"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/store"
	"github.com/epic-events/crm/internal/store/storetest"
	"github.com/go-sql-driver/mysql"
)

func TestOpenRefusals(t *testing.T) {
	const password = "S3cret-Pa55word!"
	dir := t.TempDir()
	notADB := filepath.Join(dir, "not-a-db.db")
	if err := os.WriteFile(notADB, []byte(strings.Repeat("this is not a database\n", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	// A port nothing listens on: bind one, note it, close it.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()

	tests := []struct {
		name    string
		cfg     store.Config
		code    domain.Code
		mention []string
	}{
		{"an unknown driver names DB_DRIVER", store.Config{Driver: "postgres"}, domain.CodeInvalid, []string{"DB_DRIVER"}},
		{"an SQLite file in a missing directory names DB_PATH", store.Config{Driver: "sqlite", SQLitePath: filepath.Join(dir, "missing", "x.db")},
			domain.CodeUnavailable, []string{"DB_PATH", "missing"}},
		{"a file that is not SQLite names DB_PATH", store.Config{Driver: "sqlite", SQLitePath: notADB},
			domain.CodeUnavailable, []string{"DB_PATH", "not a SQLite database"}},
		{"an unreachable MySQL port names DB_HOST and DB_PORT", store.Config{Driver: "mysql", Host: "127.0.0.1", Port: closedPort,
			User: "epic", Password: password, Database: "epic_events"}, domain.CodeUnavailable, []string{"DB_HOST", "DB_PORT", strconv.Itoa(closedPort)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := store.Open(ctx, tt.cfg)
			if err == nil {
				_ = db.Close()
				t.Fatal("Open succeeded")
			}
			de := wantCode(t, err, tt.code)
			for _, m := range tt.mention {
				if !strings.Contains(de.Message, m) {
					t.Errorf("message %q does not mention %q", de.Message, m)
				}
			}
			if strings.Contains(err.Error(), password) {
				t.Errorf("message %q holds the password", err)
			}
		})
	}
}

// mysqlTarget returns the test server's address and account, or skips.
func mysqlTarget(t *testing.T) (host string, port int, mc *mysql.Config) {
	t.Helper()
	dsn := os.Getenv(storetest.EnvMySQLDSN)
	if dsn == "" {
		if os.Getenv(storetest.EnvRequireMySQL) == "1" {
			t.Fatalf("%s is not set", storetest.EnvMySQLDSN)
		}
		t.Skipf("%s is not set", storetest.EnvMySQLDSN)
	}
	mc, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	h, p, err := net.SplitHostPort(mc.Addr)
	if err != nil {
		t.Fatal(err)
	}
	port, _ = strconv.Atoi(p)
	return h, port, mc
}

func TestOpenMySQLRefusals(t *testing.T) {
	host, port, mc := mysqlTarget(t)
	const wrong = "Wr0ng-Pa55word-xyz"
	t.Run("a wrong password is unavailable, names DB_USER and DB_PASS, and never shows the password", func(t *testing.T) {
		_, err := store.Open(ctx, store.Config{Driver: "mysql", Host: host, Port: port, User: mc.User, Password: wrong, Database: "epic_events"})
		de := wantCode(t, err, domain.CodeUnavailable)
		for _, m := range []string{"DB_USER", "DB_PASS", "access denied"} {
			if !strings.Contains(de.Message, m) {
				t.Errorf("message %q does not mention %q", de.Message, m)
			}
		}
		if strings.Contains(err.Error(), wrong) || (mc.Passwd != "" && strings.Contains(err.Error(), mc.Passwd)) {
			t.Errorf("message %q holds a password", err)
		}
	})
	t.Run("a missing database names DB_NAME", func(t *testing.T) {
		_, err := store.Open(ctx, store.Config{Driver: "mysql", Host: host, Port: port, User: mc.User, Password: mc.Passwd, Database: "epic_no_such_db"})
		de := wantCode(t, err, domain.CodeUnavailable)
		if !strings.Contains(de.Message, "DB_NAME") {
			t.Errorf("message %q does not mention DB_NAME", de.Message)
		}
		if mc.Passwd != "" && strings.Contains(err.Error(), mc.Passwd) {
			t.Errorf("message %q holds the password", err)
		}
	})
}

func TestDescribe(t *testing.T) {
	path := filepath.Join(t.TempDir(), "epicevents.db")
	db, err := store.Open(ctx, store.Config{Driver: "sqlite", SQLitePath: path})
	mustNil(t, err)
	defer db.Close()
	if db.Describe() != "SQLite file "+path || db.Driver() != store.DriverSQLite {
		t.Fatalf("Describe = %q, Driver = %q", db.Describe(), db.Driver())
	}

	t.Run("mysql", func(t *testing.T) {
		my := storetest.MySQL(t)
		if my == nil {
			t.Skip("no MySQL")
		}
		_, _, mc := mysqlTarget(t)
		d := my.Describe()
		if !strings.HasPrefix(d, "MySQL "+mc.User+"@") || my.Driver() != store.DriverMySQL {
			t.Fatalf("Describe = %q, Driver = %q", d, my.Driver())
		}
		if mc.Passwd != "" && strings.Contains(d, mc.Passwd) {
			t.Fatalf("Describe %q holds the password", d)
		}
	})
}

func TestClosedDatabaseIsUnavailable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		mustNil(t, db.Close())
		_, err := db.GetUser(ctx, 1)
		de := wantCode(t, err, domain.CodeUnavailable)
		if de.Message != "the database is unavailable; try again" {
			t.Fatalf("message = %q", de.Message)
		}
	})
}

func TestKilledConnectionIsUnavailableAndThePoolRecovers(t *testing.T) {
	_, _, mc := mysqlTarget(t)
	db := storetest.MySQL(t)
	if db == nil {
		t.Skip("no MySQL")
	}
	d := db.Describe()
	name := d[strings.LastIndexByte(d, '/')+1:]
	mustNil(t, db.SeedGrants(ctx, testGrants))
	u := newUser(t, db.Repos, domain.RoleSales, "Still Here")

	admin, err := sql.Open("mysql", mc.FormatDSN())
	mustNil(t, err)
	defer admin.Close()
	killAll := func() {
		rows, err := admin.Query("SELECT id FROM information_schema.processlist WHERE db = ?", name)
		mustNil(t, err)
		var ids []int64
		for rows.Next() {
			var id int64
			mustNil(t, rows.Scan(&id))
			ids = append(ids, id)
		}
		_ = rows.Close()
		if len(ids) == 0 {
			t.Fatal("no connection to kill")
		}
		for _, id := range ids {
			if _, err := admin.Exec("KILL CONNECTION " + strconv.FormatInt(id, 10)); err != nil {
				t.Fatalf("kill %d: %v", id, err)
			}
		}
	}

	err = db.Tx(ctx, func(r *store.Repos) error {
		if _, err := r.GetUser(ctx, u.ID); err != nil {
			return err
		}
		killAll()
		u2 := u
		u2.FullName = "Half Written"
		return r.UpdateUser(ctx, &u2)
	})
	de := wantCode(t, err, domain.CodeUnavailable)
	if de.Message != "the database is unavailable; try again" {
		t.Fatalf("message = %q", de.Message)
	}
	got, err := db.GetUser(ctx, u.ID)
	mustNil(t, err)
	if got.FullName != "Still Here" {
		t.Fatalf("a write of the killed transaction survived: %q", got.FullName)
	}
}
