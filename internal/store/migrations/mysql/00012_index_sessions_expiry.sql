-- Logins prune the sessions that expired, oldest first (store.PruneSessions):
-- this index lets them find and lock those rows only, not every session.

-- +goose Up
CREATE INDEX ix_sessions_expires ON sessions (expires_at);

-- +goose Down
DROP INDEX ix_sessions_expires ON sessions;
