package store

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"gorm.io/gorm"
)

type eventRow struct {
	ID               int64 `gorm:"primaryKey"`
	ContractID       int64
	Name             string
	SupportContactID *int64
	StartAt          time.Time
	EndAt            time.Time
	Location         string
	Attendees        int
	Notes            string
	Version          int64
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

func (eventRow) TableName() string { return "events" }

// eventView is an event with what staff see beside it: the customer's contact
// details, the sales contact (for ownership) and the support contact's name.
type eventView struct {
	Row                eventRow `gorm:"embedded"`
	CustomerID         int64
	CustomerName       string
	CustomerEmail      string
	CustomerPhone      string
	SalesContactID     int64
	SupportContactName *string
}

const eventSelect = `SELECT e.id, e.contract_id, e.name, e.support_contact_id, e.start_at, e.end_at,
	e.location, e.attendees, e.notes, e.version, e.created_at, e.updated_at,
	k.customer_id, cu.full_name AS customer_name, cu.email AS customer_email, cu.phone AS customer_phone,
	cu.sales_contact_id, s.full_name AS support_contact_name
	FROM events e
	JOIN contracts k ON k.id = e.contract_id
	JOIN customers cu ON cu.id = k.customer_id
	LEFT JOIN users s ON s.id = e.support_contact_id`

func (v eventView) domain() domain.Event {
	e := domain.Event{
		ID:               v.Row.ID,
		ContractID:       v.Row.ContractID,
		Name:             v.Row.Name,
		SupportContactID: v.Row.SupportContactID,
		StartAt:          v.Row.StartAt.UTC(),
		EndAt:            v.Row.EndAt.UTC(),
		Location:         v.Row.Location,
		Attendees:        v.Row.Attendees,
		Notes:            v.Row.Notes,
		Version:          v.Row.Version,
		CreatedAt:        v.Row.CreatedAt.UTC(),
		UpdatedAt:        v.Row.UpdatedAt.UTC(),
		CustomerID:       v.CustomerID,
		CustomerName:     v.CustomerName,
		CustomerEmail:    v.CustomerEmail,
		CustomerPhone:    v.CustomerPhone,
		SalesContactID:   v.SalesContactID,
	}
	if v.SupportContactName != nil {
		e.SupportContactName = *v.SupportContactName
	}
	return e
}

func (r *Repos) eventRefs(e *domain.Event) []ref {
	refs := []ref{{"contract_id", "contracts", "contract", e.ContractID}}
	if e.SupportContactID != nil {
		refs = append(refs, ref{"support_contact_id", "users", "collaborator", *e.SupportContactID})
	}
	return refs
}

// GetEvent reads an event with its customer's details and its contacts' names.
func (r *Repos) GetEvent(ctx context.Context, id domain.ID) (domain.Event, error) {
	rows, err := scanRows[eventView](r.q(ctx).Raw(eventSelect+" WHERE e.id = ?", id))
	if err != nil {
		return domain.Event{}, translate("get event", err)
	}
	if len(rows) == 0 {
		return domain.Event{}, domain.NotFound("event", id)
	}
	return rows[0].domain(), nil
}

// CreateEvent inserts e and sets its ID, Version, CreatedAt and UpdatedAt.
func (r *Repos) CreateEvent(ctx context.Context, e *domain.Event) error {
	row := eventRow{
		ContractID:       e.ContractID,
		Name:             e.Name,
		SupportContactID: e.SupportContactID,
		StartAt:          stamp(e.StartAt),
		EndAt:            stamp(e.EndAt),
		Location:         e.Location,
		Attendees:        e.Attendees,
		Notes:            e.Notes,
		Version:          1,
		CreatedAt:        r.clock(e.CreatedAt),
	}
	row.UpdatedAt = row.CreatedAt
	if !e.UpdatedAt.IsZero() {
		row.UpdatedAt = stamp(e.UpdatedAt)
	}
	if err := r.q(ctx).Create(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrForeignKeyViolated) {
			return r.missingRef(ctx, "create event", err, r.eventRefs(e)...)
		}
		return translate("create event", err)
	}
	e.ID, e.StartAt, e.EndAt, e.Version = row.ID, row.StartAt, row.EndAt, row.Version
	e.CreatedAt, e.UpdatedAt = row.CreatedAt, row.UpdatedAt
	return nil
}

// eventColumns are the columns of e an update may write, as stored.
func eventColumns(e *domain.Event) []column {
	return []column{
		{"contract_id", e.ContractID},
		{"name", e.Name},
		{"support_contact_id", optional(e.SupportContactID)},
		{"start_at", stamp(e.StartAt)},
		{"end_at", stamp(e.EndAt)},
		{"location", e.Location},
		{"attendees", e.Attendees},
		{"notes", e.Notes},
	}
}

// UpdateEvent writes the fields of e that differ from the stored event if its
// version is still e.Version, reading the event first; a caller that holds the
// event as it read it calls UpdateEventFrom and saves the read.
func (r *Repos) UpdateEvent(ctx context.Context, e *domain.Event) error {
	was, err := r.GetEvent(ctx, e.ID)
	return updateLatest(err, was.Version, e.Version, func() error { return r.UpdateEventFrom(ctx, was, e) })
}

// UpdateEventFrom writes the fields of e that differ from was, the event as read
// at e.Version, if the stored version is still e.Version; the fields left as
// they were are not written. The joined fields are read-only. SupportContactName
// is was's for the same support contact; for another one it must be theirs, or
// empty to have it read from the store.
func (r *Repos) UpdateEventFrom(ctx context.Context, was domain.Event, e *domain.Event) error {
	const op = "update event"
	now, err := r.updateChanged(ctx, versioned{op: op, table: "events", entity: "event",
		id: e.ID, version: e.Version, readID: was.ID, readVersion: was.Version,
		was: eventColumns(&was), next: eventColumns(e), refs: r.eventRefs(e)})
	if err != nil {
		return err
	}
	e.StartAt, e.EndAt = stamp(e.StartAt), stamp(e.EndAt)
	e.Version++
	e.UpdatedAt = now
	switch {
	case e.SupportContactID == nil:
		e.SupportContactName = ""
	case was.SupportContactID != nil && *was.SupportContactID == *e.SupportContactID:
		e.SupportContactName = was.SupportContactName
	case e.SupportContactName == "":
		e.SupportContactName, err = r.userName(ctx, op, *e.SupportContactID)
	}
	return err
}

// DeleteEvent deletes an event.
func (r *Repos) DeleteEvent(ctx context.Context, id domain.ID) error {
	return r.deleteRow(ctx, "delete event", "events", "event", id)
}

// ListEvents lists events by start time, then id. A search page reads at most
// a window of the list (searchWithin).
func (r *Repos) ListEvents(ctx context.Context, f domain.EventFilter) (domain.List[domain.Event], error) {
	order := keyOrder{list: "events", keyCol: "e.start_at", idCol: "e.id", timeKey: true}
	after, more, err := decodeCursor(f.After, order.list)
	if err != nil {
		return domain.List[domain.Event]{}, err
	}
	var w where
	if f.ContractID != 0 {
		w.add("e.contract_id = ?", f.ContractID)
	}
	if f.SupportContactID != 0 {
		w.add("e.support_contact_id = ?", f.SupportContactID)
	}
	if f.WithoutSupport {
		w.add("e.support_contact_id IS NULL")
	}
	// A cursor already past From bounds start_at from below: a second lower
	// bound would make SQLite range from the first one (From), reading every row
	// of the window before the page asked for.
	if f.From != nil && (!more || after.Time.Before(stamp(*f.From))) {
		w.add("e.start_at >= ?", stamp(*f.From))
	}
	if f.To != nil {
		w.add("e.start_at < ?", stamp(*f.To))
	}
	if more {
		order.after(&w, after)
	}
	query, from := r.joined(eventSelect), "FROM events e"
	if (f.WithoutSupport || f.SupportContactID != 0) && f.ContractID == 0 && r.mysql() {
		// Continued from a cursor, MariaDB reads the unassigned events by ref
		// (every one of them until the cursor: 40 ms at page 5 000 of a million
		// events) rather than by range from the cursor, unless told.
		from += " FORCE INDEX (ix_events_support_start)"
		query = strings.Replace(query, "FROM events e", from, 1)
	}
	end, err := r.searchWithin(ctx, &w, from, order, f.Search, "e.name", "e.location", "cu.full_name")
	if err != nil {
		return domain.List[domain.Event]{}, translate("list events", err)
	}
	size := f.Size()
	rows, err := scanRows[eventView](r.q(ctx).Raw(query+w.sql()+order.orderBy()+" LIMIT ?", append(w.args, size+1)...))
	if err != nil {
		return domain.List[domain.Event]{}, translate("list events", err)
	}
	return within(pageOf(rows, size, eventView.domain, func(last eventView) cursorKey {
		return cursorKey{List: order.list, Time: last.Row.StartAt.UTC(), ID: last.Row.ID}
	}), end, size), nil
}

// OverlappingEvents lists the events of a support collaborator whose period
// overlaps [start, end), other than exclude, by start time.
func (r *Repos) OverlappingEvents(ctx context.Context, supportID domain.ID, start, end time.Time, exclude domain.ID) ([]domain.Event, error) {
	var rows []eventView
	err := r.q(ctx).Raw(eventSelect+` WHERE e.support_contact_id = ? AND e.start_at < ? AND e.end_at > ? AND e.id <> ?
		ORDER BY e.start_at, e.id`, supportID, stamp(end), stamp(start), exclude).Scan(&rows).Error
	if err != nil {
		return nil, translate("overlapping events", err)
	}
	out := make([]domain.Event, len(rows))
	for i, row := range rows {
		out[i] = row.domain()
	}
	return out, nil
}

// CountUpcomingEvents counts a contract's events starting at or after t.
func (r *Repos) CountUpcomingEvents(ctx context.Context, contractID domain.ID, t time.Time) (int, error) {
	var n int64
	err := r.q(ctx).Raw("SELECT COUNT(*) FROM events WHERE contract_id = ? AND start_at >= ?", contractID, stamp(t)).Scan(&n).Error
	if err != nil {
		return 0, translate("count upcoming events", err)
	}
	return int(n), nil
}
