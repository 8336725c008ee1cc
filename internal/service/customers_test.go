package service_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
)

func (w *world) customers() *service.Customers { return service.NewCustomers(w.Deps()) }

// ptr returns a pointer to v, for the optional fields of a patch.
func ptr[T any](v T) *T { return &v }

// changesOf maps an audit entry's changes by field.
func changesOf(e domain.AuditEntry) map[string]domain.Change {
	m := make(map[string]domain.Change, len(e.Changes))
	for _, c := range e.Changes {
		m[c.Field] = c
	}
	return m
}

// staffRef is how the audit trail names a collaborator.
func staffRef(c domain.Collaborator) string { return fmt.Sprintf("%s (#%d)", c.FullName, c.ID) }

// assertAudit checks the newest audit entry: who did what to which record, and
// that it records exactly the fields of want, with their old and new values.
func (w *world) assertAudit(t *testing.T, actor domain.Collaborator, action, entity string, id domain.ID, want map[string][2]string) {
	t.Helper()
	e := w.lastAudit(t)
	if e.Action != action || e.Entity != entity || e.EntityID != id || e.ActorID == nil || *e.ActorID != actor.ID || e.ActorEmail != actor.Email {
		t.Fatalf("audit = %+v, want %s on %s %d by %d", e, action, entity, id, actor.ID)
	}
	got := changesOf(e)
	for field, v := range want {
		c, ok := got[field]
		if !ok {
			t.Errorf("audit %s misses field %s", action, field)
			continue
		}
		if c.Old != v[0] || c.New != v[1] {
			t.Errorf("audit %s field %s: %q -> %q, want %q -> %q", action, field, c.Old, c.New, v[0], v[1])
		}
	}
	for field := range got {
		if _, ok := want[field]; !ok {
			t.Errorf("audit %s has unexpected field %s: %+v", action, field, got[field])
		}
	}
}

func TestCustomersCreate(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		svc := w.customers()
		valid := service.CustomerInput{
			FullName: "  Jean-Pierre de la Tour ", Email: " JP.Tour@Example.COM ",
			Phone: "+33 (0)6 12-34.56.78", CompanyName: "la Tour SAS",
		}

		t.Run("sales creates a customer they then look after", func(t *testing.T) {
			c, err := svc.Create(ctx, w.actor(w.SalesA), valid)
			if err != nil {
				t.Fatalf("Create: %v", err)
			}
			if c.ID == 0 || c.SalesContactID != w.SalesA.ID || c.SalesContactName != w.SalesA.FullName {
				t.Fatalf("created %+v", c)
			}
			stored, err := svc.Get(ctx, w.actor(w.SupportA), c.ID)
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			if stored.FullName != "Jean-Pierre de la Tour" || stored.Email != "jp.tour@example.com" ||
				stored.CompanyName != "la Tour SAS" || stored.SalesContactID != w.SalesA.ID {
				t.Fatalf("stored %+v: the name must be trimmed but not re-cased, the email lower-cased", stored)
			}
			w.assertAudit(t, w.SalesA, "customer.create", "customer", c.ID, map[string][2]string{
				"full_name":     {"", "Jean-Pierre de la Tour"},
				"email":         {"", "jp.tour@example.com"},
				"phone":         {"", "+33 (0)6 12-34.56.78"},
				"company_name":  {"", "la Tour SAS"},
				"sales_contact": {"", staffRef(w.SalesA)},
			})
		})

		t.Run("the same email in other letters is a conflict", func(t *testing.T) {
			in := valid
			in.Email = "jp.TOUR@example.com"
			w.denied(t, domain.CodeConflict, func() error { _, err := svc.Create(ctx, w.actor(w.SalesB), in); return err })
		})

		for _, tc := range []struct {
			name  string
			actor func() service.Actor
			want  domain.Code
		}{
			{"management cannot create customers", func() service.Actor { return w.actor(w.Manager) }, domain.CodeForbidden},
			{"support cannot create customers", func() service.Actor { return w.actor(w.SupportA) }, domain.CodeForbidden},
			{"a deactivated sales collaborator cannot create customers", func() service.Actor { return w.actor(w.Inactive) }, domain.CodeForbidden},
			{"an actor who did not log in is refused", func() service.Actor { return service.Actor{Collaborator: w.SalesA} }, domain.CodeUnauthenticated},
		} {
			t.Run(tc.name, func(t *testing.T) {
				in := valid
				in.Email = "someone.new@example.com"
				w.denied(t, tc.want, func() error { _, err := svc.Create(ctx, tc.actor(), in); return err })
			})
		}

		for _, tc := range []struct {
			name  string
			edit  func(*service.CustomerInput)
			field string
			rule  string
		}{
			{"an empty name is refused", func(in *service.CustomerInput) { in.FullName = "  " }, "full_name", "is required"},
			{"a name over 100 characters is refused", func(in *service.CustomerInput) { in.FullName = strings.Repeat("é", 101) }, "full_name", "at most 100"},
			{"an email with a display name is refused", func(in *service.CustomerInput) { in.Email = "Jean <jean@example.com>" }, "email", "name@example.com"},
			{"an email without a domain is refused", func(in *service.CustomerInput) { in.Email = "jean@localhost" }, "email", "name@example.com"},
			{"a phone with letters is refused", func(in *service.CustomerInput) { in.Phone = "06 CALL ME" }, "phone", "only digits"},
			{"a phone with too few digits is refused", func(in *service.CustomerInput) { in.Phone = "12 34" }, "phone", "6 to 20 digits"},
			{"a company over 100 characters is refused", func(in *service.CustomerInput) { in.CompanyName = strings.Repeat("x", 101) }, "company_name", "at most 100"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				in := valid
				in.Email = "fresh@example.com"
				tc.edit(&in)
				var err error
				w.denied(t, domain.CodeInvalid, func() error { _, err = svc.Create(ctx, w.actor(w.SalesA), in); return err })
				if rule := fieldError(err, tc.field); !strings.Contains(rule, tc.rule) {
					t.Fatalf("field %s: %q, want it to say %q (error %v)", tc.field, rule, tc.rule, err)
				}
			})
		}
	})
}

func TestCustomersUpdate(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		svc := w.customers()

		t.Run("the owner updates the fields given and the audit names each change", func(t *testing.T) {
			c := w.addCustomer(t, w.SalesA, "Claire Martin")
			w.Clock.Advance(time.Hour)
			got, err := svc.Update(ctx, w.actor(w.SalesA), c.ID, c.Version, service.CustomerPatch{
				Phone: ptr("01 23 45 67 89"), CompanyName: ptr("Martin & Fils"), FullName: ptr(c.FullName),
			})
			if err != nil {
				t.Fatalf("Update: %v", err)
			}
			if got.Phone != "01 23 45 67 89" || got.CompanyName != "Martin & Fils" || got.Email != c.Email || got.Version != c.Version+1 {
				t.Fatalf("updated %+v", got)
			}
			stored, _ := svc.Get(ctx, w.actor(w.Manager), c.ID)
			if stored.Phone != got.Phone || !stored.UpdatedAt.After(c.UpdatedAt) {
				t.Fatalf("stored %+v: the change must be saved and the last contact date move", stored)
			}
			w.assertAudit(t, w.SalesA, "customer.update", "customer", c.ID, map[string][2]string{
				"phone":        {c.Phone, "01 23 45 67 89"},
				"company_name": {c.CompanyName, "Martin & Fils"},
			})
		})

		t.Run("an email is lower-cased and a duplicate is a conflict", func(t *testing.T) {
			c := w.addCustomer(t, w.SalesA, "Denis Petit")
			other := w.addCustomer(t, w.SalesB, "Eva Grand")
			got, err := svc.Update(ctx, w.actor(w.SalesA), c.ID, c.Version, service.CustomerPatch{Email: ptr(" Denis.Petit@Example.com")})
			if err != nil || got.Email != "denis.petit@example.com" {
				t.Fatalf("Update = %+v, %v", got, err)
			}
			w.denied(t, domain.CodeConflict, func() error {
				_, err := svc.Update(ctx, w.actor(w.SalesA), c.ID, got.Version, service.CustomerPatch{Email: ptr(strings.ToUpper(other.Email))})
				return err
			})
		})

		t.Run("a patch that changes nothing writes nothing", func(t *testing.T) {
			c := w.addCustomer(t, w.SalesA, "Fanny Blanc")
			before := w.snapshot(t)
			if _, err := svc.Update(ctx, w.actor(w.SalesA), c.ID, c.Version, service.CustomerPatch{FullName: ptr(c.FullName)}); err != nil {
				t.Fatalf("Update: %v", err)
			}
			w.assertUnchanged(t, before)
		})

		t.Run("a stale version is a conflict that says someone else changed it", func(t *testing.T) {
			c := w.addCustomer(t, w.SalesA, "Gilles Noir")
			if _, err := svc.Update(ctx, w.actor(w.SalesA), c.ID, c.Version, service.CustomerPatch{Phone: ptr("0600000001")}); err != nil {
				t.Fatalf("first Update: %v", err)
			}
			var err error
			w.denied(t, domain.CodeConflict, func() error {
				_, err = svc.Update(ctx, w.actor(w.SalesA), c.ID, c.Version, service.CustomerPatch{Phone: ptr("0600000002")})
				return err
			})
			if !errors.Is(err, domain.ErrStale) || !strings.Contains(domain.ErrorMessage(err), "changed by someone else") {
				t.Fatalf("err = %v, want domain.ErrStale", err)
			}
		})

		t.Run("an invalid field is refused and named", func(t *testing.T) {
			c := w.addCustomer(t, w.SalesA, "Hugo Vert")
			var err error
			w.denied(t, domain.CodeInvalid, func() error {
				_, err = svc.Update(ctx, w.actor(w.SalesA), c.ID, c.Version, service.CustomerPatch{FullName: ptr(""), Phone: ptr("abc")})
				return err
			})
			if fieldError(err, "full_name") == "" || fieldError(err, "phone") == "" {
				t.Fatalf("err = %v, want full_name and phone named", err)
			}
		})

		for _, tc := range []struct {
			name  string
			actor func() domain.Collaborator
		}{
			{"sales cannot update another sales' customer", func() domain.Collaborator { return w.SalesB }},
			{"management cannot update customers", func() domain.Collaborator { return w.Manager }},
			{"support cannot update customers", func() domain.Collaborator { return w.SupportA }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				c := w.addCustomer(t, w.SalesA, "Iris Rose")
				w.denied(t, domain.CodeForbidden, func() error {
					// Invalid input too: the refusal must not depend on it, nor reveal it.
					_, err := svc.Update(ctx, w.actor(tc.actor()), c.ID, c.Version, service.CustomerPatch{Phone: ptr("x")})
					return err
				})
			})
		}

		t.Run("an unknown customer is not found", func(t *testing.T) {
			w.denied(t, domain.CodeNotFound, func() error {
				_, err := svc.Update(ctx, w.actor(w.SalesA), 987654, 1, service.CustomerPatch{Phone: ptr("0600000003")})
				return err
			})
		})
	})
}

func TestCustomersReassign(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		svc, contracts := w.customers(), w.contracts()
		manager := w.actor(w.Manager)

		t.Run("management reassigns a customer and its contracts follow", func(t *testing.T) {
			c := w.addCustomer(t, w.SalesA, "Julie Moreau")
			k1 := w.addContract(t, c, 100000, domain.ContractDraft)
			k2 := w.addContract(t, c, 250000, domain.ContractSigned)
			got, err := svc.Reassign(ctx, manager, c.ID, w.SalesB.ID)
			if err != nil {
				t.Fatalf("Reassign: %v", err)
			}
			if got.SalesContactID != w.SalesB.ID || got.SalesContactName != w.SalesB.FullName {
				t.Fatalf("reassigned %+v", got)
			}
			ids := func(owner domain.ID) map[domain.ID]bool {
				l, err := contracts.List(ctx, manager, domain.ContractFilter{SalesContactID: owner, CustomerID: c.ID})
				if err != nil {
					t.Fatalf("List: %v", err)
				}
				m := map[domain.ID]bool{}
				for _, k := range l.Items {
					m[k.ID] = true
				}
				return m
			}
			if b := ids(w.SalesB.ID); !b[k1.ID] || !b[k2.ID] {
				t.Errorf("the new sales contact's contracts = %v, want %d and %d", b, k1.ID, k2.ID)
			}
			if a := ids(w.SalesA.ID); len(a) != 0 {
				t.Errorf("the former sales contact still has %v", a)
			}
			w.assertAudit(t, w.Manager, "customer.reassign", "customer", c.ID, map[string][2]string{
				"sales_contact": {staffRef(w.SalesA), staffRef(w.SalesB)},
			})

			t.Run("then only the new sales contact may update it", func(t *testing.T) {
				w.denied(t, domain.CodeForbidden, func() error {
					_, err := svc.Update(ctx, w.actor(w.SalesA), c.ID, got.Version, service.CustomerPatch{Phone: ptr("0611111111")})
					return err
				})
				if _, err := svc.Update(ctx, w.actor(w.SalesB), c.ID, got.Version, service.CustomerPatch{Phone: ptr("0611111111")}); err != nil {
					t.Fatalf("the new owner's Update: %v", err)
				}
			})
		})

		deactivatedSupport := w.addUser(t, domain.RoleSupport, "Dora Gone")
		for _, tc := range []struct {
			name string
			to   func() domain.ID
		}{
			{"the target must be a sales collaborator, not support", func() domain.ID { return w.SupportA.ID }},
			{"the target must be a sales collaborator, not management", func() domain.ID { return w.Manager.ID }},
			{"the target must be active", func() domain.ID { return w.Inactive.ID }},
			{"the target must exist", func() domain.ID { return 987654 }},
			{"a deactivated non-sales target is refused too", func() domain.ID { return deactivatedSupport.ID }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				c := w.addCustomer(t, w.SalesA, "Karl Lenoir")
				var err error
				w.denied(t, domain.CodeInvalid, func() error { _, err = svc.Reassign(ctx, manager, c.ID, tc.to()); return err })
				if !strings.Contains(fieldError(err, "sales_contact"), "active sales collaborator") {
					t.Fatalf("err = %v, want the sales_contact field named", err)
				}
			})
		}

		for _, tc := range []struct {
			name  string
			actor func() domain.Collaborator
		}{
			{"sales cannot reassign even their own customer", func() domain.Collaborator { return w.SalesA }},
			{"support cannot reassign customers", func() domain.Collaborator { return w.SupportA }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				c := w.addCustomer(t, w.SalesA, "Léa Brun")
				w.denied(t, domain.CodeForbidden, func() error { _, err := svc.Reassign(ctx, w.actor(tc.actor()), c.ID, w.SalesB.ID); return err })
			})
		}
	})
}

func TestCustomersRead(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		svc := w.customers()
		mine := w.addCustomer(t, w.SalesA, "Marc Dubois")
		theirs := w.addCustomer(t, w.SalesB, "Nina Dubois")

		for _, who := range []domain.Collaborator{w.Manager, w.SalesA, w.SupportA} {
			t.Run(string(who.Role)+" reads every customer", func(t *testing.T) {
				l, err := svc.List(ctx, w.actor(who), domain.CustomerFilter{Search: "Dubois"})
				if err != nil || len(l.Items) != 2 {
					t.Fatalf("List = %+v, %v", l.Items, err)
				}
				if got, err := svc.Get(ctx, w.actor(who), theirs.ID); err != nil || got.ID != theirs.ID {
					t.Fatalf("Get = %+v, %v", got, err)
				}
			})
		}

		t.Run("my customers lists only the sales contact's", func(t *testing.T) {
			l, err := svc.List(ctx, w.actor(w.SalesA), domain.CustomerFilter{SalesContactID: w.SalesA.ID})
			if err != nil || len(l.Items) != 1 || l.Items[0].ID != mine.ID {
				t.Fatalf("List = %+v, %v", l.Items, err)
			}
		})

		t.Run("an actor who did not log in reads nothing", func(t *testing.T) {
			if _, err := svc.List(ctx, service.Actor{}, domain.CustomerFilter{}); code(err) != domain.CodeUnauthenticated {
				t.Fatalf("List: %v", err)
			}
			if _, err := svc.Get(ctx, service.Actor{}, mine.ID); code(err) != domain.CodeUnauthenticated {
				t.Fatalf("Get: %v", err)
			}
		})

		t.Run("an unknown customer is not found", func(t *testing.T) {
			if _, err := svc.Get(ctx, w.actor(w.SalesA), 987654); code(err) != domain.CodeNotFound {
				t.Fatalf("Get: %v", err)
			}
		})
	})
}
