package store

import (
	"context"
	"fmt"

	"github.com/epic-events/crm/internal/domain"
	"gorm.io/gorm"
)

// GrantsFor reads what a role holds. A role with no grant (or an unknown role)
// holds nothing: the policy denies by default.
func (r *Repos) GrantsFor(ctx context.Context, role domain.Role) (domain.Grants, error) {
	var rows []struct {
		Permission string
		Scope      string
	}
	if err := r.q(ctx).Raw("SELECT permission, scope FROM role_permissions WHERE role = ?", string(role)).Scan(&rows).Error; err != nil {
		return nil, translate("grants for "+string(role), err)
	}
	g := make(domain.Grants, len(rows))
	for _, row := range rows {
		g[domain.Permission(row.Permission)] = domain.Scope(row.Scope)
	}
	return g, nil
}

// SeedGrants makes the permission matrix hold grants: every role of
// domain.Roles and permission of domain.Permissions exists (with those named
// in grants), and each role named in grants holds exactly its grants there.
// Running it twice changes nothing. It runs in one transaction (the one r is
// already inside, if any: nested transactions open no SAVEPOINT).
func (r *Repos) SeedGrants(ctx context.Context, grants []domain.Grant) error {
	roles := map[domain.Role]bool{}
	var roleOrder []domain.Role
	addRole := func(role domain.Role) {
		if !roles[role] {
			roles[role] = true
			roleOrder = append(roleOrder, role)
		}
	}
	perms := map[domain.Permission]bool{}
	var permOrder []domain.Permission
	addPerm := func(p domain.Permission) {
		if !perms[p] {
			perms[p] = true
			permOrder = append(permOrder, p)
		}
	}
	for _, role := range domain.Roles {
		addRole(role)
	}
	for _, p := range domain.Permissions {
		addPerm(p)
	}
	seeded := map[domain.Role]bool{}
	for _, g := range grants {
		if !g.Scope.Valid() {
			return domain.Invalid("scope", fmt.Sprintf("%q is not any, own or assigned", g.Scope))
		}
		addRole(g.Role)
		addPerm(g.Permission)
		seeded[g.Role] = true
	}
	err := r.q(ctx).Transaction(func(tx *gorm.DB) error {
		in := &Repos{db: tx, driver: r.driver, now: r.now}
		for _, role := range roleOrder {
			if err := in.insertIgnore(ctx, "roles", []string{"name"}, "name", string(role)); err != nil {
				return err
			}
		}
		for _, p := range permOrder {
			if err := in.insertIgnore(ctx, "permissions", []string{"name"}, "name", string(p)); err != nil {
				return err
			}
		}
		for _, role := range roleOrder {
			if !seeded[role] {
				continue
			}
			if err := tx.WithContext(ctx).Exec("DELETE FROM role_permissions WHERE role = ?", string(role)).Error; err != nil {
				return err
			}
		}
		for _, g := range grants {
			if err := in.insertIgnore(ctx, "role_permissions", []string{"role", "permission", "scope"}, "role, permission",
				string(g.Role), string(g.Permission), string(g.Scope)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return translate("seed grants", err)
	}
	return nil
}
