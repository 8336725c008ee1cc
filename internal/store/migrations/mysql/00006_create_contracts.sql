-- MySQL commits DDL implicitly: one DDL statement per migration, so a failure
-- never leaves a half-applied version behind.

-- +goose Up
CREATE TABLE contracts (
    id           BIGINT      NOT NULL AUTO_INCREMENT,
    customer_id  BIGINT      NOT NULL,
    total_amount BIGINT      NOT NULL,
    amount_due   BIGINT      NOT NULL,
    status       VARCHAR(16) NOT NULL DEFAULT 'draft',
    signed_at    DATETIME(6) NULL,
    version      BIGINT      NOT NULL DEFAULT 1,
    created_at   DATETIME(6) NOT NULL,
    updated_at   DATETIME(6) NOT NULL,
    PRIMARY KEY (id),
    KEY ix_contracts_customer (customer_id),
    KEY ix_contracts_status_created (status, created_at, id),
    KEY ix_contracts_amount_due (amount_due),
    KEY ix_contracts_created (created_at, id),
    CONSTRAINT fk_contracts_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE RESTRICT,
    CONSTRAINT ck_contracts_total_amount CHECK (total_amount >= 0),
    CONSTRAINT ck_contracts_amount_due CHECK (amount_due >= 0 AND amount_due <= total_amount),
    CONSTRAINT ck_contracts_status CHECK (status IN ('draft', 'signed', 'cancelled'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- +goose Down
DROP TABLE contracts;
