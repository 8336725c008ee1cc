package service_test

import (
	"slices"
	"testing"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
)

// The grants come from the database (seeded from seeds/), so these tests check
// the matrix of PRODUCT.md as the menus will see it, not a copy of it.

func TestPermissionsActions(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		p := service.NewPermissions()
		want := map[domain.Role][]domain.Permission{
			domain.RoleManagement: {
				domain.PermRead, domain.PermUserManage, domain.PermCustomerReassign, domain.PermContractCreate,
				domain.PermContractUpdate, domain.PermContractSign, domain.PermEventUpdate, domain.PermEventAssign,
				domain.PermAuditRead, domain.PermPasswordChange,
			},
			domain.RoleSales: {
				domain.PermRead, domain.PermCustomerCreate, domain.PermCustomerUpdate, domain.PermContractUpdate,
				domain.PermContractSign, domain.PermEventCreate, domain.PermPasswordChange,
			},
			domain.RoleSupport: {domain.PermRead, domain.PermEventUpdate, domain.PermPasswordChange},
		}
		for _, who := range []domain.Collaborator{w.Manager, w.SalesA, w.SupportA} {
			t.Run(string(who.Role), func(t *testing.T) {
				if got := p.Actions(w.actor(who)); !slices.Equal(got, want[who.Role]) {
					t.Fatalf("Actions = %v, want %v", got, want[who.Role])
				}
			})
		}
		t.Run("someone not logged in may do nothing", func(t *testing.T) {
			if got := p.Actions(service.Actor{Collaborator: w.Manager, Grants: w.Grants[domain.RoleManagement]}); len(got) != 0 {
				t.Fatalf("Actions(unverified) = %v", got)
			}
		})
		t.Run("a deactivated collaborator may do nothing", func(t *testing.T) {
			if got := p.Actions(w.actor(w.Inactive)); len(got) != 0 {
				t.Fatalf("Actions(inactive) = %v", got)
			}
		})
	})
}

func TestPermissionsPerRecord(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		p := service.NewPermissions()
		mine := w.addCustomer(t, w.SalesA, "Adèle's Customer")
		theirs := w.addCustomer(t, w.SalesB, "Bruno's Customer")
		myContract := w.addContract(t, mine, 100000, domain.ContractSigned)
		theirContract := w.addContract(t, theirs, 100000, domain.ContractSigned)
		start := t0.AddDate(0, 0, 7)
		assigned := w.addEvent(t, myContract, "Assigned to Aline", start, &w.SupportA)
		other := w.addEvent(t, theirContract, "Assigned to Basile", start, &w.SupportB)
		unassigned := w.addEvent(t, theirContract, "Nobody yet", start, nil)

		type check struct {
			name string
			can  func(service.Actor) bool
			// who may: the roles' actors that must be allowed; everyone else is refused
			allowed []domain.Collaborator
		}
		checks := []check{
			{"read", p.CanRead, []domain.Collaborator{w.Manager, w.SalesA, w.SupportA}},
			{"manage users", p.CanManageUsers, []domain.Collaborator{w.Manager}},
			{"read the audit log", p.CanReadAudit, []domain.Collaborator{w.Manager}},
			{"change one's password", p.CanChangePassword, []domain.Collaborator{w.Manager, w.SalesA, w.SupportA}},
			{"create a customer", p.CanCreateCustomer, []domain.Collaborator{w.SalesA}},
			{"update own customer", func(a service.Actor) bool { return p.CanUpdateCustomer(a, mine) }, []domain.Collaborator{w.SalesA}},
			{"update another's customer", func(a service.Actor) bool { return p.CanUpdateCustomer(a, theirs) }, nil},
			{"reassign a customer", func(a service.Actor) bool { return p.CanReassignCustomer(a, mine) }, []domain.Collaborator{w.Manager}},
			{"create a contract", func(a service.Actor) bool { return p.CanCreateContract(a, mine) }, []domain.Collaborator{w.Manager}},
			{"update own customer's contract", func(a service.Actor) bool { return p.CanUpdateContract(a, myContract) }, []domain.Collaborator{w.Manager, w.SalesA}},
			{"update another's contract", func(a service.Actor) bool { return p.CanUpdateContract(a, theirContract) }, []domain.Collaborator{w.Manager}},
			{"sign own customer's contract", func(a service.Actor) bool { return p.CanSignContract(a, myContract) }, []domain.Collaborator{w.Manager, w.SalesA}},
			{"sign another's contract", func(a service.Actor) bool { return p.CanSignContract(a, theirContract) }, []domain.Collaborator{w.Manager}},
			{"create an event for own customer", func(a service.Actor) bool { return p.CanCreateEvent(a, myContract) }, []domain.Collaborator{w.SalesA}},
			{"create an event for another's customer", func(a service.Actor) bool { return p.CanCreateEvent(a, theirContract) }, nil},
			{"update an event assigned to one", func(a service.Actor) bool { return p.CanUpdateEvent(a, assigned) }, []domain.Collaborator{w.Manager, w.SupportA}},
			{"update an event assigned to another", func(a service.Actor) bool { return p.CanUpdateEvent(a, other) }, []domain.Collaborator{w.Manager}},
			{"update an unassigned event", func(a service.Actor) bool { return p.CanUpdateEvent(a, unassigned) }, []domain.Collaborator{w.Manager}},
			{"assign support", func(a service.Actor) bool { return p.CanAssignSupport(a, unassigned) }, []domain.Collaborator{w.Manager}},
		}
		everyone := []domain.Collaborator{w.Manager, w.SalesA, w.SupportA}
		for _, c := range checks {
			for _, who := range everyone {
				want := slices.ContainsFunc(c.allowed, func(a domain.Collaborator) bool { return a.ID == who.ID })
				t.Run(string(who.Role)+" "+c.name, func(t *testing.T) {
					if got := c.can(w.actor(who)); got != want {
						t.Fatalf("got %t, want %t", got, want)
					}
				})
			}
			t.Run("nobody logged in: "+c.name, func(t *testing.T) {
				if c.can(service.Actor{}) {
					t.Fatal("allowed an actor who is not logged in")
				}
			})
		}
	})
}
