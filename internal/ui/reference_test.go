package ui_test

import (
	"context"
	"testing"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
	"github.com/epic-events/crm/internal/ui"
	u "github.com/epic-events/crm/internal/ui/uitest"
)

// fixedReporter answers every report with the same reference, as Sentry gives an event id.
type fixedReporter struct{ ref string }

func (r fixedReporter) Error(context.Context, error, *domain.Collaborator) string { return r.ref }

func (fixedReporter) Event(context.Context, string, *domain.Collaborator, map[string]string) {}

func TestAnUnexpectedErrorApologisesWithItsReferenceAndTheMenuGoesOn(t *testing.T) {
	tests := []struct {
		name string
		ref  string
		want string
	}{
		{"a reported bug names the reference of its event", "1a2b3c4d",
			"✗ Sorry, something unexpected went wrong and nothing more was done; please try again, and tell the developers if it happens again (reference 1a2b3c4d)."},
		{"a bug nothing was sent for is the bare apology", "",
			"✗ Sorry, something unexpected went wrong and nothing more was done; please try again, and tell the developers if it happens again."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.svc.Customers = service.NewCustomers(service.Deps{
				Store: txStore{DB: w.db, w: w}, Reporter: fixedReporter{tt.ref}, Now: w.clock.Now,
			})
			p := &hooked{Prompter: u.New(t, script(login("sales1@epicevents.test"),
				u.Select("Main menu", ui.MenuCustomers),
				u.Select("Customers", ui.CustomerNew),
				u.Input("Full name", "Ada Lovelace"),
				u.Input("Email", "ada@example.com"),
				u.Input("Phone", "+44 20 7946 0000"),
				u.Input("Company", "Analytical Engines Ltd"),
				// The menu goes on.
				u.Back("Customers"),
				u.Back("Main menu"))...),
				// The audit trail is lost once logged in: the save fails, unexpectedly.
				label: "Full name", fn: func() {
					if _, err := w.db.SQL().Exec("DROP TABLE audit_log"); err != nil {
						t.Fatal(err)
					}
				}}
			if err := w.run(p); err != nil {
				t.Fatalf("the menus ended with %v", err)
			}
			w.mustSay(tt.want)
		})
	}
}
