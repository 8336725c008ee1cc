package service

import (
	"context"
	"fmt"

	"github.com/epic-events/crm/internal/domain"
)

// The reads of collaborators and what each actor may see of them (see Users).

// Get returns a collaborator (see Users for who may see whom).
func (s *Users) Get(ctx context.Context, actor Actor, id domain.ID) (domain.Collaborator, error) {
	return s.get(ctx, actor, id, func(r Repos) (domain.Collaborator, error) { return r.GetUser(ctx, id) })
}

// GetByEmail returns the collaborator with that email, in any letter case.
func (s *Users) GetByEmail(ctx context.Context, actor Actor, email string) (domain.Collaborator, error) {
	email = domain.NormalizeEmail(email)
	return s.get(ctx, actor, email, func(r Repos) (domain.Collaborator, error) { return r.GetUserByEmail(ctx, email) })
}

func (s *Users) get(ctx context.Context, actor Actor, key any, fetch func(Repos) (domain.Collaborator, error)) (domain.Collaborator, error) {
	if err := authorize(actor, domain.PermRead, domain.Subject{}, "read collaborators"); err != nil {
		return domain.Collaborator{}, err
	}
	var u domain.Collaborator
	err := s.read(ctx, actor, func(r Repos) error {
		var err error
		if u, err = fetch(r); err != nil {
			return fmt.Errorf("get user %v: %w", key, err)
		}
		return nil
	})
	if err != nil {
		return domain.Collaborator{}, err
	}
	if !u.Active && !s.manages(actor) {
		// Whether a deactivated colleague exists is management's business.
		return domain.Collaborator{}, domain.NotFound("collaborator", key)
	}
	return s.visible(actor, u), nil
}

// List returns one page of collaborators, ordered by name. Who is not management
// sees only the active ones, whatever the filter asks.
func (s *Users) List(ctx context.Context, actor Actor, f domain.UserFilter) (domain.List[domain.Collaborator], error) {
	if err := authorize(actor, domain.PermRead, domain.Subject{}, "read collaborators"); err != nil {
		return domain.List[domain.Collaborator]{}, err
	}
	if !s.manages(actor) {
		f.IncludeInactive, f.OnlyInactive = false, false
	}
	var page domain.List[domain.Collaborator]
	err := s.read(ctx, actor, func(r Repos) error {
		var err error
		if page, err = r.ListUsers(ctx, f); err != nil {
			return fmt.Errorf("list users: %w", err)
		}
		return nil
	})
	if err != nil {
		return domain.List[domain.Collaborator]{}, err
	}
	for i, u := range page.Items {
		page.Items[i] = s.visible(actor, u)
	}
	return page, nil
}

func (s *Users) manages(actor Actor) bool { return actor.Can(domain.PermUserManage, domain.Subject{}) }

// visible is what actor may see of u: never the hash; the login state (failed
// logins, lock, a password still to change) for management only.
func (s *Users) visible(actor Actor, u domain.Collaborator) domain.Collaborator {
	u = public(u)
	if !s.manages(actor) {
		u.FailedLogins, u.LockedUntil, u.MustChangePassword = 0, nil, false
	}
	return u
}

// public strips what must never leave the service: the password hash.
func public(u domain.Collaborator) domain.Collaborator {
	u.PasswordHash = ""
	return u
}
