package app

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
)

func (r *root) userPassword() *cobra.Command {
	var passwordStdin bool
	cmd := &cobra.Command{
		Use:   "password",
		Short: "Change your own password",
		Long: `Change your own password. On a terminal it asks for the current password and
the new one (twice), without echo. With --password-stdin it reads two lines from
stdin: the current password, then the new one. Your other sessions end; this one
goes on. After a manager set your password (a new account, a reset), it is the
one command allowed until you have chosen your own.`,
		Example: "  epicevents user password\n  printf '%s\\n%s\\n' \"$OLD\" \"$NEW\" | epicevents user password --password-stdin",
		Args:    cobra.NoArgs,
		RunE: r.runCmd(nil, func(ctx context.Context, _ []string) error {
			if !passwordStdin && !r.isTerminal(r.stdin) {
				return &usageError{err: errors.New("user password needs a terminal to ask for the passwords; without one, pass --password-stdin"), showHelp: true}
			}
			return r.asActor(ctx, func(w *world, a service.Actor) error {
				var current, next string
				if passwordStdin {
					in, err := readStdinSecret(r.stdin)
					if err != nil {
						return err
					}
					lines := strings.Split(in, "\n")
					if len(lines) != 2 {
						return &usageError{err: errors.New("--password-stdin: stdin must hold two lines, the current password then the new one")}
					}
					current, next = strings.TrimSuffix(lines[0], "\r"), strings.TrimSuffix(lines[1], "\r")
				} else {
					ask := r.newAsker()
					var err error
					if current, err = ask.secret(ctx, "Current password: "); err != nil {
						return err
					}
					if next, err = ask.secret(ctx, "New password: "); err != nil {
						return err
					}
					again, err := ask.secret(ctx, "New password again: ")
					if err != nil {
						return err
					}
					if again != next {
						return domain.Invalid("new_password", "the two entries differ; nothing was changed")
					}
				}
				if err := w.auth.ChangePassword(ctx, a, current, next); err != nil {
					return err
				}
				fmt.Fprintln(r.stdout, "Password changed; your other sessions have ended.")
				return nil
			})
		}),
	}
	cmd.Flags().BoolVar(&passwordStdin, "password-stdin", false, "read two lines from stdin: the current password, then the new one")
	return cmd
}

func (r *root) userResetPassword() *cobra.Command {
	var (
		out           outputOptions
		passwordStdin bool
	)
	cmd := &cobra.Command{
		Use:   "reset-password ID|EMAIL",
		Short: "Give a collaborator who forgot theirs a new password (management)",
		Long: `Set a new password for a collaborator: read from stdin with --password-stdin,
otherwise generated and printed once. It also lifts a login lock and ends their
open sessions. At their next login they must choose their own password before
anything else.`,
		Example: "  epicevents user reset-password sales2@epicevents.test",
		Args:    cobra.ExactArgs(1),
		RunE: r.runCmd(&out, func(ctx context.Context, args []string) error {
			password := rand.Text()
			if passwordStdin {
				var err error
				if password, err = readStdinSecret(r.stdin); err != nil {
					return err
				}
			}
			return r.asActor(ctx, func(w *world, a service.Actor) error {
				u, err := findUser(ctx, w, a, args[0])
				if err != nil {
					return err
				}
				if err := w.users.ResetPassword(ctx, a, u.ID, password); err != nil {
					return err
				}
				res := createdUser{userRecord: userRecordOf(u)}
				if !passwordStdin {
					res.TemporaryPassword = password
				}
				if out.json {
					return writeJSON(r.stdout, res)
				}
				fmt.Fprintf(r.stdout, "New password set for %s (%s); their sessions have ended.\n", u.FullName, u.Email)
				if !passwordStdin {
					fmt.Fprintf(r.stdout, "Temporary password (shown only this once): %s\n", password)
				}
				return nil
			})
		}),
	}
	cmd.Flags().BoolVar(&passwordStdin, "password-stdin", false, "read the new password from stdin instead of generating one")
	addOutputFlags(cmd, &out, false)
	return cmd
}
