package service_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
)

// matrix is the world a permission-matrix row runs in: the real services, and
// who acts for each role. "Own" and "someone else's" are from the point of view
// of the acting sales collaborator (SalesA owns, SalesB is someone else) and the
// acting support collaborator (SupportA is assigned, SupportB is someone else);
// management owns nothing and holds its grants over any record.
type matrix struct {
	w         *world
	customers *service.Customers
	contracts *service.Contracts
	events    *service.Events
	users     *service.Users
	audit     *service.Audit
	auth      *service.Auth
	n         int
}

// unique returns a fresh number for names and emails within the world.
func (m *matrix) unique() int { m.n++; return m.n }

// matrixRow is one action of PRODUCT.md's matrix: prepare creates the records the
// action touches (fresh for every role, so that what one role did cannot decide
// what the next may do) and returns the call to make as actor.
type matrixRow struct {
	action  string
	allowed []domain.Role
	writes  bool // an allowed call writes exactly one audit row; a read writes nothing
	// refusal is the code of a denial when not forbidden (a state rule met once
	// the permission is granted, as events on an unsigned contract).
	refusal map[domain.Role]domain.Code
	prepare func(t *testing.T, m *matrix, actor service.Actor) func() error
}

func matrixRows() []matrixRow {
	ctx := context.Background()
	mgmt, sales, support := domain.RoleManagement, domain.RoleSales, domain.RoleSupport
	all := []domain.Role{mgmt, sales, support}
	soon := t0.Add(14 * 24 * time.Hour)

	// Records, created through the repositories so that only the call under test goes through the services.
	customerOf := func(t *testing.T, m *matrix, owner domain.Collaborator) domain.Customer {
		return m.w.addCustomer(t, owner, fmt.Sprintf("Matrix Customer %d", m.unique()))
	}
	contractOf := func(t *testing.T, m *matrix, owner domain.Collaborator, status domain.ContractStatus) domain.Contract {
		return m.w.addContract(t, customerOf(t, m, owner), 100000, status)
	}
	eventFor := func(t *testing.T, m *matrix, support *domain.Collaborator) domain.Event {
		return m.w.addEvent(t, contractOf(t, m, m.w.SalesA, domain.ContractSigned), fmt.Sprintf("Matrix Event %d", m.unique()), soon, support)
	}
	staff := func(t *testing.T, m *matrix) domain.Collaborator {
		return m.w.addUser(t, domain.RoleSupport, fmt.Sprintf("Matrix Staff %d", m.unique()))
	}
	// Rows per contract action, on the acting sales' own customer and on someone else's.
	contractRows := func(action string, call func(m *matrix, a service.Actor, k domain.Contract) error, status domain.ContractStatus) []matrixRow {
		return []matrixRow{
			{action + " of own customer", []domain.Role{mgmt, sales}, true, nil, func(t *testing.T, m *matrix, a service.Actor) func() error {
				k := contractOf(t, m, m.w.SalesA, status)
				return func() error { return call(m, a, k) }
			}},
			{action + " of someone else's customer", []domain.Role{mgmt}, true, nil, func(t *testing.T, m *matrix, a service.Actor) func() error {
				k := contractOf(t, m, m.w.SalesB, status)
				return func() error { return call(m, a, k) }
			}},
		}
	}

	rows := []matrixRow{
		{"read every customer, contract and event (lists and details)", all, false, nil, func(t *testing.T, m *matrix, a service.Actor) func() error {
			e := eventFor(t, m, &m.w.SupportB)
			return func() error {
				if _, err := m.customers.List(ctx, a, domain.CustomerFilter{SalesContactID: m.w.SalesB.ID}); err != nil {
					return err
				}
				if _, err := m.customers.Get(ctx, a, e.CustomerID); err != nil {
					return err
				}
				if _, err := m.contracts.List(ctx, a, domain.ContractFilter{Unpaid: true}); err != nil {
					return err
				}
				if _, err := m.contracts.Get(ctx, a, e.ContractID); err != nil {
					return err
				}
				if _, err := m.events.List(ctx, a, domain.EventFilter{WithoutSupport: true}); err != nil {
					return err
				}
				_, err := m.events.Get(ctx, a, e.ID)
				return err
			}
		}},

		{"create a collaborator", []domain.Role{mgmt}, true, nil, func(t *testing.T, m *matrix, a service.Actor) func() error {
			n := m.unique()
			return func() error {
				_, err := m.users.Create(ctx, a, service.NewUser{
					FullName: fmt.Sprintf("New Hire %d", n), Email: fmt.Sprintf("new.hire.%d@staff.example.com", n),
					Role: domain.RoleSupport, Password: "a long enough password",
				})
				return err
			}
		}},
		{"update a collaborator", []domain.Role{mgmt}, true, nil, func(t *testing.T, m *matrix, a service.Actor) func() error {
			u := staff(t, m)
			return func() error {
				_, err := m.users.Update(ctx, a, u.ID, service.UserChanges{FullName: u.FullName + " Renamed", Version: u.Version})
				return err
			}
		}},
		{"deactivate a collaborator", []domain.Role{mgmt}, true, nil, func(t *testing.T, m *matrix, a service.Actor) func() error {
			u := staff(t, m)
			return func() error { _, err := m.users.Deactivate(ctx, a, u.ID); return err }
		}},
		{"reactivate a collaborator", []domain.Role{mgmt}, true, nil, func(t *testing.T, m *matrix, a service.Actor) func() error {
			u := staff(t, m)
			u.Active = false
			if err := m.w.DB.UpdateUser(ctx, &u); err != nil {
				t.Fatal(err)
			}
			return func() error { _, err := m.users.Reactivate(ctx, a, u.ID); return err }
		}},
		{"delete a collaborator", []domain.Role{mgmt}, true, nil, func(t *testing.T, m *matrix, a service.Actor) func() error {
			u := staff(t, m)
			return func() error { return m.users.Delete(ctx, a, u.ID) }
		}},
		{"reset a collaborator's password", []domain.Role{mgmt}, true, nil, func(t *testing.T, m *matrix, a service.Actor) func() error {
			u := staff(t, m)
			return func() error { return m.users.ResetPassword(ctx, a, u.ID, "a brand new long password") }
		}},

		{"create a customer", []domain.Role{sales}, true, nil, func(t *testing.T, m *matrix, a service.Actor) func() error {
			n := m.unique()
			return func() error {
				_, err := m.customers.Create(ctx, a, service.CustomerInput{
					FullName: fmt.Sprintf("Nouveau Client %d", n), Email: fmt.Sprintf("nouveau.%d@example.com", n), Phone: "+33 1 23 45 67 89",
				})
				return err
			}
		}},
		{"update own customer", []domain.Role{sales}, true, nil, func(t *testing.T, m *matrix, a service.Actor) func() error {
			c := customerOf(t, m, m.w.SalesA)
			return func() error {
				_, err := m.customers.Update(ctx, a, c.ID, c.Version, service.CustomerPatch{Phone: ptr("+33 9 99 99 99 99")})
				return err
			}
		}},
		{"update someone else's customer", nil, true, nil, func(t *testing.T, m *matrix, a service.Actor) func() error {
			c := customerOf(t, m, m.w.SalesB)
			return func() error {
				_, err := m.customers.Update(ctx, a, c.ID, c.Version, service.CustomerPatch{Phone: ptr("+33 9 99 99 99 99")})
				return err
			}
		}},
		{"reassign own customer to another sales collaborator", []domain.Role{mgmt}, true, nil, func(t *testing.T, m *matrix, a service.Actor) func() error {
			c := customerOf(t, m, m.w.SalesA)
			return func() error { _, err := m.customers.Reassign(ctx, a, c.ID, m.w.SalesB.ID); return err }
		}},
		{"reassign someone else's customer to the acting sales", []domain.Role{mgmt}, true, nil, func(t *testing.T, m *matrix, a service.Actor) func() error {
			c := customerOf(t, m, m.w.SalesB)
			return func() error { _, err := m.customers.Reassign(ctx, a, c.ID, m.w.SalesA.ID); return err }
		}},

		{"create a contract for own customer", []domain.Role{mgmt}, true, nil, func(t *testing.T, m *matrix, a service.Actor) func() error {
			c := customerOf(t, m, m.w.SalesA)
			return func() error { _, err := m.contracts.Create(ctx, a, c.ID, 500000); return err }
		}},
		{"create a contract for someone else's customer", []domain.Role{mgmt}, true, nil, func(t *testing.T, m *matrix, a service.Actor) func() error {
			c := customerOf(t, m, m.w.SalesB)
			return func() error { _, err := m.contracts.Create(ctx, a, c.ID, 500000); return err }
		}},
	}
	rows = append(rows, contractRows("change the total of the contract", func(m *matrix, a service.Actor, k domain.Contract) error {
		_, err := m.contracts.UpdateTotal(ctx, a, k.ID, k.Version, 120000)
		return err
	}, domain.ContractSigned)...)
	rows = append(rows, contractRows("record a payment on the contract", func(m *matrix, a service.Actor, k domain.Contract) error {
		_, _, err := m.contracts.RecordPayment(ctx, a, k.ID, 2500, time.Time{})
		return err
	}, domain.ContractSigned)...)
	rows = append(rows, contractRows("cancel the contract", func(m *matrix, a service.Actor, k domain.Contract) error {
		_, err := m.contracts.Cancel(ctx, a, k.ID)
		return err
	}, domain.ContractDraft)...)
	rows = append(rows, contractRows("sign the contract", func(m *matrix, a service.Actor, k domain.Contract) error {
		_, err := m.contracts.Sign(ctx, a, k.ID)
		return err
	}, domain.ContractDraft)...)

	createEvent := func(owner func(*matrix) domain.Collaborator, status domain.ContractStatus) func(*testing.T, *matrix, service.Actor) func() error {
		return func(t *testing.T, m *matrix, a service.Actor) func() error {
			k := contractOf(t, m, owner(m), status)
			return func() error { _, err := m.events.Create(ctx, a, k.ID, validEvent()); return err }
		}
	}
	updateEvent := func(support func(*matrix) *domain.Collaborator) func(*testing.T, *matrix, service.Actor) func() error {
		return func(t *testing.T, m *matrix, a service.Actor) func() error {
			e := eventFor(t, m, support(m))
			return func() error {
				_, _, err := m.events.Update(ctx, a, e.ID, e.Version, service.EventPatch{Location: ptr("Hôtel de Ville"), Attendees: ptr(42)})
				return err
			}
		}
	}
	assignEvent := func(support func(*matrix) *domain.Collaborator) func(*testing.T, *matrix, service.Actor) func() error {
		return func(t *testing.T, m *matrix, a service.Actor) func() error {
			e := eventFor(t, m, support(m))
			return func() error { _, _, err := m.events.Assign(ctx, a, e.ID, m.w.SupportA.ID); return err }
		}
	}
	salesA := func(m *matrix) domain.Collaborator { return m.w.SalesA }
	salesB := func(m *matrix) domain.Collaborator { return m.w.SalesB }
	supportA := func(m *matrix) *domain.Collaborator { return &m.w.SupportA }
	supportB := func(m *matrix) *domain.Collaborator { return &m.w.SupportB }
	nobody := func(*matrix) *domain.Collaborator { return nil }

	return append(rows, []matrixRow{
		{"create an event on own customer's signed contract", []domain.Role{sales}, true, nil, createEvent(salesA, domain.ContractSigned)},
		{"create an event on someone else's customer's signed contract", nil, true, nil, createEvent(salesB, domain.ContractSigned)},
		{"create an event on own customer's unsigned contract", nil, true, map[domain.Role]domain.Code{sales: domain.CodeInvalid}, createEvent(salesA, domain.ContractDraft)},

		{"update an event assigned to the acting support", []domain.Role{mgmt, support}, true, nil, updateEvent(supportA)},
		{"update an event assigned to someone else", []domain.Role{mgmt}, true, nil, updateEvent(supportB)},
		{"update an event without support", []domain.Role{mgmt}, true, nil, updateEvent(nobody)},

		{"assign support to an event without support", []domain.Role{mgmt}, true, nil, assignEvent(nobody)},
		{"change the support of an event assigned to someone else", []domain.Role{mgmt}, true, nil, assignEvent(supportB)},

		{"read the audit log", []domain.Role{mgmt}, false, nil, func(t *testing.T, m *matrix, a service.Actor) func() error {
			return func() error { _, err := m.audit.List(ctx, a, domain.AuditFilter{}); return err }
		}},
		{"change one's own password", all, true, nil, func(t *testing.T, m *matrix, a service.Actor) func() error {
			// Each role's actor changes their password once per world: from the world's password
			// to a new one, so the current password is always right when the call is allowed.
			return func() error { return m.auth.ChangePassword(ctx, a, testPassword, "a new password for the matrix") }
		}},
	}...)
}

// TestPermissionMatrix runs every action of PRODUCT.md's matrix for each role
// (and for a deactivated collaborator, who may do nothing) on the real services
// over each engine, and asserts allow or deny. An allowed change writes one audit
// row; a read and every denied call leave the database exactly as it was.
func TestPermissionMatrix(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		m := &matrix{
			w:         w,
			customers: w.customers(),
			contracts: w.contracts(),
			events:    w.events(),
			users:     w.users(),
			audit:     service.NewAudit(w.Deps()),
			auth:      w.auth(t),
		}
		actors := []struct {
			name string
			who  domain.Collaborator
		}{
			{string(domain.RoleManagement), w.Manager},
			{string(domain.RoleSales), w.SalesA},
			{string(domain.RoleSupport), w.SupportA},
			{"deactivated sales", w.Inactive},
		}
		for _, row := range matrixRows() {
			t.Run(row.action, func(t *testing.T) {
				for _, as := range actors {
					allowed := as.who.Active && slices.Contains(row.allowed, as.who.Role)
					verdict := "denied"
					if allowed {
						verdict = "allowed"
					}
					t.Run(as.name+" is "+verdict, func(t *testing.T) {
						call := row.prepare(t, m, w.actor(as.who))
						before := w.snapshot(t)
						err := call()
						if allowed {
							if err != nil {
								t.Fatalf("refused: %v", err)
							}
							after := w.snapshot(t)
							wantAudit := before.Counts["audit_log"]
							if row.writes {
								wantAudit++
							} else {
								w.assertUnchanged(t, before)
							}
							if got := after.Counts["audit_log"]; got != wantAudit {
								t.Fatalf("audit rows %d -> %d, want %d", before.Counts["audit_log"], got, wantAudit)
							}
							return
						}
						want := domain.CodeForbidden
						if c, ok := row.refusal[as.who.Role]; ok && as.who.Active {
							want = c
						}
						if code(err) != want {
							t.Fatalf("got %v (%s), want %s", err, code(err), want)
						}
						w.assertUnchanged(t, before)
					})
				}
			})
		}
	})
}
