-- A password a manager chose (creating a collaborator, resetting theirs) must
-- be replaced by its owner at the next login: until then the services refuse
-- everything else. The collaborators already there chose their own: not set.

-- +goose Up
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE users DROP COLUMN must_change_password;
