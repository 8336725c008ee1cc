package auth

import (
	"strings"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/domain"
)

// FuzzVerify feeds Verify anything, starting from a real token and its
// mutations. Whatever it is given, Verify must not panic, must refuse with an
// unauthenticated error that does not quote the input, and may accept only a
// token this key signed: any accepted input carries exactly the claims issued.
func FuzzVerify(f *testing.F) {
	tk, err := NewTokens(testKey('k'), time.Hour)
	if err != nil {
		f.Fatal(err)
	}
	now := time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)
	token, issued, err := tk.Issue(42, domain.RoleSales, "session-1", now)
	if err != nil {
		f.Fatal(err)
	}
	parts := strings.Split(token, ".")
	for _, seed := range []string{
		token, token[:len(token)-1], parts[0] + "." + parts[1] + ".", parts[0] + "." + parts[1],
		"eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + parts[1] + ".", token + ".", token + "=", "." + token,
		strings.ToUpper(token), "", "a.b.c", "\x00", strings.Repeat("A", maxTokenLen+1),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		claims, err := tk.Verify(s, now)
		if err != nil {
			if domain.ErrorCode(err) != domain.CodeUnauthenticated {
				t.Fatalf("Verify(%q) = %v, want an unauthenticated error", s, err)
			}
			if len(s) >= 16 && strings.Contains(err.Error(), s) {
				t.Fatalf("the error quotes the input: %v", err)
			}
			return
		}
		if claims != issued {
			t.Fatalf("Verify(%q) accepted claims %+v that were never issued (issued %+v)", s, claims, issued)
		}
	})
}
