#!/usr/bin/env bash
# Brings up a 3-node MariaDB Galera cluster on 127.0.0.1 for the cluster tests
# and `make cluster-up`, and prints, on stdout and nothing else, the DSNs of a
# dedicated non-root account on nodes 1, 2 and 3, comma-separated:
#
#   export EPIC_TEST_GALERA_DSNS="$(scripts/galera-up.sh)"
#
# Each node is its own mariadbd process (run as root with --user=mysql, as
# LIBRARIES.md describes), with its own data directory, socket, pid file and
# error log under $EPIC_GALERA_DIR/nodeN, read from its own option file
# (--defaults-file, so /etc/mysql is never read):
#
#   node  client  gcomm  IST   SST (rsync)
#   1     4406    4567   4568  4444
#   2     4407    4577   4578  4454
#   3     4408    4587   4588  4464
#
# Node 1 bootstraps the cluster (--wsrep-new-cluster), nodes 2 and 3 join it and
# receive its data by rsync. The script waits, bounded by GALERA_WAIT seconds,
# until wsrep_cluster_size is 3 and every node is Synced, then creates (through
# node 1's socket, where root may log in; the cluster replicates it) the account
# with every privilege on the databases named epic_... and nothing else, and the
# database epic_events for `make run`.
#
# Idempotent: with the cluster up it only checks it and prints the DSNs; a node
# that is down (scripts/galera-down.sh N) is started again and rejoins the other
# two. When no node is up, whatever an earlier run left is erased and the
# cluster starts afresh: it holds test data only.
#
# It never touches another MariaDB on the machine (such as the one on 3306):
# every command names one of its own sockets, pid files or option files.
# Installs galera-4, rsync and iproute2 (ss, which the rsync SST needs) when
# missing. Never prompts. Progress goes to stderr.
#
# Settings (environment): EPIC_GALERA_DIR (/tmp/epic-galera), EPIC_TEST_DB_USER
# (epic_test), EPIC_TEST_DB_PASS (epic-test-password), EPIC_TEST_DB_NAME
# (epic_events), GALERA_WAIT (90 seconds).
set -euo pipefail

base="${EPIC_GALERA_DIR:-/tmp/epic-galera}"
user="${EPIC_TEST_DB_USER:-epic_test}"
pass="${EPIC_TEST_DB_PASS:-epic-test-password}"
name="${EPIC_TEST_DB_NAME:-epic_events}"
wait_seconds="${GALERA_WAIT:-90}"
provider=/usr/lib/galera/libgalera_smm.so
nodes=(1 2 3)

log() { echo "galera-up: $*" >&2; }
die() {
	log "$*"
	exit 1
}
started=$SECONDS

as_root=()
if [ "$(id -u)" -ne 0 ]; then
	as_root=(sudo -n)
fi

case "$user$pass$name" in
*"'"* | *'\'* | *'`'* | *,*) die "EPIC_TEST_DB_USER, EPIC_TEST_DB_PASS and EPIC_TEST_DB_NAME must not contain quotes, backslashes or commas" ;;
esac
case "$base" in
/*) ;;
*) die "EPIC_GALERA_DIR must be an absolute path, not $base" ;;
esac

port() { echo $((4405 + $1)); }
gcomm_port() { echo $((4557 + 10 * $1)); }
ist_port() { echo $((4558 + 10 * $1)); }
sst_port() { echo $((4434 + 10 * $1)); }
dir() { echo "$base/node$1"; }
sock() { echo "$base/node$1/mysqld.sock"; }

# sql N QUERY runs QUERY as root through node N's socket and prints the bare result.
sql() {
	"${as_root[@]}" mariadb --no-defaults -uroot --socket="$(sock "$1")" \
		--batch --skip-column-names --connect-timeout=2 -e "$2" 2>/dev/null
}
alive() { [ -S "$(sock "$1")" ] && sql "$1" "SELECT 1" >/dev/null; }
status() { sql "$1" "SHOW GLOBAL STATUS LIKE '$2'" | cut -f2; }
synced() { [ "$(status "$1" wsrep_local_state_comment)" = Synced ] && [ "$(status "$1" wsrep_ready)" = ON ]; }

# wait_for WHAT CHECK... retries CHECK once a second until it passes or the
# time left runs out.
wait_for() {
	local what="$1"
	shift
	while ((SECONDS - started < wait_seconds)); do
		"$@" && return 0
		sleep 1
	done
	die "$what: not done within ${wait_seconds}s (see $base/node*/error.log)"
}

install_packages() {
	local missing=()
	[ -f "$provider" ] || missing+=(galera-4)
	command -v rsync >/dev/null 2>&1 || missing+=(rsync)
	command -v ss >/dev/null 2>&1 || command -v lsof >/dev/null 2>&1 || missing+=(iproute2)
	command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing ${missing[*]}"
	# Without an init system the server package's own attempt to start the
	# service can fail the install: forbid it, as scripts/mariadb-up.sh does.
	local policy=/usr/sbin/policy-rc.d own_policy=""
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee "$policy" >/dev/null
		"${as_root[@]}" chmod +x "$policy"
		own_policy=1
	fi
	"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
	"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
	if [ -n "$own_policy" ]; then
		"${as_root[@]}" rm -f "$policy"
	fi
	[ -f "$provider" ] || die "no Galera provider at $provider after installing galera-4"
}

# write_config N writes node N's option file. A test cluster on one machine:
# small buffers, and no flush at each commit (the other nodes hold the data).
write_config() {
	local n=$1 d cluster=""
	d="$(dir "$n")"
	for m in "${nodes[@]}"; do
		cluster+="${cluster:+,}127.0.0.1:$(gcomm_port "$m")"
	done
	"${as_root[@]}" tee "$d/my.cnf" >/dev/null <<CNF
# Written by scripts/galera-up.sh: node $n of the Epic Events test cluster.
[mysqld]
user = mysql
datadir = $d/data
socket = $d/mysqld.sock
pid-file = $d/mysqld.pid
log-error = $d/error.log
bind-address = 127.0.0.1
port = $(port "$n")
skip-name-resolve
character-set-server = utf8mb4
collation-server = utf8mb4_general_ci
innodb_buffer_pool_size = 64M
innodb_log_file_size = 16M
innodb_flush_log_at_trx_commit = 2

# What Galera requires.
binlog_format = ROW
default_storage_engine = InnoDB
innodb_autoinc_lock_mode = 2

wsrep_on = ON
wsrep_provider = $provider
wsrep_cluster_name = epic-galera
wsrep_cluster_address = gcomm://$cluster
wsrep_node_name = node$n
wsrep_node_address = 127.0.0.1
wsrep_provider_options = "gmcast.listen_addr=tcp://127.0.0.1:$(gcomm_port "$n"); ist.recv_addr=127.0.0.1:$(ist_port "$n"); gcache.size=32M"
wsrep_sst_method = rsync
wsrep_sst_receive_address = 127.0.0.1:$(sst_port "$n")
# Causal reads: a read waits until this node has applied every write the
# cluster committed before it, so reading through another node (after a
# failover, say) sees what was written.
wsrep_sync_wait = 1

[sst]
progress = none
CNF
}

# prepare N makes node N's directories and system tables.
prepare() {
	local n=$1 d
	d="$(dir "$n")"
	"${as_root[@]}" mkdir -p "$d/data"
	write_config "$n"
	"${as_root[@]}" chown -R mysql:mysql "$d"
	if [ ! -d "$d/data/mysql" ]; then
		"${as_root[@]}" mariadb-install-db --no-defaults --user=mysql --datadir="$d/data" \
			--auth-root-authentication-method=socket --skip-test-db \
			--innodb-log-file-size=16M >"$base/install-node$n.log" 2>&1 ||
			die "mariadb-install-db failed for node $n (see $base/install-node$n.log)"
	fi
}

# start N [--wsrep-new-cluster] starts node N detached, so that it outlives this script.
start() {
	local n=$1
	shift
	if ss -ltn 2>/dev/null | grep -q "127.0.0.1:$(port "$n") "; then
		die "port $(port "$n") is taken by another program: node $n cannot start"
	fi
	log "starting node $n${1:+ ($1)}"
	"${as_root[@]}" setsid -f /usr/sbin/mariadbd --defaults-file="$(dir "$n")/my.cnf" --user=mysql "$@" \
		</dev/null >>"$base/start-node$n.log" 2>&1
}

install_packages

up=()
for n in "${nodes[@]}"; do
	if alive "$n"; then up+=("$n"); fi
done

if [ ${#up[@]} -eq 0 ]; then
	if [ -e "$base" ]; then
		log "no node is up: erasing what an earlier run left in $base"
		"${as_root[@]}" bash "$(dirname "$0")/galera-down.sh" >&2
	fi
	"${as_root[@]}" mkdir -p "$base"
	"${as_root[@]}" chmod 0755 "$base"
	for n in "${nodes[@]}"; do prepare "$n" & done
	wait
	for n in "${nodes[@]}"; do
		[ -d "$(dir "$n")/data/mysql" ] || die "node $n was not prepared (see $base/install-node$n.log)"
	done
	start 1 --wsrep-new-cluster
	wait_for "node 1 bootstrapping the cluster" synced 1
	up=(1)
fi

for n in "${nodes[@]}"; do
	case " ${up[*]} " in *" $n "*) continue ;; esac
	prepare "$n"
	start "$n"
done

size_is_3() { [ "$(status "${up[0]}" wsrep_cluster_size)" = 3 ]; }
wait_for "3 nodes joining the cluster" size_is_3
for n in "${nodes[@]}"; do
	wait_for "node $n syncing" synced "$n"
done
log "cluster up: 3 nodes Synced, in $((SECONDS - started))s"

# root logs in through the socket only. The account exists for both names a
# TCP connection to 127.0.0.1 may arrive under; DDL and account changes are
# replicated to every node.
sql 1 "
CREATE DATABASE IF NOT EXISTS \`$name\`;
CREATE USER IF NOT EXISTS '$user'@'localhost' IDENTIFIED BY '$pass';
CREATE USER IF NOT EXISTS '$user'@'127.0.0.1' IDENTIFIED BY '$pass';
ALTER USER '$user'@'localhost' IDENTIFIED BY '$pass';
ALTER USER '$user'@'127.0.0.1' IDENTIFIED BY '$pass';
GRANT ALL PRIVILEGES ON \`epic\_%\`.* TO '$user'@'localhost';
GRANT ALL PRIVILEGES ON \`epic\_%\`.* TO '$user'@'127.0.0.1';
" || die "could not create the account $user on node 1"
log "account $user may use the databases epic_... (including $name) on every node"
hosts=""
dsns=""
for n in "${nodes[@]}"; do
	hosts+="${hosts:+,}127.0.0.1:$(port "$n")"
	dsns+="${dsns:+,}$user:$pass@tcp(127.0.0.1:$(port "$n"))/"
done
log "the program: DB_DRIVER=mysql DB_HOST=$hosts DB_USER=$user DB_PASS=... DB_NAME=$name"
echo "$dsns"
