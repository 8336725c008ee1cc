package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"

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
	if err := w.needSessionFile(); err != nil {
		return err
	}
	term := r.terminal()
	defer term.restore()
	defer func() {
		// The terminal first, so the apology is readable; then Sentry, with
		// the collaborator logged in (Config.Acting keeps r.actor, as
		// asActor does for a command); then run's recovery prints the
		// apology, with the event's reference, and exits 1.
		if rec := recover(); rec != nil {
			term.restore()
			panic(&reportedPanic{value: rec, ref: w.reporter.Panic(rec, r.actor)})
		}
	}()
	var onInterrupt func(func()) func()
	if in, ok := ctx.Value(interruptsKey{}).(*interrupts); ok {
		onInterrupt = in.divert
	}
	return ui.Run(ctx, ui.Config{
		Services: ui.Services{
			Auth: w.auth, Users: w.users, Customers: w.customers, Contracts: w.contracts,
			Events: w.events, Audit: w.audit, Permissions: w.perms,
		},
		Tokens:      w.session,
		Prompter:    term.prompter,
		Out:         r.stdout,
		Display:     term.display,
		Now:         r.now,
		Idle:        w.cfg.SessionIdle,
		Notice:      notice,
		OnInterrupt: onInterrupt,
		Acting:      r.actingIn,
	})
}

// actingIn is actingAs for the menus, where whoever logs out leaves nobody.
func (r *root) actingIn(c *domain.Collaborator) {
	if c == nil {
		r.actor = nil
		return
	}
	r.actingAs(*c)
}

// SignalContext returns a context that SIGTERM cancels, and so does SIGINT
// (Ctrl+C pressed while no prompt reads the keys), for main to give Main:
// a command then stops, saying that nothing more was done. While the menus
// run, SIGINT cancels only the action under way instead: the session goes
// on. stop stops listening for the signals.
func SignalContext(parent context.Context) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancel(parent)
	in := &interrupts{}
	ctx = context.WithValue(ctx, interruptsKey{}, in)
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case sig := <-signals:
				if sig == os.Interrupt && in.deliver() {
					continue
				}
				cancel()
			case <-done:
				return
			}
		}
	}()
	var once sync.Once
	return ctx, func() {
		once.Do(func() {
			signal.Stop(signals)
			close(done)
			cancel()
		})
	}
}

// interrupts is where SignalContext sends SIGINT when something has taken
// it over: the menus. It travels in the context because that is where
// cancellation does, from main through the command tree to the menus.
type interrupts struct {
	mu      sync.Mutex
	handler func()
}

type interruptsKey struct{}

// divert sends SIGINT to handler until the returned function is called.
func (in *interrupts) divert(handler func()) (release func()) {
	in.mu.Lock()
	in.handler = handler
	in.mu.Unlock()
	return func() {
		in.mu.Lock()
		in.handler = nil
		in.mu.Unlock()
	}
}

// deliver gives a SIGINT to the handler, if there is one, and reports
// whether there was.
func (in *interrupts) deliver() bool {
	in.mu.Lock()
	h := in.handler
	in.mu.Unlock()
	if h == nil {
		return false
	}
	h()
	return true
}
