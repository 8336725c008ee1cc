package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
	"github.com/epic-events/crm/internal/ui"
)

type loginOptions struct {
	email         string
	passwordStdin bool
}

func (r *root) loginCommand() *cobra.Command {
	var opts loginOptions
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Log in and keep the session for the next commands",
		Long: `Log in with your email and password. The session is kept in EPIC_SESSION_FILE
(readable by you only) until it expires (JWT_TTL) or you log out.

On a terminal, what is missing is asked for, the password without echo. Without
a terminal, give --email and the password on stdin with --password-stdin.
Five failed logins in a row lock the account for 15 minutes. A password a
manager set (a new account, a reset) must first be replaced with your own:
'epicevents user password'; every other command is refused until then.`,
		Example: `  epicevents login
  epicevents login --email sales1@epicevents.test
  printf '%s' "$PASSWORD" | epicevents login --email sales1@epicevents.test --password-stdin`,
		Args: cobra.NoArgs,
		RunE: r.runCmd(nil, func(ctx context.Context, _ []string) error { return r.login(ctx, opts) }),
	}
	cmd.Flags().StringVar(&opts.email, "email", "", "your email address")
	cmd.Flags().BoolVar(&opts.passwordStdin, "password-stdin", false, "read the password from stdin (one trailing newline is ignored)")
	return cmd
}

func (r *root) login(ctx context.Context, opts loginOptions) error {
	terminal := r.isTerminal(r.stdin)
	switch {
	case opts.passwordStdin && strings.TrimSpace(opts.email) == "":
		return &usageError{err: errors.New("--password-stdin needs --email: stdin holds the password"), showHelp: true}
	case !opts.passwordStdin && !terminal:
		return &usageError{err: errors.New("login needs a terminal to ask for the password; without one, pass --email and --password-stdin"), showHelp: true}
	}
	w, err := r.openWorld(ctx)
	if err != nil {
		return err
	}
	defer w.Close()
	if err := w.needSessionFile(); err != nil {
		return err
	}
	email, password := opts.email, ""
	if opts.passwordStdin {
		if password, err = readStdinSecret(r.stdin); err != nil {
			return err
		}
	} else {
		a := r.newAsker()
		if strings.TrimSpace(email) == "" {
			if email, err = a.line(ctx, "Email: "); err != nil {
				return err
			}
		}
		if password, err = a.secret(ctx, "Password: "); err != nil {
			return err
		}
	}
	// The session being replaced is ended too, so that no token is left valid unseen.
	previous, _ := w.session.Load()
	token, actor, err := w.auth.Login(ctx, email, password)
	var locked *service.LockedError
	if errors.As(err, &locked) {
		return domain.Errorf(domain.CodeUnauthenticated,
			"account locked after %d failed logins, until %s; try again then or ask a manager to reset the password",
			service.MaxFailedLogins, r.localTime(locked.Until))
	}
	if err != nil {
		return err
	}
	if err := w.session.Save(token); err != nil {
		return err
	}
	if previous != "" {
		_ = w.auth.Logout(ctx, previous)
	}
	fmt.Fprintf(r.stdout, "Logged in as %s (%s) until %s.\n", actor.FullName, actor.Role, r.localTime(actor.ExpiresAt))
	if actor.MustChangePassword {
		fmt.Fprintln(r.stdout, "Your password was set by a manager: choose your own now with `epicevents user password`; until then every other command is refused.")
	}
	return nil
}

func (r *root) logoutCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "logout",
		Short: "End the session and forget it",
		Long: `End the session: it is revoked in the database, so a copy of the token is
refused too, and the session file is deleted. A session that had already ended
is forgotten all the same.`,
		Example: "  epicevents logout",
		Args:    cobra.NoArgs,
		RunE:    r.runCmd(nil, func(ctx context.Context, _ []string) error { return r.logout(ctx) }),
	}
}

func (r *root) logout(ctx context.Context) error {
	w, err := r.openWorld(ctx)
	if err != nil {
		return err
	}
	defer w.Close()
	if err := w.needSessionFile(); err != nil {
		return err
	}
	token, err := w.session.Load()
	switch domain.ErrorCode(err) {
	case "":
		// A token that no longer verifies (expired, signed with another key) has
		// nothing left to revoke. Any other failure keeps the file, so that the
		// revocation can be tried again.
		if err := w.auth.Logout(ctx, token); err != nil && domain.ErrorCode(err) != domain.CodeUnauthenticated {
			return err
		}
	case domain.CodeUnauthenticated:
		// No session, or a file that is not one: nothing to revoke, but the file goes.
	default:
		return err
	}
	if err := w.session.Remove(); err != nil {
		return err
	}
	fmt.Fprintln(r.stdout, "Logged out.")
	return nil
}

// whoamiRecord is whoami's --json.
type whoamiRecord struct {
	ID               domain.ID   `json:"id"`
	EmployeeNumber   string      `json:"employee_number"`
	FullName         string      `json:"full_name"`
	Email            string      `json:"email"`
	Role             domain.Role `json:"role"`
	SessionExpiresAt string      `json:"session_expires_at"`
}

func (r *root) whoamiCommand() *cobra.Command {
	var out outputOptions
	cmd := &cobra.Command{
		Use:   "whoami",
		Short: "Show who is logged in, and until when",
		Long: `Show the logged-in collaborator: name, email, role, employee number, and when
the session ends (in local time). Exits with 4 when no one is logged in or the
session has ended.`,
		Example: "  epicevents whoami\n  epicevents whoami --json",
		Args:    cobra.NoArgs,
		RunE: r.runCmd(&out, func(ctx context.Context, _ []string) error {
			return r.asActor(ctx, func(_ *world, a service.Actor) error {
				if out.json {
					return writeJSON(r.stdout, whoamiRecord{
						ID: a.ID, EmployeeNumber: a.EmployeeNumber, FullName: a.FullName, Email: a.Email,
						Role: a.Role, SessionExpiresAt: utc(a.ExpiresAt),
					})
				}
				return ui.RenderDetails(r.stdout, r.cmdDisplay(), []ui.Field{
					{Label: "Name", Value: a.FullName},
					{Label: "Email", Value: a.Email},
					{Label: "Role", Value: string(a.Role)},
					{Label: "Employee number", Value: a.EmployeeNumber},
					{Label: "Session ends", Value: r.localTime(a.ExpiresAt)},
				})
			})
		}),
	}
	addOutputFlags(cmd, &out, false)
	return cmd
}
