package ui

import (
	"os"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"golang.org/x/term"
)

// The size assumed for a terminal whose size cannot be read: the classic
// 80×24, which every screen of the program must fit.
const (
	DefaultWidth  = 80
	DefaultHeight = 24
)

// Display is what the ui knows about where it writes. The app detects it
// once (DetectDisplay) and passes it down; tests build one by hand.
type Display struct {
	TTY      bool           // a terminal: aligned, truncated tables; otherwise tab-separated
	Width    int            // columns; 0 means DefaultWidth
	Height   int            // rows; 0 means DefaultHeight
	Color    bool           // false when NO_COLOR is set or output is not a terminal
	Location *time.Location // the terminal's time zone; nil means UTC
}

// DetectDisplay describes f (usually os.Stdout). The caller decides about
// colour (NO_COLOR) and the time zone, so this package never reads the
// environment.
func DetectDisplay(f *os.File, color bool, loc *time.Location) Display {
	d := Display{Location: loc}
	if !IsTerminal(f) {
		return d
	}
	d.TTY, d.Color = true, color
	if w, h, err := term.GetSize(int(f.Fd())); err == nil {
		d.Width, d.Height = w, h
	}
	return d
}

// IsTerminal reports whether f is a terminal. The interactive mode must
// refuse to start when standard input is not one: it would wait on a pipe or
// spin on its end.
func IsTerminal(f *os.File) bool {
	return f != nil && term.IsTerminal(int(f.Fd()))
}

// Cols returns the usable width in columns.
func (d Display) Cols() int {
	if d.Width <= 0 {
		return DefaultWidth
	}
	return d.Width
}

// Rows returns the usable height in rows.
func (d Display) Rows() int {
	if d.Height <= 0 {
		return DefaultHeight
	}
	return d.Height
}

func (d Display) loc() *time.Location {
	if d.Location == nil {
		return time.UTC
	}
	return d.Location
}

// Time formats an instant (stored in UTC) in the terminal's time zone, to the
// minute: "2026-11-23 14:05". The zero time is shown as "-".
func (d Display) Time(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(d.loc()).Format("2006-01-02 15:04")
}

// Date formats the day of an instant in the terminal's time zone: "2026-11-23".
// The zero time is shown as "-".
func (d Display) Date(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(d.loc()).Format("2006-01-02")
}

// TimePtr is Time for optional instants (signed_at): nil is shown as "-".
func (d Display) TimePtr(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return d.Time(*t)
}

// Money formats an amount as the domain does everywhere: "12 500.00 €".
func Money(m domain.Money) string { return m.String() }
