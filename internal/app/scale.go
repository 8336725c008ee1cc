package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/epic-events/crm/internal/store"
	"github.com/epic-events/crm/seeds"
)

// seedScale adds the generated company of n customers (seeds.Scale) to the
// database, showing its progress. Ctrl+C stops it between batches: what was
// committed stays, whole.
func (r *root) seedScale(ctx context.Context, n int) error {
	cfg, err := r.settings()
	if err != nil {
		return err
	}
	if err := refuseInProduction(cfg, "seeding generated data"); err != nil {
		return err
	}
	db, err := r.open(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := prepare(ctx, db); err != nil {
		return err
	}
	sales, support, managers := seeds.ScaleStaff(n)
	r.printf("Seeding %d customers (about %d contracts, %d events), %d sales, %d support and %d managers into %s.\n",
		n, 5*n, 10*n, sales, support, managers, db.Describe())
	p := newProgress(r.stdout, outputIsTerminal(r.stdout))
	note := func(s string) { r.printf("Note: %s.\n", s) }
	res, err := seeds.Scale(ctx, &scaleStore{db: db, n: n, note: note}, seeds.ScaleOptions{Customers: n, Now: r.now(), Progress: p.update})
	p.end()
	if err != nil {
		if errors.Is(err, context.Canceled) {
			r.printf("Interrupted after %d of %d customers: the database holds those, each with all its contracts, payments and events.\n", res.Customers, n)
		}
		return err
	}
	r.printf("Seeded %d rows in %s (%s rows/s): %d collaborators, %d customers, %d contracts, %d payments, %d events.\n",
		res.Rows(), res.Elapsed.Round(time.Millisecond), thousands(perSecond(res.Rows(), res.Elapsed)),
		res.Users, res.Customers, res.Contracts, res.Payments, res.Events)
	r.printf("The generated collaborators share one password, the demo one: %s\n", seeds.DemoPassword)
	return nil
}

// scaleStore is the store as the scale generator sees it: one bulk load
// (store.Load), started by Prepare; n is the number of customers about to be
// written, note says what the user should know about the load.
type scaleStore struct {
	db   *store.DB
	n    int
	note func(string)
	load *store.Load
}

func (s *scaleStore) LastIDs(ctx context.Context) (seeds.ScaleIDs, error) {
	m, err := s.db.MaxIDs(ctx)
	return seeds.ScaleIDs{Users: m.Users, Customers: m.Customers, Contracts: m.Contracts, Payments: m.Payments, Events: m.Events}, err
}

func (s *scaleStore) Tx(ctx context.Context, fn func(seeds.BulkWriter) error) error {
	return s.load.Tx(ctx, func(b *store.Bulk) error { return fn(b) })
}

// Prepare starts the load, deferring the secondary indexes of the tables it
// fills (store.LoadOptions) unless the database already holds more customers
// than it is about to add: rebuilding them would then cost more than it saves.
func (s *scaleStore) Prepare(ctx context.Context) (func(context.Context) error, error) {
	held, err := s.db.MaxIDs(ctx)
	if err != nil {
		return nil, err
	}
	s.load, err = s.db.StartLoad(ctx, store.LoadOptions{
		// Not users: a few hundred rows, whose indexes cost nothing to keep.
		Tables:       []string{"customers", "contracts", "payments", "events"},
		DeferIndexes: held.Customers <= int64(s.n),
	})
	if s.load.Kept != "" && s.note != nil {
		s.note(s.load.Kept + ": they stay in place during the load, which makes it slower (run it with the migrating account to build them after the load)")
	}
	return s.load.Finish, err
}

func outputIsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progress shows a scale seed's advance: a bar redrawn in place on a
// terminal, a plain line every few seconds otherwise (a log, CI).
type progress struct {
	w        io.Writer
	terminal bool
	last     time.Time
	drawn    bool
	every    time.Duration
}

func newProgress(w io.Writer, terminal bool) *progress {
	every := 5 * time.Second
	if terminal {
		every = 200 * time.Millisecond
	}
	return &progress{w: w, terminal: terminal, every: every}
}

func (p *progress) update(s seeds.ScaleProgress) {
	now := time.Now()
	final := s.Phase == "indexes"
	if !final && p.drawn && now.Sub(p.last) < p.every {
		return
	}
	p.last, p.drawn = now, true
	rate := thousands(perSecond(s.Rows, s.Elapsed))
	if !p.terminal {
		if final {
			fmt.Fprintf(p.w, "%d/%d customers, %d rows, %s rows/s; building indexes\n", s.Customers, s.Total, s.Rows, rate)
			return
		}
		fmt.Fprintf(p.w, "%d/%d customers, %d rows, %s rows/s\n", s.Customers, s.Total, s.Rows, rate)
		return
	}
	const width = 24
	done := 0
	if s.Total > 0 {
		done = s.Customers * width / s.Total
	}
	bar := strings.Repeat("#", done) + strings.Repeat("-", width-done)
	line := fmt.Sprintf("[%s] %3d%% %s rows %s/s", bar, s.Customers*100/max(s.Total, 1), thousands(s.Rows), rate)
	if final {
		line += " indexing"
	}
	fmt.Fprintf(p.w, "\r%-79s", line)
}

// end leaves the cursor on a fresh line after the bar.
func (p *progress) end() {
	if p.terminal && p.drawn {
		fmt.Fprintln(p.w)
	}
}

func perSecond(rows int64, d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64(float64(rows) / d.Seconds())
}

// thousands writes n with thin separators: 1234567 → "1,234,567".
func thousands(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
