package app

import (
	"strings"
	"testing"
)

// CSV injection: a cell a spreadsheet would run as a formula (it starts with
// =, +, -, @, a tab or a carriage return) is exported with a leading quote, so
// that it is shown as text; every other cell is exported as it is.
func TestCSVCellsThatWouldBeFormulasAreDefused(t *testing.T) {
	for _, s := range []string{"=1+1", "+33 6 12 34 56 78", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "=HYPERLINK(\"http://x\")"} {
		if got := csvCell(s); got != "'"+s {
			t.Errorf("csvCell(%q) = %q, want %q", s, got, "'"+s)
		}
	}
	for _, s := range []string{"", "Acme", "1+1", "a=b", "'quoted", " =1", "100%", "Zoé"} {
		if got := csvCell(s); got != s {
			t.Errorf("csvCell(%q) = %q, want it unchanged", s, got)
		}
	}
}

// End to end: formulas typed into a customer's fields come out of `customer
// list --csv` defused, and a program reading the CSV gets the text back.
func TestCustomerCSVExportDefusesFormulas(t *testing.T) {
	p := newCRM(t)
	p.loginAs(sales1)
	fields := map[string]string{
		"full_name":    "@SUM(1+1)*cmd|' /C calc'!A0",
		"company_name": "=HYPERLINK(\"http://evil.example.com\",\"Click\")",
		"phone":        "+33 6 12 34 56 78",
	}
	p.mustRun("customer", "create", "--name", fields["full_name"], "--email", "formula@example.com",
		"--phone", fields["phone"], "--company", fields["company_name"])
	header, rows := p.mustCSV("customer", "list", "--mine", "--csv", "--search", "formula@example.com")
	if len(rows) != 1 {
		t.Fatalf("%d rows, want 1 (header %v)", len(rows), header)
	}
	for key, typed := range fields {
		got, ok := rows[0][key]
		if !ok {
			t.Fatalf("no column %s in %v", key, header)
		}
		if got != "'"+typed {
			t.Errorf("%s exported as %q, want %q", key, got, "'"+typed)
		}
		if strings.TrimPrefix(got, "'") != typed {
			t.Errorf("%s: the text is not kept behind the quote", key)
		}
	}
	if got := rows[0]["email"]; got != "formula@example.com" {
		t.Errorf("email exported as %q: an ordinary cell must be left alone", got)
	}
}
