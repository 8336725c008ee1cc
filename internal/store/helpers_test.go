package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/store"
	"github.com/epic-events/crm/internal/store/storetest"
)

// t0 is the fake clock's start: every store call that stamps a row advances
// it by one second, so rows created in sequence have distinct, ordered times.
var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(time.Second)
	return c.now
}

// each runs fn on every engine, each with a fresh database, its own fake clock
// and the permission matrix seeded (users need their role to exist).
func each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if err := db.SeedGrants(context.Background(), testGrants); err != nil {
			t.Fatalf("seed grants: %v", err)
		}
		fn(t, db)
	}, storetest.WithClock((&fakeClock{now: t0}).Now))
}

var testGrants = []domain.Grant{
	{Role: domain.RoleManagement, Permission: domain.PermRead, Scope: domain.ScopeAny},
	{Role: domain.RoleManagement, Permission: domain.PermUserManage, Scope: domain.ScopeAny},
	{Role: domain.RoleSales, Permission: domain.PermRead, Scope: domain.ScopeAny},
	{Role: domain.RoleSales, Permission: domain.PermCustomerUpdate, Scope: domain.ScopeOwn},
	{Role: domain.RoleSupport, Permission: domain.PermRead, Scope: domain.ScopeAny},
	{Role: domain.RoleSupport, Permission: domain.PermEventUpdate, Scope: domain.ScopeAssigned},
}

var ctx = context.Background()

var userSeq int

func newUser(t *testing.T, r *store.Repos, role domain.Role, name string) domain.Collaborator {
	t.Helper()
	userSeq++
	u := domain.Collaborator{
		EmployeeNumber: fmt.Sprintf("EE-%04d", userSeq),
		FullName:       name,
		Email:          fmt.Sprintf("%s.%d@epicevents.test", strings.ToLower(strings.ReplaceAll(name, " ", ".")), userSeq),
		PasswordHash:   "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA",
		Role:           role,
		Active:         true,
	}
	if err := r.CreateUser(ctx, &u); err != nil {
		t.Fatalf("create user %s: %v", name, err)
	}
	return u
}

func newCustomer(t *testing.T, r *store.Repos, sales domain.Collaborator, name, company string) domain.Customer {
	t.Helper()
	c := domain.Customer{
		FullName:       name,
		Email:          strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.com",
		Phone:          "+33 1 23 45 67 89",
		CompanyName:    company,
		SalesContactID: sales.ID,
	}
	if err := r.CreateCustomer(ctx, &c); err != nil {
		t.Fatalf("create customer %s: %v", name, err)
	}
	return c
}

func newContract(t *testing.T, r *store.Repos, customer domain.Customer, total, due domain.Money, status domain.ContractStatus) domain.Contract {
	t.Helper()
	k := domain.Contract{CustomerID: customer.ID, TotalAmount: total, AmountDue: due, Status: status}
	if status == domain.ContractSigned {
		at := t0
		k.SignedAt = &at
	}
	if err := r.CreateContract(ctx, &k); err != nil {
		t.Fatalf("create contract: %v", err)
	}
	return k
}

func newEvent(t *testing.T, r *store.Repos, k domain.Contract, support *domain.Collaborator, name string, start time.Time, hours int) domain.Event {
	t.Helper()
	e := domain.Event{
		ContractID: k.ID, Name: name, StartAt: start, EndAt: start.Add(time.Duration(hours) * time.Hour),
		Location: "Salle Pleyel, Paris", Attendees: 100, Notes: "bring badges",
	}
	if support != nil {
		id := support.ID
		e.SupportContactID = &id
	}
	if err := r.CreateEvent(ctx, &e); err != nil {
		t.Fatalf("create event %s: %v", name, err)
	}
	return e
}

func ptr[T any](v T) *T { return &v }

// wantCode fails t unless err carries code.
func wantCode(t *testing.T, err error, code domain.Code) *domain.Error {
	t.Helper()
	if got := domain.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
	var de *domain.Error
	errors.As(err, &de)
	return de
}

// wantField fails t unless err is a *domain.Error of code naming field.
func wantField(t *testing.T, err error, code domain.Code, field string) {
	t.Helper()
	de := wantCode(t, err, code)
	if _, ok := de.Fields[field]; !ok {
		t.Fatalf("error %q names fields %v, want %q", de.Error(), de.Fields, field)
	}
}

func mustNil(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// allPages follows the cursor from the first page, size rows at a time, and
// returns the ids in the order listed.
func allPages[T any](t *testing.T, size int, list func(domain.Page) (domain.List[T], error), id func(T) domain.ID) []domain.ID {
	t.Helper()
	var ids []domain.ID
	page := domain.Page{Limit: size}
	for range 100 {
		l, err := list(page)
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		if len(l.Items) > size {
			t.Fatalf("page has %d items, asked for %d", len(l.Items), size)
		}
		for _, it := range l.Items {
			ids = append(ids, id(it))
		}
		if l.Next == "" {
			return ids
		}
		if len(l.Items) != size {
			t.Fatalf("a page of %d items before the last one, want %d", len(l.Items), size)
		}
		page.After = l.Next
	}
	t.Fatal("the cursor never reached the end")
	return nil
}

func contains(s, sub string) bool { return strings.Contains(strings.ToLower(s), strings.ToLower(sub)) }
