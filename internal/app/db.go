package app

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/epic-events/crm/internal/domain"
)

func (r *root) dbCommand() *cobra.Command {
	db := &cobra.Command{
		Use:   "db",
		Short: "Migrate, reset or seed the database",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return &usageError{err: fmt.Errorf("db needs a command: migrate, reset, seed or first-manager"), showHelp: true}
		},
	}
	db.AddCommand(&cobra.Command{
		Use:   "migrate",
		Short: "Apply the pending migrations and update the permission matrix",
		Long: `Apply the pending migrations and update the permission matrix.
It also builds again the indexes a 'db seed --scale' killed mid-load left dropped.`,
		Args: cobra.NoArgs,
		RunE: r.action(r.migrate),
	})

	var opts resetOptions
	reset := &cobra.Command{
		Use:   "reset",
		Short: "Erase every table, migrate from empty and seed the demo data",
		Long: `Erase every table, migrate from empty and seed the demo data.

It asks for confirmation on a terminal; --yes skips the question, and is
required when the input is not a terminal. Refused when APP_ENV=production.`,
		Args: cobra.NoArgs,
		RunE: r.action(func(ctx context.Context) error { return r.reset(ctx, opts) }),
	}
	reset.Flags().BoolVarP(&opts.yes, "yes", "y", false, "do not ask for confirmation")
	db.AddCommand(reset)

	var scale int
	seed := &cobra.Command{
		Use:   "seed",
		Short: "Seed the demo data into an empty database (or, with --scale N, a generated company)",
		Long: `Seed the demo data into an empty database (one without collaborators).
Refused when the database is not empty, and when APP_ENV=production.

With --scale N, add a generated company instead, to any database: N customers,
about 5N contracts and 10N events, N/500 sales and support collaborators (at
least 2 each) and 3 managers, the same rows for the same N on the same day.
It shows its progress; Ctrl+C stops it and keeps the batches already written.
Into a database holding at most N customers, it drops the secondary indexes of
the tables it fills and builds them at the end: on MariaDB only when the account
may ALTER, otherwise (and on MySQL) it keeps them, and is slower. If it is
killed before the end, 'epicevents db migrate' builds them again.`,
		Args: cobra.NoArgs,
		RunE: r.action(func(ctx context.Context) error {
			if scale < 0 {
				return &usageError{err: fmt.Errorf("--scale takes a number of customers above 0"), showHelp: true}
			}
			if scale > 0 {
				return r.seedScale(ctx, scale)
			}
			return r.seed(ctx)
		}),
	}
	seed.Flags().IntVar(&scale, "scale", 0, "add a generated company of `N` customers instead of the demo data")
	db.AddCommand(seed)
	db.AddCommand(r.firstManagerCommand())
	return db
}

func (r *root) migrate(ctx context.Context) error {
	cfg, err := r.settings()
	if err != nil {
		return err
	}
	db, err := r.open(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := prepare(ctx, db); err != nil {
		return err
	}
	// A bulk load (db seed --scale) killed before it built its indexes again
	// left lists slow, and on MariaDB failing: their error sends the user
	// here. The launch does not look: that would cost every start a query.
	rebuilt, err := db.RestoreIndexes(ctx)
	if err != nil {
		return err
	}
	if rebuilt {
		r.printf("Rebuilt the indexes a bulk load (db seed --scale) had dropped and was stopped before building again.\n")
	}
	r.printf("Migrated: %s is up to date.\n", db.Describe())
	return nil
}

func (r *root) seed(ctx context.Context) error {
	cfg, err := r.settings()
	if err != nil {
		return err
	}
	if err := refuseInProduction(cfg, "seeding the demo data"); err != nil {
		return err
	}
	db, err := r.open(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := prepare(ctx, db); err != nil {
		return err
	}
	if err := r.seedDemo(ctx, db); err != nil {
		if isNotEmpty(err) {
			return domain.Errorf(domain.CodeConflict,
				"the database is not empty (%s already has collaborators): the demo data goes only into an empty database; run 'epicevents db reset' to start over", db.Describe())
		}
		return err
	}
	r.printf("Seeded the demo data into %s.\n", db.Describe())
	return r.demoAccounts()
}

type resetOptions struct {
	yes bool
}

// reset erases and reseeds the database, after confirmation, and lists the
// demo accounts (the --reset launch then opens the menus).
func (r *root) reset(ctx context.Context, opts resetOptions) error {
	cfg, err := r.settings()
	if err != nil {
		return err
	}
	if err := refuseInProduction(cfg, "resetting the database"); err != nil {
		return err
	}
	if !opts.yes && !r.isTerminal(r.stdin) {
		return &usageError{err: fmt.Errorf("a reset erases every record and needs confirmation: run it on a terminal, or pass --yes")}
	}
	db, err := r.open(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if !opts.yes {
		ok, err := r.confirm(fmt.Sprintf("Erase every record in %s and seed the demo data?", db.Describe()))
		if err != nil {
			return err
		}
		if !ok {
			return &usageError{err: fmt.Errorf("reset cancelled; nothing was changed")}
		}
	}
	if err := db.Reset(ctx); err != nil {
		return err
	}
	if err := prepare(ctx, db); err != nil {
		return err
	}
	if err := r.seedDemo(ctx, db); err != nil {
		return err
	}
	r.printf("Reset %s: every table was erased, migrated from empty, and the demo data seeded.\n", db.Describe())
	return r.demoAccounts()
}

// confirm asks a yes/no question on the terminal; anything but yes is no.
func (r *root) confirm(question string) (bool, error) {
	r.printf("%s [y/N] ", question)
	line, err := bufio.NewReader(r.stdin).ReadString('\n')
	if err != nil && line == "" {
		r.printf("\n")
		return false, nil
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true, nil
	default:
		return false, nil
	}
}
