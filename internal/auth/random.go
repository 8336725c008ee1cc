package auth

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
)

// KeySize is the length of a generated signing key, and the shortest key Tokens accepts.
const KeySize = 32

// NewKey returns KeySize random bytes, for a session signing key.
func NewKey() ([]byte, error) {
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("new key: %w", err)
	}
	return key, nil
}

// NewSessionID returns 128 random bits, base64url without padding (22 characters):
// a token's jti, unguessable so that one session cannot be named from another.
func NewSessionID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("new session id: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
