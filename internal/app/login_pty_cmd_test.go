package app

import (
	"strings"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/ptytest"
	"github.com/epic-events/crm/seeds"
)

// ptyWait bounds every wait for the screen; it never measures speed.
const ptyWait = 20 * time.Second

// The real binary in a real pseudo-terminal: the prompts, the password
// without echo, and Ctrl+C at the password prompt.
func TestLoginInAPseudoTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program and runs it in a pseudo-terminal")
	}
	bin, err := ptytest.Build(t.TempDir(), "github.com/epic-events/crm/cmd/epicevents")
	must(t, err)
	start := func(t *testing.T) (*program, *ptytest.Term) {
		p := newCRM(t)
		env := []string{"NO_COLOR=1"}
		for _, k := range []string{"DB_DRIVER", "DB_PATH", "EPIC_SESSION_FILE", "TZ"} {
			env = append(env, k+"="+p.env[k])
		}
		return p, ptytest.Start(t, bin, ptytest.Options{Args: []string{"login"}, Env: env})
	}

	t.Run("asks for the email, then the password without echo", func(t *testing.T) {
		p, term := start(t)
		term.WaitFor(t, "Email:", ptyWait)
		term.Type(sales1 + ptytest.Enter)
		term.WaitFor(t, "Password:", ptyWait)
		term.Type(seeds.DemoPassword + ptytest.Enter)
		term.WaitFor(t, "Logged in as Léa Fontaine (sales) until", ptyWait)
		if code := term.Wait(t, ptyWait); code != ExitOK {
			t.Errorf("exit %d", code)
		}
		if strings.Contains(term.Output(), seeds.DemoPassword) {
			t.Errorf("the password was echoed:\n%s", term.Screen())
		}
		if !p.sessionFileExists() {
			t.Error("no session file after logging in on a terminal")
		}
	})
	t.Run("Ctrl+C at the password prompt stops without logging in", func(t *testing.T) {
		p, term := start(t)
		term.WaitFor(t, "Email:", ptyWait)
		term.Type(sales1 + ptytest.Enter)
		term.WaitFor(t, "Password:", ptyWait)
		term.Press(ptytest.CtrlC)
		term.WaitFor(t, "interrupted", ptyWait)
		if code := term.Wait(t, ptyWait); code != ExitError {
			t.Errorf("exit %d, want %d", code, ExitError)
		}
		if p.sessionFileExists() {
			t.Error("an interrupted login left a session file")
		}
	})
}
