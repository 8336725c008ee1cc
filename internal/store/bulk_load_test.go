package store_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/store"
)

var loadTables = []string{"customers", "contracts", "payments", "events"}

// indexesOf is the schema of the indexes of the loaded tables, word for word:
// SQLite's CREATE INDEX statements, MariaDB's SHOW CREATE TABLE.
func indexesOf(t *testing.T, db *store.DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	if db.Driver() == store.DriverSQLite {
		rows, err := db.SQL().QueryContext(ctx, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('customers', 'contracts', 'payments', 'events')")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var name, sql string
			if err := rows.Scan(&name, &sql); err != nil {
				t.Fatal(err)
			}
			out[sql] = name
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	for _, table := range loadTables {
		var name, create string
		if err := db.SQL().QueryRowContext(ctx, "SHOW CREATE TABLE "+table).Scan(&name, &create); err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(create, "\n") {
			line = strings.TrimSuffix(strings.TrimSpace(line), ",")
			if strings.Contains(line, "KEY `") && !strings.HasPrefix(line, "CONSTRAINT") {
				out[line] = table
			}
		}
	}
	return out
}

// deferredRecord reads what a load left to rebuild ("" when nothing).
func deferredRecord(t *testing.T, db *store.DB) string {
	t.Helper()
	v, err := db.GetSetting(ctx, "store.deferred_indexes")
	if domain.ErrorCode(err) == domain.CodeNotFound {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// The indexes a bulk load drops and builds again. SQLite needs none for its
// foreign keys; InnoDB needs one per foreign key, and unique keys stay on both.
var deferredOn = map[string][]string{
	store.DriverSQLite: {"ix_contracts_amount_due", "ix_contracts_created", "ix_contracts_customer", "ix_contracts_status_created",
		"ix_customers_name", "ix_customers_sales_name", "ix_events_contract", "ix_events_start", "ix_events_support_start",
		"ix_payments_contract", "ix_payments_recorded_by"},
	store.DriverMySQL: {"ix_contracts_amount_due", "ix_contracts_created", "ix_contracts_status_created", "ix_customers_name", "ix_events_start"},
}

func TestBulkLoadDefersIndexesAndBuildsThemAgain(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		before := indexesOf(t, db)
		load, err := db.StartLoad(ctx, store.LoadOptions{Tables: loadTables, DeferIndexes: true})
		if err != nil {
			t.Fatal(err)
		}
		if !load.Deferred() || load.Kept != "" {
			t.Fatalf("Deferred() = %t, Kept = %q; want the indexes deferred", load.Deferred(), load.Kept)
		}

		t.Run("only the secondary indexes no key needs are gone, and what builds them is recorded", func(t *testing.T) {
			during := indexesOf(t, db)
			var gone []string
			for def := range before {
				if _, ok := during[def]; !ok {
					gone = append(gone, indexName(def))
				}
			}
			slices.Sort(gone)
			if want := deferredOn[db.Driver()]; !slices.Equal(gone, want) {
				t.Errorf("dropped %v, want %v", gone, want)
			}
			if deferredRecord(t, db) == "" {
				t.Error("nothing recorded for a load killed now to be repaired")
			}
		})

		t.Run("rows go in, duplicates are still refused", func(t *testing.T) {
			staff := domain.Collaborator{ID: 900, EmployeeNumber: "EE-0900", FullName: "Bulk Sales", Email: "bulk.sales@example.com",
				PasswordHash: "x", Role: domain.RoleSales, Active: true, CreatedAt: t0, UpdatedAt: t0}
			customer := func(id domain.ID) domain.Customer {
				return domain.Customer{ID: id, FullName: "Bulk Customer", Email: "bulk@example.com", Phone: "+33 1 23 45 67 89",
					SalesContactID: staff.ID, CreatedAt: t0, UpdatedAt: t0}
			}
			if err := load.Tx(ctx, func(b *store.Bulk) error {
				if err := b.InsertUsers(ctx, []domain.Collaborator{staff}); err != nil {
					return err
				}
				return b.InsertCustomers(ctx, []domain.Customer{customer(1)})
			}); err != nil {
				t.Fatal(err)
			}
			err := load.Tx(ctx, func(b *store.Bulk) error { return b.InsertCustomers(ctx, []domain.Customer{customer(2)}) })
			if domain.ErrorCode(err) != domain.CodeConflict {
				t.Errorf("a second customer with the same email: %v; want a conflict", err)
			}
		})

		if err := load.Finish(ctx); err != nil {
			t.Fatal(err)
		}
		if after := indexesOf(t, db); !maps.Equal(after, before) {
			t.Errorf("after the load the indexes are\n%v\nwant\n%v", slices.Sorted(maps.Keys(after)), slices.Sorted(maps.Keys(before)))
		}
		if r := deferredRecord(t, db); r != "" {
			t.Errorf("the record of the dropped indexes outlived the load: %q", r)
		}
	})
}

// indexName finds the index's name in its definition (SQLite's CREATE INDEX or
// a SHOW CREATE TABLE line).
func indexName(def string) string {
	if name, ok := strings.CutPrefix(def, "CREATE INDEX "); ok {
		return strings.Fields(name)[0]
	}
	_, rest, _ := strings.Cut(def, "KEY `")
	name, _, _ := strings.Cut(rest, "`")
	return name
}

func TestBulkLoadKilledIsRepairedByTheNextOrRestoreIndexes(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		before := indexesOf(t, db)
		kill := func() {
			t.Helper()
			// Started and never finished: a process killed mid-load.
			if _, err := db.StartLoad(ctx, store.LoadOptions{Tables: loadTables, DeferIndexes: true}); err != nil {
				t.Fatal(err)
			}
			if maps.Equal(indexesOf(t, db), before) {
				t.Fatal("the load dropped no index")
			}
		}
		t.Run("RestoreIndexes", func(t *testing.T) {
			kill()
			for i, want := range []bool{true, false} {
				restored, err := db.RestoreIndexes(ctx)
				if err != nil || restored != want {
					t.Errorf("RestoreIndexes #%d = %t, %v; want %t", i+1, restored, err, want)
				}
			}
			if !maps.Equal(indexesOf(t, db), before) || deferredRecord(t, db) != "" {
				t.Errorf("not repaired: %v, record %q", slices.Sorted(maps.Keys(indexesOf(t, db))), deferredRecord(t, db))
			}
		})
		t.Run("the next load, even one that keeps its indexes", func(t *testing.T) {
			kill()
			load, err := db.StartLoad(ctx, store.LoadOptions{Tables: loadTables})
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(indexesOf(t, db), before) || deferredRecord(t, db) != "" {
				t.Errorf("not repaired: %v, record %q", slices.Sorted(maps.Keys(indexesOf(t, db))), deferredRecord(t, db))
			}
			if err := load.Finish(ctx); err != nil {
				t.Fatal(err)
			}
		})
	})
}

// On MariaDB a load's inserts skip the foreign-key checks, for that statement
// only; outside a load, and on SQLite, a reference to nothing is refused.
func TestBulkLoadInsertsSkipForeignKeyChecksOnMariaDBOnly(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		load, err := db.StartLoad(ctx, store.LoadOptions{Tables: loadTables})
		if err != nil {
			t.Fatal(err)
		}
		defer func() {
			if err := load.Finish(ctx); err != nil {
				t.Error(err)
			}
		}()
		if load.Deferred() {
			t.Fatal("indexes deferred although not asked")
		}
		staff := domain.Collaborator{ID: 900, EmployeeNumber: "EE-0900", FullName: "Bulk Sales", Email: "bulk.sales@example.com",
			PasswordHash: "x", Role: domain.RoleSales, Active: true, CreatedAt: t0, UpdatedAt: t0}
		cctx, count := store.CountQueries(ctx)
		if err := load.Tx(cctx, func(b *store.Bulk) error { return b.InsertUsers(cctx, []domain.Collaborator{staff}) }); err != nil {
			t.Fatal(err)
		}
		stmt, ok := count.Last()
		if !ok {
			t.Fatal("no statement counted")
		}
		want := "INSERT INTO users"
		if db.Driver() == store.DriverMySQL {
			want = "SET STATEMENT foreign_key_checks = 0 FOR INSERT INTO users"
		}
		if !strings.HasPrefix(stmt.SQL, want) {
			t.Errorf("the load's insert is %.80q…; want it to start with %q", stmt.SQL, want)
		}
		orphan := domain.Customer{ID: 1, FullName: "Orphan", Email: "orphan@example.com", Phone: "+33 1 23 45 67 89",
			SalesContactID: 12345, CreatedAt: t0, UpdatedAt: t0}
		err = db.Tx(ctx, func(r *store.Repos) error { return r.InsertCustomers(ctx, []domain.Customer{orphan}) })
		if err == nil {
			t.Errorf("outside a load, a customer of a salesperson who does not exist was written (%v)", err)
		}
	})
}
