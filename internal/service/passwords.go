package service

import (
	"errors"

	"github.com/epic-events/crm/internal/domain"
)

// PasswordHasher hashes and checks passwords (internal/auth's argon2id Hasher).
// It is an interface so that the services name only what they use.
type PasswordHasher interface {
	Hash(password string) (string, error)
	// Verify reports whether password matches the encoded hash.
	Verify(password, encoded string) (bool, error)
	// VerifyDummy spends the time of a Verify when there is no hash to compare
	// against (unknown email), so response time does not reveal which accounts exist.
	VerifyDummy(password string)
}

// checkNewPassword applies the password policy to a password about to be set
// for the collaborator with that email, naming field in the error.
func checkNewPassword(field, password, email string) error {
	if err := domain.ValidatePassword(password, email); err != nil {
		return domain.Invalid(field, err.Error())
	}
	return nil
}

// errWrongPassword is internal to a comparison: callers turn it into the message they show.
var errWrongPassword = errors.New("password does not match")

// verifyPassword compares password with the stored hash; errWrongPassword when it differs.
func verifyPassword(h PasswordHasher, password, encoded string) error {
	ok, err := h.Verify(password, encoded)
	if err != nil {
		return err
	}
	if !ok {
		return errWrongPassword
	}
	return nil
}
