package ui_test

import (
	"context"
	"testing"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
	"github.com/epic-events/crm/internal/ui"
	u "github.com/epic-events/crm/internal/ui/uitest"
)

func TestCreateCustomer(t *testing.T) {
	t.Run("sales create a customer after fixing bad input, then find it by search", func(t *testing.T) {
		w := newWorld(t)
		w.play(login("sales1@epicevents.test"),
			u.Select("Main menu", ui.MenuCustomers),
			u.Select("Customers", ui.CustomerNew),
			u.Input("Full name", "Ada Lovelace"),
			u.InputRejected("Email", "ada@", "Email must be an address such as name@example.com"),
			u.Input("Email", "kevin.casey@example.com"), // taken: the service refuses it
			u.InputRejected("Phone", "12", "Phone must have 6 to 20 digits"),
			u.Input("Phone", "+44 20 7946 0000"),
			u.Input("Company", "Analytical Engines Ltd"),
			// Only the refused field is asked again, with what was typed.
			u.InputRejected("Email", "", "Email is required"),
			u.Input("Email", "ada@example.com"),
			u.Select("Customer Ada Lovelace", ui.Back).Offering(ui.CustomerUpdate),
			u.Select("Customers", ui.CustomersMine),
			u.Select("My customers · page 1", ui.ActionSearch),
			u.Input("Search", "lovelace"),
			u.SelectRow(`My customers matching "lovelace"`, "Ada Lovelace"),
			u.Select("Customer Ada Lovelace", ui.Back),
			u.Back("My customers"),
			u.Back("Customers"),
			u.Back("Main menu"),
		)
		w.mustSay("✗ Email is already used by another customer", "✓ Customer Ada Lovelace created")
		c := w.customerByEmail("ada@example.com")
		if c.FullName != "Ada Lovelace" || c.Phone != "+44 20 7946 0000" || c.SalesContactName != "Léa Fontaine" {
			t.Errorf("created %+v", c)
		}
	})
}

func TestUpdateCustomer(t *testing.T) {
	openKevin := []u.Step{
		u.Select("Main menu", ui.MenuCustomers),
		u.Select("Customers", ui.CustomersMine),
		u.SelectRow("My customers", "Kevin Casey"),
	}
	t.Run("the current values are the defaults and only what changed is written", func(t *testing.T) {
		w := newWorld(t)
		w.play(login("sales1@epicevents.test"), openKevin,
			u.Select("Customer Kevin Casey", ui.CustomerUpdate),
			u.KeepDefault("Full name", "Kevin Casey"),
			u.KeepDefault("Email", "kevin.casey@example.com"),
			u.InputRejected("Phone", "call me", "Phone may hold only digits"),
			u.Input("Phone", "+33 6 99 99 99 99"),
			u.KeepDefault("Company", "Cool Startup LLC"),
			u.Select("Customer Kevin Casey", ui.Back),
			u.Back("My customers"), u.Back("Customers"), u.Back("Main menu"))
		w.mustSay("✓ Customer updated.", "Phone +33 6 99 99 99 99")
		if c := w.customerByEmail("kevin.casey@example.com"); c.Phone != "+33 6 99 99 99 99" || c.CompanyName != "Cool Startup LLC" {
			t.Errorf("after the update: %+v", c)
		}
	})
	t.Run("a change made elsewhere since the customer was opened is refused", func(t *testing.T) {
		w := newWorld(t)
		kevin := w.customerByEmail("kevin.casey@example.com")
		p := &hooked{Prompter: u.New(t, script(login("sales1@epicevents.test"), openKevin,
			u.Select("Customer Kevin Casey", ui.CustomerUpdate),
			u.KeepDefault("Full name", "Kevin Casey"),
			u.KeepDefault("Email", "kevin.casey@example.com"),
			u.Input("Phone", "+33 6 11 11 11 11"),
			u.KeepDefault("Company", "Cool Startup LLC"),
			// Back at the customer, now as the other terminal left him.
			u.Select("Customer Kevin Casey", ui.Back),
			u.Back("My customers"), u.Back("Customers"), u.Back("Main menu"))...),
			label: "Phone", fn: func() {
				other := "Kevin Casey-Smith"
				if _, err := w.svc.Customers.Update(context.Background(), w.actor("sales1@epicevents.test"), kevin.ID, kevin.Version, service.CustomerPatch{FullName: &other}); err != nil {
					t.Fatalf("the other terminal's update: %v", err)
				}
			}}
		if err := w.run(p); err != nil {
			t.Fatal(err)
		}
		w.mustSay("✗ Changed by someone else since you opened it; reload and try again.")
		if c := w.customerByEmail("kevin.casey@example.com"); c.Phone != kevin.Phone {
			t.Errorf("the stale update was written: %+v", c)
		}
	})
}

func TestReassignCustomer(t *testing.T) {
	openKevin := []u.Step{
		login("manager1@epicevents.test")[0], login("manager1@epicevents.test")[1],
		u.Select("Main menu", ui.MenuCustomers),
		u.Select("Customers", ui.CustomersAll),
		u.SelectRow("All customers", "Kevin Casey"),
		u.Select("Customer Kevin Casey", ui.CustomerReassign),
		u.Select("Choose the new sales contact", ui.ActionSearch),
		u.Input("Search", "Hugo"),
		u.SelectRow("Choose the new sales contact", "Hugo Bernard"),
	}
	leave := []u.Step{u.Select("Customer Kevin Casey", ui.Back), u.Back("All customers"), u.Back("Customers"), u.Back("Main menu")}
	t.Run("answering no changes nothing", func(t *testing.T) {
		w := newWorld(t)
		w.play(openKevin, u.Confirm("Give Kevin Casey, with their contracts, from Léa Fontaine to Hugo Bernard?", false), leave)
		if c := w.customerByEmail("kevin.casey@example.com"); c.SalesContactName != "Léa Fontaine" {
			t.Errorf("reassigned despite no: %+v", c)
		}
	})
	t.Run("management give a customer and their contracts to another sales collaborator", func(t *testing.T) {
		w := newWorld(t)
		w.play(openKevin, u.Confirm("Give Kevin Casey", true), leave)
		w.mustSay("✓ Kevin Casey is now looked after by Hugo Bernard.", "Sales contact Hugo Bernard")
		hugo := w.user("sales2@epicevents.test")
		l, err := w.svc.Contracts.List(context.Background(), w.actor("manager1@epicevents.test"), domain.ContractFilter{SalesContactID: hugo.ID, Search: "Kevin"})
		if err != nil || len(l.Items) != 2 {
			t.Errorf("Hugo's contracts of Kevin: %v %v", l.Items, err)
		}
	})
}
