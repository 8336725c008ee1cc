package app

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/epic-events/crm/internal/store/storetest"
	"github.com/epic-events/crm/seeds"
)

// A MariaDB server that goes away (a proxy in front of the shared server is
// cut) between two commands, and an SQLite file that is read-only or damaged:
// each command fails with exit 1 and one clear line, never a panic or the
// apology for a bug, and the commands work again once the server is back.
func TestDatabaseFaultsGiveOneClearLine(t *testing.T) {
	t.Run("mysql", func(t *testing.T) {
		p := onMySQL(t)
		withSession(t, p)
		proxy := storetest.NewProxy(t, net.JoinHostPort(p.env["DB_HOST"], p.env["DB_PORT"]))
		host, port := proxy.HostPort()
		p.env["DB_HOST"], p.env["DB_PORT"] = host, itoa(int64(port))
		p.mustRun("db", "reset", "--yes")
		p.stdin = seeds.DemoPassword
		p.mustRun("login", "--email", sales1, "--password-stdin")
		p.stdin = ""

		proxy.Cut()
		for _, args := range [][]string{{"whoami"}, {"customer", "list"}, {"db", "migrate"}} {
			res := p.run(args...)
			failsWith(t, res, ExitError, "cannot reach the MySQL server", "DB_HOST")
			if strings.Contains(res.stderr, apology) {
				t.Errorf("epicevents %s: the apology for a bug instead of the reason", strings.Join(args, " "))
			}
		}
		proxy.Restore()
		p.mustRun("whoami")
		p.mustRun("customer", "list", "--json")
	})

	t.Run("sqlite read-only", func(t *testing.T) {
		p := newCRM(t)
		p.loginAs(sales1)
		p.mustRun("customer", "list")
		must(t, os.Chmod(p.env["DB_PATH"], 0o444))
		if os.Geteuid() == 0 {
			// Root writes whatever the mode says: the immutable attribute stops it.
			if out, err := exec.Command("chattr", "+i", p.env["DB_PATH"]).CombinedOutput(); err != nil {
				t.Skipf("root without chattr here: %v %s", err, out)
			}
			t.Cleanup(func() { _ = exec.Command("chattr", "-i", p.env["DB_PATH"]).Run() })
		}
		res := p.run("customer", "create", "--name", "Read Only", "--email", "ro@example.com", "--phone", "+33 6 00 00 00 00")
		failsWith(t, res, ExitError, "read-only")
	})

	t.Run("sqlite damaged", func(t *testing.T) {
		p := newCRM(t)
		p.loginAs(sales1)
		b, err := os.ReadFile(p.env["DB_PATH"])
		must(t, err)
		for i := 4096; i < len(b); i++ {
			b[i] ^= 0x5a
		}
		must(t, os.WriteFile(p.env["DB_PATH"], b, 0o600))
		for _, suffix := range []string{"-wal", "-shm"} {
			_ = os.Remove(p.env["DB_PATH"] + suffix)
		}
		res := p.run("customer", "list")
		failsWith(t, res, ExitError, "DB_PATH")
		if strings.Contains(res.stderr, apology) {
			t.Errorf("the apology for a bug instead of the reason: %s", res.stderr)
		}
	})
}

// A session file that others may read is refused, with the command that fixes
// it, and works again once fixed.
func TestSessionFileReadableByOthersIsRefused(t *testing.T) {
	p := newCRM(t)
	p.loginAs(manager1)
	session := p.env["EPIC_SESSION_FILE"]
	for _, mode := range []os.FileMode{0o644, 0o640, 0o606, 0o660} {
		must(t, os.Chmod(session, mode))
		res := p.run("whoami")
		failsWith(t, res, ExitUnauthenticated, "chmod 600", filepath.Base(session))
	}
	must(t, os.Chmod(session, 0o600))
	p.mustRun("whoami")
}
