package app

import (
	"context"
	"strings"
	"testing"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/store"
)

// A `db seed --scale` killed mid-load leaves the secondary indexes of the
// tables it filled dropped. On MariaDB the contract list, which names its
// index, then fails with a message that points to `db migrate` (not an
// apology: nothing is broken in the program); `db migrate` builds the indexes
// again and says so, once.
func TestDBMigrateRepairsAKilledScaleSeed(t *testing.T) {
	onEachEngine(t, func(t *testing.T, p *program) {
		ctx := context.Background()
		withSession(t, p)
		p.mustRun("db", "seed")
		p.loginAs(manager1)
		db := p.db()
		// Started and never finished: the process was killed.
		if _, err := db.StartLoad(ctx, store.LoadOptions{Tables: []string{"customers", "contracts", "payments", "events"}, DeferIndexes: true}); err != nil {
			t.Fatal(err)
		}

		if p.env["DB_DRIVER"] == "mysql" {
			res := p.run("contract", "list")
			failsWith(t, res, ExitError, "being loaded", "epicevents db migrate")
			if strings.Contains(res.stderr, apology) {
				t.Errorf("the user is told of a bug: %s", res.stderr)
			}
			if res := p.run("contract", "list", "--json"); !strings.Contains(res.stdout, `"code": "unavailable"`) {
				t.Errorf("contract list --json says:\n%s", res.stdout)
			}
		}

		res := p.mustRun("db", "migrate")
		if !strings.Contains(res.stdout, "Rebuilt the indexes") || !strings.Contains(res.stdout, "up to date") {
			t.Errorf("db migrate after a killed load says:\n%s", res.stdout)
		}
		if _, err := db.GetSetting(ctx, "store.deferred_indexes"); domain.ErrorCode(err) != domain.CodeNotFound {
			t.Errorf("the record of the dropped indexes after db migrate: %v; want none", err)
		}
		p.mustRun("contract", "list")
		if res := p.mustRun("db", "migrate"); strings.Contains(res.stdout, "Rebuilt") {
			t.Errorf("a second db migrate rebuilds again:\n%s", res.stdout)
		}
	})
}
