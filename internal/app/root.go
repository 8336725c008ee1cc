package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
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
