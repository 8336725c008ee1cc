package store

import (
	"context"
	"strings"

	"github.com/epic-events/crm/internal/domain"
	"gorm.io/gorm"
)

// Bulk loading, for the scale generator and tests that need many rows: rows
// carry the ids the caller chose (so children can point at parents without
// reading ids back), and go in multi-row INSERTs sent straight to the
// connection, skipping GORM's statement building, which costs more per row
// than the database does. Nothing is validated beyond the schema's constraints
// (and inside a Load on MariaDB, not even the foreign keys: see Load).

// bulkParams caps the placeholders of one statement: under SQLite's 32 766
// and small enough to keep a MySQL packet far below max_allowed_packet.
const bulkParams = 30000

// MaxIDs is the highest id of each table the bulk inserts write (0 when empty).
type MaxIDs struct {
	Users, Customers, Contracts, Payments, Events, Audit int64
}

// MaxIDs reads the highest id of each table, from which a bulk load numbers its rows.
func (r *Repos) MaxIDs(ctx context.Context) (MaxIDs, error) {
	var m MaxIDs
	for _, t := range []struct {
		table string
		into  *int64
	}{
		{"users", &m.Users}, {"customers", &m.Customers}, {"contracts", &m.Contracts},
		{"payments", &m.Payments}, {"events", &m.Events}, {"audit_log", &m.Audit},
	} {
		if err := r.q(ctx).Raw("SELECT COALESCE(MAX(id), 0) FROM " + t.table).Scan(t.into).Error; err != nil {
			return MaxIDs{}, translate("max ids: "+t.table, err)
		}
	}
	return m, nil
}

// Bulk writes rows whose ids are set inside one transaction of a bulk load
// (Load.Tx). prefix goes before each INSERT: MariaDB's per-statement settings
// of the load (see Load), or nothing.
type Bulk struct {
	*Repos
	prefix string
}

// insertRows writes n rows of cols into table, as few statements as the
// placeholder cap allows. row(i, args) appends row i's values to args.
func (b *Bulk) insertRows(ctx context.Context, op, table string, cols []string, n int, row func(i int, args []any) []any) error {
	if n == 0 {
		return nil
	}
	r := b.Repos
	per := max(bulkParams/len(cols), 1)
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	head := b.prefix + "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "
	pool := r.db.Statement.ConnPool
	var sb strings.Builder
	args := make([]any, 0, min(n, per)*len(cols))
	for start := 0; start < n; start += per {
		end := min(start+per, n)
		sb.Reset()
		sb.WriteString(head)
		args = args[:0]
		for i := start; i < end; i++ {
			if i > start {
				sb.WriteString(", ")
			}
			sb.WriteString(tuple)
			args = row(i, args)
		}
		if _, err := pool.ExecContext(ctx, sb.String(), args...); err != nil {
			if tr, ok := r.db.Dialector.(gorm.ErrorTranslator); ok {
				err = tr.Translate(err)
			}
			return translate(op, err)
		}
		if c, ok := ctx.Value(counterKey{}).(*QueryCounter); ok {
			c.add(Statement{SQL: sb.String(), Vars: append([]any(nil), args...), InTx: r.inTx()})
		}
	}
	return nil
}

// The Repos' inserts write rows with their ids set outside a Load, every
// constraint checked: for tests that need many rows.
func (r *Repos) InsertUsers(ctx context.Context, us []domain.Collaborator) error {
	return (&Bulk{Repos: r}).InsertUsers(ctx, us)
}

func (r *Repos) InsertCustomers(ctx context.Context, cs []domain.Customer) error {
	return (&Bulk{Repos: r}).InsertCustomers(ctx, cs)
}

func (r *Repos) InsertContracts(ctx context.Context, ks []domain.Contract) error {
	return (&Bulk{Repos: r}).InsertContracts(ctx, ks)
}

func (r *Repos) InsertPayments(ctx context.Context, ps []domain.Payment) error {
	return (&Bulk{Repos: r}).InsertPayments(ctx, ps)
}

func (r *Repos) InsertEvents(ctx context.Context, es []domain.Event) error {
	return (&Bulk{Repos: r}).InsertEvents(ctx, es)
}

func (r *Repos) InsertAudit(ctx context.Context, es []domain.AuditEntry) error {
	return (&Bulk{Repos: r}).InsertAudit(ctx, es)
}

func (r *Repos) inTx() bool {
	_, ok := r.db.Statement.ConnPool.(interface{ Commit() error })
	return ok
}

// InsertUsers writes collaborators with their ids set; CreatedAt and UpdatedAt
// must be set too.
func (b *Bulk) InsertUsers(ctx context.Context, us []domain.Collaborator) error {
	cols := []string{"id", "employee_number", "full_name", "email", "password_hash", "role", "active",
		"failed_logins", "locked_until", "version", "created_at", "updated_at"}
	return b.insertRows(ctx, "insert users", "users", cols, len(us), func(i int, a []any) []any {
		u := &us[i]
		return append(a, u.ID, strings.TrimSpace(u.EmployeeNumber), u.FullName, domain.NormalizeEmail(u.Email),
			u.PasswordHash, string(u.Role), u.Active, u.FailedLogins, stampPtr(u.LockedUntil), version(u.Version),
			stamp(u.CreatedAt), stamp(u.UpdatedAt))
	})
}

// InsertCustomers writes customers with their ids and times set.
func (b *Bulk) InsertCustomers(ctx context.Context, cs []domain.Customer) error {
	cols := []string{"id", "full_name", "email", "phone", "company_name", "sales_contact_id", "version", "created_at", "updated_at"}
	return b.insertRows(ctx, "insert customers", "customers", cols, len(cs), func(i int, a []any) []any {
		c := &cs[i]
		return append(a, c.ID, c.FullName, domain.NormalizeEmail(c.Email), c.Phone, c.CompanyName, c.SalesContactID,
			version(c.Version), stamp(c.CreatedAt), stamp(c.UpdatedAt))
	})
}

// InsertContracts writes contracts with their ids and times set.
func (b *Bulk) InsertContracts(ctx context.Context, ks []domain.Contract) error {
	cols := []string{"id", "customer_id", "total_amount", "amount_due", "status", "signed_at", "version", "created_at", "updated_at"}
	return b.insertRows(ctx, "insert contracts", "contracts", cols, len(ks), func(i int, a []any) []any {
		k := &ks[i]
		status := k.Status
		if status == "" {
			status = domain.ContractDraft
		}
		return append(a, k.ID, k.CustomerID, k.TotalAmount.Cents(), k.AmountDue.Cents(), string(status),
			stampPtr(k.SignedAt), version(k.Version), stamp(k.CreatedAt), stamp(k.UpdatedAt))
	})
}

// InsertPayments writes payments with their ids and times set.
func (b *Bulk) InsertPayments(ctx context.Context, ps []domain.Payment) error {
	cols := []string{"id", "contract_id", "amount", "received_at", "recorded_by", "created_at"}
	return b.insertRows(ctx, "insert payments", "payments", cols, len(ps), func(i int, a []any) []any {
		p := &ps[i]
		return append(a, p.ID, p.ContractID, p.Amount.Cents(), stamp(p.ReceivedAt), p.RecordedByID, stamp(p.CreatedAt))
	})
}

// InsertEvents writes events with their ids and times set.
func (b *Bulk) InsertEvents(ctx context.Context, es []domain.Event) error {
	cols := []string{"id", "contract_id", "name", "support_contact_id", "start_at", "end_at", "location",
		"attendees", "notes", "version", "created_at", "updated_at"}
	return b.insertRows(ctx, "insert events", "events", cols, len(es), func(i int, a []any) []any {
		e := &es[i]
		return append(a, e.ID, e.ContractID, e.Name, e.SupportContactID, stamp(e.StartAt), stamp(e.EndAt),
			e.Location, e.Attendees, e.Notes, version(e.Version), stamp(e.CreatedAt), stamp(e.UpdatedAt))
	})
}

// InsertAudit writes audit entries with their ids and times set.
func (b *Bulk) InsertAudit(ctx context.Context, es []domain.AuditEntry) error {
	cols := []string{"id", "actor_id", "actor_email", "action", "entity", "entity_id", "changes", "at"}
	return b.insertRows(ctx, "insert audit", "audit_log", cols, len(es), func(i int, a []any) []any {
		e := &es[i]
		return append(a, e.ID, e.ActorID, domain.NormalizeEmail(e.ActorEmail), e.Action, e.Entity, e.EntityID, "[]", stamp(e.At))
	})
}

func version(v int64) int64 {
	if v <= 0 {
		return 1
	}
	return v
}

// Analyze refreshes the optimiser's statistics after a bulk load, so that the
// next lists are planned on the new sizes at once. MariaDB does it on its own
// some time after large changes; SQLite keeps no statistics unless asked, and
// its plans without them are the ones the plan tests check, so it is left alone.
func (db *DB) Analyze(ctx context.Context) error {
	if db.driver != DriverMySQL {
		return nil
	}
	if err := db.gorm.WithContext(ctx).Exec("ANALYZE TABLE users, customers, contracts, payments, events, audit_log").Error; err != nil {
		return translate("analyze", err)
	}
	return nil
}
