package ui_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/jedib0t/go-pretty/v6/text"

	"github.com/epic-events/crm/internal/ui"
)

type customerRow struct {
	Name, Email, Company, LastContact string
}

var customerColumns = []ui.Column[customerRow]{
	{Title: "Name", Value: func(c customerRow) string { return c.Name }},
	{Title: "Email", Value: func(c customerRow) string { return c.Email }},
	{Title: "Company", Value: func(c customerRow) string { return c.Company }},
	{Title: "Last contact", Value: func(c customerRow) string { return c.LastContact }, Fixed: true},
}

var longRows = []customerRow{
	{"Ada Lovelace", "ada@example.com", "Analytical Engines", "2026-11-02"},
	{
		"Maria Salomea Skłodowska-Curie de la Très Longue Famille Polonaise",
		"maria.salomea.sklodowska-curie@radioactive-research-institute.example.com",
		"Institut du Radium et des Recherches Extraordinairement Longues SARL",
		"2026-10-30",
	},
	{"生命保険 株式会社の担当者さま", "life@example.com", "東京海上日動火災保険株式会社東京本店", "2026-09-01"},
}

func renderTTY(t *testing.T, tb ui.Table[customerRow], width int) []string {
	t.Helper()
	var buf bytes.Buffer
	if err := tb.Render(&buf, ui.Display{TTY: true, Width: width}); err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
}

func TestTableOnATerminalFitsTheWidth(t *testing.T) {
	for _, width := range []int{80, 60, 40, 132} {
		t.Run("width "+strconv.Itoa(width), func(t *testing.T) {
			lines := renderTTY(t, ui.Table[customerRow]{Columns: customerColumns, Rows: longRows}, width)
			if len(lines) != 1+len(longRows) {
				t.Fatalf("got %d lines, want a header and %d rows:\n%s", len(lines), len(longRows), strings.Join(lines, "\n"))
			}
			for _, l := range lines {
				if w := text.StringWidthWithoutEscSequences(l); w > width {
					t.Errorf("line is %d columns wide, more than %d: %q", w, width, l)
				}
			}
			if !strings.Contains(lines[2], ui.Ellipsis) {
				t.Errorf("a long row is not cut with %q: %q", ui.Ellipsis, lines[2])
			}
		})
	}
	t.Run("a zero width means 80 columns", func(t *testing.T) {
		for _, l := range renderTTY(t, ui.Table[customerRow]{Columns: customerColumns, Rows: longRows}, 0) {
			if w := text.StringWidthWithoutEscSequences(l); w > ui.DefaultWidth {
				t.Errorf("line is %d columns wide: %q", w, l)
			}
		}
	})
}

func TestTableKeepsWhatFits(t *testing.T) {
	lines := renderTTY(t, ui.Table[customerRow]{Columns: customerColumns, Rows: longRows[:1]}, 80)
	want := []string{
		"NAME          EMAIL            COMPANY             LAST CONTACT",
		"Ada Lovelace  ada@example.com  Analytical Engines  2026-11-02",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

func TestTableFixedColumnsAreNotCut(t *testing.T) {
	lines := renderTTY(t, ui.Table[customerRow]{Columns: customerColumns, Rows: longRows}, 60)
	for i, l := range lines[1:] {
		if !strings.HasSuffix(l, longRows[i].LastContact) {
			t.Errorf("the date column was cut or moved: %q", l)
		}
	}
}

func TestTableRightAlignsAmounts(t *testing.T) {
	cols := []ui.Column[[2]string]{
		{Title: "Contract", Value: func(r [2]string) string { return r[0] }},
		{Title: "Due", Value: func(r [2]string) string { return r[1] }, Align: ui.AlignRight, Fixed: true},
	}
	var buf bytes.Buffer
	tb := ui.Table[[2]string]{Columns: cols, Rows: [][2]string{{"#1", "12 500.00 €"}, {"#2", "0.00 €"}}}
	if err := tb.Render(&buf, ui.Display{TTY: true}); err != nil {
		t.Fatal(err)
	}
	want := "CONTRACT          DUE\n#1        12 500.00 €\n#2             0.00 €\n"
	if buf.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestTableOffATerminalIsTabSeparated(t *testing.T) {
	rows := append([]customerRow{{"Tab\tand\nnew line", "x@example.com", "", "2026-01-01"}}, longRows...)
	var buf bytes.Buffer
	if err := (ui.Table[customerRow]{Columns: customerColumns, Rows: rows}).Render(&buf, ui.Display{TTY: false, Width: 40}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != len(rows) {
		t.Fatalf("got %d lines, want one per row and no header:\n%s", len(lines), buf.String())
	}
	if lines[0] != "Tab and new line\tx@example.com\t\t2026-01-01" {
		t.Errorf("cells with tabs or line breaks break the shape: %q", lines[0])
	}
	want := strings.Join([]string{longRows[1].Name, longRows[1].Email, longRows[1].Company, longRows[1].LastContact}, "\t")
	if lines[2] != want {
		t.Errorf("a long row was changed: %q, want %q", lines[2], want)
	}
}

func TestTableStripsControlCharacters(t *testing.T) {
	rows := []customerRow{{"Evil\x1b[2J\x1b]0;pwned\aName", "e@example.com", "", "2026-01-01"}}
	for _, tty := range []bool{true, false} {
		var buf bytes.Buffer
		if err := (ui.Table[customerRow]{Columns: customerColumns, Rows: rows}).Render(&buf, ui.Display{TTY: tty}); err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(buf.String(), "\x1b\a") {
			t.Errorf("tty=%v: stored data reaches the terminal as control characters: %q", tty, buf.String())
		}
	}
}

func TestEmptyTable(t *testing.T) {
	t.Run("on a terminal it says there is nothing to show", func(t *testing.T) {
		var buf bytes.Buffer
		_ = (ui.Table[customerRow]{Columns: customerColumns}).Render(&buf, ui.Display{TTY: true})
		if buf.String() != ui.NothingToShow+"\n" {
			t.Fatalf("got %q", buf.String())
		}
	})
	t.Run("off a terminal it prints nothing", func(t *testing.T) {
		var buf bytes.Buffer
		_ = (ui.Table[customerRow]{Columns: customerColumns}).Render(&buf, ui.Display{})
		if buf.Len() != 0 {
			t.Fatalf("got %q", buf.String())
		}
	})
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		in    string
		width int
		want  string
	}{
		{"Lovelace", 8, "Lovelace"},
		{"Lovelace", 5, "Love…"},
		{"Lovelace", 1, "…"},
		{"Lovelace", 0, ""},
		{"生命保険", 5, "生命…"},
	}
	for _, tt := range tests {
		if got := ui.Truncate(tt.in, tt.width); got != tt.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tt.in, tt.width, got, tt.want)
		}
	}
}
