#!/usr/bin/env bash
# Creates the two least-privilege MariaDB accounts the program is meant to run
# with, on the databases named epic_lp_... (the tests make one each), and
# prints shell lines that export their DSNs for the tests:
#
#   eval "$(scripts/mariadb-accounts.sh)"
#
#   epic_app       SELECT, INSERT, UPDATE, DELETE: what the program runs as (no DDL)
#   epic_migrator  the same plus CREATE, ALTER, INDEX, DROP, REFERENCES: migrations only
#
# These are the grants the README's "Reliability and security" section gives
# for production (there on the one database of the CRM, epic_events). Run as
# root, or with sudo, on the machine of the server: root logs in through the
# local socket. The server must be running (scripts/mariadb-up.sh starts it).
# Never prompts; progress goes to stderr.
#
# Settings (environment): EPIC_APP_DB_PASS (epic-app-password),
# EPIC_MIGRATOR_DB_PASS (epic-migrator-password).
set -euo pipefail

app_pass="${EPIC_APP_DB_PASS:-epic-app-password}"
migrator_pass="${EPIC_MIGRATOR_DB_PASS:-epic-migrator-password}"

log() { echo "mariadb-accounts: $*" >&2; }

case "$app_pass$migrator_pass" in
*"'"* | *'\'* | *'`'* | *'@'* | *'/'*) log "the passwords must not contain quotes, backslashes, @ or /"; exit 2 ;;
esac

as_root=()
if [ "$(id -u)" -ne 0 ]; then
	as_root=(sudo -n)
fi

if ! mariadb-admin ping --silent >/dev/null 2>&1; then
	log "MariaDB is not running: start it with scripts/mariadb-up.sh"
	exit 1
fi

# The grants are on the pattern epic\_lp\_%, so they hold for the databases the
# tests create later, and for nothing else. An account exists for both names a
# TCP connection to 127.0.0.1 may arrive under.
"${as_root[@]}" mariadb -uroot --batch <<SQL
CREATE USER IF NOT EXISTS 'epic_app'@'localhost' IDENTIFIED BY '$app_pass';
CREATE USER IF NOT EXISTS 'epic_app'@'127.0.0.1' IDENTIFIED BY '$app_pass';
ALTER USER 'epic_app'@'localhost' IDENTIFIED BY '$app_pass';
ALTER USER 'epic_app'@'127.0.0.1' IDENTIFIED BY '$app_pass';
CREATE USER IF NOT EXISTS 'epic_migrator'@'localhost' IDENTIFIED BY '$migrator_pass';
CREATE USER IF NOT EXISTS 'epic_migrator'@'127.0.0.1' IDENTIFIED BY '$migrator_pass';
ALTER USER 'epic_migrator'@'localhost' IDENTIFIED BY '$migrator_pass';
ALTER USER 'epic_migrator'@'127.0.0.1' IDENTIFIED BY '$migrator_pass';
GRANT SELECT, INSERT, UPDATE, DELETE ON \`epic\_lp\_%\`.* TO 'epic_app'@'localhost';
GRANT SELECT, INSERT, UPDATE, DELETE ON \`epic\_lp\_%\`.* TO 'epic_app'@'127.0.0.1';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, REFERENCES ON \`epic\_lp\_%\`.* TO 'epic_migrator'@'localhost';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, REFERENCES ON \`epic\_lp\_%\`.* TO 'epic_migrator'@'127.0.0.1';
SQL
log "accounts epic_app (DML only) and epic_migrator (DML and DDL) may use the databases epic_lp_..."

echo "export EPIC_TEST_MYSQL_APP_DSN='epic_app:$app_pass@tcp(127.0.0.1:3306)/'"
echo "export EPIC_TEST_MYSQL_MIGRATOR_DSN='epic_migrator:$migrator_pass@tcp(127.0.0.1:3306)/'"
echo "export EPIC_REQUIRE_LEAST_PRIVILEGE=1"
