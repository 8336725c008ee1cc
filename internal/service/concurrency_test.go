package service_test

// Concurrency, on both engines, with real goroutines on one database: what two
// sessions do at the same moment must never lose or overwrite anyone's work.

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
)

// race runs every fn at once, released together once all have started, and
// returns their errors in order.
func race(fns ...func() error) []error {
	errs := make([]error, len(fns))
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	for i, fn := range fns {
		ready.Add(1)
		done.Go(func() {
			ready.Done()
			<-start
			errs[i] = fn()
		})
	}
	ready.Wait()
	close(start)
	done.Wait()
	return errs
}

// oneWinsOneStale checks that of two saves made from the same version exactly
// one went through and the other was refused as stale, and returns the winner.
func oneWinsOneStale(t *testing.T, errs []error) int {
	t.Helper()
	if len(errs) != 2 {
		t.Fatalf("%d results, want 2", len(errs))
	}
	switch {
	case errs[0] == nil && errors.Is(errs[1], domain.ErrStale):
		return 0
	case errs[1] == nil && errors.Is(errs[0], domain.ErrStale):
		return 1
	}
	t.Fatalf("saves from the same version returned %v and %v; want one success and one domain.ErrStale", errs[0], errs[1])
	return -1
}

// Two sessions open the same record, each changes it and saves: the second save
// is refused as changed by someone else, and the record holds the first save
// whole (nothing of the refused one is written over it).
func TestConcurrentEditsOfOneRecordRefuseTheSecondSave(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		manager2 := w.addUser(t, domain.RoleManagement, "Mathis Manager")

		t.Run("customer: its sales contact in two terminals", func(t *testing.T) {
			svc := w.customers()
			c := w.addCustomer(t, w.SalesA, "Camille Durand")
			names := []string{"Camille Durand-Martin", "Camille Martin"}
			phones := []string{"+33 1 11 11 11 11", "+33 2 22 22 22 22"}
			var saved [2]domain.Customer
			errs := race(
				func() (err error) {
					saved[0], err = svc.Update(ctx, w.actor(w.SalesA), c.ID, c.Version, service.CustomerPatch{FullName: &names[0], Phone: &phones[0]})
					return err
				},
				func() (err error) {
					saved[1], err = svc.Update(ctx, w.actor(w.SalesA), c.ID, c.Version, service.CustomerPatch{FullName: &names[1], Phone: &phones[1]})
					return err
				},
			)
			win := oneWinsOneStale(t, errs)
			got, err := svc.Get(ctx, w.actor(w.Manager), c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.FullName != names[win] || got.Phone != phones[win] || got.Version != c.Version+1 {
				t.Fatalf("stored %q %q v%d; want the winner's %q %q at v%d", got.FullName, got.Phone, got.Version, names[win], phones[win], c.Version+1)
			}
		})

		t.Run("contract: management and its sales contact change the total", func(t *testing.T) {
			svc := w.contracts()
			k := w.addContract(t, w.addCustomer(t, w.SalesA, "Louis Petit"), 100000, domain.ContractDraft)
			totals := []domain.Money{120000, 90000}
			actors := []service.Actor{w.actor(w.Manager), w.actor(w.SalesA)}
			errs := race(
				func() error { _, err := svc.UpdateTotal(ctx, actors[0], k.ID, k.Version, totals[0]); return err },
				func() error { _, err := svc.UpdateTotal(ctx, actors[1], k.ID, k.Version, totals[1]); return err },
			)
			win := oneWinsOneStale(t, errs)
			got, err := svc.Get(ctx, w.actor(w.Manager), k.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.TotalAmount != totals[win] || got.AmountDue != totals[win] || got.Version != k.Version+1 {
				t.Fatalf("stored total %s due %s v%d; want the winner's %s at v%d", got.TotalAmount, got.AmountDue, got.Version, totals[win], k.Version+1)
			}
		})

		t.Run("event: management and its support contact reschedule it", func(t *testing.T) {
			svc := w.events()
			k := w.addContract(t, w.addCustomer(t, w.SalesA, "Jade Moreau"), 100000, domain.ContractSigned)
			e := w.addEvent(t, k, "Spring gala", t0.Add(72*time.Hour), &w.SupportA)
			locations := []string{"Le Grand Palais", "La Cigale"}
			attendees := []int{300, 80}
			actors := []service.Actor{w.actor(w.Manager), w.actor(w.SupportA)}
			update := func(i int) func() error {
				return func() error {
					_, _, err := svc.Update(ctx, actors[i], e.ID, e.Version, service.EventPatch{Location: &locations[i], Attendees: &attendees[i]})
					return err
				}
			}
			win := oneWinsOneStale(t, race(update(0), update(1)))
			got, err := svc.Get(ctx, w.actor(w.Manager), e.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Location != locations[win] || got.Attendees != attendees[win] || got.Version != e.Version+1 {
				t.Fatalf("stored %q, %d attendees, v%d; want the winner's %q, %d at v%d", got.Location, got.Attendees, got.Version, locations[win], attendees[win], e.Version+1)
			}
		})

		t.Run("collaborator: two managers edit the same colleague", func(t *testing.T) {
			svc := w.users()
			u := w.addUser(t, domain.RoleSupport, "Noah Support")
			names := []string{"Noah Support-Blanc", "Noé Support"}
			emails := []string{"noah.blanc@staff.example.com", "noe.support@staff.example.com"}
			actors := []service.Actor{w.actor(w.Manager), w.actor(manager2)}
			update := func(i int) func() error {
				return func() error {
					_, err := svc.Update(ctx, actors[i], u.ID, service.UserChanges{FullName: names[i], Email: emails[i], Version: u.Version})
					return err
				}
			}
			win := oneWinsOneStale(t, race(update(0), update(1)))
			got := w.user(t, u.ID)
			if got.FullName != names[win] || got.Email != emails[win] || got.Version != u.Version+1 {
				t.Fatalf("stored %q %q v%d; want the winner's %q %q at v%d", got.FullName, got.Email, got.Version, names[win], emails[win], u.Version+1)
			}
		})
	})
}

// Two sessions each make 300 edits of one contract, reading it then saving with
// the version read and starting again when told it changed: all 600 land. Each
// edit adds 0.01 to the total, so the final total counts them, and the audit
// trail holds one entry per edit.
func TestConcurrentEditsLoseNothing(t *testing.T) {
	const sessions, edits = 2, 300
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		svc := w.contracts()
		const start = domain.Money(100000)
		k := w.addContract(t, w.addCustomer(t, w.SalesA, "Hugo Lefebvre"), start, domain.ContractDraft)
		actors := []service.Actor{w.actor(w.Manager), w.actor(w.SalesA)}

		var mu sync.Mutex
		stale := 0
		var unexpected []error
		var wg sync.WaitGroup
		for s := range sessions {
			wg.Go(func() {
				for range edits {
					for {
						cur, err := svc.Get(ctx, actors[s], k.ID)
						if err == nil {
							_, err = svc.UpdateTotal(ctx, actors[s], k.ID, cur.Version, cur.TotalAmount+1)
						}
						if errors.Is(err, domain.ErrStale) {
							mu.Lock()
							stale++
							mu.Unlock()
							continue
						}
						if err != nil {
							mu.Lock()
							unexpected = append(unexpected, err)
							mu.Unlock()
						}
						break
					}
				}
			})
		}
		wg.Wait()
		if len(unexpected) > 0 {
			t.Fatalf("%d edits failed, first: %v", len(unexpected), unexpected[0])
		}
		got, err := svc.Get(ctx, w.actor(w.Manager), k.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := start + sessions*edits
		if got.TotalAmount != want || got.AmountDue != want {
			t.Fatalf("total %s, due %s after %d edits of 0.01; want %s: %d edits lost",
				got.TotalAmount, got.AmountDue, sessions*edits, want, int64(want-got.TotalAmount))
		}
		if got.Version != k.Version+sessions*edits {
			t.Errorf("version %d, want %d", got.Version, k.Version+sessions*edits)
		}
		updates := 0
		for _, e := range w.audit(t) {
			if e.Action == "contract.update" && e.EntityID == k.ID {
				updates++
			}
		}
		if updates != sessions*edits {
			t.Errorf("%d contract.update audit entries, want %d", updates, sessions*edits)
		}
		t.Logf("%s: %d edits by %d sessions, 0 lost, %d stale saves retried", w.Engine, sessions*edits, sessions, stale)
	})
}

// Payments of uneven amounts from three clerks at once on one contract: the
// amount due never goes below zero, the accepted payments sum to exactly what
// was due, and every refusal is a field error on the amount.
func TestConcurrentPaymentsNeverOverpay(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		svc := w.contracts()
		const total = domain.Money(123457) // 1 234.57: no combination of the amounts below hits it by chance only
		k := w.addContract(t, w.addCustomer(t, w.SalesA, "Emma Roux"), total, domain.ContractSigned)
		clerks := []service.Actor{w.actor(w.Manager), w.actor(w.SalesA), w.actor(w.Manager)}
		amounts := []domain.Money{3333, 5000, 7777}

		var mu sync.Mutex
		var accepted domain.Money
		var unexpected []error
		var wg sync.WaitGroup
		for i := range clerks {
			wg.Go(func() {
				for range 25 {
					got, pay, err := svc.RecordPayment(ctx, clerks[i], k.ID, amounts[i], time.Time{})
					mu.Lock()
					switch {
					case err == nil:
						accepted += pay.Amount
						if got.AmountDue < 0 {
							unexpected = append(unexpected, fmt.Errorf("amount due went to %s", got.AmountDue))
						}
					case code(err) == domain.CodeInvalid && fieldOf(err, "amount"):
					default:
						unexpected = append(unexpected, err)
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(unexpected) > 0 {
			t.Fatalf("%d unexpected results, first: %v", len(unexpected), unexpected[0])
		}
		got, err := svc.Get(ctx, w.actor(w.Manager), k.ID)
		if err != nil {
			t.Fatal(err)
		}
		var sum domain.Money
		for _, p := range got.Payments {
			sum += p.Amount
		}
		if sum != accepted || sum != w.paid(t, k.ID) {
			t.Fatalf("payments stored sum to %s (store says %s), accepted %s", sum, w.paid(t, k.ID), accepted)
		}
		if got.AmountDue < 0 || got.AmountDue != total-sum {
			t.Fatalf("amount due %s, want total %s minus payments %s", got.AmountDue, total, sum)
		}
		// Whatever is left is less than every amount tried, or one more would have fitted.
		for _, a := range amounts {
			if got.AmountDue >= a {
				t.Fatalf("amount due %s, yet a payment of %s was refused", got.AmountDue, a)
			}
		}
	})
}

// fieldOf reports whether err is a field error on field.
func fieldOf(err error, field string) bool {
	var de *domain.Error
	return errors.As(err, &de) && de.Fields[field] != ""
}

// Two sales collaborators create a customer with the same email at the same
// moment (in different letter case): exactly one is created, and the other is
// told the email is taken, on the email field.
func TestConcurrentCreationsOfOneEmail(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		svc := w.customers()
		for round := range 5 {
			email := fmt.Sprintf("same.%d@example.com", round)
			create := func(actor domain.Collaborator, typed string) func() error {
				return func() error {
					_, err := svc.Create(ctx, w.actor(actor), service.CustomerInput{
						FullName: "Twice " + actor.FullName, Email: typed, Phone: "+33 6 00 00 00 00",
					})
					return err
				}
			}
			errs := race(create(w.SalesA, email), create(w.SalesB, "SAME."+email[len("same."):]))
			ok, conflicts := 0, 0
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case code(err) == domain.CodeConflict && fieldOf(err, "email"):
					conflicts++
				default:
					t.Fatalf("round %d: unexpected %v", round, err)
				}
			}
			if ok != 1 || conflicts != 1 {
				t.Fatalf("round %d: %d created, %d conflicts on email; want 1 and 1 (%v)", round, ok, conflicts, errs)
			}
			l, err := svc.List(ctx, w.actor(w.Manager), domain.CustomerFilter{Search: email})
			if err != nil || len(l.Items) != 1 {
				t.Fatalf("round %d: %d customers with %s (%v), want 1", round, len(l.Items), email, err)
			}
		}
	})
}

// Wrong passwords typed at the same moment in several terminals all count:
// four at once leave four failures recorded, and a fifth then locks.
func TestConcurrentFailedLoginsAllCount(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		a := w.auth(t)
		u := w.SalesB
		const n = service.MaxFailedLogins - 1
		fns := make([]func() error, n)
		for i := range fns {
			fns[i] = func() error {
				_, _, err := a.Login(ctx, u.Email, fmt.Sprintf("wrong guess %d", i))
				return err
			}
		}
		for i, err := range race(fns...) {
			if err == nil || err.Error() != badCredentials {
				t.Fatalf("login %d: %v, want %q", i, err, badCredentials)
			}
		}
		if got := w.user(t, u.ID).FailedLogins; got != n {
			t.Fatalf("%d failures at once recorded as %d: %d lost", n, got, n-got)
		}
		if _, _, err := a.Login(ctx, u.Email, "one more guess"); code(err) != domain.CodeUnauthenticated || w.user(t, u.ID).LockedUntil == nil {
			t.Fatalf("the fifth failure: %v, locked until %v; want the account locked", err, w.user(t, u.ID).LockedUntil)
		}
	})
}
