package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/store"
)

// planWorld is a data set big enough for each optimiser to prefer an index
// where one serves (on a handful of rows a scan is cheaper, and chosen),
// loaded in bulk.
type planWorld struct {
	Sales, Support, Manager domain.ID
	Customer                domain.ID
	Contract                domain.ID
	Now                     time.Time
}

const (
	planContracts = 3 // per customer
	planEvents    = 2 // per signed contract
)

// planSizes are the rows loaded per engine. MariaDB plans by cost from its
// statistics: below a few thousand rows it reads small tables whole, which is
// right for them and says nothing of large ones. SQLite keeps no statistics
// unless ANALYZE runs (the store never runs it), so its plans do not depend on
// the sizes: enough rows for a second page of every list will do, which keeps
// the race-detector build of the pure-Go SQLite quick.
type planSizes struct{ staff, customers, audit int }

func sizesFor(driver string) planSizes {
	if driver == store.DriverMySQL {
		return planSizes{staff: 450, customers: 4000, audit: 8000}
	}
	return planSizes{staff: 90, customers: 400, audit: 500}
}

func fillPlanWorld(t *testing.T, db *store.DB) planWorld {
	t.Helper()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	w := planWorld{Now: now}
	size := sizesFor(db.Driver())
	planStaff, planCustomers, planAudit := size.staff, size.customers, size.audit
	roles := []domain.Role{domain.RoleSales, domain.RoleSupport, domain.RoleManagement}
	var sales, support []domain.ID
	err := db.Tx(ctx, func(r *store.Repos) error {
		users := make([]domain.Collaborator, planStaff)
		for i := range users {
			role := roles[i%3]
			users[i] = domain.Collaborator{ID: int64(i + 1), EmployeeNumber: fmt.Sprintf("EE-%04d", i+1),
				FullName: fmt.Sprintf("Staff %03d", (i*37)%planStaff), Email: fmt.Sprintf("staff.%d@epicevents.test", i+1),
				PasswordHash: "x", Role: role, Active: i%10 != 9, CreatedAt: now, UpdatedAt: now}
			switch role {
			case domain.RoleSales:
				sales = append(sales, users[i].ID)
			case domain.RoleSupport:
				support = append(support, users[i].ID)
			default:
				if w.Manager == 0 {
					w.Manager = users[i].ID
				}
			}
		}
		if err := r.InsertUsers(ctx, users); err != nil {
			return err
		}
		customers := make([]domain.Customer, planCustomers)
		var contracts []domain.Contract
		var events []domain.Event
		for i := range customers {
			at := now.Add(-time.Duration(i) * time.Hour)
			customers[i] = domain.Customer{ID: int64(i + 1), FullName: fmt.Sprintf("Customer %05d", (i*7919)%planCustomers),
				Email: fmt.Sprintf("c%d@example.com", i+1), Phone: "+33 1", CompanyName: fmt.Sprintf("Company %d", i%97),
				SalesContactID: sales[i%min(len(sales), 10)], CreatedAt: at, UpdatedAt: at}
			for j := range planContracts {
				id := int64(len(contracts) + 1)
				k := domain.Contract{ID: id, CustomerID: customers[i].ID, TotalAmount: 1000_00, AmountDue: 0,
					Status: domain.ContractSigned, CreatedAt: at.Add(time.Duration(j) * time.Minute), UpdatedAt: at}
				switch (i + j) % 10 {
				case 0, 1:
					k.Status, k.AmountDue = domain.ContractDraft, k.TotalAmount
				case 2:
					k.Status, k.AmountDue = domain.ContractCancelled, k.TotalAmount
				case 3, 4:
					k.AmountDue = 400_00
				}
				if k.Status == domain.ContractSigned {
					k.SignedAt = &at
					if i == planCustomers/3 {
						w.Contract = id
					}
					for e := range planEvents {
						start := now.Add(time.Duration(len(events)-planCustomers*planContracts/2) * time.Hour)
						ev := domain.Event{ID: int64(len(events) + 1), ContractID: id, Name: fmt.Sprintf("Event %d", len(events)),
							StartAt: start, EndAt: start.Add(3 * time.Hour), Location: "Paris", Notes: "",
							CreatedAt: at, UpdatedAt: at}
						if (len(events)+e)%4 != 0 {
							s := support[len(events)%len(support)]
							ev.SupportContactID = &s
						}
						events = append(events, ev)
					}
				}
				contracts = append(contracts, k)
			}
		}
		if err := r.InsertCustomers(ctx, customers); err != nil {
			return err
		}
		if err := r.InsertContracts(ctx, contracts); err != nil {
			return err
		}
		if err := r.InsertEvents(ctx, events); err != nil {
			return err
		}
		audit := make([]domain.AuditEntry, planAudit)
		for i := range audit {
			actor := int64(i%10 + 1) // the manager w.Manager among them
			audit[i] = domain.AuditEntry{ID: int64(i + 1), ActorID: &actor, Action: "x.update",
				Entity: []string{"customer", "contract", "event", "user"}[i%4], EntityID: int64(i%500 + 1),
				At: now.Add(-time.Duration(i) * time.Minute)}
		}
		return r.InsertAudit(ctx, audit)
	})
	if err != nil {
		t.Fatalf("fill: %v", err)
	}
	if err := db.Analyze(ctx); err != nil {
		t.Fatalf("analyze: %v", err)
	}
	w.Sales, w.Support = sales[1], support[1]
	w.Customer = domain.ID(planCustomers / 3)
	return w
}

// planCase is one list or filter whose plans are checked.
type planCase struct {
	name    string
	list    func(ctx context.Context, p domain.Page) (domain.Cursor, error)
	maySort bool // narrowed to one owner, customer or contract: a few rows to sort
}

// TestListPlansUseIndexes runs every list and filter of the menus, first page
// and a page continued from a cursor, and asks the engine how it ran that very
// statement: the driving table must be read through an index (SQLite: no plain
// "SCAN table"; MariaDB: no access type ALL), and only the lists that narrow
// to one customer, contract or owner may sort their few rows. Text searches
// (LIKE '%...%') are held to the same: each page walks a bounded window of its
// list's index (searchPlanCases).
func TestListPlansUseIndexes(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		w := fillPlanWorld(t, db)
		tests := []planCase{
			{name: "collaborators", list: func(ctx context.Context, p domain.Page) (domain.Cursor, error) {
				l, err := db.ListUsers(ctx, domain.UserFilter{Page: p})
				return l.Next, err
			}},
			{name: "collaborators of a role", list: func(ctx context.Context, p domain.Page) (domain.Cursor, error) {
				l, err := db.ListUsers(ctx, domain.UserFilter{Role: domain.RoleSupport, Page: p})
				return l.Next, err
			}},
			{name: "customers", list: func(ctx context.Context, p domain.Page) (domain.Cursor, error) {
				l, err := db.ListCustomers(ctx, domain.CustomerFilter{Page: p})
				return l.Next, err
			}},
			{name: "my customers", list: func(ctx context.Context, p domain.Page) (domain.Cursor, error) {
				l, err := db.ListCustomers(ctx, domain.CustomerFilter{SalesContactID: w.Sales, Page: p})
				return l.Next, err
			}},
			{name: "contracts", list: func(ctx context.Context, p domain.Page) (domain.Cursor, error) {
				l, err := db.ListContracts(ctx, domain.ContractFilter{Page: p})
				return l.Next, err
			}},
			{name: "my customers' contracts", maySort: true, list: func(ctx context.Context, p domain.Page) (domain.Cursor, error) {
				l, err := db.ListContracts(ctx, domain.ContractFilter{SalesContactID: w.Sales, Page: p})
				return l.Next, err
			}},
			{name: "unsigned contracts", list: func(ctx context.Context, p domain.Page) (domain.Cursor, error) {
				l, err := db.ListContracts(ctx, domain.ContractFilter{Status: domain.ContractDraft, Page: p})
				return l.Next, err
			}},
			{name: "signed contracts", list: func(ctx context.Context, p domain.Page) (domain.Cursor, error) {
				l, err := db.ListContracts(ctx, domain.ContractFilter{Status: domain.ContractSigned, Page: p})
				return l.Next, err
			}},
			{name: "contracts not fully paid", list: func(ctx context.Context, p domain.Page) (domain.Cursor, error) {
				l, err := db.ListContracts(ctx, domain.ContractFilter{Unpaid: true, Page: p})
				return l.Next, err
			}},
			{name: "a customer's contracts", maySort: true, list: func(ctx context.Context, p domain.Page) (domain.Cursor, error) {
				l, err := db.ListContracts(ctx, domain.ContractFilter{CustomerID: w.Customer, Page: domain.Page{Limit: 1, After: p.After}})
				return l.Next, err
			}},
			{name: "events", list: func(ctx context.Context, p domain.Page) (domain.Cursor, error) {
				l, err := db.ListEvents(ctx, domain.EventFilter{Page: p})
				return l.Next, err
			}},
			{name: "my events", list: func(ctx context.Context, p domain.Page) (domain.Cursor, error) {
				l, err := db.ListEvents(ctx, domain.EventFilter{SupportContactID: w.Support, Page: p})
				return l.Next, err
			}},
			{name: "events without support", list: func(ctx context.Context, p domain.Page) (domain.Cursor, error) {
				l, err := db.ListEvents(ctx, domain.EventFilter{WithoutSupport: true, Page: p})
				return l.Next, err
			}},
			{name: "upcoming events (a window)", list: func(ctx context.Context, p domain.Page) (domain.Cursor, error) {
				to := w.Now.AddDate(0, 1, 0)
				l, err := db.ListEvents(ctx, domain.EventFilter{From: &w.Now, To: &to, Page: p})
				return l.Next, err
			}},
			{name: "a contract's events", maySort: true, list: func(ctx context.Context, p domain.Page) (domain.Cursor, error) {
				l, err := db.ListEvents(ctx, domain.EventFilter{ContractID: w.Contract, Page: domain.Page{Limit: 1, After: p.After}})
				return l.Next, err
			}},
			{name: "audit log", list: func(ctx context.Context, p domain.Page) (domain.Cursor, error) {
				l, err := db.ListAudit(ctx, domain.AuditFilter{Page: p})
				return l.Next, err
			}},
			{name: "audit of an entity", list: func(ctx context.Context, p domain.Page) (domain.Cursor, error) {
				l, err := db.ListAudit(ctx, domain.AuditFilter{Entity: "contract", Page: p})
				return l.Next, err
			}},
			{name: "audit of an actor", list: func(ctx context.Context, p domain.Page) (domain.Cursor, error) {
				l, err := db.ListAudit(ctx, domain.AuditFilter{ActorID: w.Manager, Page: p})
				return l.Next, err
			}},
		}
		tests = append(tests, searchPlanCases(db, w)...)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var after domain.Cursor
				for _, which := range []string{"first page", "continued page"} {
					cctx, count := store.CountQueries(ctx)
					next, err := tt.list(cctx, domain.Page{After: after})
					if err != nil {
						t.Fatalf("%s: %v", which, err)
					}
					if next == "" && after == "" {
						t.Fatalf("%s: no page after it; the data set must be larger than a page", which)
					}
					after = next
					// Every statement of the page: a search reads its window's
					// end, then the page.
					stmts := count.Statements()
					if len(stmts) == 0 || !strings.Contains(stmts[len(stmts)-1].SQL, "LIMIT") {
						t.Fatalf("%s: no list statement recorded: %+v", which, stmts)
					}
					for _, stmt := range stmts {
						plan, err := db.Explain(ctx, stmt)
						if err != nil {
							t.Fatal(err)
						}
						t.Logf("%s:\n  %s", which, planLines(plan))
						if why := badPlan(db.Driver(), plan, which == "continued page", tt.maySort, false); why != "" {
							t.Errorf("%s: %s\nplan:\n  %s\nquery: %s\nargs: %v", which, why, planLines(plan),
								strings.Join(strings.Fields(stmt.SQL), " "), stmt.Vars)
						}
					}
				}
			})
		}
	})
}

// badPlan says what is wrong with a plan, or "" when nothing is.
// mayScan lets the first table be read whole (no list does any more; the
// sessions' sweep passes false too).
func badPlan(driver string, plan []store.PlanStep, continued, maySort, mayScan bool) string {
	if len(plan) == 0 {
		return "empty plan"
	}
	// A subquery SQLite runs as a co-routine yields the rows of its own plan
	// (a search's window, at most a few thousand): reading them is no scan.
	coroutines := map[string]bool{}
	for _, step := range plan {
		if name, ok := strings.CutPrefix(step.Extra, "CO-ROUTINE "); ok {
			coroutines[name] = true
		}
	}
	for i, step := range plan {
		if driver == store.DriverMySQL {
			if step.Access == "ALL" && !(mayScan && i == 0) {
				return "full table scan of " + step.Table
			}
			if continued && i == 0 && step.Access == "ref" && !maySort {
				// ref on the index's leading columns reads every row of that
				// prefix up to the cursor: page 5 000 then costs 5 000 pages.
				return "continues by ref on " + step.Key + " instead of by range from the cursor"
			}
			if (strings.Contains(step.Extra, "filesort") || strings.Contains(step.Extra, "temporary")) && !maySort {
				return "sorts every matching row of " + step.Table
			}
			continue
		}
		scan := strings.HasPrefix(step.Extra, "SCAN ") && !strings.Contains(step.Extra, " INDEX ") &&
			!coroutines[strings.TrimPrefix(step.Extra, "SCAN ")]
		if scan && !(mayScan && i == 0) {
			return "full table scan: " + step.Extra
		}
		if strings.Contains(step.Extra, "TEMP B-TREE") && !maySort {
			return "sorts every matching row: " + step.Extra
		}
	}
	return ""
}

func planLines(plan []store.PlanStep) string {
	lines := make([]string, len(plan))
	for i, s := range plan {
		lines[i] = s.String()
	}
	return strings.Join(lines, "\n  ")
}
