package app

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/epic-events/crm/internal/config"
	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/store"
	"github.com/epic-events/crm/seeds"
)

// summary prints where the data is, how many rows each table holds, and how
// to log in when the demo accounts are there.
// note, when not empty, says what this run did to the database.
func (r *root) summary(ctx context.Context, db *store.DB, cfg config.Config, note string) error {
	counts, err := db.Counts(ctx)
	if err != nil {
		return err
	}
	r.printf("Epic Events CRM %s (%s)\n", version, cfg.Env)
	r.printf("Database: %s\n", db.Describe())
	if note != "" {
		r.printf("%s\n", note)
	}
	r.printf("\n")
	width := len("table")
	for _, c := range counts {
		width = max(width, len(c.Table))
	}
	r.printf("  %-*s  %8s\n", width, "table", "rows")
	for _, c := range counts {
		r.printf("  %-*s  %8d\n", width, c.Table, c.Rows)
	}
	r.printf("\n")
	demo, err := hasDemoAccounts(ctx, db)
	if err != nil {
		return err
	}
	switch {
	case demo:
		if err := r.demoHint(); err != nil {
			return err
		}
	case cfg.Production():
		r.printf("Production: the demo data is never seeded here.\n")
	}
	r.printf("%s\n", noMenusYet)
	return nil
}

// hasDemoAccounts reports whether the first demo collaborator exists, so the
// hint is shown only where the demo logins work.
func hasDemoAccounts(ctx context.Context, db *store.DB) (bool, error) {
	accounts, err := seeds.Accounts()
	if err != nil || len(accounts) == 0 {
		return false, err
	}
	switch _, err := db.GetUserByEmail(ctx, accounts[0].Email); domain.ErrorCode(err) {
	case "":
		return true, nil
	case domain.CodeNotFound:
		return false, nil
	default:
		return false, err
	}
}

// demoHint is the short form: one line per role.
func (r *root) demoHint() error {
	accounts, err := seeds.Accounts()
	if err != nil {
		return err
	}
	r.printf("Demo accounts (password %q):\n", seeds.DemoPassword)
	for _, role := range domain.Roles {
		var emails []string
		for _, a := range accounts {
			if a.Role == role {
				emails = append(emails, a.Email)
			}
		}
		r.printf("  %-11s %s\n", role+":", strings.Join(emails, ", "))
	}
	return nil
}

// demoAccounts is the long form, printed after a reset or a seed.
func (r *root) demoAccounts() error {
	accounts, err := seeds.Accounts()
	if err != nil {
		return err
	}
	r.printf("Demo accounts, all with the password %q:\n", seeds.DemoPassword)
	tw := tabwriter.NewWriter(r.stdout, 0, 0, 2, ' ', 0)
	for _, a := range accounts {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", a.Email, a.Role, a.FullName, a.EmployeeNumber)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("demo accounts: %w", err)
	}
	return nil
}
