package app

import (
	"strings"
	"testing"
)

func TestAuditList(t *testing.T) {
	p := newCRM(t)
	p.loginAs(sales1)
	p.mustRun("customer", "create", "--name", "Audited", "--email", "audited@example.com", "--phone", "0102030405")
	p.loginAs(manager1)
	p.mustRun("contract", "create", "--customer", "1", "--total", "100")

	t.Run("--entity narrows to one kind of record, newest first", func(t *testing.T) {
		var got []auditRecord
		p.mustJSON(&got, "audit", "list", "--entity", "customer", "--json")
		if len(got) != 1 || got[0].Action != "customer.create" || got[0].ActorEmail != sales1 || got[0].At != "2026-05-04T09:30:00Z" {
			t.Fatalf("audit list --entity customer: %+v", got)
		}
		changes := map[string]string{}
		for _, c := range got[0].Changes {
			changes[c.Field] = c.New
		}
		if changes["email"] != "audited@example.com" || changes["full_name"] != "Audited" {
			t.Errorf("changes: %+v", got[0].Changes)
		}
	})
	t.Run("--actor narrows to what one collaborator did", func(t *testing.T) {
		var got []auditRecord
		p.mustJSON(&got, "audit", "list", "--actor", manager1, "--json")
		if len(got) == 0 {
			t.Fatal("nothing done by manager1")
		}
		for _, e := range got {
			if e.ActorEmail != manager1 {
				t.Errorf("--actor %s lists %+v", manager1, e)
			}
		}
	})
	t.Run("--since leaves out what came before", func(t *testing.T) {
		var got []auditRecord
		p.mustJSON(&got, "audit", "list", "--since", "2026-05-05", "--json")
		if len(got) != 0 {
			t.Errorf("--since tomorrow lists %d entries", len(got))
		}
		p.mustJSON(&got, "audit", "list", "--since", "2026-05-04 11:30", "--json") // 09:30 UTC in Paris
		if len(got) == 0 {
			t.Error("--since the time of the changes lists nothing")
		}
	})
	t.Run("as CSV, the changes on one line", func(t *testing.T) {
		_, rows := p.mustCSV("audit", "list", "--entity", "contract", "--csv")
		if len(rows) != 1 || rows[0]["action"] != "contract.create" || !strings.Contains(rows[0]["changes"], "total_amount: 100.00") {
			t.Errorf("audit list --csv: %v", rows)
		}
	})
	t.Run("as a table", func(t *testing.T) {
		res := p.mustRun("audit", "list", "--entity", "contract")
		if !strings.Contains(res.stdout, "2026-05-04 11:30\tmanager1@epicevents.test\tcontract.create\tcontract 19") {
			t.Errorf("audit list:\n%s", res.stdout)
		}
	})
}
