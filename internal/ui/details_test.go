package ui_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/jedib0t/go-pretty/v6/text"

	"github.com/epic-events/crm/internal/ui"
)

var eventFields = []ui.Field{
	{Label: "Event", Value: "Product launch"},
	{Label: "Customer email", Value: "ada@example.com"},
	{Label: "Notes", Value: strings.Repeat("Bring the projector and twelve extension cords. ", 6) + "\nParking: level -2."},
}

func TestRenderDetails(t *testing.T) {
	t.Run("on a terminal labels align and long values wrap within the width", func(t *testing.T) {
		var buf bytes.Buffer
		if err := ui.RenderDetails(&buf, ui.Display{TTY: true, Width: 80}, eventFields); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
		if lines[0] != "Event           Product launch" || lines[1] != "Customer email  ada@example.com" {
			t.Fatalf("labels are not aligned:\n%s", buf.String())
		}
		if len(lines) < 6 {
			t.Fatalf("the notes did not wrap:\n%s", buf.String())
		}
		for _, l := range lines {
			if w := text.StringWidthWithoutEscSequences(l); w > 80 {
				t.Errorf("line is %d wide: %q", w, l)
			}
			if !strings.HasPrefix(l, "Event") && !strings.HasPrefix(l, "Customer") && !strings.HasPrefix(l, "Notes") &&
				!strings.HasPrefix(l, strings.Repeat(" ", 16)) {
				t.Errorf("a wrapped line is not under its value: %q", l)
			}
		}
		for _, l := range lines {
			if strings.HasSuffix(l, "projec") || strings.HasSuffix(l, " e") {
				t.Errorf("a word is cut at the end of a line: %q", l)
			}
		}
		if last := lines[len(lines)-1]; strings.TrimSpace(last) != "Parking: level -2." {
			t.Errorf("the value's own line break is lost: %q", last)
		}
	})
	t.Run("off a terminal it is one tab-separated line per field", func(t *testing.T) {
		var buf bytes.Buffer
		if err := ui.RenderDetails(&buf, ui.Display{}, eventFields); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
		if len(lines) != len(eventFields) || lines[1] != "Customer email\tada@example.com" {
			t.Fatalf("got:\n%s", buf.String())
		}
	})
}
