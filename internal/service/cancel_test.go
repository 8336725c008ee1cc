package service_test

import (
	"context"
	"errors"
	"testing"

	"github.com/epic-events/crm/internal/service"
)

func TestCancelledActionsAreNotReportedAsBugs(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		customers := service.NewCustomers(w.Deps())
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := customers.Create(ctx, w.actor(w.SalesA), service.CustomerInput{
			FullName: "Ada Lovelace", Email: "ada@example.com", Phone: "+33 1 23 45 67 89",
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("error = %v, want the cancellation", err)
		}
		if got := w.Reporter.Errors(); len(got) != 0 {
			t.Fatalf("a cancelled action was reported as a bug: %v", got)
		}
	})
}
