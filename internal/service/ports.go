package service

import (
	"context"

	"github.com/epic-events/crm/internal/domain"
)

// Reporter is told about unexpected errors and notable business events
// (internal/report sends them to Sentry, scrubbed). It must never fail the caller.
type Reporter interface {
	// Error reports an unexpected (internal) error, with the actor's id and role when
	// known, and returns the report's reference for the user ("" when none was sent).
	Error(ctx context.Context, err error, actor *domain.Collaborator) string
	// Event reports a business event such as "user.create", "contract.sign",
	// "login.failed" or "login.locked". data never holds a secret.
	Event(ctx context.Context, name string, actor *domain.Collaborator, data map[string]string)
}

// NopReporter reports nothing: the reporter when Sentry is off.
type NopReporter struct{}

func (NopReporter) Error(context.Context, error, *domain.Collaborator) string { return "" }

func (NopReporter) Event(context.Context, string, *domain.Collaborator, map[string]string) {}
