package service_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/epic-events/crm/internal/auth"
	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
)

const badCredentials = "invalid email or password"

func (w *world) auth(t testing.TB) *service.Auth {
	t.Helper()
	return service.NewAuth(w.Deps(), w.Hasher, w.tokens(t))
}

// login logs c in with testPassword and returns the token and its actor.
func (w *world) login(t testing.TB, a *service.Auth, c domain.Collaborator) (string, service.Actor) {
	t.Helper()
	token, actor, err := a.Login(context.Background(), c.Email, testPassword)
	if err != nil {
		t.Fatalf("Login(%s): %v", c.FullName, err)
	}
	return token, actor
}

func TestLogin(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		a := w.auth(t)

		t.Run("the right password opens a session, whatever the email's letter case", func(t *testing.T) {
			token, actor, err := a.Login(ctx, "  "+strings.ToUpper(w.SalesA.Email)+" ", testPassword)
			if err != nil {
				t.Fatalf("Login: %v", err)
			}
			if token == "" || actor.ID != w.SalesA.ID || actor.Role != domain.RoleSales || actor.SessionID == "" {
				t.Fatalf("Login = %q, %+v; want a token and Adèle's actor with a session", token, actor)
			}
			if !actor.ExpiresAt.Equal(t0.Add(8 * time.Hour)) {
				t.Errorf("session ends at %v, want %v (the token's lifetime)", actor.ExpiresAt, t0.Add(8*time.Hour))
			}
			if actor.PasswordHash != "" {
				t.Error("the actor carries the password hash")
			}
			if !actor.Can(domain.PermCustomerCreate, domain.Subject{SalesContactID: actor.ID}) {
				t.Error("the logged-in sales actor does not hold their role's grants")
			}
			sess, err := w.DB.GetSession(ctx, actor.SessionID)
			if err != nil || sess.UserID != w.SalesA.ID || sess.RevokedAt != nil {
				t.Fatalf("session row = %+v, %v; want an open session of Adèle", sess, err)
			}
			again, err := a.Authenticate(ctx, token)
			if err != nil || again.ID != w.SalesA.ID || again.SessionID != actor.SessionID {
				t.Fatalf("Authenticate(token from Login) = %+v, %v", again, err)
			}
			if e := w.lastAudit(t); e.Action != "login" || e.EntityID != w.SalesA.ID || e.ActorID == nil || *e.ActorID != w.SalesA.ID {
				t.Errorf("last audit = %+v, want Adèle's login", e)
			}
		})

		failures := []struct {
			name, email, password string
			reason                string
		}{
			{"a wrong password", w.SalesB.Email, "not the password at all", "wrong password"},
			{"an empty password", w.SalesB.Email, "", "wrong password"},
			{"an unknown email", "nobody@staff.example.com", testPassword, "unknown account"},
			{"a deactivated collaborator, even with the right password", w.Inactive.Email, testPassword, "inactive"},
		}
		for _, tt := range failures {
			t.Run(tt.name+" gets the one failure message", func(t *testing.T) {
				w.Reporter.Reset()
				token, actor, err := a.Login(ctx, tt.email, tt.password)
				if code(err) != domain.CodeUnauthenticated || err.Error() != badCredentials {
					t.Fatalf("Login error = %v (%s), want %q", err, code(err), badCredentials)
				}
				if token != "" || actor.ID != 0 || actor.Can(domain.PermRead, domain.Subject{}) {
					t.Fatalf("a failed login returned token %q and actor %+v", token, actor)
				}
				ev, ok := w.Reporter.Last("login.failed")
				if !ok || ev.Data["reason"] != tt.reason {
					t.Fatalf("reported %v, want login.failed because %q", w.Reporter.Events(), tt.reason)
				}
				for k, v := range ev.Data {
					if strings.Contains(v, "@") || strings.Contains(v, tt.password) && tt.password != "" {
						t.Errorf("login.failed data %s=%q holds the email or password", k, v)
					}
				}
			})
		}

		t.Run("an unknown email changes nothing", func(t *testing.T) {
			before := w.snapshot(t)
			if _, _, err := a.Login(ctx, "ghost@staff.example.com", "whatever password"); code(err) != domain.CodeUnauthenticated {
				t.Fatalf("Login = %v", err)
			}
			w.assertUnchanged(t, before)
		})

		t.Run("a wrong password is counted; a success resets the count", func(t *testing.T) {
			u := w.addUser(t, domain.RoleSupport, "Counted Support")
			for range 3 {
				if _, _, err := a.Login(ctx, u.Email, "wrong password!"); code(err) != domain.CodeUnauthenticated {
					t.Fatalf("Login = %v", err)
				}
			}
			if got := w.user(t, u.ID).FailedLogins; got != 3 {
				t.Fatalf("failed logins = %d, want 3", got)
			}
			w.login(t, a, u)
			if got := w.user(t, u.ID); got.FailedLogins != 0 || got.LockedUntil != nil {
				t.Fatalf("after a success: failed = %d, locked until %v; want 0, none", got.FailedLogins, got.LockedUntil)
			}
			// The count starts again: four more failures do not lock.
			for range service.MaxFailedLogins - 1 {
				if _, _, err := a.Login(ctx, u.Email, "wrong password!"); err == nil || err.Error() != badCredentials {
					t.Fatalf("Login = %v, want %q", err, badCredentials)
				}
			}
			w.login(t, a, u)
		})
	})
}

func TestLoginLockout(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		a := w.auth(t)
		u := w.SupportA

		for i := 1; i < service.MaxFailedLogins; i++ {
			_, _, err := a.Login(ctx, u.Email, "guess number "+strconv.Itoa(i))
			if err == nil || err.Error() != badCredentials {
				t.Fatalf("failure %d: %v, want %q", i, err, badCredentials)
			}
			w.Clock.Advance(time.Minute)
		}
		lockedAt := w.Clock.Now()
		wantUntil := lockedAt.Add(15 * time.Minute)

		t.Run("the fifth failure in a row locks the account for 15 minutes", func(t *testing.T) {
			_, _, err := a.Login(ctx, u.Email, "the fifth guess")
			var locked *service.LockedError
			if !errors.As(err, &locked) || !locked.Until.Equal(wantUntil) {
				t.Fatalf("Login = %v, want a lock until %v", err, wantUntil)
			}
			if code(err) != domain.CodeUnauthenticated {
				t.Errorf("code = %s, want unauthenticated", code(err))
			}
			if msg := domain.ErrorMessage(err); !strings.Contains(msg, "locked") || !strings.Contains(msg, wantUntil.Format("15:04")+" UTC") {
				t.Errorf("message %q does not say it is locked until %s UTC", msg, wantUntil.Format("15:04"))
			}
			got := w.user(t, u.ID)
			if got.LockedUntil == nil || !got.LockedUntil.Equal(wantUntil) {
				t.Fatalf("stored lock = %v, want %v", got.LockedUntil, wantUntil)
			}
			ev, ok := w.Reporter.Last("login.locked")
			if !ok || ev.Data["user_id"] != strconv.FormatInt(u.ID, 10) {
				t.Fatalf("reported %v, want login.locked with the user id", w.Reporter.Events())
			}
			if e := w.lastAudit(t); e.Action != "login.locked" || e.EntityID != u.ID {
				t.Errorf("last audit = %+v, want the lock", e)
			}
		})

		t.Run("the right password is refused while locked", func(t *testing.T) {
			w.Clock.Advance(14*time.Minute + 59*time.Second)
			before := w.snapshot(t)
			_, _, err := a.Login(ctx, u.Email, testPassword)
			var locked *service.LockedError
			if !errors.As(err, &locked) || !locked.Until.Equal(wantUntil) {
				t.Fatalf("Login = %v, want still locked until %v", err, wantUntil)
			}
			w.assertUnchanged(t, before) // trying again does not extend the lock
		})

		t.Run("the lock survives a restart and is shared by every terminal", func(t *testing.T) {
			other := service.NewAuth(w.Deps(), w.Hasher, w.tokens(t))
			if _, _, err := other.Login(ctx, u.Email, testPassword); !errors.As(err, new(*service.LockedError)) {
				t.Fatalf("Login on a new Auth = %v, want locked", err)
			}
		})

		t.Run("after 15 minutes the right password opens a session and clears the lock", func(t *testing.T) {
			w.Clock.Advance(time.Second) // exactly lockedAt + 15 min
			w.login(t, a, u)
			if got := w.user(t, u.ID); got.FailedLogins != 0 || got.LockedUntil != nil {
				t.Fatalf("after unlocking: failed = %d, locked until %v; want 0, none", got.FailedLogins, got.LockedUntil)
			}
		})

		t.Run("once a lock has run out, failures are counted afresh", func(t *testing.T) {
			v := w.SupportB
			for range service.MaxFailedLogins {
				_, _, _ = a.Login(ctx, v.Email, "wrong password!")
			}
			w.Clock.Advance(service.LockDuration)
			if _, _, err := a.Login(ctx, v.Email, "wrong password!"); err == nil || err.Error() != badCredentials {
				t.Fatalf("first failure after the lock ran out = %v, want %q", err, badCredentials)
			}
			if got := w.user(t, v.ID).FailedLogins; got != 1 {
				t.Fatalf("failed logins = %d, want 1", got)
			}
		})
	})
}

// forge signs claims with key and method, as an attacker (or a bug) would.
func forge(t *testing.T, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatalf("forge token: %v", err)
	}
	return s
}

func claimsFor(u domain.Collaborator, jti string, now time.Time) jwt.MapClaims {
	c := jwt.MapClaims{
		"iss": auth.Issuer, "aud": auth.Audience, "sub": strconv.FormatInt(u.ID, 10),
		"role": string(u.Role), "iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix(),
	}
	if jti != "" {
		c["jti"] = jti
	}
	return c
}

func TestAuthenticateRefuses(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		a := w.auth(t)

		// Each case returns a token that must be refused; most of them name an
		// open session of an active collaborator, so that only the flaw is at fault.
		cases := []struct {
			name  string
			token func(t *testing.T) string
		}{
			{"an expired token", func(t *testing.T) string {
				token, _ := w.login(t, a, w.SalesA)
				w.Clock.Advance(8*time.Hour + auth.Leeway + time.Second)
				return token
			}},
			{"a tampered token", func(t *testing.T) string {
				token, _ := w.login(t, a, w.SalesA)
				parts := strings.Split(token, ".")
				forged := forge(t, jwt.SigningMethodHS256, testKey, claimsFor(w.Manager, "x", w.Clock.Now()))
				return parts[0] + "." + strings.Split(forged, ".")[1] + "." + parts[2] // Manager's claims, Adèle's signature
			}},
			{"a token signed with another key", func(t *testing.T) string {
				_, actor := w.login(t, a, w.SalesA)
				return forge(t, jwt.SigningMethodHS256, []byte("another key that is 32 bytes long!!"), claimsFor(w.SalesA, actor.SessionID, w.Clock.Now()))
			}},
			{"a token with alg none", func(t *testing.T) string {
				_, actor := w.login(t, a, w.SalesA)
				return forge(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claimsFor(w.SalesA, actor.SessionID, w.Clock.Now()))
			}},
			{"a token without a jti", func(t *testing.T) string {
				w.login(t, a, w.SalesA)
				return forge(t, jwt.SigningMethodHS256, testKey, claimsFor(w.SalesA, "", w.Clock.Now()))
			}},
			{"a well-signed token whose session was never opened", func(t *testing.T) string {
				return forge(t, jwt.SigningMethodHS256, testKey, claimsFor(w.SalesA, "never-stored-session", w.Clock.Now()))
			}},
			{"another collaborator's session id", func(t *testing.T) string {
				_, actor := w.login(t, a, w.SalesB)
				return forge(t, jwt.SigningMethodHS256, testKey, claimsFor(w.SalesA, actor.SessionID, w.Clock.Now()))
			}},
			{"a revoked session (after logout)", func(t *testing.T) string {
				token, _ := w.login(t, a, w.SalesA)
				if err := a.Logout(ctx, token); err != nil {
					t.Fatalf("Logout: %v", err)
				}
				return token
			}},
			{"a session that ended in the table before the token", func(t *testing.T) string {
				sid, _ := auth.NewSessionID()
				now := w.Clock.Now()
				if err := w.DB.CreateSession(ctx, domain.Session{ID: sid, UserID: w.SalesA.ID, CreatedAt: now, ExpiresAt: now.Add(time.Minute)}); err != nil {
					t.Fatal(err)
				}
				token := forge(t, jwt.SigningMethodHS256, testKey, claimsFor(w.SalesA, sid, now))
				w.Clock.Advance(2 * time.Minute)
				return token
			}},
			{"a deactivated collaborator", func(t *testing.T) string {
				u := w.addUser(t, domain.RoleSales, "Soon Gone")
				token, _ := w.login(t, a, u)
				u = w.user(t, u.ID)
				u.Active = false
				if err := w.DB.UpdateUser(ctx, &u); err != nil {
					t.Fatal(err)
				}
				return token
			}},
			{"a deleted collaborator", func(t *testing.T) string {
				u := w.addUser(t, domain.RoleSupport, "Soon Deleted")
				token, _ := w.login(t, a, u)
				if err := w.DB.DeleteUser(ctx, u.ID); err != nil {
					t.Fatal(err)
				}
				return token
			}},
			{"garbage", func(*testing.T) string { return "not.a.token" }},
			{"nothing", func(*testing.T) string { return "" }},
		}
		for _, tt := range cases {
			t.Run(tt.name, func(t *testing.T) {
				token := tt.token(t)
				actor, err := a.Authenticate(ctx, token)
				if code(err) != domain.CodeUnauthenticated {
					t.Fatalf("Authenticate = %+v, %v (%s); want unauthenticated", actor, err, code(err))
				}
				if actor.ID != 0 || actor.Can(domain.PermRead, domain.Subject{}) {
					t.Fatalf("a refused token gave actor %+v", actor)
				}
				if token != "" && strings.Contains(err.Error(), token) {
					t.Fatal("the error quotes the token")
				}
			})
		}

		t.Run("a role change takes effect at the next action", func(t *testing.T) {
			u := w.addUser(t, domain.RoleSales, "Changing Role")
			token, actor := w.login(t, a, u)
			if !actor.Can(domain.PermCustomerCreate, domain.Subject{SalesContactID: u.ID}) {
				t.Fatal("a sales actor cannot create customers")
			}
			users := service.NewUsers(w.Deps(), w.Hasher)
			cur := w.user(t, u.ID)
			if _, err := users.Update(ctx, w.actor(w.Manager), u.ID, service.UserChanges{Role: domain.RoleSupport, Version: cur.Version}); err != nil {
				t.Fatalf("Update role: %v", err)
			}
			next, err := a.Authenticate(ctx, token)
			if err != nil {
				t.Fatalf("Authenticate after the role change: %v", err)
			}
			if next.Role != domain.RoleSupport || next.Can(domain.PermCustomerCreate, domain.Subject{SalesContactID: u.ID}) ||
				!next.Holds(domain.PermEventUpdate) {
				t.Fatalf("after the change the actor is %s with grants %v; want support's", next.Role, next.Grants)
			}
		})

		t.Run("logging out twice is harmless", func(t *testing.T) {
			token, _ := w.login(t, a, w.SupportB)
			for i := range 2 {
				if err := a.Logout(ctx, token); err != nil {
					t.Fatalf("Logout #%d: %v", i+1, err)
				}
			}
		})
	})
}

func TestChangePassword(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		a := w.auth(t)
		u := w.addUser(t, domain.RoleSupport, "Pat Password")
		here, actor := w.login(t, a, u)
		elsewhere, _ := w.login(t, a, u)
		const next = "a brand new passphrase"

		refusals := []struct {
			name, current, next, field string
		}{
			{"a wrong current password", "not my password!!", next, "current_password"},
			{"a new password under 12 characters", testPassword, "too short", "new_password"},
			{"a new password over 128 characters", testPassword, strings.Repeat("x", 129), "new_password"},
			{"the email as new password", testPassword, strings.ToUpper(u.Email), "new_password"},
			{"the same password again", testPassword, testPassword, "new_password"},
		}
		for _, tt := range refusals {
			t.Run("refuses "+tt.name, func(t *testing.T) {
				before := w.snapshot(t)
				err := a.ChangePassword(ctx, actor, tt.current, tt.next)
				var de *domain.Error
				if !errors.As(err, &de) || de.Code != domain.CodeInvalid || de.Fields[tt.field] == "" {
					t.Fatalf("ChangePassword = %v, want invalid %s", err, tt.field)
				}
				w.assertUnchanged(t, before)
			})
		}

		t.Run("refuses an actor who is not logged in", func(t *testing.T) {
			if err := a.ChangePassword(ctx, service.Actor{Collaborator: u}, testPassword, next); code(err) != domain.CodeUnauthenticated {
				t.Fatalf("ChangePassword(unverified actor) = %v, want unauthenticated", err)
			}
		})

		t.Run("the old password opens the change; the other sessions end, this one goes on", func(t *testing.T) {
			if err := a.ChangePassword(ctx, actor, testPassword, next); err != nil {
				t.Fatalf("ChangePassword: %v", err)
			}
			if _, err := a.Authenticate(ctx, here); err != nil {
				t.Errorf("the session in use was ended: %v", err)
			}
			if _, err := a.Authenticate(ctx, elsewhere); code(err) != domain.CodeUnauthenticated {
				t.Errorf("another session survived the change: %v", err)
			}
			if _, _, err := a.Login(ctx, u.Email, testPassword); code(err) != domain.CodeUnauthenticated {
				t.Errorf("the old password still logs in: %v", err)
			}
			if _, _, err := a.Login(ctx, u.Email, next); err != nil {
				t.Errorf("the new password does not log in: %v", err)
			}
		})

		t.Run("the audit says who changed their password, without any of it", func(t *testing.T) {
			stored := w.user(t, u.ID).PasswordHash
			var found bool
			for _, e := range w.audit(t) {
				if e.Action == "user.password_change" && e.EntityID == u.ID && e.ActorID != nil && *e.ActorID == u.ID {
					found = true
				}
				assertNoSecret(t, e, stored, next, testPassword)
			}
			if !found {
				t.Fatal("no user.password_change audit row")
			}
		})
	})
}

func TestSigningKey(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		t.Run("JWT_SECRET when configured", func(t *testing.T) {
			secret := strings.Repeat("s", 40)
			key, err := service.SigningKey(ctx, w.Store, secret)
			if err != nil || string(key) != secret {
				t.Fatalf("SigningKey = %q, %v; want the configured secret", key, err)
			}
		})
		t.Run("a configured secret under 32 bytes is refused", func(t *testing.T) {
			if _, err := service.SigningKey(ctx, w.Store, "short"); code(err) != domain.CodeInvalid {
				t.Fatalf("SigningKey(short) = %v, want invalid", err)
			}
		})
		t.Run("otherwise one random key, generated once and kept for every process", func(t *testing.T) {
			first, err := service.SigningKey(ctx, w.Store, "")
			if err != nil || len(first) < auth.KeySize {
				t.Fatalf("SigningKey = %d bytes, %v; want a %d-byte key", len(first), err, auth.KeySize)
			}
			second, err := service.SigningKey(ctx, txStore{w.DB}, "")
			if err != nil || string(second) != string(first) {
				t.Fatalf("a second call got another key (%v)", err)
			}
			// A token signed by one process verifies in another.
			t1, _ := auth.NewTokens(first, time.Hour)
			t2, _ := auth.NewTokens(second, time.Hour)
			tok, _, err := t1.Issue(w.SalesA.ID, w.SalesA.Role, "sid", t0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := t2.Verify(tok, t0); err != nil {
				t.Fatalf("the other process refuses the token: %v", err)
			}
		})
	})
}

// assertNoSecret fails when an audit entry mentions a password hash or a password.
func assertNoSecret(t testing.TB, e domain.AuditEntry, secrets ...string) {
	t.Helper()
	for _, c := range e.Changes {
		for _, v := range []string{c.Field, c.Old, c.New} {
			if strings.Contains(v, "$argon2id$") {
				t.Errorf("audit %s %d holds a password hash in %s", e.Action, e.ID, c.Field)
			}
			for _, s := range secrets {
				if s != "" && strings.Contains(v, s) {
					t.Errorf("audit %s %d holds a secret in %s", e.Action, e.ID, c.Field)
				}
			}
		}
		if strings.Contains(c.Field, "password") || strings.Contains(c.Field, "hash") {
			t.Errorf("audit %s %d records the field %s", e.Action, e.ID, c.Field)
		}
	}
}
