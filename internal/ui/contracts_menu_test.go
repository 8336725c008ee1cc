package ui_test

import (
	"context"
	"testing"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/ui"
	u "github.com/epic-events/crm/internal/ui/uitest"
)

// nadiasContracts lists Nadia Haddad's contracts, newest first.
func (w *world) nadiasContracts() []domain.Contract {
	w.t.Helper()
	nadia := w.customerByEmail("nadia.haddad@example.com")
	l, err := w.svc.Contracts.List(context.Background(), w.actor("manager1@epicevents.test"), domain.ContractFilter{CustomerID: nadia.ID})
	if err != nil {
		w.t.Fatal(err)
	}
	return l.Items
}

func TestCreateSignAndPayAContract(t *testing.T) {
	w := newWorld(t)
	before := len(w.nadiasContracts())
	w.play(login("manager1@epicevents.test"),
		u.Select("Main menu", ui.MenuContracts),
		u.Select("Contracts", ui.ContractNew),
		// The customer is picked from a searchable list, never typed as an id.
		u.Select("Choose the customer of the new contract", ui.ActionSearch),
		u.Input("Search", "Haddad"),
		u.SelectRow("Choose the customer of the new contract", "Nadia Haddad"),
		u.InputRejected("Total amount", "1,234.56", "Total digit groups must be separated by spaces"),
		u.Input("Total amount", "3 000"),
		u.Select("Contract #19 of Nadia Haddad", ui.ContractSign).
			Offering(ui.ContractTotal, ui.ContractPay, ui.ContractSign, ui.ContractCancel).
			NotOffering(ui.ContractEvent),
		u.Confirm("Sign contract #19 of Nadia Haddad (3 000.00 €)? Signing cannot be undone.", true),
		u.Select("Contract #19", ui.ContractPay).NotOffering(ui.ContractSign),
		u.InputRejected("Amount received", "4000", "Amount must be at most 3 000.00 €"),
		u.Input("Amount received", "1000"),
		u.InputRejected("Received on", "2026-05-05", "must not be in the future"),
		u.Input("Received on", "2026-05-03 10:00"),
		u.Confirm("Record 1 000.00 € received on 2026-05-03 10:00 on contract #19?", true),
		u.Select("Contract #19", ui.ContractTotal),
		u.InputRejected("Total amount", "-5", "Total must not be negative"),
		u.Input("Total amount", "500"), // below what was paid: the service refuses
		u.Input("Total amount", "2500"),
		u.Select("Contract #19", ui.Back),
		u.Back("Contracts"),
		u.Back("Main menu"),
	)
	w.mustSay("✓ Contract #19 created for Nadia Haddad: 3 000.00 €, draft.",
		"✓ Contract #19 signed on 2026-05-04 11:30.",
		"✓ Payment recorded: 2 000.00 € is still due.",
		"✗ Total amount (€) must be at least 1 000.00 €, the amount already paid",
		"✓ The total is 2 500.00 €; 1 500.00 € is due.",
		"2026-05-03 10:00 1 000.00 € Claire Marchand")
	got := w.nadiasContracts()
	if len(got) != before+1 {
		t.Fatalf("Nadia has %d contracts, want %d", len(got), before+1)
	}
	c := got[0]
	if c.Status != domain.ContractSigned || c.TotalAmount != 2500_00 || c.AmountDue != 1500_00 {
		t.Errorf("the new contract: %+v", c)
	}
}

func TestCancelAContract(t *testing.T) {
	open := []u.Step{
		u.Select("Main menu", ui.MenuContracts),
		u.Select("Contracts", ui.ContractsUnsigned),
		u.SelectRow("Unsigned contracts (my customers)", "Nadia Haddad"),
	}
	w := newWorld(t)
	w.play(login("sales1@epicevents.test"), open,
		u.Select("Contract #6 of Nadia Haddad", ui.ContractCancel).Offering(ui.ContractSign),
		u.Confirm("Cancel contract #6", false),
		u.Select("Contract #6 of Nadia Haddad", ui.ContractCancel),
		u.Confirm("Cancel contract #6", true),
		u.Select("Contract #6 of Nadia Haddad", ui.Back).NotOffering(ui.ContractCancel, ui.ContractSign, ui.ContractPay, ui.ContractTotal),
		u.Back("Unsigned contracts"), u.Back("Contracts"), u.Back("Main menu"))
	w.mustSay("Nothing was changed.", "✓ Contract #6 cancelled.")
	if c := w.nadiasContracts()[0]; c.Status != domain.ContractCancelled {
		t.Errorf("contract #6 is %s", c.Status)
	}
}

func TestSalesFilterTheirContracts(t *testing.T) {
	w := newWorld(t)
	p := w.play(login("sales1@epicevents.test"),
		u.Select("Main menu", ui.MenuContracts),
		u.Select("Contracts", ui.ContractsUnpaid),
		u.Back("Signed, not fully paid (my customers)"),
		u.Back("Contracts"), u.Back("Main menu"))
	var rows []string
	for _, pr := range p.Shown() {
		if pr.Label == "Signed, not fully paid (my customers) · page 1" {
			rows = pr.Items
		}
	}
	want := []string{"Antoine Lefèvre", "Marion Dubois", ui.ActionSearch, ui.ActionBack}
	if len(rows) != len(want) {
		t.Fatalf("rows %q, want %d", rows, len(want))
	}
	for i, w := range want {
		if !contains(rows[i], w) {
			t.Errorf("row %d is %q, want it to show %q", i, rows[i], w)
		}
	}
}
