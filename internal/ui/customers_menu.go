package ui

import (
	"context"
	"fmt"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
)

// The customers menu and the actions on a customer.
const (
	CustomersAll      = "All customers"
	CustomersMine     = "My customers"
	CustomerNew       = "New customer"
	CustomerUpdate    = "Update customer"
	CustomerReassign  = "Reassign to another sales collaborator"
	CustomerContract  = "New contract for this customer"
	CustomerContracts = "Open one of its contracts"
)

func (s *session) customersMenu(ctx context.Context) error {
	all := s.customerPager("All customers", 0)
	var mine *Pager[domain.Customer]
	for {
		a, err := s.who(ctx)
		if err != nil {
			return err
		}
		items := []string{CustomersAll}
		if looksAfterCustomers(a) {
			items = append(items, CustomersMine)
		}
		if s.svc.Permissions.CanCreateCustomer(a) {
			items = append(items, CustomerNew)
		}
		choice, err := s.choose("Customers", append(items, Back))
		if err != nil || choice == Back {
			return err
		}
		err = s.act(ctx, func(ctx context.Context) error {
			switch choice {
			case CustomersAll:
				return s.browseCustomers(ctx, all)
			case CustomersMine:
				if mine == nil {
					mine = s.customerPager("My customers", a.ID)
				}
				return s.browseCustomers(ctx, mine)
			case CustomerNew:
				return s.newCustomer(ctx)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
}

// customerColumns shows customers in a list; withSales adds who looks after
// them (a list of one's own customers needs no such column).
func (s *session) customerColumns(withSales bool) []Column[domain.Customer] {
	cols := []Column[domain.Customer]{
		{Title: "Name", Value: func(c domain.Customer) string { return c.FullName }, Min: 12},
		{Title: "Company", Value: func(c domain.Customer) string { return c.CompanyName }},
		{Title: "Email", Value: func(c domain.Customer) string { return c.Email }},
	}
	if withSales {
		cols = append(cols, Column[domain.Customer]{Title: "Sales contact", Value: func(c domain.Customer) string { return c.SalesContactName }})
	}
	return append(cols, Column[domain.Customer]{Title: "Last contact", Value: func(c domain.Customer) string { return s.d.Date(c.UpdatedAt) }, Fixed: true})
}

// customerSearch lists customers (those of salesID only, when not 0) matching a term.
func (s *session) customerSearch(salesID domain.ID) func(string) PageFunc[domain.Customer] {
	return listing(s, s.svc.Customers.List, func(term string, p domain.Page) domain.CustomerFilter {
		return domain.CustomerFilter{SalesContactID: salesID, Search: term, Page: p}
	})
}

func (s *session) customerPager(title string, salesID domain.ID) *Pager[domain.Customer] {
	search := s.customerSearch(salesID)
	return &Pager[domain.Customer]{Title: title, Columns: s.customerColumns(salesID == 0), Fetch: search(""), Search: search, Display: s.d}
}

func (s *session) browseCustomers(ctx context.Context, pg *Pager[domain.Customer]) error {
	return browse(ctx, s, pg, func(ctx context.Context, c domain.Customer) error { return s.customerDetail(ctx, c.ID) })
}

// customerDetail shows a customer with their contracts and events, and the
// actions the actor may take on them, until the user goes back.
func (s *session) customerDetail(ctx context.Context, id domain.ID) error {
	for {
		a, err := s.who(ctx)
		if err != nil {
			return err
		}
		c, err := s.svc.Customers.Get(ctx, a, id)
		if err != nil {
			return err
		}
		contracts, err := s.showCustomer(ctx, a, c)
		if err != nil {
			return err
		}
		perms := s.svc.Permissions
		var items []string
		if perms.CanUpdateCustomer(a, c) {
			items = append(items, CustomerUpdate)
		}
		if perms.CanReassignCustomer(a, c) {
			items = append(items, CustomerReassign)
		}
		if perms.CanCreateContract(a, c) {
			items = append(items, CustomerContract)
		}
		if contracts > 0 {
			items = append(items, CustomerContracts)
		}
		choice, err := s.choose("Customer "+c.FullName, append(items, Back))
		if err != nil || choice == Back {
			return err
		}
		err = s.act(ctx, func(ctx context.Context) error {
			switch choice {
			case CustomerUpdate:
				return s.updateCustomer(ctx, c)
			case CustomerReassign:
				return s.reassignCustomer(ctx, c)
			case CustomerContract:
				return s.newContractFor(ctx, c)
			case CustomerContracts:
				pg := s.contractPager("Contracts of "+c.FullName, domain.ContractFilter{CustomerID: c.ID})
				return s.browseContracts(ctx, pg)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
}

// showCustomer prints the customer, their contracts and the events of those
// contracts; it returns how many contracts were shown.
func (s *session) showCustomer(ctx context.Context, a service.Actor, c domain.Customer) (int, error) {
	s.say("")
	_ = RenderDetails(s.Out, s.d, []Field{
		{"Customer", fmt.Sprintf("%s (#%d)", c.FullName, c.ID)},
		{"Company", orDash(c.CompanyName)},
		{"Email", c.Email},
		{"Phone", c.Phone},
		{"Sales contact", c.SalesContactName},
		{"Customer since", s.d.Date(c.CreatedAt)},
		{"Last contact", s.d.Time(c.UpdatedAt)},
	})
	l, err := s.svc.Contracts.List(ctx, a, domain.ContractFilter{CustomerID: c.ID, Page: domain.Page{Limit: domain.DefaultPageSize}})
	if err != nil {
		return 0, err
	}
	contracts, more := firstPage(l)
	section(s, "Contracts", contracts, more, s.contractColumns(false))
	var events []domain.Event
	moreEvents := false
	for _, k := range contracts {
		if k.Status != domain.ContractSigned {
			continue // only a signed contract has events
		}
		if len(events) >= domain.DefaultPageSize {
			moreEvents = true
			break
		}
		el, err := s.svc.Events.List(ctx, a, domain.EventFilter{ContractID: k.ID, Page: domain.Page{Limit: domain.DefaultPageSize - len(events)}})
		if err != nil {
			return 0, err
		}
		events = append(events, el.Items...)
		moreEvents = moreEvents || el.Next != ""
	}
	section(s, "Events", events, moreEvents || more, s.eventColumns(false))
	s.say("")
	return len(contracts), nil
}

func orDash(v string) string {
	if v == "" {
		return "-"
	}
	return v
}

func customerFields(c domain.Customer) []*field {
	return []*field{
		{key: "full_name", label: "Full name", value: c.FullName, check: check("Full name", domain.ValidateName)},
		{key: "email", label: "Email", value: c.Email, check: check("Email", domain.ValidateEmail)},
		{key: "phone", label: "Phone", value: c.Phone, check: check("Phone", domain.ValidatePhone)},
		{key: "company_name", label: "Company (may be empty)", value: c.CompanyName, check: check("Company", domain.ValidateCompany)},
	}
}

func (s *session) newCustomer(ctx context.Context) error {
	s.say("New customer: you will be their sales contact.")
	fields := customerFields(domain.Customer{})
	var created domain.Customer
	err := s.fill(fields, func() error {
		a, err := s.who(ctx)
		if err != nil {
			return err
		}
		v := values(fields)
		created, err = s.svc.Customers.Create(ctx, a, service.CustomerInput{
			FullName: v["full_name"], Email: v["email"], Phone: v["phone"], CompanyName: v["company_name"],
		})
		return err
	})
	if err != nil {
		return err
	}
	s.say("✓ Customer %s created (#%d).", created.FullName, created.ID)
	return s.customerDetail(ctx, created.ID)
}

func (s *session) updateCustomer(ctx context.Context, c domain.Customer) error {
	fields := customerFields(c)
	changed := false
	err := s.fill(fields, func() error {
		a, err := s.who(ctx)
		if err != nil {
			return err
		}
		v := values(fields)
		var p service.CustomerPatch
		p.FullName = changedValue(c.FullName, v["full_name"])
		p.Email = changedValue(c.Email, v["email"])
		p.Phone = changedValue(c.Phone, v["phone"])
		p.CompanyName = changedValue(c.CompanyName, v["company_name"])
		changed = p != (service.CustomerPatch{})
		if !changed {
			return nil
		}
		_, err = s.svc.Customers.Update(ctx, a, c.ID, c.Version, p)
		return err
	})
	if err != nil {
		return err
	}
	if changed {
		s.say("✓ Customer updated.")
	} else {
		s.say("Nothing was changed.")
	}
	return nil
}

// changedValue is the new value when it differs from the old one, else nil.
func changedValue(old, new string) *string {
	if old == new {
		return nil
	}
	return &new
}

func (s *session) reassignCustomer(ctx context.Context, c domain.Customer) error {
	to, err := s.pickCollaborator(ctx, fmt.Sprintf("Choose the new sales contact of %s", c.FullName), domain.RoleSales)
	if err != nil {
		return err
	}
	if to.ID == c.SalesContactID {
		s.say("%s already looks after %s: nothing was changed.", to.FullName, c.FullName)
		return nil
	}
	ok, err := s.confirm(fmt.Sprintf("Give %s, with their contracts, from %s to %s?", c.FullName, c.SalesContactName, to.FullName))
	if err != nil || !ok {
		return err
	}
	a, err := s.who(ctx)
	if err != nil {
		return err
	}
	if _, err := s.svc.Customers.Reassign(ctx, a, c.ID, to.ID); err != nil {
		return err
	}
	s.say("✓ %s is now looked after by %s.", c.FullName, to.FullName)
	return nil
}
