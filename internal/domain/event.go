package domain

import "time"

// Event is what support staff run on the day, for a signed contract.
type Event struct {
	ID               ID
	ContractID       ID
	Name             string
	SupportContactID *ID // nil until management assigns someone
	StartAt          time.Time
	EndAt            time.Time
	Location         string
	Attendees        int
	Notes            string
	Version          int64
	CreatedAt        time.Time
	UpdatedAt        time.Time

	// Read-only, joined for display and authorisation.
	CustomerID         ID
	CustomerName       string
	CustomerEmail      string
	CustomerPhone      string
	SalesContactID     ID
	SupportContactName string
}
