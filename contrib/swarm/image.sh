#!/usr/bin/env bash
# contrib/swarm/image.sh — a ds image without a registry or a base image.
#
#   contrib/swarm/image.sh BIN TAG      (normally `make image`)
#
# The root filesystem holds exactly BIN as /usr/local/bin/ds, every
# shared library `ldd BIN` names (the dynamic loader included) at the
# path it resolves to, and the system's CA bundle (an https InfluxDB);
# `docker import` makes it the image TAG, with ds as its entrypoint. Docker
# provides /etc/hosts, /etc/resolv.conf and /etc/hostname at run time,
# and glibc 2.34+ resolves names without NSS modules. Load it on every
# node that runs ds (docker save | docker load, or a registry of yours).
set -euo pipefail

BIN=${1:?usage: image.sh BIN TAG}
TAG=${2:?usage: image.sh BIN TAG}
[[ -x $BIN ]] || { echo "image.sh: $BIN is not an executable; run make first" >&2; exit 1; }
command -v docker >/dev/null || { echo "image.sh: docker is needed" >&2; exit 1; }
ROOT=$(mktemp -d /tmp/ds-image.XXXXXX)
trap 'rm -rf "$ROOT"' EXIT

install -D -m 0755 "$BIN" "$ROOT/usr/local/bin/ds"
# "libx.so.1 => /lib/.../libx.so.1 (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)"
libs=$(ldd "$BIN" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u)
[[ -n $libs ]] || { echo "image.sh: ldd named no library for $BIN" >&2; exit 1; }
for l in $libs; do
	mkdir -p "$ROOT$(dirname "$l")"
	cp -L "$l" "$ROOT$l"
done
if [[ -f /etc/ssl/certs/ca-certificates.crt ]]; then
	install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/certs/ca-certificates.crt"
fi
mkdir -p "$ROOT/tmp" "$ROOT/proc" "$ROOT/sys" "$ROOT/host/proc"
chmod 1777 "$ROOT/tmp"
tar -C "$ROOT" --numeric-owner --owner=0 --group=0 -c . |
	docker import --change 'ENTRYPOINT ["/usr/local/bin/ds"]' \
		--change "LABEL org.opencontainers.image.title=ds" - "$TAG" >/dev/null
echo "image.sh: $TAG: $(wc -w <<<"$libs") libraries, $(du -sh "$ROOT" | cut -f1) ($(docker image inspect -f '{{.Id}}' "$TAG" | cut -c8-19))"
