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
				if out.json {
					return writeJSON(r.stdout, paymentResult{contractRecord: contractRecordOf(c), Payment: paymentRecordOf(p)})
				}
				fmt.Fprintf(r.stdout, "Recorded %s on contract %d; %s still due.\n", p.Amount, c.ID, c.AmountDue)
				return nil
			})
		}),
	}
	cmd.Flags().StringVar(&received, "received", "", "when the payment was received (default: now), such as \"2026-11-20 10:00\"")
	addOutputFlags(cmd, &out, false)
	return cmd
}

func (r *root) contractSign() *cobra.Command {
	var (
		out outputOptions
		yes bool
	)
	cmd := &cobra.Command{
		Use:   "sign ID",
		Short: "Sign a draft contract, for good",
		Long: `Sign a draft contract (management, or the customer's sales contact). Signing
cannot be undone. It asks for confirmation on a terminal; --yes skips the
question and is required when the input is not a terminal.`,
		Example: "  epicevents contract sign 5\n  epicevents contract sign 5 --yes --json",
		Args:    cobra.ExactArgs(1),
		RunE: r.runCmd(&out, func(ctx context.Context, args []string) error {
			id, err := parseID("id", args[0])
			if err != nil {
				return err
			}
			if err := r.needConfirmation(yes, "signing a contract"); err != nil {
				return err
			}
			return r.asActor(ctx, func(w *world, a service.Actor) error {
				if !yes {
					k, err := w.contracts.Get(ctx, a, id)
					if err != nil {
						return err
					}
					q := fmt.Sprintf("Sign contract %d for %s, total %s? This cannot be undone.", k.ID, k.CustomerName, k.TotalAmount)
					if err := r.confirmed(ctx, r.newAsker(), yes, q); err != nil {
						return err
					}
				}
				c, err := w.contracts.Sign(ctx, a, id)
				if err != nil {
					return err
				}
				return r.printContract(out, c, "Signed contract %d for %s on %s.\n", c.ID, c.CustomerName, r.localTime(*c.SignedAt))
			})
		}),
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	addOutputFlags(cmd, &out, false)
	return cmd
}

func (r *root) contractCancel() *cobra.Command {
	var (
		out outputOptions
		yes bool
	)
	cmd := &cobra.Command{
		Use:   "cancel ID",
		Short: "Cancel a contract that has no upcoming event",
		Long: `Cancel a contract (management, or the customer's sales contact); its payments
stay recorded. Refused while the contract has upcoming events. It cannot be
undone: it asks for confirmation on a terminal; --yes skips the question and is
required when the input is not a terminal.`,
		Example: "  epicevents contract cancel 5 --yes",
		Args:    cobra.ExactArgs(1),
		RunE: r.runCmd(&out, func(ctx context.Context, args []string) error {
			id, err := parseID("id", args[0])
			if err != nil {
				return err
			}
			if err := r.needConfirmation(yes, "cancelling a contract"); err != nil {
				return err
			}
			return r.asActor(ctx, func(w *world, a service.Actor) error {
				if !yes {
					k, err := w.contracts.Get(ctx, a, id)
					if err != nil {
						return err
					}
					q := fmt.Sprintf("Cancel contract %d for %s, total %s (%s paid)? This cannot be undone.",
						k.ID, k.CustomerName, k.TotalAmount, k.TotalAmount-k.AmountDue)
					if err := r.confirmed(ctx, r.newAsker(), yes, q); err != nil {
						return err
					}
				}
				c, err := w.contracts.Cancel(ctx, a, id)
				if err != nil {
					return err
				}
				return r.printContract(out, c, "Cancelled contract %d for %s.\n", c.ID, c.CustomerName)
			})
		}),
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	addOutputFlags(cmd, &out, false)
	return cmd
}

// printContract prints a contract that a command changed: the record with
// --json, otherwise the sentence.
func (r *root) printContract(out outputOptions, c domain.Contract, format string, args ...any) error {
	if out.json {
		return writeJSON(r.stdout, contractRecordOf(c))
	}
	fmt.Fprintf(r.stdout, format, args...)
	return nil
}
