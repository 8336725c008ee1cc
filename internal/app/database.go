package app

import (
	"context"
	"errors"
	"fmt"
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
	sc := cfg.Store()
	sc.Now = func() time.Time { return r.now().UTC() }
	db, err := store.Open(ctx, sc)
	if err != nil {
		return nil, &settingsError{err}
	}
	return db, nil
}

// prepare migrates the database and brings the permission matrix up to date:
// the grants are data every database needs, production included.
func prepare(ctx context.Context, db *store.DB) error {
	if err := db.Migrate(ctx); err != nil {
		return fmt.Errorf("prepare database: %w", err)
	}
	grants, err := seeds.Grants()
	if err != nil {
		return fmt.Errorf("prepare database: %w", err)
	}
	if err := db.Tx(ctx, func(tx *store.Repos) error { return tx.SeedGrants(ctx, grants) }); err != nil {
		return fmt.Errorf("prepare database: %w", err)
	}
	return nil
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
