package store_test

import (
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
