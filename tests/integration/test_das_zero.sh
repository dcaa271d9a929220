#!/usr/bin/env bash
# Scale from zero on an application's own metric (issue 12), nothing
# faked: a Swarm service at 0 replicas, a small writer putting the
# service's queue length into InfluxDB (measurement app, tag
# service_name, field queue) every second, and das on a target-mode row
# with min_no 0, setpoint 10 (queue items per replica) and aggregate max
# (the longest the queue was over the window: a mean of the first 15
# with the zeros before it would start 1 replica, then another).
#
# The numbers. Queue 0: das holds the service at 0 (0 is not above
# activation 0). Queue 15: the service starts, 0 -> ceil(15 / 10) = 2 in
# one decision, reason activation, within the 10 s out window and a tick
# of the first non-zero point (the window need not be after the last
# change: the total does not depend on the count). Queue back to 0: the
# in window (10 s) must hold nothing at all, and then every
# recommendation of the stabilization window (20 s) must be 0, then
# 2 -> 0 in one decision: at the earliest 10 − 1 s (the last point of 15
# may come a writer's second after the switch) + 20 − 2 s (a tick) = 27 s
# after the queue emptied.
# ds does not run: the metric comes from the writer, never from the
# service's containers (which at 0 replicas report nothing).
# wait_for takes code to eval later: single quotes are meant.
# shellcheck disable=SC2016
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

das_test_db das_zero
LOCK=$((RANDOM * 5 + 300011))
SVC=$(unique_name zero)
DIR=$(mktemp -d /tmp/das-zero.XXXXXX)
on_exit "rm -rf '$DIR'"
SEQ=12
DAS_INT=2

replicas() { docker service inspect -f '{{.Spec.Mode.Replicated.Replicas}}' "$SVC"; }
changes() {
	q "SELECT coalesce(string_agg(action || ':' || before_no || ':' || after_no || ':' || reason, ' '
	   ORDER BY ts, id), '') FROM das_event WHERE seq = $SEQ AND action IN ('scale_out', 'scale_in', 'bounds')"
}
show() {
	echo "--- journal"
	psql "$PG" -X -P pager=off -c "SELECT to_char(ts, 'HH24:MI:SS.MS') AS time, action, before_no, after_no,
		round(value::numeric, 2) AS value, reason, detail FROM das_event ORDER BY ts, id" || true
	echo "--- das log (tail)"; tail -n 30 "$DIR/das.log" || true
}
# The writer: the queue length in $DIR/queue, written every second.
writer() {
	while :; do
		iw -d "$IDB" "app,service_name=$SVC queue=$(cat "$DIR/queue")" >/dev/null 2>&1 || true
		sleep 1
	done
}

echo "== service at 0 replicas; the writer reports queue 0"
service_create "$SVC" --replicas 0 "$DAS_IMAGE" sleep 1000000
echo 0 >"$DIR/queue"
iq -d "$IDB" "CREATE DATABASE \"$IDB\"" >/dev/null
writer &
WPID=$!
on_exit "kill $WPID 2>/dev/null || true"

"$DAS_ROOT/bin/das" --pg "$PG" --influx "$DAS_INFLUX_URL" --database "$IDB" \
	--interval $DAS_INT -o ds_interval=1 -o lock_key=$LOCK >"$DIR/das.log" 2>&1 &
DAS_PID=$!
on_exit "kill $DAS_PID 2>/dev/null || true"
wait_for '[[ $(q "SELECT to_regclass('\''das_event'\'')") == das_event ]]' 60 ||
	fail "das never created its tables: $(cat "$DIR/das.log")"
q "insert into das (seq, min_no, max_no, cond_item, out_duration, in_duration, service_id,
	mode, setpoint, measurement, stabilize_in, aggregate)
   values($SEQ, 0, 4, 'queue', '10s', '10s', '$SVC', 'target', '10', 'app', '20s', 'max')"
wait_for '[[ $(q "SELECT count(*) FROM das_event WHERE seq = $SEQ") -ge 1 ]]' 60 ||
	{ show; fail "das never journaled the new policy"; }
sleep 14
assert_eq "" "$(changes)" "queue 0: the service stays at 0"
assert_eq 0 "$(replicas)" "0 replicas while nothing is queued"

echo "== queue 15: the service starts, 0 -> 2"
T_ON=$(date +%s.%N)
echo 15 >"$DIR/queue"
wait_for '[[ -n $(changes) ]]' 60 || { show; fail "das never started the service"; }
assert_eq "scale_out:0:2:activation" "$(changes)" "one decision from 0 to 2"
T_OUT=$(q "SELECT extract(epoch FROM ts) FROM das_event WHERE seq = $SEQ AND action = 'scale_out'")
wait_for '[[ $(service_running "$SVC") == 2 ]]' 120 || { show; fail "2 tasks never ran"; }
echo "   started $(awk -v a="$T_OUT" -v b="$T_ON" 'BEGIN { printf "%.1f", a - b }') s after the queue filled"
sleep 12
assert_eq "scale_out:0:2:activation" "$(changes)" "2 replicas hold while 15 are queued"

echo "== queue 0 again: back to 0 once the in window and stabilization hold nothing"
T_OFF=$(date +%s.%N)
echo 0 >"$DIR/queue"
wait_for '[[ $(changes) == *scale_in* ]]' 90 || { show; fail "das never went back to 0"; }
assert_eq "scale_out:0:2:activation scale_in:2:0:below_target" "$(changes)" "one decision back to 0"
T_IN=$(q "SELECT extract(epoch FROM ts) FROM das_event WHERE seq = $SEQ AND action = 'scale_in'")
GAP=$(awk -v a="$T_IN" -v b="$T_OFF" 'BEGIN { printf "%.1f", a - b }')
echo "   back to 0 $GAP s after the queue emptied"
# the in window (10 s) with nothing in it, then the stabilization window
awk -v g="$GAP" 'BEGIN { exit !(g >= 27) }' ||
	{ show; fail "scale-in after ${GAP}s, before the in window and then 20 s of stabilization held nothing"; }
wait_for '[[ $(service_running "$SVC") == 0 ]]' 60 || { show; fail "tasks still run at 0"; }
assert_eq 0 "$(replicas)" "0 replicas again"
echo "ok"
