package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/epic-events/crm/internal/domain"
)

// Deps is what every service is built from. Now must return UTC.
type Deps struct {
	Store    Store
	Reporter Reporter
	Now      func() time.Time
}

// base holds what the services share: the store, the reporter and the clock.
type base struct {
	store  Store
	report Reporter
	now    func() time.Time
}

func newBase(d Deps) base {
	b := base{store: d.Store, report: d.Reporter, now: d.Now}
	if b.report == nil {
		b.report = NopReporter{}
	}
	if b.now == nil {
		b.now = func() time.Time { return time.Now().UTC() }
	}
	return b
}

// authorize is the one gate every service call passes: deny unless the actor's
// role holds p over the record described by s.
func authorize(actor Actor, p domain.Permission, s domain.Subject, what string) error {
	if err := actor.refusal(p); err != nil {
		return err
	}
	if !actor.Can(p, s) {
		return domain.Forbidden(what)
	}
	return nil
}

// tx runs fn in one transaction and reports an unexpected failure (one with no code).
func (b base) tx(ctx context.Context, actor Actor, fn func(Repos) error) error {
	return b.reportInternal(ctx, actor, b.store.Tx(ctx, fn))
}

// read runs a read on the pool and reports an unexpected failure.
func (b base) read(ctx context.Context, actor Actor, fn func(Repos) error) error {
	return b.reportInternal(ctx, actor, fn(b.store))
}

// reportInternal reports err when it is unexpected (internal), and returns the
// error to give the caller: err itself, or err carrying the report's reference
// (a *domain.Reported) for the apology to show.
func (b base) reportInternal(ctx context.Context, actor Actor, err error) error {
	// A cancelled action (Ctrl+C in the menus, a signal) is the user's choice, not a bug.
	if err == nil || errors.Is(err, context.Canceled) || domain.ErrorCode(err) != domain.CodeInternal {
		return err
	}
	// Reported once: an error already reported (by an inner call) keeps its reference.
	if domain.ReferenceOf(err) != "" {
		return err
	}
	if ref := b.report.Error(ctx, err, actor.user()); ref != "" {
		return &domain.Reported{Err: err, Ref: ref}
	}
	return err
}

// audit writes one audit row inside the transaction of the change it records.
func (b base) audit(ctx context.Context, r Repos, actor Actor, action, entity string, id domain.ID, changes []domain.Change) error {
	e := &domain.AuditEntry{
		Action: action, Entity: entity, EntityID: id, Changes: changes, At: b.now(),
	}
	if actor.verified {
		actorID := actor.ID
		e.ActorID = &actorID
		e.ActorEmail = actor.Email
	}
	if err := r.AddAudit(ctx, e); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// changeSet collects the fields an update changes, for the audit trail.
type changeSet []domain.Change

// add records field when old and new differ.
func (c *changeSet) add(field, old, new string) {
	if old != new {
		*c = append(*c, domain.Change{Field: field, Old: old, New: new})
	}
}
