package app

import (
	"context"
	"fmt"
	"time"

	"github.com/epic-events/crm/internal/auth"
	"github.com/epic-events/crm/internal/config"
	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/report"
	"github.com/epic-events/crm/internal/service"
	"github.com/epic-events/crm/internal/store"
)

// txStore adapts *store.DB to service.Store: the store cannot name service.Repos
// (imports go one way), so its transaction hands over *store.Repos, which is one.
type txStore struct{ *store.DB }

func (s txStore) Tx(ctx context.Context, fn func(service.Repos) error) error {
	return s.DB.Tx(ctx, func(r *store.Repos) error { return fn(r) })
}

// world is an opened program: settings, database, reporter and every service,
// wired once per command. Close it when the command ends.
type world struct {
	cfg      config.Config
	db       *store.DB
	reporter *report.Reporter
	session  auth.SessionFile

	auth      *service.Auth
	users     *service.Users
	customers *service.Customers
	contracts *service.Contracts
	events    *service.Events
	audit     *service.Audit
	perms     *service.Permissions
}

// openWorld reads the settings, opens the database, checks that it is ready
// (migrating it only when a migration is pending), and wires the services.
func (r *root) openWorld(ctx context.Context) (*world, error) {
	cfg, err := r.settings()
	if err != nil {
		return nil, err
	}
	rep, err := report.New(report.Options{DSN: cfg.SentryDSN, Environment: cfg.SentryEnvironment, Release: "epicevents@" + version})
	if err != nil {
		return nil, &settingsError{err}
	}
	db, err := r.openLogged(ctx, cfg, func(line string) { rep.Breadcrumb("mysql.driver", line) })
	if err != nil {
		return nil, err
	}
	w := &world{cfg: cfg, db: db, reporter: rep, session: auth.SessionFile{Path: cfg.SessionFile}}
	if err := w.wire(ctx, r); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

func (w *world) wire(ctx context.Context, r *root) error {
	if err := ready(ctx, w.db); err != nil {
		return err
	}
	st := txStore{w.db}
	key, err := service.SigningKey(ctx, st, w.cfg.JWTSecret)
	if err != nil {
		return err
	}
	tokens, err := auth.NewTokens(key, w.cfg.JWTTTL)
	if err != nil {
		return &settingsError{err}
	}
	hasher, err := auth.NewHasher(r.hashParams)
	if err != nil {
		return fmt.Errorf("wire: %w", err)
	}
	d := service.Deps{Store: st, Reporter: w.reporter, Now: func() time.Time { return r.now().UTC() }}
	w.auth = service.NewAuth(d, hasher, tokens)
	w.users = service.NewUsers(d, hasher)
	w.customers = service.NewCustomers(d)
	w.contracts = service.NewContracts(d)
	w.events = service.NewEvents(d)
	w.audit = service.NewAudit(d)
	w.perms = service.NewPermissions()
	return nil
}

// Close flushes the reporter (os.Exit would skip it) and closes the database.
func (w *world) Close() {
	w.reporter.Flush(2 * time.Second)
	_ = w.db.Close()
}

// needSessionFile refuses the commands that keep a session when there is
// nowhere to keep it (no EPIC_SESSION_FILE and no user config directory).
func (w *world) needSessionFile() error {
	if w.cfg.SessionFile == "" {
		return &settingsError{domain.Invalid("EPIC_SESSION_FILE", "must be set: there is no user config directory to keep the session in")}
	}
	return nil
}

// actor turns the saved session into a verified actor: signature, expiry, the
// session row and the collaborator's current role and state, read now.
func (w *world) actor(ctx context.Context) (service.Actor, error) {
	if err := w.needSessionFile(); err != nil {
		return service.Actor{}, err
	}
	token, err := w.session.Load()
	if err != nil {
		return service.Actor{}, err
	}
	return w.auth.Authenticate(ctx, token)
}
