#!/usr/bin/env bash
# Two das daemons on the same database and lock_key: exactly one leads
# (logs "leader:"), the other waits ("standby"); only the leader journals
# and acts (node column), so a bounds violation is fixed exactly once.
# kill -9 the leader: its session and advisory lock go with it, the standby
# takes over within a few ticks and acts on the next violation (a manual
# `docker service scale` below min_no: a `manual` row, then `bounds`).
# wait_for takes code to eval later: single quotes are meant.
# shellcheck disable=SC2016
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

das_test_db das_leader
LOCK=$((RANDOM * 7 + 400009))
SVC=$(unique_name leader)
DIR=$(mktemp -d /tmp/das-leader.XXXXXX)
on_exit "rm -rf '$DIR'"
SEQ=9

replicas() { docker service inspect -f '{{.Spec.Mode.Replicated.Replicas}}' "$SVC"; }
declare -A PID
start() { # node
	"$DAS_ROOT/bin/das" --pg "$PG" --influx "$DAS_INFLUX_URL" --database "$IDB" \
		--interval 1 -o ds_interval=2 -o lock_key=$LOCK -o node="$1" >"$DIR/$1.log" 2>&1 &
	PID[$1]=$!
	on_exit "kill -9 ${PID[$1]} 2>/dev/null || true"
}
role() { # node: leader, standby or nothing yet
	if grep -q 'leader: took advisory lock' "$DIR/$1.log"; then echo leader
	elif grep -q 'standby: another das holds' "$DIR/$1.log"; then echo standby
	fi
}
show() {
	local n
	for n in a b; do echo "--- $n.log"; tail -n 30 "$DIR/$n.log"; done
	echo "--- journal"
	psql "$PG" -X -P pager=off -c "SELECT ts, action, before_no, after_no, reason, node FROM das_event ORDER BY ts, id" || true
}

service_create "$SVC" --replicas 1 "$DAS_IMAGE" sleep 3600
wait_for '[[ $(service_running "$SVC") == 1 ]]' 120 || fail "service never ran"

echo "== two das daemons, same database and lock_key $LOCK, started together"
start a
start b
wait_for '[[ -n $(role a) && -n $(role b) ]]' 60 || { show; fail "a and b did not both settle on a role"; }
if [[ $(role a) == leader ]]; then L=a S=b; else L=b S=a; fi
assert_eq "leader standby" "$(role $L) $(role $S)" "one leader, one standby"
grep -q 'leader:' "$DIR/$S.log" && { show; fail "$S logged leader: as well"; }
echo "   leader: $L, standby: $S"

echo "== a bounds violation is fixed once, by the leader"
q "insert into das (seq, min_no, max_no, cur_no, cond_item, out_cond, in_cond, out_duration, in_duration, service_id)
   values($SEQ, 2, 3, 1, 'cpu_ratio', '70%', '10%', '30s', '30s', '$SVC')"
wait_for '[[ $(replicas) == 2 ]]' 60 || { show; fail "nobody raised the service to min_no"; }
# Several more ticks of both: nothing else may happen.
sleep 5
assert_eq 1 "$(q "SELECT count(*) FROM das_event WHERE seq = $SEQ AND action = 'bounds'")" "exactly one bounds row"
assert_eq "bounds|1|2|below_min|$L" \
	"$(q "SELECT action, before_no, after_no, reason, node FROM das_event WHERE action = 'bounds'")" "the bounds row"
assert_eq "$L" "$(q "SELECT string_agg(DISTINCT node, ',') FROM das_event")" "only the leader journals"
assert_eq 2 "$(replicas)" "replicas after the bounds fix"
assert_eq 2 "$(q "SELECT cur_no FROM das WHERE seq = $SEQ")" "cur_no"
kill -0 "${PID[$S]}" || fail "the standby died"

echo "== kill -9 the leader ($L): the standby ($S) takes over"
kill -9 "${PID[$L]}"
wait "${PID[$L]}" 2>/dev/null || true
t0=$SECONDS
wait_for 'grep -q "leader: took advisory lock" "$DIR/$S.log"' 90 || { show; fail "$S never took over"; }
echo "   $S leads after $((SECONDS - t0))s"

echo "== a manual scale below min_no: manual, then bounds, by $S"
docker service scale -d "$SVC=1" >/dev/null 2>&1
wait_for '[[ $(q "SELECT count(*) FROM das_event WHERE seq = $SEQ AND action = '\''bounds'\''") == 2 ]]' 60 ||
	{ show; fail "$S did not enforce min_no after the manual change"; }
wait_for '[[ $(replicas) == 2 ]]' 30 || { show; fail "replicas not back at 2"; }
assert_eq "manual:2:1:external:$S bounds:1:2:below_min:$S" \
	"$(q "SELECT string_agg(action || ':' || before_no || ':' || after_no || ':' || reason || ':' || node, ' ' ORDER BY ts, id)
	      FROM das_event WHERE seq = $SEQ AND action IN ('manual', 'bounds') AND node = '$S'")" \
	"the new leader's change rows"
assert_eq 0 "$(q "SELECT count(*) FROM das_event WHERE node NOT IN ('a', 'b')")" "no other node"
assert_eq 2 "$(q "SELECT count(*) FROM das_event WHERE action = 'bounds'")" "no bounds row twice"
assert_eq 2 "$(q "SELECT cur_no FROM das WHERE seq = $SEQ")" "cur_no"
kill -TERM "${PID[$S]}"
rc=0; wait "${PID[$S]}" || rc=$?
assert_eq 0 "$rc" "the new leader exits 0 on SIGTERM"
echo "--- warnings of either (both started on an empty database at once):"
grep -h -i -E 'warn|error' "$DIR/a.log" "$DIR/b.log" || true
# Both create the tables at once: the loser of that race must not fail.
! grep -q -E 'already exists|duplicate key' "$DIR/a.log" "$DIR/b.log" ||
	fail "a das lost the CREATE TABLE race: $(grep -h -E 'already exists|duplicate key' "$DIR/a.log" "$DIR/b.log")"
echo "leader: one leader ($L), one standby ($S); one bounds row; takeover after kill -9"
