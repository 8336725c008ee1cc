package app

import (
	"context"
	"fmt"
)

// launch is the plain `epicevents`: migrate, seed an empty database with the
// demo data (never in production), and print the summary. The menus take
// over here in a later issue.
func (r *root) launch(ctx context.Context) error {
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
	note := ""
	if !cfg.Production() {
		empty, err := db.Empty(ctx)
		if err != nil {
			return err
		}
		if empty {
			switch err := r.seedDemo(ctx, db); {
			case err == nil:
				note = "The database was empty: the demo data has been seeded."
			case isNotEmpty(err):
				// Another launch seeded it between our look and our write: nothing to do.
			default:
				return err
			}
		}
	}
	return r.summary(ctx, db, cfg, note)
}

// noMenusYet is said at the end of the summary until the menus land.
const noMenusYet = "The menus are not there yet: for now the program prepares the database and shows this summary."

func (r *root) printf(format string, args ...any) { fmt.Fprintf(r.stdout, format, args...) }
