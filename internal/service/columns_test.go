package service_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
	"github.com/epic-events/crm/internal/store"
)

// TestUpdatesWriteOnlyChangedColumns runs every update of the services and reads
// the UPDATE the store sent: its SET list names the columns that changed, plus
// version and updated_at, and nothing else (an unchanged column written again
// costs its index entries on SQLite, and would undo a change made beside it);
// its WHERE still checks the id and the version.
func TestUpdatesWriteOnlyChangedColumns(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		deps := w.Deps()
		users, customers, contracts, events := service.NewUsers(deps, w.Hasher), service.NewCustomers(deps), service.NewContracts(deps), service.NewEvents(deps)
		manager, sales, support := w.actor(w.Manager), w.actor(w.SalesA), w.actor(w.SupportA)

		customer := w.addCustomer(t, w.SalesA, "Columns Customer")
		draft := w.addContract(t, customer, 1000_00, domain.ContractDraft)
		signed := w.addContract(t, customer, 2000_00, domain.ContractSigned)
		idle := w.addContract(t, customer, 3000_00, domain.ContractSigned)
		start := t0.Add(7 * 24 * time.Hour)
		event := w.addEvent(t, signed, "Columns Event", start, &w.SupportA)
		staff := w.addUser(t, domain.RoleSupport, "Columns Staff")

		cases := []struct {
			name, table string
			want        []string
			run         func(ctx context.Context) error
		}{
			{"a customer's phone", "customers", []string{"phone"}, func(ctx context.Context) (err error) {
				customer, err = customers.Update(ctx, sales, customer.ID, customer.Version, service.CustomerPatch{
					Phone: ptr("+33 6 99 99 99 99"), FullName: ptr(customer.FullName), Email: ptr(strings.ToUpper(customer.Email))})
				return err
			}},
			{"a customer's name and email", "customers", []string{"full_name", "email"}, func(ctx context.Context) (err error) {
				customer, err = customers.Update(ctx, sales, customer.ID, customer.Version, service.CustomerPatch{
					FullName: ptr("Columns Renamed"), Email: ptr("columns.renamed@example.com")})
				return err
			}},
			{"a customer reassigned", "customers", []string{"sales_contact_id"}, func(ctx context.Context) (err error) {
				customer, err = customers.Reassign(ctx, manager, customer.ID, w.SalesB.ID)
				return err
			}},
			{"a contract's total", "contracts", []string{"total_amount", "amount_due"}, func(ctx context.Context) (err error) {
				draft, err = contracts.UpdateTotal(ctx, manager, draft.ID, draft.Version, 1100_00)
				return err
			}},
			{"a contract signed", "contracts", []string{"status", "signed_at"}, func(ctx context.Context) (err error) {
				draft, err = contracts.Sign(ctx, manager, draft.ID)
				return err
			}},
			{"a payment", "contracts", []string{"amount_due"}, func(ctx context.Context) (err error) {
				draft, _, err = contracts.RecordPayment(ctx, manager, draft.ID, 100_00, time.Time{})
				return err
			}},
			{"a contract cancelled", "contracts", []string{"status"}, func(ctx context.Context) (err error) {
				_, err = contracts.Cancel(ctx, manager, idle.ID)
				return err
			}},
			{"an event's attendees", "events", []string{"attendees"}, func(ctx context.Context) (err error) {
				event, _, err = events.Update(ctx, support, event.ID, event.Version, service.EventPatch{
					Attendees: ptr(200), Name: ptr(event.Name), Location: ptr(event.Location)})
				return err
			}},
			{"an event moved", "events", []string{"start_at", "end_at"}, func(ctx context.Context) (err error) {
				event, _, err = events.Update(ctx, support, event.ID, event.Version, service.EventPatch{
					StartAt: ptr(start.Add(time.Hour)), EndAt: ptr(start.Add(5 * time.Hour))})
				return err
			}},
			{"an event unassigned", "events", []string{"support_contact_id"}, func(ctx context.Context) (err error) {
				event, err = events.Unassign(ctx, manager, event.ID)
				return err
			}},
			{"an event assigned", "events", []string{"support_contact_id"}, func(ctx context.Context) (err error) {
				event, _, err = events.Assign(ctx, manager, event.ID, w.SupportB.ID)
				return err
			}},
			{"a collaborator renamed", "users", []string{"full_name"}, func(ctx context.Context) (err error) {
				staff, err = users.Update(ctx, manager, staff.ID, service.UserChanges{FullName: "Columns Renamed", Email: staff.Email, Version: staff.Version})
				return err
			}},
			{"a collaborator's role", "users", []string{"role"}, func(ctx context.Context) (err error) {
				staff, err = users.Update(ctx, manager, staff.ID, service.UserChanges{Role: domain.RoleSales, Version: staff.Version})
				return err
			}},
			{"a collaborator deactivated", "users", []string{"active"}, func(ctx context.Context) (err error) {
				_, err = users.Deactivate(ctx, manager, staff.ID)
				return err
			}},
			{"a collaborator reactivated", "users", []string{"active"}, func(ctx context.Context) (err error) {
				_, err = users.Reactivate(ctx, manager, staff.ID)
				return err
			}},
			{"a password reset", "users", []string{"password_hash", "must_change_password"}, func(ctx context.Context) error {
				return users.ResetPassword(ctx, manager, staff.ID, "a long enough password 1")
			}},
		}
		for _, tt := range cases {
			t.Run(tt.name, func(t *testing.T) {
				ctx, count := store.CountQueries(context.Background())
				if err := tt.run(ctx); err != nil {
					t.Fatal(err)
				}
				var updates []store.Statement
				for _, s := range count.Statements() {
					// The version-checked one: a password reset also unlocks the
					// login with SetLoginState, which has no version.
					if strings.HasPrefix(strings.ToUpper(s.SQL), "UPDATE "+strings.ToUpper(tt.table)+" ") && strings.Contains(s.SQL, "version = ?") {
						updates = append(updates, s)
					}
				}
				if len(updates) != 1 {
					t.Fatalf("%d version-checked UPDATEs of %s, want 1:\n%s", len(updates), tt.table, statements(count))
				}
				set, where := setColumns(t, updates[0].SQL)
				want := append(slices.Clone(tt.want), "version", "updated_at")
				slices.Sort(want)
				if !slices.Equal(set, want) {
					t.Errorf("SET %v, want %v:\n  %s", set, want, updates[0].SQL)
				}
				if where != "id = ? AND version = ?" {
					t.Errorf("WHERE %q, want the id and the version checked", where)
				}
				if got := strings.Count(updates[0].SQL, "?"); got != len(updates[0].Vars) {
					t.Errorf("%d placeholders, %d arguments: every value is a parameter", got, len(updates[0].Vars))
				}
			})
		}
	})
}

// setColumns parses "UPDATE t SET a = ?, b = ... WHERE w" into its sorted
// column names and its WHERE clause.
func setColumns(t *testing.T, sql string) (cols []string, where string) {
	t.Helper()
	sql = strings.Join(strings.Fields(sql), " ")
	_, rest, ok := strings.Cut(sql, " SET ")
	if !ok {
		t.Fatalf("no SET in %q", sql)
	}
	set, where, ok := strings.Cut(rest, " WHERE ")
	if !ok {
		t.Fatalf("no WHERE in %q", sql)
	}
	for _, assign := range strings.Split(set, ", ") {
		name, _, _ := strings.Cut(assign, " = ")
		cols = append(cols, name)
	}
	slices.Sort(cols)
	return cols, where
}
