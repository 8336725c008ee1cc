package ui_test

import (
	"os"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/ui"
)

func TestDisplayShowsTimesInTheTerminalsZone(t *testing.T) {
	utc := time.Date(2026, 11, 23, 23, 30, 0, 0, time.UTC)
	paris := time.FixedZone("CET", 3600)
	tests := []struct {
		name     string
		d        ui.Display
		wantTime string
		wantDate string
	}{
		{"a zone east of UTC moves to the next day", ui.Display{Location: paris}, "2026-11-24 00:30", "2026-11-24"},
		{"no zone means UTC", ui.Display{}, "2026-11-23 23:30", "2026-11-23"},
		{"a zone west of UTC", ui.Display{Location: time.FixedZone("EST", -5*3600)}, "2026-11-23 18:30", "2026-11-23"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.d.Time(utc); got != tt.wantTime {
				t.Errorf("Time = %q, want %q", got, tt.wantTime)
			}
			if got := tt.d.Date(utc); got != tt.wantDate {
				t.Errorf("Date = %q, want %q", got, tt.wantDate)
			}
			if got := tt.d.TimePtr(&utc); got != tt.wantTime {
				t.Errorf("TimePtr = %q, want %q", got, tt.wantTime)
			}
		})
	}
	t.Run("missing times are a dash", func(t *testing.T) {
		d := ui.Display{Location: paris}
		if d.Time(time.Time{}) != "-" || d.Date(time.Time{}) != "-" || d.TimePtr(nil) != "-" {
			t.Fatal("a zero or nil time is not shown as -")
		}
	})
}

func TestMoneyIsTheDomainFormat(t *testing.T) {
	if got := ui.Money(domain.Money(1250000)); got != "12 500.00 €" {
		t.Fatalf("Money = %q", got)
	}
}

func TestDisplaySize(t *testing.T) {
	if c, r := (ui.Display{}).Cols(), (ui.Display{}).Rows(); c != 80 || r != 24 {
		t.Fatalf("an unknown size is %dx%d, want 80x24", c, r)
	}
	if c := (ui.Display{Width: 132}).Cols(); c != 132 {
		t.Fatalf("Cols = %d", c)
	}
}

func TestDetectDisplayOffATerminal(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := ui.DetectDisplay(f, true, time.UTC)
	if d.TTY || d.Color {
		t.Fatalf("a file is taken for a colour terminal: %+v", d)
	}
}
