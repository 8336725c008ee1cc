package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"testing"

	"github.com/epic-events/crm/internal/domain"
)

func TestTheApologyNamesTheReferenceOfTheReport(t *testing.T) {
	reported := &domain.Reported{Err: os.ErrClosed, Ref: "1a2b3c4d"}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"a reported bug names its reference", reported, apology + " (reference 1a2b3c4d)"},
		{"a reported bug wrapped by a command still does", fmt.Errorf("user update: %w", reported), apology + " (reference 1a2b3c4d)"},
		{"a bug that was not reported has none", os.ErrClosed, apology},
		{"a bad setting that was reported names it", &settingsError{reported}, apology + " (reference 1a2b3c4d)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := message(tt.err); got != tt.want {
				t.Errorf("message = %q, want %q", got, tt.want)
			}
		})
	}
}

// A panic in the menus reaches Sentry once (the menus report it, with the
// terminal restored first; run's recovery does not again), and run's apology
// names the event sent.
func TestAPanicInTheMenusIsReportedWithItsReference(t *testing.T) {
	p := newProgram(t)
	sink := withSentry(t, p)
	p.onTerminal()
	var stderr bytes.Buffer
	r := newRoot(p.deps(io.Discard, &stderr))
	r.terminal = func() terminal {
		return terminal{prompter: panicky{}, restore: func() {}}
	}
	if code := r.run(context.Background(), nil); code != ExitError {
		t.Errorf("exit %d, want %d", code, ExitError)
	}
	events := sink.events(t)
	if len(events) != 1 {
		t.Fatalf("%d events reached Sentry, want 1:\n%s", len(events), sink.all())
	}
	if got, want := oneErrorLine(t, stderr.String()), "epicevents: "+apology+" (reference "+events[0].EventID+")"; events[0].EventID == "" || got != want {
		t.Errorf("stderr %q, want %q", got, want)
	}
}
