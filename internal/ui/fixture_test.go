package ui_test

// The world of the menu tests: a fresh SQLite file with the demo company
// seeded, the real services built as the app wires them (cheap password
// hashing), a clock the test moves, a session kept in memory, and the menus'
// output in a buffer.

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/auth"
	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
	"github.com/epic-events/crm/internal/store"
	"github.com/epic-events/crm/internal/ui"
	"github.com/epic-events/crm/internal/ui/uitest"
	"github.com/epic-events/crm/seeds"
)

// demoPassword is every demo collaborator's password.
const demoPassword = seeds.DemoPassword

// start is when every world is seeded: the demo dates are relative to it.
var start = time.Date(2026, time.May, 4, 9, 30, 0, 0, time.UTC)

// paris is the terminal's time zone in the tests: what is shown and typed is
// local time, two hours ahead of UTC in May.
var paris = time.FixedZone("CEST", 2*60*60)

// txStore is the store as the app gives it to the services, with moments a
// test can act at, each once: inside the next transaction, after its work
// and before its commit (w.inTx), and before and after the next read of a
// list of customers (w.beforeList, w.afterList): where Ctrl+C may come.
type txStore struct {
	*store.DB
	w *world
}

func (s txStore) Tx(ctx context.Context, fn func(service.Repos) error) error {
	return s.DB.Tx(ctx, func(r *store.Repos) error {
		if err := fn(r); err != nil {
			return err
		}
		if h := s.w.inTx; h != nil {
			s.w.inTx = nil
			h()
		}
		return nil
	})
}

func (s txStore) ListCustomers(ctx context.Context, f domain.CustomerFilter) (domain.List[domain.Customer], error) {
	if h := s.w.beforeList; h != nil {
		s.w.beforeList = nil
		h()
	}
	l, err := s.DB.ListCustomers(ctx, f)
	if h := s.w.afterList; h != nil {
		s.w.afterList = nil
		h()
	}
	return l, err
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// memTokens keeps the session token in memory, as the session file would.
type memTokens struct {
	mu    sync.Mutex
	token string
}

func (m *memTokens) Load() (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.token == "" {
		return "", domain.Errorf(domain.CodeUnauthenticated, "not logged in")
	}
	return m.token, nil
}

func (m *memTokens) Save(token string) error {
	m.mu.Lock()
	m.token = token
	m.mu.Unlock()
	return nil
}

func (m *memTokens) Remove() error { return m.Save("") }

type world struct {
	t      *testing.T
	db     *store.DB
	svc    ui.Services
	clock  *clock
	tokens *memTokens
	out    bytes.Buffer
	idle   time.Duration

	// interrupt is what a SIGINT does to the menus running (set by run).
	interrupt func()
	// inTx, beforeList and afterList, when set, run once at those moments
	// (txStore).
	inTx, beforeList, afterList func()
}

var (
	hasherOnce sync.Once
	hasher     *auth.Hasher
)

// demo is the demo database, seeded once per test binary and copied into
// each world: a copy takes a millisecond, a seed most of a second under the
// race detector. The seeding clock is fixed, so every copy is what a seed
// would give.
var demoDB struct {
	once sync.Once
	data []byte
	err  error
}

func demoDatabase(t *testing.T) []byte {
	t.Helper()
	demoDB.once.Do(func() {
		ctx := context.Background()
		dir, err := os.MkdirTemp("", "ui-demo-")
		if err != nil {
			demoDB.err = err
			return
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "demo.db")
		db, err := store.Open(ctx, store.Config{Driver: store.DriverSQLite, SQLitePath: path, Now: func() time.Time { return start }})
		if err != nil {
			demoDB.err = err
			return
		}
		demoDB.err = errors.Join(db.Migrate(ctx),
			db.Tx(ctx, func(r *store.Repos) error { return seeds.Demo(ctx, r, hasher.Hash, start) }))
		// Closing the last connection checkpoints the write-ahead log into the file.
		if err := db.Close(); err != nil && demoDB.err == nil {
			demoDB.err = err
		}
		if demoDB.err == nil {
			demoDB.data, demoDB.err = os.ReadFile(path)
		}
	})
	if demoDB.err != nil {
		t.Fatalf("seed the demo database: %v", demoDB.err)
	}
	return demoDB.data
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	hasherOnce.Do(func() { // before the demo database, which hashes with it
		var err error
		if hasher, err = auth.NewHasher(auth.TestParams()); err != nil {
			panic(err)
		}
	})
	w := &world{t: t, clock: &clock{now: start}, tokens: &memTokens{}}
	path := filepath.Join(t.TempDir(), "demo.db")
	if err := os.WriteFile(path, demoDatabase(t), 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, store.Config{Driver: store.DriverSQLite, SQLitePath: path, Now: w.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	w.db = db
	st := txStore{DB: w.db, w: w}
	key, err := service.SigningKey(ctx, st, "")
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := auth.NewTokens(key, 8*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	d := service.Deps{Store: st, Now: w.clock.Now}
	w.svc = ui.Services{
		Auth:        service.NewAuth(d, hasher, tokens),
		Users:       service.NewUsers(d, hasher),
		Customers:   service.NewCustomers(d),
		Contracts:   service.NewContracts(d),
		Events:      service.NewEvents(d),
		Audit:       service.NewAudit(d),
		Permissions: service.NewPermissions(),
	}
	return w
}

// run runs the menus on p until they end, and returns what Run returned.
func (w *world) run(p ui.Prompter) error {
	w.t.Helper()
	return ui.Run(context.Background(), ui.Config{
		Services: w.svc,
		Tokens:   w.tokens,
		Prompter: p,
		Out:      &w.out,
		Display:  ui.Display{TTY: true, Width: 80, Height: 30, Location: paris},
		Now:      w.clock.Now,
		Idle:     w.idle,
		OnInterrupt: func(interrupt func()) func() {
			w.interrupt = interrupt
			return func() { w.interrupt = nil }
		},
	})
}

// play runs the menus on a script (steps and lists of steps) that must end
// them cleanly.
func (w *world) play(steps ...any) *uitest.ScriptedPrompter {
	w.t.Helper()
	p := uitest.New(w.t, script(steps...)...)
	if err := w.run(p); err != nil {
		w.t.Fatalf("the menus ended with %v\n%s", err, p.Transcript())
	}
	return p
}

// login returns the steps of a login as email.
func login(email string) []uitest.Step {
	return []uitest.Step{uitest.Input("Email", email), uitest.Password("Password", demoPassword)}
}

// script joins groups of steps.
func script(groups ...any) []uitest.Step {
	var out []uitest.Step
	for _, g := range groups {
		switch g := g.(type) {
		case uitest.Step:
			out = append(out, g)
		case []uitest.Step:
			out = append(out, g...)
		default:
			panic("script: not a step")
		}
	}
	return out
}

// actor logs email in through the service, for the test to act beside the menus.
func (w *world) actor(email string) service.Actor {
	w.t.Helper()
	_, a, err := w.svc.Auth.Login(context.Background(), email, demoPassword)
	if err != nil {
		w.t.Fatalf("log %s in: %v", email, err)
	}
	return a
}

func (w *world) customerByEmail(email string) domain.Customer {
	w.t.Helper()
	a := w.actor("manager1@epicevents.test")
	l, err := w.svc.Customers.List(context.Background(), a, domain.CustomerFilter{Search: email})
	if err != nil || len(l.Items) != 1 {
		w.t.Fatalf("customer %s: %v %v", email, l.Items, err)
	}
	return l.Items[0]
}

func (w *world) eventNamed(name string) domain.Event {
	w.t.Helper()
	a := w.actor("manager1@epicevents.test")
	l, err := w.svc.Events.List(context.Background(), a, domain.EventFilter{Search: name})
	if err != nil || len(l.Items) != 1 {
		w.t.Fatalf("event %s: %v %v", name, l.Items, err)
	}
	return l.Items[0]
}

func (w *world) user(email string) domain.Collaborator {
	w.t.Helper()
	u, err := w.svc.Users.GetByEmail(context.Background(), w.actor("manager1@epicevents.test"), email)
	if err != nil {
		w.t.Fatalf("collaborator %s: %v", email, err)
	}
	return u
}

// output returns what the menus printed.
func (w *world) output() string { return w.out.String() }

// mustSay fails unless the menus printed each of wants. Blanks are compared
// loosely, so that a line wrapped to the terminal's width still matches.
func (w *world) mustSay(wants ...string) {
	w.t.Helper()
	for _, want := range wants {
		if !strings.Contains(squeeze(w.output()), squeeze(want)) {
			w.t.Errorf("the menus did not say %q:\n%s", want, w.output())
		}
	}
}

func squeeze(s string) string { return strings.Join(strings.Fields(s), " ") }

// hooked runs fn once, just before the first prompt whose label contains
// label is asked: what another terminal does meanwhile.
type hooked struct {
	ui.Prompter
	label string
	fn    func()
	done  bool
}

func (h *hooked) before(label string) {
	if !h.done && strings.Contains(label, h.label) {
		h.done = true
		h.fn()
	}
}

func (h *hooked) Select(label string, items []string, opts ...ui.SelectOption) (int, error) {
	h.before(label)
	return h.Prompter.Select(label, items, opts...)
}

func (h *hooked) Input(label, def string, validate func(string) error) (string, error) {
	h.before(label)
	return h.Prompter.Input(label, def, validate)
}

func (h *hooked) Password(label string, validate func(string) error) (string, error) {
	h.before(label)
	return h.Prompter.Password(label, validate)
}

func (h *hooked) Confirm(label string) (bool, error) {
	h.before(label)
	return h.Prompter.Confirm(label)
}

// code returns the domain code of err.
func code(err error) domain.Code { return domain.ErrorCode(err) }

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func contractsOf(customerID domain.ID) domain.ContractFilter {
	return domain.ContractFilter{CustomerID: customerID, Status: domain.ContractSigned}
}

// itemsOf returns the items of the last Select labelled label.
func itemsOf(p *uitest.ScriptedPrompter, label string) []string {
	var items []string
	for _, pr := range p.Shown() {
		if pr.Label == label {
			items = pr.Items
		}
	}
	return items
}
