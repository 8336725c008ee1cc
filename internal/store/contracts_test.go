package store_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/store"
)

func TestContracts(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		sam := newUser(t, db.Repos, domain.RoleSales, "Sam Sales")
		olga := newUser(t, db.Repos, domain.RoleSales, "Olga Other")
		acme := newCustomer(t, db.Repos, sam, "Ann Acme", "ACME")

		t.Run("create defaults to draft; get joins the customer and its sales contact", func(t *testing.T) {
			k := domain.Contract{CustomerID: acme.ID, TotalAmount: 1_250_000, AmountDue: 1_250_000}
			mustNil(t, db.CreateContract(ctx, &k))
			if k.ID == 0 || k.Status != domain.ContractDraft || k.Version != 1 || k.SignedAt != nil {
				t.Fatalf("after create: %+v", k)
			}
			got, err := db.GetContract(ctx, k.ID)
			mustNil(t, err)
			want := k
			want.CustomerName, want.SalesContactID, want.SalesContactName = "Ann Acme", sam.ID, "Sam Sales"
			if got != want {
				t.Fatalf("GetContract = %+v\nwant %+v", got, want)
			}
		})

		t.Run("reassigning the customer moves its contracts to the new sales contact", func(t *testing.T) {
			c := newCustomer(t, db.Repos, sam, "Moving Customer", "")
			k := newContract(t, db.Repos, c, 500, 500, domain.ContractDraft)
			c.SalesContactID = olga.ID
			mustNil(t, db.UpdateCustomer(ctx, &c))
			got, err := db.GetContract(ctx, k.ID)
			mustNil(t, err)
			if got.SalesContactID != olga.ID || got.SalesContactName != "Olga Other" {
				t.Fatalf("contract's sales contact = %d %q, want Olga's", got.SalesContactID, got.SalesContactName)
			}
		})

		t.Run("update writes status, signature and amounts; the old version is stale", func(t *testing.T) {
			k := newContract(t, db.Repos, acme, 10_000, 10_000, domain.ContractDraft)
			read := k
			signed := time.Date(2026, 3, 2, 10, 30, 0, 123456000, time.UTC)
			k.Status, k.SignedAt, k.AmountDue = domain.ContractSigned, &signed, 4_000
			mustNil(t, db.UpdateContract(ctx, &k))
			got, err := db.GetContract(ctx, k.ID)
			mustNil(t, err)
			if got.Status != domain.ContractSigned || got.SignedAt == nil || !got.SignedAt.Equal(signed) || got.AmountDue != 4_000 || got.Version != 2 {
				t.Fatalf("stored: %+v", got)
			}
			if err := db.UpdateContract(ctx, &read); err != domain.ErrStale {
				t.Fatalf("stale update: %v, want domain.ErrStale", err)
			}
		})

		t.Run("the database refuses what no service may write", func(t *testing.T) {
			tests := []struct {
				name  string
				k     domain.Contract
				field string
			}{
				{"amount due below zero", domain.Contract{CustomerID: acme.ID, TotalAmount: 100, AmountDue: -1}, "amount_due"},
				{"amount due above the total", domain.Contract{CustomerID: acme.ID, TotalAmount: 100, AmountDue: 101}, "amount_due"},
				{"a negative total", domain.Contract{CustomerID: acme.ID, TotalAmount: -100, AmountDue: 0}, "total_amount"},
				{"an unknown status", domain.Contract{CustomerID: acme.ID, TotalAmount: 100, AmountDue: 100, Status: "lost"}, "status"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					k := tt.k
					wantField(t, db.CreateContract(ctx, &k), domain.CodeInvalid, tt.field)
				})
			}
		})

		t.Run("a contract for a missing customer is not found, naming customer_id", func(t *testing.T) {
			k := domain.Contract{CustomerID: 999999, TotalAmount: 1, AmountDue: 1}
			wantField(t, db.CreateContract(ctx, &k), domain.CodeNotFound, "customer_id")
		})

		t.Run("a missing contract is not found", func(t *testing.T) {
			_, err := db.GetContract(ctx, 999999)
			wantCode(t, err, domain.CodeNotFound)
			_, err = db.GetContractForUpdate(ctx, 999999)
			wantCode(t, err, domain.CodeNotFound)
			wantCode(t, db.DeleteContract(ctx, 999999), domain.CodeNotFound)
		})

		t.Run("a contract with payments or events cannot be deleted; a bare one can", func(t *testing.T) {
			paid := newContract(t, db.Repos, acme, 100, 100, domain.ContractSigned)
			mustNil(t, db.AddPayment(ctx, &domain.Payment{ContractID: paid.ID, Amount: 50, RecordedByID: sam.ID}))
			de := wantCode(t, db.DeleteContract(ctx, paid.ID), domain.CodeConflict)
			if !contains(de.Message, "payments") {
				t.Fatalf("message %q does not name payments", de.Message)
			}
			bare := newContract(t, db.Repos, acme, 100, 100, domain.ContractDraft)
			mustNil(t, db.DeleteContract(ctx, bare.ID))
		})

		t.Run("read for update inside a transaction, then update", func(t *testing.T) {
			k := newContract(t, db.Repos, acme, 1000, 1000, domain.ContractSigned)
			err := db.Tx(ctx, func(r *store.Repos) error {
				locked, err := r.GetContractForUpdate(ctx, k.ID)
				if err != nil {
					return err
				}
				if locked.SalesContactID != sam.ID {
					t.Errorf("locked read lacks the sales contact: %+v", locked)
				}
				locked.AmountDue = 400
				return r.UpdateContract(ctx, &locked)
			})
			mustNil(t, err)
			got, err := db.GetContract(ctx, k.ID)
			mustNil(t, err)
			if got.AmountDue != 400 {
				t.Fatalf("amount due = %d, want 400", got.AmountDue)
			}
		})
	})
}

func TestPayments(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		sam := newUser(t, db.Repos, domain.RoleSales, "Sam Sales")
		c := newCustomer(t, db.Repos, sam, "Pay Customer", "")
		k := newContract(t, db.Repos, c, 10_000, 10_000, domain.ContractSigned)
		other := newContract(t, db.Repos, c, 10_000, 10_000, domain.ContractSigned)

		total, err := db.PaidTotal(ctx, k.ID)
		mustNil(t, err)
		if total != 0 {
			t.Fatalf("paid total with no payment = %d, want 0", total)
		}
		list, err := db.ListPayments(ctx, k.ID)
		mustNil(t, err)
		if len(list) != 0 {
			t.Fatalf("payments of a new contract: %+v", list)
		}

		second := domain.Payment{ContractID: k.ID, Amount: 2_500, ReceivedAt: time.Date(2026, 2, 10, 0, 0, 0, 0, time.UTC), RecordedByID: sam.ID}
		first := domain.Payment{ContractID: k.ID, Amount: 1_234, ReceivedAt: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), RecordedByID: sam.ID}
		mustNil(t, db.AddPayment(ctx, &second))
		mustNil(t, db.AddPayment(ctx, &first))
		mustNil(t, db.AddPayment(ctx, &domain.Payment{ContractID: other.ID, Amount: 99, RecordedByID: sam.ID}))
		if first.ID == 0 || first.CreatedAt.IsZero() {
			t.Fatalf("after add: %+v", first)
		}

		total, err = db.PaidTotal(ctx, k.ID)
		mustNil(t, err)
		if total != 3_734 {
			t.Fatalf("paid total = %d, want 3734", total)
		}
		list, err = db.ListPayments(ctx, k.ID)
		mustNil(t, err)
		if len(list) != 2 || list[0] != first || list[1] != second {
			t.Fatalf("payments = %+v\nwant [%+v %+v] in the order received", list, first, second)
		}

		t.Run("a payment needs an amount above zero", func(t *testing.T) {
			wantField(t, db.AddPayment(ctx, &domain.Payment{ContractID: k.ID, Amount: 0, RecordedByID: sam.ID}), domain.CodeInvalid, "amount")
		})
		t.Run("a payment on a missing contract is not found, naming contract_id", func(t *testing.T) {
			wantField(t, db.AddPayment(ctx, &domain.Payment{ContractID: 999999, Amount: 1, RecordedByID: sam.ID}), domain.CodeNotFound, "contract_id")
		})
		t.Run("a payment recorded by nobody is not found, naming recorded_by", func(t *testing.T) {
			wantField(t, db.AddPayment(ctx, &domain.Payment{ContractID: k.ID, Amount: 1, RecordedByID: 999999}), domain.CodeNotFound, "recorded_by")
		})
		t.Run("a collaborator who recorded payments cannot be deleted", func(t *testing.T) {
			clerk := newUser(t, db.Repos, domain.RoleManagement, "Clerk")
			mustNil(t, db.AddPayment(ctx, &domain.Payment{ContractID: other.ID, Amount: 1, RecordedByID: clerk.ID}))
			wantCode(t, db.DeleteUser(ctx, clerk.ID), domain.CodeConflict)
		})
		t.Run("a transaction that fails leaves no payment behind", func(t *testing.T) {
			boom := errors.New("boom")
			err := db.Tx(ctx, func(r *store.Repos) error {
				if err := r.AddPayment(ctx, &domain.Payment{ContractID: k.ID, Amount: 1_000, RecordedByID: sam.ID}); err != nil {
					return err
				}
				return boom
			})
			if err != boom {
				t.Fatalf("Tx returned %v, want fn's own error", err)
			}
			total, err := db.PaidTotal(ctx, k.ID)
			mustNil(t, err)
			if total != 3_734 {
				t.Fatalf("paid total after rollback = %d, want 3734", total)
			}
		})
	})
}

func TestListContracts(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		sam := newUser(t, db.Repos, domain.RoleSales, "Sam Sales")
		olga := newUser(t, db.Repos, domain.RoleSales, "Olga Other")
		acme := newCustomer(t, db.Repos, sam, "Ann Acme", "ACME Corp")
		globex := newCustomer(t, db.Repos, olga, "Bob Globex", "Globex")

		// Created in this order, one clock tick apart: the list is newest first.
		k1 := newContract(t, db.Repos, acme, 1000, 1000, domain.ContractDraft)
		k2 := newContract(t, db.Repos, acme, 1000, 0, domain.ContractSigned)
		k3 := newContract(t, db.Repos, globex, 1000, 300, domain.ContractSigned)
		k4 := newContract(t, db.Repos, globex, 1000, 1000, domain.ContractCancelled)
		// Same created_at as k4: the id breaks the tie.
		k5 := domain.Contract{CustomerID: acme.ID, TotalAmount: 10, AmountDue: 10, CreatedAt: k4.CreatedAt}
		mustNil(t, db.CreateContract(ctx, &k5))

		ids := func(f domain.ContractFilter) []domain.ID {
			l, err := db.ListContracts(ctx, f)
			mustNil(t, err)
			var out []domain.ID
			for _, k := range l.Items {
				out = append(out, k.ID)
				if k.CustomerName == "" || k.SalesContactName == "" {
					t.Fatalf("contract %d listed without its customer's details: %+v", k.ID, k)
				}
			}
			return out
		}
		all := []domain.ID{k5.ID, k4.ID, k3.ID, k2.ID, k1.ID}
		tests := []struct {
			name string
			f    domain.ContractFilter
			want []domain.ID
		}{
			{"every contract, newest first", domain.ContractFilter{}, all},
			{"one customer's", domain.ContractFilter{CustomerID: globex.ID}, []domain.ID{k4.ID, k3.ID}},
			{"a sales contact's customers'", domain.ContractFilter{SalesContactID: sam.ID}, []domain.ID{k5.ID, k2.ID, k1.ID}},
			{"unsigned", domain.ContractFilter{Status: domain.ContractDraft}, []domain.ID{k5.ID, k1.ID}},
			{"signed", domain.ContractFilter{Status: domain.ContractSigned}, []domain.ID{k3.ID, k2.ID}},
			{"not fully paid", domain.ContractFilter{Unpaid: true}, []domain.ID{k5.ID, k4.ID, k3.ID, k1.ID}},
			{"signed and not fully paid, mine", domain.ContractFilter{SalesContactID: olga.ID, Status: domain.ContractSigned, Unpaid: true}, []domain.ID{k3.ID}},
			{"search in the customer's name", domain.ContractFilter{Search: "bob"}, []domain.ID{k4.ID, k3.ID}},
			{"search in the customer's email", domain.ContractFilter{Search: "ann.acme@"}, []domain.ID{k5.ID, k2.ID, k1.ID}},
			{"search in the customer's company", domain.ContractFilter{Search: "globex"}, []domain.ID{k4.ID, k3.ID}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if got := ids(tt.f); !slices.Equal(got, tt.want) {
					t.Fatalf("ids = %v, want %v", got, tt.want)
				}
			})
		}
		t.Run("pages follow the cursor newest first, also under a filter", func(t *testing.T) {
			for size := 1; size <= 5; size++ {
				got := allPages(t, size, func(p domain.Page) (domain.List[domain.Contract], error) {
					return db.ListContracts(ctx, domain.ContractFilter{Page: p})
				}, func(k domain.Contract) domain.ID { return k.ID })
				if !slices.Equal(got, all) {
					t.Fatalf("size %d: %v, want %v", size, got, all)
				}
				got = allPages(t, size, func(p domain.Page) (domain.List[domain.Contract], error) {
					return db.ListContracts(ctx, domain.ContractFilter{Unpaid: true, Page: p})
				}, func(k domain.Contract) domain.ID { return k.ID })
				if want := []domain.ID{k5.ID, k4.ID, k3.ID, k1.ID}; !slices.Equal(got, want) {
					t.Fatalf("size %d, unpaid: %v, want %v", size, got, want)
				}
			}
		})
		t.Run("a customers cursor is refused by contracts", func(t *testing.T) {
			l, err := db.ListCustomers(ctx, domain.CustomerFilter{Page: domain.Page{Limit: 1}})
			mustNil(t, err)
			_, err = db.ListContracts(ctx, domain.ContractFilter{Page: domain.Page{After: l.Next}})
			wantField(t, err, domain.CodeInvalid, "page")
		})
	})
}

func TestConcurrentPaymentsSerialise(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		sam := newUser(t, db.Repos, domain.RoleSales, "Sam Sales")
		c := newCustomer(t, db.Repos, sam, "Busy Customer", "")
		k := newContract(t, db.Repos, c, 1_000, 1_000, domain.ContractSigned)
		const workers, each = 4, 5
		errs := make(chan error, workers*each)
		done := make(chan struct{})
		for range workers {
			go func() {
				defer func() { done <- struct{}{} }()
				for range each {
					errs <- db.Tx(ctx, func(r *store.Repos) error {
						locked, err := r.GetContractForUpdate(ctx, k.ID)
						if err != nil {
							return err
						}
						if err := r.AddPayment(ctx, &domain.Payment{ContractID: k.ID, Amount: 10, RecordedByID: sam.ID}); err != nil {
							return err
						}
						locked.AmountDue -= 10
						return r.UpdateContract(ctx, &locked)
					})
				}
			}()
		}
		for range workers {
			<-done
		}
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("a payment failed (the read did not lock the contract?): %v", err)
			}
		}
		got, err := db.GetContract(ctx, k.ID)
		mustNil(t, err)
		paid, err := db.PaidTotal(ctx, k.ID)
		mustNil(t, err)
		if paid != workers*each*10 || got.AmountDue != 1_000-paid || got.Version != 1+workers*each {
			t.Fatalf("paid %d, due %d, version %d after %d payments of 10", paid, got.AmountDue, got.Version, workers*each)
		}
	})
}
