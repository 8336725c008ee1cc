package ui_test

import (
	"context"
	"testing"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/ui"
	u "github.com/epic-events/crm/internal/ui/uitest"
)

// Ctrl+C pressed while no prompt is open is a SIGINT, which reaches the
// menus as an interrupt (Config.OnInterrupt): it cancels the action under
// way, and the menu it was chosen in goes on.
func TestCtrlCWhileNoPromptIsOpen(t *testing.T) {
	newAda := []u.Step{
		u.Select("Main menu", ui.MenuCustomers),
		u.Select("Customers", ui.CustomerNew),
		u.Input("Full name", "Ada Lovelace"),
		u.Input("Email", "ada@example.com"),
		u.Input("Phone", "+44 20 7946 0000"),
		u.Input("Company", "Analytical Engines Ltd"),
	}
	backToQuit := []u.Step{u.Back("Customers"), u.Back("Main menu")}

	t.Run("during a save: nothing is written, and the Customers menu goes on", func(t *testing.T) {
		w := newWorld(t)
		var before map[string]int64
		interrupted := false
		p := &hooked{Prompter: u.New(t, script(login("sales1@epicevents.test"), newAda, backToQuit)...),
			label: "Company", fn: func() {
				before = w.rows()
				w.inTx = func() { // after the insert and its audit row, before the commit
					interrupted = true
					w.interrupt()
				}
			}}
		if err := w.run(p); err != nil {
			t.Fatalf("the menus ended with %v\n%s", err, p.Prompter.(*u.ScriptedPrompter).Transcript())
		}
		if !interrupted {
			t.Fatal("the save ran no transaction")
		}
		w.mustSay("✗ Cancelled: nothing more was done.")
		if contains(w.output(), "created") {
			t.Errorf("the menus said the customer was created:\n%s", w.output())
		}
		after := w.rows()
		for _, table := range []string{"customers", "audit_log"} {
			if after[table] != before[table] {
				t.Errorf("%s: %d rows before the cancelled save, %d after: the transaction was not rolled back", table, before[table], after[table])
			}
		}
		l, err := w.svc.Customers.List(context.Background(), w.actor("manager1@epicevents.test"), domain.CustomerFilter{Search: "ada@example.com"})
		if err != nil || len(l.Items) != 0 {
			t.Errorf("the cancelled customer exists: %v %v", l.Items, err)
		}
	})
	t.Run("while a page is read: back in the menu the list was chosen in", func(t *testing.T) {
		w := newWorld(t)
		p := &hooked{Prompter: u.New(t, script(login("sales1@epicevents.test"),
			u.Select("Main menu", ui.MenuCustomers),
			u.Select("Customers", ui.CustomersAll),
			backToQuit)...),
			label: "Customers", fn: func() { w.beforeList = func() { w.interrupt() } }}
		if err := w.run(p); err != nil {
			t.Fatalf("the menus ended with %v\n%s", err, p.Prompter.(*u.ScriptedPrompter).Transcript())
		}
		w.mustSay("✗ Cancelled: nothing more was done.")
	})
	t.Run("just after a page was read: the page is not shown, back in the menu", func(t *testing.T) {
		w := newWorld(t)
		p := &hooked{Prompter: u.New(t, script(login("sales1@epicevents.test"),
			u.Select("Main menu", ui.MenuCustomers),
			u.Select("Customers", ui.CustomersAll),
			// No "All customers · page 1": the question is not asked.
			backToQuit)...),
			label: "Customers", fn: func() { w.afterList = func() { w.interrupt() } }}
		if err := w.run(p); err != nil {
			t.Fatalf("the menus ended with %v\n%s", err, p.Prompter.(*u.ScriptedPrompter).Transcript())
		}
	})
	t.Run("between two actions it cancels nothing", func(t *testing.T) {
		w := newWorld(t)
		p := &hooked{Prompter: u.New(t, script(login("sales1@epicevents.test"),
			u.Select("Main menu", ui.MenuCustomers),
			u.Select("Customers", ui.CustomersMine),
			u.SelectRow("My customers", "Kevin Casey"),
			u.Select("Customer Kevin Casey", ui.Back),
			u.Back("My customers"),
			backToQuit)...),
			label: "Main menu", fn: func() { w.interrupt() }}
		if err := w.run(p); err != nil {
			t.Fatalf("the menus ended with %v\n%s", err, p.Prompter.(*u.ScriptedPrompter).Transcript())
		}
		if contains(w.output(), "Cancelled") {
			t.Errorf("an interrupt at the main menu cancelled something:\n%s", w.output())
		}
	})
}

// rows counts the rows of every table.
func (w *world) rows() map[string]int64 {
	w.t.Helper()
	counts, err := w.db.Counts(context.Background())
	if err != nil {
		w.t.Fatal(err)
	}
	out := map[string]int64{}
	for _, c := range counts {
		out[c.Table] = c.Rows
	}
	return out
}

func TestCtrlCWhileLoggingIn(t *testing.T) {
	w := newWorld(t)
	p := &hooked{Prompter: u.New(t, script(
		login("sales1@epicevents.test"),
		// The try was cancelled, and is not counted: the login is asked again.
		u.KeepDefault("Email", "sales1@epicevents.test"),
		u.Password("Password", demoPassword),
		u.Back("Main menu"))...),
		label: "Password", fn: func() { w.inTx = func() { w.interrupt() } }}
	if err := w.run(p); err != nil {
		t.Fatalf("the menus ended with %v\n%s", err, p.Prompter.(*u.ScriptedPrompter).Transcript())
	}
	w.mustSay("✗ Cancelled: nothing more was done.", "Logged in as Léa Fontaine")
	if u := w.user("sales1@epicevents.test"); u.FailedLogins != 0 {
		t.Errorf("the cancelled login counted as a failure: %d", u.FailedLogins)
	}
}
