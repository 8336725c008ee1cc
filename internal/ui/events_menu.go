package ui

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
)

// The events menu and the actions on an event.
const (
	EventsUpcoming   = "Upcoming events"
	EventsAll        = "All events"
	EventsWithin     = "Upcoming in the next N days"
	EventsUnassigned = "Upcoming without support"
	EventsMine       = "My upcoming events"
	EventsAllMine    = "All my events"
	EventNew         = "New event"
	EventUpdate      = "Update the event"
	EventAssign      = "Assign support"
	EventReassign    = "Change the support contact"
	EventUnassign    = "Remove the support contact"
	EventContract    = "Open the contract"
)

func (s *session) eventsMenu(ctx context.Context) error {
	pagers := map[string]*Pager[domain.Event]{}
	days := "7"
	for {
		a, err := s.who(ctx)
		if err != nil {
			return err
		}
		items := []string{EventsUpcoming, EventsAll, EventsWithin}
		if a.Holds(domain.PermEventAssign) {
			items = append(items, EventsUnassigned)
		}
		if assignedEvents(a) {
			items = append(items, EventsMine, EventsAllMine)
		}
		if a.Holds(domain.PermEventCreate) {
			items = append(items, EventNew)
		}
		choice, err := s.choose("Events", append(items, Back))
		if err != nil || choice == Back {
			return err
		}
		now := s.Now()
		err = s.act(ctx, func(ctx context.Context) error {
			var pg *Pager[domain.Event]
			switch choice {
			case EventNew:
				return s.newEvent(ctx)
			case EventsWithin:
				answer, err := s.p.Input("How many days ahead", days, countRule("The number of days", func(n int) error {
					if n < 1 || n > 3660 {
						return fmt.Errorf("must be between 1 and 3660")
					}
					return nil
				}))
				if err != nil {
					return err
				}
				days = answer
				n, _ := strconv.Atoi(days)
				from, to := upcoming(now, n)
				pg = s.eventPager(fmt.Sprintf("Events of the next %d days", n), domain.EventFilter{From: from, To: to})
			default:
				// The upcoming lists start from the moment they are first opened.
				if pg = pagers[choice]; pg == nil {
					f := map[string]domain.EventFilter{
						EventsUpcoming:   {From: &now},
						EventsAll:        {},
						EventsUnassigned: {WithoutSupport: true, From: &now},
						EventsMine:       {SupportContactID: a.ID, From: &now},
						EventsAllMine:    {SupportContactID: a.ID},
					}[choice]
					pg = s.eventPager(choice, f)
					pagers[choice] = pg
				}
			}
			return s.browseEvents(ctx, pg)
		})
		if err != nil {
			return err
		}
	}
}

// eventColumns shows events in a list; withCustomer adds whose they are.
func (s *session) eventColumns(withCustomer bool) []Column[domain.Event] {
	cols := []Column[domain.Event]{
		{Title: "#", Value: func(e domain.Event) string { return fmt.Sprint(e.ID) }, Align: AlignRight, Fixed: true},
		{Title: "Starts", Value: func(e domain.Event) string { return s.d.Time(e.StartAt) }, Fixed: true},
		{Title: "Event", Value: func(e domain.Event) string { return e.Name }, Min: 14},
	}
	if withCustomer {
		cols = append(cols, Column[domain.Event]{Title: "Customer", Value: func(e domain.Event) string { return e.CustomerName }})
	} else {
		cols = append(cols, Column[domain.Event]{Title: "Location", Value: func(e domain.Event) string { return e.Location }})
	}
	return append(cols, Column[domain.Event]{Title: "Support", Value: func(e domain.Event) string { return supportName(e) }})
}

func supportName(e domain.Event) string {
	if e.SupportContactID == nil {
		return "-"
	}
	return e.SupportContactName
}

func (s *session) eventPager(title string, f domain.EventFilter) *Pager[domain.Event] {
	search := listing(s, s.svc.Events.List, func(term string, p domain.Page) domain.EventFilter {
		f.Search, f.Page = term, p
		return f
	})
	return &Pager[domain.Event]{Title: title, Columns: s.eventColumns(true), Fetch: search(""), Search: search, Display: s.d}
}

func (s *session) browseEvents(ctx context.Context, pg *Pager[domain.Event]) error {
	return browse(ctx, s, pg, func(ctx context.Context, e domain.Event) error { return s.eventDetail(ctx, e.ID) })
}

// eventDetail shows an event with its customer's contact details and its
// support contact, and the actions the actor may take on it.
func (s *session) eventDetail(ctx context.Context, id domain.ID) error {
	for {
		a, err := s.who(ctx)
		if err != nil {
			return err
		}
		e, err := s.svc.Events.Get(ctx, a, id)
		if err != nil {
			return err
		}
		s.showEvent(e)
		perms := s.svc.Permissions
		var items []string
		if perms.CanUpdateEvent(a, e) {
			items = append(items, EventUpdate)
		}
		if perms.CanAssignSupport(a, e) {
			if e.SupportContactID == nil {
				items = append(items, EventAssign)
			} else {
				items = append(items, EventReassign, EventUnassign)
			}
		}
		items = append(items, EventContract)
		choice, err := s.choose("Event "+e.Name, append(items, Back))
		if err != nil || choice == Back {
			return err
		}
		err = s.act(ctx, func(ctx context.Context) error {
			switch choice {
			case EventUpdate:
				return s.updateEvent(ctx, e)
			case EventAssign, EventReassign:
				return s.assignSupport(ctx, e)
			case EventUnassign:
				return s.unassignSupport(ctx, e)
			case EventContract:
				return s.contractDetail(ctx, e.ContractID)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
}

func (s *session) showEvent(e domain.Event) {
	support := "none yet"
	if e.SupportContactID != nil {
		support = e.SupportContactName
	}
	s.say("")
	_ = RenderDetails(s.Out, s.d, []Field{
		{"Event", fmt.Sprintf("%s (#%d)", e.Name, e.ID)},
		{"Contract", fmt.Sprintf("#%d", e.ContractID)},
		{"Customer", e.CustomerName},
		{"Customer email", e.CustomerEmail},
		{"Customer phone", e.CustomerPhone},
		{"Support contact", support},
		{"Starts", s.d.Time(e.StartAt)},
		{"Ends", s.d.Time(e.EndAt)},
		{"Location", e.Location},
		{"Attendees", strconv.Itoa(e.Attendees)},
		{"Notes", orDash(e.Notes)},
		{"Last updated", s.d.Time(e.UpdatedAt)},
	})
	s.say("")
}

// eventFields is the event form, with e's values as defaults.
func (s *session) eventFields(e domain.Event) []*field {
	var start, end string
	if !e.StartAt.IsZero() {
		start, end = s.d.Time(e.StartAt), s.d.Time(e.EndAt)
	}
	fields := []*field{
		{key: "name", label: "Event name", value: e.Name, check: check("Event name", domain.ValidateName)},
		{key: "start_at", label: "Starts (YYYY-MM-DD HH:MM)", value: start, check: s.d.timeRule("Start", nil)},
		{key: "end_at", label: "Ends (YYYY-MM-DD HH:MM)", value: end},
		{key: "location", label: "Location", value: e.Location, check: check("Location", domain.ValidateLocation)},
		{key: "attendees", label: "Attendees", value: strconv.Itoa(e.Attendees), check: countRule("Attendees", domain.ValidateAttendees)},
		{key: "notes", label: "Notes (may be empty)", value: e.Notes, check: check("Notes", domain.ValidateNotes)},
	}
	startField := fields[1]
	fields[2].check = s.d.timeRule("End", func(t time.Time) error {
		if start, err := s.d.parseTime(startField.value); err == nil {
			return domain.ValidatePeriod(start, t)
		}
		return nil
	})
	return fields
}

// newEvent picks one of the actor's signed contracts, then asks the event.
func (s *session) newEvent(ctx context.Context) error {
	a, err := s.who(ctx)
	if err != nil {
		return err
	}
	f := domain.ContractFilter{Status: domain.ContractSigned}
	if ownScope(a, domain.PermEventCreate) {
		f.SalesContactID = a.ID
	}
	c, err := pick(ctx, s, "Choose the signed contract of the new event", s.contractColumns(false), s.contractSearch(f))
	if err != nil {
		return err
	}
	return s.newEventFor(ctx, c)
}

func (s *session) newEventFor(ctx context.Context, c domain.Contract) error {
	s.say("New event for %s.", s.contractLabel(c))
	fields := s.eventFields(domain.Event{})
	var created domain.Event
	err := s.fill(fields, func() error {
		a, err := s.who(ctx)
		if err != nil {
			return err
		}
		in := s.eventInput(fields)
		created, err = s.svc.Events.Create(ctx, a, c.ID, service.EventInput{
			Name: *in.Name, StartAt: *in.StartAt, EndAt: *in.EndAt, Location: *in.Location, Attendees: *in.Attendees, Notes: *in.Notes,
		})
		return err
	})
	if err != nil {
		return err
	}
	s.say("✓ Event %s created (#%d); management will assign its support.", created.Name, created.ID)
	return s.eventDetail(ctx, created.ID)
}

// eventInput reads the form's answers, every field set.
func (s *session) eventInput(fields []*field) service.EventPatch {
	v := values(fields)
	start, _ := s.d.parseTime(v["start_at"])
	end, _ := s.d.parseTime(v["end_at"])
	attendees, _ := strconv.Atoi(v["attendees"])
	name, location, notes := v["name"], v["location"], v["notes"]
	return service.EventPatch{Name: &name, StartAt: &start, EndAt: &end, Location: &location, Attendees: &attendees, Notes: &notes}
}

func (s *session) updateEvent(ctx context.Context, e domain.Event) error {
	fields := s.eventFields(e)
	var warnings []string
	changed := false
	err := s.fill(fields, func() error {
		a, err := s.who(ctx)
		if err != nil {
			return err
		}
		in := s.eventInput(fields)
		var p service.EventPatch
		p.Name = changedValue(e.Name, *in.Name)
		if !in.StartAt.Equal(e.StartAt) && fields[1].value != s.d.Time(e.StartAt) {
			p.StartAt = in.StartAt
		}
		if !in.EndAt.Equal(e.EndAt) && fields[2].value != s.d.Time(e.EndAt) {
			p.EndAt = in.EndAt
		}
		p.Location = changedValue(e.Location, *in.Location)
		if *in.Attendees != e.Attendees {
			p.Attendees = in.Attendees
		}
		p.Notes = changedValue(e.Notes, *in.Notes)
		changed = p != (service.EventPatch{})
		if !changed {
			return nil
		}
		_, warnings, err = s.svc.Events.Update(ctx, a, e.ID, e.Version, p)
		return err
	})
	if err != nil {
		return err
	}
	if !changed {
		s.say("Nothing was changed.")
		return nil
	}
	s.say("✓ Event updated.")
	s.warn(warnings)
	return nil
}

func (s *session) warn(warnings []string) {
	for _, w := range warnings {
		s.say("! Warning: %s", w)
	}
}

func (s *session) assignSupport(ctx context.Context, e domain.Event) error {
	to, err := s.pickCollaborator(ctx, "Choose the support contact of "+e.Name, domain.RoleSupport)
	if err != nil {
		return err
	}
	if e.SupportContactID != nil {
		if *e.SupportContactID == to.ID {
			s.say("%s already supports %s: nothing was changed.", to.FullName, e.Name)
			return nil
		}
		ok, err := s.confirm(fmt.Sprintf("Give %s from %s to %s?", e.Name, e.SupportContactName, to.FullName))
		if err != nil || !ok {
			return err
		}
	}
	a, err := s.who(ctx)
	if err != nil {
		return err
	}
	_, warnings, err := s.svc.Events.Assign(ctx, a, e.ID, to.ID)
	if err != nil {
		return err
	}
	s.say("✓ %s now supports %s.", to.FullName, e.Name)
	s.warn(warnings)
	return nil
}

func (s *session) unassignSupport(ctx context.Context, e domain.Event) error {
	ok, err := s.confirm(fmt.Sprintf("Leave %s without support (%s no longer supports it)?", e.Name, e.SupportContactName))
	if err != nil || !ok {
		return err
	}
	a, err := s.who(ctx)
	if err != nil {
		return err
	}
	if _, err := s.svc.Events.Unassign(ctx, a, e.ID); err != nil {
		return err
	}
	s.say("✓ %s has no support contact now.", e.Name)
	return nil
}
