package ui_test

import (
	"context"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/ui"
	u "github.com/epic-events/crm/internal/ui/uitest"
)

func TestChangeOwnPassword(t *testing.T) {
	w := newWorld(t)
	w.play(login("support2@epicevents.test"),
		u.Select("Main menu", ui.MenuAccount),
		u.Select("My account", ui.AccountPassword),
		u.Password("Current password", "not my password"),
		u.Password("New password", "my brand new password"),
		u.Password("The same password again", "my brand new password"),
		u.Password("Current password", demoPassword), // only the refused field again
		u.Select("My account", ui.Back),
		u.Back("Main menu"))
	w.mustSay("Role support", "Employee number EE-0007", "✗ Current password is not your current password", "✓ Your password is changed")
	if _, _, err := w.svc.Auth.Login(context.Background(), "support2@epicevents.test", "my brand new password"); err != nil {
		t.Errorf("the new password does not log in: %v", err)
	}
}

func TestIdleSessionAsksThePasswordAgain(t *testing.T) {
	away := func(w *world, p *u.ScriptedPrompter) *hooked {
		return &hooked{Prompter: p, label: "Customers", fn: func() { w.clock.Advance(31 * time.Minute) }}
	}
	t.Run("after a pause the answer waits for the password, then runs", func(t *testing.T) {
		w := newWorld(t)
		w.idle = 30 * time.Minute
		p := u.New(t, script(login("sales1@epicevents.test"),
			u.Select("Main menu", ui.MenuCustomers),
			u.Select("Customers", ui.CustomersAll), // after the pause
			u.Password("Password", "wrong-password-1"),
			u.Password("Password", demoPassword),
			u.Back("All customers"),
			u.Back("Customers"), u.Back("Main menu"))...)
		if err := w.run(away(w, p)); err != nil {
			t.Fatal(err)
		}
		w.mustSay("You have been away for 30 minutes or more: enter the password of sales1@epicevents.test to go on.", "✗ Invalid email or password.")
	})
	t.Run("three wrong passwords after a pause log out", func(t *testing.T) {
		w := newWorld(t)
		w.idle = 30 * time.Minute
		steps := script(login("sales1@epicevents.test"), u.Select("Main menu", ui.MenuCustomers), u.Select("Customers", ui.CustomersAll))
		for range ui.MaxLoginTries {
			steps = append(steps, u.Password("Password", "wrong-password-1"))
		}
		err := w.run(away(w, u.New(t, steps...)))
		if code(err) != domain.CodeUnauthenticated {
			t.Fatalf("Run = %v, want unauthenticated", err)
		}
		if saved, _ := w.tokens.Load(); saved != "" {
			t.Error("the session was kept")
		}
	})
	t.Run("no pause, no question", func(t *testing.T) {
		w := newWorld(t)
		w.idle = 30 * time.Minute
		w.clock.Advance(29 * time.Minute)
		w.play(login("sales1@epicevents.test"), u.Select("Main menu", ui.MenuQuit))
	})
}

func TestAuditLog(t *testing.T) {
	w := newWorld(t)
	w.play(login("manager1@epicevents.test"),
		u.Select("Main menu", ui.MenuCustomers),
		u.Select("Customers", ui.CustomersAll),
		u.SelectRow("All customers", "Kevin Casey"),
		u.Select("Customer Kevin Casey", ui.CustomerReassign),
		u.SelectRow("Choose the new sales contact", "Hugo Bernard"),
		u.Confirm("Give Kevin Casey", true),
		u.Select("Customer Kevin Casey", ui.Back),
		u.Back("All customers"), u.Back("Customers"),
		u.Select("Main menu", ui.MenuAudit),
		u.Select("Audit log", ui.AuditEntity),
		u.Select("Which kind of record", "customer"),
		u.SelectRow("Audit log of customers", "customer.reassign"),
		u.Back("Audit log of customers"),
		u.Back("Audit log"), u.Back("Main menu"))
	w.mustSay("Who manager1@epicevents.test", "sales_contact Léa Fontaine (#3) → Hugo Bernard (#4)")
}

func TestAuditLogSinceADate(t *testing.T) {
	w := newWorld(t)
	p := w.play(login("manager1@epicevents.test"),
		u.Select("Main menu", ui.MenuAudit),
		u.Select("Audit log", ui.AuditSince),
		u.InputRejected("Since", "last week", "The date must be a date"),
		u.Input("Since", "2026-05-04"),
		u.Back("Audit log since 2026-05-04 00:00"),
		u.Back("Audit log"), u.Back("Main menu"))
	rows := itemsOf(p, "Audit log since 2026-05-04 00:00 · page 1")
	if len(rows) != 2 || !contains(rows[0], "manager1@epicevents.test") || !contains(rows[0], "login") {
		t.Errorf("the log since today: %q", rows)
	}
}
