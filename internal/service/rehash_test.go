package service_test

// A login stores a password hashed at an older argon2id cost again at today's
// cost: once, for the right password only, without a trace of either hash in
// the audit trail or the reports, without making anyone's open edit of the
// collaborator stale, and giving way to a reset committed meanwhile.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/epic-events/crm/internal/auth"
	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
)

// countingHasher is the world's real hasher, counting the hashes it makes: a
// re-hash is an argon2id computation at today's cost, to spend once.
type countingHasher struct {
	*auth.Hasher
	hashes atomic.Int64
}

func (h *countingHasher) Hash(password string) (string, error) {
	h.hashes.Add(1)
	return h.Hasher.Hash(password)
}

// olderCost hashes testPassword at a cheaper cost than the world's hasher, as
// a hash stored by an earlier release would be.
func olderCost(t *testing.T) string {
	t.Helper()
	h, err := auth.NewHasher(auth.Params{Memory: 256, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32})
	if err != nil {
		t.Fatal(err)
	}
	hash, err := h.Hash(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	return hash
}

// withOlderHash creates a collaborator whose stored hash is of an older cost.
func (w *world) withOlderHash(t *testing.T, role domain.Role, name string) domain.Collaborator {
	t.Helper()
	u := w.addUser(t, role, name)
	if _, err := w.DB.RehashPassword(context.Background(), u.ID, u.PasswordHash, olderCost(t)); err != nil {
		t.Fatalf("store an older hash: %v", err)
	}
	return w.user(t, u.ID)
}

// wantCurrentCost fails t unless u's stored hash is at the world's cost and
// matches testPassword.
func (w *world) wantCurrentCost(t *testing.T, u domain.Collaborator) {
	t.Helper()
	ok, err := w.Hasher.Verify(testPassword, u.PasswordHash)
	if w.Hasher.NeedsRehash(u.PasswordHash) || !ok || err != nil {
		t.Fatalf("stored hash at today's cost %t, verifies %t, %v; want true, true, nil",
			!w.Hasher.NeedsRehash(u.PasswordHash), ok, err)
	}
}

func TestLoginRehashesAnOlderCost(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		hasher := &countingHasher{Hasher: w.Hasher}
		a := service.NewAuth(w.Deps(), hasher, w.tokens(t))
		users := service.NewUsers(w.Deps(), w.Hasher)

		t.Run("the right password is stored at today's cost, once, the record otherwise untouched", func(t *testing.T) {
			u := w.withOlderHash(t, domain.RoleSales, "Olivia Older")
			w.Reporter.Reset()
			w.login(t, a, u)
			got := w.user(t, u.ID)
			w.wantCurrentCost(t, got)
			if got.Version != u.Version || !got.UpdatedAt.Equal(u.UpdatedAt) {
				t.Errorf("v%d updated %s; want v%d updated %s, as before", got.Version, got.UpdatedAt, u.Version, u.UpdatedAt)
			}
			if n := hasher.hashes.Load(); n != 1 {
				t.Errorf("%d hashes made; want 1", n)
			}
			w.login(t, a, u)
			if again := w.user(t, u.ID); again.PasswordHash != got.PasswordHash || hasher.hashes.Load() != 1 {
				t.Errorf("the second login hashed again (%d hashes made)", hasher.hashes.Load())
			}
			t.Run("the audit trail and the reports hold neither hash", func(t *testing.T) {
				var seen []string
				for _, e := range w.audit(t) {
					seen = append(seen, fmt.Sprintf("%+v", e))
				}
				w.Reporter.mu.Lock()
				for _, e := range w.Reporter.events {
					seen = append(seen, fmt.Sprintf("%+v", e))
				}
				w.Reporter.mu.Unlock()
				for _, err := range w.Reporter.Errors() {
					seen = append(seen, fmt.Sprintf("%+v", err))
				}
				all := strings.Join(seen, "\n")
				for _, hash := range []string{u.PasswordHash, got.PasswordHash} {
					for _, part := range hashSecrets(hash) {
						if strings.Contains(all, part) {
							t.Fatalf("a hash's %q is in the audit or the reports:\n%s", part, all)
						}
					}
				}
			})
		})

		t.Run("a wrong password, a deactivated or a locked account leave the older hash", func(t *testing.T) {
			wrong := w.withOlderHash(t, domain.RoleSales, "Wanda Wrong")
			inactive := w.withOlderHash(t, domain.RoleSales, "Ivan Inactive")
			if _, err := users.Deactivate(ctx, w.actor(w.Manager), inactive.ID); err != nil {
				t.Fatal(err)
			}
			locked := w.withOlderHash(t, domain.RoleSales, "Lucas Locked")
			until := w.Clock.Now().Add(service.LockDuration)
			if err := w.DB.SetLoginState(ctx, locked.ID, 0, &until); err != nil {
				t.Fatal(err)
			}
			before := hasher.hashes.Load()
			for _, tt := range []struct {
				who      domain.Collaborator
				password string
			}{
				{wrong, "not the password"},
				{inactive, testPassword},
				{locked, testPassword},
			} {
				if _, _, err := a.Login(ctx, tt.who.Email, tt.password); code(err) != domain.CodeUnauthenticated {
					t.Errorf("Login(%s) = %v; want refused", tt.who.FullName, err)
				}
				if got := w.user(t, tt.who.ID); got.PasswordHash != tt.who.PasswordHash {
					t.Errorf("%s's hash changed", tt.who.FullName)
				}
			}
			if n := hasher.hashes.Load() - before; n != 0 {
				t.Errorf("%d hashes made; want 0", n)
			}
		})

		t.Run("a manager's edit opened before the login saves, and keeps the new hash", func(t *testing.T) {
			u := w.withOlderHash(t, domain.RoleSupport, "Edith Edited")
			opened := w.user(t, u.ID)
			w.login(t, a, u)
			rehashed := w.user(t, u.ID).PasswordHash
			got, err := users.Update(ctx, w.actor(w.Manager), u.ID, service.UserChanges{FullName: "Edith Renamed", Email: u.Email, Version: opened.Version})
			if err != nil {
				t.Fatalf("the manager's save: %v; want it saved", err)
			}
			if stored := w.user(t, u.ID); got.FullName != "Edith Renamed" || stored.PasswordHash != rehashed {
				t.Errorf("saved %q, hash kept %t; want the new name and the re-hashed password", got.FullName, stored.PasswordHash == rehashed)
			}
		})
	})
}

func TestLoginRehashRunTwice(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		rs := &rerunStore{txStore: txStore{w.DB}, clock: w.Clock}
		w.Store = rs
		hasher := &countingHasher{Hasher: w.Hasher}
		a := service.NewAuth(w.Deps(), hasher, w.tokens(t))

		t.Run("a login run twice hashes once, and audits once", func(t *testing.T) {
			u := w.withOlderHash(t, domain.RoleSales, "Rerun Rehash")
			audited, reruns := len(w.audit(t)), rs.Reruns()
			w.login(t, a, u)
			if rs.Reruns() == reruns {
				t.Fatal("the login ran no transaction twice: the test proves nothing")
			}
			w.wantCurrentCost(t, w.user(t, u.ID))
			var actions []string
			all := w.audit(t)
			for _, e := range all[:len(all)-audited] {
				actions = append(actions, e.Action)
			}
			if !slices.Equal(actions, []string{"login"}) || hasher.hashes.Load() != 1 {
				t.Errorf("audited %q, %d hashes made; want [login], 1", actions, hasher.hashes.Load())
			}
		})
		t.Run("a reset committed between the two runs keeps its hash and refuses the login", func(t *testing.T) {
			u := w.withOlderHash(t, domain.RoleSales, "Reset Meanwhile")
			reset, err := w.Hasher.Hash("the manager's new passphrase")
			if err != nil {
				t.Fatal(err)
			}
			rs.Meanwhile(func(ctx context.Context) error {
				c := w.user(t, u.ID)
				c.PasswordHash = reset
				return w.DB.UpdateUser(ctx, &c)
			})
			// The old password opened no session that would outlive the reset.
			_, _, err = a.Login(ctx, u.Email, testPassword)
			if domain.ErrorCode(err) != domain.CodeUnauthenticated {
				t.Fatalf("Login with the password the reset replaced: %v; want unauthenticated", err)
			}
			if got := w.user(t, u.ID); got.PasswordHash != reset {
				t.Errorf("the login's re-hash overwrote the reset")
			}
		})
		t.Run("a deactivation committed between the two runs refuses the login", func(t *testing.T) {
			u := w.withOlderHash(t, domain.RoleSupport, "Deactivated Meanwhile")
			rs.Meanwhile(func(ctx context.Context) error {
				c := w.user(t, u.ID)
				c.Active = false
				return w.DB.UpdateUser(ctx, &c)
			})
			_, _, err := a.Login(ctx, u.Email, testPassword)
			if domain.ErrorCode(err) != domain.CodeUnauthenticated {
				t.Fatalf("Login of a collaborator deactivated meanwhile: %v; want unauthenticated", err)
			}
			if got := w.user(t, u.ID); got.PasswordHash != u.PasswordHash {
				t.Errorf("a refused login re-hashed the password")
			}
		})
	})
}

// hashSecrets is what of an encoded argon2id hash must not leak: the whole of
// it, its salt and its key.
func hashSecrets(encoded string) []string {
	parts := strings.Split(encoded, "$")
	return append([]string{encoded}, parts[len(parts)-2:]...)
}
