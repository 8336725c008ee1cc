package store

import (
	"context"
	"errors"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"gorm.io/gorm"
)

type sessionRow struct {
	ID        string `gorm:"primaryKey"`
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
	RevokedAt *time.Time
}

func (sessionRow) TableName() string { return "sessions" }

func (s sessionRow) domain() domain.Session {
	return domain.Session{
		ID:        s.ID,
		UserID:    s.UserID,
		CreatedAt: s.CreatedAt.UTC(),
		ExpiresAt: s.ExpiresAt.UTC(),
		RevokedAt: utcPtr(s.RevokedAt),
	}
}

// The session id (a token's jti) is never put in a message.
var errSessionNotFound = domain.Errorf(domain.CodeNotFound, "session not found")

// CreateSession records a login; a zero CreatedAt means now.
func (r *Repos) CreateSession(ctx context.Context, s domain.Session) error {
	row := sessionRow{
		ID:        s.ID,
		UserID:    s.UserID,
		CreatedAt: r.clock(s.CreatedAt),
		ExpiresAt: stamp(s.ExpiresAt),
		RevokedAt: stampPtr(s.RevokedAt),
	}
	if err := r.q(ctx).Create(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrForeignKeyViolated) {
			return r.missingRef(ctx, "create session", err, ref{"user_id", "users", "collaborator", s.UserID})
		}
		return translate("create session", err)
	}
	return nil
}

// GetSession reads a session by its id.
func (r *Repos) GetSession(ctx context.Context, id string) (domain.Session, error) {
	var rows []sessionRow
	err := r.q(ctx).Raw("SELECT id, user_id, created_at, expires_at, revoked_at FROM sessions WHERE id = ?", id).Scan(&rows).Error
	if err != nil {
		return domain.Session{}, translate("get session", err)
	}
	if len(rows) == 0 {
		return domain.Session{}, errSessionNotFound
	}
	return rows[0].domain(), nil
}

// RevokeSession marks a session revoked at t; revoking it again keeps the first time.
func (r *Repos) RevokeSession(ctx context.Context, id string, at time.Time) error {
	res := r.q(ctx).Exec("UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", r.clock(at), id)
	if res.Error != nil {
		return translate("revoke session", res.Error)
	}
	if res.RowsAffected == 1 {
		return nil
	}
	var found []int
	if err := r.q(ctx).Raw("SELECT 1 FROM sessions WHERE id = ?", id).Scan(&found).Error; err != nil {
		return translate("revoke session", err)
	}
	if len(found) == 0 {
		return errSessionNotFound
	}
	return nil
}

// RevokeUserSessions revokes every open session of a user but keep ("" for none).
func (r *Repos) RevokeUserSessions(ctx context.Context, userID domain.ID, keep string, at time.Time) error {
	err := r.q(ctx).Exec("UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND id <> ?",
		r.clock(at), userID, keep).Error
	if err != nil {
		return translate("revoke user sessions", err)
	}
	return nil
}

// PruneSessions deletes up to limit sessions that expired before before, the
// oldest first, and returns how many it deleted. The limit keeps each call
// small on a table that was never pruned: the backlog goes a batch at a time.
//
// The batch is chosen by a SELECT, then deleted by id: MariaDB plans a DELETE
// ... ORDER BY ... LIMIT without counting on the LIMIT, so where most sessions
// have expired it read, sorted and locked the whole table to delete a hundred
// rows (TestPrunePlanUsesTheExpiryIndex). The SELECT walks ix_sessions_expires
// and stops at the limit, without locking; the DELETE locks only the rows it
// deletes, by primary key, in key order (so two logins pruning at once wait
// for each other rather than deadlock). A row another login deleted meanwhile
// is simply not counted. The same two statements serve SQLite.
func (r *Repos) PruneSessions(ctx context.Context, before time.Time, limit int) (int64, error) {
	var ids []string
	err := r.q(ctx).Raw("SELECT id FROM sessions WHERE expires_at < ? ORDER BY expires_at LIMIT ?", stamp(before), limit).Scan(&ids).Error
	if err != nil {
		return 0, translate("prune sessions", err)
	}
	if len(ids) == 0 {
		return 0, nil
	}
	// By id alone: a session's end never changes, so the rows chosen still match.
	res := r.q(ctx).Exec("DELETE FROM sessions WHERE id IN ?", ids)
	if res.Error != nil {
		return 0, translate("prune sessions", res.Error)
	}
	return res.RowsAffected, nil
}
