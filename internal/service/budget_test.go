package service_test

// Query budgets: what a use case costs the database, counted by the store's
// statement counter. A list page is one query whatever its size (no N+1 over
// its rows), a detail view a constant number, and every change runs in one
// transaction that holds all of its writes.

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
	"github.com/epic-events/crm/internal/store"
)

// txCounter is the world's store, counting the transactions the services open.
type txCounter struct {
	*store.DB
	mu  sync.Mutex
	txs int
}

func (s *txCounter) Tx(ctx context.Context, fn func(service.Repos) error) error {
	s.mu.Lock()
	s.txs++
	s.mu.Unlock()
	return s.DB.Tx(ctx, func(r *store.Repos) error { return fn(r) })
}

func (s *txCounter) reset() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.txs
	s.txs = 0
	return n
}

// budgetRows is how many rows each list of the budget world holds: more than
// two of the largest pages, so that a first and a continued page are both full.
const budgetRows = 105

// budgetWorld fills w with budgetRows rows in every list the budgets page through.
type budgetWorld struct {
	*world
	Owned, Drafts domain.Customer // Owned has budgetRows signed, unpaid contracts; Drafts as many drafts
	NoContract    domain.Customer // has no contract
	Busy, Empty   domain.Contract // signed: Busy has budgetRows events supported by SupportA, Empty has none
	Paid          domain.Contract // signed, with three payments
	Lonely        domain.Event    // an event of Empty, without support
}

func newBudgetWorld(t *testing.T, w *world) *budgetWorld {
	t.Helper()
	ctx := context.Background()
	b := &budgetWorld{world: w}
	start := t0.Add(24 * time.Hour)
	err := w.DB.Tx(ctx, func(r *store.Repos) error {
		for i := range budgetRows {
			c := domain.Customer{
				FullName: fmt.Sprintf("Budget Customer %02d", i), Email: fmt.Sprintf("budget.%d@example.com", i),
				Phone: "+33 6 00 00 00 00", CompanyName: "Budget SA", SalesContactID: w.SalesA.ID,
			}
			if err := r.CreateCustomer(ctx, &c); err != nil {
				return err
			}
			switch i {
			case 0:
				b.Owned = c
			case 1:
				b.Drafts = c
			case 2:
				b.NoContract = c
			}
		}
		signed := t0
		for i := range budgetRows {
			k := domain.Contract{CustomerID: b.Owned.ID, TotalAmount: 1000_00, AmountDue: 1000_00, Status: domain.ContractSigned, SignedAt: &signed}
			if err := r.CreateContract(ctx, &k); err != nil {
				return err
			}
			d := domain.Contract{CustomerID: b.Drafts.ID, TotalAmount: 500_00, AmountDue: 500_00, Status: domain.ContractDraft}
			if err := r.CreateContract(ctx, &d); err != nil {
				return err
			}
			switch i {
			case 0:
				b.Busy = k
			case 1:
				b.Empty = k
			case 2:
				b.Paid = k
			}
		}
		for i := range 3 {
			p := domain.Payment{ContractID: b.Paid.ID, Amount: 100_00, ReceivedAt: t0.Add(time.Duration(i) * time.Hour), RecordedByID: w.Manager.ID}
			if err := r.AddPayment(ctx, &p); err != nil {
				return err
			}
		}
		b.Paid.AmountDue = 700_00
		if err := r.UpdateContract(ctx, &b.Paid); err != nil {
			return err
		}
		for i := range budgetRows {
			support := w.SupportA.ID
			at := start.Add(time.Duration(i) * time.Hour)
			e := domain.Event{ContractID: b.Busy.ID, Name: fmt.Sprintf("Busy %02d", i), SupportContactID: &support,
				StartAt: at, EndAt: at.Add(time.Hour), Location: "Lyon", Attendees: 10, Notes: ""}
			if err := r.CreateEvent(ctx, &e); err != nil {
				return err
			}
			u := domain.Event{ContractID: b.Empty.ID, Name: fmt.Sprintf("Unassigned %02d", i),
				StartAt: at, EndAt: at.Add(time.Hour), Location: "Lille", Attendees: 10, Notes: ""}
			if err := r.CreateEvent(ctx, &u); err != nil {
				return err
			}
			if i == 0 {
				b.Lonely = u
			}
			a := domain.AuditEntry{Action: "budget.test", Entity: "customer", EntityID: b.Owned.ID, At: t0.Add(time.Duration(i) * time.Second)}
			if err := r.AddAudit(ctx, &a); err != nil {
				return err
			}
		}
		// The lists of collaborators page through at least budgetRows of them.
		for i := range budgetRows {
			u := domain.Collaborator{EmployeeNumber: fmt.Sprintf("EE-%04d", 7000+i), FullName: fmt.Sprintf("Budget Staff %02d", i),
				Email: fmt.Sprintf("budget.staff.%d@staff.example.com", i), PasswordHash: "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA",
				Role: domain.RoleSales, Active: true}
			if err := r.CreateUser(ctx, &u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("fill the budget world: %v", err)
	}
	return b
}

// TestListPageIsOneQuery pages through every list and filter of the menus at two
// page sizes: each page, first or continued, is one statement, with its joins.
func TestListPageIsOneQuery(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		b := newBudgetWorld(t, w)
		deps := w.Deps()
		users, customers, contracts, events, audit := service.NewUsers(deps, w.Hasher), service.NewCustomers(deps),
			service.NewContracts(deps), service.NewEvents(deps), service.NewAudit(deps)
		manager, sales, support := w.actor(w.Manager), w.actor(w.SalesA), w.actor(w.SupportA)
		from := t0
		type page struct {
			n    int
			next domain.Cursor
		}
		lists := []struct {
			name string
			list func(ctx context.Context, p domain.Page) (page, error)
		}{
			{"collaborators", func(ctx context.Context, p domain.Page) (page, error) {
				l, err := users.List(ctx, manager, domain.UserFilter{Page: p})
				return page{len(l.Items), l.Next}, err
			}},
			{"customers", func(ctx context.Context, p domain.Page) (page, error) {
				l, err := customers.List(ctx, sales, domain.CustomerFilter{Page: p})
				return page{len(l.Items), l.Next}, err
			}},
			{"my customers", func(ctx context.Context, p domain.Page) (page, error) {
				l, err := customers.List(ctx, sales, domain.CustomerFilter{SalesContactID: w.SalesA.ID, Page: p})
				return page{len(l.Items), l.Next}, err
			}},
			{"customers found by a search", func(ctx context.Context, p domain.Page) (page, error) {
				l, err := customers.List(ctx, sales, domain.CustomerFilter{Search: "budget", Page: p})
				return page{len(l.Items), l.Next}, err
			}},
			{"my customers found by a search", func(ctx context.Context, p domain.Page) (page, error) {
				l, err := customers.List(ctx, sales, domain.CustomerFilter{SalesContactID: w.SalesA.ID, Search: "budget", Page: p})
				return page{len(l.Items), l.Next}, err
			}},
			{"collaborators found by a search", func(ctx context.Context, p domain.Page) (page, error) {
				l, err := users.List(ctx, manager, domain.UserFilter{Search: "budget staff", Page: p})
				return page{len(l.Items), l.Next}, err
			}},
			{"contracts found by a search", func(ctx context.Context, p domain.Page) (page, error) {
				l, err := contracts.List(ctx, manager, domain.ContractFilter{Search: "budget customer 0", Page: p})
				return page{len(l.Items), l.Next}, err
			}},
			{"contracts not fully paid found by a search", func(ctx context.Context, p domain.Page) (page, error) {
				l, err := contracts.List(ctx, sales, domain.ContractFilter{Unpaid: true, Search: "budget", Page: p})
				return page{len(l.Items), l.Next}, err
			}},
			{"events found by a search", func(ctx context.Context, p domain.Page) (page, error) {
				l, err := events.List(ctx, support, domain.EventFilter{Search: "busy", Page: p})
				return page{len(l.Items), l.Next}, err
			}},
			{"events without support found by a search", func(ctx context.Context, p domain.Page) (page, error) {
				l, err := events.List(ctx, manager, domain.EventFilter{WithoutSupport: true, Search: "lille", Page: p})
				return page{len(l.Items), l.Next}, err
			}},
			{"contracts", func(ctx context.Context, p domain.Page) (page, error) {
				l, err := contracts.List(ctx, manager, domain.ContractFilter{Page: p})
				return page{len(l.Items), l.Next}, err
			}},
			{"my customers' contracts", func(ctx context.Context, p domain.Page) (page, error) {
				l, err := contracts.List(ctx, sales, domain.ContractFilter{SalesContactID: w.SalesA.ID, Page: p})
				return page{len(l.Items), l.Next}, err
			}},
			{"unsigned contracts", func(ctx context.Context, p domain.Page) (page, error) {
				l, err := contracts.List(ctx, sales, domain.ContractFilter{Status: domain.ContractDraft, Page: p})
				return page{len(l.Items), l.Next}, err
			}},
			{"contracts not fully paid", func(ctx context.Context, p domain.Page) (page, error) {
				l, err := contracts.List(ctx, sales, domain.ContractFilter{Unpaid: true, Page: p})
				return page{len(l.Items), l.Next}, err
			}},
			{"a customer's contracts", func(ctx context.Context, p domain.Page) (page, error) {
				l, err := contracts.List(ctx, sales, domain.ContractFilter{CustomerID: b.Owned.ID, Page: p})
				return page{len(l.Items), l.Next}, err
			}},
			{"events", func(ctx context.Context, p domain.Page) (page, error) {
				l, err := events.List(ctx, support, domain.EventFilter{Page: p})
				return page{len(l.Items), l.Next}, err
			}},
			{"my events", func(ctx context.Context, p domain.Page) (page, error) {
				l, err := events.List(ctx, support, domain.EventFilter{SupportContactID: w.SupportA.ID, Page: p})
				return page{len(l.Items), l.Next}, err
			}},
			{"events without support", func(ctx context.Context, p domain.Page) (page, error) {
				l, err := events.List(ctx, manager, domain.EventFilter{WithoutSupport: true, Page: p})
				return page{len(l.Items), l.Next}, err
			}},
			{"upcoming events", func(ctx context.Context, p domain.Page) (page, error) {
				l, err := events.List(ctx, support, domain.EventFilter{From: &from, Page: p})
				return page{len(l.Items), l.Next}, err
			}},
			{"a contract's events", func(ctx context.Context, p domain.Page) (page, error) {
				l, err := events.List(ctx, support, domain.EventFilter{ContractID: b.Busy.ID, Page: p})
				return page{len(l.Items), l.Next}, err
			}},
			{"audit log", func(ctx context.Context, p domain.Page) (page, error) {
				l, err := audit.List(ctx, manager, domain.AuditFilter{Page: p})
				return page{len(l.Items), l.Next}, err
			}},
		}
		for _, tt := range lists {
			for _, size := range []int{5, 50} {
				t.Run(fmt.Sprintf("%s, pages of %d", tt.name, size), func(t *testing.T) {
					var after domain.Cursor
					for _, which := range []string{"first", "continued"} {
						ctx, count := store.CountQueries(context.Background())
						got, err := tt.list(ctx, domain.Page{Limit: size, After: after})
						if err != nil {
							t.Fatalf("%s page: %v", which, err)
						}
						if got.n != size || got.next == "" {
							t.Fatalf("%s page: %d rows, next %q; want a full page of %d and more after it", which, got.n, got.next, size)
						}
						// A search page costs two statements, whatever it finds:
						// the walk to the end of its window (the rows one search
						// page may read), then the page within the window.
						budget := 1
						if strings.HasSuffix(tt.name, "found by a search") {
							budget = 2
						}
						if n := count.Count(); n != budget {
							t.Errorf("%s page of %d rows: %d statements, want %d:\n%s", which, size, n, budget, statements(count))
						}
						after = got.next
					}
				})
			}
		}
	})
}

// TestDetailViewCostsConstantQueries reads detail views whose related rows differ
// in number: the count of statements must not follow them.
func TestDetailViewCostsConstantQueries(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		b := newBudgetWorld(t, w)
		deps := w.Deps()
		customers, contracts, events, users := service.NewCustomers(deps), service.NewContracts(deps), service.NewEvents(deps), service.NewUsers(deps, w.Hasher)
		reader := w.actor(w.Manager)
		views := []struct {
			name   string
			budget int
			small  func(ctx context.Context) error
			large  func(ctx context.Context) error
		}{
			{"a contract with its payments (none, then three)", 2,
				func(ctx context.Context) error { _, err := contracts.Get(ctx, reader, b.Empty.ID); return err },
				func(ctx context.Context) error {
					d, err := contracts.Get(ctx, reader, b.Paid.ID)
					if err == nil && len(d.Payments) != 3 {
						err = fmt.Errorf("%d payments, want 3", len(d.Payments))
					}
					return err
				}},
			{"an event with its customer and support (none, then assigned)", 1,
				func(ctx context.Context) error { _, err := events.Get(ctx, reader, b.Lonely.ID); return err },
				func(ctx context.Context) error {
					l, err := events.List(context.Background(), reader, domain.EventFilter{ContractID: b.Busy.ID, Page: domain.Page{Limit: 1}})
					if err != nil {
						return err
					}
					e, err := events.Get(ctx, reader, l.Items[0].ID)
					if err == nil && (e.CustomerEmail == "" || e.SupportContactName == "") {
						err = fmt.Errorf("event read without its customer or support: %+v", e)
					}
					return err
				}},
			{"a customer with its sales contact (few, then many contracts)", 1,
				func(ctx context.Context) error { _, err := customers.Get(ctx, reader, b.NoContract.ID); return err },
				func(ctx context.Context) error { _, err := customers.Get(ctx, reader, b.Owned.ID); return err }},
			{"a collaborator", 1,
				func(ctx context.Context) error { _, err := users.Get(ctx, reader, w.SupportB.ID); return err },
				func(ctx context.Context) error { _, err := users.Get(ctx, reader, w.SalesA.ID); return err }},
		}
		for _, tt := range views {
			t.Run(tt.name, func(t *testing.T) {
				ctx, small := store.CountQueries(context.Background())
				if err := tt.small(ctx); err != nil {
					t.Fatal(err)
				}
				ctx, large := store.CountQueries(context.Background())
				if err := tt.large(ctx); err != nil {
					t.Fatal(err)
				}
				if small.Count() != tt.budget || large.Count() != tt.budget {
					t.Errorf("%d and %d statements, want %d for both:\n%s\n%s", small.Count(), large.Count(), tt.budget, statements(small), statements(large))
				}
			})
		}
	})
}

// TestChangeIsOneTransaction runs every create and update of the services: each
// opens one transaction, and every statement that writes (the change and its
// audit row) runs inside it.
func TestChangeIsOneTransaction(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		counted := &txCounter{DB: w.DB}
		w.Store = counted
		b := newBudgetWorld(t, w)
		deps := w.Deps()
		users, customers, contracts, events := service.NewUsers(deps, w.Hasher), service.NewCustomers(deps), service.NewContracts(deps), service.NewEvents(deps)
		manager, sales, support := w.actor(w.Manager), w.actor(w.SalesA), w.actor(w.SupportA)
		start := t0.Add(72 * time.Hour)
		end := start.Add(3 * time.Hour)
		name := "Renamed"
		attendees := 42

		var customer domain.Customer
		var draft domain.Contract
		var user domain.Collaborator
		var event domain.Event
		changes := []struct {
			name string
			run  func(ctx context.Context) error
		}{
			{"create a customer", func(ctx context.Context) (err error) {
				customer, err = customers.Create(ctx, sales, service.CustomerInput{FullName: "Tx Customer", Email: "tx.customer@example.com", Phone: "+33 6 11 22 33 44", CompanyName: "Tx"})
				return err
			}},
			{"update a customer", func(ctx context.Context) (err error) {
				customer, err = customers.Update(ctx, sales, customer.ID, customer.Version, service.CustomerPatch{FullName: &name})
				return err
			}},
			{"reassign a customer", func(ctx context.Context) (err error) {
				_, err = customers.Reassign(ctx, manager, customer.ID, w.SalesB.ID)
				return err
			}},
			{"create a contract", func(ctx context.Context) (err error) {
				draft, err = contracts.Create(ctx, manager, b.Drafts.ID, 900_00)
				return err
			}},
			{"change a contract's total", func(ctx context.Context) (err error) {
				draft, err = contracts.UpdateTotal(ctx, manager, draft.ID, draft.Version, 950_00)
				return err
			}},
			{"sign a contract", func(ctx context.Context) (err error) {
				draft, err = contracts.Sign(ctx, manager, draft.ID)
				return err
			}},
			{"record a payment", func(ctx context.Context) (err error) {
				draft, _, err = contracts.RecordPayment(ctx, manager, draft.ID, 100_00, time.Time{})
				return err
			}},
			{"create an event", func(ctx context.Context) (err error) {
				event, err = events.Create(ctx, sales, b.Empty.ID, service.EventInput{Name: "Tx Event", StartAt: start, EndAt: end, Location: "Nice", Attendees: 10})
				return err
			}},
			{"assign an event", func(ctx context.Context) (err error) {
				event, _, err = events.Assign(ctx, manager, event.ID, w.SupportA.ID)
				return err
			}},
			{"update an event", func(ctx context.Context) (err error) {
				event, _, err = events.Update(ctx, support, event.ID, event.Version, service.EventPatch{Attendees: &attendees})
				return err
			}},
			{"unassign an event", func(ctx context.Context) (err error) {
				event, err = events.Unassign(ctx, manager, event.ID)
				return err
			}},
			{"cancel a contract", func(ctx context.Context) (err error) {
				_, err = contracts.Cancel(ctx, manager, mustContract(t, w, b.Owned.ID).ID)
				return err
			}},
			{"create a collaborator", func(ctx context.Context) (err error) {
				user, err = users.Create(ctx, manager, service.NewUser{FullName: "Tx Staff", Email: "tx.staff@staff.example.com", Role: domain.RoleSupport, Password: "a long enough password 1"})
				return err
			}},
			{"update a collaborator", func(ctx context.Context) (err error) {
				user, err = users.Update(ctx, manager, user.ID, service.UserChanges{FullName: "Tx Staff Renamed", Version: user.Version})
				return err
			}},
			{"deactivate a collaborator", func(ctx context.Context) (err error) {
				user, err = users.Deactivate(ctx, manager, user.ID)
				return err
			}},
		}
		for _, tt := range changes {
			t.Run(tt.name, func(t *testing.T) {
				counted.reset()
				ctx, count := store.CountQueries(context.Background())
				if err := tt.run(ctx); err != nil {
					t.Fatal(err)
				}
				if n := counted.reset(); n != 1 {
					t.Errorf("%d transactions, want 1", n)
				}
				audited := false
				for _, s := range count.Statements() {
					verb := strings.ToUpper(strings.Fields(s.SQL)[0])
					write := verb == "INSERT" || verb == "UPDATE" || verb == "DELETE"
					if write && !s.InTx {
						t.Errorf("a write outside the transaction: %s", s.SQL)
					}
					if verb == "INSERT" && strings.Contains(s.SQL, "audit_log") {
						audited = audited || s.InTx
					}
				}
				if !audited {
					t.Errorf("no audit row written inside the transaction:\n%s", statements(count))
				}
			})
		}
	})
}

// mustContract returns the first contract listed for a customer.
func mustContract(t *testing.T, w *world, customerID domain.ID) domain.Contract {
	t.Helper()
	l, err := w.DB.ListContracts(context.Background(), domain.ContractFilter{CustomerID: customerID, Page: domain.Page{Limit: 1}})
	if err != nil || len(l.Items) == 0 {
		t.Fatalf("a contract of customer %d: %v", customerID, err)
	}
	return l.Items[0]
}

func statements(c *store.QueryCounter) string {
	var b strings.Builder
	for i, s := range c.Statements() {
		fmt.Fprintf(&b, "  %d. (in tx: %t) %s\n", i+1, s.InTx, strings.Join(strings.Fields(s.SQL), " "))
	}
	return b.String()
}
