-- MySQL commits DDL implicitly: one DDL statement per migration, so a failure
-- never leaves a half-applied version behind.

-- +goose Up
CREATE TABLE permissions (
    name VARCHAR(64) NOT NULL,
    PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- +goose Down
DROP TABLE permissions;
