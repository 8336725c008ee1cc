#!/usr/bin/env bash
# Installs the CRM on a shared host so that staff can use it but never read its
# database password or session signing key (scripts/deploy/README.md says why
# each step is there). Run as root from a checkout, with the configuration
# file to install:
#
#   sudo scripts/deploy/install.sh /path/to/epicevents.env
#
# What it does, idempotently:
#   - builds the program and the setgid wrapper (Go needed once, here);
#   - creates the system group GROUP (no one is ever a member of it);
#   - installs the program as LIBDIR/epicevents (root:root 0755: it holds no secret);
#   - installs the configuration as CONFDIR/epicevents.env (root:GROUP 0640, in a
#     root:GROUP 0750 directory): readable by root and by the group only;
#   - installs the wrapper as BINDIR/epicevents (root:GROUP 2755): setgid GROUP,
#     so that it, and the program it runs, can read the configuration.
#
# Settings (environment): GROUP (epicevents), PREFIX (/usr/local), BINDIR
# ($PREFIX/bin), LIBDIR ($PREFIX/lib/epicevents), CONFDIR (/etc/epicevents);
# PROGRAM_BIN and WRAPPER_BIN to install prebuilt binaries instead of building.
set -euo pipefail

group="${GROUP:-epicevents}"
prefix="${PREFIX:-/usr/local}"
bindir="${BINDIR:-$prefix/bin}"
libdir="${LIBDIR:-$prefix/lib/epicevents}"
confdir="${CONFDIR:-/etc/epicevents}"

log() { echo "install: $*" >&2; }
die() { log "$*"; exit 1; }

[ "$#" -eq 1 ] || die "usage: $0 CONFIG_FILE (KEY=value lines: DB_DRIVER=mysql, DB_HOST, DB_USER, DB_PASS, DB_NAME, JWT_SECRET, APP_ENV=production...)"
config="$1"
[ -f "$config" ] || die "no configuration file at $config"
[ "$(id -u)" -eq 0 ] || die "run as root: the files must belong to root"
case "$group$prefix$bindir$libdir$confdir" in
*[[:space:]]* | *"'"* | *'"'*) die "GROUP and the directories must not contain spaces or quotes" ;;
esac
if grep -qE '^[[:space:]]*DB_DRIVER[[:space:]]*=[[:space:]]*"?sqlite' "$config"; then
	# Every member of staff would own the SQLite write-ahead log their run creates.
	die "a shared-host installation needs DB_DRIVER=mysql: an SQLite file cannot be kept from its users"
fi

root="$(cd "$(dirname "$0")/../.." && pwd)"
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT

# PROGRAM_BIN and WRAPPER_BIN install binaries built elsewhere (the wrapper
# built with these directories, as below); otherwise both are built here.
if [ -n "${PROGRAM_BIN:-}" ] && [ -n "${WRAPPER_BIN:-}" ]; then
	cp "$PROGRAM_BIN" "$build/epicevents"
	cp "$WRAPPER_BIN" "$build/wrapper"
else
	log "building the program and the wrapper"
	(cd "$root" && CGO_ENABLED=0 go build -trimpath -o "$build/epicevents" ./cmd/epicevents)
	(cd "$root" && CGO_ENABLED=0 go build -trimpath \
		-ldflags "-X main.configPath=$confdir/epicevents.env -X main.programPath=$libdir/epicevents" \
		-o "$build/wrapper" ./scripts/deploy/wrapper)
fi

if ! getent group "$group" >/dev/null; then
	log "creating the system group $group"
	groupadd --system "$group"
fi

install -d -o root -g root -m 0755 "$libdir" "$bindir"
install -o root -g root -m 0755 "$build/epicevents" "$libdir/epicevents"

install -d -o root -g "$group" -m 0750 "$confdir"
install -o root -g "$group" -m 0640 "$config" "$confdir/epicevents.env"

# chmod after install: the setgid bit is the point, and some install(1)s drop it.
install -o root -g "$group" -m 0755 "$build/wrapper" "$bindir/epicevents"
chmod 2755 "$bindir/epicevents"

log "installed: $bindir/epicevents (setgid $group) runs $libdir/epicevents with $confdir/epicevents.env"
log "staff need no group: do not add anyone to $group"
