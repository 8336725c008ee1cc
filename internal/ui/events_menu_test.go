package ui_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/service"
	"github.com/epic-events/crm/internal/ui"
	u "github.com/epic-events/crm/internal/ui/uitest"
)

func TestSalesCreateAnEventOnTheirSignedContract(t *testing.T) {
	w := newWorld(t)
	w.play(login("sales1@epicevents.test"),
		u.Select("Main menu", ui.MenuEvents),
		u.Select("Events", ui.EventNew),
		u.SelectRow("Choose the signed contract of the new event", "Marion Dubois"),
		u.InputRejected("Event name", "", "Event name is required"),
		u.Input("Event name", "Dubois & Fils tasting"),
		u.InputRejected("Starts", "10/06/2026 18h", "Start must be a date and time such as 2026-12-01 14:00"),
		u.Input("Starts", "2026-06-10 18:00"),
		u.InputRejected("Ends", "2026-06-10 17:00", "End must be after the start"),
		u.Input("Ends", "2026-06-10 22:30"),
		u.Input("Location", "12 Rue des Vignes, 75016 Paris"),
		u.InputRejected("Attendees", "-3", "Attendees must be between 0 and 100000"),
		u.InputRejected("Attendees", "forty", "Attendees must be a whole number"),
		u.Input("Attendees", "40"),
		u.Input("Notes", ""),
		u.Select("Event Dubois & Fils tasting", ui.Back).NotOffering(ui.EventUpdate, ui.EventAssign),
		u.Back("Events"), u.Back("Main menu"))
	w.mustSay("✓ Event Dubois & Fils tasting created", "Customer email marion.dubois@example.com", "Support contact none yet",
		"Starts 2026-06-10 18:00", "Ends 2026-06-10 22:30")
	e := w.eventNamed("Dubois & Fils tasting")
	if want := time.Date(2026, 6, 10, 16, 0, 0, 0, time.UTC); !e.StartAt.Equal(want) || e.Attendees != 40 || e.SupportContactID != nil {
		t.Errorf("created %+v; the start should be %s (typed in local time)", e, want)
	}
}

func TestManagementAssignSupportAndSeeTheOverlap(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	busy := w.eventNamed("Okafor Logistique staff evening") // support1's
	sales := w.actor("sales1@epicevents.test")
	antoine := w.customerByEmail("antoine.lefevre@example.com")
	contracts, err := w.svc.Contracts.List(ctx, sales, contractsOf(antoine.ID))
	if err != nil {
		t.Fatal(err)
	}
	signed := contracts.Items[0] // #5, signed and without events in the next days
	if _, err := w.svc.Events.Create(ctx, sales, signed.ID, service.EventInput{
		Name: "Overlap gala", StartAt: busy.StartAt.Add(time.Hour), EndAt: busy.EndAt.Add(time.Hour), Location: "Lyon", Attendees: 10,
	}); err != nil {
		t.Fatal(err)
	}
	w.play(login("manager1@epicevents.test"),
		u.Select("Main menu", ui.MenuEvents),
		u.Select("Events", ui.EventsUnassigned),
		u.SelectRow("Upcoming without support", "Overlap gala"),
		u.Select("Event Overlap gala", ui.EventAssign).NotOffering(ui.EventUpdate+"x", ui.EventReassign, ui.EventUnassign).Offering(ui.EventUpdate),
		u.SelectRow("Choose the support contact of Overlap gala", "Julien Moreau").NotOffering(),
		u.Select("Event Overlap gala", ui.EventReassign).Offering(ui.EventUnassign).NotOffering(ui.EventAssign),
		u.SelectRow("Choose the support contact", "Sofia Lambert"),
		u.Confirm("Give Overlap gala from Julien Moreau to Sofia Lambert?", true),
		u.Select("Event Overlap gala", ui.Back),
		u.Back("Upcoming without support"), u.Back("Events"), u.Back("Main menu"))
	w.mustSay("✓ Julien Moreau now supports Overlap gala.",
		`! Warning: overlaps event "Okafor Logistique staff evening"`,
		"✓ Sofia Lambert now supports Overlap gala.")
	if e := w.eventNamed("Overlap gala"); e.SupportContactName != "Sofia Lambert" {
		t.Errorf("support is %q", e.SupportContactName)
	}
}

func TestSupportUpdateTheirEventOnly(t *testing.T) {
	w := newWorld(t)
	e := w.eventNamed("Okafor Logistique staff evening")
	local := func(t time.Time) string { return t.In(paris).Format("2006-01-02 15:04") }
	w.play(login("support1@epicevents.test"),
		u.Select("Main menu", ui.MenuEvents),
		u.Select("Events", ui.EventsMine),
		u.SelectRow("My upcoming events", "Samuel Okafor"),
		u.Select("Event Okafor Logistique staff evening", ui.EventUpdate).NotOffering(ui.EventAssign, ui.EventReassign, ui.EventUnassign),
		u.KeepDefault("Event name", e.Name),
		u.KeepDefault("Starts", local(e.StartAt)),
		u.KeepDefault("Ends", local(e.EndAt)),
		u.KeepDefault("Location", e.Location),
		u.KeepDefault("Attendees", strconv.Itoa(e.Attendees)),
		u.Input("Notes", "Bring the badges."),
		u.Select("Event Okafor Logistique staff evening", ui.Back),
		u.Back("My upcoming events"),
		// Someone else's event: to be read, not changed.
		u.Select("Events", ui.EventsUpcoming),
		u.Select("Upcoming events", ui.ActionSearch),
		u.Input("Search", "wedding"),
		u.SelectRow("Upcoming events", "Chloé Martin"),
		u.Select("Event Chloé and Marc's wedding", ui.Back).NotOffering(ui.EventUpdate),
		u.Back("Upcoming events"), u.Back("Events"), u.Back("Main menu"))
	w.mustSay("✓ Event updated.", "Notes Bring the badges.")
	if got := w.eventNamed("Okafor Logistique staff evening"); got.Notes != "Bring the badges." || !got.StartAt.Equal(e.StartAt) {
		t.Errorf("after the update: %+v", got)
	}
}

func TestEventsOfTheNextDays(t *testing.T) {
	w := newWorld(t)
	p := w.play(login("support1@epicevents.test"),
		u.Select("Main menu", ui.MenuEvents),
		u.Select("Events", ui.EventsWithin),
		u.InputRejected("How many days ahead", "0", "must be between 1 and 3660"),
		u.InputRejected("How many days ahead", "a week", "must be a whole number"),
		u.Input("How many days ahead", "3"),
		u.Back("Events of the next 3 days"),
		u.Back("Events"), u.Back("Main menu"))
	rows := itemsOf(p, "Events of the next 3 days · page 1")
	if len(rows) != 3 || !contains(rows[0], "Samuel Okafor") {
		t.Errorf("the events of the next 3 days: %q", rows)
	}
}

func TestRemoveTheSupportContact(t *testing.T) {
	w := newWorld(t)
	open := []u.Step{
		u.Select("Events", ui.EventsUpcoming),
		u.Select("Upcoming events", ui.ActionSearch),
		u.Input("Search", "staff evening"),
		u.SelectRow("Upcoming events", "Samuel Okafor"),
	}
	w.play(login("manager1@epicevents.test"), u.Select("Main menu", ui.MenuEvents), open,
		u.Select("Event Okafor Logistique staff evening", ui.EventUnassign),
		u.Confirm("Leave Okafor Logistique staff evening without support", false),
		u.Select("Event Okafor Logistique staff evening", ui.EventUnassign),
		u.Confirm("Leave Okafor Logistique staff evening without support", true),
		u.Select("Event Okafor Logistique staff evening", ui.Back).Offering(ui.EventAssign).NotOffering(ui.EventUnassign),
		u.Back("Upcoming events"), u.Back("Events"), u.Back("Main menu"))
	w.mustSay("Nothing was changed.", "✓ Okafor Logistique staff evening has no support contact now.")
	if e := w.eventNamed("Okafor Logistique staff evening"); e.SupportContactID != nil {
		t.Errorf("still supported by %s", e.SupportContactName)
	}
}
