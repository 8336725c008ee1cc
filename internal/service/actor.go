package service

import (
	"time"

	"github.com/epic-events/crm/internal/domain"
)

// Actor is the logged-in collaborator on whose behalf a call runs, as Auth.Authenticate
// read them from the database: their current role, its grants, and their session.
// Only Auth makes one; the zero Actor (or one built by hand) is denied everything.
type Actor struct {
	domain.Collaborator
	Grants    domain.Grants
	SessionID string
	ExpiresAt time.Time

	verified bool
}

// Can reports whether the actor may take action p on a record described by s.
// Menus use it to decide what to show; the services call it again before acting.
func (a Actor) Can(p domain.Permission, s domain.Subject) bool {
	return a.verified && a.Active && a.Grants.Allows(a.ID, p, s)
}

// Holds reports whether the actor's role holds p on some records at least.
func (a Actor) Holds(p domain.Permission) bool {
	return a.verified && a.Active && a.Grants.Holds(p)
}

// user returns the collaborator for reporting, or nil for an unverified actor.
func (a Actor) user() *domain.Collaborator {
	if !a.verified {
		return nil
	}
	c := a.Collaborator
	return &c
}
