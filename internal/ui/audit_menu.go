package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/epic-events/crm/internal/domain"
)

// The audit log menu (management).
const (
	AuditAll    = "The whole log"
	AuditEntity = "By kind of record"
	AuditActor  = "By collaborator"
	AuditSince  = "Since a date"
)

// auditEntities are the kinds of record the services write in the log.
var auditEntities = []string{"user", "customer", "contract", "event"}

func (s *session) auditMenu(ctx context.Context) error {
	for {
		a, err := s.who(ctx)
		if err != nil {
			return err
		}
		if !s.svc.Permissions.CanReadAudit(a) {
			return nil // the role changed meanwhile
		}
		choice, err := s.choose("Audit log", []string{AuditAll, AuditEntity, AuditActor, AuditSince, Back})
		if err != nil || choice == Back {
			return err
		}
		if err := s.act(ctx, func(ctx context.Context) error { return s.browseAudit(ctx, choice) }); err != nil {
			return err
		}
	}
}

// browseAudit asks what the chosen part of the log needs (a kind of
// record, a collaborator, a date) and lists it.
func (s *session) browseAudit(ctx context.Context, choice string) error {
	var f domain.AuditFilter
	title := "Audit log"
	switch choice {
	case AuditEntity:
		i, err := s.p.Select("Which kind of record", auditEntities, WithoutSearch())
		if err != nil {
			return err
		}
		f.Entity = auditEntities[i]
		title = fmt.Sprintf("Audit log of %ss", f.Entity)
	case AuditActor:
		u, err := pick(ctx, s, "Whose actions", s.userColumns(true), s.userSearch(domain.UserFilter{IncludeInactive: true}))
		if err != nil {
			return err
		}
		f.ActorID = u.ID
		title = "Audit log of " + u.FullName
	case AuditSince:
		v, err := s.p.Input("Since (YYYY-MM-DD [HH:MM])", s.d.Date(s.Now().AddDate(0, 0, -7)), s.d.timeRule("The date", nil))
		if err != nil {
			return err
		}
		since, _ := s.d.parseTime(v)
		f.Since = &since
		title = "Audit log since " + s.d.Time(since)
	}
	search := listing(s, s.svc.Audit.List, func(_ string, p domain.Page) domain.AuditFilter {
		g := f
		g.Page = p
		return g
	})
	pg := &Pager[domain.AuditEntry]{Title: title, Columns: s.auditColumns(), Fetch: search(""), Display: s.d}
	return browse(ctx, s, pg, func(_ context.Context, e domain.AuditEntry) error { s.showAudit(e); return nil })
}

func (s *session) auditColumns() []Column[domain.AuditEntry] {
	return []Column[domain.AuditEntry]{
		{Title: "When", Value: func(e domain.AuditEntry) string { return s.d.Time(e.At) }, Fixed: true},
		{Title: "Who", Value: auditActor},
		{Title: "Action", Value: func(e domain.AuditEntry) string { return e.Action }, Min: 14},
		{Title: "Record", Value: auditRecord, Fixed: true},
	}
}

func auditActor(e domain.AuditEntry) string {
	if e.ActorEmail == "" {
		return "(system)"
	}
	return e.ActorEmail
}

func auditRecord(e domain.AuditEntry) string { return fmt.Sprintf("%s #%d", e.Entity, e.EntityID) }

func (s *session) showAudit(e domain.AuditEntry) {
	fields := []Field{
		{"When", s.d.Time(e.At)},
		{"Who", auditActor(e)},
		{"Action", e.Action},
		{"Record", auditRecord(e)},
	}
	for _, c := range e.Changes {
		fields = append(fields, Field{c.Field, auditChange(s.d, c)})
	}
	s.say("")
	_ = RenderDetails(s.Out, s.d, fields)
	s.say("")
}

// auditChange says what a field was and became; instants (kept in UTC, in
// RFC 3339) are shown in local time.
func auditChange(d Display, c domain.Change) string {
	show := func(v string) string {
		if v == "" {
			return "(empty)"
		}
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return d.Time(t)
		}
		return v
	}
	switch {
	case c.Old == "":
		return show(c.New)
	case c.New == "":
		return strings.TrimSpace(show(c.Old) + " → (removed)")
	default:
		return show(c.Old) + " → " + show(c.New)
	}
}
