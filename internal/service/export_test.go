package service

import "github.com/epic-events/crm/internal/domain"

// ActorForTest lets the external tests act as a collaborator without a login,
// with the grants the store holds for their role. Only tests see it.
func ActorForTest(c domain.Collaborator, g domain.Grants) Actor {
	return Actor{Collaborator: c, Grants: g, verified: true}
}
