package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
	"github.com/epic-events/crm/internal/ui"
)

// customerFields names the service's fields by the flags that set them.
var customerFields = map[string]string{"full_name": "name", "company_name": "company", "sales_contact": "to"}

func (r *root) customerCommand() *cobra.Command {
	return nounCommand(&cobra.Command{
		Use:     "customer",
		Aliases: []string{"client"},
		Short:   "List, show, create, update and reassign customers",
	}, r.customerList(), r.customerShow(), r.customerCreate(), r.customerUpdate(), r.customerReassign())
}

func (r *root) customerList() *cobra.Command {
	var (
		mine   bool
		search string
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List customers, by name",
		Example: `  epicevents customer list
  epicevents customer list --mine --search dubois
  epicevents customer list --limit 100 --page 2 --csv > customers-101-200.csv`,
	}
	cmd.Flags().BoolVar(&mine, "mine", false, "only the customers you look after")
	cmd.Flags().StringVar(&search, "search", "", "only customers whose name, email or company contains this text")
	return listCommand(r, cmd, listSpec[domain.Customer, customerRecord]{
		columns: customerColumns, record: customerRecordOf, csv: customerCSV,
		query: func(ctx context.Context, w *world, a service.Actor) (pager[domain.Customer], error) {
			f := domain.CustomerFilter{Search: search}
			if mine {
				f.SalesContactID = a.ID
			}
			return func(p domain.Page) (domain.List[domain.Customer], error) {
				f.Page = p
				return w.customers.List(ctx, a, f)
			}, nil
		},
	})
}

func customerColumns(d ui.Display) []ui.Column[domain.Customer] {
	return []ui.Column[domain.Customer]{
		{Title: "ID", Value: func(c domain.Customer) string { return itoa(c.ID) }, Align: ui.AlignRight, Fixed: true},
		{Title: "Name", Value: func(c domain.Customer) string { return c.FullName }},
		{Title: "Company", Value: func(c domain.Customer) string { return c.CompanyName }},
		{Title: "Email", Value: func(c domain.Customer) string { return c.Email }},
		{Title: "Sales contact", Value: func(c domain.Customer) string { return c.SalesContactName }},
		{Title: "Last contact", Value: func(c domain.Customer) string { return d.Date(c.UpdatedAt) }, Fixed: true},
	}
}

// customerFile is a customer with their contracts and events, as show prints them.
type customerFile struct {
	customer  domain.Customer
	contracts []domain.Contract
	events    []domain.Event
}

// customerDetail is customer show's --json: the customer, their contracts and their events.
type customerDetail struct {
	customerRecord
	Contracts []contractRecord `json:"contracts"`
	Events    []eventRecord    `json:"events"`
}

func (r *root) customerShow() *cobra.Command {
	return showCommand(r, &cobra.Command{
		Use:     "show ID",
		Short:   "Show a customer with their contracts and events",
		Example: "  epicevents customer show 3\n  epicevents customer show 3 --json",
	}, showSpec[domain.ID, customerFile]{
		key: idArg,
		get: readCustomerFile,
		json: func(f customerFile) any {
			return customerDetail{
				customerRecord: customerRecordOf(f.customer),
				Contracts:      mapSlice(f.contracts, contractRecordOf),
				Events:         mapSlice(f.events, eventRecordOf),
			}
		},
		details: func(d ui.Display, f customerFile) error {
			if err := ui.RenderDetails(r.stdout, d, customerFieldsOf(d, f.customer)); err != nil {
				return err
			}
			if err := section(r, d, "Contracts", contractColumns(d), f.contracts); err != nil {
				return err
			}
			return section(r, d, "Events", eventColumns(d), f.events)
		},
	})
}

func readCustomerFile(ctx context.Context, w *world, a service.Actor, id domain.ID) (customerFile, error) {
	c, err := w.customers.Get(ctx, a, id)
	if err != nil {
		return customerFile{}, err
	}
	f := customerFile{customer: c}
	f.contracts, err = allPages(func(p domain.Page) (domain.List[domain.Contract], error) {
		return w.contracts.List(ctx, a, domain.ContractFilter{CustomerID: id, Page: p})
	})
	if err != nil {
		return customerFile{}, err
	}
	for _, k := range f.contracts {
		evs, err := allPages(func(p domain.Page) (domain.List[domain.Event], error) {
			return w.events.List(ctx, a, domain.EventFilter{ContractID: k.ID, Page: p})
		})
		if err != nil {
			return customerFile{}, err
		}
		f.events = append(f.events, evs...)
	}
	return f, nil
}

func customerFieldsOf(d ui.Display, c domain.Customer) []ui.Field {
	return []ui.Field{
		{Label: "Customer", Value: itoa(c.ID)},
		{Label: "Name", Value: c.FullName},
		{Label: "Company", Value: c.CompanyName},
		{Label: "Email", Value: c.Email},
		{Label: "Phone", Value: c.Phone},
		{Label: "Sales contact", Value: c.SalesContactName},
		{Label: "Created", Value: d.Time(c.CreatedAt)},
		{Label: "Last contact", Value: d.Time(c.UpdatedAt)},
	}
}

func (r *root) customerCreate() *cobra.Command {
	var (
		out outputOptions
		in  service.CustomerInput
	)
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create a customer that you look after (sales)",
		Example: `  epicevents customer create --name "Kevin Casey" --email kevin@startup.example.com \
    --phone "+33 6 12 34 56 78" --company "Cool Startup LLC"`,
		Args: cobra.NoArgs,
		RunE: r.runCmd(&out, func(ctx context.Context, _ []string) error {
			return r.asActor(ctx, func(w *world, a service.Actor) error {
				c, err := w.customers.Create(ctx, a, in)
				if err != nil {
					return renameFields(err, customerFields)
				}
				return r.printDone(out, customerRecordOf(c), "Created customer %d: %s.\n", c.ID, c.FullName)
			})
		}),
	}
	cmd.Flags().StringVar(&in.FullName, "name", "", "full name (required)")
	cmd.Flags().StringVar(&in.Email, "email", "", "email address (required, unique)")
	cmd.Flags().StringVar(&in.Phone, "phone", "", "phone number (required)")
	cmd.Flags().StringVar(&in.CompanyName, "company", "", "company name")
	for _, f := range []string{"name", "email", "phone"} {
		_ = cmd.MarkFlagRequired(f)
	}
	addOutputFlags(cmd, &out, false)
	return cmd
}

func (r *root) customerUpdate() *cobra.Command {
	var (
		out                         outputOptions
		name, email, phone, company string
	)
	cmd := &cobra.Command{
		Use:   "update ID",
		Short: "Change a customer you look after (sales)",
		Long: `Change the fields given and keep the others. The customer is read first and the
change applies to what was read: if someone changed the customer in between,
nothing is written and the command exits with 6 (conflict).`,
		Example: `  epicevents customer update 3 --phone "04 78 92 14 31"
  epicevents customer update 3 --company ""`,
		Args: cobra.ExactArgs(1),
	}
	cmd.RunE = r.runCmd(&out, func(ctx context.Context, args []string) error {
		id, err := parseID("id", args[0])
		if err != nil {
			return err
		}
		p := service.CustomerPatch{
			FullName:    stringFlag(cmd, "name", name),
			Email:       stringFlag(cmd, "email", email),
			Phone:       stringFlag(cmd, "phone", phone),
			CompanyName: stringFlag(cmd, "company", company),
		}
		if p == (service.CustomerPatch{}) {
			return &usageError{err: errors.New("nothing to change: give at least one of --name, --email, --phone, --company"), showHelp: true}
		}
		return r.asActor(ctx, func(w *world, a service.Actor) error {
			cur, err := w.customers.Get(ctx, a, id)
			if err != nil {
				return err
			}
			c, err := w.customers.Update(ctx, a, id, cur.Version, p)
			if err != nil {
				return renameFields(err, customerFields)
			}
			return r.printDone(out, customerRecordOf(c), "Updated customer %d: %s.\n", c.ID, c.FullName)
		})
	})
	cmd.Flags().StringVar(&name, "name", "", "full name")
	cmd.Flags().StringVar(&email, "email", "", "email address")
	cmd.Flags().StringVar(&phone, "phone", "", "phone number")
	cmd.Flags().StringVar(&company, "company", "", `company name ("" removes it)`)
	addOutputFlags(cmd, &out, false)
	return cmd
}

func (r *root) customerReassign() *cobra.Command {
	var (
		out outputOptions
		to  string
		yes bool
	)
	cmd := &cobra.Command{
		Use:   "reassign ID --to EMAIL",
		Short: "Give a customer, and their contracts, to another sales collaborator (management)",
		Long: `Give a customer, and with them their contracts, to another active sales
collaborator. It asks for confirmation on a terminal; --yes skips the question
and is required when the input is not a terminal.`,
		Example: "  epicevents customer reassign 3 --to sales2@epicevents.test --yes",
		Args:    cobra.ExactArgs(1),
		RunE: r.runCmd(&out, func(ctx context.Context, args []string) error {
			id, err := parseID("id", args[0])
			if err != nil {
				return err
			}
			if err := r.needConfirmation(yes, "reassigning a customer"); err != nil {
				return err
			}
			return r.asActor(ctx, func(w *world, a service.Actor) error {
				c, err := w.customers.Get(ctx, a, id)
				if err != nil {
					return err
				}
				target, err := collaboratorByEmail(ctx, w, a, "to", to)
				if err != nil {
					return err
				}
				question := fmt.Sprintf("Give customer %d (%s) and their contracts to %s, instead of %s?", c.ID, c.FullName, target.FullName, c.SalesContactName)
				if err := r.confirmed(ctx, r.newAsker(), yes, question); err != nil {
					return err
				}
				c, err = w.customers.Reassign(ctx, a, id, target.ID)
				if err != nil {
					return renameFields(err, customerFields)
				}
				return r.printDone(out, customerRecordOf(c), "Customer %d (%s) is now looked after by %s.\n", c.ID, c.FullName, c.SalesContactName)
			})
		}),
	}
	cmd.Flags().StringVar(&to, "to", "", "email of the sales collaborator who takes the customer over (required)")
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	_ = cmd.MarkFlagRequired("to")
	addOutputFlags(cmd, &out, false)
	return cmd
}

// collaboratorByEmail finds the collaborator a flag names by email. One who
// does not exist (or whom the actor may not see) is bad input to that flag.
func collaboratorByEmail(ctx context.Context, w *world, a service.Actor, flag, email string) (domain.Collaborator, error) {
	u, err := w.users.GetByEmail(ctx, a, email)
	if domain.ErrorCode(err) == domain.CodeNotFound {
		return domain.Collaborator{}, domain.Invalid(flag, "must be the email of an active collaborator")
	}
	return u, err
}

func mapSlice[T, R any](items []T, f func(T) R) []R {
	out := make([]R, len(items))
	for i, item := range items {
		out[i] = f(item)
	}
	return out
}
