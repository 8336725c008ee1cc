package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/auth"
	"github.com/epic-events/crm/internal/config"
	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/store"
	"github.com/epic-events/crm/internal/ui"
	"github.com/epic-events/crm/internal/ui/uitest"
	"github.com/epic-events/crm/seeds"
)

// launchTime is the clock of every run: seeding dates rows from it.
var launchTime = time.Date(2026, time.May, 4, 9, 30, 0, 0, time.UTC)

// program is the CRM run in-process with its own settings, input and terminal.
type program struct {
	t        *testing.T
	env      map[string]string
	stdin    string
	terminal bool
	steps    []uitest.Step // the menus' answers, when terminal (see onTerminal)
}

// newProgram points the program at a fresh SQLite file and nothing else:
// the developer's own environment and .env never leak into a test.
func newProgram(t *testing.T) *program {
	t.Helper()
	return &program{t: t, env: map[string]string{
		"DB_DRIVER": "sqlite",
		"DB_PATH":   filepath.Join(t.TempDir(), "epicevents.db"),
	}}
}

type result struct {
	code           int
	stdout, stderr string
}

func (p *program) run(args ...string) result {
	p.t.Helper()
	var stdout, stderr bytes.Buffer
	d := p.deps(&stdout, &stderr)
	var code int
	if p.steps == nil {
		code = run(context.Background(), args, d)
	} else {
		// run with the menus' terminal scripted: what run does, on a root of our own.
		r := newRoot(d)
		r.terminal = func() terminal {
			return terminal{prompter: uitest.New(p.t, p.steps...), display: ui.Display{Location: time.UTC}, restore: func() {}}
		}
		err := r.execute(context.Background(), args)
		if code = exitCode(err); err != nil {
			fmt.Fprintln(&stderr, "epicevents: "+oneLine(message(err)))
		}
	}
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// deps is what the program takes from the world in this test.
func (p *program) deps(stdout, stderr io.Writer) deps {
	return deps{
		stdin:      strings.NewReader(p.stdin),
		stdout:     stdout,
		stderr:     stderr,
		getenv:     func(name string) string { return p.env[name] },
		now:        func() time.Time { return launchTime },
		isTerminal: func(io.Reader) bool { return p.terminal },
		hashParams: auth.TestParams(),
	}
}

// mustRun runs the program and fails the test unless it exits 0.
func (p *program) mustRun(args ...string) result {
	p.t.Helper()
	res := p.run(args...)
	if res.code != ExitOK {
		p.t.Fatalf("epicevents %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), res.code, res.stdout, res.stderr)
	}
	return res
}

// db opens the program's database directly (SQLite or MySQL, as its settings
// say), to look at it or to mark it.
func (p *program) db() *store.DB {
	p.t.Helper()
	cfg, err := config.Load(func(name string) string { return p.env[name] })
	if err != nil {
		p.t.Fatalf("the test's settings: %v", err)
	}
	db, err := store.Open(context.Background(), storeConfig(cfg))
	if err != nil {
		p.t.Fatalf("open the test database: %v", err)
	}
	p.t.Cleanup(func() { _ = db.Close() })
	return db
}

func (p *program) counts() map[string]int64 {
	p.t.Helper()
	counts, err := p.db().Counts(context.Background())
	if err != nil {
		p.t.Fatalf("counts: %v", err)
	}
	out := map[string]int64{}
	for _, c := range counts {
		out[c.Table] = c.Rows
	}
	return out
}

// mark leaves a setting in the database that only a reset removes.
func (p *program) mark() {
	p.t.Helper()
	if _, err := p.db().PutSettingIfAbsent(context.Background(), "test.marker", "still here"); err != nil {
		p.t.Fatalf("mark the database: %v", err)
	}
}

func (p *program) marked() bool {
	p.t.Helper()
	_, err := p.db().GetSetting(context.Background(), "test.marker")
	switch domain.ErrorCode(err) {
	case "":
		return true
	case domain.CodeNotFound:
		return false
	default:
		p.t.Fatalf("read the marker: %v", err)
		return false
	}
}

// onTerminal makes the program's standard input a terminal whose menus
// answer from steps (the menus themselves are tested in package ui; here,
// that the launch opens them), and gives it a session file of its own.
func (p *program) onTerminal(steps ...uitest.Step) {
	p.t.Helper()
	p.terminal = true
	p.steps = steps
	if p.env["EPIC_SESSION_FILE"] == "" {
		p.env["EPIC_SESSION_FILE"] = filepath.Join(p.t.TempDir(), "session")
	}
}

// demoLogin is the steps of logging in as a demo collaborator.
func demoLogin(email string) []uitest.Step {
	return []uitest.Step{uitest.Input("Email", email), uitest.Password("Password", seeds.DemoPassword)}
}

// oneErrorLine checks that stderr is exactly one "epicevents: ..." line (plus the usage hint for usage errors).
func oneErrorLine(t *testing.T, stderr string) string {
	t.Helper()
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	if !strings.HasPrefix(lines[0], "epicevents: ") {
		t.Fatalf("stderr does not start with 'epicevents: ':\n%s", stderr)
	}
	if len(lines) > 2 || (len(lines) == 2 && !strings.Contains(lines[1], "--help")) {
		t.Fatalf("stderr has more than one error line:\n%s", stderr)
	}
	return lines[0]
}

func TestPlainLaunchWithoutATerminalRefusesAtOnce(t *testing.T) {
	p := newProgram(t)
	res := p.run()
	if res.code != ExitUsage {
		t.Fatalf("exit %d, want %d", res.code, ExitUsage)
	}
	line := oneErrorLine(t, res.stderr)
	for _, want := range []string{"the menus need a terminal", "epicevents --help"} {
		if !strings.Contains(line, want) {
			t.Errorf("message %q does not say %q", line, want)
		}
	}
	if _, err := os.Stat(p.env["DB_PATH"]); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the refused launch touched the database (%v)", err)
	}
}

func TestPlainLaunchSeedsAnEmptyDatabaseAndOpensTheMenus(t *testing.T) {
	p := newProgram(t)
	p.onTerminal(append(demoLogin("sales1@epicevents.test"),
		uitest.Select("Main menu", ui.MenuQuit).NotOffering(ui.MenuCollaborators))...)
	res := p.mustRun()
	for _, want := range []string{"demo data has been seeded", "Demo accounts (password \"epicevents-demo\")",
		"sales:", "sales1@epicevents.test", "Logged in as Léa Fontaine · sales"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("the launch does not say %q:\n%s", want, res.stdout)
		}
	}
	counts := p.counts()
	for _, table := range []string{"users", "customers", "contracts", "payments", "events", "role_permissions"} {
		if counts[table] == 0 {
			t.Errorf("%s is empty after the first launch", table)
		}
	}
	if _, err := os.Stat(p.env["EPIC_SESSION_FILE"]); err != nil {
		t.Errorf("the login was not saved for the next launch: %v", err)
	}
	if res.stderr != "" {
		t.Errorf("stderr: %s", res.stderr)
	}
}

func TestSecondLaunchResumesTheSessionAndDoesNotSeedAgain(t *testing.T) {
	p := newProgram(t)
	p.onTerminal(append(demoLogin("support1@epicevents.test"), uitest.Select("Main menu", ui.MenuQuit))...)
	p.mustRun()
	before := p.counts()
	p.mark()
	p.onTerminal(uitest.Select("Main menu · Julien Moreau (support)", ui.MenuQuit)) // no login asked
	res := p.mustRun()
	if strings.Contains(res.stdout, "has been seeded") {
		t.Errorf("the second launch says it seeded:\n%s", res.stdout)
	}
	after := p.counts()
	for table, n := range before {
		if table != "settings" && table != "audit_log" && table != "sessions" && after[table] != n {
			t.Errorf("%s: %d rows before the second launch, %d after", table, n, after[table])
		}
	}
	if !p.marked() {
		t.Error("the second launch erased the database")
	}
}

func TestLaunchEndsWithExit4AfterThreeFailedLogins(t *testing.T) {
	p := newProgram(t)
	var steps []uitest.Step
	for range ui.MaxLoginTries {
		steps = append(steps, uitest.Input("Email", "sales1@epicevents.test"), uitest.Password("Password", "not the password"))
	}
	p.onTerminal(steps...)
	res := p.run()
	if res.code != ExitUnauthenticated {
		t.Fatalf("exit %d, want %d; stderr: %s", res.code, ExitUnauthenticated, res.stderr)
	}
	if line := oneErrorLine(t, res.stderr); !strings.Contains(line, "failed logins") {
		t.Errorf("message %q", line)
	}
}

func TestDBSeed(t *testing.T) {
	t.Run("fills an empty database and lists the accounts", func(t *testing.T) {
		p := newProgram(t)
		res := p.mustRun("db", "seed")
		if !strings.Contains(res.stdout, "manager1@epicevents.test") || !strings.Contains(res.stdout, "epicevents-demo") {
			t.Errorf("db seed does not list the demo accounts and password:\n%s", res.stdout)
		}
		if p.counts()["users"] != 7 {
			t.Errorf("users after db seed: %d", p.counts()["users"])
		}
	})
	t.Run("refuses a database that is not empty with exit 6", func(t *testing.T) {
		p := newProgram(t)
		p.mustRun("db", "seed")
		before := p.counts()
		res := p.run("db", "seed")
		if res.code != ExitConflict {
			t.Fatalf("exit %d, want %d; stderr: %s", res.code, ExitConflict, res.stderr)
		}
		if line := oneErrorLine(t, res.stderr); !strings.Contains(line, "not empty") || !strings.Contains(line, "db reset") {
			t.Errorf("message %q should say the database is not empty and how to start over", line)
		}
		if after := p.counts(); after["users"] != before["users"] || after["customers"] != before["customers"] {
			t.Errorf("a refused seed changed the data: %v -> %v", before, after)
		}
	})
}

func TestDBReset(t *testing.T) {
	t.Run("without a terminal and without --yes it refuses with exit 2 and changes nothing", func(t *testing.T) {
		p := newProgram(t)
		p.mustRun("db", "seed")
		p.mark()
		res := p.run("db", "reset")
		if res.code != ExitUsage {
			t.Fatalf("exit %d, want %d", res.code, ExitUsage)
		}
		if line := oneErrorLine(t, res.stderr); !strings.Contains(line, "--yes") {
			t.Errorf("message %q should say how to confirm", line)
		}
		if !p.marked() {
			t.Error("the refused reset erased the database")
		}
	})
	t.Run("with --yes it erases and reseeds, then prints the accounts", func(t *testing.T) {
		p := newProgram(t)
		p.mustRun("db", "seed")
		p.mark()
		res := p.mustRun("db", "reset", "--yes")
		if p.marked() {
			t.Error("the reset kept a row")
		}
		if p.counts()["users"] != 7 {
			t.Errorf("users after reset: %d", p.counts()["users"])
		}
		for _, want := range []string{"support2@epicevents.test", "epicevents-demo"} {
			if !strings.Contains(res.stdout, want) {
				t.Errorf("the reset does not print %q:\n%s", want, res.stdout)
			}
		}
	})
	t.Run("on a terminal it asks, and goes on when the answer is yes", func(t *testing.T) {
		p := newProgram(t)
		p.mustRun("db", "seed")
		p.mark()
		p.terminal, p.stdin = true, "yes\n"
		res := p.mustRun("db", "reset")
		if !strings.Contains(res.stdout, "[y/N]") {
			t.Errorf("no question was asked:\n%s", res.stdout)
		}
		if p.marked() {
			t.Error("the confirmed reset kept a row")
		}
	})
	for name, answer := range map[string]string{"no": "no\n", "empty": "\n", "the end of the input": ""} {
		t.Run("on a terminal it changes nothing when the answer is "+name, func(t *testing.T) {
			p := newProgram(t)
			p.mustRun("db", "seed")
			p.mark()
			p.terminal, p.stdin = true, answer
			res := p.run("db", "reset")
			if res.code != ExitUsage {
				t.Errorf("exit %d, want %d", res.code, ExitUsage)
			}
			oneErrorLine(t, res.stderr)
			if !p.marked() {
				t.Error("a declined reset erased the database")
			}
		})
	}
	t.Run("--reset --yes on the launch resets then opens the menus", func(t *testing.T) {
		p := newProgram(t)
		p.mustRun("db", "seed")
		p.mark()
		p.onTerminal(uitest.Quit("Email"))
		res := p.mustRun("--reset", "--yes")
		if p.marked() {
			t.Error("--reset kept a row")
		}
		if p.counts()["users"] != 7 {
			t.Errorf("users after --reset: %d", p.counts()["users"])
		}
		if !strings.Contains(res.stdout, "support2@epicevents.test") || !strings.Contains(res.stdout, "Log in to Epic Events CRM.") {
			t.Errorf("--reset does not list the accounts then ask for a login:\n%s", res.stdout)
		}
	})
	t.Run("--reset --yes without a terminal refuses and changes nothing", func(t *testing.T) {
		p := newProgram(t)
		p.mustRun("db", "seed")
		p.mark()
		res := p.run("--reset", "--yes")
		if res.code != ExitUsage {
			t.Fatalf("exit %d, want %d", res.code, ExitUsage)
		}
		if !p.marked() {
			t.Error("the refused launch erased the database")
		}
	})
}

func TestProductionRefusesResetAndSeed(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"db reset --yes", []string{"db", "reset", "--yes"}},
		{"--reset --yes", []string{"--reset", "--yes"}},
		{"db seed", []string{"db", "seed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProgram(t)
			p.mustRun("db", "migrate")
			p.mark()
			p.env["APP_ENV"] = "production"
			res := p.run(tt.args...)
			if res.code != ExitForbidden {
				t.Fatalf("exit %d, want %d; stderr: %s", res.code, ExitForbidden, res.stderr)
			}
			if line := oneErrorLine(t, res.stderr); !strings.Contains(line, "APP_ENV=production") {
				t.Errorf("message %q should name APP_ENV=production", line)
			}
			if !p.marked() || p.counts()["users"] != 0 {
				t.Error("a refused command changed the database")
			}
		})
	}
	t.Run("the plain launch migrates and grants but seeds no demo data", func(t *testing.T) {
		p := newProgram(t)
		p.env["APP_ENV"] = "production"
		p.onTerminal(uitest.Quit("Email"))
		res := p.mustRun()
		counts := p.counts()
		if counts["users"] != 0 || counts["role_permissions"] == 0 {
			t.Errorf("production launch: %v", counts)
		}
		if strings.Contains(res.stdout, "epicevents-demo") {
			t.Errorf("production launch shows the demo password:\n%s", res.stdout)
		}
	})
}

func TestDBMigrateCreatesTheTablesAndTheGrantsOnly(t *testing.T) {
	p := newProgram(t)
	res := p.mustRun("db", "migrate")
	if !strings.Contains(res.stdout, "up to date") {
		t.Errorf("db migrate says:\n%s", res.stdout)
	}
	counts := p.counts()
	if counts["users"] != 0 || counts["roles"] != 3 || counts["role_permissions"] == 0 {
		t.Errorf("after db migrate: %v", counts)
	}
	p.mustRun("db", "migrate") // a second run has nothing to do, and does not fail
}

func TestBadSettingsStopTheProgramWithOneLine(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		names   string // the setting the message must name
		secret  string // must not be printed
		command []string
	}{
		{"an unknown driver", map[string]string{"DB_DRIVER": "postgres"}, "DB_DRIVER", "", nil},
		{"a malformed duration", map[string]string{"SESSION_IDLE": "soon"}, "SESSION_IDLE", "", []string{"db", "migrate"}},
		{"a short JWT secret", map[string]string{"JWT_SECRET": "too-short-secret"}, "JWT_SECRET", "too-short-secret", nil},
		{"an unreachable MySQL server", map[string]string{"DB_DRIVER": "mysql", "DB_HOST": "127.0.0.1", "DB_PORT": "1", "DB_USER": "epic", "DB_PASS": "pa55-w0rd-secret"}, "DB_PORT", "pa55-w0rd-secret", nil},
		{"an SQLite file that cannot be created", map[string]string{"DB_PATH": "/nonexistent-dir/sub/epic.db"}, "DB_PATH", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProgram(t)
			for k, v := range tt.env {
				p.env[k] = v
			}
			p.terminal = true // the launch goes as far as the database on a terminal only
			res := p.run(tt.command...)
			if res.code != ExitError {
				t.Errorf("exit %d, want %d", res.code, ExitError)
			}
			line := oneErrorLine(t, res.stderr)
			if !strings.Contains(line, tt.names) {
				t.Errorf("message %q does not name %s", line, tt.names)
			}
			if tt.secret != "" && strings.Contains(res.stderr+res.stdout, tt.secret) {
				t.Errorf("the output repeats a secret: %q", line)
			}
		})
	}
}

// Main reads the real environment: this is the one test that goes through it.
func TestMainReadsTheEnvironment(t *testing.T) {
	t.Setenv("DB_DRIVER", "oracle")
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), nil, strings.NewReader(""), &stdout, &stderr)
	if code != ExitError {
		t.Errorf("exit %d, want %d", code, ExitError)
	}
	if line := oneErrorLine(t, stderr.String()); !strings.Contains(line, "DB_DRIVER") {
		t.Errorf("message %q does not name DB_DRIVER", line)
	}
}

func TestCommandLine(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		out  string // on stdout
	}{
		{"--version prints the version", []string{"--version"}, ExitOK, "epicevents dev"},
		{"--help lists the db command", []string{"--help"}, ExitOK, "db"},
		{"db --help lists its commands", []string{"db", "--help"}, ExitOK, "migrate"},
		{"an unknown command is a usage error", []string{"frobnicate"}, ExitUsage, ""},
		{"an unknown flag is a usage error", []string{"--frobnicate"}, ExitUsage, ""},
		{"db without a command is a usage error", []string{"db"}, ExitUsage, ""},
		{"--yes without --reset is a usage error", []string{"--yes"}, ExitUsage, ""},
		{"an extra argument is a usage error", []string{"db", "migrate", "now"}, ExitUsage, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := newProgram(t).run(tt.args...)
			if res.code != tt.code {
				t.Errorf("exit %d, want %d; stderr: %s", res.code, tt.code, res.stderr)
			}
			if !strings.Contains(res.stdout, tt.out) {
				t.Errorf("stdout does not contain %q:\n%s", tt.out, res.stdout)
			}
			if tt.code != ExitOK {
				oneErrorLine(t, res.stderr)
			}
		})
	}
}

func TestAPanicIsAnApologyAndExit1(t *testing.T) {
	var stderr bytes.Buffer
	code := run(context.Background(), nil, deps{
		stdin: strings.NewReader(""), stdout: io.Discard, stderr: &stderr,
		getenv:     func(string) string { panic("boom: secret-in-panic") },
		now:        time.Now,
		isTerminal: func(io.Reader) bool { return false },
		hashParams: auth.TestParams(),
	})
	if code != ExitError {
		t.Errorf("exit %d, want %d", code, ExitError)
	}
	line := oneErrorLine(t, stderr.String())
	if !strings.Contains(line, "sorry") || strings.Contains(line, "secret-in-panic") {
		t.Errorf("panic message %q should apologise and hide the panic value", line)
	}
}

// panicky is a terminal whose first question panics, as a bug in a menu would.
type panicky struct{ ui.Prompter }

func (panicky) Input(string, string, func(string) error) (string, error) { panic("a bug in a menu") }

func TestAPanicInTheMenusRestoresTheTerminalFirst(t *testing.T) {
	p := newProgram(t)
	p.onTerminal()
	r := newRoot(p.deps(io.Discard, io.Discard))
	restored := 0
	r.terminal = func() terminal {
		return terminal{prompter: panicky{}, restore: func() { restored++ }}
	}
	defer func() {
		// run's recovery, tested above, turns it into the apology and exit 1.
		if rec := recover(); rec == nil {
			t.Error("the panic was swallowed")
		}
		if restored == 0 {
			t.Error("the terminal was not restored")
		}
	}()
	_ = r.execute(context.Background(), nil)
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{nil, ExitOK},
		{domain.Errorf(domain.CodeInvalid, "x"), ExitUsage},
		{domain.Errorf(domain.CodeNotFound, "x"), ExitNotFound},
		{domain.Errorf(domain.CodeUnauthenticated, "x"), ExitUnauthenticated},
		{domain.Errorf(domain.CodeForbidden, "x"), ExitForbidden},
		{domain.Errorf(domain.CodeConflict, "x"), ExitConflict},
		{domain.Errorf(domain.CodeUnavailable, "x"), ExitError},
		{os.ErrClosed, ExitError},
		{context.Canceled, ExitError},
		{&settingsError{domain.Errorf(domain.CodeInvalid, "x")}, ExitError},
		{&usageError{err: os.ErrInvalid}, ExitUsage},
	}
	for _, tt := range tests {
		if got := exitCode(tt.err); got != tt.want {
			t.Errorf("exitCode(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
	if msg := message(os.ErrClosed); msg != apology {
		t.Errorf("an error without a code prints %q, want the apology", msg)
	}
}
