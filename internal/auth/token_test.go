package auth

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/epic-events/crm/internal/domain"
)

var issuedAt = time.Date(2026, 11, 3, 9, 30, 0, 0, time.UTC)

const (
	testTTL   = 8 * time.Hour
	testJTI   = "0123456789abcdefABCDEF"
	testActor = domain.ID(42)
)

func testKey(fill byte) []byte { return bytes.Repeat([]byte{fill}, KeySize) }

func newTestTokens(t *testing.T) *Tokens {
	t.Helper()
	tokens, err := NewTokens(testKey('k'), testTTL)
	if err != nil {
		t.Fatalf("NewTokens: %v", err)
	}
	return tokens
}

func TestNewTokensRefusesWeakSettings(t *testing.T) {
	tests := []struct {
		name  string
		key   []byte
		ttl   time.Duration
		field string
	}{
		{"an empty key", nil, testTTL, "JWT_SECRET"},
		{"a key of 31 bytes", bytes.Repeat([]byte{'k'}, 31), testTTL, "JWT_SECRET"},
		{"a zero lifetime", testKey('k'), 0, "JWT_TTL"},
		{"a negative lifetime", testKey('k'), -time.Hour, "JWT_TTL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewTokens(tt.key, tt.ttl)
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.CodeInvalid || de.Fields[tt.field] == "" {
				t.Fatalf("NewTokens = %v; want an invalid *domain.Error naming %s", err, tt.field)
			}
		})
	}
}

func TestIssueAndVerify(t *testing.T) {
	tokens := newTestTokens(t)
	token, issued, err := tokens.Issue(testActor, domain.RoleSales, testJTI, issuedAt.Add(400*time.Millisecond))
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	want := Claims{UserID: testActor, Role: domain.RoleSales, SessionID: testJTI, IssuedAt: issuedAt, ExpiresAt: issuedAt.Add(testTTL)}
	if issued != want {
		t.Fatalf("Issue claims = %+v, want %+v", issued, want)
	}

	t.Run("the token carries the registered claims", func(t *testing.T) {
		var payload map[string]any
		if err := json.Unmarshal(decodeSegment(t, token, 1), &payload); err != nil {
			t.Fatal(err)
		}
		for name, v := range map[string]any{
			"sub": "42", "role": "sales", "jti": testJTI, "iss": "epicevents",
			"iat": float64(issuedAt.Unix()), "nbf": float64(issuedAt.Unix()), "exp": float64(issuedAt.Add(testTTL).Unix()),
		} {
			if payload[name] != v {
				t.Errorf("claim %s = %v, want %v", name, payload[name], v)
			}
		}
		if aud, _ := json.Marshal(payload["aud"]); string(aud) != `["epicevents-cli"]` && string(aud) != `"epicevents-cli"` {
			t.Errorf("claim aud = %s, want epicevents-cli", aud)
		}
		var header map[string]any
		if err := json.Unmarshal(decodeSegment(t, token, 0), &header); err != nil || header["alg"] != "HS256" {
			t.Errorf("header = %v, want alg HS256", header)
		}
	})

	for _, tt := range []struct {
		name string
		at   time.Time
	}{
		{"valid at issue", issuedAt},
		{"valid just before expiry", issuedAt.Add(testTTL - time.Second)},
		{"valid within the leeway after expiry", issuedAt.Add(testTTL + Leeway - time.Second)},
		{"valid within the leeway before issue (clock skew)", issuedAt.Add(-Leeway + time.Second)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tokens.Verify(token, tt.at)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if got != want {
				t.Fatalf("Verify claims = %+v, want %+v", got, want)
			}
		})
	}
}

func TestIssueRefusesIncompleteClaims(t *testing.T) {
	tokens := newTestTokens(t)
	for _, tt := range []struct {
		name string
		id   domain.ID
		role domain.Role
		jti  string
	}{
		{"no user", 0, domain.RoleSales, testJTI},
		{"unknown role", testActor, "admin", testJTI},
		{"no session id", testActor, domain.RoleSales, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := tokens.Issue(tt.id, tt.role, tt.jti, issuedAt); err == nil {
				t.Fatal("Issue accepted incomplete claims")
			}
		})
	}
}

// claimsFor returns the claims Issue would sign, for tests to alter before signing.
func claimsFor(now time.Time) tokenClaims {
	return tokenClaims{
		Role: "sales",
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer: Issuer, Subject: "42", Audience: jwt.ClaimStrings{Audience}, ID: testJTI,
			IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(testTTL)),
		},
	}
}

func sign(t *testing.T, method jwt.SigningMethod, key any, c tokenClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, c).SignedString(key)
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	return s
}

func decodeSegment(t *testing.T, token string, i int) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[i])
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestVerifyRefuses(t *testing.T) {
	tokens := newTestTokens(t)
	good, _, err := tokens.Issue(testActor, domain.RoleSales, testJTI, issuedAt)
	if err != nil {
		t.Fatal(err)
	}
	key := testKey('k')
	altered := func(change func(*tokenClaims)) string {
		c := claimsFor(issuedAt)
		change(&c)
		return sign(t, jwt.SigningMethodHS256, key, c)
	}
	// The payload edited to claim management, the signature kept.
	parts := strings.Split(good, ".")
	payload := strings.Replace(string(decodeSegment(t, good, 1)), `"role":"sales"`, `"role":"management"`, 1)
	promoted := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + parts[2]

	const (
		expired = "your session has expired; log in again"
		invalid = "your session is not valid; log in again"
	)
	tests := []struct {
		name  string
		token string
		at    time.Time
		want  string
	}{
		{"expired beyond the leeway", good, issuedAt.Add(testTTL + Leeway + time.Second), expired},
		{"not yet valid", altered(func(c *tokenClaims) {
			c.NotBefore = jwt.NewNumericDate(issuedAt.Add(time.Hour))
		}), issuedAt, invalid},
		{"issued in the future", good, issuedAt.Add(-time.Hour), invalid},
		{"signed with another key", sign(t, jwt.SigningMethodHS256, testKey('x'), claimsFor(issuedAt)), issuedAt, invalid},
		{"alg none", sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claimsFor(issuedAt)), issuedAt, invalid},
		{"HS512 with the right key", sign(t, jwt.SigningMethodHS512, key, claimsFor(issuedAt)), issuedAt, invalid},
		{"HS384 with the right key", sign(t, jwt.SigningMethodHS384, key, claimsFor(issuedAt)), issuedAt, invalid},
		{"another issuer", altered(func(c *tokenClaims) { c.Issuer = "someone-else" }), issuedAt, invalid},
		{"another audience", altered(func(c *tokenClaims) { c.Audience = jwt.ClaimStrings{"epicevents-web"} }), issuedAt, invalid},
		{"no audience", altered(func(c *tokenClaims) { c.Audience = nil }), issuedAt, invalid},
		{"no expiry", altered(func(c *tokenClaims) { c.ExpiresAt = nil }), issuedAt, invalid},
		{"no jti", altered(func(c *tokenClaims) { c.ID = "" }), issuedAt, invalid},
		{"no sub", altered(func(c *tokenClaims) { c.Subject = "" }), issuedAt, invalid},
		{"a sub that is not a user id", altered(func(c *tokenClaims) { c.Subject = "admin" }), issuedAt, invalid},
		{"an unknown role", altered(func(c *tokenClaims) { c.Role = "root" }), issuedAt, invalid},
		{"no iat", altered(func(c *tokenClaims) { c.IssuedAt = nil }), issuedAt, invalid},
		{"truncated", good[:len(good)-10], issuedAt, invalid},
		{"without its signature", parts[0] + "." + parts[1] + ".", issuedAt, invalid},
		{"payload edited to another role", promoted, issuedAt, invalid},
		{"empty", "", issuedAt, invalid},
		{"not a JWT", "hello", issuedAt, invalid},
		{"huge", strings.Repeat("a", 100_000), issuedAt, invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tokens.Verify(tt.token, tt.at)
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.CodeUnauthenticated {
				t.Fatalf("Verify = %v; want an unauthenticated *domain.Error", err)
			}
			if de.Message != tt.want {
				t.Fatalf("message = %q, want %q", de.Message, tt.want)
			}
			if tt.token != "" && strings.Contains(err.Error(), tt.token[:min(len(tt.token), 20)]) {
				t.Fatal("the error quotes the token")
			}
		})
	}
}
