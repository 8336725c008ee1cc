package auth

import (
	"encoding/base64"
	"testing"
)

func TestNewKey(t *testing.T) {
	a, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 32 || len(b) != 32 {
		t.Fatalf("key lengths %d, %d; want 32", len(a), len(b))
	}
	if string(a) == string(b) {
		t.Fatal("two keys are equal")
	}
	if _, err := NewTokens(a, testTTL); err != nil {
		t.Fatalf("a new key is refused by NewTokens: %v", err)
	}
}

func TestNewSessionIDIsURLSafeAnd128Bits(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		id, err := NewSessionID()
		if err != nil {
			t.Fatal(err)
		}
		raw, err := base64.RawURLEncoding.DecodeString(id)
		if err != nil || len(raw) != 16 {
			t.Fatalf("session id %q is not 16 bytes of unpadded base64url", id)
		}
		if seen[id] {
			t.Fatalf("session id %q repeated", id)
		}
		seen[id] = true
	}
}
