package ui

import (
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"
)

// Align places a cell's text in its column.
type Align int

const (
	AlignLeft Align = iota
	AlignRight
)

// Ellipsis ends every cell cut to fit its column.
const Ellipsis = "…"

// columnGap is the blank space between two columns: no borders, so that five
// or six columns still fit 80 characters.
const columnGap = 2

// defaultMin is how narrow a column may be squeezed when it says nothing:
// enough to recognise a name from its first letters.
const defaultMin = 8

// Column says how one column of a Table shows a row of type T.
type Column[T any] struct {
	Title string
	Value func(T) string
	Align Align
	// Fixed columns (dates, amounts, numbers) are never truncated: the other
	// columns give way. If even that cannot fit, they are cut too.
	Fixed bool
	// Min is the narrowest the column may be squeezed to before the fixed
	// columns give way; 0 means 8 (or its natural width when narrower).
	Min int
}

// Table shows rows of T in columns. On a terminal it is aligned and fits the
// width (long cells end in "…"); elsewhere it is tab-separated lines with no
// header and nothing cut, for scripts, as the GitHub CLI does.
type Table[T any] struct {
	Columns []Column[T]
	Rows    []T
}

// Render writes the table for d: aligned and within d's width on a terminal,
// tab-separated otherwise. On a terminal, an empty table says so.
func (t Table[T]) Render(w io.Writer, d Display) error {
	if !d.TTY {
		for _, r := range t.cells() {
			if _, err := fmt.Fprintln(w, strings.Join(r, "\t")); err != nil {
				return fmt.Errorf("render table: %w", err)
			}
		}
		return nil
	}
	if len(t.Rows) == 0 {
		_, err := fmt.Fprintln(w, NothingToShow)
		return err
	}
	header, rows := t.Lines(d.Cols())
	if _, err := fmt.Fprintln(w, header); err != nil {
		return fmt.Errorf("render table: %w", err)
	}
	for _, r := range rows {
		if _, err := fmt.Fprintln(w, r); err != nil {
			return fmt.Errorf("render table: %w", err)
		}
	}
	return nil
}

// NothingToShow is what an empty list says instead of an empty table.
const NothingToShow = "(nothing to show)"

// Lines lays the table out within width columns and returns its header line
// and one line per row, every line at most width wide, with no trailing
// blanks. The pager offers the row lines as Select items under the header.
func (t Table[T]) Lines(width int) (header string, rows []string) {
	cells := t.cells()
	titles := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		titles[i] = clean(c.Title)
	}
	widths := t.layout(width, titles, cells)

	tw := table.NewWriter()
	style := table.StyleDefault
	style.Options = table.Options{SeparateColumns: true}
	style.Box.PaddingLeft, style.Box.PaddingRight = "", ""
	style.Box.MiddleVertical = strings.Repeat(" ", columnGap)
	style.Format.Header = text.FormatUpper
	tw.SetStyle(style)

	configs := make([]table.ColumnConfig, len(t.Columns))
	head := make(table.Row, len(t.Columns))
	for i, c := range t.Columns {
		align := text.AlignLeft
		if c.Align == AlignRight {
			align = text.AlignRight
		}
		// WidthMin keeps the column as wide as budgeted even when every
		// visible cell is narrower, so the header and rows line up.
		configs[i] = table.ColumnConfig{Number: i + 1, Align: align, AlignHeader: align, WidthMin: widths[i]}
		head[i] = Truncate(titles[i], widths[i])
	}
	tw.SetColumnConfigs(configs)
	tw.AppendHeader(head)
	for _, r := range cells {
		row := make(table.Row, len(r))
		for i, cell := range r {
			row[i] = Truncate(cell, widths[i])
		}
		tw.AppendRow(row)
	}
	lines := strings.Split(tw.Render(), "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	if len(lines) == 0 {
		return "", nil
	}
	return lines[0], lines[1:]
}

// cells turns every row into its cleaned cell strings.
func (t Table[T]) cells() [][]string {
	out := make([][]string, len(t.Rows))
	for r, row := range t.Rows {
		out[r] = make([]string, len(t.Columns))
		for i, c := range t.Columns {
			if c.Value != nil {
				out[r][i] = clean(c.Value(row))
			}
		}
	}
	return out
}

// layout budgets each column's width so that the line, gaps included, fits
// width: the widest flexible column gives up a character at a time until
// everything fits, then, if needed, the fixed ones do.
func (t Table[T]) layout(width int, titles []string, cells [][]string) []int {
	n := len(t.Columns)
	if n == 0 {
		return nil
	}
	natural := make([]int, n)
	for i := range t.Columns {
		natural[i] = max(1, text.StringWidthWithoutEscSequences(titles[i]))
		for _, r := range cells {
			natural[i] = max(natural[i], text.StringWidthWithoutEscSequences(r[i]))
		}
	}
	avail := max(width-columnGap*(n-1), n)
	floor := make([]int, n)
	for i, c := range t.Columns {
		switch {
		case c.Fixed:
			floor[i] = natural[i]
		case c.Min > 0:
			floor[i] = min(c.Min, natural[i])
		default:
			floor[i] = min(defaultMin, natural[i])
		}
	}
	widths := make([]int, n)
	total := 0
	for i := range natural {
		widths[i] = min(natural[i], avail)
		total += widths[i]
	}
	// First squeeze down to each column's floor, then down to one character.
	for _, limit := range [][]int{floor, ones(n)} {
		for total > avail {
			i := widest(widths, limit)
			if i < 0 {
				break
			}
			widths[i]--
			total--
		}
	}
	return widths
}

func ones(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = 1
	}
	return out
}

// widest returns the widest column still above its limit (the last one on a
// tie, so the leftmost, most telling columns keep their width), or -1.
func widest(widths, limit []int) int {
	best := -1
	for i, w := range widths {
		if w > limit[i] && (best < 0 || w >= widths[best]) {
			best = i
		}
	}
	return best
}

// Truncate cuts s to at most width display columns, ending it with "…" when
// something was cut.
func Truncate(s string, width int) string {
	if width <= 0 {
		return ""
	}
	return text.Snip(s, width, Ellipsis)
}

// clean makes a value safe and single-line for a table cell: line breaks and
// tabs become spaces (they would break the shape), and other control
// characters are dropped, so stored data can never send escape sequences to
// the user's terminal.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case unicode.IsControl(r):
			return -1
		default:
			return r
		}
	}, s)
}
