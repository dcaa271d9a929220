#!/usr/bin/env bash
# One stuck backend does not stall the others (README, "Faults"):
# 1. a hanging exec command (exec_timeout 8 s): another policy's min_no is
#    enforced on the next tick, long before the hang is killed; the kill is
#    journaled once as an error, at the time it happened;
# 2. SIGTERM while the command hangs: das exits within 2 s and the command
#    (and what it started) is killed;
# 3. a locked das table (LOCK TABLE in another session): a log line per
#    stalled tick, min_no still enforced from the last good set, journal
#    times that are the times of the actions.
# wait_for takes code to eval later: single quotes are meant.
# shellcheck disable=SC2016
source "$(dirname "$0")/lib.sh"

das_test_db dasstuck
DIR=$(mktemp -d /tmp/das-stuck.XXXXXX)
on_exit "rm -rf '$DIR'"
LOCK=$((RANDOM * 7 + 300007))
EXEC_TIMEOUT=8

now() { date +%s.%N; }
ms_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", (b - a) * 1000 }'; }
row() { # SEQ SERVICE MIN CUR TARGET
	q "insert into das (seq, min_no, max_no, cur_no, cond_item, out_cond, in_cond, out_duration, in_duration, service_id, backend, target)
	   values ($1, $3, 5, $4, 'cpu_ratio', '50%', '10%', '10s', '10s', '$2', 'exec', '$5')"
}
DAS_PID=
start_das() {
	"$DAS_ROOT/bin/das" --pg "$PG" --influx "$DAS_INFLUX_URL" --database "$IDB" \
		--interval 1 -o ds_interval=1 -o lock_key=$LOCK -o exec_timeout=$EXEC_TIMEOUT \
		-o sql_timeout=2 "$@" \
		-o "exec.hang=$DIR/hang.sh {service} {replicas}" \
		-o "exec.fast=$DIR/fast.sh {service} {replicas}" >>"$DIR/das.log" 2>&1 &
	DAS_PID=$!
}
on_exit 'kill -9 $DAS_PID 2>/dev/null; pkill -9 -f "$DIR/hang.sh" || true'
show() { tail -n 40 "$DIR/das.log"; psql "$PG" -X -c "SELECT ts, seq, action, before_no, after_no, reason, detail FROM das_event ORDER BY ts"; }

# hang.sh starts a child of its own and waits: both must go when killed.
cat >"$DIR/hang.sh" <<EOF2
#!/bin/sh
echo \$\$ >> "$DIR/hang.pids"
sleep 600 &
echo \$! >> "$DIR/hang.pids"
wait
EOF2
cat >"$DIR/fast.sh" <<EOF2
#!/bin/sh
echo "\$1 \$2" >> "$DIR/fast.calls"
EOF2
chmod +x "$DIR/hang.sh" "$DIR/fast.sh"
# gone [N]: the first N pids recorded (default all) run no more. A killed
# command is started again on the next tick: that run is not the one
# checked.
# A zombie counts as gone: killed, waiting for a parent (init here) to reap it.
alive() { [[ -e /proc/$1/stat ]] && [[ $(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) != Z ]]; }
gone() { local p; for p in $(head -n "${1:-1000}" "$DIR/hang.pids"); do alive "$p" && return 1; done; return 0; }

echo "== 1. a hanging command beside a healthy policy"
start_das
wait_for '[[ $(q "SELECT to_regclass('\''das_event'\'')") == das_event ]]' 30 || { show; fail "das never made its tables"; }
row 1 stuck 2 1 hang
wait_for '[[ -s $DIR/hang.pids ]]' 20 || { show; fail "the hanging command never started"; }
T_ADD=$(now)
row 2 healthy 2 1 fast
wait_for '[[ $(q "SELECT count(*) FROM das_event WHERE seq = 2 AND action = '\''bounds'\''") == 1 ]]' 30 ||
	{ show; fail "the healthy policy never acted"; }
T_ACT=$(q "SELECT extract(epoch FROM ts) FROM das_event WHERE seq = 2 AND action = 'bounds'")
REACT_MS=$(ms_between "$T_ADD" "$T_ACT")
assert_eq 0 "$(q "SELECT count(*) FROM das_event WHERE seq = 1")" \
	"the healthy policy acted while the other's command still hung (nothing of seq 1 yet)"
assert_eq "healthy 2" "$(cat "$DIR/fast.calls")"
T_HANG0=$(stat -c %Y "$DIR/hang.pids")
wait_for '[[ $(q "SELECT count(*) FROM das_event WHERE seq = 1 AND action = '\''error'\''") == 1 ]]' $((EXEC_TIMEOUT + 20)) ||
	{ show; fail "the hang was never journaled"; }
assert_match "hang.sh: killed after ${EXEC_TIMEOUT}000 ms" "$(q "SELECT detail FROM das_event WHERE seq = 1")"
wait_for 'gone 2' 5 || fail "the hanging command or its child survived the timeout: $(head -n 2 "$DIR/hang.pids")"
T_ERR=$(q "SELECT extract(epoch FROM ts) FROM das_event WHERE seq = 1 AND action = 'error'")
KILL_MS=$(ms_between "$T_HANG0" "$T_ERR")
assert_ge "$KILL_MS" $(((EXEC_TIMEOUT - 1) * 1000)) "the error row's time is when the kill happened, not a tick's start"
assert_eq 2 "$(q "SELECT cur_no FROM das WHERE seq = 2")"
assert_eq 1 "$(q "SELECT cur_no FROM das WHERE seq = 1")" "a killed command changes nothing"
echo "   healthy policy: INSERT -> bounds row ${REACT_MS} ms, while the other hung (killed after ${KILL_MS} ms)"

echo "== 2. SIGTERM while a command hangs"
: >"$DIR/hang.pids"
q "DELETE FROM das WHERE seq = 2; UPDATE das SET min_no = 3 WHERE seq = 1"
wait_for '[[ $(wc -l <"$DIR/hang.pids") -ge 2 ]]' 20 || { show; fail "the command did not start again"; }
T0=$(now)
kill -TERM "$DAS_PID"
wait_for '! kill -0 $DAS_PID' 10 0.05 || { show; fail "das still runs 10 s after SIGTERM"; }
STOP_MS=$(ms_between "$T0" "$(now)")
wait "$DAS_PID" || fail "das exited non-zero on SIGTERM"
DAS_PID=
gone || { show; ps -o pid,pgid,args -p "$(paste -sd, "$DIR/hang.pids")" || true; fail "the hanging command survived das: $(cat "$DIR/hang.pids")"; }
((STOP_MS <= 2000)) || { show; fail "SIGTERM took ${STOP_MS} ms (more than 2 s)"; }
assert_match "killed: das is stopping" \
	"$(q "SELECT detail FROM das_event WHERE seq = 1 AND action = 'error' ORDER BY ts DESC LIMIT 1")"
echo "   SIGTERM -> exit in ${STOP_MS} ms, the command and its child killed"

echo "== 3. a locked das table"
q "DELETE FROM das; DELETE FROM das_event"
SVC=$(unique_name locked)
service_create "$SVC" --replicas 2 "$DAS_IMAGE" sleep 3600
replicas() { docker service inspect -f '{{.Spec.Mode.Replicated.Replicas}}' "$SVC"; }
q "insert into das (seq, min_no, max_no, cur_no, cond_item, out_cond, in_cond, out_duration, in_duration, service_id)
   values (3, 2, 5, 2, 'cpu_ratio', '50%', '10%', '10s', '10s', '$SVC')"
start_das
wait_for 'grep -q "leader: took" "$DIR/das.log"' 20 || { show; fail "das did not start"; }
sleep 2
# 14 s of ACCESS EXCLUSIVE on das from another session.
psql "$PG" -XAtq -c "BEGIN; LOCK TABLE das IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(14); COMMIT;" >/dev/null &
LOCKER=$!
on_exit "kill $LOCKER 2>/dev/null || true"
T_LOCKED=$(now)
LINES0=$(grep -c "is the das table locked" "$DIR/das.log" || true)
sleep 3
# Below min_no behind das's back, while das cannot read its table.
T_SCALE=$(now)
docker service scale --detach "$SVC=1" >/dev/null
wait_for '[[ $(replicas) == 2 ]]' 10 0.2 || { show; fail "min_no was not enforced under the lock"; }
T_BACK=$(now)
kill -0 "$LOCKER" || fail "the lock ended before das acted: the test proves nothing"
T_BOUNDS=$(q "SELECT extract(epoch FROM ts) FROM das_event WHERE seq = 3 AND action = 'bounds'")
[[ -n $T_BOUNDS ]] || { show; fail "no bounds row"; }
awk -v s="$T_SCALE" -v b="$T_BOUNDS" -v e="$T_BACK" 'BEGIN { exit !(b >= s && b <= e + 0.5) }' ||
	{ show; fail "the bounds row says $T_BOUNDS, the action happened between $T_SCALE and $T_BACK"; }
assert_eq "manual:2:1 bounds:1:2" "$(q "SELECT string_agg(action || ':' || before_no || ':' || after_no, ' ' ORDER BY ts)
	FROM das_event WHERE seq = 3 AND action IN ('manual', 'bounds', 'scale_out', 'scale_in')")"
wait "$LOCKER" || true
LINES=$(( $(grep -c "is the das table locked" "$DIR/das.log" || true) - LINES0 ))
T_UNLOCKED=$(now)
assert_ge "$LINES" 3 "a log line per stalled tick"
# and no more than one per tick: a stalled tick lasts at least the 2 s
# statement timeout, so a lock of L ms has at most L / 2000 + 1 of them
LOCK_MS=$(ms_between "$T_LOCKED" "$(now)")
((LINES <= LOCK_MS / 2000 + 1)) ||
	{ show; fail "$LINES stalled-tick lines in a ${LOCK_MS} ms lock: more than one a tick"; }
grep -q "this tick acts on the last good set of 1 policies (bounds still enforced)" "$DIR/das.log" ||
	{ show; fail "no word of the last good set"; }
kill -0 "$DAS_PID" || fail "das died under the lock"
wait_for '[[ $(q "SELECT cur_no FROM das WHERE seq = 3") == 2 ]]' 10 || { show; fail "cur_no not written after the lock"; }
LOCK_S=$(ms_between "$T_LOCKED" "$T_UNLOCKED")
ACT_MS=$(ms_between "$T_SCALE" "$T_BACK")
echo "   lock ${LOCK_S} ms: ${LINES} stalled-tick lines; min_no restored ${ACT_MS} ms after the external scale, journaled at its time"
kill -TERM "$DAS_PID"
wait "$DAS_PID" || true
DAS_PID=
echo "stuck backends: healthy policy ${REACT_MS} ms beside a hang, SIGTERM ${STOP_MS} ms, locked table: min_no kept, logged per tick"
