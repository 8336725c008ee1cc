package service

import "github.com/epic-events/crm/internal/domain"

// Permissions tells a user interface what the actor may do, from the same grants
// and the same pure policy the services enforce, so a menu never offers what a
// service call would refuse (and a menu that forgot to hide something still cannot
// do it: each service checks again).
//
// The helpers answer for permission and ownership only; state rules (a signed
// contract cannot be signed again, events only for signed contracts) belong to the
// service that owns the record, which reports them as conflicts or invalid input.
type Permissions struct{}

// NewPermissions returns the Permissions service. It holds no state: everything
// it needs is in the actor, whose grants were read from the database at login.
func NewPermissions() *Permissions { return &Permissions{} }

// Actions lists the permissions the actor's role holds on at least some records,
// in the order of PRODUCT.md's matrix; empty for an actor who is not logged in.
func (*Permissions) Actions(a Actor) []domain.Permission {
	var held []domain.Permission
	for _, p := range domain.Permissions {
		if a.Holds(p) {
			held = append(held, p)
		}
	}
	return held
}

// Holds reports whether the actor's role holds p on some records at least:
// whether to show an action before a record is chosen.
func (*Permissions) Holds(a Actor, p domain.Permission) bool { return a.Holds(p) }

// CanRead reports whether the actor may read customers, contracts and events.
func (*Permissions) CanRead(a Actor) bool { return a.Can(domain.PermRead, domain.Subject{}) }

// CanManageUsers reports whether the actor may create, update, deactivate, delete
// collaborators and reset their passwords.
func (*Permissions) CanManageUsers(a Actor) bool {
	return a.Can(domain.PermUserManage, domain.Subject{})
}

// CanReadAudit reports whether the actor may read the audit log.
func (*Permissions) CanReadAudit(a Actor) bool {
	return a.Can(domain.PermAuditRead, domain.Subject{})
}

// CanChangePassword reports whether the actor may change their own password.
func (*Permissions) CanChangePassword(a Actor) bool {
	return a.Can(domain.PermPasswordChange, selfSubject(a))
}

// CanCreateCustomer reports whether the actor may create a customer, which they
// would then look after.
func (*Permissions) CanCreateCustomer(a Actor) bool {
	return a.Can(domain.PermCustomerCreate, domain.Subject{SalesContactID: a.ID})
}

// CanUpdateCustomer reports whether the actor may update customer c.
func (*Permissions) CanUpdateCustomer(a Actor, c domain.Customer) bool {
	return a.Can(domain.PermCustomerUpdate, domain.Subject{SalesContactID: c.SalesContactID})
}

// CanReassignCustomer reports whether the actor may give customer c (and so its
// contracts) to another sales collaborator.
func (*Permissions) CanReassignCustomer(a Actor, c domain.Customer) bool {
	return a.Can(domain.PermCustomerReassign, domain.Subject{SalesContactID: c.SalesContactID})
}

// CanCreateContract reports whether the actor may create a contract for customer c.
func (*Permissions) CanCreateContract(a Actor, c domain.Customer) bool {
	return a.Can(domain.PermContractCreate, domain.Subject{SalesContactID: c.SalesContactID})
}

// CanUpdateContract reports whether the actor may change contract c's total,
// record a payment on it or cancel it.
func (*Permissions) CanUpdateContract(a Actor, c domain.Contract) bool {
	return a.Can(domain.PermContractUpdate, domain.Subject{SalesContactID: c.SalesContactID})
}

// CanSignContract reports whether the actor may sign contract c.
func (*Permissions) CanSignContract(a Actor, c domain.Contract) bool {
	return a.Can(domain.PermContractSign, domain.Subject{SalesContactID: c.SalesContactID})
}

// CanCreateEvent reports whether the actor may create an event for contract c.
func (*Permissions) CanCreateEvent(a Actor, c domain.Contract) bool {
	return a.Can(domain.PermEventCreate, domain.Subject{SalesContactID: c.SalesContactID})
}

// CanUpdateEvent reports whether the actor may change event e's dates, location,
// attendees and notes.
func (*Permissions) CanUpdateEvent(a Actor, e domain.Event) bool {
	return a.Can(domain.PermEventUpdate, eventSubject(e))
}

// CanAssignSupport reports whether the actor may choose event e's support collaborator.
func (*Permissions) CanAssignSupport(a Actor, e domain.Event) bool {
	return a.Can(domain.PermEventAssign, eventSubject(e))
}

func eventSubject(e domain.Event) domain.Subject {
	return domain.Subject{SalesContactID: e.SalesContactID, SupportContactID: e.SupportContactID}
}

// selfSubject describes the actor's own account: whatever the scope of a grant
// over "one's own" record, the actor is its owner.
func selfSubject(a Actor) domain.Subject {
	id := a.ID
	return domain.Subject{SalesContactID: id, SupportContactID: &id}
}
