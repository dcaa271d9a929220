#!/bin/sh
# tests/deps.sh — install (idempotently) every Debian package that the build
# and the tests need.  Called by `make deps` and so by `make check` / CI.
#
# Fast path: when dpkg already reports every package installed we print one
# line and touch nothing (no apt-get update, which is slow and needs the
# network).  Otherwise one `apt-get update` and one `apt-get install`.
#
# POSIX sh on purpose: it must run before anything else is known to exist.
set -eu

# One package a line is easier to review in diffs.
PKGS="
build-essential
pkg-config
clang
libcurl4-openssl-dev
libpq-dev
libjansson-dev
libyajl-dev
libevent-dev
libcriterion-dev
zlib1g-dev
influxdb
influxdb-client
postgresql
postgresql-client
docker.io
runc
busybox-static
curl
jq
git
procps
"

missing=""
n=0
for p in $PKGS; do
	n=$((n + 1))
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$st" = "install ok installed" ] || missing="$missing $p"
done

if [ -z "$missing" ]; then
	echo "deps: all $n packages installed"
	exit 0
fi

echo "deps: missing:$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: need root to apt-get install:$missing" >&2
	exit 1
fi

# No init system runs here (PID 1 is not systemd), so the postinst scripts of
# influxdb, postgresql and docker.io would fail trying to start their
# services.  A policy-rc.d that answers 101 ("action forbidden") makes
# invoke-rc.d skip the start; the test stack starts its own servers anyway.
# Only remove it afterwards if we are the ones who created it.
POLICY=/usr/sbin/policy-rc.d
made_policy=""
cleanup() {
	if [ -n "$made_policy" ]; then rm -f "$POLICY"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
if [ ! -e "$POLICY" ]; then
	printf '#!/bin/sh\n# created by das tests/deps.sh for the duration of an install\nexit 101\n' >"$POLICY"
	chmod 0755 "$POLICY"
	made_policy=1
fi

export DEBIAN_FRONTEND=noninteractive
# No stdin in CI: never let apt or dpkg ask anything.
apt-get update -q </dev/null ||
	{ echo "deps: apt-get update failed" >&2; exit 1; }
# shellcheck disable=SC2086  # word splitting of the package list is intended
apt-get install -y -q --no-install-recommends \
	-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
	$missing </dev/null ||
	{ echo "deps: apt-get install failed for:$missing" >&2; exit 1; }

# Check that the result is what we asked for (a virtual or renamed package
# would otherwise slip through silently).
still=""
for p in $missing; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$st" = "install ok installed" ] || still="$still $p"
done
if [ -n "$still" ]; then
	echo "deps: still not installed after apt-get:$still" >&2
	exit 1
fi
echo "deps: installed:$missing"
