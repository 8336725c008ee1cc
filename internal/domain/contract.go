package domain

import "time"

// ContractStatus is where a contract stands. Signing is one-way.
type ContractStatus string

const (
	ContractDraft     ContractStatus = "draft"
	ContractSigned    ContractStatus = "signed"
	ContractCancelled ContractStatus = "cancelled"
)

// Valid reports whether s is a known status.
func (s ContractStatus) Valid() bool {
	return s == ContractDraft || s == ContractSigned || s == ContractCancelled
}

// Contract is what a customer agreed to pay. Its sales contact is always its
// customer's: there is no column for it, so reassigning a customer moves its contracts.
type Contract struct {
	ID          ID
	CustomerID  ID
	TotalAmount Money
	AmountDue   Money // TotalAmount minus the payments received, never below 0
	Status      ContractStatus
	SignedAt    *time.Time
	Version     int64
	CreatedAt   time.Time
	UpdatedAt   time.Time

	// Read-only, joined from the customer for display and authorisation.
	CustomerName     string
	SalesContactID   ID
	SalesContactName string
}

// Paid reports whether nothing is left to pay.
func (c Contract) Paid() bool { return c.AmountDue == 0 }

// Payment is one amount received against a contract.
type Payment struct {
	ID           ID
	ContractID   ID
	Amount       Money
	ReceivedAt   time.Time
	RecordedByID ID
	CreatedAt    time.Time
}
