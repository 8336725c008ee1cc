-- MySQL commits DDL implicitly: one DDL statement per migration, so a failure
-- never leaves a half-applied version behind.
-- No foreign key on actor_id: the trail must outlive the collaborator it names.

-- +goose Up
CREATE TABLE audit_log (
    id          BIGINT       NOT NULL AUTO_INCREMENT,
    actor_id    BIGINT       NULL,
    actor_email VARCHAR(254) NOT NULL DEFAULT '',
    action      VARCHAR(64)  NOT NULL,
    entity      VARCHAR(32)  NOT NULL,
    entity_id   BIGINT       NOT NULL,
    changes     TEXT         NOT NULL,
    at          DATETIME(6)  NOT NULL,
    PRIMARY KEY (id),
    KEY ix_audit_log_at (at, id),
    KEY ix_audit_log_entity_at (entity, at),
    KEY ix_audit_log_actor_at (actor_id, at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- +goose Down
DROP TABLE audit_log;
