package ui_test

import (
	"context"
	"strings"
	"testing"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/ui"
	u "github.com/epic-events/crm/internal/ui/uitest"
)

// managerSet is the password a manager gave sales2 in these tests.
const managerSet = "chosen by the manager 1"

// resetSales2 has a manager give sales2 a new password, which sales2 must
// then replace with their own.
func resetSales2(w *world) {
	w.t.Helper()
	if err := w.svc.Users.ResetPassword(context.Background(), w.actor("manager1@epicevents.test"),
		w.user("sales2@epicevents.test").ID, managerSet); err != nil {
		w.t.Fatal(err)
	}
}

// A collaborator whose password a manager set chooses their own before the
// main menu: right after the login (the password just typed is the current
// one), or when the session is resumed (it is asked); Ctrl+C there logs out
// rather than reaching the menu.
func TestAPasswordSetByAManagerIsChangedBeforeTheMenu(t *testing.T) {
	t.Run("after the login, the new password first, then the menu", func(t *testing.T) {
		w := newWorld(t)
		resetSales2(w)
		w.play(u.Input("Email", "sales2@epicevents.test"), u.Password("Password", managerSet),
			u.Password("New password", "my very own password"),
			u.Password("The same password again", "my very own password"),
			u.Select("Main menu", ui.MenuQuit).Offering(ui.MenuCustomers))
		w.mustSay("! Your password was set by a manager: choose your own now", "✓ Your password is changed",
			"! 3 contracts of your customers signed, not fully paid")
		if strings.Contains(w.output(), "must be changed first") {
			t.Errorf("once changed, something was still refused:\n%s", w.output())
		}
		_, a, err := w.svc.Auth.Login(context.Background(), "sales2@epicevents.test", "my very own password")
		if err != nil || a.MustChangePassword {
			t.Errorf("the new password: %+v, %v; want it to log in, nothing more to change", a.Collaborator, err)
		}
	})
	t.Run("a resumed session asks the current password too", func(t *testing.T) {
		w := newWorld(t)
		resetSales2(w)
		token, _, err := w.svc.Auth.Login(context.Background(), "sales2@epicevents.test", managerSet)
		if err != nil {
			t.Fatal(err)
		}
		_ = w.tokens.Save(token)
		w.play(u.Password("Current password", managerSet),
			u.Password("New password", "my very own password"),
			u.Password("The same password again", "my very own password"),
			u.Select("Main menu · Hugo Bernard (sales)", ui.MenuQuit))
	})
	t.Run("Ctrl+C logs out and leaves, never reaching the menu", func(t *testing.T) {
		w := newWorld(t)
		resetSales2(w)
		var token string
		p := &hooked{Prompter: u.New(t, u.Input("Email", "sales2@epicevents.test"), u.Password("Password", managerSet),
			u.Back("New password")), label: "New password", fn: func() { token, _ = w.tokens.Load() }}
		if err := w.run(p); err != nil {
			t.Fatalf("Run = %v, want nil (quit)", err)
		}
		w.mustSay("Logged out.")
		if saved, _ := w.tokens.Load(); saved != "" {
			t.Error("the session was kept")
		}
		if _, err := w.svc.Auth.Authenticate(context.Background(), token); code(err) != domain.CodeUnauthenticated {
			t.Errorf("the session still opens: %v", err)
		}
	})
}
