package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/store"
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
	notice := ""
	if !cfg.Production() {
		// The demo account first: where it exists the database is not empty,
		// and the launch of a demo database asks nothing more before the prompt.
		demo, err := hasDemoAccounts(ctx, w.db)
		if err == nil && !demo {
			demo, err = r.seedIfEmpty(ctx, w.db)
		}
		if err != nil {
			return err
		}
		if demo && !reset { // a reset has just listed the accounts
			if notice, err = demoNotice(); err != nil {
				return err
			}
		}
	}
	return r.menus(ctx, w, notice)
}

// seedIfEmpty seeds the demo data into an empty database, and reports whether
// the demo accounts are there now.
func (r *root) seedIfEmpty(ctx context.Context, db *store.DB) (bool, error) {
	empty, err := db.Empty(ctx)
	if err != nil || !empty {
		return false, err
	}
	switch err := r.seedDemo(ctx, db); {
	case err == nil:
		r.printf("The database was empty: the demo data has been seeded.\n")
		return true, nil
	case isNotEmpty(err):
		// Another launch seeded it between our look and our write.
		return hasDemoAccounts(ctx, db)
	default:
		return false, err
	}
}

// demoNotice tells how to log in with the demo accounts: one line per role
// (the full list is in the README and after a reset).
func demoNotice() (string, error) {
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
