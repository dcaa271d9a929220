#!/usr/bin/env bash
# tests/demo.sh — `make demo`: the whole loop on a real local stack.
#
# A Swarm service whose busybox replicas burn CPU while a bind-mounted flag
# file exists is registered with one SQL INSERT; ds and das run as daemons;
# the flag is created (load on) until das has scaled the service out to
# max_no, then removed (load off) until das has scaled it back in to
# min_no. A timeline is printed as it happens and the journal at the end.
# It ends by itself (a few minutes) and exits non-zero if the service did
# not scale both ways in time. It starts the servers it uses itself (what
# already answers is reused), so it runs on a machine where none is up.
#
# DAS_DEMO_NODES=N (`make demo NODES=3`): the same on a swarm of N Docker
# Engines in network namespaces of their own (tests/swarm_nodes.sh), one
# ds per node tagging its points with the node's name, das talking to
# the first (a manager), the service spread over the nodes; the swarm is
# taken down at the end.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/integration/lib.sh"

# `up` is idempotent; its progress goes to stderr, and its stdout is the same
# env lines lib.sh read, plus a Docker API pin if starting dockerd needed one.
STACK_ENV=$("$DAS_ROOT/tests/stack.sh" up) || fail "tests/stack.sh up failed: no stack to run the demo on"
eval "$STACK_ENV"

NODES=${DAS_DEMO_NODES:-0}
# ds and das options for node I (none on the single-node stack).
node_opts() { ((NODES > 0)) || return 0; local s="DAS_MN_SOCK_$1"; echo "-o docker_socket=${!s} -o node=mn$1"; }
if ((NODES > 0)); then
	on_exit "'$DAS_ROOT/tests/swarm_nodes.sh' down"
	MN_ENV=$("$DAS_ROOT/tests/swarm_nodes.sh" up "$NODES") || fail "tests/swarm_nodes.sh up $NODES failed"
	eval "$MN_ENV"
	# every docker command of the demo (service_create, replicas) goes
	# to the first node, a manager
	export DOCKER_HOST=unix://$DAS_MN_SOCK_1
fi

DB=$(unique_name demo | tr '-' '_')
SVC=$(unique_name demo-web)
FLAGDIR=$(mktemp -d /tmp/das-demo.XXXXXX)
SEQ=$((RANDOM + 1000))
LOGDIR=$FLAGDIR/log
mkdir -p "$LOGDIR"
MIN=1 MAX=3
TIMEOUT=${DAS_DEMO_TIMEOUT:-300}

on_exit "rm -rf '$FLAGDIR'"
on_exit "iq -d '$DB' 'DROP DATABASE \"$DB\"'"
on_exit "psql_das \"DELETE FROM das WHERE seq = $SEQ\" >/dev/null 2>&1 || true"

say() { printf '%s  %s\n' "$(date +%H:%M:%S)" "$*"; }

say "stack: InfluxDB $DAS_INFLUX_URL, PostgreSQL ($DAS_PG), Docker swarm"
# Each replica loops on `:` (one busy core) while /flag/busy exists.
SPREAD=()
((NODES == 0)) || SPREAD=(--placement-pref spread=node.id)
service_create "$SVC" --replicas "$MIN" "${SPREAD[@]}" \
	--mount "type=bind,source=$FLAGDIR,target=/flag" \
	"$DAS_IMAGE" sh -c 'while :; do while [ -e /flag/busy ]; do :; done; sleep 1; done'
say "service $SVC ($SERVICE_ID) created with $MIN replica"

for ((i = 1; i <= (NODES > 0 ? NODES : 1); i++)); do
	# shellcheck disable=SC2046  # node_opts is zero or four words
	"$DAS_ROOT/bin/ds" --influx "$DAS_INFLUX_URL" --database "$DB" --interval 2 \
		$(node_opts "$i") >>"$LOGDIR/ds.log" 2>&1 &
	on_exit "kill $! 2>/dev/null || true"
done
# shellcheck disable=SC2046
"$DAS_ROOT/bin/das" --pg "$DAS_PG" --influx "$DAS_INFLUX_URL" --database "$DB" \
	--interval 2 -o ds_interval=2 -o lock_key=$SEQ $(node_opts 1) >"$LOGDIR/das.log" 2>&1 &
DAS_PID=$!
on_exit "kill $DAS_PID 2>/dev/null || true"
if ((NODES > 0)); then
	say "swarm of $NODES engines: $(docker node ls --format '{{.Hostname}}' | tr '\n' ' ')(tests/swarm_nodes.sh)"
	say "ds on each node (every 2 s), das on mn1 (every 2 s); logs in $LOGDIR"
else
	say "ds (every 2 s) and das (every 2 s) running; logs in $LOGDIR"
fi

# das makes its tables as it starts: on a fresh database the INSERT waits
# for them (a loaded machine starts das in seconds, not milliseconds).
wait_for "kill -0 $DAS_PID && psql_das 'SELECT 1 FROM das LIMIT 0; SELECT 1 FROM das_event LIMIT 0'" 60 0.2 ||
	{ tail -20 "$LOGDIR/das.log" >&2; fail "das did not make its tables within 60 s (its log is above)"; }

# The seed's INSERT, with short windows so the demo takes minutes.
psql_das "insert into das (seq, min_no, max_no, cur_no, cond_item, out_cond, in_cond, out_duration, in_duration, service_id)
  values($SEQ, $MIN, $MAX, $MIN, 'cpu_ratio', '50%', '10%', '20s', '20s', '$SVC')" >/dev/null
say "policy: keep $SVC between $MIN and $MAX; out while mean cpu_ratio over 20s > 50%, in while < 10%"

replicas() { docker service inspect -f '{{.Spec.Mode.Replicated.Replicas}}' "$SVC"; }
mean_cpu() {
	iq -d "$DB" "SELECT mean(cpu_ratio) FROM docker WHERE service_name = '$SVC' AND time > now() - 20s" |
		jq -r '.results[0].series[0].values[0][1] // "-" | if type == "number" then (. * 10 | round / 10) else . end'
}
last_event() {
	psql_das "SELECT action || ' ' || coalesce(before_no::text, '') || '->' || coalesce(after_no::text, '') || ' (' || coalesce(reason, '') || ')'
		FROM das_event WHERE seq = $SEQ ORDER BY ts DESC LIMIT 1" 2>/dev/null || true
}

# Print a timeline line every 4 s until replicas reach WANT.
follow() {
	local want=$1 phase=$2 t0=$SECONDS r
	while :; do
		r=$(replicas)
		say "$(printf '%-9s replicas %s  mean cpu_ratio(20s) %6s%%  last: %s' \
			"$phase" "$r" "$(mean_cpu)" "$(last_event)")"
		[[ $r == "$want" ]] && return 0
		((SECONDS - t0 < TIMEOUT)) || return 1
		sleep 4
	done
}

# The logs go with FLAGDIR when the demo exits: show their ends first.
fail_logs() {
	local f
	for f in "$LOGDIR"/ds.log "$LOGDIR"/das.log; do
		echo "---- last 20 lines of ${f##*/}"
		tail -n 20 "$f" || true
	done
	fail "$1"
}

T_REC=$(date -u +%Y-%m-%dT%H:%M:%SZ)
touch "$FLAGDIR/busy"
say "LOAD ON: replicas burn CPU"
T_ON=$SECONDS
follow "$MAX" "load" || fail_logs "did not scale out to $MAX within ${TIMEOUT}s"
say "scaled out to $MAX in $((SECONDS - T_ON)) s"

rm -f "$FLAGDIR/busy"
say "LOAD OFF: replicas idle"
T_OFF=$SECONDS
follow "$MIN" "idle" || fail_logs "did not scale back in to $MIN within ${TIMEOUT}s"
say "scaled back in to $MIN in $((SECONDS - T_OFF)) s"

echo
echo "The journal (SELECT ... FROM das_event WHERE seq = $SEQ ORDER BY ts):"
psql "$DAS_PG" -X -P pager=off -c "SELECT to_char(ts, 'HH24:MI:SS') AS time, action, before_no AS before,
	after_no AS after, round(value::numeric, 1) AS value, threshold, reason
	FROM das_event WHERE seq = $SEQ ORDER BY ts"
echo "cur_no in the policy row: $(psql_das "SELECT cur_no FROM das WHERE seq = $SEQ")"
if ((NODES > 0)); then
	echo "The nodes the service's points came from (SHOW TAG VALUES ... KEY = \"node\"):" \
		"$(iq -d "$DB" "SHOW TAG VALUES FROM docker WITH KEY = \"node\" WHERE service_name = '$SVC'" |
			jq -r '[.results[0].series[0].values[]?[1]] | join(" ")')"
fi

# README "Choosing a policy": the same recording through other rows,
# beside the HPA at the row's 50 %. Replay reads InfluxDB and the das
# table and writes nothing; the model is README "Replay" (here each busy
# replica burns a core whatever the count, so the recorded load grows
# with the replicas, which the replay takes as the service's load).
echo
echo "What other rows would have done on this recording (dasctl replay $SVC --since $T_REC ... --peer hpa:target=50):"
for set in "" "mode=target,setpoint=50%" "mode=capacity,capacity=50%,step_out=4,step_in=4"; do
	echo "  ${set:-the row as it is}"
	"$DAS_ROOT/bin/dasctl" --pg "$DAS_PG" --influx "$DAS_INFLUX_URL" --database "$DB" -o ds_interval=2 \
		replay "$SVC" --since "$T_REC" --interval 2s --tick 2s --start-delay 4s --peer hpa:target=50 \
		${set:+--set "$set"} | grep -E '^replayed|^ +thetaU|^(das|hpa|das/hpa) ' | sed 's/^/    /' ||
		fail "dasctl replay of the demo's recording failed"
done
say "demo done"
