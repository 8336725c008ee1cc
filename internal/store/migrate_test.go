package store_test

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/store"
	"github.com/epic-events/crm/internal/store/storetest"
)

var appTables = []string{"roles", "permissions", "role_permissions", "users", "customers", "contracts",
	"payments", "events", "sessions", "audit_log", "settings"}

func countsOf(t *testing.T, db *store.DB) map[string]int64 {
	t.Helper()
	counts, err := db.Counts(ctx)
	mustNil(t, err)
	var names []string
	out := map[string]int64{}
	for _, c := range counts {
		names = append(names, c.Table)
		out[c.Table] = c.Rows
	}
	if !slices.Equal(names, appTables) {
		t.Fatalf("Counts tables = %v, want %v", names, appTables)
	}
	return out
}

func TestMigrations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Run("from empty, every table exists and is empty", func(t *testing.T) {
			for table, n := range countsOf(t, db) {
				if n != 0 {
					t.Fatalf("%s has %d rows", table, n)
				}
			}
			empty, err := db.Empty(ctx)
			mustNil(t, err)
			if !empty {
				t.Fatal("a new database is not Empty")
			}
		})
		t.Run("migrating again changes nothing", func(t *testing.T) {
			mustNil(t, db.Migrate(ctx))
		})
		t.Run("with a collaborator the database is not empty", func(t *testing.T) {
			mustNil(t, db.SeedGrants(ctx, testGrants))
			sam := newUser(t, db.Repos, domain.RoleSales, "Sam Sales")
			c := newCustomer(t, db.Repos, sam, "Ann Acme", "")
			k := newContract(t, db.Repos, c, 100, 100, domain.ContractSigned)
			mustNil(t, db.AddPayment(ctx, &domain.Payment{ContractID: k.ID, Amount: 10, RecordedByID: sam.ID}))
			newEvent(t, db.Repos, k, nil, "Gala", t0, 2)
			mustNil(t, db.CreateSession(ctx, domain.Session{ID: "jti", UserID: sam.ID, ExpiresAt: t0}))
			mustNil(t, db.AddAudit(ctx, &domain.AuditEntry{Action: "seed", Entity: "user", EntityID: sam.ID}))
			_, err := db.PutSettingIfAbsent(ctx, "k", "v")
			mustNil(t, err)
			empty, err := db.Empty(ctx)
			mustNil(t, err)
			if empty {
				t.Fatal("Empty with a collaborator")
			}
			for table, n := range countsOf(t, db) {
				if n == 0 {
					t.Fatalf("%s is empty after filling every table", table)
				}
			}
		})
		t.Run("reset drops every row and leaves a migrated database", func(t *testing.T) {
			mustNil(t, db.Reset(ctx))
			for table, n := range countsOf(t, db) {
				if n != 0 {
					t.Fatalf("%s has %d rows after reset", table, n)
				}
			}
			mustNil(t, db.SeedGrants(ctx, testGrants))
			u := newUser(t, db.Repos, domain.RoleSales, "After Reset")
			if u.ID != 1 {
				t.Fatalf("first id after reset = %d, want 1 (the tables were recreated)", u.ID)
			}
		})
	})
}

func TestResetOfAnUnmigratedDatabase(t *testing.T) {
	db, err := store.Open(ctx, store.Config{Driver: "sqlite", SQLitePath: filepath.Join(t.TempDir(), "fresh.db")})
	mustNil(t, err)
	defer db.Close()
	mustNil(t, db.Reset(ctx))
	countsOf(t, db)
}
