package seeds_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/store"
	"github.com/epic-events/crm/internal/store/storetest"
	"github.com/epic-events/crm/seeds"
)

var seedTime = time.Date(2026, time.March, 14, 15, 9, 26, 0, time.UTC)

// fakeHash stands for argon2id: what matters here is that each collaborator
// gets their own call, and that the stored value is what it returned.
type fakeHash struct{ calls int }

func (h *fakeHash) hash(password string) (string, error) {
	h.calls++
	return fmt.Sprintf("hash-%d-of-%d-chars", h.calls, len(password)), nil
}

func seed(t *testing.T, db *store.DB, h *fakeHash) error {
	t.Helper()
	return db.Tx(context.Background(), func(tx *store.Repos) error {
		return seeds.Demo(context.Background(), tx, h.hash, seedTime)
	})
}

func all[T any](t *testing.T, what string, list func(domain.Page) (domain.List[T], error)) []T {
	t.Helper()
	var out []T
	page := domain.Page{Limit: domain.MaxPageSize}
	for {
		l, err := list(page)
		if err != nil {
			t.Fatalf("list %s: %v", what, err)
		}
		out = append(out, l.Items...)
		if l.Next == "" {
			return out
		}
		page.After = l.Next
	}
}

func TestDemoSeedsAConsistentCompany(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		h := &fakeHash{}
		if err := seed(t, db, h); err != nil {
			t.Fatalf("Demo: %v", err)
		}
		users := all(t, "users", func(p domain.Page) (domain.List[domain.Collaborator], error) {
			return db.ListUsers(ctx, domain.UserFilter{IncludeInactive: true, Page: p})
		})
		customers := all(t, "customers", func(p domain.Page) (domain.List[domain.Customer], error) {
			return db.ListCustomers(ctx, domain.CustomerFilter{Page: p})
		})
		contracts := all(t, "contracts", func(p domain.Page) (domain.List[domain.Contract], error) {
			return db.ListContracts(ctx, domain.ContractFilter{Page: p})
		})
		events := all(t, "events", func(p domain.Page) (domain.List[domain.Event], error) {
			return db.ListEvents(ctx, domain.EventFilter{Page: p})
		})
		if len(users) != 7 || len(customers) < 12 || len(contracts) < 15 || len(events) < 15 {
			t.Fatalf("seeded %d users, %d customers, %d contracts, %d events", len(users), len(customers), len(contracts), len(events))
		}

		t.Run("every collaborator has their own hash of the demo password", func(t *testing.T) {
			if h.calls != len(users) {
				t.Errorf("hash called %d times for %d collaborators", h.calls, len(users))
			}
			seen := map[string]bool{}
			for _, u := range users {
				if u.PasswordHash == "" || seen[u.PasswordHash] || !u.Active {
					t.Errorf("%s: hash %q (shared or empty), active %v", u.Email, u.PasswordHash, u.Active)
				}
				seen[u.PasswordHash] = true
			}
		})

		byID := map[domain.ID]domain.Collaborator{}
		for _, u := range users {
			byID[u.ID] = u
		}
		t.Run("every customer is looked after by a sales collaborator", func(t *testing.T) {
			lastContacts := map[time.Time]bool{}
			for _, c := range customers {
				if byID[c.SalesContactID].Role != domain.RoleSales {
					t.Errorf("customer %s is looked after by %q", c.Email, byID[c.SalesContactID].Email)
				}
				lastContacts[c.UpdatedAt.UTC()] = true
				if c.UpdatedAt.After(seedTime) || c.UpdatedAt.Before(c.CreatedAt) {
					t.Errorf("customer %s: last contact %v, created %v", c.Email, c.UpdatedAt, c.CreatedAt)
				}
			}
			if len(lastContacts) < len(customers)/2 {
				t.Errorf("only %d distinct last-contact dates for %d customers", len(lastContacts), len(customers))
			}
		})

		t.Run("what is due is the total minus the payments received", func(t *testing.T) {
			kinds := map[string]int{}
			for _, k := range contracts {
				paid, err := db.PaidTotal(ctx, k.ID)
				if err != nil {
					t.Fatal(err)
				}
				if k.AmountDue != k.TotalAmount-paid {
					t.Errorf("contract %d: total %s, paid %s, due %s", k.ID, k.TotalAmount, paid, k.AmountDue)
				}
				switch {
				case k.Status != domain.ContractSigned:
					kinds[string(k.Status)]++
				case k.AmountDue == 0:
					kinds["paid"]++
				case paid == 0:
					kinds["unpaid"]++
				default:
					kinds["partly paid"]++
				}
			}
			for _, kind := range []string{"draft", "cancelled", "paid", "partly paid", "unpaid"} {
				if kinds[kind] == 0 {
					t.Errorf("no %s contract among %v", kind, kinds)
				}
			}
		})

		t.Run("events belong to signed contracts only", func(t *testing.T) {
			var past, upcoming, unassigned int
			for _, e := range events {
				k, err := db.GetContract(ctx, e.ContractID)
				if err != nil {
					t.Fatal(err)
				}
				if k.Status != domain.ContractSigned {
					t.Errorf("event %q is on a %s contract", e.Name, k.Status)
				}
				if e.SupportContactID == nil {
					unassigned++
				} else if byID[*e.SupportContactID].Role != domain.RoleSupport {
					t.Errorf("event %q is supported by %q", e.Name, byID[*e.SupportContactID].Email)
				}
				if e.StartAt.Before(seedTime) {
					past++
				} else {
					upcoming++
				}
			}
			if past == 0 || upcoming == 0 || unassigned == 0 || unassigned == len(events) {
				t.Errorf("%d past, %d upcoming, %d of %d without support", past, upcoming, unassigned, len(events))
			}
		})

		t.Run("the permission matrix is stored as seeded", func(t *testing.T) {
			want, err := seeds.Grants()
			if err != nil {
				t.Fatal(err)
			}
			stored := 0
			for _, role := range domain.Roles {
				g, err := db.GrantsFor(ctx, role)
				if err != nil {
					t.Fatal(err)
				}
				stored += len(g)
			}
			if stored != len(want) {
				t.Errorf("%d grants stored, %d seeded", stored, len(want))
			}
			for _, g := range want {
				held, err := db.GrantsFor(ctx, g.Role)
				if err != nil {
					t.Fatal(err)
				}
				if held[g.Permission] != g.Scope {
					t.Errorf("%s %s: stored %q, want %q", g.Role, g.Permission, held[g.Permission], g.Scope)
				}
			}
		})
	})
}

func TestDemoGoesOnlyIntoAnEmptyDatabase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := seed(t, db, &fakeHash{}); err != nil {
			t.Fatalf("first Demo: %v", err)
		}
		before, err := db.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		again := &fakeHash{}
		err = seed(t, db, again)
		if !errors.Is(err, seeds.ErrNotEmpty) || domain.ErrorCode(err) != domain.CodeConflict {
			t.Fatalf("second Demo: %v, want the not-empty conflict", err)
		}
		if again.calls != 0 {
			t.Errorf("the refused seed hashed %d passwords", again.calls)
		}
		after, err := db.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for i := range before {
			if before[i] != after[i] {
				t.Errorf("%s: %d rows before the second seed, %d after", before[i].Table, before[i].Rows, after[i].Rows)
			}
		}
	})
}

func TestAFailedDemoLeavesNothingBehind(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		calls := 0
		failing := func(string) (string, error) {
			if calls++; calls == 3 {
				return "", errors.New("out of memory")
			}
			return fmt.Sprintf("hash-%d", calls), nil
		}
		err := db.Tx(ctx, func(tx *store.Repos) error { return seeds.Demo(ctx, tx, failing, seedTime) })
		if err == nil {
			t.Fatal("Demo succeeded although hashing failed")
		}
		counts, err := db.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range counts {
			if c.Rows != 0 {
				t.Errorf("%s has %d rows after a failed seed", c.Table, c.Rows)
			}
		}
	})
}
