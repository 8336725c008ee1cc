//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package app

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/store/storetest"
)

// engines are the program on a new, empty database of each engine.
var engines = []struct {
	name string
	new  func(t *testing.T) *program
}{{"sqlite", newProgram}, {"mysql", onMySQL}}

// Programs started at once on a new database, some migrating it on purpose
// (db migrate), others as every command does when a migration is pending:
// they take turns, and none fails for it.
func TestProgramsStartedAtOnceOnANewDatabaseAllMigrateIt(t *testing.T) {
	for _, engine := range engines {
		t.Run(engine.name, func(t *testing.T) {
			p := engine.new(t)
			withSession(t, p)
			commands := [][]string{{"db", "migrate"}, {"whoami"}, {"db", "migrate"}, {"whoami"}}
			want := []int{ExitOK, ExitUnauthenticated, ExitOK, ExitUnauthenticated}
			results := make([]result, len(commands))
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i, args := range commands {
				wg.Go(func() {
					<-start
					results[i] = p.run(args...)
				})
			}
			close(start)
			wg.Wait()
			for i, res := range results {
				if res.code != want[i] {
					t.Errorf("%v: exit %d, want %d\nstderr: %s", commands[i], res.code, want[i], res.stderr)
				}
			}
			before := p.counts()
			p.mustRun("db", "migrate")
			if after := p.counts(); after["role_permissions"] != before["role_permissions"] || before["role_permissions"] == 0 {
				t.Errorf("the permission matrix has %d rows, then %d after one more migrate: want the same, above 0",
					before["role_permissions"], after["role_permissions"])
			}
		})
	}
}

// A migration under way elsewhere that outlasts the wait: one line naming what
// waited and for what, exit 1, and the database is left as it was.
func TestAMigrationThatWaitsTooLongSaysWhy(t *testing.T) {
	for _, engine := range engines {
		t.Run(engine.name, func(t *testing.T) {
			p := engine.new(t)
			withSession(t, p)
			holdMigrateLock(t, p)
			for _, args := range [][]string{{"db", "migrate"}, {"whoami"}} {
				var stdout, stderr bytes.Buffer
				d := p.deps(&stdout, &stderr)
				d.migrateWait = 200 * time.Millisecond
				res := result{code: run(context.Background(), args, d), stdout: stdout.String(), stderr: stderr.String()}
				failsWith(t, res, ExitError, "the migration of", "waited 200ms for another program migrating it", "nothing was changed")
			}
		})
	}
}

// holdMigrateLock takes the program's migration lock as another program
// migrating its database would, until the test ends.
func holdMigrateLock(t *testing.T, p *program) {
	t.Helper()
	if p.env["DB_DRIVER"] != "mysql" {
		f, err := os.OpenFile(p.env["DB_PATH"]+"-migrate.lock", os.O_RDWR|os.O_CREATE, 0o600)
		must(t, err)
		t.Cleanup(func() { _ = f.Close() })
		must(t, syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB))
		return
	}
	conn, err := sqlConn(t, os.Getenv(storetest.EnvMySQLDSN)).Conn(context.Background())
	must(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	var got sql.NullInt64
	must(t, conn.QueryRowContext(context.Background(), "SELECT GET_LOCK(?, 0)", p.env["DB_NAME"]+".epicevents.migrate").Scan(&got))
	if got.Int64 != 1 {
		t.Fatalf("GET_LOCK = %v, want 1", got)
	}
}
