package app

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
	"github.com/epic-events/crm/internal/ui"
)

// contractFields names the service's fields by the flags and arguments that set them.
var contractFields = map[string]string{"received_at": "received"}

func (r *root) contractCommand() *cobra.Command {
	return nounCommand(&cobra.Command{
		Use:   "contract",
		Short: "List, show, create, update, pay, sign and cancel contracts",
	}, r.contractList(), r.contractShow(), r.contractCreate(), r.contractUpdate(),
		r.contractPay(), r.contractSign(), r.contractCancel())
}

func (r *root) contractList() *cobra.Command {
	var (
		mine, unsigned, unpaid bool
		customer, status       string
		search                 string
		f                      domain.ContractFilter
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List contracts, newest first",
		Example: `  epicevents contract list --unsigned
  epicevents contract list --mine --unpaid --json
  epicevents contract list --customer 3 --status signed --csv`,
	}
	cmd.Flags().BoolVar(&mine, "mine", false, "only the contracts of the customers you look after")
	cmd.Flags().BoolVar(&unsigned, "unsigned", false, "only the contracts not signed yet (drafts)")
	cmd.Flags().BoolVar(&unpaid, "unpaid", false, "only the contracts not fully paid")
	cmd.Flags().StringVar(&customer, "customer", "", "only the contracts of this customer (ID)")
	cmd.Flags().StringVar(&status, "status", "", "only the contracts in this status: draft, signed or cancelled")
	cmd.Flags().StringVar(&search, "search", "", "only contracts whose customer's name, email or company contains this text")
	return listCommand(r, cmd, listSpec[domain.Contract, contractRecord]{
		columns: contractColumns, record: contractRecordOf, csv: contractCSV,
		check: func() error {
			f = domain.ContractFilter{Unpaid: unpaid, Search: search}
			if customer != "" {
				id, err := parseID("customer", customer)
				if err != nil {
					return err
				}
				f.CustomerID = id
			}
			if status != "" {
				f.Status = domain.ContractStatus(status)
				if !f.Status.Valid() {
					return domain.Invalid("status", "must be one of draft, signed, cancelled")
				}
			}
			if unsigned {
				if f.Status != "" && f.Status != domain.ContractDraft {
					return domain.Invalid("status", "--unsigned lists drafts: it cannot go with another status")
				}
				f.Status = domain.ContractDraft
			}
			return nil
		},
		query: func(ctx context.Context, w *world, a service.Actor) (pager[domain.Contract], error) {
			if mine {
				f.SalesContactID = a.ID
			}
			return func(p domain.Page) (domain.List[domain.Contract], error) {
				f.Page = p
				return w.contracts.List(ctx, a, f)
			}, nil
		},
	})
}

func contractColumns(d ui.Display) []ui.Column[domain.Contract] {
	return []ui.Column[domain.Contract]{
		{Title: "ID", Value: func(c domain.Contract) string { return itoa(c.ID) }, Align: ui.AlignRight, Fixed: true},
		{Title: "Customer", Value: func(c domain.Contract) string { return c.CustomerName }},
		{Title: "Total", Value: func(c domain.Contract) string { return c.TotalAmount.String() }, Align: ui.AlignRight, Fixed: true},
		{Title: "Due", Value: func(c domain.Contract) string { return c.AmountDue.String() }, Align: ui.AlignRight, Fixed: true},
		{Title: "Status", Value: func(c domain.Contract) string { return string(c.Status) }, Fixed: true},
		{Title: "Sales contact", Value: func(c domain.Contract) string { return c.SalesContactName }},
		{Title: "Created", Value: func(c domain.Contract) string { return d.Date(c.CreatedAt) }, Fixed: true},
	}
}

// contractFile is a contract with its payments, its customer and its events,
// as show prints them.
type contractFile struct {
	service.ContractDetail
	customer domain.Customer
	events   []domain.Event
}

// contractDetail is contract show's --json.
type contractDetail struct {
	contractRecord
	Customer customerRecord  `json:"customer"`
	Payments []paymentRecord `json:"payments"`
	Events   []eventRecord   `json:"events"`
}

func (r *root) contractShow() *cobra.Command {
	return showCommand(r, &cobra.Command{
		Use:     "show ID",
		Short:   "Show a contract with its customer, payments and events",
		Example: "  epicevents contract show 5\n  epicevents contract show 5 --json",
	}, showSpec[domain.ID, contractFile]{
		key: idArg,
		get: readContractFile,
		json: func(k contractFile) any {
			return contractDetail{
				contractRecord: contractRecordOf(k.Contract),
				Customer:       customerRecordOf(k.customer),
				Payments:       mapSlice(k.Payments, paymentRecordOf),
				Events:         mapSlice(k.events, eventRecordOf),
			}
		},
		details: func(d ui.Display, k contractFile) error {
			fields := append(contractFieldsOf(d, k.Contract),
				ui.Field{Label: "Customer email", Value: k.customer.Email},
				ui.Field{Label: "Customer phone", Value: k.customer.Phone},
				ui.Field{Label: "Company", Value: k.customer.CompanyName})
			if err := ui.RenderDetails(r.stdout, d, fields); err != nil {
				return err
			}
			if err := section(r, d, "Payments", paymentColumns(d), k.Payments); err != nil {
				return err
			}
			return section(r, d, "Events", eventColumns(d), k.events)
		},
	})
}

func readContractFile(ctx context.Context, w *world, a service.Actor, id domain.ID) (contractFile, error) {
	k, err := w.contracts.Get(ctx, a, id)
	if err != nil {
		return contractFile{}, err
	}
	cust, err := w.customers.Get(ctx, a, k.CustomerID)
	if err != nil {
		return contractFile{}, err
	}
	events, err := allPages(func(p domain.Page) (domain.List[domain.Event], error) {
		return w.events.List(ctx, a, domain.EventFilter{ContractID: id, Page: p})
	})
	if err != nil {
		return contractFile{}, err
	}
	return contractFile{ContractDetail: k, customer: cust, events: events}, nil
}

func contractFieldsOf(d ui.Display, c domain.Contract) []ui.Field {
	return []ui.Field{
		{Label: "Contract", Value: itoa(c.ID)},
		{Label: "Status", Value: string(c.Status)},
		{Label: "Total", Value: c.TotalAmount.String()},
		{Label: "Due", Value: c.AmountDue.String()},
		{Label: "Signed", Value: d.TimePtr(c.SignedAt)},
		{Label: "Created", Value: d.Time(c.CreatedAt)},
		{Label: "Sales contact", Value: c.SalesContactName},
		{Label: "Customer", Value: fmt.Sprintf("%s (%d)", c.CustomerName, c.CustomerID)},
	}
}

func paymentColumns(d ui.Display) []ui.Column[domain.Payment] {
	return []ui.Column[domain.Payment]{
		{Title: "ID", Value: func(p domain.Payment) string { return itoa(p.ID) }, Align: ui.AlignRight, Fixed: true},
		{Title: "Received", Value: func(p domain.Payment) string { return d.Date(p.ReceivedAt) }, Fixed: true},
		{Title: "Amount", Value: func(p domain.Payment) string { return p.Amount.String() }, Align: ui.AlignRight, Fixed: true},
	}
}

func (r *root) contractCreate() *cobra.Command {
	var (
		out             outputOptions
		customer, total string
	)
	cmd := &cobra.Command{
		Use:     "create --customer ID --total AMOUNT",
		Short:   "Draft a contract for a customer (management)",
		Example: "  epicevents contract create --customer 3 --total \"12 500.00\"",
		Args:    cobra.NoArgs,
		RunE: r.runCmd(&out, func(ctx context.Context, _ []string) error {
			fe := domain.FieldErrors{}
			id, err := parseID("customer", customer)
			fe.Check("customer", fieldRule(err))
			amount, err := parseMoney("total", total)
			fe.Check("total", fieldRule(err))
			if err := fe.Err(); err != nil {
				return err
			}
			return r.asActor(ctx, func(w *world, a service.Actor) error {
				c, err := w.contracts.Create(ctx, a, id, amount)
				if err != nil {
					return renameFields(err, contractFields)
				}
				return r.printDone(out, contractRecordOf(c), "Created contract %d for %s: %s, draft.\n", c.ID, c.CustomerName, c.TotalAmount)
			})
		}),
	}
	cmd.Flags().StringVar(&customer, "customer", "", "the customer's ID (required)")
	cmd.Flags().StringVar(&total, "total", "", "the total amount, such as 12500 or \"12 500.00\" (required)")
	_ = cmd.MarkFlagRequired("customer")
	_ = cmd.MarkFlagRequired("total")
	addOutputFlags(cmd, &out, false)
	return cmd
}

func (r *root) contractUpdate() *cobra.Command {
	var (
		out   outputOptions
		total string
	)
	cmd := &cobra.Command{
		Use:   "update ID --total AMOUNT",
		Short: "Change a contract's total (management, or the customer's sales contact)",
		Long: `Change a contract's total; the amount due follows. The total may not fall below
what was already paid. The contract is read first and the change applies to what
was read: if someone changed it in between, nothing is written (exit 6).`,
		Example: "  epicevents contract update 5 --total 7000",
		Args:    cobra.ExactArgs(1),
		RunE: r.runCmd(&out, func(ctx context.Context, args []string) error {
			fe := domain.FieldErrors{}
			id, err := parseID("id", args[0])
			fe.Check("id", fieldRule(err))
			amount, err := parseMoney("total", total)
			fe.Check("total", fieldRule(err))
			if err := fe.Err(); err != nil {
				return err
			}
			return r.asActor(ctx, func(w *world, a service.Actor) error {
				cur, err := w.contracts.Get(ctx, a, id)
				if err != nil {
					return err
				}
				c, err := w.contracts.UpdateTotal(ctx, a, id, cur.Version, amount)
				if err != nil {
					return renameFields(err, contractFields)
				}
				return r.printDone(out, contractRecordOf(c), "Contract %d: total %s, due %s.\n", c.ID, c.TotalAmount, c.AmountDue)
			})
		}),
	}
	cmd.Flags().StringVar(&total, "total", "", "the new total amount (required)")
	_ = cmd.MarkFlagRequired("total")
	addOutputFlags(cmd, &out, false)
	return cmd
}
