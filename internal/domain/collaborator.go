package domain

import "time"

// ID identifies a stored row. Ids are neither dense nor sequential: never do arithmetic on them.
type ID = int64

// Role is a collaborator's department; what it may do is data (see Grants).
type Role string

const (
	RoleManagement Role = "management"
	RoleSales      Role = "sales"
	RoleSupport    Role = "support"
)

// Roles lists every role, in the order menus show them.
var Roles = []Role{RoleManagement, RoleSales, RoleSupport}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool {
	for _, known := range Roles {
		if r == known {
			return true
		}
	}
	return false
}

// Collaborator is a member of staff and the login of the CRM.
type Collaborator struct {
	ID             ID
	EmployeeNumber string // unique, e.g. "EE-0042"
	FullName       string
	Email          string // unique, stored lower-cased: the login
	PasswordHash   string // argon2id encoded hash; never shown, logged or reported
	Role           Role
	Active         bool
	FailedLogins   int        // consecutive failures since the last success
	LockedUntil    *time.Time // set after too many failures
	// MustChangePassword is set when a manager chose the password (creating
	// the collaborator, resetting it) and cleared when its owner changes it:
	// until then they may do nothing else (service.Actor).
	MustChangePassword bool
	Version            int64 // optimistic lock: an update must name the version it read
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// Holdings is what a collaborator still owns or is assigned, which blocks their deletion.
type Holdings struct {
	Customers []Ref // customers whose sales contact they are (their contracts follow them)
	Events    []Ref // events whose support contact they are
}

// Empty reports whether nothing is held.
func (h Holdings) Empty() bool { return len(h.Customers) == 0 && len(h.Events) == 0 }

// Ref names a record for a message or a pick list.
type Ref struct {
	ID   ID
	Name string
}

// Session is a login: the JWT's jti, kept so that it can be revoked.
type Session struct {
	ID        string // the token's jti
	UserID    ID
	CreatedAt time.Time
	ExpiresAt time.Time
	RevokedAt *time.Time
}
