package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/epic-events/crm/internal/domain"
)

// The actions of the My account menu.
const AccountPassword = "Change my password"

// accountMenu shows who is logged in (as `epicevents whoami` does) and lets
// them change their password.
func (s *session) accountMenu(ctx context.Context) error {
	for {
		a, err := s.who(ctx)
		if err != nil {
			return err
		}
		held := s.svc.Permissions.Actions(a)
		names := make([]string, len(held))
		for i, p := range held {
			names[i] = string(p)
		}
		s.say("")
		_ = RenderDetails(s.Out, s.d, []Field{
			{"Name", a.FullName},
			{"Email", a.Email},
			{"Role", string(a.Role)},
			{"Employee number", a.EmployeeNumber},
			{"Session ends", s.d.Time(a.ExpiresAt)},
			{"Permissions", strings.Join(names, ", ")},
		})
		s.say("")
		var items []string
		if s.svc.Permissions.CanChangePassword(a) {
			items = append(items, AccountPassword)
		}
		choice, err := s.choose("My account", append(items, Back))
		if err != nil || choice == Back {
			return err
		}
		if err := s.act(ctx, func(ctx context.Context) error { return s.changePassword(ctx, a.Email, "") }); err != nil {
			return err
		}
	}
}

// changePassword asks for a new password (twice) and sets it. known is the
// current password when the user has just typed it to log in; "" asks it.
func (s *session) changePassword(ctx context.Context, email, known string) error {
	current := &field{key: "current_password", label: "Current password", secret: true, check: required("Current password"), value: known}
	fields := passwordFields("new_password", "New password", func() string { return email })
	next := fields[0]
	next.check = func(v string) error {
		if err := domain.ValidatePassword(v, email); err != nil {
			return fmt.Errorf("the new password %w", err)
		}
		if v == current.value {
			return errors.New("the new password must differ from the current one")
		}
		return nil
	}
	if known == "" {
		fields = append([]*field{current}, fields...)
	}
	err := s.fill(fields, func() error {
		a, err := s.who(ctx)
		if err != nil {
			return err
		}
		return s.svc.Auth.ChangePassword(ctx, a, current.value, next.value)
	})
	if err != nil {
		return err
	}
	s.say("✓ Your password is changed; your sessions elsewhere have ended.")
	return nil
}
