package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// planRecorder keeps the last statement GORM ran, with its arguments inlined.
type planRecorder struct {
	logger.Interface
	last string
}

func (p *planRecorder) Trace(_ context.Context, _ time.Time, fc func() (string, int64), _ error) {
	p.last, _ = fc()
}

// TestListPlansUseIndexes asks SQLite how it runs each list, first page and
// next page: the driving table must be read through an index (never a plain
// scan), and only lists that narrow to one owner may sort their few rows.
// (MariaDB's plans were checked by hand on 30 000 rows: see the comment on joined.)
func TestListPlansUseIndexes(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, Config{Driver: DriverSQLite, SQLitePath: filepath.Join(t.TempDir(), "plans.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	rec := &planRecorder{Interface: logger.Discard}
	r := &Repos{db: db.gorm.Session(&gorm.Session{Logger: rec}), driver: DriverSQLite, now: db.now}

	now := time.Now().UTC()
	cursors := map[string]domain.Cursor{
		"users":     encodeCursor(cursorKey{List: "users", Text: "m", ID: 5}),
		"customers": encodeCursor(cursorKey{List: "customers", Text: "m", ID: 5}),
		"contracts": encodeCursor(cursorKey{List: "contracts", Time: now, ID: 5}),
		"events":    encodeCursor(cursorKey{List: "events", Time: now, ID: 5}),
		"audit":     encodeCursor(cursorKey{List: "audit", Time: now, ID: 5}),
	}
	tests := []struct {
		name    string
		list    string
		run     func(domain.Page) error
		maySort bool
	}{
		{"users", "users", func(p domain.Page) error { _, err := r.ListUsers(ctx, domain.UserFilter{Page: p}); return err }, false},
		{"users of a role", "users", func(p domain.Page) error {
			_, err := r.ListUsers(ctx, domain.UserFilter{Role: domain.RoleSales, Page: p})
			return err
		}, false},
		{"customers", "customers", func(p domain.Page) error { _, err := r.ListCustomers(ctx, domain.CustomerFilter{Page: p}); return err }, false},
		{"my customers", "customers", func(p domain.Page) error {
			_, err := r.ListCustomers(ctx, domain.CustomerFilter{SalesContactID: 1, Page: p})
			return err
		}, false},
		{"contracts", "contracts", func(p domain.Page) error { _, err := r.ListContracts(ctx, domain.ContractFilter{Page: p}); return err }, false},
		{"contracts by status", "contracts", func(p domain.Page) error {
			_, err := r.ListContracts(ctx, domain.ContractFilter{Status: domain.ContractDraft, Page: p})
			return err
		}, false},
		{"unpaid contracts", "contracts", func(p domain.Page) error {
			_, err := r.ListContracts(ctx, domain.ContractFilter{Unpaid: true, Page: p})
			return err
		}, false},
		{"a customer's contracts", "contracts", func(p domain.Page) error {
			_, err := r.ListContracts(ctx, domain.ContractFilter{CustomerID: 1, Page: p})
			return err
		}, true},
		{"my customers' contracts", "contracts", func(p domain.Page) error {
			_, err := r.ListContracts(ctx, domain.ContractFilter{SalesContactID: 1, Page: p})
			return err
		}, true},
		{"events", "events", func(p domain.Page) error { _, err := r.ListEvents(ctx, domain.EventFilter{Page: p}); return err }, false},
		{"upcoming events", "events", func(p domain.Page) error {
			_, err := r.ListEvents(ctx, domain.EventFilter{From: &now, Page: p})
			return err
		}, false},
		{"my events", "events", func(p domain.Page) error {
			_, err := r.ListEvents(ctx, domain.EventFilter{SupportContactID: 1, Page: p})
			return err
		}, false},
		{"events without support", "events", func(p domain.Page) error {
			_, err := r.ListEvents(ctx, domain.EventFilter{WithoutSupport: true, Page: p})
			return err
		}, false},
		{"a contract's events", "events", func(p domain.Page) error {
			_, err := r.ListEvents(ctx, domain.EventFilter{ContractID: 1, Page: p})
			return err
		}, true},
		{"audit", "audit", func(p domain.Page) error { _, err := r.ListAudit(ctx, domain.AuditFilter{Page: p}); return err }, false},
		{"audit of an entity", "audit", func(p domain.Page) error {
			_, err := r.ListAudit(ctx, domain.AuditFilter{Entity: "user", Page: p})
			return err
		}, false},
		{"audit of an actor", "audit", func(p domain.Page) error {
			_, err := r.ListAudit(ctx, domain.AuditFilter{ActorID: 1, Page: p})
			return err
		}, false},
	}
	for _, tt := range tests {
		for _, page := range []domain.Page{{}, {After: cursors[tt.list]}} {
			name := tt.name + ", first page"
			if page.After != "" {
				name = tt.name + ", next page"
			}
			t.Run(name, func(t *testing.T) {
				if err := tt.run(page); err != nil {
					t.Fatal(err)
				}
				var plan []string
				rows, err := db.sql.QueryContext(ctx, "EXPLAIN QUERY PLAN "+rec.last)
				if err != nil {
					t.Fatalf("explain %s: %v", rec.last, err)
				}
				defer rows.Close()
				for rows.Next() {
					var id, parent, unused int
					var detail string
					if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
						t.Fatal(err)
					}
					plan = append(plan, detail)
				}
				if len(plan) == 0 || !strings.Contains(rec.last, "LIMIT") {
					t.Fatalf("no plan for %q", rec.last)
				}
				for _, step := range plan {
					scan := strings.HasPrefix(step, "SCAN ") && !strings.Contains(step, " INDEX ")
					sort := strings.Contains(step, "TEMP B-TREE")
					if scan || (sort && !tt.maySort) {
						t.Fatalf("plan step %q\nplan: %q\nquery: %s", step, plan, rec.last)
					}
				}
			})
		}
	}
}
