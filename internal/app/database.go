package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/epic-events/crm/internal/auth"
	"github.com/epic-events/crm/internal/config"
	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/store"
	"github.com/epic-events/crm/seeds"
)

// settings reads the configuration; a bad setting stops the program (exit 1).
func (r *root) settings() (config.Config, error) {
	cfg, err := config.Load(r.getenv)
	if err != nil {
		return config.Config{}, &settingsError{err}
	}
	return cfg, nil
}

// open connects to the configured database. It does not migrate.
func (r *root) open(ctx context.Context, cfg config.Config) (*store.DB, error) {
	return r.openLogged(ctx, cfg, nil)
}

// openLogged is open with the MySQL driver's own log lines sent to driverLog
// (the reporter's breadcrumbs, so they travel with the next error reported).
func (r *root) openLogged(ctx context.Context, cfg config.Config, driverLog func(string)) (*store.DB, error) {
	sc := storeConfig(cfg)
	sc.Now = func() time.Time { return r.now().UTC() }
	sc.DriverLog = driverLog
	sc.MigrateWait = r.migrateWait
	db, err := store.Open(ctx, sc)
	if err != nil {
		return nil, &settingsError{err}
	}
	return db, nil
}

// storeConfig turns the settings into the store's connection settings (config
// knows nothing of the store). The clock is not a setting: the caller sets Now.
func storeConfig(cfg config.Config) store.Config {
	addrs := cfg.DB.Addrs()
	host, port := cfg.DB.Host, cfg.DB.Port
	if len(addrs) > 0 {
		// The first server, for whoever reads one host and port.
		h, p, _ := net.SplitHostPort(addrs[0])
		host = h
		port, _ = strconv.Atoi(p)
	}
	return store.Config{
		Driver:     cfg.DB.Driver,
		SQLitePath: cfg.DB.SQLitePath,
		Host:       host,
		Port:       port,
		Hosts:      addrs,
		User:       cfg.DB.User,
		Password:   cfg.DB.Password,
		Database:   cfg.DB.Database,
	}
}

// grantsSetting keeps the checksum of the permission matrix last written from
// seeds: a program whose seeds differ (a new release) writes its own once.
const grantsSetting = "grants_sha256"

// seedGrants reads the permission matrix built into the program and its checksum.
var seedGrants = sync.OnceValues(func() (grantSet, error) {
	grants, err := seeds.Grants()
	if err != nil {
		return grantSet{}, err
	}
	lines := make([]string, 0, len(grants))
	for _, g := range grants {
		lines = append(lines, string(g.Role)+" "+string(g.Permission)+" "+string(g.Scope))
	}
	slices.Sort(lines)
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return grantSet{grants: grants, sum: hex.EncodeToString(sum[:])}, nil
})

type grantSet struct {
	grants []domain.Grant
	sum    string
}

// prepare migrates the database and writes the permission matrix: what
// `db migrate`, `db reset` and `db seed` do every time, and every other
// command only when a migration is pending. The account may lack DDL (the
// least-privilege running account): it is then told to run `db migrate` with
// the migrating account.
func prepare(ctx context.Context, db *store.DB) error {
	if err := db.Migrate(ctx); err != nil {
		if store.IsPrivilege(err) {
			return errNeedsMigrating
		}
		return fmt.Errorf("prepare database: %w", err)
	}
	return writeGrants(ctx, db)
}

var errNeedsMigrating = domain.Errorf(domain.CodeUnavailable,
	"the database needs migrating, and this database account (DB_USER) may not: run `epicevents db migrate` with the migrating account; nothing was changed")

func writeGrants(ctx context.Context, db *store.DB) error {
	set, err := seedGrants()
	if err != nil {
		return fmt.Errorf("prepare database: %w", err)
	}
	err = db.Tx(ctx, func(tx *store.Repos) error {
		if err := tx.SeedGrants(ctx, set.grants); err != nil {
			return err
		}
		return tx.PutSetting(ctx, grantsSetting, set.sum)
	})
	if err != nil {
		return fmt.Errorf("prepare database: %w", err)
	}
	return nil
}

// ready is every other command's look at the database, and it only reads when
// nothing is to be done: a write on every command took SQLite's write lock for
// read-only commands, replicated a write set on Galera, and put back any grant
// an administrator had changed. A pending migration (a new database, a new
// release) is applied with the grants; seeds whose grants differ from those
// last written (a new release without a migration) are written once.
func ready(ctx context.Context, db *store.DB) error {
	pending, err := db.Pending(ctx)
	if err != nil {
		return fmt.Errorf("check database: %w", err)
	}
	if pending {
		return prepare(ctx, db)
	}
	set, err := seedGrants()
	if err != nil {
		return fmt.Errorf("check database: %w", err)
	}
	stored, err := db.GetSetting(ctx, grantsSetting)
	if err != nil && domain.ErrorCode(err) != domain.CodeNotFound {
		return fmt.Errorf("check database: %w", err)
	}
	if stored == set.sum {
		return nil
	}
	return writeGrants(ctx, db)
}

// seedDemo writes the demo company in one transaction. It returns
// seeds.ErrNotEmpty, having written nothing, when collaborators exist.
func (r *root) seedDemo(ctx context.Context, db *store.DB) error {
	hasher, err := auth.NewHasher(r.hashParams)
	if err != nil {
		return fmt.Errorf("seed demo: %w", err)
	}
	return db.Tx(ctx, func(tx *store.Repos) error {
		return seeds.Demo(ctx, tx, hashOnce(hasher.Hash), r.now())
	})
}

// hashOnce hashes each distinct password once and hands the same hash back
// for it after. Every demo collaborator has the public demo password: one
// argon2id hash at the production cost (0.1 s and 64 MiB) instead of one per
// collaborator keeps a reset within a second (BENCHMARKS.md). Never use it for
// real passwords, which must each get their own salt.
func hashOnce(hash func(string) (string, error)) func(string) (string, error) {
	done := map[string]string{}
	return func(password string) (string, error) {
		if h, ok := done[password]; ok {
			return h, nil
		}
		h, err := hash(password)
		if err != nil {
			return "", err
		}
		done[password] = h
		return h, nil
	}
}

// refuseInProduction stops the commands that would erase or invent data.
func refuseInProduction(cfg config.Config, what string) error {
	if cfg.Production() {
		return domain.Errorf(domain.CodeForbidden, "%s is refused when APP_ENV=production", what)
	}
	return nil
}

// isNotEmpty reports whether err says the demo data was not seeded because the database has collaborators.
func isNotEmpty(err error) bool { return errors.Is(err, seeds.ErrNotEmpty) }
