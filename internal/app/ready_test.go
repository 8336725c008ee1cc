package app

import (
	"context"
	"errors"
	"maps"
	"slices"
	"testing"

	"github.com/epic-events/crm/internal/config"
	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/store"
	"github.com/epic-events/crm/seeds"
)

func TestStoreConfigCarriesTheConnection(t *testing.T) {
	tests := []struct {
		name      string
		env       map[string]string
		wantHosts []string
		wantHost  string
		wantPort  int
	}{
		{"one host takes DB_PORT", map[string]string{"DB_HOST": "db.internal", "DB_PORT": "3307"}, []string{"db.internal:3307"}, "db.internal", 3307},
		{"the default host and port", nil, []string{"127.0.0.1:3306"}, "127.0.0.1", 3306},
		{"a cluster's first node is the host and port", map[string]string{"DB_HOST": "127.0.0.1:4406,127.0.0.1:4407"},
			[]string{"127.0.0.1:4406", "127.0.0.1:4407"}, "127.0.0.1", 4406},
		{"a bare IPv6 address takes DB_PORT", map[string]string{"DB_HOST": "::1"}, []string{"[::1]:3306"}, "::1", 3306},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"DB_DRIVER": "mysql", "DB_USER": "u", "DB_PASS": "p", "DB_NAME": "n", "DB_PATH": "x.db"}
			maps.Copy(env, tt.env)
			cfg, err := config.Load(func(name string) string { return env[name] })
			if err != nil {
				t.Fatal(err)
			}
			s := storeConfig(cfg)
			if s.Driver != "mysql" || s.User != "u" || s.Password != "p" || s.Database != "n" || s.SQLitePath != "x.db" {
				t.Errorf("storeConfig = %+v", s)
			}
			if !slices.Equal(s.Hosts, tt.wantHosts) || s.Host != tt.wantHost || s.Port != tt.wantPort {
				t.Errorf("hosts %q, host %q, port %d; want %q, %q, %d", s.Hosts, s.Host, s.Port, tt.wantHosts, tt.wantHost, tt.wantPort)
			}
			if s.Now != nil {
				t.Error("storeConfig must leave the clock to the caller")
			}
		})
	}
}

// onEachEngine runs f on a fresh SQLite program, then on MySQL (see onMySQL).
func onEachEngine(t *testing.T, f func(t *testing.T, p *program)) {
	t.Run("sqlite", func(t *testing.T) { f(t, newProgram(t)) })
	t.Run("mysql", func(t *testing.T) { f(t, onMySQL(t)) })
}

// supportGrants reads what the support role holds now.
func supportGrants(t *testing.T, db *store.DB) domain.Grants {
	t.Helper()
	g, err := db.GrantsFor(context.Background(), domain.RoleSupport)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// narrowSupport is an administrator's edit of the matrix: support keeps one grant.
func narrowSupport(t *testing.T, db *store.DB) domain.Grants {
	t.Helper()
	err := db.SeedGrants(context.Background(), []domain.Grant{{Role: domain.RoleSupport, Permission: domain.Permissions[0], Scope: domain.ScopeAny}})
	if err != nil {
		t.Fatal(err)
	}
	return supportGrants(t, db)
}

func seedSupportGrants(t *testing.T) domain.Grants {
	t.Helper()
	grants, err := seeds.Grants()
	if err != nil {
		t.Fatal(err)
	}
	out := domain.Grants{}
	for _, g := range grants {
		if g.Role == domain.RoleSupport {
			out[g.Permission] = g.Scope
		}
	}
	return out
}

// Only the db commands (and a pending migration) write the schema and the
// grants: every other command only reads when the database is up to date.
func TestCommandsLeaveAnUpToDateDatabaseAlone(t *testing.T) {
	onEachEngine(t, func(t *testing.T, p *program) {
		p.env["EPIC_SESSION_FILE"] = t.TempDir() + "/session"
		ctx := context.Background()

		t.Run("the first command on a new database migrates it and writes the grants", func(t *testing.T) {
			failsWith(t, p.run("whoami"), ExitUnauthenticated)
			db := p.db()
			pending, err := db.Pending(ctx)
			if err != nil || pending {
				t.Fatalf("Pending after the first command = %v, %v", pending, err)
			}
			if got := supportGrants(t, db); !maps.Equal(got, seedSupportGrants(t)) {
				t.Fatalf("support holds %v, want the seeds' %v", got, seedSupportGrants(t))
			}
		})

		mustSucceed(t, p.run("db", "seed"))
		p.stdin = seeds.DemoPassword
		mustSucceed(t, p.run("login", "--email", sales1, "--password-stdin"))
		p.stdin = ""

		t.Run("a grant an administrator changed is kept by the other commands", func(t *testing.T) {
			db := p.db()
			edited := narrowSupport(t, db)
			mustSucceed(t, p.run("whoami"))
			mustSucceed(t, p.run("customer", "list", "--json"))
			if got := supportGrants(t, db); !maps.Equal(got, edited) {
				t.Fatalf("support holds %v after whoami and a list, want the edit %v", got, edited)
			}
		})

		t.Run("db migrate brings the grants back to the seeds'", func(t *testing.T) {
			mustSucceed(t, p.run("db", "migrate"))
			if got := supportGrants(t, p.db()); !maps.Equal(got, seedSupportGrants(t)) {
				t.Fatalf("support holds %v after db migrate, want %v", got, seedSupportGrants(t))
			}
		})

		t.Run("a release whose grants differ from those last written writes its own once", func(t *testing.T) {
			db := p.db()
			if err := db.PutSetting(ctx, grantsSetting, "an older release's grants"); err != nil {
				t.Fatal(err)
			}
			narrowSupport(t, db)
			mustSucceed(t, p.run("whoami"))
			if got := supportGrants(t, db); !maps.Equal(got, seedSupportGrants(t)) {
				t.Fatalf("support holds %v, want the new seeds' %v", got, seedSupportGrants(t))
			}
			set, err := seedGrants()
			if err != nil {
				t.Fatal(err)
			}
			if stored, err := db.GetSetting(ctx, grantsSetting); err != nil || stored != set.sum {
				t.Fatalf("stored checksum %q, %v; want %q", stored, err, set.sum)
			}
		})
	})
}

// A read-only command must not queue behind a writer: on a shared SQLite file,
// whoami works while another process holds the write lock.
func TestWhoamiTakesNoWriteLock(t *testing.T) {
	p := newProgram(t)
	p.env["EPIC_SESSION_FILE"] = t.TempDir() + "/session"
	mustSucceed(t, p.run("db", "seed"))
	p.stdin = seeds.DemoPassword
	mustSucceed(t, p.run("login", "--email", sales1, "--password-stdin"))
	p.stdin = ""

	db := p.db()
	var res result
	err := db.Tx(context.Background(), func(tx *store.Repos) error {
		if err := tx.PutSetting(context.Background(), "probe", "holding the write lock"); err != nil {
			return err
		}
		res = p.run("whoami")
		return errors.New("roll back")
	})
	if err == nil || err.Error() != "roll back" {
		t.Fatalf("the writer's transaction: %v", err)
	}
	mustSucceed(t, res)
}

// The running account (no DDL) cannot apply a pending migration: every command
// tells it to run `db migrate` with the migrating account, and changes nothing.
// (goose retries creating its version table for 3 s before giving up.)
func TestAPendingMigrationNamesTheMigratingAccount(t *testing.T) {
	appAccount, migrator, name := leastPrivilege(t)
	session := t.TempDir() + "/session"
	p := as(t, appAccount, name, session)
	for _, args := range [][]string{{"whoami"}, {"db", "migrate"}} {
		t.Run(args[0], func(t *testing.T) {
			failsWith(t, p.run(args...), ExitError, "epicevents db migrate", "migrating account")
		})
	}
	mustSucceed(t, as(t, migrator, name, session).run("db", "migrate"))
	failsWith(t, p.run("whoami"), ExitUnauthenticated)
}
