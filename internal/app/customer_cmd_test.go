package app

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var rewriteGolden = flag.Bool("rewrite-golden", false, "rewrite the golden files of the commands' JSON and CSV output")

// golden compares got with testdata/name, or rewrites it with -rewrite-golden.
// The demo data is dated from the tests' fixed clock, so the output is stable.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *rewriteGolden {
		must(t, os.MkdirAll("testdata", 0o755))
		must(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the tests with -rewrite-golden to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from its golden file (run with -rewrite-golden if the change is meant):\n--- want\n%s\n--- got\n%s", name, want, got)
	}
}

func TestCustomerList(t *testing.T) {
	p := newCRM(t)
	p.loginAs(sales1)

	t.Run("as a table, one line per customer by name", func(t *testing.T) {
		res := p.mustRun("customer", "list")
		lines := strings.Split(strings.TrimSpace(res.stdout), "\n")
		if len(lines) != 12 {
			t.Fatalf("%d lines, want the 12 demo customers:\n%s", len(lines), res.stdout)
		}
		// Not a terminal: tab-separated cells, no header, nothing cut.
		if want := "3\tAntoine Lefèvre\tLumière Productions\tantoine.lefevre@example.com\tLéa Fontaine\t"; !strings.HasPrefix(lines[0], want) {
			t.Errorf("first line %q, want it to start %q", lines[0], want)
		}
	})
	t.Run("as JSON, matching the golden file", func(t *testing.T) {
		res := p.mustRun("customer", "list", "--json")
		golden(t, "customer-list.json", res.stdout)
		var got []customerRecord
		p.mustJSON(&got, "customer", "list", "--json")
		if len(got) != 12 || got[0].FullName != "Antoine Lefèvre" || got[0].SalesContactName != "Léa Fontaine" || !strings.HasSuffix(got[0].UpdatedAt, "Z") {
			t.Errorf("customer list --json: %+v", got)
		}
	})
	t.Run("as CSV with a header, matching the golden file and defusing formulas", func(t *testing.T) {
		res := p.mustRun("customer", "list", "--csv")
		golden(t, "customer-list.csv", res.stdout)
		header, rows := p.mustCSV("customer", "list", "--csv")
		if strings.Join(header, ",") != "id,full_name,email,phone,company_name,sales_contact_id,sales_contact_name,created_at,updated_at" {
			t.Errorf("header %v", header)
		}
		if len(rows) != 12 {
			t.Fatalf("%d rows", len(rows))
		}
		for _, row := range rows {
			if row["full_name"] == "Kevin Casey" && row["phone"] != "'+33 6 12 34 56 78" {
				t.Errorf("a phone starting with + is not quoted against formulas: %q", row["phone"])
			}
		}
	})
	t.Run("--mine lists only one's own customers", func(t *testing.T) {
		var got []customerRecord
		p.mustJSON(&got, "customer", "list", "--mine", "--json")
		if len(got) != 4 {
			t.Errorf("sales1 has %d customers, want 4", len(got))
		}
		for _, c := range got {
			if c.SalesContactName != "Léa Fontaine" {
				t.Errorf("--mine lists %s, looked after by %s", c.FullName, c.SalesContactName)
			}
		}
	})
	t.Run("--search narrows by name, email or company", func(t *testing.T) {
		var got []customerRecord
		p.mustJSON(&got, "client", "list", "--search", "traiteur", "--json")
		if len(got) != 1 || got[0].FullName != "Marion Dubois" {
			t.Errorf("--search traiteur: %+v", got)
		}
	})
	t.Run("--page walks the pages and ends with an empty one", func(t *testing.T) {
		var names []string
		for page := 1; page <= 3; page++ {
			var got []customerRecord
			p.mustJSON(&got, "customer", "list", "--limit", "5", "--page", itoa(int64(page)), "--json")
			for _, c := range got {
				names = append(names, c.FullName)
			}
		}
		var all []customerRecord
		p.mustJSON(&all, "customer", "list", "--json")
		if len(names) != len(all) {
			t.Fatalf("the pages hold %d customers, the whole list %d", len(names), len(all))
		}
		for i := range all {
			if names[i] != all[i].FullName {
				t.Errorf("row %d: pages say %s, the whole list %s", i, names[i], all[i].FullName)
			}
		}
		var past []customerRecord
		p.mustJSON(&past, "customer", "list", "--limit", "5", "--page", "4", "--json")
		if past == nil || len(past) != 0 {
			t.Errorf("the page past the end is %v, want []", past)
		}
		res := p.mustRun("customer", "list", "--limit", "5")
		if !strings.Contains(res.stderr, "--page 2") {
			t.Errorf("a table with more pages does not say how to see the next one: %q", res.stderr)
		}
	})
	t.Run("--json and --csv together is a usage error", func(t *testing.T) {
		failsWith(t, p.run("customer", "list", "--json", "--csv"), ExitUsage)
	})
}

func TestCustomerShow(t *testing.T) {
	p := newCRM(t)
	p.loginAs(support1)
	var got customerDetail
	p.mustJSON(&got, "customer", "show", "1", "--json")
	if got.FullName != "Kevin Casey" || got.Phone != "+33 6 12 34 56 78" || len(got.Contracts) != 2 || len(got.Events) != 2 {
		t.Errorf("customer show 1 --json: %+v", got)
	}
	for _, k := range got.Contracts {
		if k.CustomerID != 1 {
			t.Errorf("contract %d of customer %d listed under customer 1", k.ID, k.CustomerID)
		}
	}
	res := p.mustRun("customer", "show", "1")
	for _, want := range []string{"Kevin Casey", "Cool Startup LLC", "Léa Fontaine", "Contracts (2)", "Events (2)"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("customer show 1 does not say %q:\n%s", want, res.stdout)
		}
	}
}

func TestCustomerCreate(t *testing.T) {
	p := newCRM(t)
	p.loginAs(sales1)
	res := p.mustRun("customer", "create", "--name", "Zoé Nouvelle", "--email", "Zoe@Example.com", "--phone", "+33 6 00 00 00 01", "--company", "=HYPERLINK(\"http://x.example.com\")")
	if !strings.HasPrefix(res.stdout, "Created customer 13: Zoé Nouvelle.") {
		t.Errorf("create says %q", res.stdout)
	}
	// Issue 5's "done when": the new customer is among mine.
	var mine []customerRecord
	p.mustJSON(&mine, "customer", "list", "--mine", "--json")
	found := false
	for _, c := range mine {
		if c.ID == 13 {
			found = c.Email == "zoe@example.com" && c.SalesContactName == "Léa Fontaine"
		}
	}
	if !found {
		t.Errorf("the new customer is not among mine, as created: %+v", mine)
	}
	_, rows := p.mustCSV("customer", "list", "--search", "Zoé", "--csv")
	if len(rows) != 1 || rows[0]["company_name"] != "'=HYPERLINK(\"http://x.example.com\")" {
		t.Errorf("a formula in a company name is not defused: %v", rows)
	}

	t.Run("an email already used is a conflict", func(t *testing.T) {
		failsWith(t, p.run("customer", "create", "--name", "X", "--email", "zoe@example.com", "--phone", "0102030405"), ExitConflict, "email")
	})
	t.Run("a missing required flag is a usage error naming it", func(t *testing.T) {
		failsWith(t, p.run("customer", "create", "--email", "y@example.com", "--phone", "0102030405"), ExitUsage, "name")
	})
	t.Run("--json prints the new customer", func(t *testing.T) {
		var c customerRecord
		p.mustJSON(&c, "customer", "create", "--name", "Yann", "--email", "yann@example.com", "--phone", "0102030405", "--json")
		if c.ID == 0 || c.FullName != "Yann" || c.SalesContactID == 0 {
			t.Errorf("create --json: %+v", c)
		}
	})
}

func TestCustomerUpdate(t *testing.T) {
	p := newCRM(t)
	p.loginAs(sales1)
	var c customerRecord
	p.mustJSON(&c, "customer", "update", "2", "--phone", "01 42 68 53 01", "--company", "", "--json")
	if c.Phone != "01 42 68 53 01" || c.CompanyName != "" || c.FullName != "Marion Dubois" {
		t.Errorf("update --json: %+v", c)
	}
	res := p.mustRun("customer", "update", "2", "--name", "Marion Dubois-Leroy")
	if !strings.Contains(res.stdout, "Updated customer 2: Marion Dubois-Leroy.") {
		t.Errorf("update says %q", res.stdout)
	}
	t.Run("without a field to change it is a usage error", func(t *testing.T) {
		failsWith(t, p.run("customer", "update", "2"), ExitUsage, "nothing to change")
	})
	t.Run("another customer's email is a conflict", func(t *testing.T) {
		failsWith(t, p.run("customer", "update", "2", "--email", "kevin.casey@example.com"), ExitConflict)
	})
}

func TestCustomerReassign(t *testing.T) {
	t.Run("with --yes management gives the customer and their contracts away", func(t *testing.T) {
		p := newCRM(t)
		p.loginAs(manager1)
		var c customerRecord
		p.mustJSON(&c, "customer", "reassign", "1", "--to", sales2, "--yes", "--json")
		if c.SalesContactName != "Hugo Bernard" {
			t.Errorf("after reassign: %+v", c)
		}
		var contracts []contractRecord
		p.mustJSON(&contracts, "contract", "list", "--customer", "1", "--json")
		for _, k := range contracts {
			if k.SalesContactName != "Hugo Bernard" {
				t.Errorf("contract %d stayed with %s", k.ID, k.SalesContactName)
			}
		}
	})
	t.Run("without a terminal and without --yes it refuses with exit 2 and changes nothing", func(t *testing.T) {
		p := newCRM(t)
		p.loginAs(manager1)
		before := p.snapshot()
		failsWith(t, p.run("customer", "reassign", "1", "--to", sales2), ExitUsage, "--yes")
		if p.snapshot() != before {
			t.Error("a refused reassign changed the database")
		}
	})
	t.Run("on a terminal it asks, and a no changes nothing", func(t *testing.T) {
		p := newCRM(t)
		p.loginAs(manager1)
		before := p.snapshot()
		p.terminal, p.stdin = true, "n\n"
		res := p.run("customer", "reassign", "1", "--to", sales2)
		if res.code != ExitUsage || !strings.Contains(res.stderr, "Give customer 1 (Kevin Casey) and their contracts to Hugo Bernard, instead of Léa Fontaine? [y/N]") {
			t.Errorf("exit %d, stderr:\n%s", res.code, res.stderr)
		}
		if p.snapshot() != before {
			t.Error("a declined reassign changed the database")
		}
		p.stdin = "yes\n"
		p.mustRun("customer", "reassign", "1", "--to", sales2)
		if p.snapshot() == before {
			t.Error("a confirmed reassign changed nothing")
		}
	})
}
