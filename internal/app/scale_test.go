package app

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/epic-events/crm/internal/store"
	"github.com/epic-events/crm/internal/store/storetest"
	"github.com/epic-events/crm/seeds"
)

func TestDBSeedScale(t *testing.T) {
	t.Run("adds a generated company after the demo data and says what it wrote", func(t *testing.T) {
		p := newProgram(t)
		if r := p.run("db", "reset", "--yes"); r.code != ExitOK {
			t.Fatalf("reset: exit %d: %s", r.code, r.stderr)
		}
		r := p.run("db", "seed", "--scale", "60")
		if r.code != ExitOK {
			t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
		}
		for _, want := range []string{"Seeding 60 customers", "60/60 customers", "building indexes", "Seeded ", "60 customers", seeds.DemoPassword} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("output lacks %q:\n%s", want, r.stdout)
			}
		}
		if strings.Contains(r.stdout, "\r") {
			t.Errorf("a progress bar drawn on output that is not a terminal:\n%q", r.stdout)
		}
		db, err := store.Open(context.Background(), store.Config{Driver: store.DriverSQLite, SQLitePath: p.env["DB_PATH"]})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		counts, err := db.Counts(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		accounts, err := seeds.Accounts()
		if err != nil {
			t.Fatal(err)
		}
		sales, support, managers := seeds.ScaleStaff(60)
		for _, c := range counts {
			if c.Table == "users" && c.Rows != int64(len(accounts)+sales+support+managers) {
				t.Errorf("%d collaborators, want the %d of the demo and %d generated", c.Rows, len(accounts), sales+support+managers)
			}
		}
	})
	t.Run("refuses a negative scale", func(t *testing.T) {
		r := newProgram(t).run("db", "seed", "--scale", "-5")
		if r.code != ExitUsage || !strings.Contains(r.stderr, "--scale") {
			t.Errorf("exit %d, stderr %q; want a usage error naming --scale", r.code, r.stderr)
		}
	})
	t.Run("is refused in production", func(t *testing.T) {
		p := newProgram(t)
		p.env["APP_ENV"] = "production"
		p.env["JWT_SECRET"] = strings.Repeat("k", 40)
		r := p.run("db", "seed", "--scale", "10")
		if r.code != ExitForbidden {
			t.Errorf("exit %d, stderr %q; want %d", r.code, r.stderr, ExitForbidden)
		}
	})
}

// db seed --scale is a db command for the migrating account, which builds the
// indexes after the load; the running account (no DDL) may run it too: the
// indexes stay in place during the load, and it is told so. Either way the
// schema is whole after it.
func TestDBSeedScaleWithEitherAccount(t *testing.T) {
	autoIncrement := regexp.MustCompile(` AUTO_INCREMENT=\d+`)
	appAccount, migrator, name := leastPrivilege(t)
	session := t.TempDir() + "/session"
	mustSucceed(t, as(t, migrator, name, session).run("db", "migrate"))
	admin := sqlConn(t, os.Getenv(storetest.EnvMySQLDSN))
	schema := func() string {
		t.Helper()
		var all string
		for _, table := range []string{"customers", "contracts", "payments", "events"} {
			var n, create string
			if err := admin.QueryRow("SHOW CREATE TABLE `"+name+"`."+table).Scan(&n, &create); err != nil {
				t.Fatal(err)
			}
			// The next AUTO_INCREMENT value is not the schema's.
			all += autoIncrement.ReplaceAllString(create, "") + "\n"
		}
		return all
	}
	want := schema()
	for _, tt := range []struct {
		account *mysql.Config
		note    bool
	}{
		{appAccount, true},
		{migrator, false},
	} {
		t.Run(tt.account.User, func(t *testing.T) {
			r := as(t, tt.account, name, session).run("db", "seed", "--scale", "60")
			mustSucceed(t, r)
			if got := strings.Contains(r.stdout, "may not change indexes"); got != tt.note {
				t.Errorf("a note that the account may not change indexes: %t, want %t\n%s", got, tt.note, r.stdout)
			}
			if !strings.Contains(r.stdout, "Seeded ") {
				t.Errorf("no summary:\n%s", r.stdout)
			}
			if got := schema(); got != want {
				t.Errorf("after the seed the schema is\n%s\nwant\n%s", got, want)
			}
			var left int
			if err := admin.QueryRow("SELECT COUNT(*) FROM `" + name + "`.settings WHERE `key` = 'store.deferred_indexes'").Scan(&left); err != nil || left != 0 {
				t.Errorf("%d records of indexes to build again (%v), want none", left, err)
			}
		})
	}
}

func TestScaleProgress(t *testing.T) {
	step := func(done int, rows int64) seeds.ScaleProgress {
		return seeds.ScaleProgress{Phase: "customers", Customers: done, Total: 1000, Rows: rows, Elapsed: 2 * time.Second}
	}
	t.Run("on a terminal, one bar redrawn in place within 80 columns, then a new line", func(t *testing.T) {
		var out bytes.Buffer
		p := newProgress(&out, true)
		p.update(step(500, 20000))
		p.update(seeds.ScaleProgress{Phase: "indexes", Customers: 1000, Total: 1000, Rows: 40000, Elapsed: 4 * time.Second})
		p.end()
		got := out.String()
		if !strings.HasPrefix(got, "\r[") || !strings.HasSuffix(got, "\n") || strings.Count(got, "\r") != 2 {
			t.Fatalf("output %q", got)
		}
		for _, line := range strings.Split(strings.TrimSuffix(got, "\n"), "\r")[1:] {
			if len(line) > 79 {
				t.Errorf("line of %d columns: %q", len(line), line)
			}
		}
		if !strings.Contains(got, " 50% ") || !strings.Contains(got, "10,000/s") {
			t.Errorf("no percentage or rate in %q", got)
		}
	})
	t.Run("elsewhere, plain lines no more often than every few seconds", func(t *testing.T) {
		var out bytes.Buffer
		p := newProgress(&out, false)
		for i := 1; i <= 10; i++ {
			p.update(step(i*100, int64(i)*4000))
		}
		p.update(seeds.ScaleProgress{Phase: "indexes", Customers: 1000, Total: 1000, Rows: 40000, Elapsed: 4 * time.Second})
		p.end()
		want := "100/1000 customers, 4000 rows, 2,000 rows/s\n1000/1000 customers, 40000 rows, 10,000 rows/s; building indexes\n"
		if out.String() != want {
			t.Errorf("output\n%q\nwant\n%q", out.String(), want)
		}
	})
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestHashOnce(t *testing.T) {
	calls := 0
	hash := hashOnce(func(pw string) (string, error) {
		calls++
		return fmt.Sprintf("hash %d of %s", calls, pw), nil
	})
	a1, _ := hash("demo")
	a2, _ := hash("demo")
	b1, _ := hash("other")
	if a1 != a2 || a1 == b1 || calls != 2 {
		t.Errorf("hashes %q %q %q after %d calls; want one hash per distinct password", a1, a2, b1, calls)
	}
}
