package report_test

import (
	"context"
	"errors"
	"testing"

	"github.com/epic-events/crm/internal/report"
)

func TestBreadcrumbsTravelWithTheNextErrorScrubbed(t *testing.T) {
	r, transport := newReporter(t)
	r.Breadcrumb("mysql.driver", "unexpected EOF talking to ada@example.com")
	r.Error(context.Background(), errors.New("store: the database is unavailable"), nil)

	event := onlyEvent(t, transport)
	if len(event.Breadcrumbs) != 1 {
		t.Fatalf("%d breadcrumbs sent, want the driver's line", len(event.Breadcrumbs))
	}
	if got := event.Breadcrumbs[0]; got.Category != "mysql.driver" {
		t.Errorf("breadcrumb category = %q, want mysql.driver", got.Category)
	}
	assertClean(t, event)
}

func TestBreadcrumbOnAReporterThatIsOffDoesNothing(t *testing.T) {
	t.Setenv("SENTRY_DSN", "")
	off, err := report.New(report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	off.Breadcrumb("mysql.driver", "ignored") // must not panic
	var none *report.Reporter
	none.Breadcrumb("mysql.driver", "ignored")
}
