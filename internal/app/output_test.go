package app

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/ui"
)

func TestCSVCellDefusesFormulas(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=1+2", "'=1+2"},
		{"+33 6 12 34 56 78", "'+33 6 12 34 56 78"},
		{"-5", "'-5"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tcmd", "'\tcmd"},
		{"\rcmd", "'\rcmd"},
		{"plain", "plain"},
		{"a=b", "a=b"},
		{"", ""},
		{"'quoted", "'quoted"},
	}
	for _, tt := range tests {
		if got := csvCell(tt.in); got != tt.want {
			t.Errorf("csvCell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWriteCSVQuotesWhatCSVMust(t *testing.T) {
	type row struct{ a, b string }
	cols := []csvColumn[row]{{"a", func(r row) string { return r.a }}, {"b", func(r row) string { return r.b }}}
	var buf bytes.Buffer
	must(t, writeCSV(&buf, cols, []row{{"x, y", "line\nbreak"}, {`say "hi"`, "=cmd"}}))
	got, err := csv.NewReader(&buf).ReadAll()
	must(t, err)
	want := [][]string{{"a", "b"}, {"x, y", "line\nbreak"}, {`say "hi"`, "'=cmd"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("read back %q, want %q", got, want)
	}
}

func TestWriteJSONError(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		code   string
		fields map[string]string
	}{
		{"invalid input keeps its fields", domain.Invalid("email", "must be an address"), "invalid", map[string]string{"email": "must be an address"}},
		{"a usage error is invalid", &usageError{err: fmt.Errorf("bad flag")}, "invalid", nil},
		{"not found", domain.NotFound("customer", 9), "not_found", nil},
		{"an unavailable database", domain.Errorf(domain.CodeUnavailable, "down"), "unavailable", nil},
		{"a bug hides its details", fmt.Errorf("secret detail"), "internal", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			writeJSONError(&buf, tt.err)
			var got errorRecord
			must(t, json.Unmarshal(buf.Bytes(), &got))
			if got.Error.Code != tt.code || fmt.Sprint(got.Error.Fields) != fmt.Sprint(tt.fields) {
				t.Errorf("got %+v, want code %s fields %v", got.Error, tt.code, tt.fields)
			}
			if strings.Contains(buf.String(), "secret detail") {
				t.Errorf("an internal error's details reached the output: %s", buf.String())
			}
		})
	}
}

func TestParseTime(t *testing.T) {
	paris, err := time.LoadLocation(testZone)
	must(t, err)
	tests := []struct {
		in   string
		want string // RFC 3339 UTC, or "" for a refusal
	}{
		{"2026-12-01 14:00", "2026-12-01T13:00:00Z"},
		{"2026-07-01 14:00", "2026-07-01T12:00:00Z"},
		{"2026-12-01T14:00", "2026-12-01T13:00:00Z"},
		{" 2026-12-01 14:00:30 ", "2026-12-01T13:00:30Z"},
		{"2026-12-01T14:00:00Z", "2026-12-01T14:00:00Z"},
		{"2026-12-01T14:00:00-05:00", "2026-12-01T19:00:00Z"},
		{"2026-12-01", ""},
		{"01/12/2026 14:00", ""},
		{"tomorrow", ""},
		{"2026-13-01 14:00", ""},
	}
	for _, tt := range tests {
		got, err := parseTime("start", tt.in, paris)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("parseTime(%q) = %v, want a refusal", tt.in, got)
		case tt.want == "" && !strings.Contains(err.Error(), "start"):
			t.Errorf("parseTime(%q): %v does not name the field", tt.in, err)
		case tt.want != "" && (err != nil || got.Format(time.RFC3339) != tt.want):
			t.Errorf("parseTime(%q) = %v, %v, want %s", tt.in, got, err, tt.want)
		}
	}
	since, err := parseSince("since", "2026-12-01", paris)
	if err != nil || since.Format(time.RFC3339) != "2026-11-30T23:00:00Z" {
		t.Errorf("parseSince of a date is %v, %v, want local midnight", since, err)
	}
}

func TestWalkToPageCostsOneQueryPerPage(t *testing.T) {
	// Seven items, pages of three: [1 2 3] [4 5 6] [7].
	fetch := func(queries *int) func(domain.Page) (domain.List[int], error) {
		return func(p domain.Page) (domain.List[int], error) {
			*queries++
			start := 0
			if p.After != "" {
				fmt.Sscan(string(p.After), &start)
			}
			var l domain.List[int]
			for i := start + 1; i <= min(start+p.Limit, 7); i++ {
				l.Items = append(l.Items, i)
			}
			if start+p.Limit < 7 {
				l.Next = domain.Cursor(fmt.Sprint(start + p.Limit))
			}
			return l, nil
		}
	}
	tests := []struct {
		page    int
		want    string
		queries int
	}{
		{1, "[1 2 3]", 1},
		{2, "[4 5 6]", 2},
		{3, "[7]", 3},
		{4, "[]", 3}, // past the end: the walk stops at the last page
	}
	for _, tt := range tests {
		queries := 0
		l, err := walkToPage(pageOptions{page: tt.page, limit: 3}, fetch(&queries))
		must(t, err)
		if got := fmt.Sprint(l.Items); got != tt.want && !(tt.want == "[]" && len(l.Items) == 0) {
			t.Errorf("page %d = %s, want %s", tt.page, got, tt.want)
		}
		if queries != tt.queries {
			t.Errorf("page %d took %d queries, want %d", tt.page, queries, tt.queries)
		}
	}
}

func TestRenameFieldsNamesTheFlags(t *testing.T) {
	err := renameFields(domain.FieldErrors{"full_name": "is required", "email": "is bad"}.Err(), customerFields)
	var de *domain.Error
	if !errors.As(err, &de) || de.Fields["name"] != "is required" || de.Fields["email"] != "is bad" || len(de.Fields) != 2 {
		t.Errorf("renamed: %v", err)
	}
	other := domain.NotFound("customer", 1)
	if renameFields(other, customerFields) != other {
		t.Error("an error without fields was changed")
	}
}

// On a terminal, every list fits 80 columns, however long what it shows.
func TestListTablesFitAnEightyColumnTerminal(t *testing.T) {
	d := ui.Display{TTY: true, Width: 80, Location: time.UTC}
	long := strings.Repeat("Très long nom ", 10)
	at := time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC)
	support := domain.ID(6)
	check := func(name, header string, rows []string) {
		t.Helper()
		for _, line := range append([]string{header}, rows...) {
			if n := utf8.RuneCountInString(line); n > 80 {
				t.Errorf("%s: a line is %d wide:\n%s", name, n, line)
			}
		}
	}
	h, rows := ui.Table[domain.Customer]{Columns: customerColumns(d), Rows: []domain.Customer{{ID: 123456, FullName: long, CompanyName: long, Email: long, SalesContactName: long, UpdatedAt: at}}}.Lines(80)
	check("customers", h, rows)
	h, rows = ui.Table[domain.Contract]{Columns: contractColumns(d), Rows: []domain.Contract{{ID: 123456, CustomerName: long, TotalAmount: domain.MaxMoney, AmountDue: domain.MaxMoney, Status: domain.ContractCancelled, SalesContactName: long, CreatedAt: at}}}.Lines(80)
	check("contracts", h, rows)
	h, rows = ui.Table[domain.Event]{Columns: eventColumns(d), Rows: []domain.Event{{ID: 123456, Name: long, CustomerName: long, StartAt: at, Location: long, Attendees: 100000, SupportContactID: &support, SupportContactName: long}}}.Lines(80)
	check("events", h, rows)
	h, rows = ui.Table[domain.Collaborator]{Columns: userColumns(d), Rows: []domain.Collaborator{{ID: 123456, EmployeeNumber: "EE-00000001", FullName: long, Email: long, Role: domain.RoleManagement, Active: true}}}.Lines(80)
	check("users", h, rows)
	h, rows = ui.Table[domain.AuditEntry]{Columns: auditColumns(d), Rows: []domain.AuditEntry{{At: at, ActorEmail: long, Action: "user.password_reset", Entity: "contract", EntityID: 123456, Changes: []domain.Change{{Field: "notes", Old: long, New: long}}}}}.Lines(80)
	check("audit", h, rows)
}
