package service

import (
	"context"
	"time"

	"github.com/epic-events/crm/internal/domain"
)

// Store is what the services need from storage. internal/store implements it
// (app adapts the concrete transaction type to Repos); every method returns a
// *domain.Error for not found (CodeNotFound), duplicates (CodeConflict naming the
// field), stale versions (domain.ErrStale) and an unreachable database
// (CodeUnavailable); anything else is internal.
//
// Every update is version-checked and given the record as the service read it
// (was) beside the record to write: the store writes only the columns that
// differ, plus the version and updated_at, where the stored version is still
// was's (domain.ErrStale otherwise). An unchanged column is never written, so
// neither its index entries nor a concurrent change to it are touched.
type Store interface {
	Repos
	// Tx runs fn in one database transaction: committed when fn returns nil,
	// rolled back otherwise. Inside fn only the Repos it was given may be used.
	Tx(ctx context.Context, fn func(Repos) error) error
}

// Repos is every repository, either on the pool or inside one transaction.
type Repos interface {
	UserRepo
	CustomerRepo
	ContractRepo
	EventRepo
	SessionRepo
	AuditRepo
	SettingRepo
	GrantRepo
}

// UserRepo stores collaborators. Emails are looked up lower-cased.
type UserRepo interface {
	GetUser(ctx context.Context, id domain.ID) (domain.Collaborator, error)
	// GetUserForUpdate reads the collaborator and locks their row until the
	// transaction ends (SELECT ... FOR UPDATE on MySQL), so failed logins add up.
	GetUserForUpdate(ctx context.Context, id domain.ID) (domain.Collaborator, error)
	GetUserByEmail(ctx context.Context, email string) (domain.Collaborator, error)
	GetUserByEmployeeNumber(ctx context.Context, number string) (domain.Collaborator, error)
	// CreateUser inserts u and sets its ID, Version (1), CreatedAt and UpdatedAt.
	CreateUser(ctx context.Context, u *domain.Collaborator) error
	// UpdateUserFrom writes the fields of u that differ from was (read at
	// u.Version), then bumps u.Version and UpdatedAt; domain.ErrStale when the row
	// changed. The login state is SetLoginState's alone and never written here.
	UpdateUserFrom(ctx context.Context, was domain.Collaborator, u *domain.Collaborator) error
	// SetLoginState records failed logins and the lock without touching Version.
	SetLoginState(ctx context.Context, id domain.ID, failed int, lockedUntil *time.Time) error
	// RehashPassword, a login's upkeep, replaces the hash old by new without
	// touching Version; false when the stored hash is no longer old.
	RehashPassword(ctx context.Context, userID domain.ID, old, new string) (bool, error)
	DeleteUser(ctx context.Context, id domain.ID) error
	ListUsers(ctx context.Context, f domain.UserFilter) (domain.List[domain.Collaborator], error)
	// UserHoldings lists the customers a collaborator looks after and the events they support.
	UserHoldings(ctx context.Context, id domain.ID) (domain.Holdings, error)
	// NextEmployeeNumber proposes the next free "EE-NNNN".
	NextEmployeeNumber(ctx context.Context) (string, error)
}

// CustomerRepo stores customers.
type CustomerRepo interface {
	GetCustomer(ctx context.Context, id domain.ID) (domain.Customer, error)
	CreateCustomer(ctx context.Context, c *domain.Customer) error
	UpdateCustomerFrom(ctx context.Context, was domain.Customer, c *domain.Customer) error // as UpdateUserFrom
	DeleteCustomer(ctx context.Context, id domain.ID) error
	ListCustomers(ctx context.Context, f domain.CustomerFilter) (domain.List[domain.Customer], error)
}

// ContractRepo stores contracts and their payments.
type ContractRepo interface {
	GetContract(ctx context.Context, id domain.ID) (domain.Contract, error)
	// GetContractForUpdate reads the contract and locks its row until the transaction
	// ends (SELECT ... FOR UPDATE on MySQL), so concurrent payments serialise.
	GetContractForUpdate(ctx context.Context, id domain.ID) (domain.Contract, error)
	CreateContract(ctx context.Context, c *domain.Contract) error
	UpdateContractFrom(ctx context.Context, was domain.Contract, c *domain.Contract) error // as UpdateUserFrom
	DeleteContract(ctx context.Context, id domain.ID) error
	ListContracts(ctx context.Context, f domain.ContractFilter) (domain.List[domain.Contract], error)
	AddPayment(ctx context.Context, p *domain.Payment) error
	ListPayments(ctx context.Context, contractID domain.ID) ([]domain.Payment, error)
	// PaidTotal is the sum of a contract's payments (0 when none).
	PaidTotal(ctx context.Context, contractID domain.ID) (domain.Money, error)
}

// EventRepo stores events.
type EventRepo interface {
	GetEvent(ctx context.Context, id domain.ID) (domain.Event, error)
	CreateEvent(ctx context.Context, e *domain.Event) error
	UpdateEventFrom(ctx context.Context, was domain.Event, e *domain.Event) error // as UpdateUserFrom
	DeleteEvent(ctx context.Context, id domain.ID) error
	ListEvents(ctx context.Context, f domain.EventFilter) (domain.List[domain.Event], error)
	// OverlappingEvents lists the events of a support collaborator whose period overlaps
	// [start, end), other than the event excluded.
	OverlappingEvents(ctx context.Context, supportID domain.ID, start, end time.Time, exclude domain.ID) ([]domain.Event, error)
	// CountUpcomingEvents counts events of a contract starting at or after t.
	CountUpcomingEvents(ctx context.Context, contractID domain.ID, t time.Time) (int, error)
}

// SessionRepo keeps the sessions (JWT ids) so that they can be revoked.
type SessionRepo interface {
	CreateSession(ctx context.Context, s domain.Session) error
	GetSession(ctx context.Context, id string) (domain.Session, error)
	RevokeSession(ctx context.Context, id string, at time.Time) error
	// RevokeUserSessions revokes every open session of a user except the one kept ("" for none).
	RevokeUserSessions(ctx context.Context, userID domain.ID, keep string, at time.Time) error
	// PruneSessions deletes up to limit sessions that expired before before, oldest first.
	PruneSessions(ctx context.Context, before time.Time, limit int) (int64, error)
}

// AuditRepo keeps the audit trail.
type AuditRepo interface {
	AddAudit(ctx context.Context, e *domain.AuditEntry) error
	ListAudit(ctx context.Context, f domain.AuditFilter) (domain.List[domain.AuditEntry], error)
}

// SettingRepo keeps small key/value settings, such as the generated session signing key.
type SettingRepo interface {
	GetSetting(ctx context.Context, key string) (string, error) // CodeNotFound when absent
	// PutSettingIfAbsent stores value under key unless the key exists, and returns
	// the value now stored (so two processes racing agree on one key).
	PutSettingIfAbsent(ctx context.Context, key, value string) (string, error)
}

// GrantRepo reads the permission matrix.
type GrantRepo interface {
	GrantsFor(ctx context.Context, role domain.Role) (domain.Grants, error)
}
