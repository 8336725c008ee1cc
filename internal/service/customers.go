package service

import (
	"context"
	"fmt"
	"strings"

	"github.com/epic-events/crm/internal/domain"
)

// Customers is the use cases of customers: sales create and look after their own,
// management moves them between sales collaborators, everyone reads them.
type Customers struct{ base }

// NewCustomers builds the Customers service.
func NewCustomers(d Deps) *Customers { return &Customers{newBase(d)} }

// CustomerInput is what a sales collaborator types to create a customer.
type CustomerInput struct {
	FullName    string
	Email       string
	Phone       string
	CompanyName string
}

// CustomerPatch changes the fields that are set and leaves the nil ones as they are.
type CustomerPatch struct {
	FullName    *string
	Email       *string
	Phone       *string
	CompanyName *string
}

// Create records a new customer looked after by the actor, who becomes its sales contact.
func (s *Customers) Create(ctx context.Context, actor Actor, in CustomerInput) (domain.Customer, error) {
	// The creator becomes the owner, so an "own" grant covers the new record.
	if err := authorize(actor, domain.PermCustomerCreate, domain.Subject{SalesContactID: actor.ID}, "create customers"); err != nil {
		return domain.Customer{}, err
	}
	c := domain.Customer{
		FullName:       strings.TrimSpace(in.FullName),
		Email:          domain.NormalizeEmail(in.Email),
		Phone:          strings.TrimSpace(in.Phone),
		CompanyName:    strings.TrimSpace(in.CompanyName),
		SalesContactID: actor.ID,
	}
	if err := validateCustomer(c); err != nil {
		return domain.Customer{}, err
	}
	var out domain.Customer
	err := s.tx(ctx, actor, func(r Repos) error {
		// A fresh copy each run: CreateCustomer fills in the ID and timestamps, which
		// a run the server rolled back must not leave to the next (see store.DB.Tx).
		c := c
		if err := r.CreateCustomer(ctx, &c); err != nil {
			return fmt.Errorf("create customer: %w", err)
		}
		var ch changeSet
		ch.add("full_name", "", c.FullName)
		ch.add("email", "", c.Email)
		ch.add("phone", "", c.Phone)
		ch.add("company_name", "", c.CompanyName)
		ch.add("sales_contact", "", collaboratorRef(actor.ID, actor.FullName))
		if err := s.audit(ctx, r, actor, "customer.create", "customer", c.ID, ch); err != nil {
			return err
		}
		out = c
		return nil
	})
	if err != nil {
		return domain.Customer{}, err
	}
	out.SalesContactName = actor.FullName
	return out, nil
}

// Update changes the customer as it was at version, for its sales contact only.
// A customer changed by someone else since version is refused with domain.ErrStale.
func (s *Customers) Update(ctx context.Context, actor Actor, id domain.ID, version int64, p CustomerPatch) (domain.Customer, error) {
	const what = "update this customer"
	if err := holdsOrDeny(actor, domain.PermCustomerUpdate, what); err != nil {
		return domain.Customer{}, err
	}
	var out domain.Customer
	err := s.tx(ctx, actor, func(r Repos) error {
		c, err := r.GetCustomer(ctx, id)
		if err != nil {
			return fmt.Errorf("update customer %d: %w", id, err)
		}
		if err := authorize(actor, domain.PermCustomerUpdate, domain.Subject{SalesContactID: c.SalesContactID}, what); err != nil {
			return err
		}
		next := c
		if p.FullName != nil {
			next.FullName = strings.TrimSpace(*p.FullName)
		}
		if p.Email != nil {
			next.Email = domain.NormalizeEmail(*p.Email)
		}
		if p.Phone != nil {
			next.Phone = strings.TrimSpace(*p.Phone)
		}
		if p.CompanyName != nil {
			next.CompanyName = strings.TrimSpace(*p.CompanyName)
		}
		if err := validateCustomer(next); err != nil {
			return err
		}
		if c.Version != version {
			return domain.ErrStale
		}
		var ch changeSet
		ch.add("full_name", c.FullName, next.FullName)
		ch.add("email", c.Email, next.Email)
		ch.add("phone", c.Phone, next.Phone)
		ch.add("company_name", c.CompanyName, next.CompanyName)
		if len(ch) == 0 {
			out = c
			return nil
		}
		if err := r.UpdateCustomerFrom(ctx, c, &next); err != nil {
			return fmt.Errorf("update customer %d: %w", id, err)
		}
		out = next
		return s.audit(ctx, r, actor, "customer.update", "customer", id, ch)
	})
	if err != nil {
		return domain.Customer{}, err
	}
	return out, nil
}

// Reassign hands the customer, and with it its contracts, to another active sales
// collaborator. The contracts need no write: their sales contact is the customer's.
func (s *Customers) Reassign(ctx context.Context, actor Actor, id, toSalesID domain.ID) (domain.Customer, error) {
	const what = "reassign customers"
	if err := holdsOrDeny(actor, domain.PermCustomerReassign, what); err != nil {
		return domain.Customer{}, err
	}
	var out domain.Customer
	err := s.tx(ctx, actor, func(r Repos) error {
		c, err := r.GetCustomer(ctx, id)
		if err != nil {
			return fmt.Errorf("reassign customer %d: %w", id, err)
		}
		if err := authorize(actor, domain.PermCustomerReassign, domain.Subject{SalesContactID: c.SalesContactID}, what); err != nil {
			return err
		}
		to, err := activeCollaborator(ctx, r, toSalesID, domain.RoleSales, "sales_contact")
		if err != nil {
			return err
		}
		if c.SalesContactID == to.ID {
			out = c
			return nil
		}
		var ch changeSet
		ch.add("sales_contact", collaboratorRef(c.SalesContactID, c.SalesContactName), collaboratorRef(to.ID, to.FullName))
		next := c
		next.SalesContactID, next.SalesContactName = to.ID, to.FullName
		if err := r.UpdateCustomerFrom(ctx, c, &next); err != nil {
			return fmt.Errorf("reassign customer %d: %w", id, err)
		}
		out = next
		return s.audit(ctx, r, actor, "customer.reassign", "customer", id, ch)
	})
	if err != nil {
		return domain.Customer{}, err
	}
	return out, nil
}

// Get reads one customer.
func (s *Customers) Get(ctx context.Context, actor Actor, id domain.ID) (domain.Customer, error) {
	if err := authorize(actor, domain.PermRead, domain.Subject{}, "read customers"); err != nil {
		return domain.Customer{}, err
	}
	var c domain.Customer
	err := s.read(ctx, actor, func(r Repos) error {
		var err error
		if c, err = r.GetCustomer(ctx, id); err != nil {
			return fmt.Errorf("get customer %d: %w", id, err)
		}
		return nil
	})
	return c, err
}

// List reads one page of customers; SalesContactID set to the actor is "my customers".
func (s *Customers) List(ctx context.Context, actor Actor, f domain.CustomerFilter) (domain.List[domain.Customer], error) {
	if err := authorize(actor, domain.PermRead, domain.Subject{}, "read customers"); err != nil {
		return domain.List[domain.Customer]{}, err
	}
	var l domain.List[domain.Customer]
	err := s.read(ctx, actor, func(r Repos) error {
		var err error
		if l, err = r.ListCustomers(ctx, f); err != nil {
			return fmt.Errorf("list customers: %w", err)
		}
		return nil
	})
	return l, err
}

func validateCustomer(c domain.Customer) error {
	fe := domain.FieldErrors{}
	fe.Check("full_name", domain.ValidateName(c.FullName))
	fe.Check("email", domain.ValidateEmail(c.Email))
	fe.Check("phone", domain.ValidatePhone(c.Phone))
	fe.Check("company_name", domain.ValidateCompany(c.CompanyName))
	return fe.Err()
}

// holdsOrDeny refuses at once an actor whose role never holds p, before any read;
// the ownership of the record is checked again, with authorize, once it is loaded.
func holdsOrDeny(actor Actor, p domain.Permission, what string) error {
	if err := actor.refusal(p); err != nil {
		return err
	}
	if !actor.Holds(p) {
		return domain.Forbidden(what)
	}
	return nil
}

// activeCollaborator loads the collaborator chosen for field and insists that they
// are active and of role; a missing one is reported on the field too.
func activeCollaborator(ctx context.Context, r Repos, id domain.ID, role domain.Role, field string) (domain.Collaborator, error) {
	rule := fmt.Sprintf("must be an active %s collaborator", role)
	u, err := r.GetUser(ctx, id)
	if domain.ErrorCode(err) == domain.CodeNotFound {
		return domain.Collaborator{}, domain.Invalid(field, rule)
	}
	if err != nil {
		return domain.Collaborator{}, fmt.Errorf("get collaborator %d: %w", id, err)
	}
	if !u.Active || u.Role != role {
		return domain.Collaborator{}, domain.Invalid(field, rule)
	}
	return u, nil
}

// collaboratorRef names a collaborator in the audit trail so that it reads well
// and still identifies them after a rename.
func collaboratorRef(id domain.ID, name string) string {
	if id == 0 {
		return ""
	}
	if name == "" {
		return fmt.Sprintf("#%d", id)
	}
	return fmt.Sprintf("%s (#%d)", name, id)
}
