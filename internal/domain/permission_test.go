package domain

import "testing"

// The roles' grants as PRODUCT.md's matrix sets them (the real ones are data,
// seeded from seeds/; these exercise the policy, not the seed).
var (
	managementGrants = Grants{
		PermRead: ScopeAny, PermUserManage: ScopeAny, PermCustomerReassign: ScopeAny,
		PermContractCreate: ScopeAny, PermContractUpdate: ScopeAny, PermContractSign: ScopeAny,
		PermEventUpdate: ScopeAny, PermEventAssign: ScopeAny, PermAuditRead: ScopeAny, PermPasswordChange: ScopeAny,
	}
	salesGrants = Grants{
		PermRead: ScopeAny, PermCustomerCreate: ScopeAny, PermCustomerUpdate: ScopeOwn,
		PermContractUpdate: ScopeOwn, PermContractSign: ScopeOwn, PermEventCreate: ScopeOwn, PermPasswordChange: ScopeAny,
	}
	supportGrants = Grants{
		PermRead: ScopeAny, PermEventUpdate: ScopeAssigned, PermPasswordChange: ScopeAny,
	}
)

func TestGrantsAllows(t *testing.T) {
	const me, other = ID(10), ID(20)
	mine, theirs := me, other
	var (
		own        = Subject{SalesContactID: me, SupportContactID: &mine}
		someones   = Subject{SalesContactID: other, SupportContactID: &theirs}
		unassigned = Subject{}
	)
	tests := []struct {
		name    string
		grants  Grants
		actor   ID
		perm    Permission
		subject Subject
		want    bool
	}{
		// ScopeAny: every record, whoever owns it.
		{"management updates its own contract", managementGrants, me, PermContractUpdate, own, true},
		{"management updates another's contract", managementGrants, me, PermContractUpdate, someones, true},
		{"management updates an unassigned event", managementGrants, me, PermEventUpdate, unassigned, true},
		{"management reads the audit log", managementGrants, me, PermAuditRead, unassigned, true},
		{"sales creates a customer (no record yet)", salesGrants, me, PermCustomerCreate, unassigned, true},

		// ScopeOwn: the records of the actor's customers only.
		{"sales updates its own customer", salesGrants, me, PermCustomerUpdate, own, true},
		{"sales cannot update another sales' customer", salesGrants, me, PermCustomerUpdate, someones, false},
		{"sales cannot update a customer with no sales contact", salesGrants, me, PermCustomerUpdate, unassigned, false},
		{"sales signs its own customer's contract", salesGrants, me, PermContractSign, own, true},
		{"sales cannot sign another's contract", salesGrants, me, PermContractSign, someones, false},
		{"sales creates an event for its own customer", salesGrants, me, PermEventCreate, own, true},
		{"sales cannot create an event for another's customer", salesGrants, me, PermEventCreate, someones, false},
		{"an actor with no id owns nothing, not even unowned records", salesGrants, 0, PermCustomerUpdate, unassigned, false},

		// ScopeAssigned: the events whose support contact is the actor.
		{"support updates an event assigned to it", supportGrants, me, PermEventUpdate, own, true},
		{"support cannot update an event assigned to another", supportGrants, me, PermEventUpdate, someones, false},
		{"support cannot update an event with no support", supportGrants, me, PermEventUpdate, unassigned, false},
		{"support with no id cannot update an unassigned event", supportGrants, 0, PermEventUpdate, unassigned, false},

		// Deny by default.
		{"sales cannot manage users", salesGrants, me, PermUserManage, own, false},
		{"support cannot create a contract", supportGrants, me, PermContractCreate, unassigned, false},
		{"management cannot create a customer", managementGrants, me, PermCustomerCreate, unassigned, false},
		{"management cannot create an event", managementGrants, me, PermEventCreate, own, false},
		{"an unknown permission is denied", managementGrants, me, Permission("db.drop"), unassigned, false},
		{"an unknown scope is denied", Grants{PermRead: Scope("everything")}, me, PermRead, own, false},
		{"an empty scope is denied", Grants{PermRead: ""}, me, PermRead, own, false},
		{"no grants deny everything", Grants{}, me, PermRead, own, false},
		{"nil grants deny everything", nil, me, PermRead, own, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.grants.Allows(tt.actor, tt.perm, tt.subject); got != tt.want {
				t.Fatalf("Allows(%d, %s, %+v) = %v, want %v", tt.actor, tt.perm, tt.subject, got, tt.want)
			}
		})
	}
}

func TestGrantsAllowsEveryScopeForEveryPermission(t *testing.T) {
	const me, other = ID(10), ID(20)
	mine, theirs := me, other
	subjects := map[string]Subject{
		"own":        {SalesContactID: me, SupportContactID: &mine},
		"someone's":  {SalesContactID: other, SupportContactID: &theirs},
		"unassigned": {},
		// A sales owner who is not the support contact, and the other way round: each
		// scope looks at its own field only.
		"sold by me, supported by another": {SalesContactID: me, SupportContactID: &theirs},
		"sold by another, supported by me": {SalesContactID: other, SupportContactID: &mine},
	}
	want := map[Scope]map[string]bool{
		ScopeAny:      {"own": true, "someone's": true, "unassigned": true, "sold by me, supported by another": true, "sold by another, supported by me": true},
		ScopeOwn:      {"own": true, "sold by me, supported by another": true},
		ScopeAssigned: {"own": true, "sold by another, supported by me": true},
	}
	for _, p := range Permissions {
		for scope, allowed := range want {
			for name, s := range subjects {
				if got := (Grants{p: scope}).Allows(me, p, s); got != allowed[name] {
					t.Errorf("%s over %s on a record %s: Allows = %v, want %v", p, scope, name, got, allowed[name])
				}
				if (Grants{p: scope}).Allows(me, otherPermission(p), s) {
					t.Errorf("a grant of %s allowed %s", p, otherPermission(p))
				}
			}
		}
	}
}

// otherPermission returns a permission other than p.
func otherPermission(p Permission) Permission {
	if p == PermRead {
		return PermAuditRead
	}
	return PermRead
}

func TestGrantsHolds(t *testing.T) {
	if !supportGrants.Holds(PermEventUpdate) {
		t.Error("support does not hold event.update, though only over assigned events")
	}
	if supportGrants.Holds(PermEventAssign) {
		t.Error("support holds event.assign")
	}
	if (Grants(nil)).Holds(PermRead) {
		t.Error("nil grants hold something")
	}
}

func TestPermissionsListsEachOnce(t *testing.T) {
	seen := map[Permission]bool{}
	for _, p := range Permissions {
		if seen[p] {
			t.Errorf("%s listed twice", p)
		}
		seen[p] = true
	}
}

func TestValidEnums(t *testing.T) {
	for _, tt := range []struct {
		name string
		ok   bool
	}{
		{"role management", RoleManagement.Valid()},
		{"role sales", RoleSales.Valid()},
		{"role support", RoleSupport.Valid()},
		{"scope any", ScopeAny.Valid()},
		{"scope own", ScopeOwn.Valid()},
		{"scope assigned", ScopeAssigned.Valid()},
		{"status draft", ContractDraft.Valid()},
		{"status signed", ContractSigned.Valid()},
		{"status cancelled", ContractCancelled.Valid()},
	} {
		if !tt.ok {
			t.Errorf("%s is not valid", tt.name)
		}
	}
	for _, tt := range []struct {
		name string
		ok   bool
	}{
		{"role admin", Role("admin").Valid()},
		{"role Sales (case matters)", Role("Sales").Valid()},
		{"empty role", Role("").Valid()},
		{"scope all", Scope("all").Valid()},
		{"empty scope", Scope("").Valid()},
		{"status paid", ContractStatus("paid").Valid()},
		{"empty status", ContractStatus("").Valid()},
	} {
		if tt.ok {
			t.Errorf("%s is valid", tt.name)
		}
	}
}
