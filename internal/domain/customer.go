package domain

import "time"

// Customer is a company's contact, looked after by one sales collaborator.
type Customer struct {
	ID               ID
	FullName         string
	Email            string // unique, stored lower-cased
	Phone            string
	CompanyName      string
	SalesContactID   ID
	SalesContactName string // read-only, joined for display
	Version          int64
	CreatedAt        time.Time
	UpdatedAt        time.Time // shown to staff as the date of last contact
}
