package service_test

import (
	"context"
	"errors"
	"testing"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
)

// An unexpected failure reaches the caller carrying the reference of its report,
// so that the apology can name the Sentry event; an expected one carries none.
func TestAnInternalErrorSurfacesWithTheReferenceOfItsReport(t *testing.T) {
	tests := []struct {
		name  string
		drop  string // the table whose loss makes the call fail unexpectedly
		call  func(context.Context, *world) error
		wantN int // reports expected
	}{
		{"a change whose transaction fails", "audit_log", func(ctx context.Context, w *world) error {
			_, err := service.NewCustomers(w.Deps()).Create(ctx, w.actor(w.SalesA), service.CustomerInput{
				FullName: "Ada Lovelace", Email: "ada@example.com", Phone: "+33 1 23 45 67 89",
			})
			return err
		}, 1},
		{"a read that fails", "events", func(ctx context.Context, w *world) error {
			_, err := service.NewEvents(w.Deps()).List(ctx, w.actor(w.Manager), domain.EventFilter{Page: domain.Page{Limit: 10}})
			return err
		}, 1},
		{"an expected refusal", "", func(ctx context.Context, w *world) error {
			_, err := service.NewCustomers(w.Deps()).Get(ctx, w.actor(w.SalesA), 999999)
			return err
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forEachEngine(t, func(t *testing.T, w *world) {
				ctx := context.Background()
				if tt.drop != "" {
					if _, err := w.DB.SQL().ExecContext(ctx, "DROP TABLE "+tt.drop); err != nil {
						t.Fatal(err)
					}
				}
				err := tt.call(ctx, w)
				if err == nil {
					t.Fatal("the call succeeded")
				}
				reports := w.Reporter.Errors()
				if len(reports) != tt.wantN {
					t.Fatalf("%d reports, want %d: %v", len(reports), tt.wantN, reports)
				}
				ref := domain.ReferenceOf(err)
				if tt.wantN == 0 {
					if ref != "" {
						t.Errorf("an error that was not reported carries the reference %q", ref)
					}
					return
				}
				if ref != "ref-1" {
					t.Errorf("reference %q, want the report's ref-1 (error: %v)", ref, err)
				}
				if code(err) != domain.CodeInternal || !errors.Is(err, reports[0]) {
					t.Errorf("the error given (%v, code %q) is not the one reported (%v)", err, code(err), reports[0])
				}
			})
		})
	}
}
