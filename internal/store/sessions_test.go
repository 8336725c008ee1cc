package store_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/store"
)

func TestSessions(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		u := newUser(t, db.Repos, domain.RoleSales, "Sam Sales")
		other := newUser(t, db.Repos, domain.RoleSales, "Olga Other")
		exp := t0.Add(8 * time.Hour)
		for _, id := range []string{"jti-a", "jti-b", "jti-c"} {
			mustNil(t, db.CreateSession(ctx, domain.Session{ID: id, UserID: u.ID, ExpiresAt: exp}))
		}
		mustNil(t, db.CreateSession(ctx, domain.Session{ID: "jti-other", UserID: other.ID, ExpiresAt: exp}))

		t.Run("a session reads back open, with its times", func(t *testing.T) {
			s, err := db.GetSession(ctx, "jti-a")
			mustNil(t, err)
			if s.UserID != u.ID || !s.ExpiresAt.Equal(exp) || s.CreatedAt.IsZero() || s.RevokedAt != nil {
				t.Fatalf("GetSession = %+v", s)
			}
		})
		t.Run("a missing session is not found, without its id in the message", func(t *testing.T) {
			_, err := db.GetSession(ctx, "jti-secretive")
			de := wantCode(t, err, domain.CodeNotFound)
			if contains(de.Message, "secretive") {
				t.Fatalf("message %q holds the token id", de.Message)
			}
			wantCode(t, db.RevokeSession(ctx, "jti-secretive", t0), domain.CodeNotFound)
		})
		t.Run("a session id is used once", func(t *testing.T) {
			wantCode(t, db.CreateSession(ctx, domain.Session{ID: "jti-a", UserID: u.ID, ExpiresAt: exp}), domain.CodeConflict)
		})
		t.Run("a session of nobody is not found, naming user_id", func(t *testing.T) {
			wantField(t, db.CreateSession(ctx, domain.Session{ID: "jti-x", UserID: 999999, ExpiresAt: exp}), domain.CodeNotFound, "user_id")
		})
		t.Run("revoking records the first time only", func(t *testing.T) {
			first := t0.Add(time.Hour)
			mustNil(t, db.RevokeSession(ctx, "jti-a", first))
			mustNil(t, db.RevokeSession(ctx, "jti-a", first.Add(time.Hour)))
			s, err := db.GetSession(ctx, "jti-a")
			mustNil(t, err)
			if s.RevokedAt == nil || !s.RevokedAt.Equal(first) {
				t.Fatalf("revoked at %v, want %v", s.RevokedAt, first)
			}
		})
		t.Run("revoking a user's sessions keeps the one named and leaves others' alone", func(t *testing.T) {
			at := t0.Add(2 * time.Hour)
			mustNil(t, db.RevokeUserSessions(ctx, u.ID, "jti-c", at))
			for id, wantRevoked := range map[string]bool{"jti-b": true, "jti-c": false, "jti-other": false} {
				s, err := db.GetSession(ctx, id)
				mustNil(t, err)
				if (s.RevokedAt != nil) != wantRevoked {
					t.Fatalf("%s revoked = %v, want %v", id, s.RevokedAt, wantRevoked)
				}
			}
			mustNil(t, db.RevokeUserSessions(ctx, u.ID, "", at))
			s, err := db.GetSession(ctx, "jti-c")
			mustNil(t, err)
			if s.RevokedAt == nil {
				t.Fatal("keep \"\" left a session open")
			}
		})
	})
}

func TestSettings(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		_, err := db.GetSetting(ctx, "jwt_secret")
		wantCode(t, err, domain.CodeNotFound)

		got, err := db.PutSettingIfAbsent(ctx, "jwt_secret", "first")
		mustNil(t, err)
		if got != "first" {
			t.Fatalf("first put returned %q", got)
		}
		got, err = db.PutSettingIfAbsent(ctx, "jwt_secret", "second")
		mustNil(t, err)
		if got != "first" {
			t.Fatalf("second put returned %q, want the value already stored", got)
		}
		got, err = db.GetSetting(ctx, "jwt_secret")
		mustNil(t, err)
		if got != "first" {
			t.Fatalf("GetSetting = %q", got)
		}
		err = db.Tx(ctx, func(r *store.Repos) error {
			v, err := r.PutSettingIfAbsent(ctx, "other", "in a transaction")
			if err == nil && v != "in a transaction" {
				t.Errorf("put in a transaction returned %q", v)
			}
			return err
		})
		mustNil(t, err)
	})
}

func TestGrants(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		g, err := db.GrantsFor(ctx, domain.RoleSales)
		mustNil(t, err)
		want := domain.Grants{domain.PermRead: domain.ScopeAny, domain.PermCustomerUpdate: domain.ScopeOwn}
		if len(g) != len(want) || g[domain.PermRead] != domain.ScopeAny || g[domain.PermCustomerUpdate] != domain.ScopeOwn {
			t.Fatalf("sales grants = %v, want %v", g, want)
		}

		t.Run("seeding again changes nothing", func(t *testing.T) {
			before, err := db.Counts(ctx)
			mustNil(t, err)
			mustNil(t, db.SeedGrants(ctx, testGrants))
			after, err := db.Counts(ctx)
			mustNil(t, err)
			if len(before) != len(after) {
				t.Fatal("counts changed shape")
			}
			for i := range before {
				if before[i] != after[i] {
					t.Fatalf("%s: %d rows, then %d", before[i].Table, before[i].Rows, after[i].Rows)
				}
			}
		})
		t.Run("seeding a role replaces its grants and leaves other roles alone", func(t *testing.T) {
			mustNil(t, db.SeedGrants(ctx, []domain.Grant{{Role: domain.RoleSales, Permission: domain.PermCustomerCreate, Scope: domain.ScopeOwn}}))
			g, err := db.GrantsFor(ctx, domain.RoleSales)
			mustNil(t, err)
			if len(g) != 1 || g[domain.PermCustomerCreate] != domain.ScopeOwn {
				t.Fatalf("sales grants = %v", g)
			}
			g, err = db.GrantsFor(ctx, domain.RoleSupport)
			mustNil(t, err)
			if g[domain.PermEventUpdate] != domain.ScopeAssigned {
				t.Fatalf("support grants = %v", g)
			}
		})
		t.Run("an unknown role holds nothing", func(t *testing.T) {
			g, err := db.GrantsFor(ctx, "janitor")
			mustNil(t, err)
			if g == nil || len(g) != 0 {
				t.Fatalf("janitor grants = %#v, want an empty map", g)
			}
		})
		t.Run("an unknown scope is invalid", func(t *testing.T) {
			err := db.SeedGrants(ctx, []domain.Grant{{Role: domain.RoleSales, Permission: domain.PermRead, Scope: "everything"}})
			wantField(t, err, domain.CodeInvalid, "scope")
		})
		t.Run("every role and permission of the domain exists after seeding", func(t *testing.T) {
			counts, err := db.Counts(ctx)
			mustNil(t, err)
			for _, c := range counts {
				if c.Table == "roles" && c.Rows != int64(len(domain.Roles)) {
					t.Fatalf("roles: %d, want %d", c.Rows, len(domain.Roles))
				}
				if c.Table == "permissions" && c.Rows != int64(len(domain.Permissions)) {
					t.Fatalf("permissions: %d, want %d", c.Rows, len(domain.Permissions))
				}
			}
		})
	})
}

func TestPruneSessions(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		u := newUser(t, db.Repos, domain.RoleSales, "Sam Sales")
		at := func(d time.Duration) *time.Time { v := t0.Add(d); return &v }
		sessions := []domain.Session{
			{ID: "old-1", ExpiresAt: t0.Add(-3 * time.Hour)},
			{ID: "old-2", ExpiresAt: t0.Add(-2 * time.Hour)},
			{ID: "old-revoked", ExpiresAt: t0.Add(-90 * time.Minute), RevokedAt: at(-5 * time.Hour)},
			{ID: "old-3", ExpiresAt: t0.Add(-time.Hour)},
			{ID: "ends-at-the-cutoff", ExpiresAt: t0},
			{ID: "live", ExpiresAt: t0.Add(time.Hour)},
			{ID: "live-revoked", ExpiresAt: t0.Add(time.Hour), RevokedAt: at(-time.Minute)},
		}
		for _, s := range sessions {
			s.UserID, s.CreatedAt = u.ID, s.ExpiresAt.Add(-8*time.Hour)
			mustNil(t, db.CreateSession(ctx, s))
		}
		left := func(t *testing.T, want ...string) {
			t.Helper()
			var got []string
			for _, s := range sessions {
				if _, err := db.GetSession(ctx, s.ID); err == nil {
					got = append(got, s.ID)
				} else {
					wantCode(t, err, domain.CodeNotFound)
				}
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Fatalf("sessions left: %v, want %v", got, want)
			}
		}
		prune := func(t *testing.T, r *store.Repos, limit int, want int64) {
			t.Helper()
			n, err := r.PruneSessions(ctx, t0, limit)
			mustNil(t, err)
			if n != want {
				t.Fatalf("PruneSessions deleted %d, want %d", n, want)
			}
		}

		t.Run("a batch takes the sessions that ended longest ago, and no more", func(t *testing.T) {
			prune(t, db.Repos, 2, 2)
			left(t, "old-revoked", "old-3", "ends-at-the-cutoff", "live", "live-revoked")
		})
		t.Run("in a transaction, the next batch takes the rest that ended before the cutoff, revoked or not", func(t *testing.T) {
			mustNil(t, db.Tx(ctx, func(r *store.Repos) error { prune(t, r, 10, 2); return nil }))
			left(t, "ends-at-the-cutoff", "live", "live-revoked")
		})
		t.Run("then there is nothing to prune", func(t *testing.T) {
			prune(t, db.Repos, 10, 0)
			left(t, "ends-at-the-cutoff", "live", "live-revoked")
		})
	})
}

func TestRehashPassword(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		u := newUser(t, db.Repos, domain.RoleSales, "Sam Sales")
		const rehashed, other = "$argon2id$v=19$m=16,t=1,p=1$c2FsdA$aGFzaA", "$argon2id$v=19$m=32,t=1,p=1$c2FsdA$aGFzaA"
		t.Run("the hash read is replaced, and the version and update time stay", func(t *testing.T) {
			done, err := db.RehashPassword(ctx, u.ID, u.PasswordHash, rehashed)
			mustNil(t, err)
			got, err := db.GetUser(ctx, u.ID)
			mustNil(t, err)
			if !done || got.PasswordHash != rehashed || got.Version != u.Version || !got.UpdatedAt.Equal(u.UpdatedAt) {
				t.Fatalf("rehashed %t: hash %q v%d updated %s; want the new hash, v%d, updated %s",
					done, got.PasswordHash, got.Version, got.UpdatedAt, u.Version, u.UpdatedAt)
			}
		})
		t.Run("a hash that changed since it was read is kept", func(t *testing.T) {
			done, err := db.RehashPassword(ctx, u.ID, u.PasswordHash, other)
			mustNil(t, err)
			got, err := db.GetUser(ctx, u.ID)
			mustNil(t, err)
			if done || got.PasswordHash != rehashed {
				t.Fatalf("rehashed %t, hash %q; want false, %q kept", done, got.PasswordHash, rehashed)
			}
		})
		t.Run("nobody's hash is not replaced", func(t *testing.T) {
			done, err := db.RehashPassword(ctx, 999999, u.PasswordHash, other)
			if err != nil || done {
				t.Fatalf("RehashPassword(nobody) = %t, %v; want false, nil", done, err)
			}
		})
	})
}

// TestPrunePlanUsesTheExpiryIndex asks each engine how it runs the prune,
// when a few sessions have ended and when nearly all have (the first login
// after an upgrade, on a table never pruned): the batch is found through
// ix_sessions_expires and deleted by primary key, with no scan of the table
// and no sort, so that a prune reads (and on MariaDB locks) the rows it
// deletes and not every session. A single DELETE ... ORDER BY ... LIMIT failed
// here on MariaDB: it scanned and sorted the table once most rows matched.
func TestPrunePlanUsesTheExpiryIndex(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		n := sizesFor(db.Driver()).customers
		users := []domain.Collaborator{newUser(t, db.Repos, domain.RoleSales, "Sam Sales"), newUser(t, db.Repos, domain.RoleSupport, "Sue Support")}
		mustNil(t, db.Tx(ctx, func(r *store.Repos) error {
			for i := range n {
				end := t0.Add(time.Duration(i) * time.Minute)
				s := domain.Session{ID: fmt.Sprintf("jti-%05d", (i*7919)%n), UserID: users[i%2].ID, CreatedAt: end.Add(-8 * time.Hour), ExpiresAt: end}
				if err := r.CreateSession(ctx, s); err != nil {
					return err
				}
			}
			return nil
		}))
		if db.Driver() == store.DriverMySQL {
			_, err := db.SQL().ExecContext(ctx, "ANALYZE TABLE sessions")
			mustNil(t, err)
		}
		for _, tt := range []struct {
			name  string
			ended int
		}{
			{"a few sessions ended", 5},
			{"nearly every session ended", n - 5},
		} {
			t.Run(tt.name, func(t *testing.T) {
				cctx, count := store.CountQueries(ctx)
				deleted, err := db.PruneSessions(cctx, t0.Add(time.Duration(tt.ended)*time.Minute), 100)
				mustNil(t, err)
				if want := min(tt.ended, 100); deleted != int64(want) {
					t.Fatalf("deleted %d, want %d", deleted, want)
				}
				stmts := count.Statements()
				if len(stmts) != 2 || !strings.HasPrefix(stmts[0].SQL, "SELECT") || !strings.HasPrefix(stmts[1].SQL, "DELETE") {
					t.Fatalf("statements %+v; want a SELECT and a DELETE", stmts)
				}
				for i, index := range []string{"ix_sessions_expires", primaryKey(db.Driver())} {
					plan, err := db.Explain(ctx, stmts[i])
					mustNil(t, err)
					t.Logf("%.6s:\n  %s", stmts[i].SQL, planLines(plan))
					if why := badPlan(db.Driver(), plan, false, false, false); why != "" {
						t.Errorf("%s\nplan:\n  %s\nquery: %s", why, planLines(plan), stmts[i].SQL)
					}
					if !strings.Contains(planLines(plan), index) {
						t.Errorf("%s unused:\n  %s\nquery: %s", index, planLines(plan), stmts[i].SQL)
					}
				}
			})
		}
	})
}

// primaryKey names the index a lookup of sessions by id walks.
func primaryKey(driver string) string {
	if driver == store.DriverMySQL {
		return "key=PRIMARY"
	}
	return "sqlite_autoindex_sessions_1"
}
