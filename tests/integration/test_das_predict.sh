#!/usr/bin/env bash
# Predictive pre-scaling in the daemon (issue 12), nothing faked: a real
# Swarm service, its load in InfluxDB (measurement app, tag service_name,
# field load: an application's own gauge), five past periods of it
# written up front as history, a writer putting the live load every
# second, and das on a target-mode row with predict 5m (the shortest
# season das takes) and the default lead 1m.
#
# The numbers. Setpoint 10 per replica. History: load 5 (1 replica) but
# for a burst of 40 (4 replicas) in [B − k·5m, B − k·5m + 60 s) for
# k = 1..5. At a tick t, period k's peak is the largest total over
# (t − k·5m, t − k·5m + 1m]: the burst is in it from t = B − 60 s, so
# until then the forecast is 5 (need 1: nothing to do, and dasctl explain
# shows that forecast) and from then it is 40 (median of five 40s):
# 1 -> 4 in one decision, reason predicted, journaled with the forecast
# as its value, before the live burst comes (it comes at B − 30 s and
# lasts a minute: the same minute, 30 s early, as a burst's jitter).
# A lead after the pre-scale das journals a 'predict' row: the forecast
# (threshold, 40) beside the largest total it saw meanwhile (value: the
# live burst's, 40 once the 10 s window holds only burst samples).
# A second service with 11 minutes of history has two periods' peaks:
# prediction is off for it, and dasctl explain says so. Three more rows
# name a measurement, a field and ds's points that do not exist: each is
# journaled no_data once and logged once in the whole run, while every
# tick (five rows, three predicting on two measurements: 14 peak
# statements, custom aggregates, the window cache's read of ds's
# measurement) takes at most 2 requests.
# das's ds_interval is 2 s for a writer of one point a second: a newest
# sample may be 4 s old (a write slowed by the history's) before a
# window is no_data.
# wait_for takes code to eval later: single quotes are meant.
# shellcheck disable=SC2016
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

das_test_db das_predict
LOCK=$((RANDOM * 5 + 300013))
SVC=$(unique_name predict)
SVC2=$(unique_name predict-short)
SVC3=$(unique_name nosuch-measurement)
SVC4=$(unique_name nosuch-field)
SVC5=$(unique_name no-ds)
DIR=$(mktemp -d /tmp/das-predict.XXXXXX)
on_exit "rm -rf '$DIR'"
SEQ=14
DAS_INT=2
PERIOD=300

replicas() { docker service inspect -f '{{.Spec.Mode.Replicated.Replicas}}' "$SVC"; }
changes() {
	q "SELECT coalesce(string_agg(action || ':' || before_no || ':' || after_no || ':' || reason, ' '
	   ORDER BY ts, id), '') FROM das_event WHERE seq = $SEQ AND action IN ('scale_out', 'scale_in', 'bounds')"
}
show() {
	echo "--- journal"
	psql "$PG" -X -P pager=off -c "SELECT to_char(ts, 'HH24:MI:SS.MS') AS time, action, before_no, after_no,
		round(value::numeric, 2) AS value, round(threshold::numeric, 2) AS threshold, reason, detail
		FROM das_event ORDER BY ts, id" || true
	echo "--- das log (tail)"; tail -n 30 "$DIR/das.log" || true
}
ctl() { "$DAS_ROOT/bin/dasctl" --pg "$PG" --influx "$DAS_INFLUX_URL" --database "$IDB" -o ds_interval=2 "$@"; }
# The live load, replaced whole (the writer never reads it half-written).
set_load() { echo "$1" >"$DIR/load.new" && mv "$DIR/load.new" "$DIR/load"; }
# The live writer: the load in $DIR/load, written every second.
writer() {
	while :; do
		iw -d "$IDB" "app,service_name=$SVC load=$(cat "$DIR/load")" >/dev/null 2>&1 || true
		sleep 1
	done
}

iq -d "$IDB" "CREATE DATABASE \"$IDB\"" >/dev/null
service_create "$SVC" --replicas 1 "$DAS_IMAGE" sleep 1000000
service_create "$SVC2" --replicas 1 "$DAS_IMAGE" sleep 1000000
for v in "$SVC3" "$SVC4" "$SVC5"; do
	service_create "$v" --replicas 1 "$DAS_IMAGE" sleep 1000000
done
set_load 5
writer &
WPID=$!
on_exit "kill $WPID 2>/dev/null || true"

"$DAS_ROOT/bin/das" --pg "$PG" --influx "$DAS_INFLUX_URL" --database "$IDB" -v \
	--interval $DAS_INT -o ds_interval=2 -o lock_key=$LOCK >"$DIR/das.log" 2>&1 &
DAS_PID=$!
on_exit "kill $DAS_PID 2>/dev/null || true"
wait_for '[[ $(q "SELECT to_regclass('\''das_event'\'')") == das_event ]]' 60 ||
	fail "das never created its tables: $(cat "$DIR/das.log")"
# B is set once das is up: the setup before it takes what it takes. It
# is even: the peaks are taken per ds interval (GROUP BY time(2s), on
# even seconds), so no bucket mixes a burst's first second with the
# second of load 5 before it (a first forecast of 22.5, not 40).
NOW=$(($(date +%s) / 2 * 2))
B=$((NOW + 100))
echo "== five periods of history: load 5, a burst of 40 for a minute every 5 minutes"
awk -v svc="$SVC" -v now="$NOW" -v b="$B" -v p=$PERIOD 'BEGIN {
	for (t = now - 5 * p; t < now; t++) {
		v = 5
		for (k = 1; k <= 5; k++)
			if (t >= b - k * p && t < b - k * p + 60)
				v = 40
		printf "app,service_name=%s load=%d %d000000000\n", svc, v, t
	}
}' >"$DIR/history.lp"
iw -d "$IDB" "$(cat "$DIR/history.lp")" >/dev/null
assert_eq 1500 "$(wc -l <"$DIR/history.lp")" "history lines"

q "insert into das (seq, min_no, max_no, cond_item, out_duration, in_duration, service_id,
	mode, setpoint, measurement, predict)
   values($SEQ, 1, 6, 'load', '10s', '10s', '$SVC', 'target', '10', 'app', '5m'),
	 (31, 1, 6, 'load', '10s', '10s', '$SVC3', 'target', '10', 'nosuch', '5m'),
	 (32, 1, 6, 'nosuchfield', '10s', '10s', '$SVC4', 'target', '10', 'app', NULL)"
# ds's own measurement, which nothing writes here: the window cache's
# read of it joins the tick's requests
q "insert into das (seq, min_no, max_no, cond_item, out_duration, in_duration, service_id, mode, setpoint)
   values(33, 1, 6, 'cpu_ratio', '10s', '10s', '$SVC5', 'target', '70%')"
# at load 5 with 25 minutes of history the row is steady from its first
# tick, which journals nothing: three ticks
sleep $((3 * DAS_INT))

echo "== before the burst's minute: forecast 5, nothing to do"
(($(date +%s) < B - 70)) || fail "setting up took too long: $(($(date +%s) - NOW)) s of the 30 s it may"
EXPLAIN=$(ctl explain "$SVC")
echo "$EXPLAIN" | grep -i forecast || true
assert_match "forecast 5 at most over the next 1m \(median peak of 5 periods\) needs 1 replicas" \
	"$EXPLAIN" "dasctl explain shows the forecast"
assert_eq "" "$(changes)" "no change at load 5 with forecast 5"
# A service with 11 minutes of history: two periods' peaks, three needed.
awk -v svc="$SVC2" -v now="$NOW" 'BEGIN {
	for (t = now - 660; t < now; t += 10)
		printf "app,service_name=%s load=5 %d000000000\n", svc, t
}' >"$DIR/short.lp"
iw -d "$IDB" "$(cat "$DIR/short.lp")" >/dev/null
q "insert into das (seq, min_no, max_no, cond_item, out_duration, in_duration, service_id,
	mode, setpoint, measurement, predict)
   values($((SEQ + 1)), 1, 6, 'load', '10s', '10s', '$SVC2', 'target', '10', 'app', '5m')"
assert_match "forecast off: 2 of the last 7 periods have data, 3 needed" "$(ctl explain "$SVC2")" \
	"too little history: prediction is off and says so"

echo "== a minute before the burst: 1 -> 4, predicted"
wait_for '[[ -n $(changes) ]]' $((B - $(date +%s))) || { show; fail "das never pre-scaled"; }
T_PRE=$(q "SELECT extract(epoch FROM ts) FROM das_event WHERE seq = $SEQ AND action = 'scale_out'")
assert_eq "scale_out:1:4:predicted" "$(changes)" "one pre-scale to the forecast's need"
assert_eq 40 "$(q "SELECT round(value::numeric) FROM das_event WHERE seq = $SEQ AND action = 'scale_out'")" \
	"the pre-scale's value is the forecast"
assert_match "forecast 40 over the next 1m \(median of the peaks of 5 of the last 7 periods\) needs 4" \
	"$(q "SELECT detail FROM das_event WHERE seq = $SEQ AND action = 'scale_out'")" "the pre-scale's words"
awk -v a="$T_PRE" -v b="$B" 'BEGIN { exit !(a >= b - 60 && a < b - 30) }' ||
	{ show; fail "pre-scale at B$(awk -v a="$T_PRE" -v b="$B" 'BEGIN { printf "%+.1f", a - b }') s, not in [B - 60, B - 30)"; }
echo "   pre-scaled $(awk -v a="$T_PRE" -v b="$B" 'BEGIN { printf "%.1f", b - 30 - a }') s before the live burst"

echo "== the live burst (30 s early), and the forecast's row a lead after the pre-scale"
wait_for '(($(date +%s) >= B - 30))' 60 1 || fail "clock"
set_load 40
wait_for '[[ $(service_running "$SVC") == 4 ]]' 60 || { show; fail "4 tasks never ran"; }
wait_for '[[ $(q "SELECT count(*) FROM das_event WHERE seq = $SEQ AND action = '\''predict'\''") -ge 1 ]]' 90 ||
	{ show; fail "no predict row"; }
ROW=$(q "SELECT round(threshold::numeric), round(value::numeric), extract(epoch FROM ts) FROM das_event
	 WHERE seq = $SEQ AND action = 'predict'")
IFS='|' read -r FORECAST REALISED T_ROW <<<"$ROW"
assert_eq 40 "$FORECAST" "the predict row's forecast"
assert_eq 40 "$REALISED" "the predict row's realised peak (the live burst)"
awk -v a="$T_ROW" -v b="$T_PRE" 'BEGIN { exit !(a - b >= 60 && a - b < 70) }' ||
	{ show; fail "predict row $(awk -v a="$T_ROW" -v b="$T_PRE" 'BEGIN { print a - b }') s after the pre-scale, not a lead (60 s)"; }
set_load 5
assert_eq "scale_out:1:4:predicted" "$(changes)" "the burst found its replicas: no reactive change"
assert_eq 4 "$(replicas)" "4 replicas through the burst"

echo "== a measurement, a field and ds's points that do not exist: no_data, once"
for seq in 31 32 33; do
	assert_eq "hold:no_data" "$(q "SELECT string_agg(action || ':' || reason, ' ') FROM das_event WHERE seq = $seq")" \
		"seq $seq: one no_data row in $(($(date +%s) - NOW)) s"
done
for v in "$SVC3" "$SVC4" "$SVC5"; do
	assert_eq 1 "$(grep -c "das \(info\|warning\|error\): .*$v" "$DIR/das.log")" "$v: one line in das's log"
	assert_eq 1 "$(docker service inspect -f '{{.Spec.Mode.Replicated.Replicas}}' "$v")" "$v: left at 1"
done
echo "== every tick in at most 2 InfluxDB requests (custom, peaks, the cache's read)"
TICKS=$(grep -c 'tick: [0-9]* policies' "$DIR/das.log")
assert_ge "$TICKS" 40 "ticks logged"
MORE=$(grep -E 'tick: [0-9]* policies' "$DIR/das.log" | grep -vE ', [012] InfluxDB requests' || true)
assert_eq "" "$MORE" "ticks in more than 2 InfluxDB requests"
grep -o 'tick: [0-9]* policies.*' "$DIR/das.log" | tail -n 1
echo "ok"
