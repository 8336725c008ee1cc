package seeds

import (
	"context"
	"fmt"
	"time"

	"github.com/epic-events/crm/internal/domain"
)

// DemoPassword is the password of every demo collaborator. It is public on
// purpose: the demo data is refused in production.
const DemoPassword = "epicevents-demo"

// Writer is what seeding needs from storage; the store's transaction
// repositories satisfy it. Create* set the id and version, and keep the
// CreatedAt/UpdatedAt they are given.
type Writer interface {
	// SeedGrants inserts or updates the roles and their grants (an upsert).
	SeedGrants(ctx context.Context, grants []domain.Grant) error
	ListUsers(ctx context.Context, f domain.UserFilter) (domain.List[domain.Collaborator], error)
	CreateUser(ctx context.Context, u *domain.Collaborator) error
	CreateCustomer(ctx context.Context, c *domain.Customer) error
	CreateContract(ctx context.Context, c *domain.Contract) error
	AddPayment(ctx context.Context, p *domain.Payment) error
	CreateEvent(ctx context.Context, e *domain.Event) error
}

// ErrNotEmpty is returned by Demo when the database already has collaborators.
var ErrNotEmpty = &domain.Error{Code: domain.CodeConflict, Message: "the database is not empty"}

// Demo writes the permission matrix and the demo company: collaborators (all
// with DemoPassword, hashed by hash once each), customers, contracts with
// their payments, and events, dated relative to now. Call it inside one store
// transaction, so that a failure leaves nothing half-seeded. The grants are
// upserted; the rest goes only into a database without collaborators, and
// ErrNotEmpty is returned (before anything is written) when there are some.
func Demo(ctx context.Context, w Writer, hash func(password string) (string, error), now time.Time) error {
	grants, err := Grants()
	if err != nil {
		return err
	}
	p, err := buildPlan(now)
	if err != nil {
		return err
	}
	existing, err := w.ListUsers(ctx, domain.UserFilter{IncludeInactive: true, Page: domain.Page{Limit: 1}})
	if err != nil {
		return fmt.Errorf("seed demo: look for collaborators: %w", err)
	}
	if len(existing.Items) > 0 {
		return ErrNotEmpty
	}
	if err := w.SeedGrants(ctx, grants); err != nil {
		return fmt.Errorf("seed demo: grants: %w", err)
	}

	users := make([]domain.Collaborator, len(p.users))
	for i, u := range p.users {
		if u.PasswordHash, err = hash(DemoPassword); err != nil {
			return fmt.Errorf("seed demo: hash the password of %s: %w", u.Email, err)
		}
		if err := w.CreateUser(ctx, &u); err != nil {
			return fmt.Errorf("seed demo: user %s: %w", u.Email, err)
		}
		users[i] = u
	}

	customers := make([]domain.Customer, len(p.customers))
	for i, c := range p.customers {
		c.SalesContactID = users[c.sales].ID
		if err := w.CreateCustomer(ctx, &c.Customer); err != nil {
			return fmt.Errorf("seed demo: customer %s: %w", c.Email, err)
		}
		customers[i] = c.Customer
	}

	contracts := make([]domain.Contract, len(p.contracts))
	for i, k := range p.contracts {
		k.CustomerID = customers[k.customer].ID
		if err := w.CreateContract(ctx, &k.Contract); err != nil {
			return fmt.Errorf("seed demo: contract for %s: %w", customers[k.customer].Email, err)
		}
		for _, pay := range k.payments {
			pay.ContractID = k.ID
			pay.RecordedByID = users[pay.recordedBy].ID
			if err := w.AddPayment(ctx, &pay.Payment); err != nil {
				return fmt.Errorf("seed demo: payment on contract %d: %w", k.ID, err)
			}
		}
		contracts[i] = k.Contract
	}

	for _, e := range p.events {
		e.ContractID = contracts[e.contract].ID
		if e.support != nil {
			id := users[*e.support].ID
			e.SupportContactID = &id
		}
		if err := w.CreateEvent(ctx, &e.Event); err != nil {
			return fmt.Errorf("seed demo: event %q: %w", e.Name, err)
		}
	}
	return nil
}

// Account is a demo collaborator, for the README and the summary printed after a reset.
type Account struct {
	EmployeeNumber string
	FullName       string
	Email          string
	Role           domain.Role
}

// Accounts lists the demo collaborators in the order they are seeded.
func Accounts() ([]Account, error) {
	var staff []staffRow
	if err := decode("staff.json", &staff); err != nil {
		return nil, err
	}
	accounts := make([]Account, len(staff))
	for i, s := range staff {
		accounts[i] = Account{EmployeeNumber: s.EmployeeNumber, FullName: s.FullName, Email: domain.NormalizeEmail(s.Email), Role: s.Role}
	}
	return accounts, nil
}
