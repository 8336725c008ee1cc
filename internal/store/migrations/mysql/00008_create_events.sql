-- MySQL commits DDL implicitly: one DDL statement per migration, so a failure
-- never leaves a half-applied version behind.

-- +goose Up
CREATE TABLE events (
    id                 BIGINT       NOT NULL AUTO_INCREMENT,
    contract_id        BIGINT       NOT NULL,
    name               VARCHAR(100) NOT NULL,
    support_contact_id BIGINT       NULL,
    start_at           DATETIME(6)  NOT NULL,
    end_at             DATETIME(6)  NOT NULL,
    location           VARCHAR(200) NOT NULL,
    attendees          INT          NOT NULL DEFAULT 0,
    notes              TEXT         NOT NULL,
    version            BIGINT       NOT NULL DEFAULT 1,
    created_at         DATETIME(6)  NOT NULL,
    updated_at         DATETIME(6)  NOT NULL,
    PRIMARY KEY (id),
    KEY ix_events_contract (contract_id),
    KEY ix_events_support_start (support_contact_id, start_at, id),
    KEY ix_events_start (start_at, id),
    CONSTRAINT fk_events_contract FOREIGN KEY (contract_id) REFERENCES contracts (id) ON DELETE RESTRICT,
    CONSTRAINT fk_events_support_contact FOREIGN KEY (support_contact_id) REFERENCES users (id) ON DELETE RESTRICT,
    CONSTRAINT ck_events_attendees CHECK (attendees >= 0),
    CONSTRAINT ck_events_period CHECK (end_at > start_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- +goose Down
DROP TABLE events;
