package service

import (
	"context"
	"errors"
	"fmt"

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
	// NeedsRehash reports whether encoded was made at another cost than Hash's.
	NeedsRehash(encoded string) bool
}

// rehashed returns password hashed at today's cost when the stored hash, just
// verified against it, was made at another cost, and "" when it was not: a
// login is the one moment the password is at hand to store it at today's
// cost. Hashing is done here, before the login's transaction, so that no lock
// is held during it. A failure is reported (its message holds no hash) and the
// login goes on at the old cost: it will be tried again at the next one.
func (s *Auth) rehashed(ctx context.Context, stored, password string) string {
	if !s.hasher.NeedsRehash(stored) {
		return ""
	}
	hash, err := s.hasher.Hash(password)
	if err != nil {
		_ = s.reportInternal(ctx, Actor{}, fmt.Errorf("login: rehash: %w", err))
		return ""
	}
	return hash
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

// ChangePassword sets the actor's own password, given the current one. The actor's
// other sessions end (whoever else held the password is logged out); the one in
// use goes on. It is the one thing an actor whose password a manager set may
// do, and it lifts that restriction: the password is now their own choice.
func (s *Auth) ChangePassword(ctx context.Context, actor Actor, current, next string) error {
	if err := authorize(actor, domain.PermPasswordChange, selfSubject(actor), "change your password"); err != nil {
		return err
	}
	var u domain.Collaborator
	err := s.read(ctx, actor, func(r Repos) error {
		var err error
		if u, err = r.GetUser(ctx, actor.ID); err != nil {
			return fmt.Errorf("change password: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := verifyPassword(s.hasher, current, u.PasswordHash); err != nil {
		if errors.Is(err, errWrongPassword) {
			return domain.Invalid("current_password", "is not your current password")
		}
		return fmt.Errorf("change password: %w", s.reportInternal(ctx, actor, err))
	}
	if err := checkNewPassword("new_password", next, u.Email); err != nil {
		return err
	}
	if next == current {
		return domain.Invalid("new_password", "must differ from the current password")
	}
	hash, err := s.hasher.Hash(next)
	if err != nil {
		return fmt.Errorf("change password: %w", s.reportInternal(ctx, actor, err))
	}
	return s.tx(ctx, actor, func(r Repos) error {
		cur, err := r.GetUser(ctx, actor.ID)
		if err != nil {
			return fmt.Errorf("change password: %w", err)
		}
		// The current password was checked against the hash read before: if anything
		// changed since (a reset, say), start again.
		if cur.Version != u.Version || cur.PasswordHash != u.PasswordHash {
			return domain.ErrStale
		}
		next := cur
		next.PasswordHash, next.MustChangePassword = hash, chosenByOwner
		if err := r.UpdateUserFrom(ctx, cur, &next); err != nil {
			return fmt.Errorf("change password: %w", err)
		}
		if err := r.RevokeUserSessions(ctx, actor.ID, actor.SessionID, s.now()); err != nil {
			return fmt.Errorf("change password: revoke other sessions: %w", err)
		}
		return s.audit(ctx, r, actor, "user.password_change", "user", actor.ID, nil)
	})
}
