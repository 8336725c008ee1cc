package app

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/store"
	"github.com/epic-events/crm/internal/ui"
	"github.com/epic-events/crm/internal/ui/uitest"
)

// The launch of an up-to-date demo database only reads before it asks who
// logs in, and asks the database three things through the store: the grants'
// checksum, the session signing key and the first demo account (which also
// says the database is not empty). Start-up is a target (BENCHMARKS.md): a
// statement more before the prompt is a cost every launch pays. (The first
// launch after a seed also stores the signing key: the second is measured.)
func TestLaunchOfADemoDatabaseReadsThreeThingsBeforeThePrompt(t *testing.T) {
	onEachEngine(t, func(t *testing.T, p *program) {
		p.mustRun("db", "seed")
		p.onTerminal(uitest.Quit("Email"))
		p.mustRun()
		ctx, counter := store.CountQueries(context.Background())
		var stdout, stderr bytes.Buffer
		r := newRoot(p.deps(&stdout, &stderr))
		r.terminal = func() terminal {
			return terminal{prompter: uitest.New(t, p.steps...), display: ui.Display{Location: time.UTC}, restore: func() {}}
		}
		if err := r.execute(ctx, nil); err != nil {
			t.Fatalf("launch: %v\n%s", err, stderr.String())
		}
		if !strings.Contains(stdout.String(), "Demo accounts") {
			t.Errorf("the launch does not show the demo accounts:\n%s", stdout.String())
		}
		stmts := counter.Statements()
		var listing strings.Builder
		for _, s := range stmts {
			listing.WriteString("\n  " + s.SQL)
		}
		if len(stmts) != 3 {
			t.Errorf("%d statements before the prompt, want 3:%s", len(stmts), listing.String())
		}
		for _, s := range stmts {
			if s.InTx || !strings.HasPrefix(strings.ToUpper(strings.TrimSpace(s.SQL)), "SELECT") {
				t.Errorf("the launch wrote, or opened a transaction, before the prompt:%s", listing.String())
				break
			}
		}
	})
}
