package service

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/epic-events/crm/internal/domain"
)

// Events is the use cases of events: sales create them for their customers' signed
// contracts, management assigns support staff, support (their own) and management
// (any) keep them up to date.
type Events struct{ base }

// NewEvents builds the Events service.
func NewEvents(d Deps) *Events { return &Events{newBase(d)} }

// EventInput is what a sales collaborator types to create an event.
type EventInput struct {
	Name      string
	StartAt   time.Time
	EndAt     time.Time
	Location  string
	Attendees int
	Notes     string
}

// EventPatch changes the fields that are set and leaves the nil ones as they are.
type EventPatch struct {
	Name      *string
	StartAt   *time.Time
	EndAt     *time.Time
	Location  *string
	Attendees *int
	Notes     *string
}

// Create plans an event for a signed contract of one of the actor's customers.
func (s *Events) Create(ctx context.Context, actor Actor, contractID domain.ID, in EventInput) (domain.Event, error) {
	const what = "create events for this contract"
	if err := holdsOrDeny(actor, domain.PermEventCreate, what); err != nil {
		return domain.Event{}, err
	}
	var out domain.Event
	err := s.tx(ctx, actor, func(r Repos) error {
		// Locked so that the contract cannot be cancelled while its event is written.
		c, err := r.GetContractForUpdate(ctx, contractID)
		if err != nil {
			return fmt.Errorf("create event: contract %d: %w", contractID, err)
		}
		if err := authorize(actor, domain.PermEventCreate, domain.Subject{SalesContactID: c.SalesContactID}, what); err != nil {
			return err
		}
		e := domain.Event{
			ContractID: c.ID,
			Name:       strings.TrimSpace(in.Name),
			StartAt:    eventTime(in.StartAt),
			EndAt:      eventTime(in.EndAt),
			Location:   strings.TrimSpace(in.Location),
			Attendees:  in.Attendees,
			Notes:      strings.TrimSpace(in.Notes),
		}
		fe := validateEvent(e)
		if c.Status != domain.ContractSigned {
			fe.Add("contract", fmt.Sprintf("must be signed (contract %d is %s)", c.ID, c.Status))
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if err := r.CreateEvent(ctx, &e); err != nil {
			return fmt.Errorf("create event: %w", err)
		}
		var ch changeSet
		ch.add("contract", "", strconv.FormatInt(c.ID, 10))
		addEventFields(&ch, domain.Event{}, e)
		if err := s.audit(ctx, r, actor, "event.create", "event", e.ID, ch); err != nil {
			return err
		}
		// Read back for the customer's name, email and phone shown with an event.
		if out, err = r.GetEvent(ctx, e.ID); err != nil {
			return fmt.Errorf("create event: read back %d: %w", e.ID, err)
		}
		return nil
	})
	if err != nil {
		return domain.Event{}, err
	}
	return out, nil
}

// Update changes the event as it was at version: management any event, support
// only the events assigned to them. A stale version is refused with domain.ErrStale.
// When new dates make the event overlap another of its support collaborator's, the
// update is kept and the warnings name the other events.
func (s *Events) Update(ctx context.Context, actor Actor, id domain.ID, version int64, p EventPatch) (domain.Event, []string, error) {
	const what = "update this event"
	if err := holdsOrDeny(actor, domain.PermEventUpdate, what); err != nil {
		return domain.Event{}, nil, err
	}
	var out domain.Event
	var warnings []string
	err := s.tx(ctx, actor, func(r Repos) error {
		// The warnings are this run's own (see store.DB.Tx), handed out with out.
		warnings = nil
		e, err := r.GetEvent(ctx, id)
		if err != nil {
			return fmt.Errorf("update event %d: %w", id, err)
		}
		if err := authorize(actor, domain.PermEventUpdate, eventSubject(e), what); err != nil {
			return err
		}
		next := e
		if p.Name != nil {
			next.Name = strings.TrimSpace(*p.Name)
		}
		if p.StartAt != nil {
			next.StartAt = eventTime(*p.StartAt)
		}
		if p.EndAt != nil {
			next.EndAt = eventTime(*p.EndAt)
		}
		if p.Location != nil {
			next.Location = strings.TrimSpace(*p.Location)
		}
		if p.Attendees != nil {
			next.Attendees = *p.Attendees
		}
		if p.Notes != nil {
			next.Notes = strings.TrimSpace(*p.Notes)
		}
		if err := validateEvent(next).Err(); err != nil {
			return err
		}
		if e.Version != version {
			return domain.ErrStale
		}
		var ch changeSet
		addEventFields(&ch, e, next)
		if len(ch) == 0 {
			out = e
			return nil
		}
		if err := r.UpdateEventFrom(ctx, e, &next); err != nil {
			return fmt.Errorf("update event %d: %w", id, err)
		}
		if next.SupportContactID != nil && (!next.StartAt.Equal(e.StartAt) || !next.EndAt.Equal(e.EndAt)) {
			if warnings, err = overlapWarnings(ctx, r, *next.SupportContactID, next); err != nil {
				return err
			}
		}
		out = next
		return s.audit(ctx, r, actor, "event.update", "event", id, ch)
	})
	if err != nil {
		return domain.Event{}, nil, err
	}
	return out, warnings, nil
}

// Assign makes an active support collaborator the event's support contact. An
// overlap with another of their events does not stop it: the warnings name them.
func (s *Events) Assign(ctx context.Context, actor Actor, id, supportID domain.ID) (domain.Event, []string, error) {
	const what = "assign support to events"
	if err := holdsOrDeny(actor, domain.PermEventAssign, what); err != nil {
		return domain.Event{}, nil, err
	}
	var out domain.Event
	var warnings []string
	err := s.tx(ctx, actor, func(r Repos) error {
		e, err := r.GetEvent(ctx, id)
		if err != nil {
			return fmt.Errorf("assign event %d: %w", id, err)
		}
		if err := authorize(actor, domain.PermEventAssign, eventSubject(e), what); err != nil {
			return err
		}
		to, err := activeCollaborator(ctx, r, supportID, domain.RoleSupport, "support_contact")
		if err != nil {
			return err
		}
		if warnings, err = overlapWarnings(ctx, r, to.ID, e); err != nil {
			return err
		}
		if e.SupportContactID != nil && *e.SupportContactID == to.ID {
			out = e
			return nil
		}
		next := e
		next.SupportContactID, next.SupportContactName = &to.ID, to.FullName
		if err := r.UpdateEventFrom(ctx, e, &next); err != nil {
			return fmt.Errorf("assign event %d: %w", id, err)
		}
		var ch changeSet
		ch.add("support_contact", supportRef(e), collaboratorRef(to.ID, to.FullName))
		out = next
		return s.audit(ctx, r, actor, "event.assign", "event", id, ch)
	})
	if err != nil {
		return domain.Event{}, nil, err
	}
	return out, warnings, nil
}

// Unassign leaves the event without support, so that it shows among those to staff.
func (s *Events) Unassign(ctx context.Context, actor Actor, id domain.ID) (domain.Event, error) {
	const what = "assign support to events"
	if err := holdsOrDeny(actor, domain.PermEventAssign, what); err != nil {
		return domain.Event{}, err
	}
	var out domain.Event
	err := s.tx(ctx, actor, func(r Repos) error {
		e, err := r.GetEvent(ctx, id)
		if err != nil {
			return fmt.Errorf("unassign event %d: %w", id, err)
		}
		if err := authorize(actor, domain.PermEventAssign, eventSubject(e), what); err != nil {
			return err
		}
		if e.SupportContactID == nil {
			out = e
			return nil
		}
		next := e
		next.SupportContactID, next.SupportContactName = nil, ""
		if err := r.UpdateEventFrom(ctx, e, &next); err != nil {
			return fmt.Errorf("unassign event %d: %w", id, err)
		}
		var ch changeSet
		ch.add("support_contact", supportRef(e), "")
		out = next
		return s.audit(ctx, r, actor, "event.unassign", "event", id, ch)
	})
	if err != nil {
		return domain.Event{}, err
	}
	return out, nil
}

// Get reads one event, with its customer's contact details.
func (s *Events) Get(ctx context.Context, actor Actor, id domain.ID) (domain.Event, error) {
	if err := authorize(actor, domain.PermRead, domain.Subject{}, "read events"); err != nil {
		return domain.Event{}, err
	}
	var e domain.Event
	err := s.read(ctx, actor, func(r Repos) error {
		var err error
		if e, err = r.GetEvent(ctx, id); err != nil {
			return fmt.Errorf("get event %d: %w", id, err)
		}
		return nil
	})
	return e, err
}

// List reads one page of events. The filters of the menus: WithoutSupport (for
// management) and SupportContactID (a support collaborator's "my events").
func (s *Events) List(ctx context.Context, actor Actor, f domain.EventFilter) (domain.List[domain.Event], error) {
	if err := authorize(actor, domain.PermRead, domain.Subject{}, "read events"); err != nil {
		return domain.List[domain.Event]{}, err
	}
	var l domain.List[domain.Event]
	err := s.read(ctx, actor, func(r Repos) error {
		var err error
		if l, err = r.ListEvents(ctx, f); err != nil {
			return fmt.Errorf("list events: %w", err)
		}
		return nil
	})
	return l, err
}

// eventTime stores times in UTC to the second, so that both engines keep exactly
// what was written and comparisons between events agree.
func eventTime(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }

func validateEvent(e domain.Event) domain.FieldErrors {
	fe := domain.FieldErrors{}
	fe.Check("name", domain.ValidateName(e.Name))
	if e.StartAt.IsZero() {
		fe.Add("start_at", "is required")
	} else {
		fe.Check("start_at", domain.ValidateDate(e.StartAt))
	}
	if e.EndAt.IsZero() {
		fe.Add("end_at", "is required")
	} else if !e.StartAt.IsZero() {
		fe.Check("end_at", domain.ValidatePeriod(e.StartAt, e.EndAt))
	}
	if !e.EndAt.IsZero() {
		fe.Check("end_at", domain.ValidateDate(e.EndAt))
	}
	fe.Check("location", domain.ValidateLocation(e.Location))
	fe.Check("attendees", domain.ValidateAttendees(e.Attendees))
	fe.Check("notes", domain.ValidateNotes(e.Notes))
	return fe
}

func addEventFields(ch *changeSet, old, new domain.Event) {
	ch.add("name", old.Name, new.Name)
	ch.add("start_at", auditTime(old.StartAt), auditTime(new.StartAt))
	ch.add("end_at", auditTime(old.EndAt), auditTime(new.EndAt))
	ch.add("location", old.Location, new.Location)
	ch.add("attendees", strconv.Itoa(old.Attendees), strconv.Itoa(new.Attendees))
	ch.add("notes", old.Notes, new.Notes)
}

func auditTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func supportRef(e domain.Event) string {
	if e.SupportContactID == nil {
		return ""
	}
	return collaboratorRef(*e.SupportContactID, e.SupportContactName)
}

// overlapWarnings names the other events of supportID whose period overlaps e's.
func overlapWarnings(ctx context.Context, r Repos, supportID domain.ID, e domain.Event) ([]string, error) {
	others, err := r.OverlappingEvents(ctx, supportID, e.StartAt, e.EndAt, e.ID)
	if err != nil {
		return nil, fmt.Errorf("overlapping events of %d: %w", supportID, err)
	}
	var warnings []string
	for _, o := range others {
		warnings = append(warnings, fmt.Sprintf("overlaps event %q (#%d), %s to %s UTC, of the same support collaborator",
			o.Name, o.ID, o.StartAt.UTC().Format("2006-01-02 15:04"), o.EndAt.UTC().Format("2006-01-02 15:04")))
	}
	return warnings, nil
}
