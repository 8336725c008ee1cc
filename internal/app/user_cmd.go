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
	"github.com/epic-events/crm/internal/ui"
)

// userFields names the service's fields by the flags that set them.
var userFields = map[string]string{"full_name": "name", "employee_number": "employee-number"}

func (r *root) userCommand() *cobra.Command {
	return nounCommand(&cobra.Command{
		Use:   "user",
		Short: "Manage collaborators (management), and change your own password",
	}, r.userList(), r.userShow(), r.userCreate(), r.userUpdate(),
		r.userSetActive(false), r.userSetActive(true), r.userDelete(), r.userPassword(), r.userResetPassword())
}

func (r *root) userList() *cobra.Command {
	var (
		role          string
		inactive, all bool
		search        string
		f             domain.UserFilter
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List collaborators, by name",
		Long: `List collaborators, by name. Everyone sees the active ones; management may list
the deactivated ones too (--inactive, --all).`,
		Example: "  epicevents user list --role sales\n  epicevents user list --inactive --json",
	}
	cmd.Flags().StringVar(&role, "role", "", "only this role: management, sales or support")
	cmd.Flags().BoolVar(&inactive, "inactive", false, "only the deactivated collaborators (management)")
	cmd.Flags().BoolVar(&all, "all", false, "active and deactivated collaborators (management)")
	cmd.Flags().StringVar(&search, "search", "", "only collaborators whose name, email or employee number contains this text")
	cmd.MarkFlagsMutuallyExclusive("inactive", "all")
	return listCommand(r, cmd, listSpec[domain.Collaborator, userRecord]{
		columns: userColumns, record: userRecordOf, csv: userCSV,
		check: func() error {
			f = domain.UserFilter{Role: domain.Role(role), OnlyInactive: inactive, IncludeInactive: all, Search: search}
			if role != "" && !f.Role.Valid() {
				return domain.Invalid("role", "must be one of management, sales, support")
			}
			return nil
		},
		query: func(ctx context.Context, w *world, a service.Actor) (pager[domain.Collaborator], error) {
			// The service shows others the active collaborators whatever is asked:
			// say so rather than print them under a filter they did not pass.
			if (inactive || all) && !w.perms.CanManageUsers(a) {
				return nil, domain.Forbidden("list deactivated collaborators")
			}
			return func(p domain.Page) (domain.List[domain.Collaborator], error) {
				f.Page = p
				return w.users.List(ctx, a, f)
			}, nil
		},
	})
}

func userColumns(ui.Display) []ui.Column[domain.Collaborator] {
	return []ui.Column[domain.Collaborator]{
		{Title: "ID", Value: func(u domain.Collaborator) string { return itoa(u.ID) }, Align: ui.AlignRight, Fixed: true},
		{Title: "Number", Value: func(u domain.Collaborator) string { return u.EmployeeNumber }, Fixed: true},
		{Title: "Name", Value: func(u domain.Collaborator) string { return u.FullName }},
		{Title: "Email", Value: func(u domain.Collaborator) string { return u.Email }},
		{Title: "Role", Value: func(u domain.Collaborator) string { return string(u.Role) }, Fixed: true},
		{Title: "Active", Value: func(u domain.Collaborator) string { return yesNo(u.Active) }, Fixed: true},
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// findUser reads the collaborator an argument names, by id or by email.
func findUser(ctx context.Context, w *world, a service.Actor, key string) (domain.Collaborator, error) {
	if strings.Contains(key, "@") {
		return w.users.GetByEmail(ctx, a, key)
	}
	id, err := parseID("user", key)
	if err != nil {
		return domain.Collaborator{}, domain.Invalid("user", "must be a collaborator's ID or email")
	}
	return w.users.Get(ctx, a, id)
}

func (r *root) userShow() *cobra.Command {
	return showCommand(r, &cobra.Command{
		Use:     "show ID|EMAIL",
		Short:   "Show a collaborator",
		Example: "  epicevents user show 3\n  epicevents user show sales1@epicevents.test --json",
	}, showSpec[string, domain.Collaborator]{
		// findUser reads the id or email once the session is checked.
		key:  func(arg string) (string, error) { return arg, nil },
		get:  findUser,
		json: func(u domain.Collaborator) any { return userRecordOf(u) },
		details: func(d ui.Display, u domain.Collaborator) error {
			fields := []ui.Field{
				{Label: "Collaborator", Value: itoa(u.ID)},
				{Label: "Employee number", Value: u.EmployeeNumber},
				{Label: "Name", Value: u.FullName},
				{Label: "Email", Value: u.Email},
				{Label: "Role", Value: string(u.Role)},
				{Label: "Active", Value: yesNo(u.Active)},
				{Label: "Since", Value: d.Date(u.CreatedAt)},
			}
			if u.LockedUntil != nil && u.LockedUntil.After(r.now()) {
				fields = append(fields, ui.Field{Label: "Locked until", Value: d.Time(*u.LockedUntil)})
			}
			return ui.RenderDetails(r.stdout, d, fields)
		},
	})
}

// createdUser is user create's --json: the collaborator, and the temporary
// password when one was generated (it is shown this once and kept nowhere).
type createdUser struct {
	userRecord
	TemporaryPassword string `json:"temporary_password,omitempty"`
}

func (r *root) userCreate() *cobra.Command {
	var (
		out           outputOptions
		in            service.NewUser
		role          string
		passwordStdin bool
	)
	cmd := &cobra.Command{
		Use:   "create --email E --name N --role R",
		Short: "Add a collaborator (management)",
		Long: `Add a collaborator, active. The employee number is the next free one unless
given. The initial password is read from stdin with --password-stdin; otherwise
a temporary password is generated and printed once: hand it over, and have them
change it with 'epicevents user password'.`,
		Example: `  epicevents user create --email zoe.martin@epicevents.test --name "Zoé Martin" --role support
  printf '%s' "$INITIAL" | epicevents user create --email a@epicevents.test --name A --role sales --password-stdin`,
		Args: cobra.NoArgs,
		RunE: r.runCmd(&out, func(ctx context.Context, _ []string) error {
			in.Role = domain.Role(role)
			generated := !passwordStdin
			if passwordStdin {
				var err error
				if in.Password, err = readStdinSecret(r.stdin); err != nil {
					return err
				}
			} else {
				in.Password = rand.Text()
			}
			return r.asActor(ctx, func(w *world, a service.Actor) error {
				u, err := w.users.Create(ctx, a, in)
				if err != nil {
					return renameFields(err, userFields)
				}
				res := createdUser{userRecord: userRecordOf(u)}
				if generated {
					res.TemporaryPassword = in.Password
				}
				if out.json {
					return writeJSON(r.stdout, res)
				}
				fmt.Fprintf(r.stdout, "Created %s %s (%s), %s, id %d.\n", u.Role, u.FullName, u.Email, u.EmployeeNumber, u.ID)
				if generated {
					fmt.Fprintf(r.stdout, "Temporary password (shown only this once): %s\n", in.Password)
				}
				return nil
			})
		}),
	}
	cmd.Flags().StringVar(&in.Email, "email", "", "email address, their login (required)")
	cmd.Flags().StringVar(&in.FullName, "name", "", "full name (required)")
	cmd.Flags().StringVar(&role, "role", "", "management, sales or support (required)")
	cmd.Flags().StringVar(&in.EmployeeNumber, "employee-number", "", "employee number such as EE-0042 (default: the next free one)")
	cmd.Flags().BoolVar(&passwordStdin, "password-stdin", false, "read the initial password from stdin instead of generating one")
	for _, f := range []string{"email", "name", "role"} {
		_ = cmd.MarkFlagRequired(f)
	}
	addOutputFlags(cmd, &out, false)
	return cmd
}

func (r *root) userUpdate() *cobra.Command {
	var (
		out               outputOptions
		email, name, role string
	)
	cmd := &cobra.Command{
		Use:   "update ID|EMAIL",
		Short: "Change a collaborator's name, email or role (management)",
		Long: `Change the fields given and keep the others. The collaborator is read first and
the change applies to what was read: if someone changed them in between,
nothing is written (exit 6). A role change is refused while they still look
after customers or support events.`,
		Example: "  epicevents user update sales3@epicevents.test --name \"Amira Benali-Roy\"\n  epicevents user update 7 --role sales",
		Args:    cobra.ExactArgs(1),
	}
	cmd.RunE = r.runCmd(&out, func(ctx context.Context, args []string) error {
		fe := domain.FieldErrors{}
		for _, f := range []struct{ flag, value string }{{"email", email}, {"name", name}, {"role", role}} {
			// The service reads an empty value as "keep": refuse it rather than do nothing quietly.
			if cmd.Flags().Changed(f.flag) && strings.TrimSpace(f.value) == "" {
				fe.Add(f.flag, "is required when given")
			}
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if email == "" && name == "" && role == "" {
			return &usageError{err: errors.New("nothing to change: give at least one of --email, --name, --role"), showHelp: true}
		}
		return r.asActor(ctx, func(w *world, a service.Actor) error {
			cur, err := findUser(ctx, w, a, args[0])
			if err != nil {
				return err
			}
			u, err := w.users.Update(ctx, a, cur.ID, service.UserChanges{
				FullName: name, Email: email, Role: domain.Role(role), Version: cur.Version,
			})
			if err != nil {
				return renameFields(err, userFields)
			}
			return r.printDone(out, userRecordOf(u), "Updated %s: %s, %s, %s.\n", u.EmployeeNumber, u.FullName, u.Email, u.Role)
		})
	})
	cmd.Flags().StringVar(&email, "email", "", "new email address")
	cmd.Flags().StringVar(&name, "name", "", "new full name")
	cmd.Flags().StringVar(&role, "role", "", "new role: management, sales or support")
	addOutputFlags(cmd, &out, false)
	return cmd
}

// userSetActive is user deactivate (which asks first: the collaborator is
// logged out at once) and user reactivate.
func (r *root) userSetActive(active bool) *cobra.Command {
	var (
		out outputOptions
		yes bool
	)
	cmd := &cobra.Command{
		Use:     "reactivate ID|EMAIL",
		Short:   "Let a deactivated collaborator log in again (management)",
		Example: "  epicevents user reactivate support2@epicevents.test",
		Args:    cobra.ExactArgs(1),
	}
	if !active {
		cmd.Use = "deactivate ID|EMAIL"
		cmd.Short = "Stop a collaborator from logging in and end their sessions (management)"
		cmd.Long = `Stop a collaborator from logging in; their open sessions end at once. What they
look after stays theirs until reassigned. It asks for confirmation on a
terminal; --yes skips the question and is required when the input is not a terminal.`
		cmd.Example = "  epicevents user deactivate support2@epicevents.test --yes"
		cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	}
	cmd.RunE = r.runCmd(&out, func(ctx context.Context, args []string) error {
		if !active {
			if err := r.needConfirmation(yes, "deactivating a collaborator"); err != nil {
				return err
			}
		}
		return r.asActor(ctx, func(w *world, a service.Actor) error {
			cur, err := findUser(ctx, w, a, args[0])
			if err != nil {
				return err
			}
			var u domain.Collaborator
			if active {
				u, err = w.users.Reactivate(ctx, a, cur.ID)
			} else {
				q := fmt.Sprintf("Deactivate %s (%s)? They are logged out at once and cannot log in until reactivated.", cur.FullName, cur.Email)
				if err := r.confirmed(ctx, r.newAsker(), yes, q); err != nil {
					return err
				}
				u, err = w.users.Deactivate(ctx, a, cur.ID)
			}
			if err != nil {
				return err
			}
			state := "deactivated"
			if u.Active {
				state = "active"
			}
			return r.printDone(out, userRecordOf(u), "%s (%s) is %s.\n", u.FullName, u.Email, state)
		})
	})
	addOutputFlags(cmd, &out, false)
	return cmd
}

// deletedRecord is user delete's --json.
type deletedRecord struct {
	ID      domain.ID `json:"id"`
	Deleted bool      `json:"deleted"`
}

func (r *root) userDelete() *cobra.Command {
	var (
		out outputOptions
		yes bool
	)
	cmd := &cobra.Command{
		Use:   "delete ID|EMAIL",
		Short: "Delete a collaborator who holds nothing (management)",
		Long: `Delete a collaborator for good. Refused, with the list, while they still look
after customers or support events: reassign those first, or deactivate instead.
It asks for confirmation on a terminal; --yes skips the question and is required
when the input is not a terminal.`,
		Example: "  epicevents user delete 8 --yes",
		Args:    cobra.ExactArgs(1),
		RunE: r.runCmd(&out, func(ctx context.Context, args []string) error {
			if err := r.needConfirmation(yes, "deleting a collaborator"); err != nil {
				return err
			}
			return r.asActor(ctx, func(w *world, a service.Actor) error {
				u, err := findUser(ctx, w, a, args[0])
				if err != nil {
					return err
				}
				q := fmt.Sprintf("Delete %s (%s, %s) for good?", u.FullName, u.Email, u.EmployeeNumber)
				if err := r.confirmed(ctx, r.newAsker(), yes, q); err != nil {
					return err
				}
				if err := w.users.Delete(ctx, a, u.ID); err != nil {
					return err
				}
				return r.printDone(out, deletedRecord{ID: u.ID, Deleted: true}, "Deleted %s (%s).\n", u.FullName, u.Email)
			})
		}),
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	addOutputFlags(cmd, &out, false)
	return cmd
}
