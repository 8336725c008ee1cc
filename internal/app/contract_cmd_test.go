package app

import (
	"strings"
	"testing"
)

func TestContractList(t *testing.T) {
	p := newCRM(t)
	p.loginAs(sales1)
	t.Run("as CSV, matching the golden file", func(t *testing.T) {
		res := p.mustRun("contract", "list", "--csv")
		golden(t, "contract-list.csv", res.stdout)
		header, rows := p.mustCSV("contract", "list", "--csv")
		if len(rows) != 18 || header[0] != "id" {
			t.Fatalf("%d rows, header %v", len(rows), header)
		}
	})
	t.Run("--unsigned lists the drafts", func(t *testing.T) {
		var got []contractRecord
		p.mustJSON(&got, "contract", "list", "--unsigned", "--json")
		if len(got) != 4 {
			t.Errorf("%d drafts, want 4", len(got))
		}
		for _, k := range got {
			if k.Status != "draft" || k.SignedAt != nil {
				t.Errorf("--unsigned lists contract %d, %s", k.ID, k.Status)
			}
		}
	})
	t.Run("--mine --unpaid lists my customers' contracts with something due", func(t *testing.T) {
		var got []contractRecord
		p.mustJSON(&got, "contract", "list", "--mine", "--unpaid", "--json")
		var ids []int64
		for _, k := range got {
			ids = append(ids, k.ID)
			if k.AmountDueCents <= 0 || k.SalesContactName != "Léa Fontaine" {
				t.Errorf("contract %d: due %s, sales %s", k.ID, k.AmountDue, k.SalesContactName)
			}
		}
		if len(got) != 4 {
			t.Errorf("contracts %v, want 4 (2, 3, 5, 6)", ids)
		}
	})
	t.Run("--customer and --status narrow the list", func(t *testing.T) {
		var got []contractRecord
		p.mustJSON(&got, "contract", "list", "--customer", "1", "--status", "signed", "--json")
		if len(got) != 1 || got[0].ID != 1 || got[0].TotalAmount != "12500.00" || got[0].TotalAmountCents != 1250000 || got[0].Currency != "EUR" {
			t.Errorf("customer 1's signed contracts: %+v", got)
		}
	})
	t.Run("--unsigned with another status is refused", func(t *testing.T) {
		failsWith(t, p.run("contract", "list", "--unsigned", "--status", "signed"), ExitUsage, "status")
	})
}

func TestContractShow(t *testing.T) {
	p := newCRM(t)
	p.loginAs(support2)
	res := p.mustRun("contract", "show", "1", "--json")
	golden(t, "contract-show.json", res.stdout)
	var got contractDetail
	p.mustJSON(&got, "contract", "show", "1", "--json")
	if got.Customer.Email != "kevin.casey@example.com" || len(got.Payments) != 2 || len(got.Events) != 2 || got.AmountDue != "0.00" {
		t.Errorf("contract show 1 --json: %+v", got)
	}
	if got.Payments[0].Amount != "5000.00" || got.Payments[0].AmountCents != 500000 {
		t.Errorf("first payment: %+v", got.Payments[0])
	}
	res = p.mustRun("contract", "show", "1")
	for _, want := range []string{"12 500.00 €", "Kevin Casey", "kevin.casey@example.com", "Payments (2)", "Events (2)"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("contract show 1 does not say %q:\n%s", want, res.stdout)
		}
	}
}

func TestContractCreateUpdatePay(t *testing.T) {
	p := newCRM(t)
	p.loginAs(manager1)
	var k contractRecord
	p.mustJSON(&k, "contract", "create", "--customer", "4", "--total", "1 234,5", "--json")
	if k.TotalAmount != "1234.50" || k.AmountDueCents != 123450 || k.Status != "draft" || k.CustomerName != "Nadia Haddad" {
		t.Errorf("create --json: %+v", k)
	}
	id := itoa(k.ID)

	res := p.mustRun("contract", "update", id, "--total", "2000")
	if !strings.Contains(res.stdout, "total 2 000.00 €, due 2 000.00 €") {
		t.Errorf("update says %q", res.stdout)
	}

	// The sales contact of the customer records a payment.
	p.loginAs(sales1)
	var paid paymentResult
	p.mustJSON(&paid, "contract", "pay", id, "500", "--received", "2026-05-01 10:00", "--json")
	if paid.AmountDue != "1500.00" || paid.Payment.Amount != "500.00" || paid.Payment.ReceivedAt != "2026-05-01T08:00:00Z" {
		t.Errorf("pay --json: %+v", paid)
	}
	t.Run("more than is due is refused, naming the amount", func(t *testing.T) {
		failsWith(t, p.run("contract", "pay", id, "1500.01"), ExitUsage, "amount", "1 500.00")
	})
	t.Run("a total below what was paid is refused", func(t *testing.T) {
		failsWith(t, p.run("contract", "update", id, "--total", "499.99"), ExitUsage, "total")
	})
	t.Run("a cancelled contract takes no payment", func(t *testing.T) {
		p.loginAs(manager1)
		failsWith(t, p.run("contract", "pay", "8", "100"), ExitConflict, "cancelled")
	})
}

func TestContractSign(t *testing.T) {
	t.Run("with --yes it signs, once", func(t *testing.T) {
		p := newCRM(t)
		p.loginAs(manager1)
		var k contractRecord
		p.mustJSON(&k, "contract", "sign", "2", "--yes", "--json")
		if k.Status != "signed" || k.SignedAt == nil || *k.SignedAt != "2026-05-04T09:30:00Z" {
			t.Errorf("sign --json: %+v", k)
		}
		failsWith(t, p.run("contract", "sign", "2", "--yes"), ExitConflict, "only a draft")
	})
	t.Run("without a terminal and without --yes it refuses and signs nothing", func(t *testing.T) {
		p := newCRM(t)
		p.loginAs(manager1)
		before := p.snapshot()
		failsWith(t, p.run("contract", "sign", "2"), ExitUsage, "--yes")
		if p.snapshot() != before {
			t.Error("a refused sign changed the database")
		}
	})
	t.Run("on a terminal the sales contact confirms and signs", func(t *testing.T) {
		p := newCRM(t)
		p.loginAs(sales1)
		p.terminal = true
		p.stdin = "no\n"
		res := p.run("contract", "sign", "6")
		if res.code != ExitUsage || !strings.Contains(res.stderr, "Sign contract 6 for Nadia Haddad, total 3 500.00 €? This cannot be undone. [y/N]") {
			t.Fatalf("exit %d, stderr:\n%s", res.code, res.stderr)
		}
		p.stdin = "y\n"
		res = p.mustRun("contract", "sign", "6")
		if !strings.Contains(res.stdout, "Signed contract 6 for Nadia Haddad on 2026-05-04 11:30 CEST.") {
			t.Errorf("sign says %q", res.stdout)
		}
	})
}

func TestContractCancel(t *testing.T) {
	p := newCRM(t)
	p.loginAs(sales1)
	var k contractRecord
	p.mustJSON(&k, "contract", "cancel", "6", "--yes", "--json")
	if k.Status != "cancelled" {
		t.Errorf("cancel --json: %+v", k)
	}
	t.Run("a contract with an upcoming event is not cancelled", func(t *testing.T) {
		failsWith(t, p.run("contract", "cancel", "5", "--yes"), ExitConflict, "upcoming")
	})
	t.Run("without a terminal and without --yes nothing is cancelled", func(t *testing.T) {
		before := p.snapshot()
		failsWith(t, p.run("contract", "cancel", "2"), ExitUsage, "--yes")
		if p.snapshot() != before {
			t.Error("a refused cancel changed the database")
		}
	})
}
