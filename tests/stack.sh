#!/usr/bin/env bash
# tests/stack.sh — start, stop and describe the real servers the integration
# tests run against: InfluxDB 1.x, PostgreSQL 15, dockerd in swarm mode, plus
# a local busybox image and a runc bundle.
#
#   tests/stack.sh up       start what is not running (idempotent), print env
#   tests/stack.sh down     stop what *this script* started; data is kept
#   tests/stack.sh status   say what is up; exit 0 only if everything is
#   tests/stack.sh env      print `export` lines for the clients
#   tests/stack.sh clean    remove leftover das.test=1 services/containers
#                           older than DAS_CLEAN_AGE minutes (default 60)
#
# Everything listens on 127.0.0.1 only.  State (configs, data, logs, pid
# files) lives under ${DAS_STACK_DIR:-/var/tmp/das-stack}.  A server that
# already answers on its port is reused and never stopped by `down`: only
# servers whose pid files this script wrote are ours to stop.
#
# Progress goes to stderr so that `up >/dev/null` stays quiet but errors and
# timings still show; stdout carries only the env lines.
set -euo pipefail

# Absolute, because `up` starts the servers from / (see cmd_up).
STATE=$(realpath -m -- "${DAS_STACK_DIR:-/var/tmp/das-stack}")
LOGDIR=$STATE/log

INFLUX_PORT=18086
INFLUX_RPC_PORT=18088
INFLUX_URL=http://127.0.0.1:$INFLUX_PORT
INFLUX_CONF=$STATE/influxdb/influxdb.conf
INFLUX_PID=$STATE/influxd.pid

PG_PORT=15432
PG_DIR=$STATE/pg
PG_DATA=$PG_DIR/data
PG_SOCK=$PG_DIR/run
PG_CONN="host=127.0.0.1 port=$PG_PORT user=postgres dbname=das"
PG_OURS=$STATE/postgres.started

DOCKER_SOCK=/var/run/docker.sock
DOCKER_PIDFILE=/var/run/docker.pid
DOCKERD_PID=$STATE/dockerd.pid
DOCKER_ENV=$STATE/docker.env    # DOCKER_API_VERSION pin, if one was needed

IMAGE=das-busybox:latest
ROOTFS=$STATE/rootfs
BUNDLE=$STATE/bundle

# Timeouts in seconds; override for slow machines.
INFLUX_TIMEOUT=${DAS_INFLUX_TIMEOUT:-30}
PG_TIMEOUT=${DAS_PG_TIMEOUT:-60}
DOCKER_TIMEOUT=${DAS_DOCKER_TIMEOUT:-60}

# ---------------------------------------------------------------- helpers

say()  { printf 'stack: %s\n' "$*" >&2; }
die()  { printf 'stack: ERROR: %s\n' "$*" >&2; exit 1; }

# die with the tail of a log file, so the reason is on screen in CI.
die_log() {
	local msg=$1 log=$2
	printf 'stack: ERROR: %s\nstack: log: %s (last 30 lines follow)\n' "$msg" "$log" >&2
	tail -n 30 "$log" 2>/dev/null | sed 's/^/    | /' >&2 || true
	exit 1
}

now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }
secs_since() { # ms -> "1.23s"
	local d=$(( $(now_ms) - $1 ))
	printf '%d.%02ds' $((d / 1000)) $(((d % 1000) / 10))
}

# pid_is PID NAME: true if PID is alive and its command name is NAME.  A pid
# file can outlive its process and the number can be reused by anything.
pid_is() {
	local pid=$1 name=$2 comm
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
	[[ $comm == "$name" ]]
}

read_pid() { if [[ -r $1 ]]; then tr -dc '0-9' <"$1"; fi; }

# no_inherited_fds CMD...: exec CMD with only fds 0, 1 and 2 (which the
# caller redirects).  A server keeps every descriptor it inherits for as long
# as it runs, and with it any lock on it: our lock (fd 9), or the lock of a
# caller that runs `flock LOCKFILE make check` to keep others off the shared
# servers: a server started under it held that lock until it was stopped,
# and every later flock waited.  Run it in a ( ) & subshell: it replaces the
# shell it runs in.
no_inherited_fds() {
	local f fd
	for f in /proc/"$BASHPID"/fd/*; do
		fd=${f##*/}
		# The glob's own directory fd is listed but already closed.
		if ((fd > 2)) && [[ -e $f ]]; then exec {fd}>&-; fi
	done
	exec "$@"
}

# stop_pid PID NAME TIMEOUT: TERM, wait, then KILL.
stop_pid() {
	local pid=$1 name=$2 t=$3 i
	pid_is "$pid" "$name" || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < t * 10; i++)); do
		pid_is "$pid" "$name" || return 0
		sleep 0.1
	done
	say "$name ($pid) did not stop in ${t}s, sending KILL"
	kill -KILL "$pid" 2>/dev/null || true
	sleep 0.5
}

need_root() { [[ $(id -u) -eq 0 ]] || die "must run as root (dockerd, runc, postgres as user postgres)"; }

# Serialize concurrent `up`/`down` (two engineers, or make check twice):
# both would otherwise race to start the same server on the same port.
# The servers are started through no_inherited_fds, so none keeps fd 9.
take_lock() {
	mkdir -p "$STATE" "$LOGDIR"
	exec 9>"$STATE/.lock"
	flock -w 600 9 || die "could not lock $STATE/.lock within 600s"
}

# ---------------------------------------------------------------- InfluxDB

influx_ping() {
	[[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$INFLUX_URL/ping" 2>/dev/null) == 204 ]]
}

influx_write_conf() {
	mkdir -p "$STATE/influxdb/meta" "$STATE/influxdb/data" "$STATE/influxdb/wal"
	# Written each time so a changed port or dir takes effect; it is only
	# read at startup.  Debian's 1.6 build spells the phone-home switch
	# `reporting-enabled` (upstream: reporting-disabled).
	cat >"$INFLUX_CONF.tmp" <<EOF
# generated by tests/stack.sh — test server, loopback only, no auth
reporting-enabled = false
bind-address = "127.0.0.1:$INFLUX_RPC_PORT"

[meta]
  dir = "$STATE/influxdb/meta"

[data]
  dir = "$STATE/influxdb/data"
  wal-dir = "$STATE/influxdb/wal"
  # Tests write little; don't fsync every write.
  wal-fsync-delay = "100ms"
  query-log-enabled = true

[monitor]
  # No _internal database: it would add writes and series we never read.
  store-enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:$INFLUX_PORT"
  auth-enabled = false
  log-enabled = true

[continuous_queries]
  enabled = false
EOF
	mv -f "$INFLUX_CONF.tmp" "$INFLUX_CONF"
}

influx_up() {
	local t0 pid log=$LOGDIR/influxd.log
	t0=$(now_ms)
	if influx_ping; then
		pid=$(read_pid "$INFLUX_PID")
		if pid_is "$pid" influxd; then say "influxdb: running (ours, pid $pid) on $INFLUX_URL"
		else say "influxdb: reusing the server already answering on $INFLUX_URL"; fi
		return 0
	fi
	command -v influxd >/dev/null || die "influxd not found (run: sh tests/deps.sh)"
	pid=$(read_pid "$INFLUX_PID")
	if ! pid_is "$pid" influxd; then
		rm -f "$INFLUX_PID"
		influx_write_conf
		# setsid + all fds redirected: the server must not hold the
		# caller's terminal or pipes (make, CI log capture) open.
		(no_inherited_fds setsid influxd -config "$INFLUX_CONF" -pidfile "$INFLUX_PID.influxd" \
			</dev/null >>"$log" 2>&1) &
		pid=$!
		echo "$pid" >"$INFLUX_PID"
	fi
	while ! influx_ping; do
		pid_is "$pid" influxd || die_log "influxd exited during startup" "$log"
		(( $(now_ms) - t0 < INFLUX_TIMEOUT * 1000 )) ||
			die_log "influxd did not answer $INFLUX_URL/ping within ${INFLUX_TIMEOUT}s" "$log"
		sleep 0.2
	done
	say "influxdb: started (pid $pid) on $INFLUX_URL in $(secs_since "$t0")"
}

influx_down() {
	local pid
	pid=$(read_pid "$INFLUX_PID")
	if pid_is "$pid" influxd; then
		stop_pid "$pid" influxd 30
		say "influxdb: stopped (pid $pid)"
	elif influx_ping; then
		say "influxdb: not started by this script, left running"
	fi
	rm -f "$INFLUX_PID" "$INFLUX_PID.influxd"
}

# ---------------------------------------------------------------- PostgreSQL

pg_bin() {
	local d
	if [[ -n ${DAS_PG_BIN:-} ]]; then echo "$DAS_PG_BIN"; return; fi
	# Debian installs each major version side by side; 15 on bookworm.
	# shellcheck disable=SC2012  # version dirs are plain numbers
	for d in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
		[[ -x $d/pg_ctl ]] && { echo "$d"; return; }
	done
	die "PostgreSQL server binaries not found under /usr/lib/postgresql (run: sh tests/deps.sh)"
}

pg_ready() { pg_isready -q -h 127.0.0.1 -p "$PG_PORT" -t 2 >/dev/null 2>&1; }

as_postgres() { runuser -u postgres -- "$@"; }

pg_init() {
	local bin=$1 log=$LOGDIR/postgres.log
	# The server refuses to run as root, so the cluster belongs to user
	# postgres, who must be able to reach it through every parent dir.
	mkdir -p "$PG_DIR" "$PG_SOCK"
	chown postgres: "$PG_DIR" "$PG_SOCK"
	as_postgres test -x "$PG_DIR" ||
		die "user postgres cannot reach $PG_DIR: choose a DAS_STACK_DIR whose parents are world-searchable"
	touch "$log"; chown postgres: "$log"
	if [[ ! -s $PG_DATA/PG_VERSION ]]; then
		rm -rf "$PG_DATA"
		say "postgres: initdb $PG_DATA"
		as_postgres "$bin/initdb" -D "$PG_DATA" -U postgres -A trust -E UTF8 --no-locale \
			>>"$log" 2>&1 </dev/null || die_log "initdb failed" "$log"
	fi
	# Our settings go in a file of their own, included once from
	# postgresql.conf, and rewritten every time (cheap, and a change here
	# takes effect on the next start).
	cat >"$PG_DATA/das-stack.conf" <<EOF
# generated by tests/stack.sh — test server: loopback only, trust auth
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCK'
# Test data is disposable: trade durability for speed.
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
log_min_messages = warning
EOF
	chown postgres: "$PG_DATA/das-stack.conf"
	grep -q "^include_if_exists = 'das-stack.conf'" "$PG_DATA/postgresql.conf" ||
		echo "include_if_exists = 'das-stack.conf'" >>"$PG_DATA/postgresql.conf"
	# initdb -A trust writes trust lines for local, 127.0.0.1/32 and ::1.
}

pg_up() {
	local t0 bin pid log=$LOGDIR/postgres.log
	t0=$(now_ms)
	if ! pg_ready; then
		need_root
		bin=$(pg_bin)
		pg_init "$bin"
		# -w waits until the server accepts connections.  pg_ctl itself
		# redirects the server's stdin from /dev/null and output to -l.
		if ! (no_inherited_fds runuser -u postgres -- "$bin/pg_ctl" -D "$PG_DATA" -l "$log" \
			-w -t "$PG_TIMEOUT" start </dev/null >/dev/null 2>&1); then
			die_log "postgres did not start on 127.0.0.1:$PG_PORT within ${PG_TIMEOUT}s" "$log"
		fi
		pg_ready || die_log "postgres started but 127.0.0.1:$PG_PORT does not answer" "$log"
		pid=$(head -1 "$PG_DATA/postmaster.pid" 2>/dev/null || echo '?')
		echo "$pid" >"$PG_OURS"
		say "postgres: started (pid $pid) on 127.0.0.1:$PG_PORT in $(secs_since "$t0")"
	elif [[ -e $PG_OURS ]]; then
		say "postgres: running (ours) on 127.0.0.1:$PG_PORT"
	else
		say "postgres: reusing the server already answering on 127.0.0.1:$PG_PORT"
	fi
	# The `das` database, idempotently.  Over TCP as user postgres: trust
	# auth, so it works whichever OS user we are.
	local have
	have=$(psql "host=127.0.0.1 port=$PG_PORT user=postgres dbname=postgres" -XAtq \
		-c "SELECT 1 FROM pg_database WHERE datname = 'das'" 2>&1) ||
		die "postgres: cannot query 127.0.0.1:$PG_PORT as user postgres: $have"
	if [[ $have != 1 ]]; then
		createdb -h 127.0.0.1 -p "$PG_PORT" -U postgres das 2>/dev/null ||
			[[ $(psql "host=127.0.0.1 port=$PG_PORT user=postgres dbname=postgres" -XAtq \
				-c "SELECT 1 FROM pg_database WHERE datname = 'das'") == 1 ]] ||
			die "postgres: could not create database das"
		say "postgres: created database das"
	fi
}

pg_down() {
	local bin
	if [[ -e $PG_OURS && -s $PG_DATA/postmaster.pid ]]; then
		bin=$(pg_bin)
		as_postgres "$bin/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop </dev/null >/dev/null 2>&1 ||
			die_log "pg_ctl stop failed for $PG_DATA" "$LOGDIR/postgres.log"
		say "postgres: stopped"
	elif pg_ready; then
		say "postgres: not started by this script, left running"
	fi
	rm -f "$PG_OURS"
}

# ---------------------------------------------------------------- Docker

docker_ok() { docker info >/dev/null 2>&1; }

# The image's docker CLI may be newer (v28, API 1.50) than the Debian engine
# (20.10, API 1.41).  It normally negotiates down by itself; if it ever
# refuses, pin the API version for us and for the tests (via `env`).
docker_api_check() {
	local out
	rm -f "$DOCKER_ENV"
	unset DOCKER_API_VERSION
	out=$(docker version 2>&1) && return 0
	if grep -qi 'api version' <<<"$out"; then
		export DOCKER_API_VERSION=1.41
		if docker version >/dev/null 2>&1; then
			echo "export DOCKER_API_VERSION=1.41" >"$DOCKER_ENV"
			say "docker: client refused the engine's API; pinned DOCKER_API_VERSION=1.41"
			return 0
		fi
	fi
	die "docker: \`docker version\` fails: $out"
}

# A dockerd killed without cleanup leaves /var/run/docker.pid behind, and a
# new dockerd refuses to start while it exists ("pid file found, ensure
# docker is not running").  Same for containerd's pid file under
# /var/run/docker: if its number now belongs to some other process, dockerd
# would believe containerd is still running and wait on it.
docker_clear_stale_pids() {
	local pid f=/var/run/docker/containerd/containerd.pid
	pid=$(read_pid "$DOCKER_PIDFILE")
	if [[ -e $DOCKER_PIDFILE ]] && ! pid_is "$pid" dockerd; then
		say "docker: removing stale $DOCKER_PIDFILE (pid '${pid}' is not a running dockerd)"
		rm -f "$DOCKER_PIDFILE"
	fi
	pid=$(read_pid "$f")
	if [[ -e $f ]] && ! pid_is "$pid" containerd; then
		say "docker: removing stale $f"
		rm -f "$f"
	fi
}

docker_wait() { # PID-or-empty LOG T0
	local pid=$1 log=$2 t0=$3
	until docker_ok; do
		if [[ -n $pid ]] && ! pid_is "$pid" dockerd; then
			die_log "dockerd exited during startup" "$log"
		fi
		(( $(now_ms) - t0 < DOCKER_TIMEOUT * 1000 )) ||
			die_log "dockerd did not answer on $DOCKER_SOCK within ${DOCKER_TIMEOUT}s" "$log"
		sleep 0.25
	done
}

docker_up() {
	local t0 pid log=$LOGDIR/dockerd.log
	t0=$(now_ms)
	command -v docker >/dev/null || die "docker CLI not found (run: sh tests/deps.sh)"
	if docker_ok; then
		pid=$(read_pid "$DOCKERD_PID")
		if pid_is "$pid" dockerd; then say "docker: running (ours, pid $pid)"
		else say "docker: reusing the engine answering on $DOCKER_SOCK"; fi
	else
		need_root
		command -v dockerd >/dev/null || die "dockerd not found (run: sh tests/deps.sh)"
		docker_clear_stale_pids
		pid=$(read_pid "$DOCKER_PIDFILE")
		if pid_is "$pid" dockerd; then
			# A live dockerd that does not answer yet: starting up (or
			# hung).  Not ours to kill; give it the same time budget.
			say "docker: dockerd $pid is running but not answering yet; waiting"
			docker_wait "$pid" "$log" "$t0"
		else
			# No bridge and no iptables: test containers need no
			# network, and we must not change the host's firewall.
			# containerd is started and supervised by dockerd.
			(no_inherited_fds setsid dockerd --bridge=none --iptables=false --ip6tables=false \
				</dev/null >>"$log" 2>&1) &
			pid=$!
			echo "$pid" >"$DOCKERD_PID"
			docker_wait "$pid" "$log" "$t0"
			say "docker: started dockerd (pid $pid) in $(secs_since "$t0")"
		fi
	fi
	docker_api_check
	swarm_up
}

swarm_up() {
	local st t0 out
	t0=$(now_ms)
	st=$(docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null || echo unknown)
	# "pending" is a node still joining/initialising: give it a moment.
	while [[ $st == pending ]] && (( $(now_ms) - t0 < 30000 )); do
		sleep 0.5
		st=$(docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null || echo unknown)
	done
	case $st in
	active) return 0 ;;
	inactive)
		# Loopback only: advertise and listen on 127.0.0.1 so the
		# manager port is not exposed on any other interface.
		out=$(docker swarm init --advertise-addr 127.0.0.1 --listen-addr 127.0.0.1:2377 2>&1) ||
			die "docker swarm init failed: $out"
		say "docker: swarm initialised in $(secs_since "$t0")"
		;;
	locked) die "docker: swarm is locked (autolock); unlock it with \`docker swarm unlock\`" ;;
	*) die "docker: swarm state is '$st'; see \`docker info\` and $LOGDIR/dockerd.log" ;;
	esac
}

docker_down() {
	local pid
	pid=$(read_pid "$DOCKERD_PID")
	if pid_is "$pid" dockerd; then
		# dockerd stops its containers and containerd on TERM; with
		# swarm that can take a while.  The swarm itself is kept.
		stop_pid "$pid" dockerd 60
		say "docker: stopped dockerd (pid $pid)"
	elif docker_ok; then
		say "docker: engine not started by this script, left running"
	fi
	rm -f "$DOCKERD_PID"
}

# ---------------------------------------------------------------- image, rootfs, bundle

# A minimal rootfs: static busybox, one symlink per applet, /tmp, and a
# passwd with root.  No registry is reachable, so this is our only image.
rootfs_up() {
	[[ -x $ROOTFS/bin/busybox && -e $ROOTFS/.das-rootfs-ok ]] && return 0
	local bb=/bin/busybox tmp=$ROOTFS.tmp.$$ a
	[[ -x $bb ]] || die "$bb not found (package busybox-static; run: sh tests/deps.sh)"
	file_is_static "$bb" || die "$bb is not statically linked (need package busybox-static, not busybox)"
	rm -rf "$tmp"
	mkdir -p "$tmp"/{bin,etc,tmp,root,proc,sys,dev,run,var,usr}
	chmod 1777 "$tmp/tmp"
	cp "$bb" "$tmp/bin/busybox"
	# All applets in /bin; the usual other dirs point at it so that any
	# PATH or absolute path (/usr/bin/env, /sbin/init...) resolves.
	ln -s bin "$tmp/sbin"
	ln -s ../bin "$tmp/usr/bin"
	ln -s ../bin "$tmp/usr/sbin"
	for a in $("$bb" --list); do
		[[ $a == busybox || $a == */* ]] && continue
		ln -sf busybox "$tmp/bin/$a"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$tmp/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$tmp/etc/group"
	: >"$tmp/etc/hosts"; : >"$tmp/etc/resolv.conf"; echo das >"$tmp/etc/hostname"
	touch "$tmp/.das-rootfs-ok"
	rm -rf "$ROOTFS"
	mv "$tmp" "$ROOTFS"
	say "rootfs: built $ROOTFS ($(find "$ROOTFS/bin" -mindepth 1 | wc -l) entries in /bin)"
}

file_is_static() { ! ldd "$1" >/dev/null 2>&1; }

image_up() {
	docker image inspect "$IMAGE" >/dev/null 2>&1 && return 0
	local t0 out
	t0=$(now_ms)
	out=$(tar -C "$ROOTFS" --exclude=./.das-rootfs-ok -cf - . |
		docker import \
			-c 'ENV PATH=/bin:/usr/bin:/sbin:/usr/sbin' \
			-c 'CMD ["sh"]' \
			-c 'LABEL das.test.image=1' \
			-m "das test image from busybox-static (tests/stack.sh)" \
			- "$IMAGE" 2>&1) || die "docker import of $IMAGE failed: $out"
	say "image: imported $IMAGE in $(secs_since "$t0")"
}

# An OCI bundle for runc over the same rootfs.  The rootfs is mounted
# read-only so any number of containers can share it; /tmp is a tmpfs.
# The network namespace stays (isolated: only lo, no traffic out).
bundle_up() {
	local cfg=$BUNDLE/config.json
	[[ -s $cfg ]] && jq -e --arg r "$ROOTFS" '.root.path == $r' "$cfg" >/dev/null 2>&1 && return 0
	command -v runc >/dev/null || die "runc not found (run: sh tests/deps.sh)"
	mkdir -p "$BUNDLE"
	rm -f "$cfg" "$cfg.tmp"
	(cd "$BUNDLE" && runc spec) || die "runc spec failed in $BUNDLE"
	jq --arg r "$ROOTFS" '
		.process.terminal = false
		| .process.args = ["sh", "-c", "while :; do sleep 1; done"]
		| .process.env = ["PATH=/bin:/usr/bin:/sbin:/usr/sbin", "HOME=/root"]
		| .root = {path: $r, readonly: true}
		| .hostname = "das"
		| .mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs",
		               options: ["nosuid", "nodev", "mode=1777", "size=16m"]}]
		' "$cfg" >"$cfg.tmp" || die "jq failed editing $cfg"
	mv -f "$cfg.tmp" "$cfg"
	say "bundle: wrote $cfg"
}

# ---------------------------------------------------------------- commands

# export NAME='value', single-quoted so the lines are readable and can be
# eval'd or pasted into any POSIX shell.
export_line() { local v=${2//\'/\'\\\'\'}; printf "export %s='%s'\n" "$1" "$v"; }

print_env() {
	export_line DAS_STACK_DIR "$STATE"
	export_line DAS_INFLUX_URL "$INFLUX_URL"
	export_line DAS_PG "$PG_CONN"
	export_line DAS_DOCKER_SOCK "$DOCKER_SOCK"
	export_line DAS_IMAGE "$IMAGE"
	export_line DAS_BUNDLE "$BUNDLE"
	export_line DAS_ROOTFS "$ROOTFS"
	[[ -s $DOCKER_ENV ]] && cat "$DOCKER_ENV"
	return 0
}

cmd_up() {
	local t0
	t0=$(now_ms)
	need_root
	take_lock
	# The servers outlive this script: started from here they would keep
	# the caller's directory busy (a clone that `make demo` ran in, and
	# that is removed afterwards, as tests/integration/test_fresh_demo.sh
	# does).
	cd /
	influx_up
	pg_up
	docker_up
	rootfs_up
	image_up
	bundle_up
	say "up in $(secs_since "$t0") (state: $STATE)"
	print_env
}

cmd_down() {
	need_root
	take_lock
	influx_down
	pg_down
	docker_down
}

cmd_status() {
	local ok=0 pid st
	# shellcheck source=/dev/null
	if [[ -s $DOCKER_ENV ]]; then source "$DOCKER_ENV"; fi
	if influx_ping; then
		pid=$(read_pid "$INFLUX_PID")
		if pid_is "$pid" influxd; then echo "influxdb: up at $INFLUX_URL (ours, pid $pid)"
		else echo "influxdb: up at $INFLUX_URL (not started by stack.sh)"; fi
	else echo "influxdb: DOWN ($INFLUX_URL/ping; log $LOGDIR/influxd.log)"; ok=1; fi

	if pg_ready; then
		if [[ -e $PG_OURS ]]; then echo "postgres: up at 127.0.0.1:$PG_PORT (ours, $PG_DATA)"
		else echo "postgres: up at 127.0.0.1:$PG_PORT (not started by stack.sh)"; fi
	else echo "postgres: DOWN (127.0.0.1:$PG_PORT; log $LOGDIR/postgres.log)"; ok=1; fi

	if docker_ok; then
		st=$(docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null || echo '?')
		pid=$(read_pid "$DOCKERD_PID")
		if pid_is "$pid" dockerd; then echo "docker:   up, swarm $st (ours, pid $pid)"
		else echo "docker:   up, swarm $st (not started by stack.sh)"; fi
		[[ $st == active ]] || ok=1
		if docker image inspect "$IMAGE" >/dev/null 2>&1; then echo "image:    $IMAGE present"
		else echo "image:    $IMAGE MISSING"; ok=1; fi
	else echo "docker:   DOWN ($DOCKER_SOCK; log $LOGDIR/dockerd.log)"; ok=1; fi

	if [[ -s $BUNDLE/config.json ]]; then echo "bundle:   $BUNDLE"
	else echo "bundle:   MISSING ($BUNDLE)"; ok=1; fi
	return $ok
}

# Remove what tests labelled das.test=1 and left behind (a test killed with
# KILL cannot run its own cleanup).  Never run automatically, and only
# objects older than DAS_CLEAN_AGE minutes (default 60): younger ones may
# belong to a test or demo that is running right now, here or in another
# work tree on the same engine.
cmd_clean() {
	# shellcheck source=/dev/null
	if [[ -s $DOCKER_ENV ]]; then source "$DOCKER_ENV"; fi
	docker_ok || die "docker does not answer on $DOCKER_SOCK"
	local age=${DAS_CLEAN_AGE:-60} cutoff id created svcs=() ctrs=()
	cutoff=$(($(date +%s) - age * 60))
	# Anything whose age cannot be read is left alone.
	for id in $(docker service ls -q --filter label=das.test=1); do
		created=$(docker service inspect -f '{{.CreatedAt.Unix}}' "$id" 2>/dev/null) || continue
		[[ $created =~ ^[0-9]+$ ]] && ((created < cutoff)) && svcs+=("$id")
	done
	for id in $(docker ps -aq --filter label=das.test=1); do
		created=$(docker inspect -f '{{.Created}}' "$id" 2>/dev/null) || continue
		created=$(date -d "$created" +%s 2>/dev/null) || continue
		((created < cutoff)) && ctrs+=("$id")
	done
	if ((${#svcs[@]})); then
		docker service rm "${svcs[@]}" >/dev/null
		say "removed services: ${svcs[*]}"
	fi
	if ((${#ctrs[@]})); then
		docker rm -f "${ctrs[@]}" >/dev/null 2>&1 || true  # may have gone with their service
		say "removed containers: ${ctrs[*]}"
	fi
	say "clean: nothing labelled das.test=1 is older than ${age} min any more"
}

# Dispatch only when executed, so the functions can be sourced for tests.
[[ ${BASH_SOURCE[0]} == "$0" ]] || return 0

case ${1:-} in
up)     cmd_up ;;
down)   cmd_down ;;
status) cmd_status ;;
env)    print_env ;;
clean)  cmd_clean ;;
*)      echo "usage: $0 up|down|status|env|clean" >&2; exit 2 ;;
esac
