package seeds

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/epic-events/crm/internal/domain"
)

// The shapes of the data files. Dates are relative to the moment of seeding.
type (
	staffRow struct {
		EmployeeNumber string      `json:"employee_number"`
		FullName       string      `json:"full_name"`
		Email          string      `json:"email"`
		Role           domain.Role `json:"role"`
		JoinedDaysAgo  int         `json:"joined_days_ago"`
	}
	customerRow struct {
		FullName           string `json:"full_name"`
		Email              string `json:"email"`
		Phone              string `json:"phone"`
		CompanyName        string `json:"company_name"`
		Sales              string `json:"sales"` // the sales collaborator's email
		CreatedDaysAgo     int    `json:"created_days_ago"`
		LastContactDaysAgo int    `json:"last_contact_days_ago"`
	}
	contractRow struct {
		Ref            string                `json:"ref"`
		Customer       string                `json:"customer"` // the customer's email
		Total          string                `json:"total"`
		Status         domain.ContractStatus `json:"status"`
		CreatedDaysAgo int                   `json:"created_days_ago"`
		SignedDaysAgo  *int                  `json:"signed_days_ago"`
		Payments       []paymentRow          `json:"payments"`
	}
	paymentRow struct {
		Amount     string `json:"amount"`
		DaysAgo    int    `json:"days_ago"`
		RecordedBy string `json:"recorded_by"` // default: the customer's sales contact
	}
	eventRow struct {
		Contract    string  `json:"contract"` // a contract's ref
		Name        string  `json:"name"`
		Support     string  `json:"support"` // a support collaborator's email, or empty
		StartInDays int     `json:"start_in_days"`
		StartTime   string  `json:"start_time"` // "HH:MM", UTC
		Hours       float64 `json:"hours"`
		Location    string  `json:"location"`
		Attendees   int     `json:"attendees"`
		Notes       string  `json:"notes"`
	}
)

// plan is the demo data resolved into domain values, with references kept as
// indexes until the rows get their ids.
type plan struct {
	users     []domain.Collaborator
	customers []plannedCustomer
	contracts []plannedContract
	events    []plannedEvent
}

type plannedCustomer struct {
	domain.Customer
	sales int // index in users
}

type plannedContract struct {
	domain.Contract
	customer int // index in customers
	payments []plannedPayment
}

type plannedPayment struct {
	domain.Payment
	recordedBy int // index in users
}

type plannedEvent struct {
	domain.Event
	contract int  // index in contracts
	support  *int // index in users, nil when unassigned
}

// buildPlan reads the data files and checks every rule the services would
// enforce, so that the demo data could have been typed in through the program.
func buildPlan(now time.Time) (plan, error) {
	var (
		p         plan
		staff     []staffRow
		customers []customerRow
		contracts []contractRow
		events    []eventRow
	)
	for name, v := range map[string]any{"staff.json": &staff, "customers.json": &customers, "contracts.json": &contracts, "events.json": &events} {
		if err := decode(name, v); err != nil {
			return plan{}, err
		}
	}
	// Whole seconds: both engines store them exactly, so what is read back equals what was written.
	now = now.UTC().Truncate(time.Second)
	daysAgo := func(n int) time.Time { return now.AddDate(0, 0, -n) }
	midnight := now.Truncate(24 * time.Hour)

	userAt := map[string]int{}
	numbers := map[string]bool{}
	for i, s := range staff {
		bad := domain.FieldErrors{}
		bad.Check("employee_number", domain.ValidateEmployeeNumber(s.EmployeeNumber))
		bad.Check("full_name", domain.ValidateName(s.FullName))
		bad.Check("email", domain.ValidateEmail(s.Email))
		if !s.Role.Valid() {
			bad.Add("role", "unknown role")
		}
		if s.JoinedDaysAgo < 0 {
			bad.Add("joined_days_ago", "must not be negative")
		}
		email := domain.NormalizeEmail(s.Email)
		if _, dup := userAt[email]; dup {
			bad.Add("email", "listed twice")
		}
		if numbers[s.EmployeeNumber] {
			bad.Add("employee_number", "listed twice")
		}
		if err := bad.Err(); err != nil {
			return plan{}, fmt.Errorf("seeds: staff.json #%d: %w", i+1, err)
		}
		userAt[email], numbers[s.EmployeeNumber] = i, true
		at := daysAgo(s.JoinedDaysAgo)
		p.users = append(p.users, domain.Collaborator{
			EmployeeNumber: s.EmployeeNumber, FullName: s.FullName, Email: email,
			Role: s.Role, Active: true, CreatedAt: at, UpdatedAt: at,
		})
	}
	userWithRole := func(email string, role domain.Role) (int, bool) {
		i, ok := userAt[domain.NormalizeEmail(email)]
		return i, ok && p.users[i].Role == role
	}

	customerAt := map[string]int{}
	for i, c := range customers {
		bad := domain.FieldErrors{}
		bad.Check("full_name", domain.ValidateName(c.FullName))
		bad.Check("email", domain.ValidateEmail(c.Email))
		bad.Check("phone", domain.ValidatePhone(c.Phone))
		bad.Check("company_name", domain.ValidateCompany(c.CompanyName))
		sales, ok := userWithRole(c.Sales, domain.RoleSales)
		if !ok {
			bad.Add("sales", "must be the email of a sales collaborator")
		}
		if c.LastContactDaysAgo < 0 || c.LastContactDaysAgo > c.CreatedDaysAgo {
			bad.Add("last_contact_days_ago", "must be between 0 and created_days_ago")
		}
		email := domain.NormalizeEmail(c.Email)
		if _, dup := customerAt[email]; dup {
			bad.Add("email", "listed twice")
		}
		if err := bad.Err(); err != nil {
			return plan{}, fmt.Errorf("seeds: customers.json #%d: %w", i+1, err)
		}
		customerAt[email] = i
		p.customers = append(p.customers, plannedCustomer{
			Customer: domain.Customer{
				FullName: c.FullName, Email: email, Phone: c.Phone, CompanyName: c.CompanyName,
				CreatedAt: daysAgo(c.CreatedDaysAgo), UpdatedAt: daysAgo(c.LastContactDaysAgo),
			},
			sales: sales,
		})
	}

	contractAt := map[string]int{}
	for i, k := range contracts {
		bad := domain.FieldErrors{}
		cust, ok := customerAt[domain.NormalizeEmail(k.Customer)]
		if !ok {
			bad.Add("customer", "must be the email of a customer in customers.json")
		} else if k.CreatedDaysAgo > customers[cust].CreatedDaysAgo {
			bad.Add("created_days_ago", "must be after the customer was created")
		}
		if _, dup := contractAt[k.Ref]; dup || k.Ref == "" {
			bad.Add("ref", "must be set and unique")
		}
		total, err := domain.ParseMoney(k.Total)
		bad.Check("total", err)
		if !k.Status.Valid() {
			bad.Add("status", "must be draft, signed or cancelled")
		}
		var signedAt *time.Time
		switch {
		case k.SignedDaysAgo == nil && k.Status == domain.ContractSigned:
			bad.Add("signed_days_ago", "is required for a signed contract")
		case k.SignedDaysAgo != nil && k.Status == domain.ContractDraft:
			bad.Add("signed_days_ago", "must be absent for a draft")
		case k.SignedDaysAgo != nil && (*k.SignedDaysAgo < 0 || *k.SignedDaysAgo > k.CreatedDaysAgo):
			bad.Add("signed_days_ago", "must be between 0 and created_days_ago")
		case k.SignedDaysAgo != nil:
			at := daysAgo(*k.SignedDaysAgo)
			signedAt = &at
		}
		var (
			paid     domain.Money
			payments []plannedPayment
		)
		for j, pay := range k.Payments {
			field := "payments[" + strconv.Itoa(j) + "]"
			amount, err := domain.ParseMoney(pay.Amount)
			if err == nil && amount == 0 {
				err = fmt.Errorf("must be more than 0")
			}
			bad.Check(field+".amount", err)
			if signedAt == nil || pay.DaysAgo < 0 || pay.DaysAgo > *k.SignedDaysAgo {
				bad.Add(field+".days_ago", "a payment is received after signing, and not in the future")
			}
			by := -1
			if ok {
				by = p.customers[cust].sales
			}
			if pay.RecordedBy != "" {
				u, known := userAt[domain.NormalizeEmail(pay.RecordedBy)]
				if !known || p.users[u].Role == domain.RoleSupport {
					bad.Add(field+".recorded_by", "must be the email of a management or sales collaborator")
				}
				by = u
			}
			paid += amount
			at := daysAgo(pay.DaysAgo)
			payments = append(payments, plannedPayment{
				Payment:    domain.Payment{Amount: amount, ReceivedAt: at, CreatedAt: at},
				recordedBy: by,
			})
		}
		if paid > total {
			bad.Add("payments", "add up to more than the total")
		}
		if err := bad.Err(); err != nil {
			return plan{}, fmt.Errorf("seeds: contracts.json %s: %w", k.Ref, err)
		}
		contractAt[k.Ref] = i
		created := daysAgo(k.CreatedDaysAgo)
		updated := created
		if signedAt != nil {
			updated = *signedAt
		}
		if n := len(payments); n > 0 && payments[n-1].ReceivedAt.After(updated) {
			updated = payments[n-1].ReceivedAt
		}
		p.contracts = append(p.contracts, plannedContract{
			Contract: domain.Contract{
				TotalAmount: total, AmountDue: total - paid, Status: k.Status, SignedAt: signedAt,
				CreatedAt: created, UpdatedAt: updated,
			},
			customer: cust,
			payments: payments,
		})
	}

	for i, e := range events {
		bad := domain.FieldErrors{}
		k, ok := contractAt[e.Contract]
		if !ok {
			bad.Add("contract", "must be the ref of a contract in contracts.json")
		} else if p.contracts[k].Status != domain.ContractSigned {
			bad.Add("contract", "only a signed contract gets events")
		}
		bad.Check("name", domain.ValidateName(e.Name))
		bad.Check("location", domain.ValidateLocation(e.Location))
		bad.Check("notes", domain.ValidateNotes(e.Notes))
		bad.Check("attendees", domain.ValidateAttendees(e.Attendees))
		clock, err := time.Parse("15:04", e.StartTime)
		if err != nil {
			bad.Add("start_time", "must be HH:MM")
		}
		start := midnight.AddDate(0, 0, e.StartInDays).Add(time.Duration(clock.Hour())*time.Hour + time.Duration(clock.Minute())*time.Minute)
		end := start.Add(time.Duration(e.Hours * float64(time.Hour)))
		bad.Check("hours", domain.ValidatePeriod(start, end))
		var support *int
		if e.Support != "" {
			s, isSupport := userWithRole(e.Support, domain.RoleSupport)
			if !isSupport {
				bad.Add("support", "must be the email of a support collaborator")
			}
			support = &s
		}
		// An event is planned the day after its contract is signed, and before it starts.
		var created time.Time
		if ok && p.contracts[k].SignedAt != nil {
			created = p.contracts[k].SignedAt.AddDate(0, 0, 1)
			if !start.After(created) || created.After(now) {
				bad.Add("start_in_days", "an event starts after the day its contract was signed")
			}
		}
		if err := bad.Err(); err != nil {
			return plan{}, fmt.Errorf("seeds: events.json #%d (%s): %w", i+1, strings.TrimSpace(e.Name), err)
		}
		p.events = append(p.events, plannedEvent{
			Event: domain.Event{
				Name: e.Name, StartAt: start, EndAt: end, Location: e.Location,
				Attendees: e.Attendees, Notes: e.Notes, CreatedAt: created, UpdatedAt: created,
			},
			contract: k,
			support:  support,
		})
	}
	return p, nil
}
