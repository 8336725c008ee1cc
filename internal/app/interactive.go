package app

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/ui"
)

// terminal is where the menus run: a prompter, what is known of the screen,
// and how to leave the terminal as it was found.
type terminal struct {
	prompter ui.Prompter
	display  ui.Display
	restore  func()
}

// openTerminal is the real terminal, on the program's standard streams.
// Tests replace root.terminal with a scripted prompter.
func (r *root) openTerminal() terminal {
	out, _ := r.stdout.(*os.File)
	d := ui.DetectDisplay(out, r.getenv("NO_COLOR") == "", r.localZone())
	var in io.ReadCloser // nil: the process's own terminal, put in raw mode per prompt
	if f, ok := r.stdin.(*os.File); !ok || f != os.Stdin {
		in = io.NopCloser(r.stdin)
	}
	var w io.WriteCloser = nopWriteCloser{r.stdout}
	if out != nil {
		w = out
	}
	p := ui.NewTerminalPrompter(in, w, ui.WithDisplay(d))
	return terminal{prompter: p, display: d, restore: p.Restore}
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

// errNoTerminal refuses the menus without a terminal: they would wait on a
// pipe, or spin at its end.
var errNoTerminal = &usageError{err: fmt.Errorf("the menus need a terminal, and standard input is not one; for scripts, use the commands that 'epicevents --help' lists")}

// menus runs the interactive menus over w until the user quits. notice is
// shown above the login prompt.
func (r *root) menus(ctx context.Context, w *world, notice string) (err error) {
	if w.cfg.SessionFile == "" {
		return &settingsError{domain.Invalid("EPIC_SESSION_FILE", "must be set: there is no user config directory to keep the session in")}
	}
	term := r.terminal()
	defer term.restore()
	defer func() {
		// The terminal first, so the apology is readable; then Sentry; then
		// run's recovery prints the apology and exits 1.
		if rec := recover(); rec != nil {
			term.restore()
			w.reporter.Panic(rec, nil)
			panic(rec)
		}
	}()
	return ui.Run(ctx, ui.Config{
		Services: ui.Services{
			Auth: w.auth, Users: w.users, Customers: w.customers, Contracts: w.contracts,
			Events: w.events, Audit: w.audit, Permissions: w.perms,
		},
		Tokens:   w.session,
		Prompter: term.prompter,
		Out:      r.stdout,
		Display:  term.display,
		Now:      r.now,
		Idle:     w.cfg.SessionIdle,
		Notice:   notice,
	})
}
