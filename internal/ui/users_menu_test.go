package ui_test

import (
	"context"
	"testing"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/ui"
	u "github.com/epic-events/crm/internal/ui/uitest"
)

func openCollaborator(list, name string) []u.Step {
	return []u.Step{
		u.Select("Main menu", ui.MenuCollaborators),
		u.Select("Collaborators", list),
		u.SelectRow(list+" · page", name),
	}
}

func TestCreateACollaborator(t *testing.T) {
	w := newWorld(t)
	w.play(login("manager1@epicevents.test"),
		u.Select("Main menu", ui.MenuCollaborators),
		u.Select("Collaborators", ui.UserNew),
		u.Input("Full name", "Nina Petrova"),
		u.Input("Email", "sales1@epicevents.test"), // taken: refused by the service
		u.Select("Role", "sales"),
		u.InputRejected("Employee number", "42", "must look like EE-0042"),
		u.Input("Employee number", ""),
		u.Password("Initial password", "a long enough password"),
		u.Password("The same password again", "a long enough password"),
		u.Input("Email", "nina.petrova@epicevents.test"),
		u.Select("Collaborator Nina Petrova", ui.Back).Offering(ui.UserUpdate, ui.UserPassword, ui.UserDeactivate, ui.UserDelete),
		u.Back("Collaborators"), u.Back("Main menu"))
	w.mustSay("✗ Email (their login) is already used by another collaborator", "can now log in as nina.petrova@epicevents.test")
	if _, _, err := w.svc.Auth.Login(context.Background(), "nina.petrova@epicevents.test", "a long enough password"); err != nil {
		t.Errorf("the new collaborator cannot log in: %v", err)
	}
}

func TestDeactivateAndDeleteCollaborators(t *testing.T) {
	t.Run("deactivation asks first, and a deactivated collaborator can be reactivated", func(t *testing.T) {
		w := newWorld(t)
		w.play(login("manager1@epicevents.test"), openCollaborator(ui.UsersActive, "Amira Benali"),
			u.Select("Collaborator Amira Benali", ui.UserDeactivate),
			u.Confirm("Deactivate Amira Benali?", true),
			u.Select("Collaborator Amira Benali", ui.Back).Offering(ui.UserReactivate).NotOffering(ui.UserDeactivate),
			u.Back(ui.UsersActive),
			u.Select("Collaborators", ui.UsersInactive),
			u.SelectRow(ui.UsersInactive, "Amira Benali"),
			u.Select("Collaborator Amira Benali", ui.UserReactivate),
			u.Select("Collaborator Amira Benali", ui.Back).Offering(ui.UserDeactivate),
			u.Back(ui.UsersInactive), u.Back("Collaborators"), u.Back("Main menu"))
		w.mustSay("✓ Amira Benali is deactivated", "State deactivated", "✓ Amira Benali is active again")
		if _, _, err := w.svc.Auth.Login(context.Background(), "sales3@epicevents.test", demoPassword); err != nil {
			t.Errorf("the reactivated collaborator cannot log in: %v", err)
		}
	})
	t.Run("deleting someone who still looks after customers is refused with what they hold", func(t *testing.T) {
		w := newWorld(t)
		w.play(login("manager1@epicevents.test"), openCollaborator(ui.UsersAll, "Hugo Bernard"),
			u.Select("Collaborator Hugo Bernard", ui.UserDelete),
			u.Confirm("Delete Hugo Bernard (EE-0004) for good?", true),
			u.Select("Collaborator Hugo Bernard", ui.Back),
			u.Back(ui.UsersAll), u.Back("Collaborators"), u.Back("Main menu"))
		w.mustSay("✗ Hugo Bernard still looks after 4 customers: ")
		w.user("sales2@epicevents.test")
	})
	t.Run("a manager is offered neither deactivating nor deleting themselves", func(t *testing.T) {
		w := newWorld(t)
		w.play(login("manager1@epicevents.test"), openCollaborator(ui.UsersAll, "Claire Marchand"),
			u.Select("Collaborator Claire Marchand", ui.Back).NotOffering(ui.UserDeactivate, ui.UserDelete),
			u.Back(ui.UsersAll), u.Back("Collaborators"), u.Back("Main menu"))
	})
	t.Run("a collaborator deactivated while logged in is thrown out at the next action", func(t *testing.T) {
		w := newWorld(t)
		amira := w.user("sales3@epicevents.test")
		p := &hooked{Prompter: u.New(t, script(login("sales3@epicevents.test"),
			u.Select("Main menu", ui.MenuCustomers),
			u.Select("Customers", ui.CustomersAll))...),
			label: "Customers", fn: func() {
				if _, err := w.svc.Users.Deactivate(context.Background(), w.actor("manager1@epicevents.test"), amira.ID); err != nil {
					t.Fatal(err)
				}
			}}
		err := w.run(p)
		// Deactivation also ends the open sessions; the reason is what they hear.
		if code(err) != domain.CodeUnauthenticated || domain.ErrorMessage(err) != "your account has been deactivated" {
			t.Fatalf("Run = %v, want the account deactivated", err)
		}
		if saved, _ := w.tokens.Load(); saved != "" {
			t.Error("the session of a deactivated collaborator was kept")
		}
	})
}

func TestResetAPassword(t *testing.T) {
	w := newWorld(t)
	w.play(login("manager1@epicevents.test"), openCollaborator(ui.UsersActive, "Sofia Lambert"),
		u.Select("Collaborator Sofia Lambert", ui.UserPassword),
		u.Password("New password", "sofia's new password"),
		u.Password("The same password again", "sofia's new password"),
		u.Confirm("Set this password for Sofia Lambert?", true),
		u.Select("Collaborator Sofia Lambert", ui.Back),
		u.Back(ui.UsersActive), u.Back("Collaborators"), u.Back("Main menu"))
	if _, _, err := w.svc.Auth.Login(context.Background(), "support2@epicevents.test", "sofia's new password"); err != nil {
		t.Errorf("the reset password does not log in: %v", err)
	}
}

func TestUpdateACollaborator(t *testing.T) {
	w := newWorld(t)
	w.play(login("manager1@epicevents.test"), openCollaborator(ui.UsersAll, "Léa Fontaine"),
		// Moving her to support while she looks after customers is refused, with why.
		u.Select("Collaborator Léa Fontaine", ui.UserUpdate),
		u.KeepDefault("Full name", "Léa Fontaine"),
		u.InputRejected("Email", "lea@", "Email must be an address"),
		u.KeepDefault("Email", "sales1@epicevents.test"),
		u.Select("Role", "support"),
		u.Select("Collaborator Léa Fontaine", ui.UserUpdate),
		u.Input("Full name", "Léa Fontaine-Roux"),
		u.KeepDefault("Email", "sales1@epicevents.test"),
		u.Select("Role", "sales"),
		u.Select("Collaborator Léa Fontaine-Roux", ui.Back),
		u.Back(ui.UsersAll), u.Back("Collaborators"), u.Back("Main menu"))
	w.mustSay("✗ Léa Fontaine still looks after 4 customers", "reassign them before changing the role", "✓ Léa Fontaine updated.")
	if u := w.user("sales1@epicevents.test"); u.FullName != "Léa Fontaine-Roux" || u.Role != domain.RoleSales {
		t.Errorf("after the update: %+v", u)
	}
}
