#!/usr/bin/env bash
# Brings up a local MariaDB for the test suite and prints, on stdout and
# nothing else, the DSN of a dedicated non-root account:
#
#   export EPIC_TEST_MYSQL_DSN="$(scripts/mariadb-up.sh)"
#
# Installs mariadb-server when it is missing and starts it when it is not
# running (as LIBRARIES.md describes: as root, with --user=mysql), then, through
# the local socket where root may log in, creates (or updates) the account with
# every privilege on the databases named epic_... and nothing else: the tests
# create and drop epic_... databases, and the program never needs root.
# Never prompts. Progress goes to stderr.
#
# Settings (environment): EPIC_TEST_DB_USER (epic_test), EPIC_TEST_DB_PASS
# (epic-test-password), EPIC_TEST_DB_NAME (epic_events, created for `make run`
# with DB_DRIVER=mysql), MARIADB_WAIT (60 seconds).
set -euo pipefail

user="${EPIC_TEST_DB_USER:-epic_test}"
pass="${EPIC_TEST_DB_PASS:-epic-test-password}"
name="${EPIC_TEST_DB_NAME:-epic_events}"
wait_seconds="${MARIADB_WAIT:-60}"

log() { echo "mariadb-up: $*" >&2; }

# Root (or sudo, on a developer's machine) for installing, starting, and the socket login.
as_root=()
if [ "$(id -u)" -ne 0 ]; then
	as_root=(sudo -n)
fi

case "$user$pass$name" in
*"'"* | *'\'* | *'`'*) log "EPIC_TEST_DB_USER, EPIC_TEST_DB_PASS and EPIC_TEST_DB_NAME must not contain quotes or backslashes"; exit 2 ;;
esac

alive() { mariadb-admin ping --silent >/dev/null 2>&1; }

if ! alive; then
	if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ]; then
		log "installing mariadb-server"
		# Without an init system the package's own attempt to start the service
		# can fail the install: forbid it (as containers do), and start it below.
		policy=/usr/sbin/policy-rc.d
		own_policy=""
		if [ ! -e "$policy" ]; then
			printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee "$policy" >/dev/null
			"${as_root[@]}" chmod +x "$policy"
			own_policy=1
		fi
		"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
		"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server >&2
		if [ -n "$own_policy" ]; then
			"${as_root[@]}" rm -f "$policy"
		fi
	fi
	# apt may have started it already.
	if ! alive; then
		log "starting mariadbd"
		"${as_root[@]}" mkdir -p /run/mysqld
		"${as_root[@]}" chown mysql:mysql /run/mysqld
		if [ ! -d /var/lib/mysql/mysql ]; then
			"${as_root[@]}" mariadb-install-db --user=mysql --datadir=/var/lib/mysql >&2
		fi
		# Detached, so that it outlives this script; its own log goes to its error log.
		"${as_root[@]}" start-stop-daemon --start --oknodo --background \
			--exec /usr/sbin/mariadbd -- --user=mysql >&2
	fi
	for ((i = 0; i < wait_seconds; i++)); do
		alive && break
		sleep 1
	done
	if ! alive; then
		log "MariaDB did not answer within ${wait_seconds}s"
		exit 1
	fi
fi
log "MariaDB is up"

# root logs in through the socket only. The account exists for both names a
# TCP connection to 127.0.0.1 may arrive under.
"${as_root[@]}" mariadb -uroot --batch <<SQL
CREATE DATABASE IF NOT EXISTS \`$name\`;
CREATE USER IF NOT EXISTS '$user'@'localhost' IDENTIFIED BY '$pass';
CREATE USER IF NOT EXISTS '$user'@'127.0.0.1' IDENTIFIED BY '$pass';
ALTER USER '$user'@'localhost' IDENTIFIED BY '$pass';
ALTER USER '$user'@'127.0.0.1' IDENTIFIED BY '$pass';
GRANT ALL PRIVILEGES ON \`epic\_%\`.* TO '$user'@'localhost';
GRANT ALL PRIVILEGES ON \`epic\_%\`.* TO '$user'@'127.0.0.1';
SQL
log "account $user may use the databases epic_... (including $name)"

echo "$user:$pass@tcp(127.0.0.1:3306)/"
