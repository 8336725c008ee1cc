package app

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/store"
	"github.com/epic-events/crm/seeds"
)

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
