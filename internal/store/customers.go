package store

import (
	"context"
	"errors"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"gorm.io/gorm"
)

type customerRow struct {
	ID             int64 `gorm:"primaryKey"`
	FullName       string
	Email          string
	Phone          string
	CompanyName    string
	SalesContactID int64
	Version        int64
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (customerRow) TableName() string { return "customers" }

// customerView is a customer with its sales contact's name, read in one query.
type customerView struct {
	Row              customerRow `gorm:"embedded"`
	SalesContactName string
}

const customerSelect = `SELECT c.id, c.full_name, c.email, c.phone, c.company_name, c.sales_contact_id,
	c.version, c.created_at, c.updated_at, u.full_name AS sales_contact_name
	FROM customers c JOIN users u ON u.id = c.sales_contact_id`

func (v customerView) domain() domain.Customer {
	return domain.Customer{
		ID:               v.Row.ID,
		FullName:         v.Row.FullName,
		Email:            v.Row.Email,
		Phone:            v.Row.Phone,
		CompanyName:      v.Row.CompanyName,
		SalesContactID:   v.Row.SalesContactID,
		SalesContactName: v.SalesContactName,
		Version:          v.Row.Version,
		CreatedAt:        v.Row.CreatedAt.UTC(),
		UpdatedAt:        v.Row.UpdatedAt.UTC(),
	}
}

// GetCustomer reads a customer with its sales contact's name.
func (r *Repos) GetCustomer(ctx context.Context, id domain.ID) (domain.Customer, error) {
	rows, err := scanRows[customerView](r.q(ctx).Raw(customerSelect+" WHERE c.id = ?", id))
	if err != nil {
		return domain.Customer{}, translate("get customer", err)
	}
	if len(rows) == 0 {
		return domain.Customer{}, domain.NotFound("customer", id)
	}
	return rows[0].domain(), nil
}

func (r *Repos) customerRefs(c *domain.Customer) []ref {
	return []ref{{"sales_contact_id", "users", "collaborator", c.SalesContactID}}
}

// CreateCustomer inserts c and sets its ID, Version, CreatedAt and UpdatedAt (a
// non-zero UpdatedAt, the "last contact", given by the caller is kept).
func (r *Repos) CreateCustomer(ctx context.Context, c *domain.Customer) error {
	row := customerRow{
		FullName:       c.FullName,
		Email:          domain.NormalizeEmail(c.Email),
		Phone:          c.Phone,
		CompanyName:    c.CompanyName,
		SalesContactID: c.SalesContactID,
		Version:        1,
		CreatedAt:      r.clock(c.CreatedAt),
	}
	row.UpdatedAt = row.CreatedAt
	if !c.UpdatedAt.IsZero() {
		row.UpdatedAt = stamp(c.UpdatedAt)
	}
	if err := r.q(ctx).Create(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrForeignKeyViolated) {
			return r.missingRef(ctx, "create customer", err, r.customerRefs(c)...)
		}
		return translate("create customer", err)
	}
	name := c.SalesContactName
	*c = customerView{Row: row, SalesContactName: name}.domain()
	return nil
}

// customerColumns are the columns of c an update may write, as stored.
func customerColumns(c *domain.Customer) []column {
	return []column{
		{"full_name", c.FullName},
		{"email", domain.NormalizeEmail(c.Email)},
		{"phone", c.Phone},
		{"company_name", c.CompanyName},
		{"sales_contact_id", c.SalesContactID},
	}
}

// UpdateCustomer writes the fields of c that differ from the stored customer if
// its version is still c.Version, reading the customer first; a caller that
// holds the customer as it read it calls UpdateCustomerFrom and saves the read.
func (r *Repos) UpdateCustomer(ctx context.Context, c *domain.Customer) error {
	was, err := r.GetCustomer(ctx, c.ID)
	return updateLatest(err, was.Version, c.Version, func() error { return r.UpdateCustomerFrom(ctx, was, c) })
}

// UpdateCustomerFrom writes the fields of c that differ from was, the customer
// as read at c.Version, if the stored version is still c.Version; the fields
// left as they were are not written. SalesContactName is not stored with the
// customer: when empty it is was's for the same contact, or read from the
// store for another one; otherwise it must be the name of c.SalesContactID.
func (r *Repos) UpdateCustomerFrom(ctx context.Context, was domain.Customer, c *domain.Customer) error {
	const op = "update customer"
	now, err := r.updateChanged(ctx, versioned{op: op, table: "customers", entity: "customer",
		id: c.ID, version: c.Version, readID: was.ID, readVersion: was.Version,
		was: customerColumns(&was), next: customerColumns(c), refs: r.customerRefs(c)})
	if err != nil {
		return err
	}
	c.Email = domain.NormalizeEmail(c.Email)
	c.Version++
	c.UpdatedAt = now
	if c.SalesContactName != "" {
		// The caller read it with the customer, or set it with a new contact: an
		// update is one statement fewer without reading it again.
		return nil
	}
	if c.SalesContactID == was.SalesContactID {
		c.SalesContactName = was.SalesContactName
		return nil
	}
	c.SalesContactName, err = r.userName(ctx, op, c.SalesContactID)
	return err
}

// userName reads a collaborator's full name for a record that shows it beside
// their id: "" when there is no such collaborator.
func (r *Repos) userName(ctx context.Context, op string, id domain.ID) (string, error) {
	var names []string
	if err := r.q(ctx).Raw("SELECT full_name FROM users WHERE id = ?", id).Scan(&names).Error; err != nil {
		return "", translate(op, err)
	}
	if len(names) == 0 {
		return "", nil
	}
	return names[0], nil
}

// DeleteCustomer deletes a customer that has no contract.
func (r *Repos) DeleteCustomer(ctx context.Context, id domain.ID) error {
	return r.deleteRow(ctx, "delete customer", "customers", "customer", id,
		child{"contracts", "customer_id", "contracts"})
}

// ListCustomers lists customers by full name, then id. A search page reads at
// most a window of the list (searchWithin).
func (r *Repos) ListCustomers(ctx context.Context, f domain.CustomerFilter) (domain.List[domain.Customer], error) {
	order := keyOrder{list: "customers", keyCol: "c.full_name", idCol: "c.id"}
	after, more, err := decodeCursor(f.After, order.list)
	if err != nil {
		return domain.List[domain.Customer]{}, err
	}
	var w where
	if f.SalesContactID != 0 {
		w.add("c.sales_contact_id = ?", f.SalesContactID)
	}
	if more {
		order.after(&w, after)
	}
	end, err := r.searchWithin(ctx, &w, "FROM customers c", order, f.Search, "c.full_name", "c.email", "c.company_name")
	if err != nil {
		return domain.List[domain.Customer]{}, translate("list customers", err)
	}
	size := f.Size()
	rows, err := scanRows[customerView](r.q(ctx).Raw(r.joined(customerSelect)+w.sql()+order.orderBy()+" LIMIT ?", append(w.args, size+1)...))
	if err != nil {
		return domain.List[domain.Customer]{}, translate("list customers", err)
	}
	return within(pageOf(rows, size, customerView.domain, func(last customerView) cursorKey {
		return cursorKey{List: order.list, Text: last.Row.FullName, ID: last.Row.ID}
	}), end, size), nil
}
