package service_test

// Hostile input through every create and update of every service, on both
// engines: each bad value is refused with a field error naming the field (or a
// permission denial, or not found) and leaves the database exactly as it was;
// valid text that looks like SQL, a format string or markup is stored and read
// back literally.

import (
	"context"
	"math"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
)

// textKind is the rule a text field follows.
type textKind int

const (
	kindRequired textKind = iota // names, locations: 1 to 100/200 printable characters
	kindOptional                 // company name: may be empty
	kindNotes                    // notes: may be empty, line breaks allowed
	kindEmail
	kindPhone
)

// hostileText is one value of the corpus and the kinds of field that accept it.
type hostileText struct {
	name     string
	value    string
	accepted []textKind
}

const sqlInjection = "'; DROP TABLE users; --"

// hostileTexts is the corpus pushed through every text field.
var hostileTexts = []hostileText{
	{"empty", "", []textKind{kindOptional, kindNotes}},
	{"whitespace only", " \t \u00a0 ", []textKind{kindOptional, kindNotes}},
	{"10 000 characters", strings.Repeat("Zoé ", 2500), nil},
	{"a NUL byte", "Zoé\x00Martin", nil},
	{"terminal escape sequences", "\x1b[2J\x1b[31mred", nil},
	{"backspaces and a bell", "abc\b\b\bxyz\a", nil},
	{"a right-to-left override", "invoice\u202etxt.exe", nil},
	{"a right-to-left mark", "\u200fMartin", nil},
	{"a directional isolate", "a\u2067b\u2069c", nil},
	{"invalid UTF-8", "caf\xe9 cr\xe8me", nil},
	{"a line break", "two\nlines", []textKind{kindNotes}},
	{"emoji", "Fête 🎉 Zoë 👩🏽‍💻", []textKind{kindRequired, kindOptional, kindNotes}},
	{"an SQL injection", sqlInjection, []textKind{kindRequired, kindOptional, kindNotes}},
	{"an SQL tautology", "Robert') OR ('1'='1", []textKind{kindRequired, kindOptional, kindNotes}},
	{"format verbs", "%s%n%x%d %v %!(EXTRA) %%", []textKind{kindRequired, kindOptional, kindNotes}},
	{"markup", "<script>alert(1)</script>", []textKind{kindRequired, kindOptional, kindNotes}},
	{"a spreadsheet formula", "=HYPERLINK(\"http://example.com\",\"x\")", []textKind{kindRequired, kindOptional, kindNotes}},
	{"LIKE wildcards and backslashes", `100% _real_ C:\temp\`, []textKind{kindRequired, kindOptional, kindNotes}},
}

// Values only an email or a phone field sees.
var (
	hostileEmails = []hostileText{
		{"an SQL injection", sqlInjection + "@example.com", nil},
		{"a display name", "Zoé <zoe@example.com>", nil},
		{"no domain dot", "zoe@localhost", nil},
		{"two at signs", "zoe@@example.com", nil},
		{"a NUL byte", "zoe\x00@example.com", nil},
		{"a line break (header injection)", "zoe@example.com\r\nBcc: all@example.com", nil},
		{"300 characters", strings.Repeat("z", 290) + "@example.com", nil},
		{"a quote, valid", "o'reilly+drop@example.com", []textKind{kindEmail}},
	}
	hostilePhones = []hostileText{
		{"five digits", "12345", nil},
		{"21 digits", strings.Repeat("1", 21), nil},
		{"letters", "+33 6 CALL NOW", nil},
		{"Arabic-Indic digits", "٠١٢٣٤٥٦٧٨", nil},
		{"a NUL byte", "+33 6 12 34 56 78\x00", nil},
		{"an SQL injection", "0612345678'; DROP TABLE customers; --", nil},
	}
)

func (h hostileText) acceptedBy(k textKind) bool {
	for _, a := range h.accepted {
		if a == k {
			return true
		}
	}
	return false
}

// corpusFor returns the values a field of kind k is tried with: the general
// corpus, and for an email or phone field its own values too.
func corpusFor(k textKind) []hostileText {
	out := append([]hostileText(nil), hostileTexts...)
	switch k {
	case kindEmail:
		out = append(out, hostileEmails...)
	case kindPhone:
		out = append(out, hostilePhones...)
	}
	return out
}

// hostileCounter counts the inputs tried and refused, for the README's figures.
var hostileTried, hostileRefused atomic.Int64

// refuses runs call on w and checks that it is refused with want (and, for
// CodeInvalid, a field error on field) and that the database did not change.
func (w *world) refuses(t *testing.T, want domain.Code, field string, call func() error) {
	t.Helper()
	hostileTried.Add(1)
	before := w.snapshot(t)
	err := call()
	if code(err) != want {
		t.Fatalf("got %v (code %q), want %s", err, code(err), want)
	}
	if want == domain.CodeInvalid && fieldError(err, field) == "" {
		t.Fatalf("got %v, want a field error on %s", err, field)
	}
	w.assertUnchanged(t, before)
	hostileRefused.Add(1)
}

// A year-1 and a year-9999 instant, and ids that name nothing.
var (
	year1    = time.Date(1, time.January, 1, 10, 0, 0, 0, time.UTC)
	year9999 = time.Date(9999, time.December, 31, 18, 0, 0, 0, time.UTC)
	noSuchID = []domain.ID{987654321, -1, math.MaxInt64}
)

// hostileMoney is every amount no total, payment or field of money accepts.
var hostileMoney = []struct {
	name string
	m    domain.Money
}{
	{"negative", -1},
	{"the most negative", math.MinInt64},
	{"one cent over the maximum", domain.MaxMoney + 1},
	{"overflowing int64", math.MaxInt64},
}

func TestHostileInputIsRefusedAndChangesNothing(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		users, customers, contracts, events := w.users(), w.customers(), w.contracts(), w.events()
		manager, salesA, salesB := w.actor(w.Manager), w.actor(w.SalesA), w.actor(w.SalesB)
		supportA, supportB := w.actor(w.SupportA), w.actor(w.SupportB)

		custA := w.addCustomer(t, w.SalesA, "Aurélie Girard")
		signedA := w.addContract(t, custA, 100000, domain.ContractSigned)
		if _, _, err := contracts.RecordPayment(ctx, manager, signedA.ID, 10000, time.Time{}); err != nil {
			t.Fatal(err)
		}
		signedA, _ = w.DB.GetContract(ctx, signedA.ID)
		draftA := w.addContract(t, custA, 50000, domain.ContractDraft)
		eventA := w.addEvent(t, signedA, "Soirée Girard", t0.Add(10*24*time.Hour), &w.SupportA)
		colleague := w.addUser(t, domain.RoleSupport, "Colin Collègue")

		validUser := service.NewUser{FullName: "Nina Nouvelle", Email: "nina@staff.example.com", Role: domain.RoleSales, Password: "a long enough password"}
		validCustomer := service.CustomerInput{FullName: "Paul Valide", Email: "paul@example.com", Phone: "+33 6 11 22 33 44", CompanyName: "Valide SA"}

		// textFields names every text field of every create and update, with a
		// call that puts one value in it and leaves the rest valid.
		textFields := []struct {
			op, field string
			kind      textKind
			call      func(v string) error
		}{
			{"users.Create", "full_name", kindRequired, func(v string) error {
				in := validUser
				in.FullName = v
				_, err := users.Create(ctx, manager, in)
				return err
			}},
			{"users.Create", "email", kindEmail, func(v string) error {
				in := validUser
				in.Email = v
				_, err := users.Create(ctx, manager, in)
				return err
			}},
			{"users.Update", "full_name", kindRequired, func(v string) error {
				_, err := users.Update(ctx, manager, colleague.ID, service.UserChanges{FullName: v, Version: colleague.Version})
				return err
			}},
			{"users.Update", "email", kindEmail, func(v string) error {
				_, err := users.Update(ctx, manager, colleague.ID, service.UserChanges{Email: v, Version: colleague.Version})
				return err
			}},
			{"customers.Create", "full_name", kindRequired, func(v string) error {
				in := validCustomer
				in.FullName = v
				_, err := customers.Create(ctx, salesA, in)
				return err
			}},
			{"customers.Create", "email", kindEmail, func(v string) error {
				in := validCustomer
				in.Email = v
				_, err := customers.Create(ctx, salesA, in)
				return err
			}},
			{"customers.Create", "phone", kindPhone, func(v string) error {
				in := validCustomer
				in.Phone = v
				_, err := customers.Create(ctx, salesA, in)
				return err
			}},
			{"customers.Create", "company_name", kindOptional, func(v string) error {
				in := validCustomer
				in.CompanyName = v
				_, err := customers.Create(ctx, salesA, in)
				return err
			}},
			{"customers.Update", "full_name", kindRequired, func(v string) error {
				_, err := customers.Update(ctx, salesA, custA.ID, custA.Version, service.CustomerPatch{FullName: &v})
				return err
			}},
			{"customers.Update", "email", kindEmail, func(v string) error {
				_, err := customers.Update(ctx, salesA, custA.ID, custA.Version, service.CustomerPatch{Email: &v})
				return err
			}},
			{"customers.Update", "phone", kindPhone, func(v string) error {
				_, err := customers.Update(ctx, salesA, custA.ID, custA.Version, service.CustomerPatch{Phone: &v})
				return err
			}},
			{"customers.Update", "company_name", kindOptional, func(v string) error {
				_, err := customers.Update(ctx, salesA, custA.ID, custA.Version, service.CustomerPatch{CompanyName: &v})
				return err
			}},
			{"events.Create", "name", kindRequired, func(v string) error {
				in := validEvent()
				in.Name = v
				_, err := events.Create(ctx, salesA, signedA.ID, in)
				return err
			}},
			{"events.Create", "location", kindRequired, func(v string) error {
				in := validEvent()
				in.Location = v
				_, err := events.Create(ctx, salesA, signedA.ID, in)
				return err
			}},
			{"events.Create", "notes", kindNotes, func(v string) error {
				in := validEvent()
				in.Notes = v
				_, err := events.Create(ctx, salesA, signedA.ID, in)
				return err
			}},
			{"events.Update", "name", kindRequired, func(v string) error {
				_, _, err := events.Update(ctx, supportA, eventA.ID, eventA.Version, service.EventPatch{Name: &v})
				return err
			}},
			{"events.Update", "location", kindRequired, func(v string) error {
				_, _, err := events.Update(ctx, supportA, eventA.ID, eventA.Version, service.EventPatch{Location: &v})
				return err
			}},
			{"events.Update", "notes", kindNotes, func(v string) error {
				_, _, err := events.Update(ctx, supportA, eventA.ID, eventA.Version, service.EventPatch{Notes: &v})
				return err
			}},
		}
		for _, f := range textFields {
			for _, h := range corpusFor(f.kind) {
				if h.acceptedBy(f.kind) {
					continue // accepted values are checked below, stored literally
				}
				if h.value == "" && f.op == "users.Update" {
					continue // an empty field of UserChanges means "keep it"
				}
				t.Run(f.op+" refuses "+h.name+" in "+f.field, func(t *testing.T) {
					w.refuses(t, domain.CodeInvalid, f.field, func() error { return f.call(h.value) })
				})
			}
		}

		type refusal struct {
			name  string
			want  domain.Code
			field string
			call  func() error
		}
		var refusals []refusal
		add := func(name string, want domain.Code, field string, call func() error) {
			refusals = append(refusals, refusal{name, want, field, call})
		}

		// Collaborators: roles, employee numbers, passwords, and ids.
		for _, role := range []domain.Role{"", "admin", "Management", domain.Role(sqlInjection), "sales\x00"} {
			add("users.Create refuses the role "+string(role), domain.CodeInvalid, "role", func() error {
				in := validUser
				in.Role = role
				_, err := users.Create(ctx, manager, in)
				return err
			})
		}
		for _, role := range []domain.Role{"admin", domain.Role(sqlInjection)} {
			add("users.Update refuses the role "+string(role), domain.CodeInvalid, "role", func() error {
				_, err := users.Update(ctx, manager, colleague.ID, service.UserChanges{Role: role, Version: colleague.Version})
				return err
			})
		}
		for _, n := range []string{"EE-", "EE-123", "EE-123456789", "ee-0042", "EE-00\x0042", sqlInjection, "EE-٠٠٤٢"} {
			add("users.Create refuses the employee number "+n, domain.CodeInvalid, "employee_number", func() error {
				in := validUser
				in.EmployeeNumber = n
				_, err := users.Create(ctx, manager, in)
				return err
			})
		}
		for name, pw := range map[string]string{
			"an empty password": "", "a short password": "short", "129 characters": strings.Repeat("p", 129),
			"10 000 characters": strings.Repeat("p", 10000), "the email as password": validUser.Email,
		} {
			add("users.Create refuses "+name, domain.CodeInvalid, "password", func() error {
				in := validUser
				in.Password = pw
				_, err := users.Create(ctx, manager, in)
				return err
			})
			if pw != validUser.Email {
				add("users.ResetPassword refuses "+name, domain.CodeInvalid, "password", func() error {
					return users.ResetPassword(ctx, manager, colleague.ID, pw)
				})
			}
		}
		for _, id := range noSuchID {
			add("users.Update of a collaborator that does not exist", domain.CodeNotFound, "", func() error {
				_, err := users.Update(ctx, manager, id, service.UserChanges{FullName: "Ghost", Version: 1})
				return err
			})
			add("users.Deactivate of a collaborator that does not exist", domain.CodeNotFound, "", func() error {
				_, err := users.Deactivate(ctx, manager, id)
				return err
			})
			add("users.Delete of a collaborator that does not exist", domain.CodeNotFound, "", func() error {
				return users.Delete(ctx, manager, id)
			})
			add("users.ResetPassword of a collaborator that does not exist", domain.CodeNotFound, "", func() error {
				return users.ResetPassword(ctx, manager, id, "a long enough password")
			})
		}
		add("sales may not create a collaborator", domain.CodeForbidden, "", func() error {
			_, err := users.Create(ctx, salesA, validUser)
			return err
		})

		// Customers: ids that do not exist, and other owners' customers.
		for _, id := range noSuchID {
			name := "Ghost"
			add("customers.Update of a customer that does not exist", domain.CodeNotFound, "", func() error {
				_, err := customers.Update(ctx, salesA, id, 1, service.CustomerPatch{FullName: &name})
				return err
			})
			add("customers.Reassign of a customer that does not exist", domain.CodeNotFound, "", func() error {
				_, err := customers.Reassign(ctx, manager, id, w.SalesB.ID)
				return err
			})
			add("customers.Reassign to a collaborator that does not exist", domain.CodeInvalid, "sales_contact", func() error {
				_, err := customers.Reassign(ctx, manager, custA.ID, id)
				return err
			})
		}
		for _, to := range []domain.Collaborator{w.SupportA, w.Manager, w.Inactive} {
			add("customers.Reassign to "+to.FullName+", not an active sales collaborator", domain.CodeInvalid, "sales_contact", func() error {
				_, err := customers.Reassign(ctx, manager, custA.ID, to.ID)
				return err
			})
		}
		add("another sales collaborator's customer may not be updated", domain.CodeForbidden, "", func() error {
			name := "Hijacked"
			_, err := customers.Update(ctx, salesB, custA.ID, custA.Version, service.CustomerPatch{FullName: &name})
			return err
		})
		add("sales may not reassign customers, even their own", domain.CodeForbidden, "", func() error {
			_, err := customers.Reassign(ctx, salesA, custA.ID, w.SalesB.ID)
			return err
		})
		add("support may not create customers", domain.CodeForbidden, "", func() error {
			_, err := customers.Create(ctx, supportA, validCustomer)
			return err
		})

		// Contracts and payments: money out of range, ids, other owners.
		for _, m := range hostileMoney {
			add("contracts.Create refuses a "+m.name+" total", domain.CodeInvalid, "total", func() error {
				_, err := contracts.Create(ctx, manager, custA.ID, m.m)
				return err
			})
			add("contracts.UpdateTotal refuses a "+m.name+" total", domain.CodeInvalid, "total", func() error {
				_, err := contracts.UpdateTotal(ctx, manager, signedA.ID, signedA.Version, m.m)
				return err
			})
			add("contracts.RecordPayment refuses a "+m.name+" amount", domain.CodeInvalid, "amount", func() error {
				_, _, err := contracts.RecordPayment(ctx, manager, signedA.ID, m.m, time.Time{})
				return err
			})
		}
		add("contracts.UpdateTotal refuses a total below what was paid", domain.CodeInvalid, "total", func() error {
			_, err := contracts.UpdateTotal(ctx, manager, signedA.ID, signedA.Version, 9999)
			return err
		})
		add("contracts.RecordPayment refuses a zero amount", domain.CodeInvalid, "amount", func() error {
			_, _, err := contracts.RecordPayment(ctx, manager, signedA.ID, 0, time.Time{})
			return err
		})
		add("contracts.RecordPayment refuses more than is due", domain.CodeInvalid, "amount", func() error {
			_, _, err := contracts.RecordPayment(ctx, manager, signedA.ID, signedA.AmountDue+1, time.Time{})
			return err
		})
		for name, at := range map[string]time.Time{"in year 9999": year9999, "in year 1": year1, "tomorrow": t0.Add(24 * time.Hour)} {
			add("contracts.RecordPayment refuses a payment received "+name, domain.CodeInvalid, "received_at", func() error {
				_, _, err := contracts.RecordPayment(ctx, manager, signedA.ID, 100, at)
				return err
			})
		}
		for _, id := range noSuchID {
			add("contracts.Create for a customer that does not exist", domain.CodeNotFound, "", func() error {
				_, err := contracts.Create(ctx, manager, id, 100)
				return err
			})
			add("contracts.UpdateTotal of a contract that does not exist", domain.CodeNotFound, "", func() error {
				_, err := contracts.UpdateTotal(ctx, manager, id, 1, 100)
				return err
			})
			add("contracts.RecordPayment on a contract that does not exist", domain.CodeNotFound, "", func() error {
				_, _, err := contracts.RecordPayment(ctx, manager, id, 100, time.Time{})
				return err
			})
			add("contracts.Sign of a contract that does not exist", domain.CodeNotFound, "", func() error {
				_, err := contracts.Sign(ctx, manager, id)
				return err
			})
			add("contracts.Cancel of a contract that does not exist", domain.CodeNotFound, "", func() error {
				_, err := contracts.Cancel(ctx, manager, id)
				return err
			})
		}
		add("another sales collaborator's contract takes no payment from them", domain.CodeForbidden, "", func() error {
			_, _, err := contracts.RecordPayment(ctx, salesB, signedA.ID, 100, time.Time{})
			return err
		})
		add("another sales collaborator's contract may not be signed by them", domain.CodeForbidden, "", func() error {
			_, err := contracts.Sign(ctx, salesB, draftA.ID)
			return err
		})
		add("another sales collaborator's contract total may not be changed by them", domain.CodeForbidden, "", func() error {
			_, err := contracts.UpdateTotal(ctx, salesB, signedA.ID, signedA.Version, 200000)
			return err
		})
		add("sales may not create contracts", domain.CodeForbidden, "", func() error {
			_, err := contracts.Create(ctx, salesA, custA.ID, 100)
			return err
		})

		// Events: attendees, periods, contracts, ids, other owners, assignment.
		for _, n := range []int{-1, domain.MaxAttendees + 1, math.MaxInt, math.MinInt} {
			add("events.Create refuses attendees "+strconv.Itoa(n), domain.CodeInvalid, "attendees", func() error {
				in := validEvent()
				in.Attendees = n
				_, err := events.Create(ctx, salesA, signedA.ID, in)
				return err
			})
			add("events.Update refuses attendees "+strconv.Itoa(n), domain.CodeInvalid, "attendees", func() error {
				_, _, err := events.Update(ctx, supportA, eventA.ID, eventA.Version, service.EventPatch{Attendees: &n})
				return err
			})
		}
		start := validEvent().StartAt
		periods := []struct {
			name       string
			start, end time.Time
			field      string
		}{
			{"no start", time.Time{}, start, "start_at"},
			{"no end", start, time.Time{}, "end_at"},
			{"an end before the start", start, start.Add(-time.Hour), "end_at"},
			{"an end equal to the start", start, start, "end_at"},
			{"dates in year 1", year1, year1.Add(time.Hour), "start_at"},
			{"dates in year 9999", year9999, year9999.Add(time.Hour), "start_at"},
			{"an end in year 9999", start, year9999, "end_at"},
		}
		for _, p := range periods {
			add("events.Create refuses "+p.name, domain.CodeInvalid, p.field, func() error {
				in := validEvent()
				in.StartAt, in.EndAt = p.start, p.end
				_, err := events.Create(ctx, salesA, signedA.ID, in)
				return err
			})
			patch := service.EventPatch{StartAt: &p.start, EndAt: &p.end}
			add("events.Update refuses "+p.name, domain.CodeInvalid, p.field, func() error {
				_, _, err := events.Update(ctx, supportA, eventA.ID, eventA.Version, patch)
				return err
			})
		}
		add("events.Create refuses a draft contract", domain.CodeInvalid, "contract", func() error {
			_, err := events.Create(ctx, salesA, draftA.ID, validEvent())
			return err
		})
		for _, id := range noSuchID {
			add("events.Create for a contract that does not exist", domain.CodeNotFound, "", func() error {
				_, err := events.Create(ctx, salesA, id, validEvent())
				return err
			})
			add("events.Update of an event that does not exist", domain.CodeNotFound, "", func() error {
				name := "Ghost"
				_, _, err := events.Update(ctx, manager, id, 1, service.EventPatch{Name: &name})
				return err
			})
			add("events.Assign of an event that does not exist", domain.CodeNotFound, "", func() error {
				_, _, err := events.Assign(ctx, manager, id, w.SupportB.ID)
				return err
			})
			add("events.Assign to a collaborator that does not exist", domain.CodeInvalid, "support_contact", func() error {
				_, _, err := events.Assign(ctx, manager, eventA.ID, id)
				return err
			})
		}
		for _, to := range []domain.Collaborator{w.SalesA, w.Manager} {
			add("events.Assign to "+to.FullName+", not a support collaborator", domain.CodeInvalid, "support_contact", func() error {
				_, _, err := events.Assign(ctx, manager, eventA.ID, to.ID)
				return err
			})
		}
		inactiveSupport := w.addUser(t, domain.RoleSupport, "Iris Inactive")
		inactiveSupport.Active = false
		if err := w.DB.UpdateUser(ctx, &inactiveSupport); err != nil {
			t.Fatal(err)
		}
		add("events.Assign to a deactivated support collaborator", domain.CodeInvalid, "support_contact", func() error {
			_, _, err := events.Assign(ctx, manager, eventA.ID, inactiveSupport.ID)
			return err
		})
		add("another sales collaborator's contract gets no event from them", domain.CodeForbidden, "", func() error {
			_, err := events.Create(ctx, salesB, signedA.ID, validEvent())
			return err
		})
		add("another support collaborator's event may not be updated by them", domain.CodeForbidden, "", func() error {
			name := "Hijacked"
			_, _, err := events.Update(ctx, supportB, eventA.ID, eventA.Version, service.EventPatch{Name: &name})
			return err
		})
		add("support may not assign events, even to themselves", domain.CodeForbidden, "", func() error {
			_, _, err := events.Assign(ctx, supportB, eventA.ID, w.SupportB.ID)
			return err
		})

		for _, r := range refusals {
			t.Run(r.name, func(t *testing.T) { w.refuses(t, r.want, r.field, r.call) })
		}
	})
	t.Logf("hostile inputs: %d tried, %d refused with nothing written", hostileTried.Load(), hostileRefused.Load())
}

// Valid text that looks like SQL, a format string or markup is kept as typed,
// on both engines, and a search for it finds exactly it: it is data, never code.
func TestHostileButValidTextIsStoredLiterally(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		customers, events, users := w.customers(), w.events(), w.users()
		salesA, manager := w.actor(w.SalesA), w.actor(w.Manager)
		w.addCustomer(t, w.SalesA, "Someone Else") // a search must not match this one

		for _, h := range hostileTexts {
			if !h.acceptedBy(kindRequired) {
				continue
			}
			t.Run(h.name+" in a customer", func(t *testing.T) {
				email := "lit." + strconv.Itoa(len(h.value)) + "." + strconv.Itoa(int(hostileTried.Add(1))) + "@example.com"
				c, err := customers.Create(ctx, salesA, service.CustomerInput{FullName: h.value, Email: email, Phone: "+33 6 00 00 00 01", CompanyName: h.value})
				if err != nil {
					t.Fatalf("Create: %v", err)
				}
				got, err := customers.Get(ctx, manager, c.ID)
				if err != nil || got.FullName != h.value || got.CompanyName != h.value {
					t.Fatalf("read back %q / %q (%v), want %q", got.FullName, got.CompanyName, err, h.value)
				}
				l, err := customers.List(ctx, manager, domain.CustomerFilter{Search: h.value})
				if err != nil || len(l.Items) != 1 || l.Items[0].ID != c.ID {
					t.Fatalf("searching for %q found %d customers (%v), want exactly the one", h.value, len(l.Items), err)
				}
			})
			t.Run(h.name+" in an event", func(t *testing.T) {
				k := w.addContract(t, w.addCustomer(t, w.SalesA, "Literal Events"), 100000, domain.ContractSigned)
				in := validEvent()
				in.Name, in.Location, in.Notes = h.value, h.value, h.value+"\n"+h.value
				e, err := events.Create(ctx, salesA, k.ID, in)
				if err != nil {
					t.Fatalf("Create: %v", err)
				}
				got, err := events.Get(ctx, manager, e.ID)
				if err != nil || got.Name != in.Name || got.Location != in.Location || got.Notes != in.Notes {
					t.Fatalf("read back %q / %q / %q (%v), want %q", got.Name, got.Location, got.Notes, err, h.value)
				}
			})
			t.Run(h.name+" in a collaborator's name", func(t *testing.T) {
				u, err := users.Create(ctx, manager, service.NewUser{
					FullName: h.value, Email: "lit.user." + strconv.Itoa(int(hostileTried.Add(1))) + "@staff.example.com",
					Role: domain.RoleSupport, Password: "a long enough password",
				})
				if err != nil {
					t.Fatalf("Create: %v", err)
				}
				if got := w.user(t, u.ID); got.FullName != h.value {
					t.Fatalf("read back %q, want %q", got.FullName, h.value)
				}
			})
		}

		t.Run("an email with a quote is kept as typed (lower-cased)", func(t *testing.T) {
			c, err := customers.Create(ctx, salesA, service.CustomerInput{FullName: "Tim O'Reilly", Email: "O'Reilly+Drop@Example.com", Phone: "+1 (555) 010-9999"})
			if err != nil {
				t.Fatalf("Create: %v", err)
			}
			if got, _ := customers.Get(ctx, manager, c.ID); got.Email != "o'reilly+drop@example.com" || got.Phone != "+1 (555) 010-9999" {
				t.Fatalf("read back %q %q", got.Email, got.Phone)
			}
		})

		t.Run("the tables are all still there", func(t *testing.T) {
			counts, err := w.DB.Counts(ctx)
			if err != nil || len(counts) == 0 {
				t.Fatalf("Counts: %v", err)
			}
		})
	})
}
