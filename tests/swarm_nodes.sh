#!/usr/bin/env bash
# tests/swarm_nodes.sh — a multi-node Docker Swarm on this one machine, for
# the multi-node tests and `make demo NODES=3`.
#
#   tests/swarm_nodes.sh up [N [MANAGERS]]   N engines (default 3), the
#                                            first MANAGERS (1 or 3,
#                                            default 1 for N < 4, else 3)
#                                            managers, the rest workers
#   tests/swarm_nodes.sh down                stop and remove everything
#   tests/swarm_nodes.sh env                 export lines: DAS_MN_N,
#                                            DAS_MN_SOCK_i, DAS_MN_ADDR_i
#   tests/swarm_nodes.sh kill I              node I dies: its Engine,
#                                            containerd and containers
#
# Each node is a Docker Engine in a network namespace of its own
# (das-mn1 .. das-mnN) with its own data-root, exec-root (its own
# containerd), pid file and socket under $STATE/nI. A veth per node joins
# a bridge in one more namespace (das-mnhub); the nodes are 10.77.0.I/24
# on it. Nothing of this is in the host's network namespace: no address,
# route, bridge or firewall rule is added there, and the nodes reach only
# each other. The main test dockerd (tests/stack.sh) is left alone: the
# nodes form a swarm of their own, and get das-busybox from it by docker
# save | docker load. Their containers share the host's kernel, /proc and
# cgroup tree, so ds and das run as processes in the host namespace, each
# talking to its node's Engine through that node's socket.
#
# `up` first removes whatever an earlier run left (a failed test included);
# `down` is idempotent. Progress goes to stderr, env lines to stdout.
set -euo pipefail

STATE=${DAS_MN_DIR:-/var/tmp/das-mn}
NET=10.77.0
HUB=das-mnhub
IMAGE=das-busybox:latest
TIMEOUT=${DAS_MN_TIMEOUT:-60}

say() { printf 'swarm_nodes: %s\n' "$*" >&2; }
die() { printf 'swarm_nodes: ERROR: %s\n' "$*" >&2; exit 1; }

node_sock() { echo "$STATE/n$1/docker.sock"; }
nd() { local i=$1; shift; docker -H "unix://$(node_sock "$i")" "$@"; }

# The nodes a previous up made: the n* directories.
nodes_known() {
	local d
	for d in "$STATE"/n*; do if [[ -d $d ]]; then echo "${d##*/n}"; fi; done | sort -n
}

stop_node() {
	local i=$1 pid f=$STATE/n$1/docker.pid t
	pid=$(cat "$STATE/n$i/dockerd.pid" 2>/dev/null || true)
	if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null || true
		for ((t = 0; t < 150; t++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null || true
	fi
	# containerd and shims of that node (their command lines name its
	# exec-root), and what runs in its containers
	pkill -KILL -f -- "$STATE/n$i/exec" 2>/dev/null || true
	kill_containers "$i"
	rm -f "$f"
	# overlay and shm mounts a killed Engine left
	{ grep -o " $STATE/n$i/[^ ]*" /proc/mounts || true; } | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null || true; done
	ip netns del "das-mn$i" 2>/dev/null || true
}

cmd_down() {
	local i
	for i in $(nodes_known); do stop_node "$i"; done
	ip netns del "$HUB" 2>/dev/null || true
	rm -rf "$STATE"
	say "down"
}

# Node i's namespace, its veth to the hub's bridge, its address.
net_node() {
	local i=$1
	ip netns add "das-mn$i"
	ip link add "mnh$i" netns "$HUB" type veth peer name eth0 netns "das-mn$i"
	ip -n "$HUB" link set "mnh$i" master br0 up
	ip -n "das-mn$i" addr add "$NET.$i/24" dev eth0
	ip -n "das-mn$i" link set eth0 up
	ip -n "das-mn$i" link set lo up
}

start_node() {
	local i=$1 s=$STATE/n$1 t pid
	mkdir -p "$s/data" "$s/exec"
	echo '{}' >"$s/daemon.json"
	# nsenter --net only: `ip netns exec` would also remount /sys, and
	# the Engine would find no cgroup mounts there. A UTS namespace of its
	# own names the node mnI (docker node ls, the Engine's Name).
	# shellcheck disable=SC2016  # expanded by that sh
	(nsenter --net="/run/netns/das-mn$i" setsid unshare --uts sh -c 'hostname "$0" && exec "$@"' \
		"mn$i" dockerd --config-file "$s/daemon.json" \
		--data-root "$s/data" --exec-root "$s/exec" --pidfile "$s/docker.pid" \
		-H "unix://$s/docker.sock" --bridge=none --iptables=false --ip6tables=false \
		</dev/null >"$s/dockerd.log" 2>&1) &
	pid=$!
	echo "$pid" >"$s/dockerd.pid"
	for ((t = 0; t < TIMEOUT * 10; t++)); do
		nd "$i" version >/dev/null 2>&1 && return 0
		kill -0 "$pid" 2>/dev/null || die "node $i: dockerd exited: $(tail -5 "$s/dockerd.log")"
		sleep 0.1
	done
	die "node $i: dockerd did not answer within ${TIMEOUT}s: $(tail -5 "$s/dockerd.log")"
}

# Node 1 inits; the managers and workers join it.
swarm_form() {
	local n=$1 m=$2 i wt mt
	nd 1 swarm init --advertise-addr "$NET.1" --listen-addr "$NET.1:2377" >/dev/null ||
		die "node 1: swarm init failed"
	wt=$(nd 1 swarm join-token -q worker)
	mt=$(nd 1 swarm join-token -q manager)
	for ((i = 2; i <= n; i++)); do
		nd "$i" swarm join --advertise-addr "$NET.$i" --listen-addr "$NET.$i:2377" \
			--token "$( ((i <= m)) && echo "$mt" || echo "$wt")" "$NET.1:2377" >/dev/null ||
			die "node $i: swarm join failed"
	done
	for ((t = 0; t < TIMEOUT * 2; t++)); do
		[[ $(nd 1 node ls --format '{{.Status}}' | grep -c Ready) -eq $n ]] && return 0
		sleep 0.5
	done
	die "the swarm never had $n Ready nodes: $(nd 1 node ls 2>&1)"
}

cmd_up() {
	local n=${1:-3} m=${2:-} i t0=$SECONDS
	[[ $(id -u) -eq 0 ]] || die "must run as root (network namespaces, dockerd)"
	((n >= 2 && n <= 9)) || die "N: 2 to 9 nodes, not $n"
	[[ -n $m ]] || m=$(( n < 4 ? 1 : 3 ))
	if [[ $m != 1 && $m != 3 ]] || ((m > n)); then die "MANAGERS: 1 or 3 (at most N), not $m"; fi
	docker image inspect "$IMAGE" >/dev/null 2>&1 || die "$IMAGE missing: run tests/stack.sh up first"
	cmd_down 2>/dev/null
	mkdir -p "$STATE"
	ip netns add "$HUB"
	ip -n "$HUB" link add br0 type bridge
	ip -n "$HUB" link set br0 up
	for ((i = 1; i <= n; i++)); do net_node "$i"; start_node "$i"; done
	for ((i = 1; i <= n; i++)); do docker save "$IMAGE" | nd "$i" load -q >/dev/null; done
	swarm_form "$n" "$m"
	echo "$n" >"$STATE/nodes"
	say "up: $n nodes ($m managers) in $((SECONDS - t0)) s under $STATE"
	cmd_env
}

cmd_env() {
	local i n
	n=$(cat "$STATE/nodes" 2>/dev/null || echo 0)
	echo "export DAS_MN_N=$n"
	for ((i = 1; i <= n; i++)); do
		echo "export DAS_MN_SOCK_$i='$(node_sock "$i")'"
		echo "export DAS_MN_ADDR_$i='$NET.$i'"
	done
}

# Every process of node i's containers (their cgroups, by the ids under
# its data-root): a node that dies takes its containers with it.
kill_containers() {
	local i=$1 d f
	for d in "$STATE/n$i"/data/containers/*/; do
		[[ -d $d ]] || continue
		for f in /sys/fs/cgroup/*/docker/"$(basename "$d")"/cgroup.procs \
			/sys/fs/cgroup/docker/"$(basename "$d")"/cgroup.procs; do
			[[ -f $f ]] || continue
			xargs -r kill -KILL <"$f" 2>/dev/null || true
		done
	done
}

cmd_kill() {
	local i=${1:?kill I} pid
	pid=$(cat "$STATE/n$i/dockerd.pid" 2>/dev/null) || die "node $i: not up"
	kill -KILL "$pid" 2>/dev/null || true
	pkill -KILL -f -- "$STATE/n$i/exec" 2>/dev/null || true
	kill_containers "$i"
	say "node $i: Engine, containerd and containers killed"
}

case ${1:-} in
up) shift; cmd_up "$@" ;;
down) cmd_down ;;
env) cmd_env ;;
kill) shift; cmd_kill "$@" ;;
*) die "usage: $0 up [N [MANAGERS]] | down | env | kill I" ;;
esac
