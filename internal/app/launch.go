package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/seeds"
)

// launch is the plain `epicevents`, and `epicevents --reset`: on a terminal,
// (reset first, then) migrate, seed an empty database with the demo data
// (never in production), and open the menus. Without a terminal it refuses
// at once, before touching the database.
func (r *root) launch(ctx context.Context, reset bool, opts resetOptions) error {
	cfg, err := r.settings()
	if err != nil {
		return err
	}
	if reset {
		if err := refuseInProduction(cfg, "resetting the database"); err != nil {
			return err
		}
	}
	if !r.isTerminal(r.stdin) {
		return errNoTerminal
	}
	if reset {
		if err := r.reset(ctx, opts); err != nil {
			return err
		}
	}
	w, err := r.openWorld(ctx)
	if err != nil {
		return err
	}
	defer w.Close()
	if !cfg.Production() {
		empty, err := w.db.Empty(ctx)
		if err != nil {
			return err
		}
		if empty {
			switch err := r.seedDemo(ctx, w.db); {
			case err == nil:
				r.printf("The database was empty: the demo data has been seeded.\n")
			case isNotEmpty(err):
				// Another launch seeded it between our look and our write: nothing to do.
			default:
				return err
			}
		}
	}
	notice := ""
	if !reset && !cfg.Production() { // a reset has just listed the accounts
		if notice, err = demoNotice(ctx, w); err != nil {
			return err
		}
	}
	return r.menus(ctx, w, notice)
}

// demoNotice tells how to log in where the demo accounts exist: one line per
// role (the full list is in the README and after a reset).
func demoNotice(ctx context.Context, w *world) (string, error) {
	demo, err := hasDemoAccounts(ctx, w.db)
	if err != nil || !demo {
		return "", err
	}
	accounts, err := seeds.Accounts()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Demo accounts (password %q):", seeds.DemoPassword)
	for _, role := range domain.Roles {
		var emails []string
		for _, a := range accounts {
			if a.Role == role {
				emails = append(emails, a.Email)
			}
		}
		if len(emails) > 2 { // one line each on an 80-column terminal
			emails = append(emails[:2], "…")
		}
		fmt.Fprintf(&b, "\n  %-11s %s", role+":", strings.Join(emails, ", "))
	}
	return b.String(), nil
}

func (r *root) printf(format string, args ...any) { fmt.Fprintf(r.stdout, format, args...) }
