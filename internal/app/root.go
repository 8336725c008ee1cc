package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/epic-events/crm/internal/config"
	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/report"
)

// root is one run of the command tree.
type root struct {
	deps
	cmd *cobra.Command
	// started is set when a command's own code begins: an error before that is
	// cobra refusing the command line, which is a usage error.
	started bool
	// terminal opens the terminal the menus run on; tests script it.
	terminal func() terminal
	// actor is the collaborator a command acts for, once verified (see
	// actingAs): a panic's report names them.
	actor *domain.Collaborator
}

func newRoot(d deps) *root {
	r := &root{deps: d}
	r.terminal = r.openTerminal
	var opts resetOptions
	var reset bool
	r.cmd = &cobra.Command{
		Use:   "epicevents",
		Short: "Epic Events CRM: customers, contracts and events for sales, support and management",
		Long: `Epic Events CRM: customers, contracts and events for sales, support and management.

Run without a command on a terminal, it opens the database named by the settings
(DB_DRIVER, DB_PATH...), migrates it, seeds the demo data into an empty database,
and opens the menus: log in (or resume the saved session), then choose. --reset
erases everything first. Scripts use the commands below instead.`,
		Version:       version,
		Args:          cobra.NoArgs,
		SilenceErrors: true,
		SilenceUsage:  true,
		RunE: r.action(func(ctx context.Context) error {
			if opts.yes && !reset {
				return &usageError{err: fmt.Errorf("--yes goes with --reset"), showHelp: true}
			}
			return r.launch(ctx, reset, opts)
		}),
	}
	r.cmd.SetVersionTemplate("epicevents {{.Version}}\n")
	r.cmd.Flags().BoolVar(&reset, "reset", false, "erase the database and seed the demo data first (refused when APP_ENV=production)")
	r.cmd.Flags().BoolVarP(&opts.yes, "yes", "y", false, "with --reset: do not ask for confirmation")
	r.cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err: err, showHelp: true} })
	r.cmd.CompletionOptions.HiddenDefaultCmd = true
	r.cmd.AddCommand(r.dbCommand())
	r.cmd.AddCommand(r.loginCommand(), r.logoutCommand(), r.whoamiCommand(), r.customerCommand(), r.contractCommand(),
		r.eventCommand(), r.userCommand(), r.auditCommand(), r.completionCommand())
	return r
}

// action wraps a command's code, marking that the command line was accepted.
func (r *root) action(fn func(ctx context.Context) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, _ []string) error {
		r.started = true
		return fn(cmd.Context())
	}
}

// run is one command line, start to end, and returns the exit code. It never
// panics and never exits: a panic anywhere in a command is recovered here,
// once, reported (reportPanic), and becomes the apology with the report's
// reference and exit 1.
func (r *root) run(ctx context.Context, args []string) (code int) {
	defer func() {
		if rec := recover(); rec != nil {
			// The value may hold anything, a secret included: the user sees the apology only.
			fmt.Fprintln(r.stderr, "epicevents: "+apologyFor(r.reportPanic(rec)))
			code = ExitError
		}
	}()
	err := r.execute(ctx, args)
	if err == nil {
		return ExitOK
	}
	fmt.Fprintln(r.stderr, "epicevents: "+oneLine(message(err)))
	if usage, ok := err.(*usageError); ok && usage.showHelp {
		fmt.Fprintln(r.stderr, "Run 'epicevents --help' for usage.")
	}
	return exitCode(err)
}

// actingAs records whom the command acts for, once the session is verified,
// for the report of a panic that may follow.
func (r *root) actingAs(c domain.Collaborator) { r.actor = &c }

// flushWait bounds the wait for the reports still queued at exit: main's
// os.Exit would skip any deferred flush.
const flushWait = 2 * time.Second

// reportPanic sends a recovered panic to Sentry with the stack of the
// goroutine that panicked (it runs in run's deferred recovery, above the
// panicking frames) and the actor's id and role when known, scrubbed like
// every report, waits until it has left, and returns its reference ("" when
// nothing was sent). A panic the menus reported already (with the terminal
// restored first) is not sent again. The reporter is made from the settings
// here: the command's own, if it had one, went with its world.
func (r *root) reportPanic(rec any) (ref string) {
	if p, ok := rec.(*reportedPanic); ok {
		return p.ref
	}
	defer func() {
		// Reporting must not panic in its turn: the apology goes out without a reference.
		if recover() != nil {
			ref = ""
		}
	}()
	cfg, err := r.settings()
	if err != nil {
		return ""
	}
	rep, err := newReporter(cfg)
	if err != nil {
		return ""
	}
	ref = rep.Panic(rec, r.actor)
	rep.Flush(flushWait)
	return ref
}

// newReporter is the Sentry reporter the settings describe (off without SENTRY_DSN).
func newReporter(cfg config.Config) (*report.Reporter, error) {
	return report.New(report.Options{DSN: cfg.SentryDSN, Environment: cfg.SentryEnvironment, Release: "epicevents@" + version})
}

func (r *root) execute(ctx context.Context, args []string) error {
	r.cmd.SetArgs(args)
	r.cmd.SetIn(r.stdin)
	r.cmd.SetOut(r.stdout)
	r.cmd.SetErr(r.stderr)
	err := r.cmd.ExecuteContext(ctx)
	var usage *usageError
	if err != nil && !r.started && !errors.As(err, &usage) {
		return &usageError{err: err, showHelp: true}
	}
	return err
}
