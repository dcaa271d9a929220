#!/usr/bin/env bash
# Every change das did not make is journaled once: five external
# `docker service scale` calls past max_no in a row give five `manual`
# rows, each followed by the `bounds` row that brought the service back.
# (The journal's times are the actions' own, to the microsecond: a manual
# row and the bounds row of the same tick never look alike.)
# wait_for takes code to eval later: single quotes are meant.
# shellcheck disable=SC2016
source "$(dirname "$0")/lib.sh"

das_test_db dasmanual
DIR=$(mktemp -d /tmp/das-manual.XXXXXX)
on_exit "rm -rf '$DIR'"
SVC=$(unique_name manual)
ROUNDS=5

replicas() { docker service inspect -f '{{.Spec.Mode.Replicated.Replicas}}' "$SVC"; }
changes() {
	q "SELECT coalesce(string_agg(action || ':' || before_no || ':' || after_no, ' ' ORDER BY ts, id), '')
	   FROM das_event WHERE seq = 7 AND action IN ('scale_out', 'scale_in', 'bounds', 'manual')"
}
show() { tail -n 30 "$DIR/das.log"; echo "journal: $(changes)"; }

service_create "$SVC" --replicas 3 "$DAS_IMAGE" sleep 3600
"$DAS_ROOT/bin/das" --pg "$PG" --influx "$DAS_INFLUX_URL" --database "$IDB" \
	--interval 1 -o ds_interval=1 -o lock_key=$((RANDOM * 7 + 500009)) >"$DIR/das.log" 2>&1 &
DAS_PID=$!
on_exit "kill $DAS_PID 2>/dev/null || true"
wait_for '[[ $(q "SELECT to_regclass('\''das_event'\'')") == das_event ]]' 30 || { show; fail "no tables"; }
q "insert into das (seq, min_no, max_no, cur_no, cond_item, out_cond, in_cond, out_duration, in_duration, service_id)
   values (7, 1, 3, 3, 'cpu_ratio', '70%', '10%', '10m', '10m', '$SVC')"
wait_for '[[ $(q "SELECT count(*) FROM das_event WHERE seq = 7") -ge 1 ]]' 20 || { show; fail "das never saw the policy"; }

want=""
for i in $(seq 1 $ROUNDS); do
	docker service scale --detach "$SVC=5" >/dev/null
	want+="${want:+ }manual:3:5 bounds:5:3"
	wait_for '[[ $(changes) == "$want" ]]' 30 0.2 || { show; fail "round $i: journal '$(changes)', expected '$want'"; }
	wait_for '[[ $(replicas) == 3 ]]' 10 0.2 || { show; fail "round $i: not back to max_no"; }
done
assert_eq $ROUNDS "$(q "SELECT count(*) FROM das_event WHERE seq = 7 AND action = 'manual'")" \
	"one manual row per external change"
assert_eq "$ROUNDS" "$(q "SELECT count(DISTINCT ts) FROM das_event WHERE seq = 7 AND action = 'manual'")"
kill -0 "$DAS_PID" || fail "das died"
echo "manual changes: $ROUNDS external scales past max_no, $ROUNDS manual rows, each undone by a bounds row"
