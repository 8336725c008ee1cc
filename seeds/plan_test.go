package seeds

import (
	"testing"
	"time"

	"github.com/epic-events/crm/internal/domain"
)

// seedTime is a fixed moment, so that the checks never depend on the wall clock.
var seedTime = time.Date(2026, time.March, 14, 15, 9, 26, 535897932, time.UTC)

func TestThePlanHasTheVarietyTheDemoNeeds(t *testing.T) {
	p, err := buildPlan(seedTime)
	if err != nil {
		t.Fatalf("buildPlan: %v", err)
	}
	count := func(n int, pred bool) int {
		if pred {
			return n + 1
		}
		return n
	}
	var draft, signed, cancelled, paid, partly, unpaid, past, upcoming, assigned, unassigned int
	for _, k := range p.contracts {
		draft = count(draft, k.Status == domain.ContractDraft)
		signed = count(signed, k.Status == domain.ContractSigned)
		cancelled = count(cancelled, k.Status == domain.ContractCancelled)
		if k.Status == domain.ContractSigned {
			paid = count(paid, k.AmountDue == 0)
			partly = count(partly, k.AmountDue > 0 && k.AmountDue < k.TotalAmount)
			unpaid = count(unpaid, k.AmountDue == k.TotalAmount)
		}
	}
	for _, e := range p.events {
		past = count(past, e.StartAt.Before(seedTime))
		upcoming = count(upcoming, e.StartAt.After(seedTime))
		assigned = count(assigned, e.support != nil)
		unassigned = count(unassigned, e.support == nil)
	}
	tests := []struct {
		what     string
		got, min int
	}{
		{"collaborators", len(p.users), 7},
		{"customers", len(p.customers), 12},
		{"contracts", len(p.contracts), 15},
		{"draft contracts", draft, 2},
		{"signed contracts", signed, 5},
		{"cancelled contracts", cancelled, 2},
		{"signed contracts fully paid", paid, 2},
		{"signed contracts partly paid", partly, 2},
		{"signed contracts with nothing paid", unpaid, 2},
		{"events", len(p.events), 15},
		{"past events", past, 3},
		{"upcoming events", upcoming, 3},
		{"events with support", assigned, 3},
		{"events without support", unassigned, 3},
	}
	for _, tt := range tests {
		if tt.got < tt.min {
			t.Errorf("%s: %d, want at least %d", tt.what, tt.got, tt.min)
		}
	}
}

func TestThePlanKeepsTheRulesOfTheProduct(t *testing.T) {
	p, err := buildPlan(seedTime)
	if err != nil {
		t.Fatalf("buildPlan: %v", err)
	}
	for _, c := range p.customers {
		if p.users[c.sales].Role != domain.RoleSales {
			t.Errorf("customer %s is looked after by %s, who is not in sales", c.Email, p.users[c.sales].Email)
		}
		if c.UpdatedAt.Before(c.CreatedAt) || c.UpdatedAt.After(seedTime) {
			t.Errorf("customer %s: last contact %v is not between creation %v and now", c.Email, c.UpdatedAt, c.CreatedAt)
		}
	}
	for _, k := range p.contracts {
		var received domain.Money
		for _, pay := range k.payments {
			received += pay.Amount
			if pay.Amount <= 0 {
				t.Errorf("contract of %s: payment of %s", p.customers[k.customer].Email, pay.Amount)
			}
		}
		if k.AmountDue != k.TotalAmount-received || k.AmountDue < 0 {
			t.Errorf("contract of %s: due %s, total %s, received %s", p.customers[k.customer].Email, k.AmountDue, k.TotalAmount, received)
		}
		if (k.Status == domain.ContractSigned) != (k.SignedAt != nil) && k.Status != domain.ContractCancelled {
			t.Errorf("contract of %s: status %s with signed_at %v", p.customers[k.customer].Email, k.Status, k.SignedAt)
		}
	}
	for _, e := range p.events {
		k := p.contracts[e.contract]
		if k.Status != domain.ContractSigned {
			t.Errorf("event %q is on a %s contract", e.Name, k.Status)
		}
		if !e.EndAt.After(e.StartAt) || !e.StartAt.After(*k.SignedAt) {
			t.Errorf("event %q: %v to %v, contract signed %v", e.Name, e.StartAt, e.EndAt, k.SignedAt)
		}
		if e.support != nil && p.users[*e.support].Role != domain.RoleSupport {
			t.Errorf("event %q is supported by %s, who is not in support", e.Name, p.users[*e.support].Email)
		}
	}
}

func TestThePlanIsDatedFromTheSeedingTime(t *testing.T) {
	a, errA := buildPlan(seedTime)
	b, errB := buildPlan(seedTime.AddDate(0, 0, 10))
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	for i := range a.events {
		if got := b.events[i].StartAt.Sub(a.events[i].StartAt); got != 10*24*time.Hour {
			t.Errorf("event %q moved by %v when seeded 10 days later", a.events[i].Name, got)
		}
	}
	for _, u := range a.users {
		if u.CreatedAt.Nanosecond() != 0 || u.CreatedAt.Location() != time.UTC {
			t.Errorf("user %s created at %v: want whole seconds in UTC", u.Email, u.CreatedAt)
		}
	}
}
