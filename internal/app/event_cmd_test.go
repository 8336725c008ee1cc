package app

import (
	"strings"
	"testing"
	"time"
)

func TestEventList(t *testing.T) {
	p := newCRM(t)
	p.loginAs(support1)
	t.Run("as JSON, matching the golden file", func(t *testing.T) {
		res := p.mustRun("event", "list", "--json")
		golden(t, "event-list.json", res.stdout)
	})
	t.Run("--unassigned lists the events without support", func(t *testing.T) {
		var got []eventRecord
		p.mustJSON(&got, "event", "list", "--unassigned", "--json")
		if len(got) != 5 {
			t.Errorf("%d events without support, want 5", len(got))
		}
		for _, e := range got {
			if e.SupportContactID != nil || e.SupportContactName != "" {
				t.Errorf("--unassigned lists event %d, supported by %s", e.ID, e.SupportContactName)
			}
		}
	})
	t.Run("--mine lists the events one supports", func(t *testing.T) {
		var got []eventRecord
		p.mustJSON(&got, "event", "list", "--mine", "--json")
		if len(got) != 6 {
			t.Errorf("support1 supports %d events, want 6", len(got))
		}
		for _, e := range got {
			if e.SupportContactName != "Julien Moreau" {
				t.Errorf("--mine lists event %d, supported by %s", e.ID, e.SupportContactName)
			}
		}
	})
	t.Run("--upcoming DAYS lists what starts from now to DAYS ahead", func(t *testing.T) {
		var got []eventRecord
		p.mustJSON(&got, "event", "list", "--upcoming", "30", "--json")
		if len(got) == 0 {
			t.Fatal("no upcoming event in the demo data")
		}
		for _, e := range got {
			start, err := time.Parse(time.RFC3339, e.StartAt)
			must(t, err)
			if start.Before(launchTime) || !start.Before(launchTime.AddDate(0, 0, 30)) {
				t.Errorf("event %d starts %s, outside the next 30 days", e.ID, e.StartAt)
			}
		}
	})
	t.Run("--contract lists one contract's events, as CSV", func(t *testing.T) {
		_, rows := p.mustCSV("event", "list", "--contract", "1", "--csv")
		if len(rows) != 2 || rows[0]["customer_name"] != "Kevin Casey" || rows[0]["contract_id"] != "1" {
			t.Errorf("contract 1's events: %v", rows)
		}
	})
}

func TestEventShow(t *testing.T) {
	p := newCRM(t)
	p.loginAs(sales2)
	var e eventRecord
	p.mustJSON(&e, "event", "show", "1", "--json")
	if e.CustomerName != "Kevin Casey" || e.CustomerEmail != "kevin.casey@example.com" || e.CustomerPhone != "+33 6 12 34 56 78" || e.SupportContactName != "Julien Moreau" {
		t.Errorf("event show 1 --json: %+v", e)
	}
	res := p.mustRun("event", "show", "2")
	for _, want := range []string{"Cool Startup summer party", "kevin.casey@example.com", "+33 6 12 34 56 78", "Support contact\t(none)"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("event show 2 does not say %q:\n%s", want, res.stdout)
		}
	}
}

func TestEventCreate(t *testing.T) {
	p := newCRM(t)
	p.loginAs(sales1)
	var e eventResult
	p.mustJSON(&e, "event", "create", "--contract", "5", "--name", "Festival closing night",
		"--start", "2026-12-01 18:00", "--end", "2026-12-01T23:30:00+01:00",
		"--location", "Institut Lumière, Lyon", "--attendees", "90", "--notes", "Cinema seats", "--json")
	// Paris is UTC+1 in December: local 18:00 is 17:00 UTC.
	if e.StartAt != "2026-12-01T17:00:00Z" || e.EndAt != "2026-12-01T22:30:00Z" || e.CustomerName != "Antoine Lefèvre" || e.SupportContactID != nil || e.Attendees != 90 {
		t.Errorf("event create --json: %+v", e)
	}
	t.Run("a draft contract gets no event", func(t *testing.T) {
		failsWith(t, p.run("event", "create", "--contract", "6", "--name", "N", "--start", "2026-12-01 18:00",
			"--end", "2026-12-01 20:00", "--location", "L", "--attendees", "1"), ExitUsage, "contract", "signed")
	})
	t.Run("a missing required flag is a usage error naming it", func(t *testing.T) {
		failsWith(t, p.run("event", "create", "--contract", "5", "--name", "N", "--start", "2026-12-01 18:00",
			"--end", "2026-12-01 20:00", "--location", "L"), ExitUsage, "attendees")
	})
}

func TestEventUpdateAndAssign(t *testing.T) {
	p := newCRM(t)
	p.loginAs(manager1)
	var e eventResult
	p.mustJSON(&e, "event", "assign", "2", "--support", support1, "--json")
	if e.SupportContactName != "Julien Moreau" || e.Warnings == nil || len(e.Warnings) != 0 {
		t.Errorf("assign --json: %+v", e)
	}

	// Support updates the event now assigned to them; moving it onto another
	// of their events is kept, with a warning.
	var other eventRecord
	p.mustJSON(&other, "event", "show", "13", "--json")
	p.loginAs(support1)
	res := p.mustRun("event", "update", "2", "--start", other.StartAt, "--end", other.EndAt, "--attendees", "130")
	if !strings.Contains(res.stdout, "Updated event 2") || !strings.Contains(res.stderr, "warning: overlaps event") {
		t.Errorf("update: stdout %q, stderr %q", res.stdout, res.stderr)
	}
	p.mustJSON(&e, "event", "show", "2", "--json")
	if e.StartAt != other.StartAt || e.Attendees != 130 || e.Name != "Cool Startup summer party" {
		t.Errorf("after update: %+v", e)
	}
	t.Run("notes can be removed with an empty value", func(t *testing.T) {
		p.mustJSON(&e, "event", "update", "2", "--notes", "", "--json")
		if e.Notes != "" {
			t.Errorf("notes: %q", e.Notes)
		}
	})
	t.Run("without a field to change it is a usage error", func(t *testing.T) {
		failsWith(t, p.run("event", "update", "2"), ExitUsage, "nothing to change")
	})
	t.Run("support may not update another's event", func(t *testing.T) {
		failsWith(t, p.run("event", "update", "3", "--attendees", "1"), ExitForbidden)
	})
}
