package store_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/store"
)

// killLoad starts a load that drops the indexes of the loaded tables and
// never finishes it: a process killed mid-load.
func killLoad(t *testing.T, db *store.DB) {
	t.Helper()
	before := indexesOf(t, db)
	if _, err := db.StartLoad(ctx, store.LoadOptions{Tables: loadTables, DeferIndexes: true}); err != nil {
		t.Fatal(err)
	}
	if maps.Equal(indexesOf(t, db), before) {
		t.Fatal("the load dropped no index")
	}
}

// On MariaDB the contract lists name the index that gives their order (FORCE
// INDEX); while a load has it dropped, the list fails. The user is told why
// and what mends it, as an unavailable database (not a bug), and the message
// holds neither SQL nor the index's name.
func TestListsNeedingAnIndexALoadDroppedAreUnavailable(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		killLoad(t, db)
		for _, tt := range []struct {
			name   string
			filter domain.ContractFilter
		}{
			{"every contract (ix_contracts_created)", domain.ContractFilter{}},
			{"contracts of one status (ix_contracts_status_created)", domain.ContractFilter{Status: domain.ContractSigned}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				_, err := db.ListContracts(ctx, tt.filter)
				if db.Driver() == store.DriverSQLite {
					// No index hint: SQLite scans without the index.
					mustNil(t, err)
					return
				}
				de := wantCode(t, err, domain.CodeUnavailable)
				for _, want := range []string{"being loaded", "epicevents db migrate", "indexes"} {
					if !strings.Contains(de.Message, want) {
						t.Errorf("the message %q does not say %q", de.Message, want)
					}
				}
				for _, leak := range []string{"ix_", "FORCE", "SELECT", "contracts", "1176"} {
					if strings.Contains(de.Error(), leak) {
						t.Errorf("the message %q shows %q", de.Error(), leak)
					}
				}
			})
		}
	})
}

// What `epicevents db migrate` runs (Migrate, then RestoreIndexes) builds again
// the indexes of a load that was killed, clears the record of them, and the
// lists work again.
func TestMigrateRepairsAKilledLoad(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		before := indexesOf(t, db)
		killLoad(t, db)

		mustNil(t, db.Migrate(ctx))
		for i, want := range []bool{true, false} {
			rebuilt, err := db.RestoreIndexes(ctx)
			if err != nil || rebuilt != want {
				t.Fatalf("migrate #%d: RestoreIndexes = %t, %v; want %t", i+1, rebuilt, err, want)
			}
		}
		if after := indexesOf(t, db); !maps.Equal(after, before) {
			t.Errorf("after migrate the indexes are\n%v\nwant\n%v", slices.Sorted(maps.Keys(after)), slices.Sorted(maps.Keys(before)))
		}
		if r := deferredRecord(t, db); r != "" {
			t.Errorf("the record of the dropped indexes outlived the repair: %q", r)
		}
		for _, f := range []domain.ContractFilter{{}, {Status: domain.ContractSigned}} {
			if _, err := db.ListContracts(ctx, f); err != nil {
				t.Errorf("ListContracts(%+v) after the repair: %v", f, err)
			}
		}
	})
}
