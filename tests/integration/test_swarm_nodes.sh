#!/usr/bin/env bash
# A real multi-node Swarm on this machine (issue 13; tests/swarm_nodes.sh):
# 4 Docker Engines, each in its own network namespace, 3 managers and a
# worker, joined over a veth bridge that the harness made. One ds per
# node (a process talking to that node's Engine, tagging its points with
# the node's name), das on manager mn1 and a standby das on manager mn2,
# one PostgreSQL advisory lock between them.
#
#   1. A service of 2 replicas spread over the nodes (placement-pref
#      spread) scales out under load to 4 and back in to 2 (target mode,
#      the token load of test_das_target.sh: 35 % of a core in all,
#      setpoint 10 %; in one or two decisions each way, as the window's
#      samples saw the load start and stop); its points carry at least
#      two nodes' names.
#   2. mn1 dies, its Engine and its das together: the standby on mn2
#      takes the lock and acts within a minute; the swarm keeps quorum
#      (2 of 3 managers), and the next load is scaled by mn2's das (the
#      journal's node column says so).
#   3. InfluxDB unreachable from one node only (its ds writes to a closed
#      port): with the load gone, das holds the scale-in (partial_data:
#      that node's replicas' load is unknown) until the node reports again,
#      then scales in.
#   4. The worker mn4 dies: the swarm marks it Down and runs its tasks
#      elsewhere; das makes no change of its own.
# wait_for takes code to eval later: single quotes are meant.
# shellcheck disable=SC2016
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

das_test_db das_mn
LOCK=$((RANDOM * 5 + 300017))
SVC=$(unique_name mn)
DIR=$(mktemp -d /tmp/das-mn.XXXXXX)
SEQ=31
WINDOW=20
on_exit "rm -rf '$DIR'"

changes() {
	q "SELECT coalesce(string_agg(action || ':' || before_no || ':' || after_no || '@' || node, ' ' ORDER BY ts, id), '')
	   FROM das_event WHERE seq = $SEQ AND action IN ('scale_out', 'scale_in', 'bounds', 'manual')"
}
show() {
	echo "--- journal"
	psql "$PG" -X -P pager=off -c "SELECT to_char(ts, 'HH24:MI:SS.MS') AS time, node, action, before_no,
		after_no, round(value::numeric, 2) AS value, reason, detail FROM das_event ORDER BY ts, id" || true
	for f in "$DIR"/das*.log; do echo "--- $f"; tail -n 15 "$f"; done
	echo "--- nodes"; docker -H "unix://$DAS_MN_SOCK_2" node ls 2>&1 || true
}
nd() { local i=$1; shift; local s="DAS_MN_SOCK_$i"; docker -H "unix://${!s}" "$@"; }
running() { nd "$1" service ps -f desired-state=running --format '{{.CurrentState}}' "$SVC" 2>/dev/null | grep -c '^Running' || true; }

echo "== 4 engines in their own namespaces, 3 managers, 1 worker"
on_exit "'$DAS_ROOT/tests/swarm_nodes.sh' down"
T0=$SECONDS
"$DAS_ROOT/tests/swarm_nodes.sh" up 4 3 >"$DIR/env" || fail "the harness could not start the swarm"
# shellcheck disable=SC1091
source "$DIR/env"
echo "   up in $((SECONDS - T0)) s: $(nd 1 node ls --format '{{.Hostname}}/{{.ManagerStatus}}' | tr '\n' ' ')"

echo "== ds on every node, das on mn1 (leader) and mn2 (standby)"
declare -A DSPID
# ds_on I [INFLUX]: node I's ds (writing to INFLUX, default the test's).
ds_on() {
	local i=$1 url=${2:-$DAS_INFLUX_URL} s="DAS_MN_SOCK_$1"
	"$DAS_ROOT/bin/ds" --influx "$url" --database "$IDB" --interval 2 \
		-o docker_socket="${!s}" -o node="mn$i" >>"$DIR/ds$i.log" 2>&1 &
	DSPID[$i]=$!
	on_exit "kill ${DSPID[$i]} 2>/dev/null || true"
}
for i in 1 2 3 4; do ds_on "$i"; done
das_on() {
	local i=$1 s="DAS_MN_SOCK_$1"
	"$DAS_ROOT/bin/das" --pg "$PG" --influx "$DAS_INFLUX_URL" --database "$IDB" --interval 2 \
		-o ds_interval=2 -o lock_key=$LOCK -o docker_socket="${!s}" -o node="mn$i" \
		>>"$DIR/das$i.log" 2>&1 &
	echo $!
}
DAS1=$(das_on 1)
on_exit "kill $DAS1 2>/dev/null || true"
wait_for 'grep -q "leader: took advisory lock" "$DIR/das1.log"' 30 || { show; fail "das on mn1 never led"; }
DAS2=$(das_on 2)
on_exit "kill $DAS2 2>/dev/null || true"
wait_for 'grep -q "standby" "$DIR/das2.log"' 30 || { show; fail "das on mn2 is not a standby"; }

echo "== a service of 2 replicas spread over the nodes"
nd 1 service create --quiet --detach --no-resolve-image --name "$SVC" --replicas 2 \
	--placement-pref spread=node.id --limit-cpu 0.35 --stop-grace-period 1s \
	--mount "type=bind,source=$DIR,target=/flag" das-busybox:latest sh -c 'h=$(hostname); sleep 1000000 | while :; do
		if [ -e /flag/load ] && mv /flag/load /flag/held-$h 2>/dev/null; then
			while [ -e /flag/held-$h ]; do :; done
		fi
		read -t 0.05 x
	done' >/dev/null || fail "service create failed"
wait_for '[[ $(running 1) == 2 ]]' 120 || { show; fail "2 tasks never ran"; }
q "insert into das (seq, min_no, max_no, cond_item, out_duration, in_duration, service_id,
	mode, setpoint, aggregate, stabilize_in)
   values($SEQ, 2, 6, 'cpu_ratio', '${WINDOW}s', '${WINDOW}s', '$SVC', 'target', '10%', 'min', '20s')"
wait_for "iq -d '$IDB' \"SELECT count(cpu_ratio) FROM docker WHERE service_name = '$SVC' AND time > now() - ${WINDOW}s\" | jq -e '.results[0].series[0].values[0][1] >= 18'" 90 ||
	{ show; fail "ds wrote no full window for $SVC"; }
NODES=$(iq -d "$IDB" "SHOW TAG VALUES FROM docker WITH KEY = \"node\" WHERE service_name = '$SVC'" |
	jq -r '[.results[0].series[0].values[][1]] | sort | join(" ")')
echo "   the service's points come from: $NODES"
[[ $(wc -w <<<"$NODES") -ge 2 ]] || { show; fail "the service's points carry one node only: $NODES"; }

echo "== load on: out to 4, then off: back to 2"
T_ON=$SECONDS
touch "$DIR/load"
wait_for '[[ $(changes) == *:4@mn1* ]]' 120 || { show; fail "das on mn1 never scaled out to 4: $(changes)"; }
echo "   at 4 after $((SECONDS - T_ON)) s: $(changes)"
rm -f "$DIR"/held-* "$DIR/load"
T_OFF=$SECONDS
wait_for '[[ $(changes) == *scale_in:?:2@mn1 ]]' 120 || { show; fail "das on mn1 never came back to 2: $(changes)"; }
echo "   back at 2 after $((SECONDS - T_OFF)) s"

echo "== mn1 dies (its Engine and its das): the standby on mn2 takes over"
kill -KILL "$DAS1"
"$DAS_ROOT/tests/swarm_nodes.sh" kill 1
T_KILL=$SECONDS
wait_for 'grep -q "leader: took advisory lock" "$DIR/das2.log"' 60 ||
	{ show; fail "the standby did not take the lock within a minute"; }
echo "   mn2's das led after $((SECONDS - T_KILL)) s"
wait_for '[[ $(nd 2 node ls --format "{{.Hostname}} {{.Status}}" | grep -c " Ready") == 3 ]]' 60 ||
	{ show; fail "the swarm lost its quorum or its nodes"; }
touch "$DIR/load"
wait_for '[[ $(changes) == *:4@mn2* ]]' 180 || { show; fail "das on mn2 never scaled out: $(changes)"; }
echo "   mn2's das scaled out $((SECONDS - T_KILL)) s after mn1 died: $(changes)"

echo "== InfluxDB unreachable from one node only: das holds its scale-in"
# a live node running a replica: its ds now writes to a closed port
K=$(nd 2 service ps -f desired-state=running --format '{{.Node}} {{.CurrentState}}' "$SVC" |
	awk '$2 == "Running" && $1 != "mn1" { sub(/^mn/, "", $1); print $1; exit }')
[[ -n $K ]] || { show; fail "no live node runs a replica"; }
kill "${DSPID[$K]}"
ds_on "$K" "http://127.0.0.1:9"
rm -f "$DIR"/held-* "$DIR/load"
T_CUT=$SECONDS
BEFORE=$(changes)
# load off: the in window (20 s) and stabilize_in (20 s) would scale in
# within a minute; mn$K's replicas report nothing, so their load is not
# known to be gone
sleep 60
assert_eq "$BEFORE" "$(changes)" "no scale-in while mn$K's ds cannot reach InfluxDB"
PARTIAL=$(q "SELECT count(*) FROM das_event WHERE seq = $SEQ AND reason = 'partial_data'")
assert_ge "$PARTIAL" 1 "held with reason partial_data"
echo "   mn$K cut off for $((SECONDS - T_CUT)) s: no change, held with reason partial_data"
kill "${DSPID[$K]}"
ds_on "$K"
T_BACK=$SECONDS
wait_for '[[ $(changes) == *scale_in:?:2@mn2 ]]' 120 || { show; fail "no scale-in once mn$K reported again: $(changes)"; }
echo "   back at 2 $((SECONDS - T_BACK)) s after mn$K's ds reached InfluxDB again"

echo "== the worker mn4 dies: the swarm moves its tasks, das makes no change"
BEFORE=$(changes)
"$DAS_ROOT/tests/swarm_nodes.sh" kill 4
T_W=$SECONDS
wait_for '[[ $(nd 2 node ls --format "{{.Hostname}} {{.Status}}" | grep -c "^mn4 Down") == 1 ]]' 120 ||
	{ show; fail "the swarm never saw mn4 down"; }
echo "   mn4 Down after $((SECONDS - T_W)) s"
wait_for '[[ $(running 2) == 2 ]]' 120 || { show; fail "the service never had 2 running tasks again"; }
sleep 10
assert_eq "$BEFORE" "$(changes)" "das made no change for a dead worker"
echo "   2 tasks running on live nodes $((SECONDS - T_W - 10)) s after"
echo "ok"
