package store_test

import (
	"sync"
	"testing"

	"gorm.io/gorm/schema"
)

// TestGORMNamingPluralises guards the patched inflection package
// (third_party/inflection, which compiles its rules at first use instead of
// at start-up): GORM's default naming must pluralise and singularise as it
// did, also when the first uses come at once from several goroutines.
func TestGORMNamingPluralises(t *testing.T) {
	var ns schema.NamingStrategy
	cases := []struct{ model, table string }{
		{"Customer", "customers"},
		{"Person", "people"},
		{"AuditEntry", "audit_entries"},
		{"Status", "statuses"},
		{"Sheep", "sheep"},
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for _, c := range cases {
				if got := ns.TableName(c.model); got != c.table {
					t.Errorf("TableName(%q) = %q, want %q", c.model, got, c.table)
				}
				if got := ns.SchemaName(c.table); got != c.model {
					t.Errorf("SchemaName(%q) = %q, want %q", c.table, got, c.model)
				}
			}
		})
	}
	wg.Wait()
}
