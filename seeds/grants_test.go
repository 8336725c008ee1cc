package seeds_test

import (
	"testing"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/seeds"
)

// The matrix of PRODUCT.md, written out again by hand: the seeded data must say exactly this.
var productMatrix = []struct {
	permission                 domain.Permission
	management, sales, support domain.Scope // "" means not held
}{
	{domain.PermRead, domain.ScopeAny, domain.ScopeAny, domain.ScopeAny},
	{domain.PermUserManage, domain.ScopeAny, "", ""},
	{domain.PermCustomerCreate, "", domain.ScopeOwn, ""},
	{domain.PermCustomerUpdate, "", domain.ScopeOwn, ""},
	{domain.PermCustomerReassign, domain.ScopeAny, "", ""},
	{domain.PermContractCreate, domain.ScopeAny, "", ""},
	{domain.PermContractUpdate, domain.ScopeAny, domain.ScopeOwn, ""},
	{domain.PermContractSign, domain.ScopeAny, domain.ScopeOwn, ""},
	{domain.PermEventCreate, "", domain.ScopeOwn, ""},
	{domain.PermEventUpdate, domain.ScopeAny, "", domain.ScopeAssigned},
	{domain.PermEventAssign, domain.ScopeAny, "", ""},
	{domain.PermAuditRead, domain.ScopeAny, "", ""},
	{domain.PermPasswordChange, domain.ScopeAny, domain.ScopeAny, domain.ScopeAny},
}

func seededMatrix(t *testing.T) map[domain.Role]domain.Grants {
	t.Helper()
	grants, err := seeds.Grants()
	if err != nil {
		t.Fatalf("Grants: %v", err)
	}
	byRole := map[domain.Role]domain.Grants{}
	for _, g := range grants {
		if byRole[g.Role] == nil {
			byRole[g.Role] = domain.Grants{}
		}
		if _, dup := byRole[g.Role][g.Permission]; dup {
			t.Errorf("%s holds %s twice", g.Role, g.Permission)
		}
		byRole[g.Role][g.Permission] = g.Scope
	}
	return byRole
}

func TestGrantsAreThePermissionMatrixOfTheProduct(t *testing.T) {
	seeded := seededMatrix(t)
	for _, row := range productMatrix {
		for _, cell := range []struct {
			role domain.Role
			want domain.Scope
		}{
			{domain.RoleManagement, row.management}, {domain.RoleSales, row.sales}, {domain.RoleSupport, row.support},
		} {
			role, want := cell.role, cell.want
			t.Run(string(role)+" "+string(row.permission), func(t *testing.T) {
				got, held := seeded[role][row.permission]
				switch {
				case want == "" && held:
					t.Errorf("%s must not hold %s, seeded with scope %q", role, row.permission, got)
				case want != "" && got != want:
					t.Errorf("%s holds %s with scope %q, want %q", role, row.permission, got, want)
				}
			})
		}
	}
}

func TestGrantsCoverEveryPermission(t *testing.T) {
	seeded := seededMatrix(t)
	if len(productMatrix) != len(domain.Permissions) {
		t.Fatalf("the test matrix has %d permissions, domain has %d: add the new one to both", len(productMatrix), len(domain.Permissions))
	}
	for _, p := range domain.Permissions {
		held := false
		for _, role := range domain.Roles {
			held = held || seeded[role].Holds(p)
		}
		if !held {
			t.Errorf("no role holds %s", p)
		}
	}
	for _, role := range domain.Roles {
		if len(seeded[role]) == 0 {
			t.Errorf("role %s holds nothing", role)
		}
	}
}

func TestAccountsAreTheDocumentedDemoLogins(t *testing.T) {
	accounts, err := seeds.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]domain.Role{
		"manager1@epicevents.test": domain.RoleManagement, "manager2@epicevents.test": domain.RoleManagement,
		"sales1@epicevents.test": domain.RoleSales, "sales2@epicevents.test": domain.RoleSales, "sales3@epicevents.test": domain.RoleSales,
		"support1@epicevents.test": domain.RoleSupport, "support2@epicevents.test": domain.RoleSupport,
	}
	if len(accounts) != len(want) {
		t.Errorf("%d accounts, want %d", len(accounts), len(want))
	}
	for _, a := range accounts {
		if role, ok := want[a.Email]; !ok || role != a.Role {
			t.Errorf("account %s (%s) is not a documented demo login", a.Email, a.Role)
		}
		if err := domain.ValidateEmployeeNumber(a.EmployeeNumber); err != nil {
			t.Errorf("%s: employee number %q %v", a.Email, a.EmployeeNumber, err)
		}
	}
	if err := domain.ValidatePassword(seeds.DemoPassword, "sales1@epicevents.test"); err != nil {
		t.Errorf("the demo password breaks the password policy: %v", err)
	}
}
