package store_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/store"
)

// TestWindowPagesContinueFromTheCursor pages through a window of events
// (From, To) whose cursor replaces the window's lower bound once past it: each
// event of the window comes once, in order, and none from outside it.
func TestWindowPagesContinueFromTheCursor(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		sales := newUser(t, db.Repos, domain.RoleSales, "Window Sales")
		k := newContract(t, db.Repos, newCustomer(t, db.Repos, sales, "Window Customer", "Window SA"), 100_00, 0, domain.ContractSigned)
		from := t0.Add(10 * time.Hour)
		to := from.Add(20 * time.Hour)
		var want []domain.ID
		for i := range 40 {
			// Two events an hour, so that pages end between equal start times.
			start := t0.Add(time.Duration(i/2) * time.Hour)
			e := newEvent(t, db.Repos, k, nil, fmt.Sprintf("Window %02d", i), start, 1)
			if !start.Before(from) && start.Before(to) {
				want = append(want, e.ID)
			}
		}
		// A cursor from before the window (here from the whole list) still
		// leaves out what precedes From.
		early, err := db.ListEvents(ctx, domain.EventFilter{Page: domain.Page{Limit: 3}})
		mustNil(t, err)
		first, err := db.ListEvents(ctx, domain.EventFilter{From: &from, To: &to, Page: domain.Page{Limit: 1, After: early.Next}})
		mustNil(t, err)
		if len(first.Items) != 1 || first.Items[0].ID != want[0] {
			t.Errorf("from a cursor before the window: %+v, want event %d first", first.Items, want[0])
		}
		for _, size := range []int{1, 3, 7} {
			got := allPages(t, size, func(p domain.Page) (domain.List[domain.Event], error) {
				return db.ListEvents(ctx, domain.EventFilter{From: &from, To: &to, Page: p})
			}, func(e domain.Event) domain.ID { return e.ID })
			if !slices.Equal(got, want) {
				t.Errorf("pages of %d: %v, want %v", size, got, want)
			}
		}
	})
}
