package ui

import (
	"fmt"
	"io"
	"strings"

	"github.com/jedib0t/go-pretty/v6/text"
)

// Field is one line of a detail view: a customer's email, an event's notes.
type Field struct {
	Label string
	Value string
}

// RenderDetails writes a record's fields, one a line. On a terminal the
// labels are aligned and long values (an event's notes) wrap under their
// value's column within the width; elsewhere each line is "label<TAB>value",
// line breaks in the value turned into spaces, for scripts.
func RenderDetails(w io.Writer, d Display, fields []Field) error {
	if !d.TTY {
		for _, f := range fields {
			if _, err := fmt.Fprintf(w, "%s\t%s\n", clean(f.Label), clean(f.Value)); err != nil {
				return fmt.Errorf("render details: %w", err)
			}
		}
		return nil
	}
	labelWidth := 0
	for _, f := range fields {
		labelWidth = max(labelWidth, text.StringWidthWithoutEscSequences(clean(f.Label)))
	}
	labelWidth = min(labelWidth, d.Cols()/3)
	valueWidth := max(d.Cols()-labelWidth-2, 10)
	for _, f := range fields {
		label := text.Pad(Truncate(clean(f.Label), labelWidth), labelWidth, ' ')
		lines := wrapValue(f.Value, valueWidth)
		for i, l := range lines {
			if i > 0 {
				label = strings.Repeat(" ", labelWidth)
			}
			if _, err := fmt.Fprintln(w, strings.TrimRight(label+"  "+l, " ")); err != nil {
				return fmt.Errorf("render details: %w", err)
			}
		}
	}
	return nil
}

// wrapValue splits a value into lines of at most width columns, keeping the
// value's own line breaks and cutting words longer than a line.
func wrapValue(v string, width int) []string {
	var out []string
	for _, para := range strings.Split(strings.ReplaceAll(v, "\r\n", "\n"), "\n") {
		para = clean(para)
		if para == "" {
			out = append(out, "")
			continue
		}
		out = append(out, strings.Split(text.WrapSoft(para, width), "\n")...)
	}
	if len(out) == 0 {
		out = []string{""}
	}
	return out
}
