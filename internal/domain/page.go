package domain

import "time"

// DefaultPageSize is the number of rows in a page of a list.
const DefaultPageSize = 20

// MaxPageSize caps what a caller may ask for in one page.
const MaxPageSize = 500

// Cursor marks where a page ended; the next page continues after it (keyset paging).
// It is opaque to everyone but the store. The empty cursor is the first page.
type Cursor string

// Page asks for one page of a list.
type Page struct {
	After Cursor
	Limit int // 0 means DefaultPageSize
}

// Size returns the number of rows to fetch, within bounds.
func (p Page) Size() int {
	switch {
	case p.Limit <= 0:
		return DefaultPageSize
	case p.Limit > MaxPageSize:
		return MaxPageSize
	default:
		return p.Limit
	}
}

// List is one page of results; Next is empty when there is nothing after it.
type List[T any] struct {
	Items []T
	Next  Cursor
	// Searched is set on a page of a search that stopped before it was full
	// because it had looked through as many rows of the list as one page may
	// (the store's search window): it is that number of rows, and Next goes on
	// searching after them. A short page of a search with Searched zero is the
	// end of the list.
	Searched int
}

// UserFilter narrows the list of collaborators (ordered by full name, then id).
type UserFilter struct {
	Role            Role // empty: every role
	IncludeInactive bool
	OnlyInactive    bool
	Search          string // in name, email, employee number
	Page
}

// CustomerFilter narrows the list of customers (ordered by full name, then id).
type CustomerFilter struct {
	SalesContactID ID     // 0: everyone's; otherwise "my customers"
	Search         string // in full name, email and company name
	Page
}

// ContractFilter narrows the list of contracts (newest first: created_at, then id, descending).
type ContractFilter struct {
	CustomerID     ID
	SalesContactID ID             // contracts of that collaborator's customers
	Status         ContractStatus // empty: any; ContractDraft is "unsigned"
	Unpaid         bool           // amount due > 0
	Search         string         // in the customer's name, email and company
	Page
}

// EventFilter narrows the list of events (ordered by start time, then id).
type EventFilter struct {
	ContractID       ID
	SupportContactID ID // "my events" for support
	WithoutSupport   bool
	From, To         *time.Time // start_at within [From, To): the upcoming window
	Search           string     // in the event's name, location and the customer's name
	Page
}

// AuditFilter narrows the audit log (newest first).
type AuditFilter struct {
	Entity  string
	ActorID ID
	Since   *time.Time
	Page
}
