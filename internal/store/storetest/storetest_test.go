package storetest_test

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/epic-events/crm/internal/store"
	"github.com/epic-events/crm/internal/store/storetest"
	"github.com/go-sql-driver/mysql"
)

// recorder stands in for the test handed to the helpers, to see them fail.
type recorder struct {
	testing.TB
	fatal string
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.fatal = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (r *recorder) Fatal(args ...any) {
	r.fatal = fmt.Sprint(args...)
	runtime.Goexit()
}

// run calls fn as a test would, returning what failed it ("" for nothing).
func run(t *testing.T, fn func(tb testing.TB)) string {
	rec := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(rec)
	}()
	<-done
	return rec.fatal
}

func closedPortDSN(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return "epic:pw@tcp(" + addr + ")/"
}

func TestMySQLAvailability(t *testing.T) {
	unreachable := closedPortDSN(t)
	tests := []struct {
		name      string
		dsn       string
		require   string
		wantFatal string // "" means: no failure, and no database
	}{
		{"no DSN: MySQL is skipped", "", "", ""},
		{"no DSN but required: the test fails", "", "1", storetest.EnvMySQLDSN},
		{"an unreachable server: MySQL is skipped", unreachable, "", ""},
		{"an unreachable server but required: the test fails", unreachable, "1", "unreachable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(storetest.EnvMySQLDSN, tt.dsn)
			t.Setenv(storetest.EnvRequireMySQL, tt.require)
			var db *store.DB
			var engines []storetest.Engine
			fatal := run(t, func(tb testing.TB) {
				db = storetest.MySQL(tb)
				engines = storetest.Engines(tb)
			})
			if tt.wantFatal == "" {
				if fatal != "" {
					t.Fatalf("failed: %s", fatal)
				}
				if db != nil {
					t.Fatal("a database without a reachable MySQL")
				}
				if len(engines) != 1 || engines[0].Name != store.DriverSQLite {
					t.Fatalf("engines = %v, want SQLite alone", engines)
				}
				return
			}
			if !strings.Contains(fatal, tt.wantFatal) {
				t.Fatalf("failure %q, want one mentioning %q", fatal, tt.wantFatal)
			}
		})
	}
}

func TestMySQLDatabaseIsDroppedAfterTheTest(t *testing.T) {
	dsn := os.Getenv(storetest.EnvMySQLDSN)
	if dsn == "" {
		t.Skipf("%s is not set", storetest.EnvMySQLDSN)
	}
	var name string
	t.Run("uses a fresh database", func(t *testing.T) {
		db := storetest.MySQL(t)
		if db == nil {
			t.Fatal("no database with a DSN set")
		}
		d := db.Describe()
		name = d[strings.LastIndexByte(d, '/')+1:]
		if !strings.HasPrefix(name, "epic_t_") {
			t.Fatalf("database %q, want epic_t_...", name)
		}
		empty, err := db.Empty(context.Background())
		if err != nil || !empty {
			t.Fatalf("fresh database: empty=%v err=%v", empty, err)
		}
	})
	mc, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	connector, err := mysql.NewConnector(mc)
	if err != nil {
		t.Fatal(err)
	}
	admin := sql.OpenDB(connector)
	defer admin.Close()
	var found []string
	rows, err := admin.Query("SHOW DATABASES LIKE '" + name + "'")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		_ = rows.Scan(&n)
		found = append(found, n)
	}
	_ = rows.Close()
	if len(found) != 0 {
		t.Fatalf("database %s still exists after its test", name)
	}
}

func TestEachGivesEveryEngineAFreshDatabase(t *testing.T) {
	var seen []string
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seen = append(seen, db.Driver())
		empty, err := db.Empty(context.Background())
		if err != nil || !empty {
			t.Fatalf("empty=%v err=%v", empty, err)
		}
	})
	want := 1
	if os.Getenv(storetest.EnvMySQLDSN) != "" {
		want = 2
	}
	if len(seen) != want || seen[0] != store.DriverSQLite {
		t.Fatalf("engines run: %v", seen)
	}
}
