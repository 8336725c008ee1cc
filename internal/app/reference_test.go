package app

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"strings"
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

// A panic in the menus reaches Sentry, and run's apology names the event sent.
func TestAPanicInTheMenusIsReportedWithItsReference(t *testing.T) {
	sink := &sentrySink{}
	server := httptest.NewServer(sink)
	defer server.Close()
	p := newProgram(t)
	p.env["SENTRY_DSN"] = "http://0123456789abcdef@" + strings.TrimPrefix(server.URL, "http://") + "/42"
	p.onTerminal()
	r := newRoot(p.deps(io.Discard, io.Discard))
	r.terminal = func() terminal {
		return terminal{prompter: panicky{}, restore: func() {}}
	}
	var rec any
	func() {
		defer func() { rec = recover() }()
		_ = r.execute(context.Background(), nil)
	}()
	var reported *reportedPanic
	if p, ok := rec.(*reportedPanic); ok {
		reported = p
	}
	if reported == nil || reported.ref == "" {
		t.Fatalf("the panic came back as %#v, want one carrying its report's reference", rec)
	}
	if sent := sink.all(); !strings.Contains(sent, `"event_id":"`+reported.ref+`"`) {
		t.Errorf("no event with the id %q reached Sentry:\n%s", reported.ref, sent)
	}
	if got := panicApology(rec); got != apology+" (reference "+reported.ref+")" {
		t.Errorf("run would print %q, want the apology naming the reference", got)
	}
	t.Run("a panic that was not reported is the bare apology", func(t *testing.T) {
		if got := panicApology("boom: secret-in-panic"); got != apology {
			t.Errorf("run would print %q, want the apology", got)
		}
	})
}
