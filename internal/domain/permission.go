package domain

// Permission names an action of the permission matrix. Which roles hold which
// permission, and with which scope, is data (the role_permissions table, seeded
// from seeds/); this file only names them and decides, purely, whether a grant
// covers a given record.
type Permission string

const (
	PermRead             Permission = "read"              // every customer, contract, event
	PermUserManage       Permission = "user.manage"       // create, update, (de)activate, delete collaborators, reset passwords
	PermCustomerCreate   Permission = "customer.create"   // the creator becomes the sales contact
	PermCustomerUpdate   Permission = "customer.update"   //
	PermCustomerReassign Permission = "customer.reassign" // contracts follow their customer
	PermContractCreate   Permission = "contract.create"   //
	PermContractUpdate   Permission = "contract.update"   // total, payments, cancel
	PermContractSign     Permission = "contract.sign"     //
	PermEventCreate      Permission = "event.create"      // only for a signed contract
	PermEventUpdate      Permission = "event.update"      // dates, location, attendees, notes
	PermEventAssign      Permission = "event.assign"      // choose the support collaborator
	PermAuditRead        Permission = "audit.read"        //
	PermPasswordChange   Permission = "password.change"   // one's own
)

// Permissions lists every permission, in the order of PRODUCT.md's matrix.
var Permissions = []Permission{
	PermRead, PermUserManage, PermCustomerCreate, PermCustomerUpdate, PermCustomerReassign,
	PermContractCreate, PermContractUpdate, PermContractSign, PermEventCreate,
	PermEventUpdate, PermEventAssign, PermAuditRead, PermPasswordChange,
}

// Scope says which records a grant covers.
type Scope string

const (
	ScopeAny      Scope = "any"      // every record
	ScopeOwn      Scope = "own"      // records of customers whose sales contact is the actor
	ScopeAssigned Scope = "assigned" // events whose support contact is the actor
)

// Valid reports whether s is a known scope.
func (s Scope) Valid() bool { return s == ScopeAny || s == ScopeOwn || s == ScopeAssigned }

// Grant is one row of the matrix: a role holds a permission over a scope.
type Grant struct {
	Role       Role
	Permission Permission
	Scope      Scope
}

// Grants is what one role holds. A permission that is absent is denied.
type Grants map[Permission]Scope

// Subject carries the ownership facts of the record an action touches.
// For actions that touch no particular record (create a customer, read the audit log)
// the zero Subject is used, and only ScopeAny grants (or ScopeOwn for creations that
// make the actor the owner) apply; see Allows.
type Subject struct {
	SalesContactID   ID  // the customer's sales contact (0 when not applicable)
	SupportContactID *ID // the event's support contact
}

// Allows is the whole permission policy: does an actor whose role holds g, acting
// as actorID, may take action p on a record described by s? Deny by default.
func (g Grants) Allows(actorID ID, p Permission, s Subject) bool {
	scope, held := g[p]
	if !held {
		return false
	}
	switch scope {
	case ScopeAny:
		return true
	case ScopeOwn:
		return actorID != 0 && s.SalesContactID == actorID
	case ScopeAssigned:
		return actorID != 0 && s.SupportContactID != nil && *s.SupportContactID == actorID
	default:
		return false
	}
}

// Holds reports whether the role holds p at all, whatever the record: menus use it to
// decide whether to show an action before a record is chosen.
func (g Grants) Holds(p Permission) bool {
	_, held := g[p]
	return held
}
