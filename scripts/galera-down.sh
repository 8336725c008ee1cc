#!/usr/bin/env bash
# Stops the test cluster of scripts/galera-up.sh.
#
#   scripts/galera-down.sh      stop every node and erase $EPIC_GALERA_DIR
#   scripts/galera-down.sh N    stop node N only (1, 2 or 3) and keep its data:
#                               scripts/galera-up.sh starts it again and it
#                               rejoins the other two (the cluster tests use
#                               this to lose a node mid-session)
#
# A node is asked to shut down through its own socket (mariadb-admin shutdown),
# which rolls back open transactions and leaves the cluster cleanly; one that
# does not answer gets SIGTERM, then SIGKILL, through its own pid file, and
# only when that pid is a mariadbd started with this node's option file. It
# never touches another MariaDB on the machine. Idempotent, bounded in time
# (GALERA_STOP_WAIT seconds per node, 30 by default).
set -euo pipefail

base="${EPIC_GALERA_DIR:-/tmp/epic-galera}"
wait_seconds="${GALERA_STOP_WAIT:-30}"

log() { echo "galera-down: $*" >&2; }

as_root=()
if [ "$(id -u)" -ne 0 ]; then
	as_root=(sudo -n)
fi
case "$base" in
/*) ;;
*)
	log "EPIC_GALERA_DIR must be an absolute path, not $base"
	exit 1
	;;
esac

# ours N prints node N's pid when that process is a mariadbd of this node.
ours() {
	local d="$base/node$1" pid
	pid="$(cat "$d/mysqld.pid" 2>/dev/null || true)"
	[ -n "$pid" ] || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "--defaults-file=$d/my.cnf" || return 1
	echo "$pid"
}

gone() { ! ours "$1" >/dev/null; }

# wait_gone N SECONDS waits for node N's process to end.
wait_gone() {
	for ((i = 0; i < $2 * 10; i++)); do
		gone "$1" && return 0
		sleep 0.1
	done
	gone "$1"
}

stop() {
	local n=$1 sock="$base/node$1/mysqld.sock" pid
	if [ -S "$sock" ]; then
		# mariadb-admin waits (bounded) until the pid file is gone.
		"${as_root[@]}" mariadb-admin --no-defaults -uroot --socket="$sock" --connect-timeout=2 --shutdown-timeout="$wait_seconds" \
			shutdown >/dev/null 2>&1 || true
	fi
	if ! wait_gone "$n" "$wait_seconds"; then
		pid="$(ours "$n")" && "${as_root[@]}" kill -TERM "$pid" 2>/dev/null || true
		if ! wait_gone "$n" 10; then
			pid="$(ours "$n")" && "${as_root[@]}" kill -KILL "$pid" 2>/dev/null || true
			wait_gone "$n" 5 || {
				log "node $n would not stop"
				return 1
			}
		fi
	fi
	log "node $n stopped"
}

case "${1:-all}" in
1 | 2 | 3)
	stop "$1"
	;;
all)
	[ -d "$base" ] || exit 0
	# One after the other, so that the last node is the one to leave.
	status=0
	for n in 3 2 1; do
		[ -d "$base/node$n" ] || continue
		stop "$n" || status=1
	done
	[ "$status" -eq 0 ] || exit 1
	"${as_root[@]}" rm -rf "$base"
	log "removed $base"
	;;
*)
	log "usage: $0 [1|2|3]"
	exit 2
	;;
esac
