package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/store"
	"github.com/epic-events/crm/internal/store/storetest"
)

// windowBenchCustomers is the size of BenchmarkSearchWindow's data set: as
// many customers, each with one signed contract and two events.
const windowBenchCustomers = 25_000

// BenchmarkSearchWindow times one search page of a term found nowhere, which
// reads its whole window, for windows of 1 000 to 20 000 rows, on the
// customers and on the events (whose search joins each event's contract and
// customer), on each engine: what a page costs for each choice of
// searchWindow. ns-per-row is the page's time over its window.
//
//	EPIC_TEST_MYSQL_DSN=… go test -run '^$' -bench SearchWindow ./internal/store/
func BenchmarkSearchWindow(b *testing.B) {
	for _, eng := range storetest.Engines(b) {
		db := eng.DB
		fillWindowBench(b, db)
		for _, list := range []string{"customers", "events"} {
			for _, window := range []int{1000, 2000, 5000, 10000, 20000} {
				b.Run(fmt.Sprintf("%s/%s/window=%d", eng.Name, list, window), func(b *testing.B) {
					wctx := store.WithSearchWindow(ctx, window)
					page := func() (domain.Cursor, error) {
						if list == "customers" {
							l, err := db.ListCustomers(wctx, domain.CustomerFilter{Search: "qzxv nowhere"})
							return l.Next, err
						}
						l, err := db.ListEvents(wctx, domain.EventFilter{Search: "qzxv nowhere"})
						return l.Next, err
					}
					if next, err := page(); err != nil || next == "" {
						b.Fatalf("first page: next %q, %v; want a window short of the list", next, err)
					}
					b.ResetTimer()
					for range b.N {
						if _, err := page(); err != nil {
							b.Fatal(err)
						}
					}
					b.StopTimer()
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(window), "ns-per-row")
				})
			}
		}
	}
}

func fillWindowBench(b *testing.B, db *store.DB) {
	b.Helper()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	firsts := []string{"Alice", "Bruno", "Chloé", "David", "Emma", "Farid", "Gaëlle", "Hugo", "Inès", "Jules"}
	lasts := []string{"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon"}
	cities := []string{"Paris", "Lyon", "Marseille", "Toulouse", "Nice", "Nantes", "Lille", "Bordeaux"}
	if err := db.SeedGrants(ctx, testGrants); err != nil {
		b.Fatal(err)
	}
	err := db.Tx(ctx, func(r *store.Repos) error {
		sales := domain.Collaborator{ID: 1, EmployeeNumber: "EE-0001", FullName: "Bench Sales", Email: "sales@epicevents.test",
			PasswordHash: "x", Role: domain.RoleSales, Active: true, CreatedAt: now, UpdatedAt: now}
		if err := r.InsertUsers(ctx, []domain.Collaborator{sales}); err != nil {
			return err
		}
		const batch = 5000
		for done := 0; done < windowBenchCustomers; done += batch {
			var cs []domain.Customer
			var ks []domain.Contract
			var es []domain.Event
			for i := done; i < done+batch; i++ {
				id := int64(i + 1)
				name := fmt.Sprintf("%s %s %d", firsts[i%len(firsts)], lasts[(i/len(firsts))%len(lasts)], i)
				cs = append(cs, domain.Customer{ID: id, FullName: name, Email: fmt.Sprintf("c%d@example.com", id),
					Phone: "+33 1", CompanyName: fmt.Sprintf("Company %d", i%997), SalesContactID: 1, CreatedAt: now, UpdatedAt: now})
				signed := now
				ks = append(ks, domain.Contract{ID: id, CustomerID: id, TotalAmount: 1000_00, Status: domain.ContractSigned,
					SignedAt: &signed, CreatedAt: now.Add(-time.Duration(i) * time.Minute), UpdatedAt: now})
				for j := range 2 {
					// Start times that do not follow the ids, as in life: the
					// walk by start time reads the rows out of their order.
					start := now.Add(time.Duration((i*7919+j*104729)%(windowBenchCustomers*2)) * time.Hour)
					es = append(es, domain.Event{ID: 2*id - 1 + int64(j), ContractID: id, Name: fmt.Sprintf("Event %d", 2*i+j),
						StartAt: start, EndAt: start.Add(3 * time.Hour), Location: cities[(i+j)%len(cities)], CreatedAt: now, UpdatedAt: now})
				}
			}
			if err := r.InsertCustomers(ctx, cs); err != nil {
				return err
			}
			if err := r.InsertContracts(ctx, ks); err != nil {
				return err
			}
			if err := r.InsertEvents(ctx, es); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatalf("fill: %v", err)
	}
	if err := db.Analyze(ctx); err != nil {
		b.Fatal(err)
	}
}
