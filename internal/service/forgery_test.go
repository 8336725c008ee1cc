package service_test

// Sessions under attack: a corpus of forged, altered, replayed and stale tokens,
// each pushed through the real Auth.Authenticate on both engines. Every one is
// refused as unauthenticated, yields no actor, quotes nothing of the token, and
// changes nothing in the database. Most name an open session of an active
// collaborator, so that only the one flaw is at fault.

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/epic-events/crm/internal/auth"
	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
)

var forgeriesTried, forgeriesAccepted atomic.Int64

// segment encodes v as a JWT segment (unpadded base64url JSON).
func segment(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// hmacToken signs header.payload with HMAC-SHA256 and key whatever the header
// claims: the shape of an algorithm-confusion attack.
func hmacToken(t *testing.T, header, claims map[string]any, key []byte) string {
	t.Helper()
	signing := segment(t, header) + "." + segment(t, claims)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(signing))
	return signing + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// withPayload keeps token's header and signature and swaps in edited claims.
func withPayload(t *testing.T, token string, edit func(map[string]any)) string {
	t.Helper()
	parts := strings.Split(token, ".")
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	claims := map[string]any{}
	if err := json.Unmarshal(raw, &claims); err != nil {
		t.Fatal(err)
	}
	edit(claims)
	return parts[0] + "." + segment(t, claims) + "." + parts[2]
}

func TestForgedSessionsAreRefused(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		a := w.auth(t)
		now := func() time.Time { return w.Clock.Now() }
		// open logs the collaborator in and returns the token and its session id.
		open := func(t *testing.T, c domain.Collaborator) (string, string) {
			token, actor := w.login(t, a, c)
			return token, actor.SessionID
		}
		signed := func(t *testing.T, method jwt.SigningMethod, key any, edit func(jwt.MapClaims)) string {
			_, sid := open(t, w.SalesA)
			c := claimsFor(w.SalesA, sid, now())
			if edit != nil {
				edit(c)
			}
			return forge(t, method, key, c)
		}
		hs256 := func(t *testing.T, edit func(jwt.MapClaims)) string {
			return signed(t, jwt.SigningMethodHS256, testKey, edit)
		}

		cases := []struct {
			name  string
			token func(t *testing.T) string
		}{
			{"alg none, unsigned", func(t *testing.T) string {
				return signed(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, nil)
			}},
			{"alg none in the header over a valid HS256 signature", func(t *testing.T) string {
				token, _ := open(t, w.SalesA)
				parts := strings.Split(token, ".")
				return segment(t, map[string]any{"alg": "none", "typ": "JWT"}) + "." + parts[1] + "." + parts[2]
			}},
			{"alg none with the signature stripped", func(t *testing.T) string {
				token, _ := open(t, w.SalesA)
				parts := strings.Split(token, ".")
				return segment(t, map[string]any{"alg": "none", "typ": "JWT"}) + "." + parts[1] + "."
			}},
			{"a wrong key", func(t *testing.T) string {
				return signed(t, jwt.SigningMethodHS256, []byte("another key that is 32 bytes long!!"), nil)
			}},
			{"HS512 with the right key", func(t *testing.T) string {
				return signed(t, jwt.SigningMethodHS512, testKey, nil)
			}},
			{"HS384 with the right key", func(t *testing.T) string {
				return signed(t, jwt.SigningMethodHS384, testKey, nil)
			}},
			{"RS256 in the header, HMAC with the right key (algorithm confusion)", func(t *testing.T) string {
				_, sid := open(t, w.SalesA)
				return hmacToken(t, map[string]any{"alg": "RS256", "typ": "JWT"}, claimsFor(w.SalesA, sid, now()), testKey)
			}},
			{"hs256 in lower case, with the right key", func(t *testing.T) string {
				_, sid := open(t, w.SalesA)
				return hmacToken(t, map[string]any{"alg": "hs256", "typ": "JWT"}, claimsFor(w.SalesA, sid, now()), testKey)
			}},
			{"expired beyond the leeway", func(t *testing.T) string {
				return hs256(t, func(c jwt.MapClaims) {
					c["iat"], c["nbf"] = now().Add(-2*time.Hour).Unix(), now().Add(-2*time.Hour).Unix()
					c["exp"] = now().Add(-auth.Leeway - time.Second).Unix()
				})
			}},
			{"expired by the clock (a token of 8 hours ago)", func(t *testing.T) string {
				token, _ := open(t, w.SalesA)
				w.Clock.Advance(8*time.Hour + auth.Leeway + time.Second)
				return token
			}},
			{"not yet valid (nbf in the future)", func(t *testing.T) string {
				return hs256(t, func(c jwt.MapClaims) { c["nbf"] = now().Add(time.Hour).Unix() })
			}},
			{"issued in the future", func(t *testing.T) string {
				return hs256(t, func(c jwt.MapClaims) { c["iat"] = now().Add(time.Hour).Unix() })
			}},
			{"no expiry", func(t *testing.T) string {
				return hs256(t, func(c jwt.MapClaims) { delete(c, "exp") })
			}},
			{"a wrong issuer", func(t *testing.T) string {
				return hs256(t, func(c jwt.MapClaims) { c["iss"] = "someone-else" })
			}},
			{"no issuer", func(t *testing.T) string {
				return hs256(t, func(c jwt.MapClaims) { delete(c, "iss") })
			}},
			{"a wrong audience", func(t *testing.T) string {
				return hs256(t, func(c jwt.MapClaims) { c["aud"] = "epicevents-web" })
			}},
			{"no audience", func(t *testing.T) string {
				return hs256(t, func(c jwt.MapClaims) { delete(c, "aud") })
			}},
			{"no jti", func(t *testing.T) string {
				return hs256(t, func(c jwt.MapClaims) { delete(c, "jti") })
			}},
			{"a jti no session has", func(t *testing.T) string {
				return hs256(t, func(c jwt.MapClaims) { c["jti"] = "0123456789abcdef0123456789abcdef" })
			}},
			{"an SQL injection in the jti", func(t *testing.T) string {
				return hs256(t, func(c jwt.MapClaims) { c["jti"] = "x' OR '1'='1" })
			}},
			{"another collaborator's session", func(t *testing.T) string {
				_, victim := open(t, w.Manager)
				return forge(t, jwt.SigningMethodHS256, testKey, claimsFor(w.SalesA, victim, now()))
			}},
			{"a subject that is not a number", func(t *testing.T) string {
				return hs256(t, func(c jwt.MapClaims) { c["sub"] = "1 OR 1=1" })
			}},
			{"a revoked session (after logout)", func(t *testing.T) string {
				token, _ := open(t, w.SalesA)
				if err := a.Logout(ctx, token); err != nil {
					t.Fatal(err)
				}
				return token
			}},
			{"a session ended by a password reset", func(t *testing.T) string {
				u := w.addUser(t, domain.RoleSales, "Reset Victim")
				token, _ := open(t, u)
				if err := w.users().ResetPassword(ctx, w.actor(w.Manager), u.ID, "a brand new password"); err != nil {
					t.Fatal(err)
				}
				return token
			}},
			{"another database's key (a real token of another installation)", func(t *testing.T) string {
				_, sid := open(t, w.SalesA)
				other, err := auth.NewTokens([]byte("the signing key of another CRM database"), time.Hour)
				if err != nil {
					t.Fatal(err)
				}
				token, _, err := other.Issue(w.SalesA.ID, w.SalesA.Role, sid, now())
				if err != nil {
					t.Fatal(err)
				}
				return token
			}},
			{"a deactivated collaborator", func(t *testing.T) string {
				u := w.addUser(t, domain.RoleManagement, "Deactivated Manager")
				token, _ := open(t, u)
				if _, err := w.users().Deactivate(ctx, w.actor(w.Manager), u.ID); err != nil {
					t.Fatal(err)
				}
				return token
			}},
			{"an edited role claim (sales to management, signature kept)", func(t *testing.T) string {
				token, _ := open(t, w.SalesA)
				return withPayload(t, token, func(c map[string]any) { c["role"] = string(domain.RoleManagement) })
			}},
			{"an edited subject (another collaborator, signature kept)", func(t *testing.T) string {
				token, _ := open(t, w.SalesA)
				return withPayload(t, token, func(c map[string]any) { c["sub"] = itoa(w.Manager.ID) })
			}},
			{"an extended expiry (signature kept)", func(t *testing.T) string {
				token, _ := open(t, w.SalesA)
				return withPayload(t, token, func(c map[string]any) { c["exp"] = now().Add(365 * 24 * time.Hour).Unix() })
			}},
			{"truncated by one character", func(t *testing.T) string {
				token, _ := open(t, w.SalesA)
				return token[:len(token)-1]
			}},
			{"truncated to its header and payload", func(t *testing.T) string {
				token, _ := open(t, w.SalesA)
				return token[:strings.LastIndexByte(token, '.')]
			}},
			{"the signature of another token", func(t *testing.T) string {
				token, _ := open(t, w.SalesA)
				other, _ := open(t, w.SalesB)
				return token[:strings.LastIndexByte(token, '.')] + other[strings.LastIndexByte(other, '.'):]
			}},
			{"a fourth segment", func(t *testing.T) string {
				token, _ := open(t, w.SalesA)
				return token + ".AAAA"
			}},
			{"16 KiB of padding", func(t *testing.T) string {
				token, _ := open(t, w.SalesA)
				return token + strings.Repeat("A", 16*1024)
			}},
			{"not a token", func(*testing.T) string { return "not.a.token" }},
			{"empty", func(*testing.T) string { return "" }},
			{"NUL bytes", func(*testing.T) string { return "\x00\x00\x00" }},
		}
		for _, tt := range cases {
			t.Run(tt.name, func(t *testing.T) {
				token := tt.token(t)
				before := w.snapshot(t)
				forgeriesTried.Add(1)
				actor, err := a.Authenticate(ctx, token)
				if code(err) != domain.CodeUnauthenticated {
					forgeriesAccepted.Add(1)
					t.Fatalf("Authenticate = %+v, %v (%s); want unauthenticated", actor, err, code(err))
				}
				if actor.ID != 0 || actor.Can(domain.PermRead, domain.Subject{}) || actor.Holds(domain.PermUserManage) {
					forgeriesAccepted.Add(1)
					t.Fatalf("a refused token gave actor %+v", actor)
				}
				if len(token) > 20 && strings.Contains(err.Error(), token[len(token)-20:]) {
					t.Fatal("the error quotes the token")
				}
				w.assertUnchanged(t, before)
				// A refused token buys nothing: every call with its actor is refused too.
				if _, err := w.customers().Create(ctx, actor, service.CustomerInput{FullName: "Forged", Email: "forged@example.com", Phone: "+33 6 00 00 00 00"}); code(err) != domain.CodeUnauthenticated {
					t.Fatalf("Create with the refused actor = %v, want unauthenticated", err)
				}
			})
		}
	})
	t.Logf("forged sessions: %d tried, %d accepted", forgeriesTried.Load(), forgeriesAccepted.Load())
}
