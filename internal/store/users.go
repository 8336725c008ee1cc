package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"gorm.io/gorm"
)

type userRow struct {
	ID                 int64 `gorm:"primaryKey"`
	EmployeeNumber     string
	FullName           string
	Email              string
	PasswordHash       string
	Role               string
	Active             bool
	FailedLogins       int
	LockedUntil        *time.Time
	MustChangePassword bool
	Version            int64
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

func (userRow) TableName() string { return "users" }

const userCols = "id, employee_number, full_name, email, password_hash, role, active, failed_logins, locked_until, must_change_password, version, created_at, updated_at"

func (u userRow) domain() domain.Collaborator {
	return domain.Collaborator{
		ID:                 u.ID,
		EmployeeNumber:     u.EmployeeNumber,
		FullName:           u.FullName,
		Email:              u.Email,
		PasswordHash:       u.PasswordHash,
		Role:               domain.Role(u.Role),
		Active:             u.Active,
		FailedLogins:       u.FailedLogins,
		LockedUntil:        utcPtr(u.LockedUntil),
		MustChangePassword: u.MustChangePassword,
		Version:            u.Version,
		CreatedAt:          u.CreatedAt.UTC(),
		UpdatedAt:          u.UpdatedAt.UTC(),
	}
}

func (r *Repos) getUserBy(ctx context.Context, op, col string, key any, notFound func() error) (domain.Collaborator, error) {
	return r.getUserWhere(ctx, op, col, key, "", notFound)
}

func (r *Repos) getUserWhere(ctx context.Context, op, col string, key any, lock string, notFound func() error) (domain.Collaborator, error) {
	rows, err := scanRows[userRow](r.q(ctx).Raw("SELECT "+userCols+" FROM users WHERE "+col+" = ? LIMIT 1"+lock, key))
	if err != nil {
		return domain.Collaborator{}, translate(op, err)
	}
	if len(rows) == 0 {
		return domain.Collaborator{}, notFound()
	}
	return rows[0].domain(), nil
}

// GetUser reads a collaborator by id.
func (r *Repos) GetUser(ctx context.Context, id domain.ID) (domain.Collaborator, error) {
	return r.getUserBy(ctx, "get user", "id", id, func() error { return domain.NotFound("collaborator", id) })
}

// GetUserForUpdate reads a collaborator and, on MySQL, locks the row until the
// transaction ends, so that concurrent read-then-write of the login state (failed
// logins from several terminals) add up instead of overwriting each other.
// SQLite needs no lock: its transactions already hold the write lock.
func (r *Repos) GetUserForUpdate(ctx context.Context, id domain.ID) (domain.Collaborator, error) {
	lock := ""
	if r.mysql() {
		lock = " FOR UPDATE"
	}
	return r.getUserWhere(ctx, "get user for update", "id", id, lock, func() error { return domain.NotFound("collaborator", id) })
}

// GetUserByEmail reads a collaborator by email, whatever its letter case.
// The email is not repeated in the not-found message: logins report failures.
func (r *Repos) GetUserByEmail(ctx context.Context, email string) (domain.Collaborator, error) {
	return r.getUserBy(ctx, "get user by email", "email", domain.NormalizeEmail(email), func() error {
		return domain.Errorf(domain.CodeNotFound, "no collaborator has this email")
	})
}

// GetUserByEmployeeNumber reads a collaborator by employee number.
func (r *Repos) GetUserByEmployeeNumber(ctx context.Context, number string) (domain.Collaborator, error) {
	number = strings.TrimSpace(number)
	return r.getUserBy(ctx, "get user by employee number", "employee_number", number, func() error {
		return domain.NotFound("collaborator", number)
	})
}

// CreateUser inserts u and sets its ID, Version, CreatedAt and UpdatedAt (a
// non-zero CreatedAt or UpdatedAt given by the caller is kept).
func (r *Repos) CreateUser(ctx context.Context, u *domain.Collaborator) error {
	row := userRow{
		EmployeeNumber:     strings.TrimSpace(u.EmployeeNumber),
		FullName:           u.FullName,
		Email:              domain.NormalizeEmail(u.Email),
		PasswordHash:       u.PasswordHash,
		Role:               string(u.Role),
		Active:             u.Active,
		FailedLogins:       u.FailedLogins,
		LockedUntil:        stampPtr(u.LockedUntil),
		MustChangePassword: u.MustChangePassword,
		Version:            1,
		CreatedAt:          r.clock(u.CreatedAt),
	}
	row.UpdatedAt = row.CreatedAt
	if !u.UpdatedAt.IsZero() {
		row.UpdatedAt = stamp(u.UpdatedAt)
	}
	if err := r.q(ctx).Create(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrForeignKeyViolated) {
			return r.missingRef(ctx, "create user", err, ref{"role", "roles", "role", row.Role})
		}
		return translate("create user", err)
	}
	*u = row.domain()
	return nil
}

// userColumns are the columns of u an update may write, as stored. The login
// state (failed logins, lock) is not among them: SetLoginState alone writes it,
// without a version, so an edit read before a failed login never undoes it.
func userColumns(u *domain.Collaborator) []column {
	return []column{
		{"employee_number", strings.TrimSpace(u.EmployeeNumber)},
		{"full_name", u.FullName},
		{"email", domain.NormalizeEmail(u.Email)},
		{"password_hash", u.PasswordHash},
		{"role", string(u.Role)},
		{"active", u.Active},
		{"must_change_password", u.MustChangePassword},
	}
}

// UpdateUser writes the fields of u that differ from the stored collaborator if
// their version is still u.Version, reading (and, on MySQL, locking) the row
// first; a caller that holds the collaborator as it read them calls
// UpdateUserFrom and saves the read.
func (r *Repos) UpdateUser(ctx context.Context, u *domain.Collaborator) error {
	was, err := r.GetUserForUpdate(ctx, u.ID)
	return updateLatest(err, was.Version, u.Version, func() error { return r.UpdateUserFrom(ctx, was, u) })
}

// UpdateUserFrom writes the fields of u that differ from was, the collaborator
// as read at u.Version, if the stored version is still u.Version; the fields
// left as they were are not written, nor is the login state.
func (r *Repos) UpdateUserFrom(ctx context.Context, was domain.Collaborator, u *domain.Collaborator) error {
	const op = "update user"
	now, err := r.updateChanged(ctx, versioned{op: op, table: "users", entity: "collaborator",
		id: u.ID, version: u.Version, readID: was.ID, readVersion: was.Version,
		was: userColumns(&was), next: userColumns(u),
		refs: []ref{{"role", "roles", "role", string(u.Role)}}})
	if err != nil {
		return err
	}
	u.EmployeeNumber, u.Email = strings.TrimSpace(u.EmployeeNumber), domain.NormalizeEmail(u.Email)
	u.Version++
	u.UpdatedAt = now
	return nil
}

// RehashPassword replaces a collaborator's password hash old by new, the same
// password hashed at today's cost, and reports whether it did: not when the
// stored hash is no longer old (a reset or a change committed since it was
// read wins). Version and updated_at are left alone, as SetLoginState leaves
// them: the collaborator's record has not changed for anyone who edits it, and
// a login must not make their open edit stale.
func (r *Repos) RehashPassword(ctx context.Context, userID domain.ID, old, new string) (bool, error) {
	res := r.q(ctx).Exec("UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?", new, userID, old)
	if res.Error != nil {
		return false, translate("rehash password", res.Error)
	}
	return res.RowsAffected == 1, nil
}

// SetLoginState records failed logins and the lock; it leaves Version alone so
// that a login never makes someone's open edit stale.
func (r *Repos) SetLoginState(ctx context.Context, id domain.ID, failed int, lockedUntil *time.Time) error {
	res := r.q(ctx).Exec("UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?", failed, stampPtr(lockedUntil), id)
	if res.Error != nil {
		return translate("set login state", res.Error)
	}
	if res.RowsAffected == 0 {
		return domain.NotFound("collaborator", id)
	}
	return nil
}

// DeleteUser deletes a collaborator who holds nothing; their sessions go with them.
func (r *Repos) DeleteUser(ctx context.Context, id domain.ID) error {
	return r.deleteRow(ctx, "delete user", "users", "collaborator", id,
		child{"customers", "sales_contact_id", "customers"},
		child{"events", "support_contact_id", "events"},
		child{"payments", "recorded_by", "payments they recorded"},
	)
}

// ListUsers lists collaborators by full name, then id. A search page reads at
// most a window of the list (searchWithin).
func (r *Repos) ListUsers(ctx context.Context, f domain.UserFilter) (domain.List[domain.Collaborator], error) {
	order := keyOrder{list: "users", keyCol: "full_name", idCol: "id"}
	after, more, err := decodeCursor(f.After, order.list)
	if err != nil {
		return domain.List[domain.Collaborator]{}, err
	}
	var w where
	if f.Role != "" {
		w.add("role = ?", string(f.Role))
	}
	switch {
	case f.OnlyInactive:
		w.add("active = ?", false)
	case !f.IncludeInactive:
		w.add("active = ?", true)
	}
	if more {
		order.after(&w, after)
	}
	from := "FROM users"
	switch {
	case r.mysql() && f.Role == "":
		// The staff table is small enough (hundreds) that MariaDB prefers to read
		// and sort all of it; walking the name index reads one page instead.
		from += " FORCE INDEX (ix_users_name)"
	case r.mysql():
		// Continued from a cursor, MariaDB would read the role by ref, from its
		// first name up to the cursor, rather than by range from the cursor.
		from += " FORCE INDEX (ix_users_role_name)"
	}
	end, err := r.searchWithin(ctx, &w, from, order, f.Search, "full_name", "email", "employee_number")
	if err != nil {
		return domain.List[domain.Collaborator]{}, translate("list users", err)
	}
	size := f.Size()
	rows, err := scanRows[userRow](r.q(ctx).Raw("SELECT "+userCols+" "+from+w.sql()+order.orderBy()+" LIMIT ?", append(w.args, size+1)...))
	if err != nil {
		return domain.List[domain.Collaborator]{}, translate("list users", err)
	}
	return within(pageOf(rows, size, userRow.domain, func(last userRow) cursorKey {
		return cursorKey{List: order.list, Text: last.FullName, ID: last.ID}
	}), end, size), nil
}

// UserHoldings lists what keeps a collaborator from being deleted.
func (r *Repos) UserHoldings(ctx context.Context, id domain.ID) (domain.Holdings, error) {
	var h domain.Holdings
	var customers, events []refRow
	if err := r.q(ctx).Raw("SELECT id, full_name AS name FROM customers WHERE sales_contact_id = ? ORDER BY full_name, id", id).Scan(&customers).Error; err != nil {
		return h, translate("user holdings", err)
	}
	if err := r.q(ctx).Raw("SELECT id, name FROM events WHERE support_contact_id = ? ORDER BY start_at, id", id).Scan(&events).Error; err != nil {
		return h, translate("user holdings", err)
	}
	h.Customers = refs(customers)
	h.Events = refs(events)
	return h, nil
}

type refRow struct {
	ID   int64
	Name string
}

func refs(rows []refRow) []domain.Ref {
	if len(rows) == 0 {
		return nil
	}
	out := make([]domain.Ref, len(rows))
	for i, r := range rows {
		out[i] = domain.Ref{ID: r.ID, Name: r.Name}
	}
	return out
}

// NextEmployeeNumber proposes the number after the highest "EE-" number in use.
func (r *Repos) NextEmployeeNumber(ctx context.Context) (string, error) {
	// Longer numbers are larger (EE-10000 > EE-9999), so order by length first.
	var numbers []string
	err := r.q(ctx).Raw(`SELECT employee_number FROM users WHERE employee_number LIKE 'EE-%'
		ORDER BY LENGTH(employee_number) DESC, employee_number DESC LIMIT 1`).Scan(&numbers).Error
	if err != nil {
		return "", translate("next employee number", err)
	}
	next := 1
	if len(numbers) > 0 {
		n, err := strconv.Atoi(numbers[0][3:])
		if err != nil {
			return "", fmt.Errorf("next employee number: %q is not EE- and digits", numbers[0])
		}
		next = n + 1
	}
	return fmt.Sprintf("EE-%04d", next), nil
}
