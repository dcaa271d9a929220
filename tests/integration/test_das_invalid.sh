#!/usr/bin/env bash
# Rows that do not validate sit beside a good one: each bad row is journaled
# `invalid` exactly once per change of the row (across separate --once runs
# and across ticks of one daemon), with a detail that names the problem and
# one log line; the good row keeps being evaluated (cur_no written, hold
# no_data journaled); das exits 0 throughout.
# wait_for takes code to eval later: single quotes are meant.
# shellcheck disable=SC2016
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

das_test_db das_invalid
LOCK=$((RANDOM * 7 + 300007))
SVC=$(unique_name inval)
GHOST=$(unique_name no-such-service)
LOG=$(mktemp /tmp/das-invalid.XXXXXX)
on_exit "rm -f '$LOG'"

das_once() { das_once_ok "$LOG" -o lock_key=$LOCK -o ds_interval=2; }
invalid_count() { q "SELECT count(*) FROM das_event WHERE seq = $1 AND action = 'invalid'"; }
invalid_detail() { q "SELECT detail FROM das_event WHERE seq = $1 AND action = 'invalid' ORDER BY ts DESC, id DESC LIMIT 1"; }
# Log lines that refuse seq N (das says "policy seq N (service ...): why").
log_lines() { grep -c "policy seq $1 (" "$LOG" || true; }

service_create "$SVC" --replicas 1 "$DAS_IMAGE" sleep 3600
das_once	# creates the tables
row() { # seq min max out in service
	q "insert into das (seq, min_no, max_no, cur_no, cond_item, out_cond, in_cond, out_duration, in_duration, service_id)
	   values($1, $2, $3, NULL, 'cpu_ratio', '$4', '$5', '30s', '30s', '$6')"
}
row 1 1 2 '90%' '1%' "$SVC"		# good: idle, no metrics → hold no_data
row 2 1 2 '70%' '10%' "$GHOST"		# unknown service
row 3 3 2 '70%' '10%' "$SVC"		# min > max
row 4 1 2 '70 parsecs' '10%' "$SVC"	# unknown unit
row 5 1 2 '20%' '30%' "$SVC"		# in not below out

echo "== three --once runs"
for _ in 1 2 3; do das_once; done
for s in 2 3 4 5; do
	assert_eq 1 "$(invalid_count $s)" "seq $s: invalid rows after 3 runs"
	assert_eq 1 "$(log_lines $s)" "seq $s: log lines after 3 runs"
done
assert_match "no Swarm service .*\"$GHOST\"" "$(invalid_detail 2)" "seq 2 detail"
assert_match "min_no 3 is greater than max_no 2" "$(invalid_detail 3)" "seq 3 detail"
assert_match "out_cond .*70 parsecs" "$(invalid_detail 4)" "seq 4 detail"
assert_match 'in_cond "30%" is not below out_cond "20%"' "$(invalid_detail 5)" "seq 5 detail"
assert_eq 0 "$(q "SELECT count(*) FROM das_event WHERE seq = 1 AND action = 'invalid'")" "the good row is not invalid"
assert_eq 0 "$(q "SELECT count(*) FROM das_event WHERE seq IN (2, 3, 4, 5) AND action <> 'invalid'")" \
	"bad rows are skipped: nothing but invalid journaled for them"

echo "== the good row keeps being evaluated"
assert_eq 1 "$(q "SELECT cur_no FROM das WHERE seq = 1")" "cur_no of the good row written"
assert_eq "hold|no_data" "$(q "SELECT action, reason FROM das_event WHERE seq = 1")" "one hold no_data row"
for s in 2 3 4 5; do
	assert_eq "" "$(q "SELECT cur_no FROM das WHERE seq = $s")" "seq $s: cur_no untouched"
done
assert_eq 1 "$(docker service inspect -f '{{.Spec.Mode.Replicated.Replicas}}' "$SVC")" "nothing scaled"

echo "== a daemon for a few ticks adds nothing"
"$DAS_ROOT/bin/das" --pg "$PG" --influx "$DAS_INFLUX_URL" --database "$IDB" --interval 1 \
	-o lock_key=$LOCK -o ds_interval=2 -v >>"$LOG" 2>&1 &
pid=$!
on_exit "kill $pid 2>/dev/null || true"
wait_for '[[ $(grep -c "tick: " "$LOG") -ge 4 ]]' 60 || fail "the daemon did not tick 4 times: $(tail "$LOG")"
for s in 2 3 4 5; do assert_eq 1 "$(invalid_count $s)" "seq $s: invalid rows after 4 daemon ticks"; done
# Fixed, then broken again exactly as before: that is a change of the row
# too, and the operator must hear about it again.
q "UPDATE das SET min_no = 1 WHERE seq = 3"
wait_for '[[ $(q "SELECT cur_no FROM das WHERE seq = 3") == 1 ]]' 60 || fail "the fixed seq 3 was never evaluated"
q "UPDATE das SET min_no = 3 WHERE seq = 3"
wait_for '[[ $(invalid_count 3) == 2 ]]' 60 || fail "seq 3 broken again: $(invalid_count 3) invalid rows, want 2"
# shellcheck disable=SC2034  # n is read by the wait_for code
n=$(grep -c "tick: " "$LOG")
wait_for '[[ $(grep -c "tick: " "$LOG") -ge $((n + 3)) ]]' 60 || fail "the daemon stopped ticking"
assert_eq 2 "$(invalid_count 3)" "seq 3: once per change, not once per tick"
kill -TERM $pid
rc=0; wait $pid || rc=$?
assert_eq 0 "$rc" "daemon exit status after SIGTERM"
for s in 2 4 5; do assert_eq 1 "$(invalid_count $s)" "seq $s: invalid rows after the daemon"; done
assert_eq 1 "$(q "SELECT count(*) FROM das_event WHERE seq = 1")" "the good row: still one hold row"

echo "== a bad row changed to another bad value: one more invalid row"
q "UPDATE das SET out_cond = '70 furlongs' WHERE seq = 4"
das_once
das_once
assert_eq 2 "$(invalid_count 4)" "seq 4 after its change"
assert_match "out_cond .*70 furlongs" "$(invalid_detail 4)" "seq 4 new detail"
assert_eq 2 "$(log_lines 4)" "seq 4: one more log line"
for s in 2 5; do assert_eq 1 "$(invalid_count $s)" "seq $s: unchanged row, no new row"; done
assert_eq 2 "$(invalid_count 3)" "seq 3: unchanged since, no new row"

echo "== fixed: the row becomes valid and is evaluated"
q "UPDATE das SET out_cond = '70%' WHERE seq = 4"
das_once
assert_eq 2 "$(invalid_count 4)" "no invalid row for a fixed row"
assert_eq 1 "$(q "SELECT cur_no FROM das WHERE seq = 4")" "the fixed row's cur_no written"
echo "invalid: each bad row journaled once per change; good row evaluated; exit 0"
