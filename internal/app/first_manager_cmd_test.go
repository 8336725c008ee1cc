package app

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestFirstManagerGivesAProductionDatabaseItsFirstLogin(t *testing.T) {
	p := newProgram(t)
	p.env["APP_ENV"] = "production"
	p.env["EPIC_SESSION_FILE"] = filepath.Join(t.TempDir(), "session")
	create := []string{"db", "first-manager", "--email", "Claire@Example.com", "--name", "Claire Marchand", "--password-stdin"}

	t.Run("without a terminal the password must come from stdin", func(t *testing.T) {
		res := p.run("db", "first-manager", "--email", "claire@example.com", "--name", "Claire Marchand")
		if res.code != ExitUsage {
			t.Fatalf("exit %d, want %d\n%s", res.code, ExitUsage, res.stderr)
		}
	})

	t.Run("a password under the policy is refused, naming it", func(t *testing.T) {
		p.stdin = "short\n"
		res := p.run(create...)
		if res.code != ExitUsage || !strings.Contains(res.stderr, "password") {
			t.Fatalf("exit %d, want %d naming the password\n%s", res.code, ExitUsage, res.stderr)
		}
	})

	t.Run("an empty database gets its manager, who can log in", func(t *testing.T) {
		p.stdin = "a long first password\n"
		res := p.mustRun(create...)
		if !strings.Contains(res.stdout, "Claire Marchand (management, claire@example.com") {
			t.Fatalf("stdout = %q", res.stdout)
		}
		p.stdin = "a long first password\n"
		p.mustRun("login", "--email", "claire@example.com", "--password-stdin")
		if res := p.mustRun("whoami"); !strings.Contains(res.stdout, "management") {
			t.Fatalf("whoami = %q, want the manager", res.stdout)
		}
	})

	t.Run("once anyone exists it is refused", func(t *testing.T) {
		p.stdin = "another long password\n"
		res := p.run("db", "first-manager", "--email", "other@example.com", "--name", "Other Person", "--password-stdin")
		if res.code != ExitConflict {
			t.Fatalf("exit %d, want %d\n%s", res.code, ExitConflict, res.stderr)
		}
		if got := p.counts()["users"]; got != 1 {
			t.Fatalf("%d collaborators, want 1", got)
		}
	})
}
