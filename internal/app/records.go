package app

import (
	"strconv"
	"strings"

	"github.com/epic-events/crm/internal/domain"
)

// The records below are the machine forms of the commands' output: the JSON
// objects (stable snake_case keys; money as a decimal string, in cents, and
// its currency; times in RFC 3339 UTC; ids as numbers) and, through the
// csvColumns, the CSV exports, whose headers are the same keys. Changing a
// key breaks somebody's script: add keys, never rename them.

type customerRecord struct {
	ID               domain.ID `json:"id"`
	FullName         string    `json:"full_name"`
	Email            string    `json:"email"`
	Phone            string    `json:"phone"`
	CompanyName      string    `json:"company_name"`
	SalesContactID   domain.ID `json:"sales_contact_id"`
	SalesContactName string    `json:"sales_contact_name"`
	CreatedAt        string    `json:"created_at"`
	UpdatedAt        string    `json:"updated_at"`
}

func customerRecordOf(c domain.Customer) customerRecord {
	return customerRecord{
		ID: c.ID, FullName: c.FullName, Email: c.Email, Phone: c.Phone, CompanyName: c.CompanyName,
		SalesContactID: c.SalesContactID, SalesContactName: c.SalesContactName,
		CreatedAt: utc(c.CreatedAt), UpdatedAt: utc(c.UpdatedAt),
	}
}

var customerCSV = []csvColumn[customerRecord]{
	{"id", func(r customerRecord) string { return itoa(r.ID) }},
	{"full_name", func(r customerRecord) string { return r.FullName }},
	{"email", func(r customerRecord) string { return r.Email }},
	{"phone", func(r customerRecord) string { return r.Phone }},
	{"company_name", func(r customerRecord) string { return r.CompanyName }},
	{"sales_contact_id", func(r customerRecord) string { return itoa(r.SalesContactID) }},
	{"sales_contact_name", func(r customerRecord) string { return r.SalesContactName }},
	{"created_at", func(r customerRecord) string { return r.CreatedAt }},
	{"updated_at", func(r customerRecord) string { return r.UpdatedAt }},
}

type contractRecord struct {
	ID               domain.ID             `json:"id"`
	CustomerID       domain.ID             `json:"customer_id"`
	CustomerName     string                `json:"customer_name"`
	SalesContactID   domain.ID             `json:"sales_contact_id"`
	SalesContactName string                `json:"sales_contact_name"`
	TotalAmount      string                `json:"total_amount"`
	TotalAmountCents int64                 `json:"total_amount_cents"`
	AmountDue        string                `json:"amount_due"`
	AmountDueCents   int64                 `json:"amount_due_cents"`
	Currency         string                `json:"currency"`
	Status           domain.ContractStatus `json:"status"`
	SignedAt         *string               `json:"signed_at"`
	CreatedAt        string                `json:"created_at"`
	UpdatedAt        string                `json:"updated_at"`
}

func contractRecordOf(c domain.Contract) contractRecord {
	return contractRecord{
		ID: c.ID, CustomerID: c.CustomerID, CustomerName: c.CustomerName,
		SalesContactID: c.SalesContactID, SalesContactName: c.SalesContactName,
		TotalAmount: c.TotalAmount.Plain(), TotalAmountCents: c.TotalAmount.Cents(),
		AmountDue: c.AmountDue.Plain(), AmountDueCents: c.AmountDue.Cents(), Currency: currency,
		Status: c.Status, SignedAt: utcPtr(c.SignedAt),
		CreatedAt: utc(c.CreatedAt), UpdatedAt: utc(c.UpdatedAt),
	}
}

var contractCSV = []csvColumn[contractRecord]{
	{"id", func(r contractRecord) string { return itoa(r.ID) }},
	{"customer_id", func(r contractRecord) string { return itoa(r.CustomerID) }},
	{"customer_name", func(r contractRecord) string { return r.CustomerName }},
	{"sales_contact_id", func(r contractRecord) string { return itoa(r.SalesContactID) }},
	{"sales_contact_name", func(r contractRecord) string { return r.SalesContactName }},
	{"total_amount", func(r contractRecord) string { return r.TotalAmount }},
	{"total_amount_cents", func(r contractRecord) string { return strconv.FormatInt(r.TotalAmountCents, 10) }},
	{"amount_due", func(r contractRecord) string { return r.AmountDue }},
	{"amount_due_cents", func(r contractRecord) string { return strconv.FormatInt(r.AmountDueCents, 10) }},
	{"currency", func(r contractRecord) string { return r.Currency }},
	{"status", func(r contractRecord) string { return string(r.Status) }},
	{"signed_at", func(r contractRecord) string { return deref(r.SignedAt) }},
	{"created_at", func(r contractRecord) string { return r.CreatedAt }},
	{"updated_at", func(r contractRecord) string { return r.UpdatedAt }},
}

type paymentRecord struct {
	ID           domain.ID `json:"id"`
	ContractID   domain.ID `json:"contract_id"`
	Amount       string    `json:"amount"`
	AmountCents  int64     `json:"amount_cents"`
	Currency     string    `json:"currency"`
	ReceivedAt   string    `json:"received_at"`
	RecordedByID domain.ID `json:"recorded_by_id"`
}

func paymentRecordOf(p domain.Payment) paymentRecord {
	return paymentRecord{
		ID: p.ID, ContractID: p.ContractID, Amount: p.Amount.Plain(), AmountCents: p.Amount.Cents(),
		Currency: currency, ReceivedAt: utc(p.ReceivedAt), RecordedByID: p.RecordedByID,
	}
}

type eventRecord struct {
	ID                 domain.ID  `json:"id"`
	ContractID         domain.ID  `json:"contract_id"`
	Name               string     `json:"name"`
	CustomerID         domain.ID  `json:"customer_id"`
	CustomerName       string     `json:"customer_name"`
	CustomerEmail      string     `json:"customer_email"`
	CustomerPhone      string     `json:"customer_phone"`
	SupportContactID   *domain.ID `json:"support_contact_id"`
	SupportContactName string     `json:"support_contact_name"`
	StartAt            string     `json:"start_at"`
	EndAt              string     `json:"end_at"`
	Location           string     `json:"location"`
	Attendees          int        `json:"attendees"`
	Notes              string     `json:"notes"`
	CreatedAt          string     `json:"created_at"`
	UpdatedAt          string     `json:"updated_at"`
}

func eventRecordOf(e domain.Event) eventRecord {
	return eventRecord{
		ID: e.ID, ContractID: e.ContractID, Name: e.Name,
		CustomerID: e.CustomerID, CustomerName: e.CustomerName, CustomerEmail: e.CustomerEmail, CustomerPhone: e.CustomerPhone,
		SupportContactID: e.SupportContactID, SupportContactName: e.SupportContactName,
		StartAt: utc(e.StartAt), EndAt: utc(e.EndAt), Location: e.Location, Attendees: e.Attendees, Notes: e.Notes,
		CreatedAt: utc(e.CreatedAt), UpdatedAt: utc(e.UpdatedAt),
	}
}

var eventCSV = []csvColumn[eventRecord]{
	{"id", func(r eventRecord) string { return itoa(r.ID) }},
	{"contract_id", func(r eventRecord) string { return itoa(r.ContractID) }},
	{"name", func(r eventRecord) string { return r.Name }},
	{"customer_id", func(r eventRecord) string { return itoa(r.CustomerID) }},
	{"customer_name", func(r eventRecord) string { return r.CustomerName }},
	{"customer_email", func(r eventRecord) string { return r.CustomerEmail }},
	{"customer_phone", func(r eventRecord) string { return r.CustomerPhone }},
	{"support_contact_id", func(r eventRecord) string {
		if r.SupportContactID == nil {
			return ""
		}
		return itoa(*r.SupportContactID)
	}},
	{"support_contact_name", func(r eventRecord) string { return r.SupportContactName }},
	{"start_at", func(r eventRecord) string { return r.StartAt }},
	{"end_at", func(r eventRecord) string { return r.EndAt }},
	{"location", func(r eventRecord) string { return r.Location }},
	{"attendees", func(r eventRecord) string { return strconv.Itoa(r.Attendees) }},
	{"notes", func(r eventRecord) string { return r.Notes }},
	{"created_at", func(r eventRecord) string { return r.CreatedAt }},
	{"updated_at", func(r eventRecord) string { return r.UpdatedAt }},
}

// userRecord never has a password or hash; the login state (failed logins,
// lock) is what the service shows management only, and is zero for others.
type userRecord struct {
	ID             domain.ID   `json:"id"`
	EmployeeNumber string      `json:"employee_number"`
	FullName       string      `json:"full_name"`
	Email          string      `json:"email"`
	Role           domain.Role `json:"role"`
	Active         bool        `json:"active"`
	FailedLogins   int         `json:"failed_logins"`
	LockedUntil    *string     `json:"locked_until"`
	CreatedAt      string      `json:"created_at"`
	UpdatedAt      string      `json:"updated_at"`
}

func userRecordOf(u domain.Collaborator) userRecord {
	return userRecord{
		ID: u.ID, EmployeeNumber: u.EmployeeNumber, FullName: u.FullName, Email: u.Email, Role: u.Role,
		Active: u.Active, FailedLogins: u.FailedLogins, LockedUntil: utcPtr(u.LockedUntil),
		CreatedAt: utc(u.CreatedAt), UpdatedAt: utc(u.UpdatedAt),
	}
}

var userCSV = []csvColumn[userRecord]{
	{"id", func(r userRecord) string { return itoa(r.ID) }},
	{"employee_number", func(r userRecord) string { return r.EmployeeNumber }},
	{"full_name", func(r userRecord) string { return r.FullName }},
	{"email", func(r userRecord) string { return r.Email }},
	{"role", func(r userRecord) string { return string(r.Role) }},
	{"active", func(r userRecord) string { return strconv.FormatBool(r.Active) }},
	{"failed_logins", func(r userRecord) string { return strconv.Itoa(r.FailedLogins) }},
	{"locked_until", func(r userRecord) string { return deref(r.LockedUntil) }},
	{"created_at", func(r userRecord) string { return r.CreatedAt }},
	{"updated_at", func(r userRecord) string { return r.UpdatedAt }},
}

type auditRecord struct {
	ID         domain.ID       `json:"id"`
	At         string          `json:"at"`
	ActorID    *domain.ID      `json:"actor_id"`
	ActorEmail string          `json:"actor_email"`
	Action     string          `json:"action"`
	Entity     string          `json:"entity"`
	EntityID   domain.ID       `json:"entity_id"`
	Changes    []domain.Change `json:"changes"`
}

func auditRecordOf(e domain.AuditEntry) auditRecord {
	return auditRecord{
		ID: e.ID, At: utc(e.At), ActorID: e.ActorID, ActorEmail: e.ActorEmail,
		Action: e.Action, Entity: e.Entity, EntityID: e.EntityID, Changes: jsonList(e.Changes),
	}
}

var auditCSV = []csvColumn[auditRecord]{
	{"id", func(r auditRecord) string { return itoa(r.ID) }},
	{"at", func(r auditRecord) string { return r.At }},
	{"actor_id", func(r auditRecord) string {
		if r.ActorID == nil {
			return ""
		}
		return itoa(*r.ActorID)
	}},
	{"actor_email", func(r auditRecord) string { return r.ActorEmail }},
	{"action", func(r auditRecord) string { return r.Action }},
	{"entity", func(r auditRecord) string { return r.Entity }},
	{"entity_id", func(r auditRecord) string { return itoa(r.EntityID) }},
	{"changes", func(r auditRecord) string { return changesText(r.Changes) }},
}

// changesText puts a change's fields on one line: "email: a@x → b@x; role:
// sales → support"; a field that had no value shows only the new one.
func changesText(changes []domain.Change) string {
	parts := make([]string, len(changes))
	for i, c := range changes {
		if c.Old == "" {
			parts[i] = c.Field + ": " + c.New
		} else {
			parts[i] = c.Field + ": " + c.Old + " → " + c.New
		}
	}
	return strings.Join(parts, "; ")
}

func itoa(id domain.ID) string { return strconv.FormatInt(id, 10) }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
