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
	return a.refusal(p) == nil && a.Active && a.Grants.Allows(a.ID, p, s)
}

// Holds reports whether the actor's role holds p on some records at least.
func (a Actor) Holds(p domain.Permission) bool {
	return a.refusal(p) == nil && a.Active && a.Grants.Holds(p)
}

// refusal is why the actor may not take action p whatever their grants say,
// or nil: not logged in; or logged in with a password a manager chose, which
// leaves them one thing to do, choosing their own (logging out and seeing who
// they are need no permission). Deny by default: every check of a permission
// passes here first (Can, Holds, and the services' authorize).
func (a Actor) refusal(p domain.Permission) error {
	switch {
	case !a.verified:
		return domain.Errorf(domain.CodeUnauthenticated, "not logged in: run `epicevents login`")
	case a.MustChangePassword && p != domain.PermPasswordChange:
		return errMustChangePassword
	}
	return nil
}

// errMustChangePassword refuses every action but changing one's own password
// to a collaborator whose password a manager set, and says how to change it.
var errMustChangePassword = domain.Errorf(domain.CodeForbidden,
	"your password was set by a manager and must be changed first: run `epicevents user password`, or choose My account, then Change my password, in the menus")

// user returns the collaborator for reporting, or nil for an unverified actor.
func (a Actor) user() *domain.Collaborator {
	if !a.verified {
		return nil
	}
	c := a.Collaborator
	return &c
}
