package ui

import (
	"context"
	"fmt"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
)

// The contracts menu and the actions on a contract.
const (
	ContractsAll      = "All contracts"
	ContractsMine     = "My customers' contracts"
	ContractsUnsigned = "Unsigned contracts"
	ContractsUnpaid   = "Signed, not fully paid"
	ContractNew       = "New contract"
	ContractTotal     = "Change the total"
	ContractPay       = "Record a payment"
	ContractSign      = "Sign"
	ContractCancel    = "Cancel the contract"
	ContractEvent     = "New event for this contract"
	ContractCustomer  = "Open the customer"
	ContractEvents    = "Open one of its events"
)

func (s *session) contractsMenu(ctx context.Context) error {
	pagers := map[string]*Pager[domain.Contract]{}
	for {
		a, err := s.who(ctx)
		if err != nil {
			return err
		}
		// Sales see the filters over their own customers; management over all.
		var mine domain.ID
		if looksAfterCustomers(a) {
			mine = a.ID
		}
		filters := map[string]domain.ContractFilter{
			ContractsAll:      {},
			ContractsMine:     {SalesContactID: mine},
			ContractsUnsigned: {SalesContactID: mine, Status: domain.ContractDraft},
			ContractsUnpaid:   {SalesContactID: mine, Status: domain.ContractSigned, Unpaid: true},
		}
		items := []string{ContractsAll}
		if mine != 0 {
			items = append(items, ContractsMine)
		}
		items = append(items, ContractsUnsigned, ContractsUnpaid)
		if a.Holds(domain.PermContractCreate) {
			items = append(items, ContractNew)
		}
		choice, err := s.choose("Contracts", append(items, Back))
		if err != nil || choice == Back {
			return err
		}
		err = s.act(ctx, func(ctx context.Context) error {
			if choice == ContractNew {
				return s.newContract(ctx)
			}
			pg := pagers[choice]
			if pg == nil {
				title := choice
				if mine != 0 && choice != ContractsAll && choice != ContractsMine {
					title += " (my customers)"
				}
				pg = s.contractPager(title, filters[choice])
				pagers[choice] = pg
			}
			return s.browseContracts(ctx, pg)
		})
		if err != nil {
			return err
		}
	}
}

// contractColumns shows contracts in a list; withSales adds who looks after them.
func (s *session) contractColumns(withSales bool) []Column[domain.Contract] {
	cols := []Column[domain.Contract]{
		{Title: "#", Value: func(c domain.Contract) string { return fmt.Sprint(c.ID) }, Align: AlignRight, Fixed: true},
		{Title: "Customer", Value: func(c domain.Contract) string { return c.CustomerName }, Min: 12},
		{Title: "Status", Value: func(c domain.Contract) string { return string(c.Status) }, Fixed: true},
		{Title: "Total", Value: func(c domain.Contract) string { return c.TotalAmount.String() }, Align: AlignRight, Fixed: true},
		{Title: "Due", Value: func(c domain.Contract) string { return c.AmountDue.String() }, Align: AlignRight, Fixed: true},
	}
	if withSales {
		cols = append(cols, Column[domain.Contract]{Title: "Sales contact", Value: func(c domain.Contract) string { return c.SalesContactName }})
	} else {
		cols = append(cols, Column[domain.Contract]{Title: "Signed", Value: func(c domain.Contract) string { return s.d.Date(ptrTime(c.SignedAt)) }, Fixed: true})
	}
	return cols
}

func ptrTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

func (s *session) contractSearch(f domain.ContractFilter) func(string) PageFunc[domain.Contract] {
	return listing(s, s.svc.Contracts.List, func(term string, p domain.Page) domain.ContractFilter {
		f.Search, f.Page = term, p
		return f
	})
}

func (s *session) contractPager(title string, f domain.ContractFilter) *Pager[domain.Contract] {
	search := s.contractSearch(f)
	return &Pager[domain.Contract]{Title: title, Columns: s.contractColumns(true), Fetch: search(""), Search: search, Display: s.d}
}

func (s *session) browseContracts(ctx context.Context, pg *Pager[domain.Contract]) error {
	return browse(ctx, s, pg, func(ctx context.Context, c domain.Contract) error { return s.contractDetail(ctx, c.ID) })
}

// contractDetail shows a contract with its customer, payments and events,
// and the actions the actor may take on it, until the user goes back.
func (s *session) contractDetail(ctx context.Context, id domain.ID) error {
	for {
		a, err := s.who(ctx)
		if err != nil {
			return err
		}
		k, err := s.svc.Contracts.Get(ctx, a, id)
		if err != nil {
			return err
		}
		events, err := s.showContract(ctx, a, k)
		if err != nil {
			return err
		}
		c := k.Contract
		perms := s.svc.Permissions
		open := c.Status != domain.ContractCancelled
		var items []string
		if perms.CanUpdateContract(a, c) && open {
			items = append(items, ContractTotal)
			if c.AmountDue > 0 {
				items = append(items, ContractPay)
			}
		}
		if perms.CanSignContract(a, c) && c.Status == domain.ContractDraft {
			items = append(items, ContractSign)
		}
		if perms.CanCreateEvent(a, c) && c.Status == domain.ContractSigned {
			items = append(items, ContractEvent)
		}
		if perms.CanUpdateContract(a, c) && open {
			items = append(items, ContractCancel)
		}
		items = append(items, ContractCustomer)
		if events > 0 {
			items = append(items, ContractEvents)
		}
		choice, err := s.choose(fmt.Sprintf("Contract #%d of %s", c.ID, c.CustomerName), append(items, Back))
		if err != nil || choice == Back {
			return err
		}
		err = s.act(ctx, func(ctx context.Context) error {
			switch choice {
			case ContractTotal:
				return s.changeTotal(ctx, c)
			case ContractPay:
				return s.recordPayment(ctx, c)
			case ContractSign:
				return s.signContract(ctx, c)
			case ContractCancel:
				return s.cancelContract(ctx, c)
			case ContractEvent:
				return s.newEventFor(ctx, c)
			case ContractCustomer:
				return s.customerDetail(ctx, c.CustomerID)
			case ContractEvents:
				return s.browseEvents(ctx, s.eventPager(fmt.Sprintf("Events of contract #%d", c.ID), domain.EventFilter{ContractID: c.ID}))
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
}

// showContract prints the contract, its customer, payments and events; it
// returns how many events were shown.
func (s *session) showContract(ctx context.Context, a service.Actor, k service.ContractDetail) (int, error) {
	c := k.Contract
	cust, err := s.svc.Customers.Get(ctx, a, c.CustomerID)
	if err != nil {
		return 0, err
	}
	s.say("")
	_ = RenderDetails(s.Out, s.d, []Field{
		{"Contract", fmt.Sprintf("#%d, %s", c.ID, c.Status)},
		{"Customer", fmt.Sprintf("%s, %s", cust.FullName, orDash(cust.CompanyName))},
		{"Customer contact", fmt.Sprintf("%s · %s", cust.Email, cust.Phone)},
		{"Sales contact", c.SalesContactName},
		{"Total", c.TotalAmount.String()},
		{"Paid", (c.TotalAmount - c.AmountDue).String()},
		{"Due", c.AmountDue.String()},
		{"Created", s.d.Time(c.CreatedAt)},
		{"Signed", s.d.TimePtr(c.SignedAt)},
	})
	names := map[domain.ID]string{}
	recorder := func(id domain.ID) string {
		if n, ok := names[id]; ok {
			return n
		}
		n := fmt.Sprintf("#%d", id)
		if u, err := s.svc.Users.Get(ctx, a, id); err == nil {
			n = u.FullName
		}
		names[id] = n
		return n
	}
	section(s, "Payments", k.Payments, false, []Column[domain.Payment]{
		{Title: "Received", Value: func(p domain.Payment) string { return s.d.Time(p.ReceivedAt) }, Fixed: true},
		{Title: "Amount", Value: func(p domain.Payment) string { return p.Amount.String() }, Align: AlignRight, Fixed: true},
		{Title: "Recorded by", Value: func(p domain.Payment) string { return recorder(p.RecordedByID) }},
	})
	el, err := s.svc.Events.List(ctx, a, domain.EventFilter{ContractID: c.ID, Page: domain.Page{Limit: domain.DefaultPageSize}})
	if err != nil {
		return 0, err
	}
	events, more := firstPage(el)
	section(s, "Events", events, more, s.eventColumns(false))
	s.say("")
	return len(events), nil
}

func (s *session) contractLabel(c domain.Contract) string {
	return fmt.Sprintf("contract #%d of %s (%s)", c.ID, c.CustomerName, c.TotalAmount)
}

// newContract picks the customer from a searchable list, then asks the total.
func (s *session) newContract(ctx context.Context) error {
	a, err := s.who(ctx)
	if err != nil {
		return err
	}
	var only domain.ID
	if ownScope(a, domain.PermContractCreate) {
		only = a.ID
	}
	c, err := pick(ctx, s, "Choose the customer of the new contract", s.customerColumns(only == 0), s.customerSearch(only))
	if err != nil {
		return err
	}
	return s.newContractFor(ctx, c)
}

func (s *session) newContractFor(ctx context.Context, c domain.Customer) error {
	s.say("New contract for %s (%s): it starts as a draft, with the whole total due.", c.FullName, orDash(c.CompanyName))
	fields := []*field{{key: "total", label: "Total amount (€)", check: moneyRule("Total", 0, domain.MaxMoney)}}
	var created domain.Contract
	err := s.fill(fields, func() error {
		a, err := s.who(ctx)
		if err != nil {
			return err
		}
		total, _ := parseAmount(fields[0].value, 0, domain.MaxMoney)
		created, err = s.svc.Contracts.Create(ctx, a, c.ID, total)
		return err
	})
	if err != nil {
		return err
	}
	s.say("✓ Contract #%d created for %s: %s, draft.", created.ID, c.FullName, created.TotalAmount)
	return s.contractDetail(ctx, created.ID)
}

func (s *session) changeTotal(ctx context.Context, c domain.Contract) error {
	fields := []*field{{key: "total", label: "Total amount (€)", value: c.TotalAmount.Plain(), check: moneyRule("Total", 0, domain.MaxMoney)}}
	var out domain.Contract
	err := s.fill(fields, func() error {
		a, err := s.who(ctx)
		if err != nil {
			return err
		}
		total, _ := parseAmount(fields[0].value, 0, domain.MaxMoney)
		out, err = s.svc.Contracts.UpdateTotal(ctx, a, c.ID, c.Version, total)
		return err
	})
	if err != nil {
		return err
	}
	s.say("✓ The total is %s; %s is due.", out.TotalAmount, out.AmountDue)
	return nil
}

func (s *session) recordPayment(ctx context.Context, c domain.Contract) error {
	s.say("%s is due on %s.", c.AmountDue, s.contractLabel(c))
	now := s.Now()
	fields := []*field{
		{key: "amount", label: "Amount received (€)", check: moneyRule("Amount", 1, c.AmountDue)},
		{key: "received_at", label: "Received on (empty for now)", check: func(v string) error {
			if v == "" {
				return nil
			}
			return s.d.timeRule("Date received", func(t time.Time) error {
				if t.After(now) {
					return fmt.Errorf("must not be in the future")
				}
				return nil
			})(v)
		}},
	}
	if err := s.ask(fields, nil); err != nil {
		return err
	}
	var out domain.Contract
	for {
		amount, _ := parseAmount(fields[0].value, 1, c.AmountDue)
		var at time.Time
		if fields[1].value != "" {
			at, _ = s.d.parseTime(fields[1].value)
		}
		when := "now"
		if !at.IsZero() {
			when = "on " + s.d.Time(at)
		}
		ok, err := s.confirm(fmt.Sprintf("Record %s received %s on contract #%d?", amount, when, c.ID))
		if err != nil || !ok {
			return err
		}
		a, err := s.who(ctx)
		if err != nil {
			return err
		}
		out, _, err = s.svc.Contracts.RecordPayment(ctx, a, c.ID, amount, at)
		if err == nil {
			break
		}
		again := s.fieldTrouble(err, fields)
		if again == nil {
			return err
		}
		if err := s.ask(fields, again); err != nil {
			return err
		}
	}
	if out.AmountDue == 0 {
		s.say("✓ Payment recorded: contract #%d is fully paid.", c.ID)
	} else {
		s.say("✓ Payment recorded: %s is still due.", out.AmountDue)
	}
	return nil
}

func (s *session) signContract(ctx context.Context, c domain.Contract) error {
	ok, err := s.confirm(fmt.Sprintf("Sign %s? Signing cannot be undone.", s.contractLabel(c)))
	if err != nil || !ok {
		return err
	}
	a, err := s.who(ctx)
	if err != nil {
		return err
	}
	out, err := s.svc.Contracts.Sign(ctx, a, c.ID)
	if err != nil {
		return err
	}
	s.say("✓ Contract #%d signed on %s.", out.ID, s.d.TimePtr(out.SignedAt))
	return nil
}

func (s *session) cancelContract(ctx context.Context, c domain.Contract) error {
	ok, err := s.confirm(fmt.Sprintf("Cancel %s? It cannot be undone; its payments stay recorded.", s.contractLabel(c)))
	if err != nil || !ok {
		return err
	}
	a, err := s.who(ctx)
	if err != nil {
		return err
	}
	if _, err := s.svc.Contracts.Cancel(ctx, a, c.ID); err != nil {
		return err
	}
	s.say("✓ Contract #%d cancelled.", c.ID)
	return nil
}
