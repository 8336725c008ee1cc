package ui

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
)

// The collaborators menu (management) and the actions on a collaborator.
const (
	UsersAll        = "All collaborators"
	UsersActive     = "Active collaborators"
	UsersInactive   = "Deactivated collaborators"
	UserNew         = "New collaborator"
	UserUpdate      = "Update the collaborator"
	UserPassword    = "Reset the password"
	UserDeactivate  = "Deactivate"
	UserReactivate  = "Reactivate"
	UserDelete      = "Delete"
	passwordAgainID = "password_again"
)

// errGone ends a detail view whose record was just deleted.
var errGone = errors.New("deleted")

func (s *session) usersMenu(ctx context.Context) error {
	pagers := map[string]*Pager[domain.Collaborator]{}
	for {
		a, err := s.who(ctx)
		if err != nil {
			return err
		}
		if !s.svc.Permissions.CanManageUsers(a) {
			return nil // the role changed meanwhile: the main menu no longer offers this
		}
		choice, err := s.choose("Collaborators", []string{UsersAll, UsersActive, UsersInactive, UserNew, Back})
		if err != nil || choice == Back {
			return err
		}
		err = s.act(ctx, func(ctx context.Context) error {
			if choice == UserNew {
				return s.newUser(ctx)
			}
			pg := pagers[choice]
			if pg == nil {
				f := map[string]domain.UserFilter{
					UsersAll:      {IncludeInactive: true},
					UsersActive:   {},
					UsersInactive: {OnlyInactive: true},
				}[choice]
				pg = &Pager[domain.Collaborator]{Title: choice, Columns: s.userColumns(true), Display: s.d, Search: s.userSearch(f)}
				pg.Fetch = pg.Search("")
				pagers[choice] = pg
			}
			return browse(ctx, s, pg, func(ctx context.Context, u domain.Collaborator) error { return s.userDetail(ctx, u.ID) })
		})
		if err != nil {
			return err
		}
	}
}

func (s *session) userColumns(withState bool) []Column[domain.Collaborator] {
	cols := []Column[domain.Collaborator]{
		{Title: "No.", Value: func(u domain.Collaborator) string { return u.EmployeeNumber }, Fixed: true},
		{Title: "Name", Value: func(u domain.Collaborator) string { return u.FullName }, Min: 12},
		{Title: "Email", Value: func(u domain.Collaborator) string { return u.Email }},
		{Title: "Role", Value: func(u domain.Collaborator) string { return string(u.Role) }, Fixed: true},
	}
	if withState {
		cols = append(cols, Column[domain.Collaborator]{Title: "State", Value: userState, Fixed: true})
	}
	return cols
}

func userState(u domain.Collaborator) string {
	if u.Active {
		return "active"
	}
	return "deactivated"
}

func (s *session) userSearch(f domain.UserFilter) func(string) PageFunc[domain.Collaborator] {
	return listing(s, s.svc.Users.List, func(term string, p domain.Page) domain.UserFilter {
		f.Search, f.Page = term, p
		return f
	})
}

// pickCollaborator lets the user choose an active collaborator of role.
func (s *session) pickCollaborator(ctx context.Context, title string, role domain.Role) (domain.Collaborator, error) {
	return pick(ctx, s, title, s.userColumns(false), s.userSearch(domain.UserFilter{Role: role}))
}

func (s *session) userDetail(ctx context.Context, id domain.ID) error {
	for {
		a, err := s.who(ctx)
		if err != nil {
			return err
		}
		u, err := s.svc.Users.Get(ctx, a, id)
		if err != nil {
			return err
		}
		s.showUser(u)
		var items []string
		if s.svc.Permissions.CanManageUsers(a) {
			items = append(items, UserUpdate, UserPassword)
			switch {
			case u.ID == a.ID:
				// Deactivating or deleting oneself is refused: not offered.
			case u.Active:
				items = append(items, UserDeactivate, UserDelete)
			default:
				items = append(items, UserReactivate, UserDelete)
			}
		}
		choice, err := s.choose("Collaborator "+u.FullName, append(items, Back))
		if err != nil || choice == Back {
			return err
		}
		err = s.interruptible(ctx, func(ctx context.Context) error {
			switch choice {
			case UserUpdate:
				return s.updateUser(ctx, u)
			case UserPassword:
				return s.resetPassword(ctx, u)
			case UserDeactivate:
				return s.deactivateUser(ctx, u)
			case UserReactivate:
				return s.reactivateUser(ctx, u)
			case UserDelete:
				return s.deleteUser(ctx, u)
			}
			return nil
		})
		if errors.Is(err, errGone) {
			return nil
		}
		if err := s.outcome(ctx, err); err != nil {
			return err
		}
	}
}

func (s *session) showUser(u domain.Collaborator) {
	fields := []Field{
		{"Collaborator", fmt.Sprintf("%s (#%d)", u.FullName, u.ID)},
		{"Employee number", u.EmployeeNumber},
		{"Email", u.Email},
		{"Role", string(u.Role)},
		{"State", userState(u)},
		{"Failed logins", strconv.Itoa(u.FailedLogins)},
	}
	if u.LockedUntil != nil && u.LockedUntil.After(s.Now()) {
		fields = append(fields, Field{"Locked until", s.d.TimePtr(u.LockedUntil)})
	}
	fields = append(fields, Field{"Since", s.d.Date(u.CreatedAt)}, Field{"Last updated", s.d.Time(u.UpdatedAt)})
	s.say("")
	_ = RenderDetails(s.Out, s.d, fields)
	s.say("")
}

func roleChoices() []string {
	out := make([]string, len(domain.Roles))
	for i, r := range domain.Roles {
		out[i] = string(r)
	}
	return out
}

// passwordFields asks a new password twice; the policy is checked against
// the email the form's emailOf returns.
func passwordFields(key, label string, emailOf func() string) []*field {
	first := &field{key: key, label: label, secret: true}
	first.check = func(v string) error {
		if err := domain.ValidatePassword(v, emailOf()); err != nil {
			return fmt.Errorf("the password %w", err)
		}
		return nil
	}
	again := &field{key: passwordAgainID, label: "The same password again", secret: true, with: key, check: func(v string) error {
		if v != first.value {
			return errors.New("the two passwords differ")
		}
		return nil
	}}
	return []*field{first, again}
}

func (s *session) newUser(ctx context.Context) error {
	s.say("New collaborator: with no employee number, they get the next free one.")
	fields := []*field{
		{key: "full_name", label: "Full name", check: check("Full name", domain.ValidateName)},
		{key: "email", label: "Email (their login)", check: check("Email", domain.ValidateEmail)},
		{key: "role", label: "Role", value: string(domain.RoleSales), choices: roleChoices()},
		{key: "employee_number", label: "Employee number (optional)", check: func(v string) error {
			if v == "" {
				return nil
			}
			return check("The employee number", domain.ValidateEmployeeNumber)(v)
		}},
	}
	email := fields[1]
	fields = append(fields, passwordFields("password", "Initial password", func() string { return email.value })...)
	var created domain.Collaborator
	err := s.fill(fields, func() error {
		a, err := s.who(ctx)
		if err != nil {
			return err
		}
		v := values(fields)
		created, err = s.svc.Users.Create(ctx, a, service.NewUser{
			FullName: v["full_name"], Email: v["email"], Role: domain.Role(v["role"]),
			EmployeeNumber: v["employee_number"], Password: v["password"],
		})
		return err
	})
	if err != nil {
		return err
	}
	s.say("✓ %s (%s, %s) can now log in as %s.", created.FullName, created.EmployeeNumber, created.Role, created.Email)
	return s.userDetail(ctx, created.ID)
}

func (s *session) updateUser(ctx context.Context, u domain.Collaborator) error {
	fields := []*field{
		{key: "full_name", label: "Full name", value: u.FullName, check: check("Full name", domain.ValidateName)},
		{key: "email", label: "Email (their login)", value: u.Email, check: check("Email", domain.ValidateEmail)},
		{key: "role", label: "Role", value: string(u.Role), choices: roleChoices()},
	}
	changed := false
	err := s.fill(fields, func() error {
		a, err := s.who(ctx)
		if err != nil {
			return err
		}
		v := values(fields)
		in := service.UserChanges{Version: u.Version}
		if v["full_name"] != u.FullName {
			in.FullName = v["full_name"]
		}
		if v["email"] != u.Email {
			in.Email = v["email"]
		}
		if v["role"] != string(u.Role) {
			in.Role = domain.Role(v["role"])
		}
		changed = in != service.UserChanges{Version: u.Version}
		if !changed {
			return nil
		}
		_, err = s.svc.Users.Update(ctx, a, u.ID, in)
		return err
	})
	if err != nil {
		return err
	}
	if changed {
		s.say("✓ %s updated.", u.FullName)
	} else {
		s.say("Nothing was changed.")
	}
	return nil
}

func (s *session) resetPassword(ctx context.Context, u domain.Collaborator) error {
	s.say("A new password for %s (%s):", u.FullName, u.Email)
	fields := passwordFields("password", "New password", func() string { return u.Email })
	if err := s.ask(fields, nil); err != nil {
		return err
	}
	ok, err := s.confirm(fmt.Sprintf("Set this password for %s? Their open sessions end, and a lock is lifted.", u.FullName))
	if err != nil || !ok {
		return err
	}
	a, err := s.who(ctx)
	if err != nil {
		return err
	}
	if err := s.svc.Users.ResetPassword(ctx, a, u.ID, fields[0].value); err != nil {
		return err
	}
	s.say("✓ The password of %s was reset: give it to them in person.", u.FullName)
	return nil
}

func (s *session) deactivateUser(ctx context.Context, u domain.Collaborator) error {
	ok, err := s.confirm(fmt.Sprintf("Deactivate %s? They can no longer log in, and their open sessions end now.", u.FullName))
	if err != nil || !ok {
		return err
	}
	a, err := s.who(ctx)
	if err != nil {
		return err
	}
	if _, err := s.svc.Users.Deactivate(ctx, a, u.ID); err != nil {
		return err
	}
	s.say("✓ %s is deactivated; what they look after stays theirs until reassigned.", u.FullName)
	return nil
}

func (s *session) reactivateUser(ctx context.Context, u domain.Collaborator) error {
	a, err := s.who(ctx)
	if err != nil {
		return err
	}
	if _, err := s.svc.Users.Reactivate(ctx, a, u.ID); err != nil {
		return err
	}
	s.say("✓ %s is active again and may log in.", u.FullName)
	return nil
}

func (s *session) deleteUser(ctx context.Context, u domain.Collaborator) error {
	ok, err := s.confirm(fmt.Sprintf("Delete %s (%s) for good? This cannot be undone.", u.FullName, u.EmployeeNumber))
	if err != nil || !ok {
		return err
	}
	a, err := s.who(ctx)
	if err != nil {
		return err
	}
	if err := s.svc.Users.Delete(ctx, a, u.ID); err != nil {
		return err
	}
	s.say("✓ %s was deleted.", u.FullName)
	return errGone
}
