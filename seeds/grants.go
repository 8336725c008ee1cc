package seeds

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"

	"github.com/epic-events/crm/internal/domain"
)

//go:embed data/*.json
var data embed.FS

// decode reads one embedded file strictly: a misspelt key is an error, not a silent default.
func decode(name string, v any) error {
	raw, err := data.ReadFile("data/" + name)
	if err != nil {
		return fmt.Errorf("seeds: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("seeds: %s: %w", name, err)
	}
	return nil
}

type roleGrants struct {
	Role        domain.Role                        `json:"role"`
	Permissions map[domain.Permission]domain.Scope `json:"permissions"`
}

// Grants returns the whole permission matrix, role by role in the order of
// domain.Roles and permission by permission in the order of domain.Permissions.
// A permission a role does not hold is absent, which the policy denies.
func Grants() ([]domain.Grant, error) {
	var roles []roleGrants
	if err := decode("grants.json", &roles); err != nil {
		return nil, err
	}
	byRole := make(map[domain.Role]map[domain.Permission]domain.Scope, len(roles))
	for _, r := range roles {
		if !r.Role.Valid() {
			return nil, fmt.Errorf("seeds: grants.json: unknown role %q", r.Role)
		}
		if _, dup := byRole[r.Role]; dup {
			return nil, fmt.Errorf("seeds: grants.json: role %q listed twice", r.Role)
		}
		for p, s := range r.Permissions {
			if !knownPermission(p) {
				return nil, fmt.Errorf("seeds: grants.json: role %q: unknown permission %q", r.Role, p)
			}
			if !s.Valid() {
				return nil, fmt.Errorf("seeds: grants.json: role %q: permission %q: unknown scope %q", r.Role, p, s)
			}
		}
		byRole[r.Role] = r.Permissions
	}
	var grants []domain.Grant
	for _, role := range domain.Roles {
		perms, ok := byRole[role]
		if !ok {
			return nil, fmt.Errorf("seeds: grants.json: role %q is missing", role)
		}
		for _, p := range domain.Permissions {
			if s, held := perms[p]; held {
				grants = append(grants, domain.Grant{Role: role, Permission: p, Scope: s})
			}
		}
	}
	return grants, nil
}

func knownPermission(p domain.Permission) bool {
	for _, known := range domain.Permissions {
		if p == known {
			return true
		}
	}
	return false
}
