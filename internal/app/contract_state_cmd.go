package app

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
)

// paymentResult is contract pay's --json: the contract as the payment left it, and the payment.
type paymentResult struct {
	contractRecord
	Payment paymentRecord `json:"payment"`
}

func (r *root) contractPay() *cobra.Command {
	var (
		out      outputOptions
		received string
	)
	cmd := &cobra.Command{
		Use:   "pay ID AMOUNT",
		Short: "Record a payment received on a contract",
		Long: `Record a payment received on a contract (management, or the customer's sales
contact). The amount must be more than 0 and at most what is due.`,
		Example: "  epicevents contract pay 5 1500\n  epicevents contract pay 5 \"1 500,00\" --received \"2026-11-20 10:00\"",
		Args:    cobra.ExactArgs(2),
		RunE: r.runCmd(&out, func(ctx context.Context, args []string) error {
			fe := domain.FieldErrors{}
			id, err := parseID("id", args[0])
			fe.Check("id", fieldRule(err))
			amount, err := parseMoney("amount", args[1])
			fe.Check("amount", fieldRule(err))
			var at time.Time
			if received != "" {
				at, err = parseTime("received", received, r.localZone())
				fe.Check("received", fieldRule(err))
			}
			if err := fe.Err(); err != nil {
				return err
			}
			return r.asActor(ctx, func(w *world, a service.Actor) error {
				c, p, err := w.contracts.RecordPayment(ctx, a, id, amount, at)
				if err != nil {
					return renameFields(err, contractFields)
				}
				return r.printDone(out, paymentResult{contractRecord: contractRecordOf(c), Payment: paymentRecordOf(p)},
					"Recorded %s on contract %d; %s still due.\n", p.Amount, c.ID, c.AmountDue)
			})
		}),
	}
	cmd.Flags().StringVar(&received, "received", "", "when the payment was received (default: now), such as \"2026-11-20 10:00\"")
	addOutputFlags(cmd, &out, false)
	return cmd
}

func (r *root) contractSign() *cobra.Command {
	return r.finalContractCommand(&cobra.Command{
		Use:   "sign ID",
		Short: "Sign a draft contract, for good",
		Long: `Sign a draft contract (management, or the customer's sales contact). Signing
cannot be undone. It asks for confirmation on a terminal; --yes skips the
question and is required when the input is not a terminal.`,
		Example: "  epicevents contract sign 5\n  epicevents contract sign 5 --yes --json",
	}, finalChange{
		what: "signing a contract",
		question: func(k service.ContractDetail) string {
			return fmt.Sprintf("Sign contract %d for %s, total %s? This cannot be undone.", k.ID, k.CustomerName, k.TotalAmount)
		},
		change: (*service.Contracts).Sign,
		done: func(c domain.Contract) string {
			return fmt.Sprintf("Signed contract %d for %s on %s.", c.ID, c.CustomerName, r.localTime(*c.SignedAt))
		},
	})
}

func (r *root) contractCancel() *cobra.Command {
	return r.finalContractCommand(&cobra.Command{
		Use:   "cancel ID",
		Short: "Cancel a contract that has no upcoming event",
		Long: `Cancel a contract (management, or the customer's sales contact); its payments
stay recorded. Refused while the contract has upcoming events. It cannot be
undone: it asks for confirmation on a terminal; --yes skips the question and is
required when the input is not a terminal.`,
		Example: "  epicevents contract cancel 5 --yes",
	}, finalChange{
		what: "cancelling a contract",
		question: func(k service.ContractDetail) string {
			return fmt.Sprintf("Cancel contract %d for %s, total %s (%s paid)? This cannot be undone.",
				k.ID, k.CustomerName, k.TotalAmount, k.TotalAmount-k.AmountDue)
		},
		change: (*service.Contracts).Cancel,
		done: func(c domain.Contract) string {
			return fmt.Sprintf("Cancelled contract %d for %s.", c.ID, c.CustomerName)
		},
	})
}

// finalChange is what contract sign and cancel have of their own: changes
// that cannot be undone, so asked first.
type finalChange struct {
	what     string // what needs confirmation, as the refusal without --yes names it
	question func(service.ContractDetail) string
	change   func(s *service.Contracts, ctx context.Context, a service.Actor, id domain.ID) (domain.Contract, error)
	done     func(domain.Contract) string // the sentence without --json
}

// finalContractCommand makes cmd (with its help) apply ch to the contract its
// argument names. On a terminal it asks first about the contract as read;
// otherwise it needs --yes, and without it changes nothing.
func (r *root) finalContractCommand(cmd *cobra.Command, ch finalChange) *cobra.Command {
	var (
		out outputOptions
		yes bool
	)
	cmd.Args = cobra.ExactArgs(1)
	cmd.RunE = r.runCmd(&out, func(ctx context.Context, args []string) error {
		id, err := parseID("id", args[0])
		if err != nil {
			return err
		}
		if err := r.needConfirmation(yes, ch.what); err != nil {
			return err
		}
		return r.asActor(ctx, func(w *world, a service.Actor) error {
			if !yes {
				k, err := w.contracts.Get(ctx, a, id)
				if err != nil {
					return err
				}
				if err := r.confirmed(ctx, r.newAsker(), yes, ch.question(k)); err != nil {
					return err
				}
			}
			c, err := ch.change(w.contracts, ctx, a, id)
			if err != nil {
				return err
			}
			return r.printDone(out, contractRecordOf(c), "%s\n", ch.done(c))
		})
	})
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	addOutputFlags(cmd, &out, false)
	return cmd
}
