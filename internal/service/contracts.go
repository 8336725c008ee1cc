package service

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/epic-events/crm/internal/domain"
)

// Contracts is the use cases of contracts and their payments: management creates
// them, management or the customer's sales contact changes, pays, signs and cancels them.
type Contracts struct{ base }

// NewContracts builds the Contracts service.
func NewContracts(d Deps) *Contracts { return &Contracts{newBase(d)} }

// ContractDetail is a contract with the payments received against it, oldest first
// as the store returns them.
type ContractDetail struct {
	domain.Contract
	Payments []domain.Payment
}

// Create drafts a contract for a customer; nothing is paid yet, so all of total is due.
func (s *Contracts) Create(ctx context.Context, actor Actor, customerID domain.ID, total domain.Money) (domain.Contract, error) {
	const what = "create contracts"
	if err := holdsOrDeny(actor, domain.PermContractCreate, what); err != nil {
		return domain.Contract{}, err
	}
	var out domain.Contract
	err := s.tx(ctx, actor, func(r Repos) error {
		cust, err := r.GetCustomer(ctx, customerID)
		if err != nil {
			return fmt.Errorf("create contract: customer %d: %w", customerID, err)
		}
		if err := authorize(actor, domain.PermContractCreate, domain.Subject{SalesContactID: cust.SalesContactID}, what); err != nil {
			return err
		}
		fe := domain.FieldErrors{}
		fe.Check("total", domain.ValidateAmount(total))
		if err := fe.Err(); err != nil {
			return err
		}
		c := domain.Contract{
			CustomerID:  cust.ID,
			TotalAmount: total,
			AmountDue:   total,
			Status:      domain.ContractDraft,
		}
		if err := r.CreateContract(ctx, &c); err != nil {
			return fmt.Errorf("create contract: %w", err)
		}
		c.CustomerName, c.SalesContactID, c.SalesContactName = cust.FullName, cust.SalesContactID, cust.SalesContactName
		var ch changeSet
		ch.add("customer", "", strconv.FormatInt(cust.ID, 10))
		ch.add("total_amount", "", total.Plain())
		ch.add("status", "", string(c.Status))
		out = c
		return s.audit(ctx, r, actor, "contract.create", "contract", c.ID, ch)
	})
	if err != nil {
		return domain.Contract{}, err
	}
	return out, nil
}

// UpdateTotal changes the total of the contract as it was at version. The total may
// not fall below what was already paid, and the amount due follows it.
func (s *Contracts) UpdateTotal(ctx context.Context, actor Actor, id domain.ID, version int64, total domain.Money) (domain.Contract, error) {
	var out domain.Contract
	err := s.change(ctx, actor, id, "update this contract", func(r Repos, c *domain.Contract) error {
		if c.Status == domain.ContractCancelled {
			return domain.Errorf(domain.CodeConflict, "contract %d is cancelled: its total can no longer change", id)
		}
		fe := domain.FieldErrors{}
		fe.Check("total", domain.ValidateAmount(total))
		if err := fe.Err(); err != nil {
			return err
		}
		if c.Version != version {
			return domain.ErrStale
		}
		paid, err := r.PaidTotal(ctx, id)
		if err != nil {
			return fmt.Errorf("update contract %d: paid total: %w", id, err)
		}
		if total < paid {
			return domain.Invalid("total", fmt.Sprintf("must be at least %s, the amount already paid", paid))
		}
		next := *c
		next.TotalAmount, next.AmountDue = total, total-paid
		var ch changeSet
		ch.add("total_amount", c.TotalAmount.Plain(), next.TotalAmount.Plain())
		ch.add("amount_due", c.AmountDue.Plain(), next.AmountDue.Plain())
		if len(ch) == 0 {
			out = *c
			return nil
		}
		if err := r.UpdateContractFrom(ctx, *c, &next); err != nil {
			return fmt.Errorf("update contract %d: %w", id, err)
		}
		out = next
		return s.audit(ctx, r, actor, "contract.update", "contract", id, ch)
	})
	if err != nil {
		return domain.Contract{}, err
	}
	return out, nil
}

// RecordPayment records amount received at receivedAt (now when zero) against the
// contract. The contract row is locked for the transaction, so concurrent payments
// are applied one after the other and together never exceed what is due. It returns
// the contract as the payment left it, and the payment.
func (s *Contracts) RecordPayment(ctx context.Context, actor Actor, id domain.ID, amount domain.Money, receivedAt time.Time) (domain.Contract, domain.Payment, error) {
	now := s.now()
	if receivedAt.IsZero() {
		receivedAt = now
	}
	receivedAt = receivedAt.UTC().Truncate(time.Second)
	var out domain.Contract
	var pay domain.Payment
	err := s.change(ctx, actor, id, "record payments on this contract", func(r Repos, c *domain.Contract) error {
		if c.Status == domain.ContractCancelled {
			return domain.Errorf(domain.CodeConflict, "contract %d is cancelled: it takes no more payments", id)
		}
		paid, err := r.PaidTotal(ctx, id)
		if err != nil {
			return fmt.Errorf("record payment on contract %d: paid total: %w", id, err)
		}
		due := max(c.TotalAmount-paid, 0)
		fe := domain.FieldErrors{}
		switch {
		case amount <= 0:
			fe.Add("amount", "must be more than 0.00")
		case due == 0:
			fe.Add("amount", "nothing is left to pay on this contract")
		case amount > due:
			fe.Add("amount", fmt.Sprintf("must be at most %s, the amount due", due))
		}
		if receivedAt.After(now) {
			fe.Add("received_at", "must not be in the future")
		} else {
			fe.Check("received_at", domain.ValidateDate(receivedAt))
		}
		if err := fe.Err(); err != nil {
			return err
		}
		pay = domain.Payment{ContractID: id, Amount: amount, ReceivedAt: receivedAt, RecordedByID: actor.ID}
		if err := r.AddPayment(ctx, &pay); err != nil {
			return fmt.Errorf("record payment on contract %d: %w", id, err)
		}
		next := *c
		next.AmountDue = max(c.TotalAmount-paid-amount, 0)
		if err := r.UpdateContractFrom(ctx, *c, &next); err != nil {
			return fmt.Errorf("record payment on contract %d: %w", id, err)
		}
		var ch changeSet
		ch.add("payment", "", fmt.Sprintf("%s received %s (#%d)", amount.Plain(), receivedAt.Format(time.DateOnly), pay.ID))
		ch.add("amount_due", c.AmountDue.Plain(), next.AmountDue.Plain())
		out = next
		return s.audit(ctx, r, actor, "contract.payment", "contract", id, ch)
	})
	if err != nil {
		return domain.Contract{}, domain.Payment{}, err
	}
	return out, pay, nil
}

// Sign signs a draft contract, once and for good, and timestamps it.
func (s *Contracts) Sign(ctx context.Context, actor Actor, id domain.ID) (domain.Contract, error) {
	const what = "sign this contract"
	if err := holdsOrDeny(actor, domain.PermContractSign, what); err != nil {
		return domain.Contract{}, err
	}
	var out domain.Contract
	err := s.tx(ctx, actor, func(r Repos) error {
		c, err := r.GetContractForUpdate(ctx, id)
		if err != nil {
			return fmt.Errorf("sign contract %d: %w", id, err)
		}
		if err := authorize(actor, domain.PermContractSign, domain.Subject{SalesContactID: c.SalesContactID}, what); err != nil {
			return err
		}
		if c.Status != domain.ContractDraft {
			return domain.Errorf(domain.CodeConflict, "contract %d is %s: only a draft can be signed", id, c.Status)
		}
		at := s.now().UTC().Truncate(time.Second)
		next := c
		next.Status, next.SignedAt = domain.ContractSigned, &at
		if err := r.UpdateContractFrom(ctx, c, &next); err != nil {
			return fmt.Errorf("sign contract %d: %w", id, err)
		}
		var ch changeSet
		ch.add("status", string(c.Status), string(next.Status))
		ch.add("signed_at", "", at.Format(time.RFC3339))
		out = next
		return s.audit(ctx, r, actor, "contract.sign", "contract", id, ch)
	})
	if err != nil {
		return domain.Contract{}, err
	}
	s.report.Event(ctx, "contract.sign", actor.user(), map[string]string{
		"contract_id":  strconv.FormatInt(out.ID, 10),
		"customer_id":  strconv.FormatInt(out.CustomerID, 10),
		"total_amount": out.TotalAmount.Plain(),
	})
	return out, nil
}

// Cancel cancels a contract that has no upcoming event; its payments stay recorded.
func (s *Contracts) Cancel(ctx context.Context, actor Actor, id domain.ID) (domain.Contract, error) {
	var out domain.Contract
	err := s.change(ctx, actor, id, "cancel this contract", func(r Repos, c *domain.Contract) error {
		if c.Status == domain.ContractCancelled {
			return domain.Errorf(domain.CodeConflict, "contract %d is already cancelled", id)
		}
		n, err := r.CountUpcomingEvents(ctx, id, s.now())
		if err != nil {
			return fmt.Errorf("cancel contract %d: upcoming events: %w", id, err)
		}
		if n > 0 {
			return domain.Errorf(domain.CodeConflict, "contract %d has %d upcoming event(s): cancel or move them first", id, n)
		}
		next := *c
		next.Status = domain.ContractCancelled
		if err := r.UpdateContractFrom(ctx, *c, &next); err != nil {
			return fmt.Errorf("cancel contract %d: %w", id, err)
		}
		var ch changeSet
		ch.add("status", string(c.Status), string(next.Status))
		out = next
		return s.audit(ctx, r, actor, "contract.cancel", "contract", id, ch)
	})
	if err != nil {
		return domain.Contract{}, err
	}
	return out, nil
}

// Get reads one contract with its payments.
func (s *Contracts) Get(ctx context.Context, actor Actor, id domain.ID) (ContractDetail, error) {
	if err := authorize(actor, domain.PermRead, domain.Subject{}, "read contracts"); err != nil {
		return ContractDetail{}, err
	}
	var d ContractDetail
	err := s.read(ctx, actor, func(r Repos) error {
		var err error
		if d.Contract, err = r.GetContract(ctx, id); err != nil {
			return fmt.Errorf("get contract %d: %w", id, err)
		}
		if d.Payments, err = r.ListPayments(ctx, id); err != nil {
			return fmt.Errorf("list payments of contract %d: %w", id, err)
		}
		return nil
	})
	if err != nil {
		return ContractDetail{}, err
	}
	return d, nil
}

// List reads one page of contracts. The filters of the menus: SalesContactID (my
// customers' contracts), Status draft (unsigned) and Unpaid (not fully paid).
func (s *Contracts) List(ctx context.Context, actor Actor, f domain.ContractFilter) (domain.List[domain.Contract], error) {
	if err := authorize(actor, domain.PermRead, domain.Subject{}, "read contracts"); err != nil {
		return domain.List[domain.Contract]{}, err
	}
	var l domain.List[domain.Contract]
	err := s.read(ctx, actor, func(r Repos) error {
		var err error
		if l, err = r.ListContracts(ctx, f); err != nil {
			return fmt.Errorf("list contracts: %w", err)
		}
		return nil
	})
	return l, err
}

// change runs fn on the contract locked inside one transaction, once the actor
// is known to hold contract.update over it.
func (s *Contracts) change(ctx context.Context, actor Actor, id domain.ID, what string, fn func(Repos, *domain.Contract) error) error {
	if err := holdsOrDeny(actor, domain.PermContractUpdate, what); err != nil {
		return err
	}
	return s.tx(ctx, actor, func(r Repos) error {
		c, err := r.GetContractForUpdate(ctx, id)
		if err != nil {
			return fmt.Errorf("contract %d: %w", id, err)
		}
		if err := authorize(actor, domain.PermContractUpdate, domain.Subject{SalesContactID: c.SalesContactID}, what); err != nil {
			return err
		}
		return fn(r, &c)
	})
}
