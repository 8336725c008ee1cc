package ui_test

import (
	"context"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/ui"
	u "github.com/epic-events/crm/internal/ui/uitest"
)

var everyEntry = []string{ui.MenuCustomers, ui.MenuContracts, ui.MenuEvents, ui.MenuCollaborators, ui.MenuAudit, ui.MenuAccount, ui.MenuLogout, ui.MenuQuit}

func TestMainMenuIsBuiltFromTheRole(t *testing.T) {
	tests := []struct {
		name     string
		email    string
		offered  []string
		withheld []string
	}{
		{"management sees every entry", "manager1@epicevents.test", everyEntry, nil},
		{"sales sees neither collaborators nor the audit log", "sales1@epicevents.test",
			[]string{ui.MenuCustomers, ui.MenuContracts, ui.MenuEvents, ui.MenuAccount, ui.MenuLogout, ui.MenuQuit},
			[]string{ui.MenuCollaborators, ui.MenuAudit}},
		{"support sees neither collaborators nor the audit log", "support1@epicevents.test",
			[]string{ui.MenuCustomers, ui.MenuContracts, ui.MenuEvents, ui.MenuAccount, ui.MenuLogout, ui.MenuQuit},
			[]string{ui.MenuCollaborators, ui.MenuAudit}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.play(script(login(tt.email),
				u.Select("Main menu", ui.MenuQuit).Offering(tt.offered...).NotOffering(tt.withheld...)))
		})
	}
}

func TestAreaMenusOfferWhatTheRoleMayDo(t *testing.T) {
	tests := []struct {
		name     string
		email    string
		area     string
		offered  []string
		withheld []string
	}{
		{"sales create customers and have their own", "sales1@epicevents.test", ui.MenuCustomers,
			[]string{ui.CustomersAll, ui.CustomersMine, ui.CustomerNew}, nil},
		{"management create no customer", "manager1@epicevents.test", ui.MenuCustomers,
			[]string{ui.CustomersAll}, []string{ui.CustomersMine, ui.CustomerNew}},
		{"support create no customer", "support1@epicevents.test", ui.MenuCustomers,
			[]string{ui.CustomersAll}, []string{ui.CustomersMine, ui.CustomerNew}},
		{"management create contracts", "manager1@epicevents.test", ui.MenuContracts,
			[]string{ui.ContractsAll, ui.ContractsUnsigned, ui.ContractsUnpaid, ui.ContractNew}, []string{ui.ContractsMine}},
		{"sales filter their customers' contracts and create none", "sales1@epicevents.test", ui.MenuContracts,
			[]string{ui.ContractsAll, ui.ContractsMine, ui.ContractsUnsigned, ui.ContractsUnpaid}, []string{ui.ContractNew}},
		{"management see the events without support", "manager1@epicevents.test", ui.MenuEvents,
			[]string{ui.EventsUpcoming, ui.EventsAll, ui.EventsWithin, ui.EventsUnassigned}, []string{ui.EventNew, ui.EventsMine}},
		{"sales create events", "sales1@epicevents.test", ui.MenuEvents,
			[]string{ui.EventNew}, []string{ui.EventsUnassigned, ui.EventsMine}},
		{"support see their own events", "support1@epicevents.test", ui.MenuEvents,
			[]string{ui.EventsMine, ui.EventsAllMine}, []string{ui.EventNew, ui.EventsUnassigned}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.play(script(login(tt.email),
				u.Select("Main menu", tt.area),
				u.Select(tt.area, ui.Back).Offering(tt.offered...).NotOffering(tt.withheld...),
				u.Select("Main menu", ui.MenuQuit)))
		})
	}
}

func TestRecordActionsFollowOwnership(t *testing.T) {
	openKevin := []u.Step{
		u.Select("Main menu", ui.MenuCustomers),
		u.Select("Customers", ui.CustomersAll),
		u.SelectRow("All customers", "Kevin Casey"),
	}
	tests := []struct {
		name     string
		email    string
		offered  []string
		withheld []string
	}{
		{"his sales contact may update him but not reassign him", "sales1@epicevents.test",
			[]string{ui.CustomerUpdate, ui.CustomerContracts}, []string{ui.CustomerReassign, ui.CustomerContract}},
		{"another sales collaborator may only look", "sales2@epicevents.test",
			[]string{ui.CustomerContracts}, []string{ui.CustomerUpdate, ui.CustomerReassign, ui.CustomerContract}},
		{"management may reassign him and draft his contracts", "manager1@epicevents.test",
			[]string{ui.CustomerReassign, ui.CustomerContract}, []string{ui.CustomerUpdate}},
		{"support may only look", "support1@epicevents.test",
			[]string{ui.CustomerContracts}, []string{ui.CustomerUpdate, ui.CustomerReassign, ui.CustomerContract}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.play(script(login(tt.email), openKevin,
				u.Select("Customer Kevin Casey", ui.Back).Offering(tt.offered...).NotOffering(tt.withheld...),
				u.Back("All customers"), u.Back("Customers"), u.Back("Main menu")))
			w.mustSay("kevin.casey@example.com", "+33 6 12 34 56 78", "Cool Startup LLC", "Léa Fontaine",
				"12 500.00 €", "2026-05-28 19:00  Cool Startup summer")
		})
	}
}

func TestLogin(t *testing.T) {
	t.Run("a wrong password is said and asked again, then the header and what needs attention", func(t *testing.T) {
		w := newWorld(t)
		w.play(
			u.InputRejected("Email", "not-an-email", "Email must be an address"),
			u.Input("Email", "sales1@epicevents.test"),
			u.Password("Password", "wrong-password-1"),
			u.KeepDefault("Email", "sales1@epicevents.test"),
			u.Password("Password", demoPassword),
			u.Select("Main menu", ui.MenuQuit),
		)
		w.mustSay("✗ Invalid email or password.",
			"Logged in as Léa Fontaine · sales · sales1@epicevents.test",
			"! 2 contracts of your customers unsigned: #2 Kevin Casey, #6 Nadia Haddad",
			"! 2 contracts of your customers signed, not fully paid: #5 Antoine Lefèvre (6 400.00 € due), #3 Marion Dubois (6 900.50 € due)")
		if saved, _ := w.tokens.Load(); saved == "" {
			t.Error("the session was not saved")
		}
	})
	t.Run("three wrong logins end the program as unauthenticated", func(t *testing.T) {
		w := newWorld(t)
		var steps []u.Step
		for range ui.MaxLoginTries {
			steps = append(steps, u.Input("Email", "sales1@epicevents.test"), u.Password("Password", "wrong-password-1"))
		}
		err := w.run(u.New(t, steps...))
		if code(err) != domain.CodeUnauthenticated {
			t.Fatalf("Run = %v, want an unauthenticated error", err)
		}
	})
	t.Run("a locked account says until when, in local time", func(t *testing.T) {
		w := newWorld(t)
		var steps []u.Step
		for range ui.MaxLoginTries {
			steps = append(steps, u.Input("Email", "support2@epicevents.test"), u.Password("Password", "wrong-password-1"))
		}
		_ = w.run(u.New(t, steps...))
		_ = w.run(u.New(t, steps...))
		// The fifth failure locks for 15 minutes from 09:30 UTC: 11:45 in Paris.
		w.mustSay("locked after 5 failed logins, until 2026-05-04 11:45 (your time)")
	})
	t.Run("ctrl+c at the password goes back to the email; at the email it quits", func(t *testing.T) {
		w := newWorld(t)
		w.play(
			u.Input("Email", "sales1@epicevents.test"),
			u.Back("Password"),
			u.Back("Email"),
		)
	})
	t.Run("a saved session is resumed without asking", func(t *testing.T) {
		w := newWorld(t)
		w.play(script(login("support1@epicevents.test"), u.Select("Main menu", ui.MenuQuit)))
		w.play(u.Select("Main menu · Julien Moreau (support)", ui.MenuQuit))
		w.mustSay("! 1 event of yours in the next 7 days: Okafor Logistique staff evening (2026-05-06 21:00)")
	})
	t.Run("management are told of the events without support in the next 14 days", func(t *testing.T) {
		w := newWorld(t)
		w.clock.Advance(2 * 24 * time.Hour) // the Berlin reception, in 15 days at seeding, is now 13 days away
		w.play(script(login("manager1@epicevents.test"), u.Select("Main menu", ui.MenuQuit)))
		w.mustSay("! 1 event in the next 14 days without support: Schmidt & Partner Berlin reception")
	})
	t.Run("log out asks for a login again", func(t *testing.T) {
		w := newWorld(t)
		w.play(script(login("sales1@epicevents.test"),
			u.Select("Main menu", ui.MenuLogout),
			login("support1@epicevents.test"),
			u.Select("Main menu · Julien Moreau", ui.MenuQuit)))
		w.mustSay("Logged out.")
	})
}

func TestKeys(t *testing.T) {
	t.Run("ctrl+c goes back one menu at a time, and quits at the main menu", func(t *testing.T) {
		w := newWorld(t)
		w.play(script(login("sales1@epicevents.test"),
			u.Select("Main menu", ui.MenuCustomers),
			u.Select("Customers", ui.CustomerNew),
			u.Input("Full name", "Half Written"),
			u.Back("Email"),
			u.Back("Customers"),
			u.Back("Main menu")))
		a := w.actor("sales1@epicevents.test")
		if l, err := w.svc.Customers.List(context.Background(), a, domain.CustomerFilter{Search: "Half Written"}); err != nil || len(l.Items) != 0 {
			t.Errorf("an abandoned form wrote %v (%v)", l.Items, err)
		}
	})
	t.Run("ctrl+d quits from deep inside", func(t *testing.T) {
		w := newWorld(t)
		w.play(script(login("manager1@epicevents.test"),
			u.Select("Main menu", ui.MenuEvents),
			u.Select("Events", ui.EventsAll),
			u.Quit("All events")))
	})
}
