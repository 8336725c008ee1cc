package service_test

// store.DB.Tx runs its function again when the server rolls the transaction back
// to settle a race (a deadlock, a Galera certification failure). These tests run
// every mutating service call through a store whose every transaction is run,
// rolled back, and run again for real, and expect what a single run gives: one
// audit row per change with each field once, no spurious ErrStale, the same
// login state and the same reports.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
	"github.com/epic-events/crm/internal/store"
)

// errRolledBack makes the real transaction roll its first run back.
var errRolledBack = errors.New("rerun store: first run rolled back on purpose")

// rerunStore is a service.Store whose Tx runs fn, rolls it back, and runs it
// again for real: what a transaction that lost a race goes through. Between the
// two runs the world's clock moves on a second, and meanwhile (when set) plays
// the transaction that won the race, once.
type rerunStore struct {
	txStore
	clock *testClock

	mu        sync.Mutex
	reruns    int
	meanwhile func(ctx context.Context) error
}

func (s *rerunStore) Tx(ctx context.Context, fn func(service.Repos) error) error {
	err := s.DB.Tx(ctx, func(r *store.Repos) error {
		if err := fn(r); err != nil {
			return err // a failing run is not run again: store.DB.Tx does not either
		}
		return errRolledBack
	})
	if !errors.Is(err, errRolledBack) {
		return err
	}
	s.mu.Lock()
	s.reruns++
	winner := s.meanwhile
	s.meanwhile = nil
	s.mu.Unlock()
	s.clock.Advance(time.Second)
	if winner != nil {
		if err := winner(ctx); err != nil {
			return fmt.Errorf("rerun store: the winner's change: %w", err)
		}
	}
	return s.DB.Tx(ctx, func(r *store.Repos) error { return fn(r) })
}

// Meanwhile has fn commit between the rolled-back run and the next one.
func (s *rerunStore) Meanwhile(fn func(ctx context.Context) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.meanwhile = fn
}

func (s *rerunStore) Reruns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reruns
}

// rerunCase is one mutating call. prepare arranges the records it needs directly
// in the database and returns the call, which checks its own results.
type rerunCase struct {
	name string
	// audit is the rows the call adds, oldest first: "action field,field".
	audit []string
	// reports is the events the call reports, in order.
	reports []string
	prepare func(t *testing.T, w *world, rs *rerunStore) (call func() error)
}

func TestTransactionsRunTwiceGiveTheResultOfOneRun(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		rs := &rerunStore{txStore: txStore{w.DB}, clock: w.Clock}
		w.Store = rs
		ctx := context.Background()
		manager, salesA, supportA := w.actor(w.Manager), w.actor(w.SalesA), w.actor(w.SupportA)
		users := service.NewUsers(w.Deps(), w.Hasher)
		authn := service.NewAuth(w.Deps(), w.Hasher, w.tokens(t))
		customers, contracts, events := service.NewCustomers(w.Deps()), service.NewContracts(w.Deps()), service.NewEvents(w.Deps())
		eventStart := t0.Add(30 * 24 * time.Hour)
		setLoginState := func(t *testing.T, id domain.ID, failed int, until *time.Time) {
			t.Helper()
			if err := w.DB.SetLoginState(ctx, id, failed, until); err != nil {
				t.Fatalf("SetLoginState: %v", err)
			}
		}
		wantLoginState := func(t *testing.T, id domain.ID, failed int, until *time.Time) {
			t.Helper()
			u := w.user(t, id)
			if u.FailedLogins != failed || fmtTime(u.LockedUntil) != fmtTime(until) {
				t.Errorf("login state = %d failures, locked until %s; want %d, %s",
					u.FailedLogins, fmtTime(u.LockedUntil), failed, fmtTime(until))
			}
		}

		cases := []rerunCase{
			{
				name:    "updating a collaborator lists each changed field once",
				audit:   []string{"user.update full_name,email"},
				reports: []string{"user.update"},
				prepare: func(t *testing.T, w *world, rs *rerunStore) func() error {
					u := w.addUser(t, domain.RoleSales, "Old Name")
					return func() error {
						got, err := users.Update(ctx, manager, u.ID, service.UserChanges{FullName: "New Name", Email: "new.name@staff.example.com", Version: u.Version})
						if err != nil {
							return err
						}
						if got.Version != u.Version+1 || got.FullName != "New Name" {
							t.Errorf("updated to %q v%d; want %q v%d", got.FullName, got.Version, "New Name", u.Version+1)
						}
						if ev, _ := w.Reporter.Last("user.update"); ev.Data["fields"] != "full_name,email" {
							t.Errorf("reported fields %q; want %q", ev.Data["fields"], "full_name,email")
						}
						return nil
					}
				},
			},
			{
				name:    "changing the role of a collaborator who holds nothing",
				audit:   []string{"user.update role"},
				reports: []string{"user.update"},
				prepare: func(t *testing.T, w *world, rs *rerunStore) func() error {
					u := w.addUser(t, domain.RoleSupport, "Role Changer")
					return func() error {
						got, err := users.Update(ctx, manager, u.ID, service.UserChanges{Role: domain.RoleSales, Version: u.Version})
						if err == nil && got.Role != domain.RoleSales {
							t.Errorf("role = %s; want sales", got.Role)
						}
						return err
					}
				},
			},
			{
				name:    "deactivating a collaborator",
				audit:   []string{"user.deactivate active"},
				reports: []string{"user.deactivate"},
				prepare: func(t *testing.T, w *world, rs *rerunStore) func() error {
					u := w.addUser(t, domain.RoleSales, "Leaving Soon")
					return func() error {
						got, err := users.Deactivate(ctx, manager, u.ID)
						if err == nil && got.Active {
							t.Error("still active")
						}
						return err
					}
				},
			},
			{
				name: "deactivating a collaborator someone deactivated meanwhile changes and reports nothing",
				prepare: func(t *testing.T, w *world, rs *rerunStore) func() error {
					u := w.addUser(t, domain.RoleSales, "Gone Already")
					rs.Meanwhile(func(ctx context.Context) error {
						u.Active = false
						return w.DB.UpdateUser(ctx, &u)
					})
					return func() error {
						got, err := users.Deactivate(ctx, manager, u.ID)
						if err == nil && got.Active {
							t.Error("still active")
						}
						return err
					}
				},
			},
			{
				name:    "reactivating a collaborator",
				audit:   []string{"user.reactivate active"},
				reports: []string{"user.reactivate"},
				prepare: func(t *testing.T, w *world, rs *rerunStore) func() error {
					return func() error {
						got, err := users.Reactivate(ctx, manager, w.Inactive.ID)
						if err == nil && !got.Active {
							t.Error("still inactive")
						}
						return err
					}
				},
			},
			{
				name:    "deleting a collaborator who holds nothing",
				audit:   []string{"user.delete employee_number,full_name,email,role"},
				reports: []string{"user.delete"},
				prepare: func(t *testing.T, w *world, rs *rerunStore) func() error {
					u := w.addUser(t, domain.RoleSupport, "Short Stay")
					return func() error {
						if err := users.Delete(ctx, manager, u.ID); err != nil {
							return err
						}
						if _, err := w.DB.GetUser(ctx, u.ID); code(err) != domain.CodeNotFound {
							t.Errorf("GetUser after delete: %v; want not found", err)
						}
						return nil
					}
				},
			},
			{
				name:    "resetting a password is not refused as stale and lifts the lock",
				audit:   []string{"user.password_reset"},
				reports: []string{"user.password_reset"},
				prepare: func(t *testing.T, w *world, rs *rerunStore) func() error {
					u := w.addUser(t, domain.RoleSales, "Forgetful")
					until := w.Clock.Now().Add(time.Hour)
					setLoginState(t, u.ID, 0, &until)
					return func() error {
						if err := users.ResetPassword(ctx, manager, u.ID, "another long passphrase"); err != nil {
							return err
						}
						if got := w.user(t, u.ID); got.Version != u.Version+1 || got.PasswordHash == u.PasswordHash {
							t.Errorf("after reset v%d, hash changed %t; want v%d, changed", got.Version, got.PasswordHash != u.PasswordHash, u.Version+1)
						}
						wantLoginState(t, u.ID, 0, nil)
						return nil
					}
				},
			},
			{
				name:  "changing one's own password",
				audit: []string{"user.password_change"},
				prepare: func(t *testing.T, w *world, rs *rerunStore) func() error {
					u := w.addUser(t, domain.RoleSupport, "Careful")
					return func() error {
						if err := authn.ChangePassword(ctx, w.actor(u), testPassword, "a brand new passphrase"); err != nil {
							return err
						}
						if got := w.user(t, u.ID); got.Version != u.Version+1 {
							t.Errorf("after change v%d; want v%d", got.Version, u.Version+1)
						}
						return nil
					}
				},
			},
			{
				name:  "logging in clears the failures and opens one session",
				audit: []string{"login"},
				prepare: func(t *testing.T, w *world, rs *rerunStore) func() error {
					u := w.addUser(t, domain.RoleSales, "Logs In")
					setLoginState(t, u.ID, 2, nil)
					return func() error {
						_, a, err := authn.Login(ctx, u.Email, testPassword)
						if err != nil {
							return err
						}
						if a.ID != u.ID || a.FailedLogins != 0 || a.SessionID == "" {
							t.Errorf("actor %d, %d failures, session %q; want %d, 0, a session", a.ID, a.FailedLogins, a.SessionID, u.ID)
						}
						if _, err := w.DB.GetSession(ctx, a.SessionID); err != nil {
							t.Errorf("GetSession: %v", err)
						}
						wantLoginState(t, u.ID, 0, nil)
						return nil
					}
				},
			},
			{
				name:    "a wrong password counts once",
				audit:   []string{"login.failed"},
				reports: []string{"login.failed"},
				prepare: func(t *testing.T, w *world, rs *rerunStore) func() error {
					u := w.addUser(t, domain.RoleSales, "Mistypes")
					setLoginState(t, u.ID, 2, nil)
					return func() error {
						_, _, err := authn.Login(ctx, u.Email, "not the password")
						if code(err) != domain.CodeUnauthenticated || errors.As(err, new(*service.LockedError)) {
							t.Errorf("Login: %v; want invalid email or password", err)
						}
						wantLoginState(t, u.ID, 3, nil)
						return nil
					}
				},
			},
			{
				name:    "the fifth wrong password locks the account",
				audit:   []string{"login.locked locked_until"},
				reports: []string{"login.failed", "login.locked"},
				prepare: func(t *testing.T, w *world, rs *rerunStore) func() error {
					u := w.addUser(t, domain.RoleSales, "Locks Out")
					setLoginState(t, u.ID, service.MaxFailedLogins-1, nil)
					until := w.Clock.Now().Add(service.LockDuration)
					return func() error {
						_, _, err := authn.Login(ctx, u.Email, "not the password")
						var le *service.LockedError
						if !errors.As(err, &le) || !le.Until.Equal(until) {
							t.Errorf("Login: %v; want locked until %s", err, until)
						}
						wantLoginState(t, u.ID, 0, &until)
						return nil
					}
				},
			},
			{
				name:    "a wrong password after the count was reset meanwhile is the first again, not a lock",
				audit:   []string{"login.failed"},
				reports: []string{"login.failed"},
				prepare: func(t *testing.T, w *world, rs *rerunStore) func() error {
					u := w.addUser(t, domain.RoleSales, "Reset Meanwhile")
					setLoginState(t, u.ID, service.MaxFailedLogins-1, nil)
					rs.Meanwhile(func(ctx context.Context) error { return w.DB.SetLoginState(ctx, u.ID, 0, nil) })
					return func() error {
						_, _, err := authn.Login(ctx, u.Email, "not the password")
						if code(err) != domain.CodeUnauthenticated || errors.As(err, new(*service.LockedError)) {
							t.Errorf("Login: %v; want invalid email or password", err)
						}
						wantLoginState(t, u.ID, 1, nil)
						return nil
					}
				},
			},
			{
				name:    "a wrong password after another terminal locked the account meanwhile leaves that lock as it is",
				reports: []string{"login.failed"},
				prepare: func(t *testing.T, w *world, rs *rerunStore) func() error {
					u := w.addUser(t, domain.RoleSales, "Locked Meanwhile")
					setLoginState(t, u.ID, service.MaxFailedLogins-1, nil)
					theirs := w.Clock.Now().Add(service.LockDuration - time.Minute)
					rs.Meanwhile(func(ctx context.Context) error { return w.DB.SetLoginState(ctx, u.ID, 0, &theirs) })
					return func() error {
						_, _, err := authn.Login(ctx, u.Email, "not the password")
						var le *service.LockedError
						if !errors.As(err, &le) || !le.Until.Equal(theirs) {
							t.Errorf("Login: %v; want locked until %s", err, theirs)
						}
						wantLoginState(t, u.ID, 0, &theirs)
						return nil
					}
				},
			},
			{
				name:  "creating a customer stamps the run that commits",
				audit: []string{"customer.create full_name,email,phone,company_name,sales_contact"},
				prepare: func(t *testing.T, w *world, rs *rerunStore) func() error {
					return func() error {
						c, err := customers.Create(ctx, salesA, service.CustomerInput{
							FullName: "Claire Client", Email: "claire@client.example.com", Phone: "+33 6 00 00 00 01", CompanyName: "Client SA",
						})
						if err != nil {
							return err
						}
						stored, err := w.DB.GetCustomer(ctx, c.ID)
						if err != nil {
							t.Fatalf("GetCustomer: %v", err)
						}
						if !c.CreatedAt.Equal(w.Clock.Now()) || !stored.CreatedAt.Equal(c.CreatedAt) || c.Version != 1 {
							t.Errorf("created v%d at %s, stored at %s; want v1 at %s", c.Version, c.CreatedAt, stored.CreatedAt, w.Clock.Now())
						}
						return nil
					}
				},
			},
			{
				name:  "updating a customer",
				audit: []string{"customer.update phone"},
				prepare: func(t *testing.T, w *world, rs *rerunStore) func() error {
					c := w.addCustomer(t, w.SalesA, "Paul Phone")
					phone := "+33 6 99 99 99 99"
					return func() error {
						got, err := customers.Update(ctx, salesA, c.ID, c.Version, service.CustomerPatch{Phone: &phone})
						if err == nil && got.Version != c.Version+1 {
							t.Errorf("v%d; want v%d", got.Version, c.Version+1)
						}
						return err
					}
				},
			},
			{
				name:  "reassigning a customer",
				audit: []string{"customer.reassign sales_contact"},
				prepare: func(t *testing.T, w *world, rs *rerunStore) func() error {
					c := w.addCustomer(t, w.SalesA, "Moving Customer")
					return func() error {
						got, err := customers.Reassign(ctx, manager, c.ID, w.SalesB.ID)
						if err == nil && got.SalesContactID != w.SalesB.ID {
							t.Errorf("sales contact %d; want %d", got.SalesContactID, w.SalesB.ID)
						}
						return err
					}
				},
			},
			{
				name:  "creating a contract",
				audit: []string{"contract.create customer,total_amount,status"},
				prepare: func(t *testing.T, w *world, rs *rerunStore) func() error {
					c := w.addCustomer(t, w.SalesA, "Contract Customer")
					return func() error {
						k, err := contracts.Create(ctx, manager, c.ID, 500000)
						if err == nil && (k.AmountDue != 500000 || k.Version != 1) {
							t.Errorf("due %s v%d; want 5000.00 v1", k.AmountDue.Plain(), k.Version)
						}
						return err
					}
				},
			},
			{
				name:  "changing a contract's total",
				audit: []string{"contract.update total_amount,amount_due"},
				prepare: func(t *testing.T, w *world, rs *rerunStore) func() error {
					k := w.addContract(t, w.addCustomer(t, w.SalesA, "Total Customer"), 100000, domain.ContractDraft)
					return func() error {
						got, err := contracts.UpdateTotal(ctx, salesA, k.ID, k.Version, 150000)
						if err == nil && (got.TotalAmount != 150000 || got.AmountDue != 150000) {
							t.Errorf("total %s due %s; want 1500.00 both", got.TotalAmount.Plain(), got.AmountDue.Plain())
						}
						return err
					}
				},
			},
			{
				name:  "recording a payment records it once",
				audit: []string{"contract.payment payment,amount_due"},
				prepare: func(t *testing.T, w *world, rs *rerunStore) func() error {
					k := w.addContract(t, w.addCustomer(t, w.SalesA, "Paying Customer"), 100000, domain.ContractSigned)
					return func() error {
						got, _, err := contracts.RecordPayment(ctx, salesA, k.ID, 30000, time.Time{})
						if err != nil {
							return err
						}
						paid, perr := w.DB.PaidTotal(ctx, k.ID)
						if perr != nil {
							t.Fatalf("PaidTotal: %v", perr)
						}
						if paid != 30000 || got.AmountDue != 70000 {
							t.Errorf("paid %s, due %s; want 300.00 paid, 700.00 due", paid.Plain(), got.AmountDue.Plain())
						}
						return nil
					}
				},
			},
			{
				name:    "signing a contract",
				audit:   []string{"contract.sign status,signed_at"},
				reports: []string{"contract.sign"},
				prepare: func(t *testing.T, w *world, rs *rerunStore) func() error {
					k := w.addContract(t, w.addCustomer(t, w.SalesA, "Signing Customer"), 100000, domain.ContractDraft)
					return func() error {
						got, err := contracts.Sign(ctx, salesA, k.ID)
						if err == nil && (got.SignedAt == nil || !got.SignedAt.Equal(w.Clock.Now())) {
							t.Errorf("signed at %s; want %s", fmtTime(got.SignedAt), w.Clock.Now())
						}
						return err
					}
				},
			},
			{
				name:  "cancelling a contract",
				audit: []string{"contract.cancel status"},
				prepare: func(t *testing.T, w *world, rs *rerunStore) func() error {
					k := w.addContract(t, w.addCustomer(t, w.SalesA, "Cancelling Customer"), 100000, domain.ContractDraft)
					return func() error {
						got, err := contracts.Cancel(ctx, manager, k.ID)
						if err == nil && got.Status != domain.ContractCancelled {
							t.Errorf("status %s; want cancelled", got.Status)
						}
						return err
					}
				},
			},
			{
				name:  "creating an event",
				audit: []string{"event.create contract,name,start_at,end_at,location,attendees"},
				prepare: func(t *testing.T, w *world, rs *rerunStore) func() error {
					k := w.addContract(t, w.addCustomer(t, w.SalesA, "Event Customer"), 100000, domain.ContractSigned)
					return func() error {
						e, err := events.Create(ctx, salesA, k.ID, service.EventInput{
							Name: "Gala", StartAt: eventStart, EndAt: eventStart.Add(3 * time.Hour), Location: "Lyon", Attendees: 80,
						})
						if err == nil && (e.Version != 1 || e.ContractID != k.ID) {
							t.Errorf("event v%d of contract %d; want v1 of %d", e.Version, e.ContractID, k.ID)
						}
						return err
					}
				},
			},
			{
				name:  "updating an event",
				audit: []string{"event.update location"},
				prepare: func(t *testing.T, w *world, rs *rerunStore) func() error {
					k := w.addContract(t, w.addCustomer(t, w.SalesA, "Update Event Customer"), 100000, domain.ContractSigned)
					e := w.addEvent(t, k, "Seminar", eventStart, &w.SupportA)
					where := "Bordeaux"
					return func() error {
						got, warnings, err := events.Update(ctx, supportA, e.ID, e.Version, service.EventPatch{Location: &where})
						if err == nil && (got.Location != where || got.Version != e.Version+1 || len(warnings) != 0) {
							t.Errorf("%q v%d, warnings %q; want %q v%d, none", got.Location, got.Version, warnings, where, e.Version+1)
						}
						return err
					}
				},
			},
			{
				name:  "assigning support to an event",
				audit: []string{"event.assign support_contact"},
				prepare: func(t *testing.T, w *world, rs *rerunStore) func() error {
					k := w.addContract(t, w.addCustomer(t, w.SalesA, "Assign Customer"), 100000, domain.ContractSigned)
					e := w.addEvent(t, k, "Unstaffed", eventStart.Add(24*time.Hour), nil)
					return func() error {
						got, _, err := events.Assign(ctx, manager, e.ID, w.SupportB.ID)
						if err == nil && fmtID(got.SupportContactID) != fmtID(&w.SupportB.ID) {
							t.Errorf("support %s; want %d", fmtID(got.SupportContactID), w.SupportB.ID)
						}
						return err
					}
				},
			},
			{
				name:  "removing an event's support",
				audit: []string{"event.unassign support_contact"},
				prepare: func(t *testing.T, w *world, rs *rerunStore) func() error {
					k := w.addContract(t, w.addCustomer(t, w.SalesA, "Unassign Customer"), 100000, domain.ContractSigned)
					e := w.addEvent(t, k, "Staffed", eventStart.Add(48*time.Hour), &w.SupportB)
					return func() error {
						got, err := events.Unassign(ctx, manager, e.ID)
						if err == nil && got.SupportContactID != nil {
							t.Errorf("support %s; want none", fmtID(got.SupportContactID))
						}
						return err
					}
				},
			},
			// Last: the number it generates is the next one addUser would take.
			{
				name:    "creating a collaborator stamps the run that commits and generates one number",
				audit:   []string{"user.create employee_number,full_name,email,role,active"},
				reports: []string{"user.create"},
				prepare: func(t *testing.T, w *world, rs *rerunStore) func() error {
					return func() error {
						u, err := users.Create(ctx, manager, service.NewUser{
							FullName: "Nina Nouvelle", Email: "nina@staff.example.com", Role: domain.RoleSales, Password: "a long enough passphrase",
						})
						if err != nil {
							return err
						}
						stored := w.user(t, u.ID)
						if !u.CreatedAt.Equal(w.Clock.Now()) || u.EmployeeNumber != stored.EmployeeNumber || u.Version != 1 {
							t.Errorf("created %s v%d at %s; want the stored number %s, v1, at %s",
								u.EmployeeNumber, u.Version, u.CreatedAt, stored.EmployeeNumber, w.Clock.Now())
						}
						return nil
					}
				},
			},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				call := tc.prepare(t, w, rs)
				before, reruns := len(w.audit(t)), rs.Reruns()
				w.Reporter.Reset()
				if err := call(); err != nil {
					t.Fatalf("call run twice: %v", err)
				}
				if rs.Reruns() == reruns {
					t.Fatal("the call ran no transaction twice: the test proves nothing")
				}
				all := w.audit(t)
				added := all[:len(all)-before] // newest first
				var got []string
				for i := len(added) - 1; i >= 0; i-- {
					got = append(got, auditLine(t, added[i]))
				}
				if !slices.Equal(got, tc.audit) {
					t.Errorf("audit rows added:\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tc.audit, "\n  "))
				}
				if got := w.Reporter.Events(); !slices.Equal(got, tc.reports) {
					t.Errorf("reported %q; want %q", got, tc.reports)
				}
				if errs := w.Reporter.Errors(); len(errs) > 0 {
					t.Errorf("internal errors reported: %v", errs)
				}
			})
		}
	})
}

// auditLine is "action field,field" for an audit row, failing t when a field
// appears twice.
func auditLine(t *testing.T, e domain.AuditEntry) string {
	t.Helper()
	fields := make([]string, 0, len(e.Changes))
	for _, c := range e.Changes {
		if slices.Contains(fields, c.Field) {
			t.Errorf("audit row %s names %s twice: %+v", e.Action, c.Field, e.Changes)
		}
		fields = append(fields, c.Field)
	}
	if len(fields) == 0 {
		return e.Action
	}
	return e.Action + " " + strings.Join(fields, ",")
}
