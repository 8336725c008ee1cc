package domain

import "time"

// Change is one field of an update: its value before and after. Secrets never appear.
type Change struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// AuditEntry is one business event, written in the same transaction as the change it records.
type AuditEntry struct {
	ID         ID
	ActorID    *ID    // nil for the system (seeding) or an unknown login
	ActorEmail string // copied when written, so the trail stays readable after a delete
	Action     string // e.g. "customer.create", "contract.sign", "user.deactivate"
	Entity     string // "user", "customer", "contract", "payment", "event", "session"
	EntityID   ID
	Changes    []Change
	At         time.Time
}
