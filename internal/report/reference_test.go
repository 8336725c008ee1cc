package report_test

import (
	"context"
	"errors"
	"testing"

	"github.com/getsentry/sentry-go"

	"github.com/epic-events/crm/internal/report"
)

func TestReportsReturnTheIdOfTheEventSent(t *testing.T) {
	tests := []struct {
		name string
		send func(*report.Reporter) string
	}{
		{"an error", func(r *report.Reporter) string {
			return r.Error(context.Background(), errors.New("boom"), actor())
		}},
		{"a panic", func(r *report.Reporter) string { return r.Panic("boom", actor()) }},
	}
	for _, tt := range tests {
		t.Run(tt.name+" gives the event's id", func(t *testing.T) {
			r, transport := newReporter(t)
			ref := tt.send(r)
			event := onlyEvent(t, transport)
			if ref == "" || ref != string(event.EventID) {
				t.Errorf("reference %q, want the event's id %q", ref, event.EventID)
			}
		})
		t.Run(tt.name+" on an off reporter gives no reference", func(t *testing.T) {
			t.Setenv("SENTRY_DSN", "")
			off, err := report.New(report.Options{Transport: &sentry.MockTransport{}})
			if err != nil {
				t.Fatal(err)
			}
			if ref := tt.send(off); ref != "" {
				t.Errorf("reference %q from an off reporter, want none", ref)
			}
			if ref := tt.send(nil); ref != "" {
				t.Errorf("reference %q from a nil reporter, want none", ref)
			}
		})
	}
}
