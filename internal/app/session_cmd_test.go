package app

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/epic-events/crm/seeds"
)

// Issue 3's "done when": log in through stdin, whoami names a sales
// collaborator, logout, then whoami exits 4.
func TestLoginWhoamiLogout(t *testing.T) {
	p := newCRM(t)
	p.stdin = seeds.DemoPassword
	res := p.mustRun("login", "--email", sales1, "--password-stdin")
	p.stdin = ""
	// launchTime is 09:30 UTC; a session lasts 8 hours; Paris is UTC+2 in May.
	if want := "Logged in as Léa Fontaine (sales) until 2026-05-04 19:30 CEST.\n"; res.stdout != want {
		t.Errorf("login says %q, want %q", res.stdout, want)
	}
	info, err := os.Stat(p.env["EPIC_SESSION_FILE"])
	if err != nil {
		t.Fatalf("no session file after login: %v", err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("session file mode %o, want 600", mode)
	}

	res = p.mustRun("whoami")
	for _, want := range []string{"Léa Fontaine", sales1, "sales", "EE-0003", "2026-05-04 19:30 CEST"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("whoami does not say %q:\n%s", want, res.stdout)
		}
	}
	var me whoamiRecord
	p.mustJSON(&me, "whoami", "--json")
	if me.Role != "sales" || me.Email != sales1 || me.SessionExpiresAt != "2026-05-04T17:30:00Z" || me.ID == 0 {
		t.Errorf("whoami --json: %+v", me)
	}

	token, err := os.ReadFile(p.env["EPIC_SESSION_FILE"])
	must(t, err)
	res = p.mustRun("logout")
	if !strings.Contains(strings.ToLower(res.stdout), "logged out") {
		t.Errorf("logout says %q", res.stdout)
	}
	if p.sessionFileExists() {
		t.Error("the session file is still there after logout")
	}
	failsWith(t, p.run("whoami"), ExitUnauthenticated, "not logged in")

	// Logout revoked the session in the database: a copy of the token is refused.
	must(t, os.WriteFile(p.env["EPIC_SESSION_FILE"], token, 0o600))
	failsWith(t, p.run("whoami"), ExitUnauthenticated, "session has ended")
}

func TestLoginRefusals(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		stdin    string
		terminal bool
		code     int
		mention  string
	}{
		{"a wrong password", []string{"--email", sales1, "--password-stdin"}, "wrong-password", false, ExitUnauthenticated, "invalid email or password"},
		{"an unknown email", []string{"--email", "nobody@epicevents.test", "--password-stdin"}, seeds.DemoPassword, false, ExitUnauthenticated, "invalid email or password"},
		{"a password with a second trailing newline", []string{"--email", sales1, "--password-stdin"}, seeds.DemoPassword + "\n\n", false, ExitUnauthenticated, "invalid email or password"},
		{"--password-stdin without --email", []string{"--password-stdin"}, seeds.DemoPassword, false, ExitUsage, "--email"},
		{"no terminal and no --password-stdin", []string{"--email", sales1}, seeds.DemoPassword, false, ExitUsage, "--password-stdin"},
		{"a terminal whose input ends before the password", []string{"--email", sales1}, "", true, ExitUsage, "no answer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newCRM(t)
			p.stdin, p.terminal = tt.stdin, tt.terminal
			res := p.run(append([]string{"login"}, tt.args...)...)
			if res.code != tt.code {
				t.Fatalf("exit %d, want %d; stderr: %s", res.code, tt.code, res.stderr)
			}
			if !strings.Contains(res.stderr, tt.mention) {
				t.Errorf("stderr does not mention %q:\n%s", tt.mention, res.stderr)
			}
			if strings.Contains(res.stdout+res.stderr, seeds.DemoPassword) {
				t.Error("the output repeats the password")
			}
			if p.sessionFileExists() {
				t.Error("a refused login left a session file")
			}
		})
	}
}

func TestLoginTrimsOneTrailingNewline(t *testing.T) {
	for name, stdin := range map[string]string{"LF": seeds.DemoPassword + "\n", "CRLF": seeds.DemoPassword + "\r\n", "none": seeds.DemoPassword} {
		t.Run(name, func(t *testing.T) {
			p := newCRM(t)
			p.stdin = stdin
			p.mustRun("login", "--email", sales1, "--password-stdin")
		})
	}
}

func TestLoginOnATerminalAsksForWhatIsMissing(t *testing.T) {
	p := newCRM(t)
	p.terminal = true
	p.stdin = sales1 + "\n" + seeds.DemoPassword + "\n"
	res := p.mustRun("login")
	if !strings.Contains(res.stderr, "Email: ") || !strings.Contains(res.stderr, "Password: ") {
		t.Errorf("the prompts are not on stderr:\n%s", res.stderr)
	}
	if !strings.HasPrefix(res.stdout, "Logged in as Léa Fontaine (sales)") {
		t.Errorf("stdout: %q", res.stdout)
	}

	p.stdin = seeds.DemoPassword + "\n"
	res = p.mustRun("login", "--email", support1)
	if strings.Contains(res.stderr, "Email:") {
		t.Errorf("the email was given but asked for:\n%s", res.stderr)
	}
	var me whoamiRecord
	p.mustJSON(&me, "whoami", "--json")
	if me.Email != support1 {
		t.Errorf("whoami after the second login: %s", me.Email)
	}
}

func TestLockedAccountSaysUntilWhenInLocalTime(t *testing.T) {
	p := newCRM(t)
	p.stdin = "wrong-password"
	for range 4 {
		failsWith(t, p.run("login", "--email", sales1, "--password-stdin"), ExitUnauthenticated, "invalid email or password")
	}
	// The fifth failure locks the account for 15 minutes from 09:30 UTC: 11:45 in Paris.
	failsWith(t, p.run("login", "--email", sales1, "--password-stdin"), ExitUnauthenticated, "locked", "2026-05-04 11:45 CEST")
	p.stdin = seeds.DemoPassword
	failsWith(t, p.run("login", "--email", sales1, "--password-stdin"), ExitUnauthenticated, "locked", "11:45 CEST")
}

func TestLogout(t *testing.T) {
	t.Run("with a token that no longer verifies it still forgets it", func(t *testing.T) {
		p := newCRM(t)
		must(t, os.WriteFile(p.env["EPIC_SESSION_FILE"], []byte("not.a.token"), 0o600))
		res := p.mustRun("logout")
		if !strings.Contains(strings.ToLower(res.stdout), "logged out") || p.sessionFileExists() {
			t.Errorf("logout: %q, file still there: %t", res.stdout, p.sessionFileExists())
		}
	})
	t.Run("without a session it has nothing to do and succeeds", func(t *testing.T) {
		p := newCRM(t)
		p.mustRun("logout")
	})
}

func TestANewLoginEndsThePreviousSession(t *testing.T) {
	p := newCRM(t)
	p.stdin = seeds.DemoPassword
	p.mustRun("login", "--email", sales1, "--password-stdin")
	first, err := os.ReadFile(p.env["EPIC_SESSION_FILE"])
	must(t, err)
	p.stdin = seeds.DemoPassword
	p.mustRun("login", "--email", sales2, "--password-stdin")
	must(t, os.WriteFile(p.env["EPIC_SESSION_FILE"], first, 0o600))
	failsWith(t, p.run("whoami"), ExitUnauthenticated, "session has ended")
}

func TestWhoamiOfADeactivatedCollaboratorExits4(t *testing.T) {
	p := newCRM(t)
	p.loginAs(support2)
	support2Token, err := os.ReadFile(p.env["EPIC_SESSION_FILE"])
	must(t, err)
	p.loginAs(manager1)
	p.mustRun("user", "deactivate", support2, "--yes")
	must(t, os.WriteFile(p.env["EPIC_SESSION_FILE"], support2Token, 0o600))
	failsWith(t, p.run("whoami"), ExitUnauthenticated)
	res := p.mustRun("logout")
	if p.sessionFileExists() || !strings.Contains(strings.ToLower(res.stdout), "logged out") {
		t.Errorf("logout of an ended session: %q", res.stdout)
	}
}

func TestWhoamiJSONKeys(t *testing.T) {
	p := newCRM(t)
	p.loginAs(manager1)
	var raw map[string]any
	p.mustJSON(&raw, "whoami", "--json")
	for _, key := range []string{"id", "employee_number", "full_name", "email", "role", "session_expires_at"} {
		if _, ok := raw[key]; !ok {
			t.Errorf("whoami --json has no %q: %v", key, raw)
		}
	}
	b, _ := json.Marshal(raw)
	if strings.Contains(string(b), "hash") || strings.Contains(string(b), "token") {
		t.Errorf("whoami --json shows a secret: %s", b)
	}
}

// Issues 3 and 5's "done when", on MariaDB: the same commands, the same answers.
func TestDoneWhenOnMySQL(t *testing.T) {
	p := onMySQL(t)
	withSession(t, p)
	p.mustRun("db", "seed")

	p.loginAs(sales1)
	var me whoamiRecord
	p.mustJSON(&me, "whoami", "--json")
	if me.Role != "sales" {
		t.Errorf("whoami: %+v", me)
	}
	failsWith(t, p.run("contract", "create", "--customer", "1", "--total", "100"), ExitForbidden)
	p.mustRun("customer", "create", "--name", "Nouveau Client", "--email", "nouveau@example.com", "--phone", "+33 1 23 45 67 89")
	var mine []customerRecord
	p.mustJSON(&mine, "customer", "list", "--mine", "--json")
	if len(mine) != 5 || mine[len(mine)-1].FullName != "Nouveau Client" {
		t.Errorf("customer list --mine --json after create: %+v", mine)
	}
	var contracts []contractRecord
	p.mustJSON(&contracts, "contract", "list", "--json")
	if len(contracts) != 18 {
		t.Errorf("contract create by sales wrote something: %d contracts", len(contracts))
	}

	p.loginAs(manager1)
	var signed contractRecord
	p.mustJSON(&signed, "contract", "sign", "2", "--yes", "--json")
	if signed.Status != "signed" {
		t.Errorf("sign: %+v", signed)
	}
	var assigned eventResult
	p.mustJSON(&assigned, "event", "assign", "2", "--support", support1, "--json")
	if assigned.SupportContactName != "Julien Moreau" {
		t.Errorf("assign: %+v", assigned)
	}
	p.mustRun("logout")
	failsWith(t, p.run("whoami"), ExitUnauthenticated)
}
