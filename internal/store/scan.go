package store

import (
	"fmt"

	"gorm.io/gorm"
)

// The reads that every list page and detail view makes scan their rows
// straight into the fields, in the order of their SELECT. GORM's Scan matches
// columns to fields by reflection on every row, which on SQLite cost half as
// much again as the query itself for a page of 20 events (BENCHMARKS.md).

// fielded is a row type that lists its fields in its SELECT's column order.
type fielded[T any] interface {
	*T
	fields() []any
}

// scanRows runs the statement q and reads every row into a T.
func scanRows[T any, PT fielded[T]](q *gorm.DB) ([]T, error) {
	rows, err := q.Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := rows.Scan(PT(&v).fields()...); err != nil {
			return nil, fmt.Errorf("scan: %w", err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// customerSelect's columns.
func (v *customerView) fields() []any {
	r := &v.Row
	return []any{&r.ID, &r.FullName, &r.Email, &r.Phone, &r.CompanyName, &r.SalesContactID,
		&r.Version, &r.CreatedAt, &r.UpdatedAt, &v.SalesContactName}
}

// contractSelect's columns.
func (v *contractView) fields() []any {
	r := &v.Row
	return []any{&r.ID, &r.CustomerID, &r.TotalAmount, &r.AmountDue, &r.Status, &r.SignedAt,
		&r.Version, &r.CreatedAt, &r.UpdatedAt, &v.CustomerName, &v.SalesContactID, &v.SalesContactName}
}

// eventSelect's columns.
func (v *eventView) fields() []any {
	r := &v.Row
	return []any{&r.ID, &r.ContractID, &r.Name, &r.SupportContactID, &r.StartAt, &r.EndAt,
		&r.Location, &r.Attendees, &r.Notes, &r.Version, &r.CreatedAt, &r.UpdatedAt,
		&v.CustomerID, &v.CustomerName, &v.CustomerEmail, &v.CustomerPhone, &v.SalesContactID, &v.SupportContactName}
}

// userCols.
func (u *userRow) fields() []any {
	return []any{&u.ID, &u.EmployeeNumber, &u.FullName, &u.Email, &u.PasswordHash, &u.Role, &u.Active,
		&u.FailedLogins, &u.LockedUntil, &u.MustChangePassword, &u.Version, &u.CreatedAt, &u.UpdatedAt}
}

// ListAudit's columns.
func (a *auditRow) fields() []any {
	return []any{&a.ID, &a.ActorID, &a.ActorEmail, &a.Action, &a.Entity, &a.EntityID, &a.Changes, &a.At}
}
