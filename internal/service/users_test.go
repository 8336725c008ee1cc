package service_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
)

func (w *world) users() *service.Users { return service.NewUsers(w.Deps(), w.Hasher) }

// denied asserts that call is refused with the code want and leaves the database as it was.
func (w *world) denied(t *testing.T, want domain.Code, call func() error) {
	t.Helper()
	before := w.snapshot(t)
	err := call()
	if code(err) != want {
		t.Fatalf("got %v (%s), want %s", err, code(err), want)
	}
	w.assertUnchanged(t, before)
}

func fieldError(err error, field string) string {
	var de *domain.Error
	if errors.As(err, &de) && de.Code == domain.CodeInvalid {
		return de.Fields[field]
	}
	return ""
}

func TestUsersCreate(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		users := w.users()
		manager := w.actor(w.Manager)
		valid := service.NewUser{FullName: "Jean-Pierre Léger", Email: " JP.Leger@Staff.Example.com ", Role: domain.RoleSupport, Password: "a long enough password"}

		t.Run("management creates an active collaborator with the next employee number", func(t *testing.T) {
			u, err := users.Create(ctx, manager, valid)
			if err != nil {
				t.Fatalf("Create: %v", err)
			}
			if !regexp.MustCompile(`^EE-\d{4,}$`).MatchString(u.EmployeeNumber) || u.FullName != "Jean-Pierre Léger" ||
				u.Email != "jp.leger@staff.example.com" || u.Role != domain.RoleSupport || !u.Active || u.ID == 0 {
				t.Fatalf("created %+v", u)
			}
			if u.PasswordHash != "" {
				t.Error("Create returned the password hash")
			}
			stored := w.user(t, u.ID)
			if ok, err := w.Hasher.Verify(valid.Password, stored.PasswordHash); !ok || err != nil {
				t.Fatalf("the stored hash does not verify the initial password (%v)", err)
			}
			e := w.lastAudit(t)
			if e.Action != "user.create" || e.EntityID != u.ID || *e.ActorID != w.Manager.ID || e.ActorEmail != w.Manager.Email {
				t.Fatalf("audit = %+v", e)
			}
			want := map[string]string{"employee_number": u.EmployeeNumber, "full_name": u.FullName, "email": u.Email, "role": "support", "active": "true"}
			for _, c := range e.Changes {
				if want[c.Field] != c.New || c.Old != "" {
					t.Errorf("audit change %+v", c)
				}
				delete(want, c.Field)
			}
			if len(want) > 0 {
				t.Errorf("audit misses %v", want)
			}
			assertNoSecret(t, e, stored.PasswordHash, valid.Password)
			if ev, ok := w.Reporter.Last("user.create"); !ok || ev.ActorID != w.Manager.ID || ev.Data["role"] != "support" {
				t.Errorf("reported %+v", w.Reporter.Events())
			}
		})

		t.Run("a given employee number is kept", func(t *testing.T) {
			in := valid
			in.Email, in.EmployeeNumber = "given.number@staff.example.com", "EE-0777"
			u, err := users.Create(ctx, manager, in)
			if err != nil || u.EmployeeNumber != "EE-0777" {
				t.Fatalf("Create = %+v, %v; want EE-0777", u, err)
			}
		})

		t.Run("managers creating collaborators at once get distinct employee numbers", func(t *testing.T) {
			const n = 4
			var wg sync.WaitGroup
			created := make([]domain.Collaborator, n)
			errs := make([]error, n)
			for i := range n {
				wg.Go(func() {
					in := valid
					in.Email = fmt.Sprintf("at.once.%d@staff.example.com", i)
					created[i], errs[i] = users.Create(ctx, manager, in)
				})
			}
			wg.Wait()
			seen := map[string]bool{}
			for i := range n {
				if errs[i] != nil {
					t.Fatalf("Create #%d: %v", i, errs[i])
				}
				if seen[created[i].EmployeeNumber] {
					t.Fatalf("employee number %s given twice", created[i].EmployeeNumber)
				}
				seen[created[i].EmployeeNumber] = true
			}
		})

		invalid := []struct {
			name  string
			edit  func(*service.NewUser)
			field string
		}{
			{"an empty name", func(u *service.NewUser) { u.FullName = "  " }, "full_name"},
			{"a malformed email", func(u *service.NewUser) { u.Email = "Jean <jp@example.com>" }, "email"},
			{"an unknown role", func(u *service.NewUser) { u.Role = "admin" }, "role"},
			{"a malformed employee number", func(u *service.NewUser) { u.EmployeeNumber = "42" }, "employee_number"},
			{"a short password", func(u *service.NewUser) { u.Password = "short" }, "password"},
			{"the email as password", func(u *service.NewUser) { u.Email, u.Password = "long.address@example.com", "long.address@example.com" }, "password"},
		}
		for _, tt := range invalid {
			t.Run("refuses "+tt.name+" and writes nothing", func(t *testing.T) {
				in := valid
				in.Email = "someone.new@staff.example.com"
				tt.edit(&in)
				w.denied(t, domain.CodeInvalid, func() error {
					_, err := users.Create(ctx, manager, in)
					if fieldError(err, tt.field) == "" {
						t.Errorf("error %v does not name %s", err, tt.field)
					}
					return err
				})
			})
		}

		t.Run("refuses an email already used, in any letter case", func(t *testing.T) {
			in := valid
			in.Email = strings.ToUpper(w.SalesA.Email)
			w.denied(t, domain.CodeConflict, func() error { _, err := users.Create(ctx, manager, in); return err })
		})

		for _, who := range []struct {
			name  string
			actor service.Actor
			want  domain.Code
		}{
			{"sales", w.actor(w.SalesA), domain.CodeForbidden},
			{"support", w.actor(w.SupportA), domain.CodeForbidden},
			{"someone not logged in", service.Actor{Collaborator: w.Manager}, domain.CodeUnauthenticated},
		} {
			t.Run(who.name+" may not create collaborators", func(t *testing.T) {
				in := valid
				in.Email = "not.created@staff.example.com"
				w.denied(t, who.want, func() error { _, err := users.Create(ctx, who.actor, in); return err })
			})
		}
	})
}

func TestUsersUpdate(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		users := w.users()
		manager := w.actor(w.Manager)

		t.Run("management changes name, email and role, audited field by field", func(t *testing.T) {
			u := w.addUser(t, domain.RoleSupport, "Old Name")
			w.Reporter.Reset()
			got, err := users.Update(ctx, manager, u.ID, service.UserChanges{
				FullName: "New Name", Email: "New.Address@Staff.Example.com", Role: domain.RoleSales, Version: u.Version,
			})
			if err != nil {
				t.Fatalf("Update: %v", err)
			}
			if got.FullName != "New Name" || got.Email != "new.address@staff.example.com" || got.Role != domain.RoleSales || got.Version == u.Version {
				t.Fatalf("updated %+v", got)
			}
			e := w.lastAudit(t)
			want := []domain.Change{
				{Field: "full_name", Old: "Old Name", New: "New Name"},
				{Field: "email", Old: u.Email, New: "new.address@staff.example.com"},
				{Field: "role", Old: "support", New: "sales"},
			}
			if e.Action != "user.update" || e.EntityID != u.ID || len(e.Changes) != len(want) {
				t.Fatalf("audit = %+v, want %v", e, want)
			}
			for i := range want {
				if e.Changes[i] != want[i] {
					t.Errorf("change %d = %+v, want %+v", i, e.Changes[i], want[i])
				}
			}
			ev, ok := w.Reporter.Last("user.update")
			if !ok || ev.Data["fields"] != "full_name,email,role" {
				t.Errorf("reported %+v", ev)
			}
		})

		t.Run("an update that changes nothing writes nothing", func(t *testing.T) {
			u := w.user(t, w.SupportB.ID)
			w.denied(t, "", func() error {
				_, err := users.Update(ctx, manager, u.ID, service.UserChanges{FullName: u.FullName, Version: u.Version})
				return err
			})
		})

		t.Run("a stale version is refused", func(t *testing.T) {
			u := w.user(t, w.SupportB.ID)
			w.denied(t, domain.CodeConflict, func() error {
				_, err := users.Update(ctx, manager, u.ID, service.UserChanges{FullName: "Someone Else", Version: u.Version - 1})
				return err
			})
		})

		t.Run("a manager may not remove their own management role", func(t *testing.T) {
			m := w.user(t, w.Manager.ID)
			w.denied(t, domain.CodeInvalid, func() error {
				_, err := users.Update(ctx, manager, m.ID, service.UserChanges{Role: domain.RoleSales, Version: m.Version})
				if !strings.Contains(fieldError(err, "role"), "your own management role") {
					t.Errorf("error %v does not say why", err)
				}
				return err
			})
		})

		t.Run("a sales collaborator who still looks after customers keeps their role", func(t *testing.T) {
			owner := w.addUser(t, domain.RoleSales, "Busy Sales")
			w.addCustomer(t, owner, "Kept Customer")
			w.denied(t, domain.CodeConflict, func() error {
				_, err := users.Update(ctx, manager, owner.ID, service.UserChanges{Role: domain.RoleSupport, Version: owner.Version})
				if err == nil || !strings.Contains(err.Error(), "Kept Customer") {
					t.Errorf("error %v does not list the customer", err)
				}
				return err
			})
		})

		t.Run("an email taken by someone else is refused", func(t *testing.T) {
			u := w.user(t, w.SupportB.ID)
			w.denied(t, domain.CodeConflict, func() error {
				_, err := users.Update(ctx, manager, u.ID, service.UserChanges{Email: strings.ToUpper(w.SupportA.Email), Version: u.Version})
				return err
			})
		})

		for _, who := range []struct {
			name  string
			actor service.Actor
		}{{"sales", w.actor(w.SalesA)}, {"support", w.actor(w.SupportA)}} {
			t.Run(who.name+" may not update collaborators, not even themselves", func(t *testing.T) {
				self := w.user(t, who.actor.ID)
				w.denied(t, domain.CodeForbidden, func() error {
					_, err := users.Update(ctx, who.actor, self.ID, service.UserChanges{Role: domain.RoleManagement, Version: self.Version})
					return err
				})
			})
		}
	})
}

func TestUsersDeactivateReactivate(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		users := w.users()
		a := w.auth(t)
		manager := w.actor(w.Manager)
		u := w.addUser(t, domain.RoleSales, "Leaving Soon")
		one, sessionOne := w.login(t, a, u)
		two, sessionTwo := w.login(t, a, u)

		t.Run("deactivation ends every open session at once and stops logins", func(t *testing.T) {
			got, err := users.Deactivate(ctx, manager, u.ID)
			if err != nil || got.Active {
				t.Fatalf("Deactivate = %+v, %v", got, err)
			}
			for _, token := range []string{one, two} {
				if _, err := a.Authenticate(ctx, token); code(err) != domain.CodeUnauthenticated {
					t.Errorf("a session survived the deactivation: %v", err)
				}
			}
			for _, sid := range []string{sessionOne.SessionID, sessionTwo.SessionID} {
				if s, err := w.DB.GetSession(ctx, sid); err != nil || s.RevokedAt == nil {
					t.Errorf("session %+v not revoked (%v)", s, err)
				}
			}
			if _, _, err := a.Login(ctx, u.Email, testPassword); err == nil || err.Error() != badCredentials {
				t.Errorf("Login after deactivation = %v, want %q", err, badCredentials)
			}
			e := w.lastAudit(t)
			if e.Action != "user.deactivate" || e.EntityID != u.ID || len(e.Changes) != 1 || e.Changes[0] != (domain.Change{Field: "active", Old: "true", New: "false"}) {
				t.Errorf("audit = %+v", e)
			}
			if _, ok := w.Reporter.Last("user.deactivate"); !ok {
				t.Errorf("reported %v, want user.deactivate", w.Reporter.Events())
			}
		})

		t.Run("deactivating again changes nothing", func(t *testing.T) {
			w.denied(t, "", func() error { _, err := users.Deactivate(ctx, manager, u.ID); return err })
		})

		t.Run("reactivation lets them log in again", func(t *testing.T) {
			got, err := users.Reactivate(ctx, manager, u.ID)
			if err != nil || !got.Active {
				t.Fatalf("Reactivate = %+v, %v", got, err)
			}
			w.login(t, a, u)
			if _, err := a.Authenticate(ctx, one); code(err) != domain.CodeUnauthenticated {
				t.Errorf("a session ended by the deactivation came back: %v", err)
			}
			if _, ok := w.Reporter.Last("user.reactivate"); !ok {
				t.Errorf("reported %v, want user.reactivate", w.Reporter.Events())
			}
		})

		t.Run("a manager may not deactivate themselves", func(t *testing.T) {
			w.denied(t, domain.CodeForbidden, func() error { _, err := users.Deactivate(ctx, manager, w.Manager.ID); return err })
		})

		t.Run("an unknown collaborator is not found", func(t *testing.T) {
			w.denied(t, domain.CodeNotFound, func() error { _, err := users.Deactivate(ctx, manager, 987654); return err })
		})

		for _, who := range []struct {
			name  string
			actor service.Actor
		}{{"sales", w.actor(w.SalesA)}, {"support", w.actor(w.SupportA)}} {
			t.Run(who.name+" may not deactivate or reactivate", func(t *testing.T) {
				w.denied(t, domain.CodeForbidden, func() error { _, err := users.Deactivate(ctx, who.actor, w.SalesB.ID); return err })
				w.denied(t, domain.CodeForbidden, func() error { _, err := users.Reactivate(ctx, who.actor, w.Inactive.ID); return err })
			})
		}
	})
}

func TestUsersDelete(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		users := w.users()
		manager := w.actor(w.Manager)

		t.Run("refused while they hold customers or events, with the list", func(t *testing.T) {
			c1 := w.addCustomer(t, w.SalesA, "Alpha Corp")
			w.addCustomer(t, w.SalesA, "Beta Ltd")
			k := w.addContract(t, c1, 500000, domain.ContractSigned)
			w.addEvent(t, k, "Spring Gala", t0.AddDate(0, 1, 0), &w.SupportA)

			cases := []struct {
				who  domain.Collaborator
				want []string
			}{
				{w.SalesA, []string{"still looks after 2 customers: ", "Alpha Corp", "Beta Ltd", "reassign them first or deactivate instead"}},
				{w.SupportA, []string{"still supports 1 event: Spring Gala", "reassign them first or deactivate instead"}},
			}
			for _, tt := range cases {
				w.denied(t, domain.CodeConflict, func() error {
					err := users.Delete(ctx, manager, tt.who.ID)
					for _, s := range tt.want {
						if err == nil || !strings.Contains(err.Error(), s) {
							t.Errorf("refusal %q does not say %q", err, s)
						}
					}
					return err
				})
			}
		})

		t.Run("one who holds nothing is deleted, and the trail remembers them", func(t *testing.T) {
			u := w.addUser(t, domain.RoleSupport, "Short Stay")
			if err := users.Delete(ctx, manager, u.ID); err != nil {
				t.Fatalf("Delete: %v", err)
			}
			if _, err := w.DB.GetUser(ctx, u.ID); code(err) != domain.CodeNotFound {
				t.Fatalf("GetUser after delete = %v", err)
			}
			e := w.lastAudit(t)
			if e.Action != "user.delete" || e.EntityID != u.ID {
				t.Fatalf("audit = %+v", e)
			}
			var remembered bool
			for _, c := range e.Changes {
				remembered = remembered || (c.Field == "email" && c.Old == u.Email)
			}
			if !remembered {
				t.Errorf("the audit forgot who was deleted: %+v", e.Changes)
			}
			assertNoSecret(t, e, u.PasswordHash, testPassword)
			if _, ok := w.Reporter.Last("user.delete"); !ok {
				t.Errorf("reported %v, want user.delete", w.Reporter.Events())
			}
		})

		t.Run("one who recorded payments is refused: the history keeps its author", func(t *testing.T) {
			recorder := w.addUser(t, domain.RoleManagement, "Payment Recorder")
			k := w.addContract(t, w.addCustomer(t, w.SalesB, "Paying Customer"), 100000, domain.ContractSigned)
			p := domain.Payment{ContractID: k.ID, Amount: 1000, ReceivedAt: t0, RecordedByID: recorder.ID}
			if err := w.DB.AddPayment(ctx, &p); err != nil {
				t.Fatal(err)
			}
			w.denied(t, domain.CodeConflict, func() error {
				err := users.Delete(ctx, manager, recorder.ID)
				if err == nil || !strings.Contains(err.Error(), "deactivate them instead") {
					t.Errorf("refusal %q does not offer deactivation", err)
				}
				return err
			})
		})

		t.Run("a manager may not delete themselves", func(t *testing.T) {
			w.denied(t, domain.CodeForbidden, func() error { return users.Delete(ctx, manager, w.Manager.ID) })
		})

		for _, who := range []struct {
			name  string
			actor service.Actor
		}{{"sales", w.actor(w.SalesB)}, {"support", w.actor(w.SupportB)}} {
			t.Run(who.name+" may not delete collaborators", func(t *testing.T) {
				w.denied(t, domain.CodeForbidden, func() error { return users.Delete(ctx, who.actor, w.Inactive.ID) })
			})
		}
	})
}

func TestUsersResetPassword(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		users := w.users()
		a := w.auth(t)
		manager := w.actor(w.Manager)
		u := w.addUser(t, domain.RoleSales, "Forgetful Sales")
		token, _ := w.login(t, a, u)
		for range service.MaxFailedLogins {
			_, _, _ = a.Login(ctx, u.Email, "wrong password!")
		}
		const fresh = "the password management set"

		t.Run("refuses a password against the policy", func(t *testing.T) {
			w.denied(t, domain.CodeInvalid, func() error { return users.ResetPassword(ctx, manager, u.ID, "short") })
		})

		for _, who := range []struct {
			name  string
			actor service.Actor
		}{{"sales", w.actor(w.SalesA)}, {"support", w.actor(w.SupportA)}} {
			t.Run(who.name+" may not reset a password", func(t *testing.T) {
				w.denied(t, domain.CodeForbidden, func() error { return users.ResetPassword(ctx, who.actor, u.ID, fresh) })
			})
		}

		t.Run("management sets a new password, which ends their sessions and lifts the lock", func(t *testing.T) {
			if err := users.ResetPassword(ctx, manager, u.ID, fresh); err != nil {
				t.Fatalf("ResetPassword: %v", err)
			}
			if _, err := a.Authenticate(ctx, token); code(err) != domain.CodeUnauthenticated {
				t.Errorf("a session survived the reset: %v", err)
			}
			if _, _, err := a.Login(ctx, u.Email, fresh); err != nil {
				t.Fatalf("Login with the new password: %v", err)
			}
			e := w.audit(t)[1] // the login came after the reset
			if e.Action != "user.password_reset" || e.EntityID != u.ID {
				t.Fatalf("audit = %+v", e)
			}
			assertNoSecret(t, e, w.user(t, u.ID).PasswordHash, fresh)
		})
	})
}

func TestUsersRead(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		users := w.users()
		a := w.auth(t)
		_, _, _ = a.Login(ctx, w.SalesB.Email, "wrong password!") // some login state to hide

		names := func(l domain.List[domain.Collaborator]) []string {
			var out []string
			for _, u := range l.Items {
				out = append(out, u.FullName)
				if u.PasswordHash != "" {
					t.Errorf("%s came back with the password hash", u.FullName)
				}
			}
			return out
		}

		t.Run("management sees every collaborator, the deactivated and the login state included", func(t *testing.T) {
			m := w.actor(w.Manager)
			l, err := users.List(ctx, m, domain.UserFilter{IncludeInactive: true})
			if err != nil || len(l.Items) != 6 {
				t.Fatalf("List = %v, %v; want the 6 world collaborators", names(l), err)
			}
			got, err := users.Get(ctx, m, w.Inactive.ID)
			if err != nil || got.Active {
				t.Fatalf("Get(inactive) = %+v, %v", got, err)
			}
			b, err := users.GetByEmail(ctx, m, strings.ToUpper(w.SalesB.Email))
			if err != nil || b.FailedLogins != 1 || b.PasswordHash != "" {
				t.Fatalf("GetByEmail = %+v, %v; want Bruno with his failed login and no hash", b, err)
			}
		})

		for _, who := range []domain.Collaborator{w.SalesA, w.SupportA} {
			t.Run(string(who.Role)+" sees the active collaborators only, for pick lists", func(t *testing.T) {
				actor := w.actor(who)
				l, err := users.List(ctx, actor, domain.UserFilter{IncludeInactive: true, OnlyInactive: true})
				if err != nil || len(l.Items) != 5 {
					t.Fatalf("List = %v, %v; want the 5 active collaborators", names(l), err)
				}
				for _, u := range l.Items {
					if !u.Active || u.FailedLogins != 0 {
						t.Errorf("%s sees %+v", who.Role, u)
					}
				}
				supports, err := users.List(ctx, actor, domain.UserFilter{Role: domain.RoleSupport})
				if err != nil || len(supports.Items) != 2 {
					t.Fatalf("List(support) = %v, %v", names(supports), err)
				}
				if _, err := users.Get(ctx, actor, w.Inactive.ID); code(err) != domain.CodeNotFound {
					t.Errorf("Get(inactive) = %v, want not found", err)
				}
				if b, err := users.Get(ctx, actor, w.SalesB.ID); err != nil || b.FailedLogins != 0 {
					t.Errorf("Get(active) = %+v, %v; want Bruno without his login state", b, err)
				}
			})
		}

		t.Run("someone not logged in reads nothing", func(t *testing.T) {
			if _, err := users.List(ctx, service.Actor{}, domain.UserFilter{}); code(err) != domain.CodeUnauthenticated {
				t.Fatalf("List = %v", err)
			}
		})
	})
}
