-- MySQL commits DDL implicitly: one DDL statement per migration, so a failure
-- never leaves a half-applied version behind.

-- +goose Up
CREATE TABLE role_permissions (
    role       VARCHAR(32) NOT NULL,
    permission VARCHAR(64) NOT NULL,
    scope      VARCHAR(16) NOT NULL,
    PRIMARY KEY (role, permission),
    KEY ix_role_permissions_permission (permission),
    CONSTRAINT fk_role_permissions_role FOREIGN KEY (role) REFERENCES roles (name) ON DELETE RESTRICT,
    CONSTRAINT fk_role_permissions_permission FOREIGN KEY (permission) REFERENCES permissions (name) ON DELETE RESTRICT,
    CONSTRAINT ck_role_permissions_scope CHECK (scope IN ('any', 'own', 'assigned'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- +goose Down
DROP TABLE role_permissions;
