package auth

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/epic-events/crm/internal/domain"
)

// What every session token says about itself, checked on every Verify.
const (
	Issuer   = "epicevents"
	Audience = "epicevents-cli"
	// Leeway absorbs clock skew between the terminals of a shared host and the database.
	Leeway = 30 * time.Second
	// maxTokenLen refuses absurd input before any parsing: ours are about 300 bytes.
	maxTokenLen = 4096
)

// Claims is what a verified session token asserts. The role is informational:
// the service reads the collaborator's current role from the database.
type Claims struct {
	UserID    domain.ID
	Role      domain.Role
	SessionID string // the jti: a row of the sessions table
	IssuedAt  time.Time
	ExpiresAt time.Time
}

type tokenClaims struct {
	Role string `json:"role"`
	jwt.RegisteredClaims
}

// Tokens issues and verifies session tokens (JWT, HS256) with one key.
type Tokens struct {
	key []byte
	ttl time.Duration
}

// NewTokens refuses a key shorter than KeySize bytes (an HMAC key can be guessed
// offline from any token, and the library accepts even an empty one) and a
// lifetime that is not positive.
func NewTokens(key []byte, ttl time.Duration) (*Tokens, error) {
	if len(key) < KeySize {
		return nil, domain.Invalid("JWT_SECRET", fmt.Sprintf("must be at least %d bytes (for example the output of `openssl rand -base64 48`)", KeySize))
	}
	if ttl <= 0 {
		return nil, domain.Invalid("JWT_TTL", "must be a positive duration such as 8h")
	}
	return &Tokens{key: append([]byte(nil), key...), ttl: ttl}, nil
}

// TTL returns how long an issued token is valid.
func (t *Tokens) TTL() time.Duration { return t.ttl }

// Issue signs a token for a session that starts at now and ends TTL later.
// Times are kept to the second, as the token carries them.
func (t *Tokens) Issue(userID domain.ID, role domain.Role, sessionID string, now time.Time) (string, Claims, error) {
	if userID <= 0 || !role.Valid() || sessionID == "" {
		return "", Claims{}, errors.New("issue token: user id, role and session id are required")
	}
	iat := now.UTC().Truncate(time.Second)
	exp := iat.Add(t.ttl)
	tc := tokenClaims{
		Role: string(role),
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    Issuer,
			Subject:   strconv.FormatInt(userID, 10),
			Audience:  jwt.ClaimStrings{Audience},
			ExpiresAt: jwt.NewNumericDate(exp),
			NotBefore: jwt.NewNumericDate(iat),
			IssuedAt:  jwt.NewNumericDate(iat),
			ID:        sessionID,
		},
	}
	signed, err := jwt.NewWithClaims(jwt.SigningMethodHS256, tc).SignedString(t.key)
	if err != nil {
		return "", Claims{}, fmt.Errorf("issue token: %w", err)
	}
	return signed, Claims{UserID: userID, Role: role, SessionID: sessionID, IssuedAt: iat, ExpiresAt: exp}, nil
}

// Verify checks the token's algorithm (HS256 only), signature, issuer, audience,
// expiry, not-before and issued-at against now (with Leeway), and that it names
// a user, a role and a session. Any failure is an unauthenticated *domain.Error
// that never quotes the token.
func (t *Tokens) Verify(token string, now time.Time) (Claims, error) {
	if token == "" || len(token) > maxTokenLen {
		return Claims{}, invalidSession()
	}
	parser := jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuer(Issuer),
		jwt.WithAudience(Audience),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(Leeway),
		jwt.WithTimeFunc(func() time.Time { return now }),
	)
	var tc tokenClaims
	_, err := parser.ParseWithClaims(token, &tc, func(tok *jwt.Token) (any, error) {
		// WithValidMethods already insists on HS256; this keeps the key from ever
		// being handed to another kind of method should that option be dropped.
		if _, ok := tok.Method.(*jwt.SigningMethodHMAC); !ok {
			return nil, errors.New("unexpected signing method")
		}
		return t.key, nil
	})
	if errors.Is(err, jwt.ErrTokenExpired) {
		return Claims{}, expiredSession()
	}
	if err != nil {
		return Claims{}, invalidSession()
	}
	userID, err := strconv.ParseInt(tc.Subject, 10, 64)
	role := domain.Role(tc.Role)
	if err != nil || userID <= 0 || tc.ID == "" || !role.Valid() || tc.IssuedAt == nil {
		return Claims{}, invalidSession()
	}
	return Claims{
		UserID:    userID,
		Role:      role,
		SessionID: tc.ID,
		IssuedAt:  tc.IssuedAt.UTC(),
		ExpiresAt: tc.ExpiresAt.UTC(),
	}, nil
}

func expiredSession() error {
	return &domain.Error{Code: domain.CodeUnauthenticated, Message: "your session has expired; log in again"}
}

func invalidSession() error {
	return &domain.Error{Code: domain.CodeUnauthenticated, Message: "your session is not valid; log in again"}
}
