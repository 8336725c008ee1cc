package service_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
)

func (w *world) contracts() *service.Contracts { return service.NewContracts(w.Deps()) }

// paid sums a contract's payments as stored.
func (w *world) paid(t testing.TB, id domain.ID) domain.Money {
	t.Helper()
	m, err := w.DB.PaidTotal(context.Background(), id)
	if err != nil {
		t.Fatalf("PaidTotal(%d): %v", id, err)
	}
	return m
}

func TestContractsCreate(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		svc := w.contracts()
		c := w.addCustomer(t, w.SalesA, "Olivier Roux")

		t.Run("management drafts a contract with everything due", func(t *testing.T) {
			k, err := svc.Create(ctx, w.actor(w.Manager), c.ID, 1250000)
			if err != nil {
				t.Fatalf("Create: %v", err)
			}
			if k.ID == 0 || k.Status != domain.ContractDraft || k.TotalAmount != 1250000 || k.AmountDue != 1250000 ||
				k.SignedAt != nil || k.SalesContactID != w.SalesA.ID || k.CustomerName != c.FullName {
				t.Fatalf("created %+v", k)
			}
			w.assertAudit(t, w.Manager, "contract.create", "contract", k.ID, map[string][2]string{
				"customer": {"", fmt.Sprint(c.ID)}, "total_amount": {"", "12500.00"}, "status": {"", "draft"},
			})
		})

		for _, tc := range []struct {
			name  string
			total domain.Money
		}{
			{"a negative total is refused", -1},
			{"a total over one billion is refused", domain.MaxMoney + 1},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var err error
				w.denied(t, domain.CodeInvalid, func() error { _, err = svc.Create(ctx, w.actor(w.Manager), c.ID, tc.total); return err })
				if !strings.Contains(fieldError(err, "total"), "between 0.00 and") {
					t.Fatalf("err = %v, want the total field named", err)
				}
			})
		}

		t.Run("an unknown customer is not found", func(t *testing.T) {
			w.denied(t, domain.CodeNotFound, func() error { _, err := svc.Create(ctx, w.actor(w.Manager), 987654, 100); return err })
		})

		for _, who := range []func() domain.Collaborator{func() domain.Collaborator { return w.SalesA }, func() domain.Collaborator { return w.SupportA }} {
			t.Run(string(who().Role)+" cannot create contracts, even for their own customer", func(t *testing.T) {
				w.denied(t, domain.CodeForbidden, func() error { _, err := svc.Create(ctx, w.actor(who()), c.ID, 100); return err })
			})
		}
	})
}

func TestContractsUpdateTotal(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		svc := w.contracts()
		own := w.addCustomer(t, w.SalesA, "Paul Girard")
		manager := w.actor(w.Manager)

		t.Run("management changes the total and the amount due follows what was paid", func(t *testing.T) {
			k := w.addContract(t, own, 100000, domain.ContractSigned)
			k, _, err := svc.RecordPayment(ctx, manager, k.ID, 30000, time.Time{})
			if err != nil {
				t.Fatalf("RecordPayment: %v", err)
			}
			got, err := svc.UpdateTotal(ctx, manager, k.ID, k.Version, 150000)
			if err != nil {
				t.Fatalf("UpdateTotal: %v", err)
			}
			if got.TotalAmount != 150000 || got.AmountDue != 120000 {
				t.Fatalf("updated %+v, want total 1500.00 and 1200.00 due", got)
			}
			w.assertAudit(t, w.Manager, "contract.update", "contract", k.ID, map[string][2]string{
				"total_amount": {"1000.00", "1500.00"}, "amount_due": {"700.00", "1200.00"},
			})

			t.Run("down to exactly what was paid, leaving nothing due", func(t *testing.T) {
				got, err := svc.UpdateTotal(ctx, manager, k.ID, got.Version, 30000)
				if err != nil || got.AmountDue != 0 || !got.Paid() {
					t.Fatalf("UpdateTotal = %+v, %v", got, err)
				}
				k = got
			})

			t.Run("but never below what was paid, and the message says how much that is", func(t *testing.T) {
				var err error
				w.denied(t, domain.CodeInvalid, func() error { _, err = svc.UpdateTotal(ctx, manager, k.ID, k.Version, 29999); return err })
				if rule := fieldError(err, "total"); !strings.Contains(rule, "300.00") || !strings.Contains(rule, "already paid") {
					t.Fatalf("total: %q (err %v)", rule, err)
				}
			})
		})

		t.Run("sales changes the total of their own customer's contract", func(t *testing.T) {
			k := w.addContract(t, own, 100000, domain.ContractDraft)
			got, err := svc.UpdateTotal(ctx, w.actor(w.SalesA), k.ID, k.Version, 90000)
			if err != nil || got.TotalAmount != 90000 || got.AmountDue != 90000 {
				t.Fatalf("UpdateTotal = %+v, %v", got, err)
			}
		})

		t.Run("a stale version is a conflict", func(t *testing.T) {
			k := w.addContract(t, own, 100000, domain.ContractDraft)
			if _, err := svc.UpdateTotal(ctx, manager, k.ID, k.Version, 110000); err != nil {
				t.Fatalf("UpdateTotal: %v", err)
			}
			w.denied(t, domain.CodeConflict, func() error { _, err := svc.UpdateTotal(ctx, w.actor(w.SalesA), k.ID, k.Version, 120000); return err })
		})

		t.Run("a cancelled contract's total no longer changes", func(t *testing.T) {
			k := w.addContract(t, own, 100000, domain.ContractCancelled)
			w.denied(t, domain.CodeConflict, func() error { _, err := svc.UpdateTotal(ctx, manager, k.ID, k.Version, 120000); return err })
		})

		t.Run("an invalid total names the field", func(t *testing.T) {
			k := w.addContract(t, own, 100000, domain.ContractDraft)
			var err error
			w.denied(t, domain.CodeInvalid, func() error { _, err = svc.UpdateTotal(ctx, manager, k.ID, k.Version, -5); return err })
			if fieldError(err, "total") == "" {
				t.Fatalf("err = %v", err)
			}
		})

		for _, tc := range []struct {
			name  string
			actor func() domain.Collaborator
		}{
			{"sales cannot change another sales' customer's contract", func() domain.Collaborator { return w.SalesB }},
			{"support cannot change contracts", func() domain.Collaborator { return w.SupportA }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				k := w.addContract(t, own, 100000, domain.ContractDraft)
				w.denied(t, domain.CodeForbidden, func() error { _, err := svc.UpdateTotal(ctx, w.actor(tc.actor()), k.ID, k.Version, 1); return err })
			})
		}
	})
}

func TestContractsRecordPayment(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		svc := w.contracts()
		own := w.addCustomer(t, w.SalesA, "Quentin Faure")
		sales := w.actor(w.SalesA)

		t.Run("payments bring the amount due down to exactly zero", func(t *testing.T) {
			k := w.addContract(t, own, 100000, domain.ContractSigned)
			received := t0.Add(-48 * time.Hour).In(time.FixedZone("CET", 3600))
			got, pay, err := svc.RecordPayment(ctx, sales, k.ID, 40000, received)
			if err != nil {
				t.Fatalf("RecordPayment: %v", err)
			}
			if got.AmountDue != 60000 || pay.ID == 0 || pay.Amount != 40000 || pay.RecordedByID != w.SalesA.ID ||
				!pay.ReceivedAt.Equal(received) || pay.ReceivedAt.Location() != time.UTC {
				t.Fatalf("after the first payment: contract %+v, payment %+v", got, pay)
			}
			w.assertAudit(t, w.SalesA, "contract.payment", "contract", k.ID, map[string][2]string{
				"payment":    {"", "400.00 received 2026-02-28 (#" + fmt.Sprint(pay.ID) + ")"},
				"amount_due": {"1000.00", "600.00"},
			})
			got, _, err = svc.RecordPayment(ctx, w.actor(w.Manager), k.ID, 60000, time.Time{})
			if err != nil || got.AmountDue != 0 || !got.Paid() {
				t.Fatalf("the last payment: %+v, %v", got, err)
			}
			detail, err := svc.Get(ctx, w.actor(w.SupportA), k.ID)
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			var sum domain.Money
			for _, p := range detail.Payments {
				sum += p.Amount
			}
			if len(detail.Payments) != 2 || sum != 100000 || detail.AmountDue != 0 || w.paid(t, k.ID) != 100000 {
				t.Fatalf("detail %+v: want 2 payments summing to the total and nothing due", detail)
			}

			t.Run("then nothing more is accepted", func(t *testing.T) {
				var err error
				w.denied(t, domain.CodeInvalid, func() error { _, _, err = svc.RecordPayment(ctx, sales, k.ID, 1, time.Time{}); return err })
				if !strings.Contains(fieldError(err, "amount"), "nothing is left to pay") {
					t.Fatalf("err = %v", err)
				}
			})
		})

		for _, tc := range []struct {
			name   string
			amount domain.Money
			at     time.Time
			field  string
			rule   string
		}{
			{"more than what is due is refused", 100001, time.Time{}, "amount", "at most 1 000.00 €, the amount due"},
			{"a zero amount is refused", 0, time.Time{}, "amount", "more than 0.00"},
			{"a negative amount is refused", -100, time.Time{}, "amount", "more than 0.00"},
			{"a payment received in the future is refused", 100, t0.Add(24 * time.Hour), "received_at", "future"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				k := w.addContract(t, own, 100000, domain.ContractSigned)
				var err error
				w.denied(t, domain.CodeInvalid, func() error { _, _, err = svc.RecordPayment(ctx, sales, k.ID, tc.amount, tc.at); return err })
				if rule := fieldError(err, tc.field); !strings.Contains(rule, tc.rule) {
					t.Fatalf("%s: %q, want %q (err %v)", tc.field, rule, tc.rule, err)
				}
			})
		}

		t.Run("a cancelled contract takes no payment", func(t *testing.T) {
			k := w.addContract(t, own, 100000, domain.ContractCancelled)
			w.denied(t, domain.CodeConflict, func() error { _, _, err := svc.RecordPayment(ctx, sales, k.ID, 100, time.Time{}); return err })
		})

		t.Run("an unknown contract is not found", func(t *testing.T) {
			w.denied(t, domain.CodeNotFound, func() error { _, _, err := svc.RecordPayment(ctx, sales, 987654, 100, time.Time{}); return err })
		})

		for _, tc := range []struct {
			name  string
			actor func() domain.Collaborator
		}{
			{"sales cannot record a payment on another sales' customer's contract", func() domain.Collaborator { return w.SalesB }},
			{"support cannot record payments", func() domain.Collaborator { return w.SupportA }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				k := w.addContract(t, own, 100000, domain.ContractSigned)
				w.denied(t, domain.CodeForbidden, func() error {
					_, _, err := svc.RecordPayment(ctx, w.actor(tc.actor()), k.ID, 100, time.Time{})
					return err
				})
			})
		}
	})
}

// Two clerks record payments of 1.00 on the same 100.00 contract at once: exactly
// a hundred go through, the rest are refused as more than what is due, and the
// amount due ends at zero with the payments summing to the total.
func TestContractsConcurrentPayments(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		svc := w.contracts()
		k := w.addContract(t, w.addCustomer(t, w.SalesA, "Rachel Simon"), 10000, domain.ContractSigned)
		const workers, each = 2, 60
		clerks := []service.Actor{w.actor(w.Manager), w.actor(w.SalesA)}

		var mu sync.Mutex
		ok, refused := 0, 0
		var unexpected []error
		var wg sync.WaitGroup
		for i := range workers {
			wg.Go(func() {
				for range each {
					_, _, err := svc.RecordPayment(ctx, clerks[i], k.ID, 100, time.Time{})
					mu.Lock()
					switch code(err) {
					case "":
						ok++
					case domain.CodeInvalid:
						refused++
					default:
						unexpected = append(unexpected, err)
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(unexpected) > 0 {
			t.Fatalf("%d unexpected errors, first: %v", len(unexpected), unexpected[0])
		}
		if ok != 100 || refused != workers*each-100 {
			t.Fatalf("%d payments accepted and %d refused, want 100 and %d", ok, refused, workers*each-100)
		}
		got, err := svc.Get(ctx, w.actor(w.Manager), k.ID)
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		if got.AmountDue != 0 || len(got.Payments) != 100 || w.paid(t, k.ID) != 10000 {
			t.Fatalf("amount due %s, %d payments summing to %s; want 0.00, 100 and 100.00", got.AmountDue, len(got.Payments), w.paid(t, k.ID))
		}
	})
}

func TestContractsSign(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		svc := w.contracts()
		own := w.addCustomer(t, w.SalesA, "Sophie Laurent")

		for _, who := range []func() domain.Collaborator{func() domain.Collaborator { return w.Manager }, func() domain.Collaborator { return w.SalesA }} {
			t.Run(string(who().Role)+" signs a draft, which is timestamped, audited and reported", func(t *testing.T) {
				k := w.addContract(t, own, 500000, domain.ContractDraft)
				w.Clock.Advance(time.Minute)
				w.Reporter.Reset()
				got, err := svc.Sign(ctx, w.actor(who()), k.ID)
				if err != nil {
					t.Fatalf("Sign: %v", err)
				}
				now := w.Clock.Now()
				if got.Status != domain.ContractSigned || got.SignedAt == nil || !got.SignedAt.Equal(now) {
					t.Fatalf("signed %+v, want signed at %s", got, now)
				}
				stored, _ := svc.Get(ctx, w.actor(w.SupportA), k.ID)
				if stored.Status != domain.ContractSigned || stored.SignedAt == nil || !stored.SignedAt.Equal(now) {
					t.Fatalf("stored %+v", stored.Contract)
				}
				w.assertAudit(t, who(), "contract.sign", "contract", k.ID, map[string][2]string{
					"status": {"draft", "signed"}, "signed_at": {"", now.Format(time.RFC3339)},
				})
				ev, ok := w.Reporter.Last("contract.sign")
				if !ok || ev.ActorID != who().ID || ev.Data["contract_id"] != fmt.Sprint(k.ID) {
					t.Fatalf("reported %+v", w.Reporter.Events())
				}

				t.Run("signing is one-way: a second signature is refused", func(t *testing.T) {
					w.denied(t, domain.CodeConflict, func() error { _, err := svc.Sign(ctx, w.actor(w.Manager), k.ID); return err })
				})
			})
		}

		t.Run("a cancelled contract cannot be signed", func(t *testing.T) {
			k := w.addContract(t, own, 500000, domain.ContractCancelled)
			w.denied(t, domain.CodeConflict, func() error { _, err := svc.Sign(ctx, w.actor(w.Manager), k.ID); return err })
		})

		for _, tc := range []struct {
			name  string
			actor func() domain.Collaborator
		}{
			{"sales cannot sign another sales' customer's contract", func() domain.Collaborator { return w.SalesB }},
			{"support cannot sign contracts", func() domain.Collaborator { return w.SupportA }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				k := w.addContract(t, own, 500000, domain.ContractDraft)
				w.Reporter.Reset()
				w.denied(t, domain.CodeForbidden, func() error { _, err := svc.Sign(ctx, w.actor(tc.actor()), k.ID); return err })
				if _, ok := w.Reporter.Last("contract.sign"); ok {
					t.Fatal("a refused signature was reported as signed")
				}
			})
		}
	})
}

func TestContractsCancel(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		svc := w.contracts()
		own := w.addCustomer(t, w.SalesA, "Thomas Mercier")
		manager := w.actor(w.Manager)

		t.Run("a contract with an upcoming event cannot be cancelled", func(t *testing.T) {
			k := w.addContract(t, own, 100000, domain.ContractSigned)
			w.addEvent(t, k, "Past party", t0.Add(-72*time.Hour), nil)
			w.addEvent(t, k, "Next launch", t0.Add(72*time.Hour), nil)
			var err error
			w.denied(t, domain.CodeConflict, func() error { _, err = svc.Cancel(ctx, manager, k.ID); return err })
			if !strings.Contains(domain.ErrorMessage(err), "1 upcoming event") {
				t.Fatalf("err = %v, want the upcoming event counted", err)
			}

			t.Run("once its events are past, it can", func(t *testing.T) {
				w.Clock.Advance(7 * 24 * time.Hour)
				got, err := svc.Cancel(ctx, manager, k.ID)
				if err != nil || got.Status != domain.ContractCancelled {
					t.Fatalf("Cancel = %+v, %v", got, err)
				}
				w.assertAudit(t, w.Manager, "contract.cancel", "contract", k.ID, map[string][2]string{"status": {"signed", "cancelled"}})
			})
		})

		t.Run("sales cancels their own customer's draft", func(t *testing.T) {
			k := w.addContract(t, own, 100000, domain.ContractDraft)
			got, err := svc.Cancel(ctx, w.actor(w.SalesA), k.ID)
			if err != nil || got.Status != domain.ContractCancelled {
				t.Fatalf("Cancel = %+v, %v", got, err)
			}

			t.Run("a cancelled contract cannot be cancelled again", func(t *testing.T) {
				w.denied(t, domain.CodeConflict, func() error { _, err := svc.Cancel(ctx, manager, k.ID); return err })
			})
		})

		for _, tc := range []struct {
			name  string
			actor func() domain.Collaborator
		}{
			{"sales cannot cancel another sales' customer's contract", func() domain.Collaborator { return w.SalesB }},
			{"support cannot cancel contracts", func() domain.Collaborator { return w.SupportA }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				k := w.addContract(t, own, 100000, domain.ContractDraft)
				w.denied(t, domain.CodeForbidden, func() error { _, err := svc.Cancel(ctx, w.actor(tc.actor()), k.ID); return err })
			})
		}
	})
}

func TestContractsList(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		svc := w.contracts()
		mine, theirs := w.addCustomer(t, w.SalesA, "Ursula Vidal"), w.addCustomer(t, w.SalesB, "Victor Vidal")
		draftMine := w.addContract(t, mine, 1000, domain.ContractDraft)
		signedMine := w.addContract(t, mine, 1000, domain.ContractSigned)
		paidTheirs := w.addContract(t, theirs, 0, domain.ContractSigned)
		draftTheirs := w.addContract(t, theirs, 1000, domain.ContractDraft)

		for _, tc := range []struct {
			name string
			f    domain.ContractFilter
			want []domain.ID // newest first
		}{
			{"every contract", domain.ContractFilter{}, []domain.ID{draftTheirs.ID, paidTheirs.ID, signedMine.ID, draftMine.ID}},
			{"my customers' contracts", domain.ContractFilter{SalesContactID: w.SalesA.ID}, []domain.ID{signedMine.ID, draftMine.ID}},
			{"unsigned contracts", domain.ContractFilter{Status: domain.ContractDraft}, []domain.ID{draftTheirs.ID, draftMine.ID}},
			{"contracts not fully paid", domain.ContractFilter{Unpaid: true}, []domain.ID{draftTheirs.ID, signedMine.ID, draftMine.ID}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				for _, who := range []domain.Collaborator{w.Manager, w.SalesA, w.SupportA} {
					l, err := svc.List(ctx, w.actor(who), tc.f)
					if err != nil {
						t.Fatalf("%s: List: %v", who.Role, err)
					}
					var got []domain.ID
					for _, k := range l.Items {
						got = append(got, k.ID)
					}
					if !slices.Equal(got, tc.want) {
						t.Fatalf("%s: List = %v, want %v", who.Role, got, tc.want)
					}
				}
			})
		}

		t.Run("an actor who did not log in reads nothing", func(t *testing.T) {
			if _, err := svc.List(ctx, service.Actor{}, domain.ContractFilter{}); code(err) != domain.CodeUnauthenticated {
				t.Fatalf("List: %v", err)
			}
			if _, err := svc.Get(ctx, service.Actor{}, draftMine.ID); code(err) != domain.CodeUnauthenticated {
				t.Fatalf("Get: %v", err)
			}
		})
	})
}
