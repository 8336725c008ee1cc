package bench_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/domain"
)

// deepPage is the page the "deep" benchmarks read: page 5 000 of 20 rows, the
// 100 001st row on, or the deepest page a shorter list has.
const deepPage = 5000

// listCase is one list or filter of the menus, run through the services as
// the menus run it.
type listCase struct {
	name string
	list func(ctx context.Context, e *engine, p domain.Page) (next domain.Cursor, rows int, err error)
}

func rows[T any](l domain.List[T], err error) (domain.Cursor, int, error) {
	return l.Next, len(l.Items), err
}

var listCases = []listCase{
	{"users", func(ctx context.Context, e *engine, p domain.Page) (domain.Cursor, int, error) {
		return rows(e.users.List(ctx, e.manager, domain.UserFilter{Page: p}))
	}},
	{"customers", func(ctx context.Context, e *engine, p domain.Page) (domain.Cursor, int, error) {
		return rows(e.customers.List(ctx, e.sales, domain.CustomerFilter{Page: p}))
	}},
	{"customers/mine", func(ctx context.Context, e *engine, p domain.Page) (domain.Cursor, int, error) {
		return rows(e.customers.List(ctx, e.sales, domain.CustomerFilter{SalesContactID: e.sales.ID, Page: p}))
	}},
	{"customers/search", func(ctx context.Context, e *engine, p domain.Page) (domain.Cursor, int, error) {
		return rows(e.customers.List(ctx, e.sales, domain.CustomerFilter{Search: "son", Page: p}))
	}},
	{"contracts", func(ctx context.Context, e *engine, p domain.Page) (domain.Cursor, int, error) {
		return rows(e.contracts.List(ctx, e.manager, domain.ContractFilter{Page: p}))
	}},
	{"contracts/mine", func(ctx context.Context, e *engine, p domain.Page) (domain.Cursor, int, error) {
		return rows(e.contracts.List(ctx, e.sales, domain.ContractFilter{SalesContactID: e.sales.ID, Page: p}))
	}},
	{"contracts/unsigned", func(ctx context.Context, e *engine, p domain.Page) (domain.Cursor, int, error) {
		return rows(e.contracts.List(ctx, e.sales, domain.ContractFilter{Status: domain.ContractDraft, Page: p}))
	}},
	{"contracts/signed", func(ctx context.Context, e *engine, p domain.Page) (domain.Cursor, int, error) {
		return rows(e.contracts.List(ctx, e.sales, domain.ContractFilter{Status: domain.ContractSigned, Page: p}))
	}},
	{"contracts/unpaid", func(ctx context.Context, e *engine, p domain.Page) (domain.Cursor, int, error) {
		return rows(e.contracts.List(ctx, e.sales, domain.ContractFilter{Unpaid: true, Page: p}))
	}},
	{"contracts/customer", func(ctx context.Context, e *engine, p domain.Page) (domain.Cursor, int, error) {
		return rows(e.contracts.List(ctx, e.sales, domain.ContractFilter{CustomerID: e.customer, Page: p}))
	}},
	{"events", func(ctx context.Context, e *engine, p domain.Page) (domain.Cursor, int, error) {
		return rows(e.events.List(ctx, e.support, domain.EventFilter{Page: p}))
	}},
	{"events/mine", func(ctx context.Context, e *engine, p domain.Page) (domain.Cursor, int, error) {
		return rows(e.events.List(ctx, e.support, domain.EventFilter{SupportContactID: e.support.ID, Page: p}))
	}},
	{"events/unassigned", func(ctx context.Context, e *engine, p domain.Page) (domain.Cursor, int, error) {
		return rows(e.events.List(ctx, e.manager, domain.EventFilter{WithoutSupport: true, Page: p}))
	}},
	{"events/upcoming", func(ctx context.Context, e *engine, p domain.Page) (domain.Cursor, int, error) {
		to := e.now.AddDate(0, 3, 0)
		return rows(e.events.List(ctx, e.support, domain.EventFilter{From: &e.now, To: &to, Page: p}))
	}},
	{"events/contract", func(ctx context.Context, e *engine, p domain.Page) (domain.Cursor, int, error) {
		return rows(e.events.List(ctx, e.support, domain.EventFilter{ContractID: e.contract, Page: p}))
	}},
	{"audit", func(ctx context.Context, e *engine, p domain.Page) (domain.Cursor, int, error) {
		return rows(e.audit.List(ctx, e.manager, domain.AuditFilter{Page: p}))
	}},
}

// deepCursor follows the list to the cursor of page deepPage (pages of the
// default size), in steps of the largest page; a shorter list gives the cursor
// of its last full page. It returns the page reached.
func deepCursor(b testing.TB, e *engine, lc listCase) (domain.Cursor, int) {
	b.Helper()
	ctx := context.Background()
	want := (deepPage - 1) * domain.DefaultPageSize
	var after domain.Cursor
	seen := 0
	for seen < want {
		limit := min(domain.MaxPageSize, want-seen)
		next, n, err := lc.list(ctx, e, domain.Page{After: after, Limit: limit})
		if err != nil {
			b.Fatal(err)
		}
		if next == "" {
			// The list ends within this step: walk it a page at a time, up
			// to the cursor before its last page.
			for {
				next, got, err := lc.list(ctx, e, domain.Page{After: after, Limit: domain.DefaultPageSize})
				if err != nil {
					b.Fatal(err)
				}
				if next == "" {
					break
				}
				after, seen = next, seen+got
			}
			break
		}
		after, seen = next, seen+n
	}
	return after, seen/domain.DefaultPageSize + 1
}

// BenchmarkList reads the first page and page 5 000 of every list and filter,
// each beside the same SQL run through database/sql alone.
func BenchmarkList(b *testing.B) {
	for _, e := range engines(b) {
		for _, lc := range listCases {
			for _, deep := range []bool{false, true} {
				name := fmt.Sprintf("%s/%s/first", e.name, lc.name)
				if deep {
					name = fmt.Sprintf("%s/%s/page%d", e.name, lc.name, deepPage)
				}
				b.Run(name, func(b *testing.B) {
					var after domain.Cursor
					page := 1
					if deep {
						after, page = deepCursor(b, e, lc)
					}
					p := domain.Page{After: after}
					stmts := record(b, func(ctx context.Context) error { _, _, err := lc.list(ctx, e, p); return err })
					ctx := context.Background()
					pair(b,
						func() error { _, _, err := lc.list(ctx, e, p); return err },
						func() error { return rawQueries(ctx, e.db.SQL(), stmts) })
					b.ReportMetric(float64(page), "page")
				})
			}
		}
	}
}

// BenchmarkDetail reads the detail views: a contract with its payments, an
// event with its customer and support, a customer with its sales contact.
func BenchmarkDetail(b *testing.B) {
	for _, e := range engines(b) {
		views := []struct {
			name string
			get  func(ctx context.Context) error
		}{
			{"contract", func(ctx context.Context) error { _, err := e.contracts.Get(ctx, e.manager, e.contract); return err }},
			{"event", func(ctx context.Context) error { _, err := e.events.Get(ctx, e.manager, e.event); return err }},
			{"customer", func(ctx context.Context) error { _, err := e.customers.Get(ctx, e.manager, e.customer); return err }},
		}
		for _, v := range views {
			b.Run(e.name+"/"+v.name, func(b *testing.B) {
				stmts := record(b, v.get)
				ctx := context.Background()
				pair(b, func() error { return v.get(ctx) }, func() error { return rawQueries(ctx, e.db.SQL(), stmts) })
				b.ReportMetric(float64(len(stmts)), "queries")
			})
		}
	}
}

// BenchmarkSessionCheck is what every scriptable command does before its work:
// verify the token, then read the session, the collaborator and their grants.
func BenchmarkSessionCheck(b *testing.B) {
	for _, e := range engines(b) {
		b.Run(e.name, func(b *testing.B) {
			check := func(ctx context.Context) error { _, err := e.auth.Authenticate(ctx, e.token); return err }
			stmts := record(b, check)
			ctx := context.Background()
			pair(b, func() error { return check(ctx) }, func() error { return rawQueries(ctx, e.db.SQL(), stmts) })
		})
	}
}

// BenchmarkLogin logs in at the production argon2id cost, beside the raw
// lookup of the collaborator and the same argon2id verification.
func BenchmarkLogin(b *testing.B) {
	for _, e := range engines(b) {
		b.Run(e.name, func(b *testing.B) {
			ctx := context.Background()
			pair(b,
				func() error { _, _, err := e.auth.Login(ctx, e.salesEmail, "epicevents-demo"); return err },
				func() error {
					var hash string
					err := e.db.SQL().QueryRowContext(ctx, "SELECT password_hash FROM users WHERE email = ?", e.salesEmail).Scan(&hash)
					if err != nil {
						return err
					}
					ok, err := e.hasher.Verify("epicevents-demo", hash)
					if err == nil && !ok {
						err = fmt.Errorf("wrong password")
					}
					return err
				})
		})
	}
}

var uniq = time.Now().UnixNano()

func nextUniq() int64 { uniq++; return uniq }
