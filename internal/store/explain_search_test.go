package store_test

import (
	"context"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/store"
)

// searchPlanCases are the searches of every list, alone and with each of its
// filters, for a word that the whole plan world holds (so that the first page
// is full and a continued page follows). Each page runs two statements, both
// checked: the walk to its window's end, on the list's index, and the page,
// bounded by it (SQLite walks to the end in a subquery, which the plan shows
// as a co-routine). A search may not scan a table any more than the list: the
// window bounds the rows it reads (searchWindow in cursor.go).
func searchPlanCases(db *store.DB, w planWorld) []planCase {
	users := func(f domain.UserFilter) func(ctx context.Context, p domain.Page) (domain.Cursor, error) {
		return func(ctx context.Context, p domain.Page) (domain.Cursor, error) {
			f.Search, f.Page = "Staff", p
			l, err := db.ListUsers(ctx, f)
			return l.Next, err
		}
	}
	customers := func(f domain.CustomerFilter) func(ctx context.Context, p domain.Page) (domain.Cursor, error) {
		return func(ctx context.Context, p domain.Page) (domain.Cursor, error) {
			f.Search, f.Page = "Customer", p
			l, err := db.ListCustomers(ctx, f)
			return l.Next, err
		}
	}
	contracts := func(f domain.ContractFilter) func(ctx context.Context, p domain.Page) (domain.Cursor, error) {
		return func(ctx context.Context, p domain.Page) (domain.Cursor, error) {
			f.Search, f.Page = "Customer", p
			l, err := db.ListContracts(ctx, f)
			return l.Next, err
		}
	}
	events := func(f domain.EventFilter) func(ctx context.Context, p domain.Page) (domain.Cursor, error) {
		return func(ctx context.Context, p domain.Page) (domain.Cursor, error) {
			f.Search, f.Page = "Paris", p
			l, err := db.ListEvents(ctx, f)
			return l.Next, err
		}
	}
	to := w.Now.AddDate(0, 1, 0)
	cases := []planCase{
		{name: "collaborators found by a search", list: users(domain.UserFilter{})},
		{name: "collaborators of a role found by a search", list: users(domain.UserFilter{Role: domain.RoleSupport})},
		{name: "customers found by a search", list: customers(domain.CustomerFilter{})},
		{name: "my customers found by a search", list: customers(domain.CustomerFilter{SalesContactID: w.Sales})},
		{name: "contracts found by a search", list: contracts(domain.ContractFilter{})},
		{name: "my customers' contracts found by a search", maySort: true, list: contracts(domain.ContractFilter{SalesContactID: w.Sales})},
		{name: "unsigned contracts found by a search", list: contracts(domain.ContractFilter{Status: domain.ContractDraft})},
		{name: "contracts not fully paid found by a search", list: contracts(domain.ContractFilter{Unpaid: true})},
		{name: "events found by a search", list: events(domain.EventFilter{})},
		{name: "my events found by a search", list: events(domain.EventFilter{SupportContactID: w.Support})},
		{name: "events without support found by a search", list: events(domain.EventFilter{WithoutSupport: true})},
		{name: "upcoming events found by a search", list: events(domain.EventFilter{From: &w.Now, To: &to})},
	}
	// The plan world may hold fewer rows than a window, and a window that
	// reaches the end of the list leaves the page unbounded: a small window
	// checks the page bounded at both ends too.
	for _, c := range cases[:len(cases):len(cases)] {
		list := c.list
		c.name += ", window of 100 rows"
		c.list = func(ctx context.Context, p domain.Page) (domain.Cursor, error) {
			return list(store.WithSearchWindow(ctx, 100), p)
		}
		cases = append(cases, c)
	}
	return cases
}
