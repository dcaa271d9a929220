#!/usr/bin/env bash
# A das killed (kill -9) and restarted right after a scale-out does not
# scale out again inside the window: the time of the last change comes
# back from the journal.  The load is synthetic and steady — cpu_ratio 90
# every second for the service, written straight to InfluxDB — so the
# only thing that can hold das back after the restart is that memory.
# Once the window after the change has passed, the next step happens.
# wait_for takes code to eval later: single quotes are meant.
# shellcheck disable=SC2016
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

das_test_db das_restart
LOCK=$((RANDOM * 7 + 500009))
SVC=$(unique_name restart)
DIR=$(mktemp -d /tmp/das-restart.XXXXXX)
on_exit "rm -rf '$DIR'"
SEQ=77 WINDOW=20

replicas() { docker service inspect -f '{{.Spec.Mode.Replicated.Replicas}}' "$SVC"; }
scale_outs() { q "SELECT count(*) FROM das_event WHERE seq = $SEQ AND action = 'scale_out'"; }
start_das() { # log name
	"$DAS_ROOT/bin/das" --pg "$PG" --influx "$DAS_INFLUX_URL" --database "$IDB" \
		--interval 1 -o ds_interval=1 -o lock_key=$LOCK >"$DIR/$1.log" 2>&1 &
	DAS_PID=$!
	on_exit "kill -9 $DAS_PID 2>/dev/null || true"
}
show() {
	psql "$PG" -X -P pager=off -c "SELECT to_char(ts, 'HH24:MI:SS.MS') AS time, action, before_no, after_no,
		round(value::numeric, 1) AS value, reason FROM das_event WHERE seq = $SEQ ORDER BY ts, id" || true
	for f in "$DIR"/das*.log; do echo "--- $f"; tail -n 20 "$f"; done
}

service_create "$SVC" --replicas 1 "$DAS_IMAGE" sleep 3600
iq -d "$IDB" "CREATE DATABASE \"$IDB\"" >/dev/null

echo "== synthetic load: cpu_ratio 90 for $SERVICE_ID every second"
(
	while :; do
		iw -d "$IDB" "docker,backend=docker,container=5ca1ab1e0001,node=testnode,service=$SERVICE_ID,service_name=$SVC cpu_ratio=90 $(date +%s%N)" ||
			true
		sleep 1
	done
) >/dev/null 2>&1 &
W_PID=$!
on_exit "kill $W_PID 2>/dev/null || true"

start_das das1
wait_for '[[ $(q "SELECT to_regclass('\''das_event'\'')") == das_event ]]' 60 || fail "das never created its tables"
q "insert into das (seq, min_no, max_no, cur_no, cond_item, out_cond, in_cond, out_duration, in_duration, service_id)
   values($SEQ, 1, 3, 1, 'cpu_ratio', '50%', '10%', '${WINDOW}s', '${WINDOW}s', '$SVC')"

echo "== the first scale-out (once the ${WINDOW}s window is covered)"
wait_for '[[ $(scale_outs) -ge 1 ]]' 180 || { show; fail "das never scaled out"; }
echo "== kill -9 das, restart it at once"
kill -9 "$DAS_PID"
wait "$DAS_PID" 2>/dev/null || true
start_das das2
T_RESTART=$(date +%s.%N)
T1=$(q "SELECT extract(epoch FROM ts) FROM das_event WHERE seq = $SEQ AND action = 'scale_out'")
assert_eq "scale_out|1|2" "$(q "SELECT action, before_no, after_no FROM das_event WHERE seq = $SEQ AND action = 'scale_out'")"
wait_for 'grep -q "leader: took advisory lock" "$DIR/das2.log"' 60 || { show; fail "the restarted das never led"; }
grep -q 'restored the last change of 1 policies' "$DIR/das2.log" || { show; fail "the restarted das did not restore the last change"; }

echo "== for 15 s after the restart (inside the window): no second scale-out"
# Watch until 15 s after the restart, but never past the window after the
# change (a slow machine may have restarted late): there a second step is
# right.
end=$(awk -v t="$T_RESTART" -v c="$T1" -v w="$WINDOW" 'BEGIN { e = t + 15; if (e > c + w - 1) e = c + w - 1; printf "%d", e }')
while (($(date +%s) < end)); do
	[[ $(scale_outs) == 1 ]] || { show; fail "a second scale_out inside the window after the restart"; }
	sleep 0.5
done
assert_eq 1 "$(scale_outs)" "scale_out rows 15 s after the restart (or the window's end)"
assert_eq 2 "$(replicas)" "replicas 15 s after the restart"
held=$(awk -v a="$(date +%s.%N)" -v b="$T1" 'BEGIN { printf "%.1f", a - b }')
echo "   ${held}s since the scale-out, one scale_out row"
assert_eq 0 "$(q "SELECT count(*) FROM das_event WHERE seq = $SEQ AND action = 'manual'")" \
	"the restarted das knew its own change (no manual row)"
assert_match "hold\|(window_after_change|cooldown)" \
	"$(q "SELECT action, reason FROM das_event WHERE seq = $SEQ ORDER BY ts DESC, id DESC LIMIT 1")" \
	"the restarted das holds for the window"

echo "== after the window: the next step"
wait_for '[[ $(scale_outs) -ge 2 ]]' 120 || { show; fail "das never took the second step"; }
assert_eq "scale_out:1:2 scale_out:2:3" \
	"$(q "SELECT string_agg(action || ':' || before_no || ':' || after_no, ' ' ORDER BY ts, id) FROM das_event
	      WHERE seq = $SEQ AND action IN ('scale_out', 'scale_in', 'bounds', 'manual')")" "change rows"
gap=$(q "SELECT round(extract(epoch FROM max(ts) - min(ts))::numeric, 1) FROM das_event WHERE seq = $SEQ AND action = 'scale_out'")
echo "   second step ${gap}s after the first"
assert_ge "$gap" "$WINDOW" "the second step waited a whole window"
wait_for '[[ $(replicas) == 3 ]]' 30 || fail "replicas not 3"
kill -0 "$DAS_PID" || fail "the restarted das died"
show
echo "restart: no double scale-out after kill -9; next step ${gap}s after the first"
