package service

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/epic-events/crm/internal/auth"
	"github.com/epic-events/crm/internal/domain"
)

// Login throttling: this many failures in a row lock the account for LockDuration.
// The count and the lock live in the users table, so they survive restarts and
// every terminal sees the same lock.
const (
	MaxFailedLogins = 5
	LockDuration    = 15 * time.Minute
)

// Each login prunes the sessions table: it deletes at most SessionPruneBatch
// sessions that ended more than SessionPruneGrace ago, revoked ones included
// (revoked or not, a token past its end is refused by its own expiry, with
// 30 s of leeway). Deleting a row only ever refuses its token (GetSession
// finds nothing: "your session has ended"); the grace spares the sessions a
// host whose clock runs behind still counts as open. The batch bounds one
// login's work on a table never pruned: each adds a row and removes up to 100.
const (
	SessionPruneGrace = time.Hour
	SessionPruneBatch = 100
)

// signingKeySetting names the settings row that keeps the generated signing key.
const signingKeySetting = "session_signing_key"

// msgBadCredentials is the one answer to every failed login (unknown email, wrong
// password, deactivated account), so it reveals nothing about which accounts exist.
const msgBadCredentials = "invalid email or password"

// LockedError refuses a login while the account is locked. It unwraps to an
// unauthenticated *domain.Error whose message gives the time in UTC; an edge that
// shows local time uses Until (errors.As) to format its own sentence.
type LockedError struct {
	Until time.Time // UTC
}

func (e *LockedError) Error() string { return e.Unwrap().Error() }

// Unwrap gives the coded error the edges map to an exit code and a message.
func (e *LockedError) Unwrap() error {
	return domain.Errorf(domain.CodeUnauthenticated,
		"account locked after %d failed logins, until %s UTC; try again then or ask a manager to reset the password",
		MaxFailedLogins, e.Until.UTC().Format("15:04"))
}

// Auth logs collaborators in and out, turns a session token back into a verified
// Actor on every command, and lets anyone change their own password.
type Auth struct {
	base
	hasher PasswordHasher
	tokens *auth.Tokens
}

// NewAuth returns the Auth service. tokens must be signed with the key SigningKey returns.
func NewAuth(d Deps, hasher PasswordHasher, tokens *auth.Tokens) *Auth {
	return &Auth{base: newBase(d), hasher: hasher, tokens: tokens}
}

// SigningKey returns the key sessions are signed with: JWT_SECRET when configured,
// otherwise a random key generated on first use and kept in the settings table, so
// that every process (and every terminal of a shared host) agrees on one key.
func SigningKey(ctx context.Context, settings SettingRepo, configured string) ([]byte, error) {
	if configured != "" {
		if len(configured) < auth.KeySize {
			return nil, domain.Invalid("JWT_SECRET", fmt.Sprintf("must be at least %d bytes", auth.KeySize))
		}
		return []byte(configured), nil
	}
	stored, err := settings.GetSetting(ctx, signingKeySetting)
	if domain.ErrorCode(err) == domain.CodeNotFound {
		key, kerr := auth.NewKey()
		if kerr != nil {
			return nil, fmt.Errorf("signing key: %w", kerr)
		}
		// Two processes starting together each propose a key; the first stored wins
		// and both return it.
		stored, err = settings.PutSettingIfAbsent(ctx, signingKeySetting, base64.StdEncoding.EncodeToString(key))
	}
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	key, err := base64.StdEncoding.DecodeString(stored)
	if err != nil || len(key) < auth.KeySize {
		return nil, errors.New("signing key: the stored key is malformed")
	}
	return key, nil
}

// Login checks an email and password and opens a session: it returns the signed
// token to keep in the session file and the actor it stands for. Every failure
// says only "invalid email or password", except a locked account, which gets a
// *LockedError naming when it unlocks (refused even with the right password).
func (s *Auth) Login(ctx context.Context, email, password string) (string, Actor, error) {
	email = domain.NormalizeEmail(email)
	now := s.now()
	var u domain.Collaborator
	err := s.read(ctx, Actor{}, func(r Repos) error {
		var err error
		u, err = r.GetUserByEmail(ctx, email)
		return err
	})
	switch {
	case domain.ErrorCode(err) == domain.CodeNotFound:
		s.hasher.VerifyDummy(password)
		s.report.Event(ctx, "login.failed", nil, map[string]string{"reason": "unknown account"})
		return "", Actor{}, badCredentials()
	case err != nil:
		return "", Actor{}, fmt.Errorf("login: %w", err)
	}
	if locked(u, now) {
		// No comparison, and no count: the lock is not extended by trying again.
		s.report.Event(ctx, "login.failed", nil, loginData(u, "locked"))
		return "", Actor{}, &LockedError{Until: u.LockedUntil.UTC()}
	}
	if err := verifyPassword(s.hasher, password, u.PasswordHash); err != nil {
		if !errors.Is(err, errWrongPassword) {
			return "", Actor{}, fmt.Errorf("login: %w", s.reportInternal(ctx, Actor{}, err))
		}
		return "", Actor{}, s.failed(ctx, u.ID, now)
	}
	if !u.Active {
		// Checked after the password, so that a deactivated account answers like a
		// wrong password in the same time; it is not counted towards a lock.
		s.report.Event(ctx, "login.failed", nil, loginData(u, "inactive"))
		return "", Actor{}, badCredentials()
	}
	sid, err := auth.NewSessionID()
	if err != nil {
		return "", Actor{}, fmt.Errorf("login: %w", err)
	}
	token, claims, err := s.tokens.Issue(u.ID, u.Role, sid, now)
	if err != nil {
		return "", Actor{}, fmt.Errorf("login: %w", s.reportInternal(ctx, Actor{}, err))
	}
	rehash := s.rehashed(ctx, u.PasswordHash, password)
	var actor Actor
	err = s.tx(ctx, Actor{}, func(r Repos) error {
		// fn may run again (a deadlock or certification victim is retried), so it
		// reads u but changes only its own copy, and hands the actor out last.
		// The prune comes first, before this login's own session row: on MariaDB
		// two logins then take the pruned rows' locks in one order and the second
		// waits, where inserting first could have each wait for the other.
		if _, err := r.PruneSessions(ctx, now.Add(-SessionPruneGrace), SessionPruneBatch); err != nil {
			return fmt.Errorf("login: prune sessions: %w", err)
		}
		// The password was checked against a row read before this transaction: a
		// reset, a deactivation or a lock committed since then would otherwise let
		// a session opened with the old password outlive it (a reset revokes only
		// the sessions that exist when it commits). Locked, the row cannot change
		// again before this session is stored.
		cur, err := r.GetUserForUpdate(ctx, u.ID)
		if err != nil {
			return fmt.Errorf("login: %w", err)
		}
		if cur.PasswordHash != u.PasswordHash || !cur.Active || locked(cur, now) {
			return errChangedDuringLogin
		}
		// Over the hash the password was checked against only: a reset committed
		// since keeps its own.
		if rehash != "" {
			if _, err := r.RehashPassword(ctx, u.ID, u.PasswordHash, rehash); err != nil {
				return fmt.Errorf("login: rehash: %w", err)
			}
		}
		if u.FailedLogins != 0 || u.LockedUntil != nil {
			if err := r.SetLoginState(ctx, u.ID, 0, nil); err != nil {
				return fmt.Errorf("login: reset failures: %w", err)
			}
		}
		sess := domain.Session{ID: sid, UserID: u.ID, CreatedAt: now, ExpiresAt: claims.ExpiresAt}
		if err := r.CreateSession(ctx, sess); err != nil {
			return fmt.Errorf("login: create session: %w", err)
		}
		grants, err := r.GrantsFor(ctx, u.Role)
		if err != nil {
			return fmt.Errorf("login: grants: %w", err)
		}
		signedIn := u
		signedIn.FailedLogins, signedIn.LockedUntil = 0, nil
		a := Actor{Collaborator: public(signedIn), Grants: grants, SessionID: sid, ExpiresAt: claims.ExpiresAt, verified: true}
		if err := s.audit(ctx, r, a, "login", "user", u.ID, nil); err != nil {
			return err
		}
		actor = a
		return nil
	})
	if errors.Is(err, errChangedDuringLogin) {
		s.report.Event(ctx, "login.failed", nil, loginData(u, "changed during login"))
		return "", Actor{}, badCredentials()
	}
	if err != nil {
		return "", Actor{}, err
	}
	return token, actor, nil
}

// errChangedDuringLogin stops a login whose collaborator had their password
// reset, was deactivated or was locked between the password check and the
// session: the caller answers it as a wrong password.
var errChangedDuringLogin = errors.New("login: the account changed during the login")

// failed counts a wrong password and locks the account at the limit. It re-reads
// the count inside the transaction, so failures from several terminals add up.
func (s *Auth) failed(ctx context.Context, id domain.ID, now time.Time) error {
	var u domain.Collaborator
	var until, lockedBefore *time.Time
	err := s.tx(ctx, Actor{}, func(r Repos) error {
		// Each run starts from what it reads (see store.DB.Tx): a run rolled back
		// may have reached the limit where this one, after another terminal's
		// failure was counted first, does not.
		// Locked: failures typed at once in several terminals must all count.
		cur, err := r.GetUserForUpdate(ctx, id)
		if err != nil {
			return fmt.Errorf("login: %w", err)
		}
		if locked(cur, now) {
			// Another terminal's failure locked the account since it was read:
			// the lock stands as it is, neither counted against nor lifted.
			u, until, lockedBefore = cur, nil, cur.LockedUntil
			return nil
		}
		count := cur.FailedLogins + 1
		action := "login.failed"
		var lock *time.Time
		if count >= MaxFailedLogins {
			// The count starts afresh with the lock, so that once the lock runs out
			// the next failure is the first of five again.
			t := now.Add(LockDuration).UTC()
			lock, count, action = &t, 0, "login.locked"
		}
		if err := r.SetLoginState(ctx, id, count, lock); err != nil {
			return fmt.Errorf("login: record failure: %w", err)
		}
		var c changeSet
		if lock != nil {
			c.add("locked_until", "", lock.Format(time.RFC3339))
		}
		if err := s.audit(ctx, r, Actor{}, action, "user", id, c); err != nil {
			return err
		}
		u, until, lockedBefore = cur, lock, nil
		return nil
	})
	if err != nil {
		return err
	}
	if lockedBefore != nil {
		s.report.Event(ctx, "login.failed", nil, loginData(u, "locked"))
		return &LockedError{Until: lockedBefore.UTC()}
	}
	s.report.Event(ctx, "login.failed", nil, loginData(u, "wrong password"))
	if until != nil {
		data := loginData(u, "too many failures")
		data["locked_until"] = until.Format(time.RFC3339)
		s.report.Event(ctx, "login.locked", nil, data)
		return &LockedError{Until: *until}
	}
	return badCredentials()
}

func locked(u domain.Collaborator, now time.Time) bool {
	return u.LockedUntil != nil && now.Before(*u.LockedUntil)
}

func badCredentials() error { return domain.Errorf(domain.CodeUnauthenticated, msgBadCredentials) }

func sessionEnded() error {
	return domain.Errorf(domain.CodeUnauthenticated, "your session has ended; log in again")
}

// loginData is what Sentry learns of a login: the account's id and why it failed,
// never the email typed or the password.
func loginData(u domain.Collaborator, reason string) map[string]string {
	return map[string]string{"user_id": strconv.FormatInt(u.ID, 10), "reason": reason}
}

// Authenticate turns a session token into the actor it stands for, checking
// everything again on every call: the signature, algorithm, issuer, audience and
// expiry of the token; that its session is open (not revoked, not expired); that
// the collaborator still exists and is active. The role and its grants are read
// from the database now, so a role change or a deactivation takes effect at the
// next action, whatever the token says.
func (s *Auth) Authenticate(ctx context.Context, token string) (Actor, error) {
	now := s.now()
	claims, err := s.tokens.Verify(token, now)
	if err != nil {
		return Actor{}, err
	}
	if claims.SessionID == "" {
		return Actor{}, sessionEnded()
	}
	var actor Actor
	err = s.read(ctx, Actor{}, func(r Repos) error {
		sess, err := r.GetSession(ctx, claims.SessionID)
		if domain.ErrorCode(err) == domain.CodeNotFound {
			return sessionEnded()
		}
		if err != nil {
			return fmt.Errorf("authenticate: %w", err)
		}
		if sess.UserID != claims.UserID {
			return sessionEnded()
		}
		ended := sess.RevokedAt != nil || !now.Before(sess.ExpiresAt)
		u, err := r.GetUser(ctx, claims.UserID)
		if domain.ErrorCode(err) == domain.CodeNotFound {
			return sessionEnded()
		}
		if err != nil {
			return fmt.Errorf("authenticate: %w", err)
		}
		// Deactivation also revokes the sessions: the token's owner (its
		// signature is checked) is told the reason rather than "log in again".
		if !u.Active {
			return domain.Errorf(domain.CodeUnauthenticated, "your account has been deactivated")
		}
		if ended {
			return sessionEnded()
		}
		grants, err := r.GrantsFor(ctx, u.Role)
		if err != nil {
			return fmt.Errorf("authenticate: grants: %w", err)
		}
		actor = Actor{Collaborator: public(u), Grants: grants, SessionID: sess.ID, ExpiresAt: sess.ExpiresAt, verified: true}
		return nil
	})
	if err != nil {
		return Actor{}, err
	}
	return actor, nil
}

// Logout revokes the token's session, so that the token is refused from now on,
// even if a copy of it survives the session file. Logging out of a session that
// has already ended does nothing; a token that is not ours is refused.
func (s *Auth) Logout(ctx context.Context, token string) error {
	now := s.now()
	claims, err := s.tokens.Verify(token, now)
	if err != nil {
		return err
	}
	return s.tx(ctx, Actor{}, func(r Repos) error {
		sess, err := r.GetSession(ctx, claims.SessionID)
		if domain.ErrorCode(err) == domain.CodeNotFound {
			return nil
		}
		if err != nil {
			return fmt.Errorf("logout: %w", err)
		}
		if sess.RevokedAt != nil || sess.UserID != claims.UserID {
			return nil
		}
		if err := r.RevokeSession(ctx, sess.ID, now); err != nil {
			return fmt.Errorf("logout: %w", err)
		}
		u, err := r.GetUser(ctx, claims.UserID)
		if err != nil {
			return fmt.Errorf("logout: %w", err)
		}
		return s.audit(ctx, r, Actor{Collaborator: u, verified: true}, "logout", "user", u.ID, nil)
	})
}
