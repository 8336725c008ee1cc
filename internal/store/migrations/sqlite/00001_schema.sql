-- The whole first schema in one migration: SQLite runs DDL inside the
-- transaction goose opens, so it lands whole or not at all.
-- Times are TEXT written by the driver in one layout, always in UTC
-- ('2006-01-02 15:04:05.999999+00:00'), so comparing them as text orders them as times. Names and emails compare
-- case-insensitively (NOCASE), like MariaDB's default collation.

-- +goose Up
CREATE TABLE roles (
    name VARCHAR(32) NOT NULL PRIMARY KEY
);

CREATE TABLE permissions (
    name VARCHAR(64) NOT NULL PRIMARY KEY
);

CREATE TABLE role_permissions (
    role       VARCHAR(32) NOT NULL,
    permission VARCHAR(64) NOT NULL,
    scope      VARCHAR(16) NOT NULL,
    PRIMARY KEY (role, permission),
    CONSTRAINT fk_role_permissions_role FOREIGN KEY (role) REFERENCES roles (name) ON DELETE RESTRICT,
    CONSTRAINT fk_role_permissions_permission FOREIGN KEY (permission) REFERENCES permissions (name) ON DELETE RESTRICT,
    CONSTRAINT ck_role_permissions_scope CHECK (scope IN ('any', 'own', 'assigned'))
);

CREATE TABLE users (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    employee_number VARCHAR(16)  NOT NULL,
    full_name       VARCHAR(100) NOT NULL COLLATE NOCASE,
    email           VARCHAR(254) NOT NULL COLLATE NOCASE,
    password_hash   VARCHAR(255) NOT NULL,
    role            VARCHAR(32)  NOT NULL,
    active          BOOLEAN      NOT NULL DEFAULT 1,
    failed_logins   INTEGER      NOT NULL DEFAULT 0,
    locked_until    DATETIME     NULL,
    version         BIGINT       NOT NULL DEFAULT 1,
    created_at      DATETIME     NOT NULL,
    updated_at      DATETIME     NOT NULL,
    CONSTRAINT uq_users_email UNIQUE (email),
    CONSTRAINT uq_users_employee_number UNIQUE (employee_number),
    CONSTRAINT fk_users_role FOREIGN KEY (role) REFERENCES roles (name) ON DELETE RESTRICT,
    CONSTRAINT ck_users_failed_logins CHECK (failed_logins >= 0)
);
CREATE INDEX ix_users_role_name ON users (role, full_name);
CREATE INDEX ix_users_name ON users (full_name, id);

CREATE TABLE customers (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    full_name        VARCHAR(100) NOT NULL COLLATE NOCASE,
    email            VARCHAR(254) NOT NULL COLLATE NOCASE,
    phone            VARCHAR(64)  NOT NULL,
    company_name     VARCHAR(100) NOT NULL DEFAULT '' COLLATE NOCASE,
    sales_contact_id BIGINT       NOT NULL,
    version          BIGINT       NOT NULL DEFAULT 1,
    created_at       DATETIME     NOT NULL,
    updated_at       DATETIME     NOT NULL,
    CONSTRAINT uq_customers_email UNIQUE (email),
    CONSTRAINT fk_customers_sales_contact FOREIGN KEY (sales_contact_id) REFERENCES users (id) ON DELETE RESTRICT
);
CREATE INDEX ix_customers_sales_name ON customers (sales_contact_id, full_name, id);
CREATE INDEX ix_customers_name ON customers (full_name, id);

CREATE TABLE contracts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id  BIGINT      NOT NULL,
    total_amount BIGINT      NOT NULL,
    amount_due   BIGINT      NOT NULL,
    status       VARCHAR(16) NOT NULL DEFAULT 'draft',
    signed_at    DATETIME    NULL,
    version      BIGINT      NOT NULL DEFAULT 1,
    created_at   DATETIME    NOT NULL,
    updated_at   DATETIME    NOT NULL,
    CONSTRAINT fk_contracts_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE RESTRICT,
    CONSTRAINT ck_contracts_total_amount CHECK (total_amount >= 0),
    CONSTRAINT ck_contracts_amount_due CHECK (amount_due >= 0 AND amount_due <= total_amount),
    CONSTRAINT ck_contracts_status CHECK (status IN ('draft', 'signed', 'cancelled'))
);
CREATE INDEX ix_contracts_customer ON contracts (customer_id);
CREATE INDEX ix_contracts_status_created ON contracts (status, created_at, id);
CREATE INDEX ix_contracts_amount_due ON contracts (amount_due);
CREATE INDEX ix_contracts_created ON contracts (created_at, id);

CREATE TABLE payments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    contract_id BIGINT   NOT NULL,
    amount      BIGINT   NOT NULL,
    received_at DATETIME NOT NULL,
    recorded_by BIGINT   NOT NULL,
    created_at  DATETIME NOT NULL,
    CONSTRAINT fk_payments_contract FOREIGN KEY (contract_id) REFERENCES contracts (id) ON DELETE RESTRICT,
    CONSTRAINT fk_payments_recorded_by FOREIGN KEY (recorded_by) REFERENCES users (id) ON DELETE RESTRICT,
    CONSTRAINT ck_payments_amount CHECK (amount > 0)
);
CREATE INDEX ix_payments_contract ON payments (contract_id);
CREATE INDEX ix_payments_recorded_by ON payments (recorded_by);

CREATE TABLE events (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    contract_id        BIGINT       NOT NULL,
    name               VARCHAR(100) NOT NULL COLLATE NOCASE,
    support_contact_id BIGINT       NULL,
    start_at           DATETIME     NOT NULL,
    end_at             DATETIME     NOT NULL,
    location           VARCHAR(200) NOT NULL COLLATE NOCASE,
    attendees          INTEGER      NOT NULL DEFAULT 0,
    notes              TEXT         NOT NULL,
    version            BIGINT       NOT NULL DEFAULT 1,
    created_at         DATETIME     NOT NULL,
    updated_at         DATETIME     NOT NULL,
    CONSTRAINT fk_events_contract FOREIGN KEY (contract_id) REFERENCES contracts (id) ON DELETE RESTRICT,
    CONSTRAINT fk_events_support_contact FOREIGN KEY (support_contact_id) REFERENCES users (id) ON DELETE RESTRICT,
    CONSTRAINT ck_events_attendees CHECK (attendees >= 0),
    CONSTRAINT ck_events_period CHECK (end_at > start_at)
);
CREATE INDEX ix_events_contract ON events (contract_id);
CREATE INDEX ix_events_support_start ON events (support_contact_id, start_at, id);
CREATE INDEX ix_events_start ON events (start_at, id);

CREATE TABLE sessions (
    id         VARCHAR(64) NOT NULL PRIMARY KEY,
    user_id    BIGINT      NOT NULL,
    created_at DATETIME    NOT NULL,
    expires_at DATETIME    NOT NULL,
    revoked_at DATETIME    NULL,
    CONSTRAINT fk_sessions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_sessions_user ON sessions (user_id);

-- No foreign key on actor_id: the trail must outlive the collaborator it names.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    actor_id    BIGINT       NULL,
    actor_email VARCHAR(254) NOT NULL DEFAULT '',
    action      VARCHAR(64)  NOT NULL,
    entity      VARCHAR(32)  NOT NULL,
    entity_id   BIGINT       NOT NULL,
    changes     TEXT         NOT NULL,
    at          DATETIME     NOT NULL
);
CREATE INDEX ix_audit_log_at ON audit_log (at, id);
CREATE INDEX ix_audit_log_entity_at ON audit_log (entity, at);
CREATE INDEX ix_audit_log_actor_at ON audit_log (actor_id, at);

CREATE TABLE settings (
    `key` VARCHAR(64) NOT NULL PRIMARY KEY,
    value TEXT        NOT NULL
);

-- +goose Down
DROP TABLE settings;
DROP TABLE audit_log;
DROP TABLE sessions;
DROP TABLE events;
DROP TABLE payments;
DROP TABLE contracts;
DROP TABLE customers;
DROP TABLE users;
DROP TABLE role_permissions;
DROP TABLE permissions;
DROP TABLE roles;
