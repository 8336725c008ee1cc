package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/epic-events/crm/internal/service"
)

// firstManagerCommand gives a new company's database, where no demo data is
// seeded, its first login: a manager, created only while there is no collaborator
// at all, who then creates everyone else with `user create`.
func (r *root) firstManagerCommand() *cobra.Command {
	var email, name string
	var passwordStdin bool
	cmd := &cobra.Command{
		Use:   "first-manager --email E --name N [--password-stdin]",
		Short: "Create the first manager of an empty database (production included)",
		Long: `Create the first manager of a database that has no collaborator yet: the way a
production database, where no demo data is seeded, gets its first login. Refused
as soon as any collaborator exists. The password is asked twice on a terminal, or
read from stdin with --password-stdin.`,
		Example: `  epicevents db first-manager --email claire@example.com --name "Claire Marchand"
  printf '%s' "$PASSWORD" | epicevents db first-manager --email claire@example.com --name "Claire Marchand" --password-stdin`,
		Args: cobra.NoArgs,
		RunE: r.action(func(ctx context.Context) error {
			if strings.TrimSpace(email) == "" || strings.TrimSpace(name) == "" {
				return &usageError{err: errors.New("first-manager needs --email and --name"), showHelp: true}
			}
			password, err := r.newPassword(ctx, passwordStdin)
			if err != nil {
				return err
			}
			w, err := r.openWorld(ctx)
			if err != nil {
				return err
			}
			defer w.Close()
			u, err := w.users.CreateFirstManager(ctx, service.NewUser{FullName: name, Email: email, Password: password})
			if err != nil {
				return err
			}
			fmt.Fprintf(r.stdout, "Created %s (%s, %s, %s). Log in with `epicevents login --email %s`.\n",
				u.FullName, u.Role, u.Email, u.EmployeeNumber, u.Email)
			return nil
		}),
	}
	cmd.Flags().StringVar(&email, "email", "", "the manager's email, their login")
	cmd.Flags().StringVar(&name, "name", "", "the manager's full name")
	cmd.Flags().BoolVar(&passwordStdin, "password-stdin", false, "read the password from stdin")
	return cmd
}

// newPassword reads a password being set: from stdin with --password-stdin,
// otherwise asked twice on a terminal.
func (r *root) newPassword(ctx context.Context, fromStdin bool) (string, error) {
	if fromStdin {
		return readStdinSecret(r.stdin)
	}
	if !r.isTerminal(r.stdin) {
		return "", &usageError{err: errors.New("no terminal to ask for the password: pass --password-stdin"), showHelp: true}
	}
	a := r.newAsker()
	first, err := a.secret(ctx, "Password: ")
	if err != nil {
		return "", err
	}
	again, err := a.secret(ctx, "Password again: ")
	if err != nil {
		return "", err
	}
	if first != again {
		return "", &usageError{err: errors.New("the two passwords differ; nothing was changed")}
	}
	return first, nil
}
