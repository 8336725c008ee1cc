-- MySQL commits DDL implicitly: one DDL statement per migration, so a failure
-- never leaves a half-applied version behind.

-- +goose Up
CREATE TABLE customers (
    id               BIGINT       NOT NULL AUTO_INCREMENT,
    full_name        VARCHAR(100) NOT NULL,
    email            VARCHAR(254) NOT NULL,
    phone            VARCHAR(64)  NOT NULL,
    company_name     VARCHAR(100) NOT NULL DEFAULT '',
    sales_contact_id BIGINT       NOT NULL,
    version          BIGINT       NOT NULL DEFAULT 1,
    created_at       DATETIME(6)  NOT NULL,
    updated_at       DATETIME(6)  NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_customers_email (email),
    KEY ix_customers_sales_name (sales_contact_id, full_name, id),
    KEY ix_customers_name (full_name, id),
    CONSTRAINT fk_customers_sales_contact FOREIGN KEY (sales_contact_id) REFERENCES users (id) ON DELETE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- +goose Down
DROP TABLE customers;
