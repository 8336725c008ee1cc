package bench_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/store"
)

// A search page reads at most a window of its list (store's searchWindow): a
// term that matches rarely or never costs one window a page, and the pages
// walk the list a window at a time. These benchmarks search the customers and
// the events for a rare term (one customer's email, found once; that
// customer's name, found on its ten-odd events and on any namesake's) and for
// a term found nowhere: the first page, and the whole walk, every page
// followed to the end.

// searchCase is one search of a list.
type searchCase struct {
	list, term string
	page       func(ctx context.Context, e *engine, term string, p domain.Page) (domain.List[domain.ID], error)
	// unbounded is the search as it was before the window, written by hand:
	// a walk of the list's index that stops at the 21st match or at the end.
	unbounded string
}

func idList[T any](l domain.List[T], err error, id func(T) domain.ID) (domain.List[domain.ID], error) {
	out := domain.List[domain.ID]{Next: l.Next, Searched: l.Searched}
	for _, it := range l.Items {
		out.Items = append(out.Items, id(it))
	}
	return out, err
}

func searchCustomers(ctx context.Context, e *engine, term string, p domain.Page) (domain.List[domain.ID], error) {
	l, err := e.customers.List(ctx, e.sales, domain.CustomerFilter{Search: term, Page: p})
	return idList(l, err, func(c domain.Customer) domain.ID { return c.ID })
}

func searchEvents(ctx context.Context, e *engine, term string, p domain.Page) (domain.List[domain.ID], error) {
	l, err := e.events.List(ctx, e.support, domain.EventFilter{Search: term, Page: p})
	return idList(l, err, func(ev domain.Event) domain.ID { return ev.ID })
}

const (
	unboundedCustomers = `SELECT STRAIGHT_JOIN c.id, c.full_name, c.email, c.phone, c.company_name, c.sales_contact_id,
	c.version, c.created_at, c.updated_at, u.full_name FROM customers c JOIN users u ON u.id = c.sales_contact_id
	WHERE (c.full_name LIKE ? OR c.email LIKE ? OR c.company_name LIKE ?) ORDER BY c.full_name, c.id LIMIT 21`
	unboundedEvents = `SELECT STRAIGHT_JOIN e.id, e.contract_id, e.name, e.support_contact_id, e.start_at, e.end_at,
	e.location, e.attendees, e.notes, e.version, e.created_at, e.updated_at,
	k.customer_id, cu.full_name, cu.email, cu.phone, cu.sales_contact_id, s.full_name
	FROM events e JOIN contracts k ON k.id = e.contract_id JOIN customers cu ON cu.id = k.customer_id
	LEFT JOIN users s ON s.id = e.support_contact_id
	WHERE (e.name LIKE ? OR e.location LIKE ? OR cu.full_name LIKE ?) ORDER BY e.start_at, e.id LIMIT 21`
)

// maxUnboundedRows is the largest list whose unbounded search is run beside:
// past it a term found nowhere takes seconds to minutes (BENCHMARKS.md).
const maxUnboundedRows = 200_000

func searchCases(b *testing.B, e *engine) []searchCase {
	b.Helper()
	// A customer three quarters into the ids: its email's local part
	// ("first.last.id") is found once, its name on its events.
	var email, name string
	err := e.db.SQL().QueryRow("SELECT email, full_name FROM customers WHERE id = ?", e.n*3/4).Scan(&email, &name)
	if err != nil {
		b.Fatal(err)
	}
	local, _, _ := strings.Cut(email, "@")
	const missing = "qzxv nowhere"
	return []searchCase{
		{"customers", local + "@", searchCustomers, unboundedCustomers},
		{"customers", missing, searchCustomers, unboundedCustomers},
		{"events", name, searchEvents, unboundedEvents},
		{"events", missing, searchEvents, unboundedEvents},
	}
}

func (sc searchCase) kind() string {
	if strings.HasPrefix(sc.term, "qzxv") {
		return "missing"
	}
	return "rare"
}

// BenchmarkSearch times, for each search: page1, the first page (beside the
// same statements through database/sql); walk, every page from the first to
// the last (pages, the matches found, and the slowest page, in ms); and
// unbounded, the search without a window, by hand, on lists of at most
// maxUnboundedRows rows.
func BenchmarkSearch(b *testing.B) {
	for _, e := range engines(b) {
		for _, sc := range searchCases(b, e) {
			prefix := fmt.Sprintf("%s/%s/%s", e.name, sc.list, sc.kind())
			b.Run(prefix+"/page1", func(b *testing.B) {
				first := func(ctx context.Context) error { _, err := sc.page(ctx, e, sc.term, domain.Page{}); return err }
				stmts := record(b, first)
				ctx := context.Background()
				pair(b, func() error { return first(ctx) }, func() error { return rawQueries(ctx, e.db.SQL(), stmts) })
				b.ReportMetric(float64(len(stmts)), "queries")
			})
			b.Run(prefix+"/walk", func(b *testing.B) {
				ctx := context.Background()
				var pages, found int
				var slowest time.Duration
				for range b.N {
					pages, found = 0, 0
					var after domain.Cursor
					for {
						began := time.Now()
						l, err := sc.page(ctx, e, sc.term, domain.Page{After: after})
						if err != nil {
							b.Fatal(err)
						}
						slowest = max(slowest, time.Since(began))
						pages++
						found += len(l.Items)
						if after = l.Next; after == "" {
							break
						}
					}
				}
				b.ReportMetric(float64(pages), "pages")
				b.ReportMetric(float64(found), "found")
				b.ReportMetric(float64(slowest.Microseconds())/1000, "slowest-page-ms")
			})
			rows := e.n
			if sc.list == "events" {
				rows = 10 * e.n
			}
			if rows > maxUnboundedRows {
				continue
			}
			b.Run(prefix+"/unbounded", func(b *testing.B) {
				query := sc.unbounded
				if e.db.Driver() != store.DriverMySQL {
					query = strings.Replace(query, "STRAIGHT_JOIN ", "", 1)
				}
				pattern := "%" + sc.term + "%"
				stmt := []store.Statement{{SQL: query, Vars: []any{pattern, pattern, pattern}}}
				ctx := context.Background()
				for range b.N {
					if err := rawQueries(ctx, e.db.SQL(), stmt); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
