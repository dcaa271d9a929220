#!/usr/bin/env bash
# A policy on a rate (issue 12), nothing faked: a Swarm service scales
# out and back on the per-second rate of a request counter in InfluxDB,
# the way Telegraf's nginx input reports one (measurement web_requests,
# tags service_name and host, field requests: a cumulative count per
# instance). Two instances' counters are written every second by a small
# writer; das's row: aggregate rate, measurement web_requests, mode
# target, setpoint 10/s per replica, windows 10 s, stabilize_in 10 s.
#
# The numbers. 2 instances at 1/s each: 2/s in all, 1 replica. Then 17/s
# each: 34/s, ceil(34 / 10) = 4 replicas, reached by scale-outs only (the
# window's mean rate climbs as the window fills: 1 -> 2 -> 3 -> 4 was a
# run), never past 4. One instance
# restarts (its counter back to 0) while the load lasts: a counter reset
# gives no rate for that step (non_negative_derivative), never a spike,
# so the count stays 4 (a spike of minus millions read as a rate would
# read 0 and scale in; read as positive, scale out to max_no). Back to
# 1/s each: scale-ins only, down to 1 (min_no), never below.
#
# Why not blk_write from the replicas' own writes: on this machine's
# cgroup v1 blkio, a container's writes (buffered, fsync'd or O_DIRECT)
# leave blkio.throttle.io_service_bytes_recursive at "Total 0", and the
# replicas have no network (dockerd --bridge=none; ds leaves out lo), so
# ds's counters stay at 0 here: test_das_rate_ds scales on blk_write in
# ds's measurement, its points written by a stand-in for ds.
# wait_for takes code to eval later: single quotes are meant.
# shellcheck disable=SC2016
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

das_test_db das_rate
LOCK=$((RANDOM * 5 + 300013))
SVC=$(unique_name rate)
DIR=$(mktemp -d /tmp/das-rate.XXXXXX)
on_exit "rm -rf '$DIR'"
SEQ=21
DAS_INT=2

replicas() { docker service inspect -f '{{.Spec.Mode.Replicated.Replicas}}' "$SVC"; }
changes() {
	q "SELECT coalesce(string_agg(action || ':' || before_no || ':' || after_no, ' '
	   ORDER BY ts, id), '') FROM das_event WHERE seq = $SEQ AND action IN ('scale_out', 'scale_in', 'bounds')"
}
show() {
	echo "--- journal"
	psql "$PG" -X -P pager=off -c "SELECT to_char(ts, 'HH24:MI:SS.MS') AS time, action, before_no, after_no,
		round(value::numeric, 2) AS value, reason, detail FROM das_event ORDER BY ts, id" || true
	echo "--- das log (tail)"; tail -n 30 "$DIR/das.log" || true
}
# The writer: each instance's counter grows by $DIR/rate per second of
# real time (a loop takes more than its 1 s sleep: counting by loops
# would write less than the rate); $DIR/reset-b puts instance b's
# counter back to 0 once. Counts are kept in thousandths.
writer() {
	local a=0 b=0 r now last
	last=$(date +%s%N)
	while :; do
		r=$(cat "$DIR/rate") now=$(date +%s%N)
		a=$((a + r * (now - last) / 1000000)) b=$((b + r * (now - last) / 1000000))
		last=$now
		if [[ -e $DIR/reset-b ]]; then b=0; rm -f "$DIR/reset-b"; fi
		iw -d "$IDB" "web_requests,service_name=$SVC,host=a requests=$((a / 1000))i
web_requests,service_name=$SVC,host=b requests=$((b / 1000))i" >/dev/null 2>&1 || true
		sleep 1
	done
}

echo "== service at 1 replica; 2 instances at 1 request/s each"
service_create "$SVC" --replicas 1 "$DAS_IMAGE" sleep 1000000
echo 1 >"$DIR/rate"
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
	mode, setpoint, measurement, aggregate, stabilize_in)
   values($SEQ, 1, 6, 'requests', '10s', '10s', '$SVC', 'target', '10/s', 'web_requests', 'rate', '10s')"
wait_for '[[ $(q "SELECT count(*) FROM das_event WHERE seq = $SEQ") -ge 1 ]]' 60 ||
	{ show; fail "das never journaled the new policy"; }
sleep 14
assert_eq "" "$(changes)" "2/s: 1 replica is enough"

echo "== 17/s per instance: 34/s, 1 -> 4"
echo 17 >"$DIR/rate"
wait_for '[[ $(changes) == *:4 ]]' 90 || { show; fail "das never reached 4, journal: $(changes)"; }
[[ $(changes) =~ ^(scale_out:[0-9]+:[234]( |$))+$ ]] || { show; fail "not scale-outs up to 4 only: $(changes)"; }
OUT=$(changes)
wait_for '[[ $(service_running "$SVC") == 4 ]]' 120 || { show; fail "4 tasks never ran"; }
echo "== instance b restarts: its counter goes back to 0"
touch "$DIR/reset-b"
sleep 16
assert_eq "$OUT" "$(changes)" "a counter reset is no spike: still 4"
assert_eq 4 "$(replicas)" "4 replicas while 34/s come"

echo "== back to 1/s per instance: 4 -> 1"
echo 1 >"$DIR/rate"
wait_for '[[ $(changes) == *:1 ]]' 90 || { show; fail "das never came back to 1, journal: $(changes)"; }
IN=$(changes); IN=${IN#"$OUT "}
[[ $IN =~ ^(scale_in:[0-9]+:[123]( |$))+$ ]] || { show; fail "not scale-ins down to 1 only: $IN"; }
echo "   journal: $(q "SELECT string_agg(action || ' ' || after_no || ' at ' || round(value::numeric, 1) || '/s', '; ' ORDER BY ts)
	FROM das_event WHERE seq = $SEQ AND action IN ('scale_out', 'scale_in')")"
echo "ok"
