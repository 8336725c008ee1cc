package app

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/store/storetest"
	"github.com/epic-events/crm/seeds"
)

// sentrySink is a Sentry server on 127.0.0.1 that keeps every envelope sent to it.
type sentrySink struct {
	mu     sync.Mutex
	bodies []string
}

func (s *sentrySink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		if z, err := gzip.NewReader(r.Body); err == nil {
			body = z
		}
	}
	b, _ := io.ReadAll(body)
	s.mu.Lock()
	s.bodies = append(s.bodies, string(b))
	s.mu.Unlock()
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(`{}`))
}

func (s *sentrySink) all() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.bodies, "\n")
}

// The secrets canary: the CRM runs a broad slice of its commands with a known
// collaborator password, session signing key and database password, fails
// logins with passwords that contain the real one, resets a password, and hits
// an unexpected database error; then none of the secrets, nor any password
// hash or session token, may appear on stdout, stderr, in the audit log, or in
// any event Sentry received.
func TestSecretsNeverLeak(t *testing.T) {
	p := newProgram(t)
	var admin *sql.DB
	if os.Getenv(storetest.EnvMySQLDSN) != "" {
		p = onMySQL(t) // the database password is then a real one, sent to a real server
		mc, err := mysql.ParseDSN(os.Getenv(storetest.EnvMySQLDSN))
		must(t, err)
		mc.DBName = p.env["DB_NAME"]
		admin = sqlConn(t, mc.FormatDSN())
	} else {
		p.env["DB_PASS"] = "Canary-DB-Pass-6c1f9e0a"
	}
	withSession(t, p)
	sink := &sentrySink{}
	server := httptest.NewServer(sink)
	defer server.Close()
	p.env["SENTRY_DSN"] = "http://0123456789abcdef@" + strings.TrimPrefix(server.URL, "http://") + "/42"
	const (
		jwtSecret       = "Canary-JWT-Signing-Key-3b9d47e2a15c86f0"
		initialPassword = "Canary-Initial-Pass-5d0e8b3a"
		password        = "Canary-User-Pass-9f2c4e1d"
		resetPassword   = "Canary-Reset-Pass-77ab01ce"
	)
	p.env["JWT_SECRET"] = jwtSecret
	// The demo password is no secret: a reset prints it, on purpose.
	secrets := map[string]string{
		"the database password":      p.env["DB_PASS"],
		"the signing key":            jwtSecret,
		"a collaborator's password":  password,
		"the password a manager set": initialPassword,
		"a reset password":           resetPassword,
	}

	var printed bytes.Buffer
	run := func(stdin string, args ...string) result {
		t.Helper()
		p.stdin = stdin
		defer func() { p.stdin = "" }()
		res := p.run(args...)
		printed.WriteString(res.stdout + "\n" + res.stderr + "\n")
		return res
	}
	ok := func(stdin string, args ...string) {
		t.Helper()
		if res := run(stdin, args...); res.code != ExitOK {
			t.Fatalf("epicevents %s: exit %d\n%s%s", strings.Join(args, " "), res.code, res.stdout, res.stderr)
		}
	}
	var tokens []string
	login := func(email, pw string) {
		t.Helper()
		_ = os.Remove(p.env["EPIC_SESSION_FILE"])
		ok(pw, "login", "--email", email, "--password-stdin")
		b, err := os.ReadFile(p.env["EPIC_SESSION_FILE"])
		must(t, err)
		tokens = append(tokens, strings.TrimSpace(string(b)))
	}

	ok("", "db", "reset", "--yes")
	login(manager1, seeds.DemoPassword)
	ok(initialPassword, "user", "create", "--email", "canary@epicevents.test", "--name", "Canary Bird", "--role", "sales", "--password-stdin", "--json")
	ok("", "user", "list", "--all", "--json")
	ok("", "user", "show", "canary@epicevents.test", "--json")

	login("canary@epicevents.test", initialPassword)
	ok(initialPassword+"\n"+password, "user", "password", "--password-stdin") // theirs, before anything else
	ok("", "whoami", "--json")
	ok("", "customer", "create", "--name", "Canary Customer", "--email", "canary.customer@example.com", "--phone", "+33 6 00 00 00 42", "--json")
	ok("", "customer", "list", "--mine", "--csv")
	ok("", "contract", "list", "--json")
	ok("", "event", "list", "--json")
	ok("", "logout")

	// Wrong passwords that contain the real one, until the account locks.
	for _, wrong := range []string{password + "!", " " + password + "x", password[:len(password)-1], strings.ToLower(password), password + password} {
		if res := run(wrong, "login", "--email", "canary@epicevents.test", "--password-stdin"); res.code == ExitOK {
			t.Fatalf("a wrong password logged in: %q", wrong)
		}
	}
	login(manager1, seeds.DemoPassword)
	ok(resetPassword, "user", "reset-password", "canary@epicevents.test", "--password-stdin")
	ok("", "audit", "list", "--json", "--limit", "500")
	auditOut := run("", "audit", "list", "--json", "--limit", "500").stdout

	if admin != nil {
		// An unexpected failure: reported to Sentry with its stack, an apology to the user.
		if _, err := admin.Exec("DROP TABLE audit_log"); err != nil {
			t.Fatal(err)
		}
		if res := run("", "user", "update", "canary@epicevents.test", "--name", "Canary Renamed"); res.code == ExitOK {
			t.Fatal("a change succeeded without its audit log")
		}
	}
	// A wrong database password is refused without being shown.
	saved := p.env["DB_PASS"]
	p.env["DB_PASS"] = "Canary-Wrong-DB-Pass-0d3e"
	secrets["a wrong database password"] = p.env["DB_PASS"]
	run("", "whoami")
	p.env["DB_PASS"] = saved

	// Every password hash the database holds is a secret too.
	var hashes []string
	if admin != nil {
		rows, err := admin.Query("SELECT password_hash FROM users")
		must(t, err)
		for rows.Next() {
			var h string
			must(t, rows.Scan(&h))
			hashes = append(hashes, h)
		}
		_ = rows.Close()
	} else {
		users, err := p.db().ListUsers(context.Background(), domain.UserFilter{IncludeInactive: true, Page: domain.Page{Limit: domain.MaxPageSize}})
		must(t, err)
		for _, u := range users.Items {
			hashes = append(hashes, u.PasswordHash)
		}
	}
	for i, h := range hashes {
		secrets["password hash #"+itoa(int64(i))] = h
	}
	for i, tok := range tokens {
		secrets["session token #"+itoa(int64(i))] = tok
	}

	sent := sink.all()
	if !strings.Contains(sent, "login.locked") && !strings.Contains(sent, "login.failed") {
		t.Fatalf("Sentry received no login failure: the canary would see nothing\n%.2000s", sent)
	}
	if admin != nil && !strings.Contains(sent, `"exception"`) {
		t.Fatalf("Sentry received no error event for the unexpected failure\n%.2000s", sent)
	}
	where := map[string]string{"stdout and stderr": printed.String(), "the audit log": auditOut, "Sentry": sent}
	leaks := 0
	for what, secret := range secrets {
		if secret == "" {
			t.Fatalf("%s is empty: nothing to look for", what)
		}
		for place, text := range where {
			if strings.Contains(text, secret) {
				leaks++
				t.Errorf("%s appears in %s", what, place)
			}
		}
	}
	t.Logf("secrets canary: %d secrets looked for in %d bytes printed, %d bytes of audit log and %d Sentry envelopes; %d leaked",
		len(secrets), printed.Len(), len(auditOut), len(sink.bodies), leaks)
}
