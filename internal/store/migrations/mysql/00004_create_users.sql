-- MySQL commits DDL implicitly: one DDL statement per migration, so a failure
-- never leaves a half-applied version behind.

-- +goose Up
CREATE TABLE users (
    id              BIGINT       NOT NULL AUTO_INCREMENT,
    employee_number VARCHAR(16)  NOT NULL,
    full_name       VARCHAR(100) NOT NULL,
    email           VARCHAR(254) NOT NULL,
    password_hash   VARCHAR(255) NOT NULL,
    role            VARCHAR(32)  NOT NULL,
    active          BOOLEAN      NOT NULL DEFAULT TRUE,
    failed_logins   INT          NOT NULL DEFAULT 0,
    locked_until    DATETIME(6)  NULL,
    version         BIGINT       NOT NULL DEFAULT 1,
    created_at      DATETIME(6)  NOT NULL,
    updated_at      DATETIME(6)  NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_users_email (email),
    UNIQUE KEY uq_users_employee_number (employee_number),
    KEY ix_users_role_name (role, full_name),
    KEY ix_users_name (full_name, id),
    CONSTRAINT fk_users_role FOREIGN KEY (role) REFERENCES roles (name) ON DELETE RESTRICT,
    CONSTRAINT ck_users_failed_logins CHECK (failed_logins >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- +goose Down
DROP TABLE users;
