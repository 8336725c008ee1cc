-- MySQL commits DDL implicitly: one DDL statement per migration, so a failure
-- never leaves a half-applied version behind.

-- +goose Up
CREATE TABLE settings (
    `key` VARCHAR(64) NOT NULL,
    value TEXT        NOT NULL,
    PRIMARY KEY (`key`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- +goose Down
DROP TABLE settings;
