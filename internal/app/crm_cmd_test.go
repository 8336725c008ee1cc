package app

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	_ "time/tzdata" // the tests show times in Europe/Paris wherever they run

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/seeds"
)

// The demo accounts the tests act as (seeds/data/staff.json).
const (
	manager1 = "manager1@epicevents.test"
	sales1   = "sales1@epicevents.test" // Léa Fontaine: customers 1 to 4
	sales2   = "sales2@epicevents.test" // Hugo Bernard: customers 5 to 8
	support1 = "support1@epicevents.test"
	support2 = "support2@epicevents.test"
)

// testZone is the terminal's time zone in these tests: never UTC, so that a
// time shown or read in UTC by mistake is caught.
const testZone = "Europe/Paris"

// newCRM is the program on a fresh SQLite database holding the demo data,
// with its own session file, in testZone.
func newCRM(t *testing.T) *program {
	t.Helper()
	p := newProgram(t)
	withSession(t, p)
	must(t, os.WriteFile(p.env["DB_PATH"], demoDatabase(t), 0o600))
	return p
}

// demoSeed is the demo database, seeded once per test binary and copied into
// each test's own file: seeding takes a second under the race detector, a copy
// a millisecond. The clock is fixed, so every copy is what a seed would give.
var demoSeed struct {
	once sync.Once
	data []byte
	err  error
}

func demoDatabase(t *testing.T) []byte {
	t.Helper()
	demoSeed.once.Do(func() {
		dir, err := os.MkdirTemp("", "epic-demo-")
		if err != nil {
			demoSeed.err = err
			return
		}
		defer os.RemoveAll(dir)
		p := &program{t: t, env: map[string]string{"DB_DRIVER": "sqlite", "DB_PATH": filepath.Join(dir, "demo.db")}}
		if res := p.run("db", "seed"); res.code != ExitOK {
			demoSeed.err = fmt.Errorf("db seed: exit %d: %s", res.code, res.stderr)
			return
		}
		// Closing the last connection checkpointed the write-ahead log into the file.
		demoSeed.data, demoSeed.err = os.ReadFile(p.env["DB_PATH"])
	})
	if demoSeed.err != nil {
		t.Fatalf("seed the demo database: %v", demoSeed.err)
	}
	return demoSeed.data
}

// withSession gives the program a session file of its own and the test time zone.
func withSession(t *testing.T, p *program) {
	t.Helper()
	p.env["EPIC_SESSION_FILE"] = filepath.Join(t.TempDir(), "session")
	p.env["TZ"] = testZone
}

// loginAs makes email the logged-in collaborator, with the demo password
// through --password-stdin. Each collaborator logs in once per program: their
// token is kept beside the session file and put back the next time, which
// saves a login (a hash and a transaction) per step of the longer tests.
func (p *program) loginAs(email string) {
	p.t.Helper()
	session := p.env["EPIC_SESSION_FILE"]
	kept := filepath.Join(filepath.Dir(session), "token-"+email)
	if token, err := os.ReadFile(kept); err == nil {
		must(p.t, os.WriteFile(session, token, 0o600))
		return
	}
	// Without a session file, the login has no previous session to end: the
	// tokens kept for the others stay valid.
	_ = os.Remove(session)
	p.stdin = seeds.DemoPassword
	defer func() { p.stdin = "" }()
	p.mustRun("login", "--email", email, "--password-stdin")
	token, err := os.ReadFile(session)
	must(p.t, err)
	must(p.t, os.WriteFile(kept, token, 0o600))
}

// freshLogin logs in with a password on stdin, from no session: the sessions
// kept by loginAs are not ended by it.
func (p *program) freshLogin(email, password string) result {
	p.t.Helper()
	_ = os.Remove(p.env["EPIC_SESSION_FILE"])
	p.stdin = password
	defer func() { p.stdin = "" }()
	return p.run("login", "--email", email, "--password-stdin")
}

func mustSucceed(t *testing.T, res result) {
	t.Helper()
	if res.code != ExitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
}

// mustJSON runs the command, which must succeed, and decodes its stdout into v.
func (p *program) mustJSON(v any, args ...string) {
	p.t.Helper()
	res := p.mustRun(args...)
	if err := json.Unmarshal([]byte(res.stdout), v); err != nil {
		p.t.Fatalf("epicevents %s: stdout is not JSON: %v\n%s", strings.Join(args, " "), err, res.stdout)
	}
}

// mustCSV runs the command, which must succeed, and parses its stdout as CSV:
// the header, then one map per row.
func (p *program) mustCSV(args ...string) ([]string, []map[string]string) {
	p.t.Helper()
	res := p.mustRun(args...)
	records, err := csv.NewReader(strings.NewReader(res.stdout)).ReadAll()
	if err != nil || len(records) == 0 {
		p.t.Fatalf("epicevents %s: stdout is not CSV with a header (%v):\n%s", strings.Join(args, " "), err, res.stdout)
	}
	var rows []map[string]string
	for _, rec := range records[1:] {
		row := map[string]string{}
		for i, key := range records[0] {
			row[key] = rec[i]
		}
		rows = append(rows, row)
	}
	return records[0], rows
}

// snapshot describes every business record and its version, and every
// table's row count: two equal snapshots mean nothing was written.
func (p *program) snapshot() string {
	p.t.Helper()
	ctx := context.Background()
	db := p.db()
	var lines []string
	counts, err := db.Counts(ctx)
	must(p.t, err)
	for _, c := range counts {
		// The first command of a database stores the generated session key: not a business record.
		if c.Table != "settings" {
			lines = append(lines, fmt.Sprintf("%s=%d", c.Table, c.Rows))
		}
	}
	page := domain.Page{Limit: domain.MaxPageSize}
	users, err := db.ListUsers(ctx, domain.UserFilter{IncludeInactive: true, Page: page})
	must(p.t, err)
	for _, u := range users.Items {
		lines = append(lines, fmt.Sprintf("user %d v%d %s %s active=%t", u.ID, u.Version, u.Email, u.Role, u.Active))
	}
	customers, err := db.ListCustomers(ctx, domain.CustomerFilter{Page: page})
	must(p.t, err)
	for _, c := range customers.Items {
		lines = append(lines, fmt.Sprintf("customer %d v%d sales=%d", c.ID, c.Version, c.SalesContactID))
	}
	contracts, err := db.ListContracts(ctx, domain.ContractFilter{Page: page})
	must(p.t, err)
	for _, c := range contracts.Items {
		lines = append(lines, fmt.Sprintf("contract %d v%d %s due=%d", c.ID, c.Version, c.Status, c.AmountDue))
	}
	events, err := db.ListEvents(ctx, domain.EventFilter{Page: page})
	must(p.t, err)
	for _, e := range events.Items {
		lines = append(lines, fmt.Sprintf("event %d v%d", e.ID, e.Version))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// failsWith checks the exit code and that stderr is one line holding every
// one of mention (a field's name, say).
func failsWith(t *testing.T, res result, code int, mention ...string) {
	t.Helper()
	if res.code != code {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", res.code, code, res.stdout, res.stderr)
	}
	line := oneErrorLine(t, res.stderr)
	for _, m := range mention {
		if !strings.Contains(line, m) {
			t.Errorf("the message %q does not mention %q", line, m)
		}
	}
}

// The promise for every command: no session → 4; a role that may
// not → 5 and nothing written; bad input → 2 naming the field; a missing
// record → 3.
func TestEveryCommandsFailures(t *testing.T) {
	p := newCRM(t)
	commands := []struct {
		name string
		args []string
	}{
		{"customer list", []string{"customer", "list"}},
		{"customer show", []string{"customer", "show", "1"}},
		{"customer create", []string{"customer", "create", "--name", "N", "--email", "n@example.com", "--phone", "0102030405"}},
		{"customer update", []string{"customer", "update", "1", "--name", "N"}},
		{"customer reassign", []string{"customer", "reassign", "1", "--to", sales2, "--yes"}},
		{"contract list", []string{"contract", "list"}},
		{"contract show", []string{"contract", "show", "1"}},
		{"contract create", []string{"contract", "create", "--customer", "1", "--total", "100"}},
		{"contract update", []string{"contract", "update", "2", "--total", "100"}},
		{"contract pay", []string{"contract", "pay", "2", "100"}},
		{"contract sign", []string{"contract", "sign", "2", "--yes"}},
		{"contract cancel", []string{"contract", "cancel", "2", "--yes"}},
		{"event list", []string{"event", "list"}},
		{"event show", []string{"event", "show", "1"}},
		{"event create", []string{"event", "create", "--contract", "5", "--name", "N", "--start", "2026-12-01 18:00", "--end", "2026-12-01 20:00", "--location", "L", "--attendees", "1"}},
		{"event update", []string{"event", "update", "2", "--attendees", "10"}},
		{"event assign", []string{"event", "assign", "2", "--support", support1}},
		{"user list", []string{"user", "list"}},
		{"user show", []string{"user", "show", "1"}},
		{"user create", []string{"user", "create", "--email", "x@epicevents.test", "--name", "X", "--role", "sales"}},
		{"user update", []string{"user", "update", "7", "--name", "X"}},
		{"user deactivate", []string{"user", "deactivate", "7", "--yes"}},
		{"user reactivate", []string{"user", "reactivate", "7"}},
		{"user delete", []string{"user", "delete", "7", "--yes"}},
		{"user password", []string{"user", "password", "--password-stdin"}},
		{"user reset-password", []string{"user", "reset-password", "7"}},
		{"audit list", []string{"audit", "list"}},
		{"whoami", []string{"whoami"}},
	}
	t.Run("without a session every command exits 4 and writes nothing", func(t *testing.T) {
		before := p.snapshot()
		for _, c := range commands {
			t.Run(c.name, func(t *testing.T) {
				p.stdin = "current-password\nnew-password-123\n"
				defer func() { p.stdin = "" }()
				failsWith(t, p.run(c.args...), ExitUnauthenticated, "log")
			})
		}
		if after := p.snapshot(); after != before {
			t.Errorf("commands without a session changed the database:\n%s", diffLines(before, after))
		}
	})

	denied := []struct {
		as   string
		args []string
	}{
		{support1, []string{"customer", "create", "--name", "N", "--email", "n@example.com", "--phone", "0102030405"}},
		{sales2, []string{"customer", "update", "1", "--name", "N"}},
		{sales1, []string{"customer", "reassign", "1", "--to", sales2, "--yes"}},
		{sales1, []string{"contract", "create", "--customer", "1", "--total", "100"}},
		{sales2, []string{"contract", "update", "2", "--total", "100"}},
		{support1, []string{"contract", "pay", "2", "100"}},
		{sales2, []string{"contract", "sign", "2", "--yes"}},
		{sales2, []string{"contract", "cancel", "2", "--yes"}},
		{sales2, []string{"event", "create", "--contract", "5", "--name", "N", "--start", "2026-12-01 18:00", "--end", "2026-12-01 20:00", "--location", "L", "--attendees", "1"}},
		{support2, []string{"event", "update", "1", "--attendees", "10"}},
		{sales1, []string{"event", "assign", "2", "--support", support1}},
		{sales1, []string{"user", "list", "--inactive"}},
		{sales1, []string{"user", "create", "--email", "x@epicevents.test", "--name", "X", "--role", "sales"}},
		{sales1, []string{"user", "update", "7", "--name", "X"}},
		{support1, []string{"user", "deactivate", "7", "--yes"}},
		{support1, []string{"user", "reactivate", "7"}},
		{sales1, []string{"user", "delete", "7", "--yes"}},
		{sales1, []string{"user", "reset-password", "7"}},
		{sales1, []string{"audit", "list"}},
	}
	// Everyone logs in first (a login writes a session and an audit row), so
	// that one snapshot before and one after show whether any refusal wrote.
	for _, email := range []string{manager1, sales1, sales2, support1, support2} {
		p.loginAs(email)
	}
	before := p.snapshot()
	for _, d := range denied {
		t.Run(d.as+" is denied "+strings.Join(d.args[:2], " ")+" with exit 5", func(t *testing.T) {
			p.loginAs(d.as)
			failsWith(t, p.run(d.args...), ExitForbidden, "permission denied")
		})
	}
	if after := p.snapshot(); after != before {
		t.Errorf("a denied command changed the database:\n%s", diffLines(before, after))
	}

	missing := []struct {
		as   string
		args []string
	}{
		{sales1, []string{"customer", "show", "999"}},
		{sales1, []string{"customer", "update", "999", "--name", "N"}},
		{manager1, []string{"customer", "reassign", "999", "--to", sales2, "--yes"}},
		{manager1, []string{"contract", "show", "999"}},
		{manager1, []string{"contract", "create", "--customer", "999", "--total", "100"}},
		{manager1, []string{"contract", "update", "999", "--total", "100"}},
		{manager1, []string{"contract", "pay", "999", "100"}},
		{manager1, []string{"contract", "sign", "999", "--yes"}},
		{manager1, []string{"contract", "cancel", "999", "--yes"}},
		{sales1, []string{"event", "show", "999"}},
		{sales1, []string{"event", "create", "--contract", "999", "--name", "N", "--start", "2026-12-01 18:00", "--end", "2026-12-01 20:00", "--location", "L", "--attendees", "1"}},
		{manager1, []string{"event", "update", "999", "--attendees", "10"}},
		{manager1, []string{"event", "assign", "999", "--support", support1}},
		{manager1, []string{"user", "show", "999"}},
		{manager1, []string{"user", "show", "nobody@epicevents.test"}},
		{manager1, []string{"user", "update", "999", "--name", "X"}},
		{manager1, []string{"user", "deactivate", "999", "--yes"}},
		{manager1, []string{"user", "reactivate", "999"}},
		{manager1, []string{"user", "delete", "999", "--yes"}},
		{manager1, []string{"user", "reset-password", "999"}},
	}
	for _, m := range missing {
		t.Run(strings.Join(m.args[:2], " ")+" of a missing record exits 3", func(t *testing.T) {
			p.loginAs(m.as)
			failsWith(t, p.run(m.args...), ExitNotFound)
		})
	}

	invalid := []struct {
		as    string
		args  []string
		field string
	}{
		{sales1, []string{"customer", "list", "--limit", "0"}, "limit"},
		{sales1, []string{"customer", "show", "abc"}, "id"},
		{sales1, []string{"customer", "create", "--name", "N", "--email", "not-an-email", "--phone", "0102030405"}, "email"},
		{sales1, []string{"customer", "update", "1", "--phone", "call me"}, "phone"},
		{manager1, []string{"customer", "reassign", "1", "--to", support1, "--yes"}, "to"},
		{sales1, []string{"contract", "list", "--status", "paid"}, "status"},
		{sales1, []string{"contract", "show", "0"}, "id"},
		{manager1, []string{"contract", "create", "--customer", "1", "--total", "1,234.56"}, "total"},
		{manager1, []string{"contract", "update", "1", "--total", "100"}, "total"}, // below the 12 500.00 paid
		{sales1, []string{"contract", "pay", "2", "0"}, "amount"},
		{manager1, []string{"contract", "sign", "x", "--yes"}, "id"},
		{manager1, []string{"contract", "cancel", "x", "--yes"}, "id"},
		{sales1, []string{"event", "list", "--upcoming", "0"}, "upcoming"},
		{sales1, []string{"event", "show", "0x1"}, "id"},
		{sales1, []string{"event", "create", "--contract", "5", "--name", "N", "--start", "2026-12-01 18:00", "--end", "2026-12-01 17:00", "--location", "L", "--attendees", "1"}, "end"},
		{manager1, []string{"event", "update", "2", "--start", "tomorrow"}, "start"},
		{manager1, []string{"event", "assign", "2", "--support", sales1}, "support"},
		{manager1, []string{"user", "list", "--role", "boss"}, "role"},
		{manager1, []string{"user", "show", "x"}, "user"},
		{manager1, []string{"user", "create", "--email", "x@epicevents.test", "--name", "X", "--role", "boss"}, "role"},
		{manager1, []string{"user", "update", "7", "--email", "nope"}, "email"},
		{manager1, []string{"audit", "list", "--since", "last week"}, "since"},
		{manager1, []string{"audit", "list", "--actor", "nobody@epicevents.test"}, "actor"},
	}
	before = p.snapshot()
	for _, c := range invalid {
		t.Run(strings.Join(c.args[:2], " ")+" refuses a bad "+c.field+" with exit 2", func(t *testing.T) {
			p.loginAs(c.as)
			failsWith(t, p.run(c.args...), ExitUsage, c.field)
		})
	}
	if after := p.snapshot(); after != before {
		t.Errorf("a command refusing bad input changed the database:\n%s", diffLines(before, after))
	}
}

// diffLines shows the lines of two snapshots that differ.
func diffLines(before, after string) string {
	in := map[string]bool{}
	for _, l := range strings.Split(before, "\n") {
		in[l] = true
	}
	out := map[string]bool{}
	var b strings.Builder
	for _, l := range strings.Split(after, "\n") {
		out[l] = true
		if !in[l] {
			b.WriteString("+ " + l + "\n")
		}
	}
	for _, l := range strings.Split(before, "\n") {
		if !out[l] {
			b.WriteString("- " + l + "\n")
		}
	}
	return b.String()
}

// --json failures also print the error as JSON on stdout, for scripts.
func TestJSONErrorsOnStdout(t *testing.T) {
	p := newCRM(t)
	p.loginAs(sales1)
	tests := []struct {
		name   string
		args   []string
		code   int
		want   string
		fields []string
	}{
		{"invalid input names its fields", []string{"customer", "create", "--name", "", "--email", "bad", "--phone", "1", "--json"}, ExitUsage, "invalid", []string{"name", "email", "phone"}},
		{"a missing record", []string{"customer", "show", "999", "--json"}, ExitNotFound, "not_found", nil},
		{"a denial", []string{"contract", "create", "--customer", "1", "--total", "100", "--json"}, ExitForbidden, "forbidden", nil},
		{"a conflict", []string{"customer", "create", "--name", "K", "--email", "kevin.casey@example.com", "--phone", "0102030405", "--json"}, ExitConflict, "conflict", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := p.run(tt.args...)
			if res.code != tt.code {
				t.Fatalf("exit %d, want %d; stderr: %s", res.code, tt.code, res.stderr)
			}
			oneErrorLine(t, res.stderr)
			var got errorRecord
			if err := json.Unmarshal([]byte(res.stdout), &got); err != nil {
				t.Fatalf("stdout is not the JSON error: %v\n%s", err, res.stdout)
			}
			if got.Error.Code != tt.want || got.Error.Message == "" {
				t.Errorf("error %+v, want code %q and a message", got.Error, tt.want)
			}
			for _, f := range tt.fields {
				if got.Error.Fields[f] == "" {
					t.Errorf("fields %v do not name %q", got.Error.Fields, f)
				}
			}
		})
	}
}

func TestHelpOnEveryCommandHasExamples(t *testing.T) {
	root := newRoot(deps{})
	for _, noun := range root.cmd.Commands() {
		if noun.Hidden || noun.Name() == "help" || noun.Name() == "db" {
			continue
		}
		leaves := noun.Commands()
		if len(leaves) == 0 {
			leaves = append(leaves, noun)
		}
		for _, c := range leaves {
			if c.Example == "" {
				t.Errorf("%s has no example in its --help", c.CommandPath())
			}
		}
	}
	p := newProgram(t)
	res := p.mustRun("contract", "sign", "--help")
	if !strings.Contains(res.stdout, "--yes") || !strings.Contains(res.stdout, "Examples:") {
		t.Errorf("contract sign --help:\n%s", res.stdout)
	}
}

func TestCompletion(t *testing.T) {
	for shell, want := range map[string]string{"bash": "complete -o", "zsh": "#compdef epicevents", "fish": "complete -c epicevents"} {
		t.Run(shell, func(t *testing.T) {
			res := newProgram(t).mustRun("completion", shell)
			if !strings.Contains(res.stdout, want) {
				t.Errorf("completion %s does not contain %q", shell, want)
			}
		})
	}
	t.Run("an unknown shell is a usage error", func(t *testing.T) {
		failsWith(t, newProgram(t).run("completion", "tcsh"), ExitUsage)
	})
}

// sessionFileExists reports whether the program's session file is there.
func (p *program) sessionFileExists() bool {
	_, err := os.Stat(p.env["EPIC_SESSION_FILE"])
	return err == nil
}
