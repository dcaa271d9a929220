#!/usr/bin/env bash
# das when its servers fail, and when its rows are hostile:
#   InfluxDB unreachable  → a clear log line, policies that need metrics
#                           hold ("metrics unavailable"), bounds are still
#                           enforced, --once exits 0;
#   PostgreSQL unreachable → a clear line naming the problem and what comes
#                           next, the daemon stays up, SIGTERM exits 0;
#   Docker socket missing → one `error` row per Swarm policy over several
#                           ticks (not one per tick), no crash;
#   SQL / InfluxQL injection attempts in the row → `invalid` rows, the
#                           tables and the InfluxDB database intact.
# wait_for takes code to eval later: single quotes are meant.
# shellcheck disable=SC2016
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

das_test_db das_faults
LOCK=$((RANDOM * 7 + 600011))
S1=$(unique_name faults-a)
S2=$(unique_name faults-b)
DIR=$(mktemp -d /tmp/das-faults.XXXXXX)
on_exit "rm -rf '$DIR'"

replicas() { docker service inspect -f '{{.Spec.Mode.Replicated.Replicas}}' "$1"; }
# das_once LOG [das options...]: one tick, prints the exit status.
das_once() {
	local log=$1 rc=0; shift
	das_run_once "$DIR/$log" -o lock_key=$LOCK -o ds_interval=2 "$@" || rc=$?
	echo "$rc"
}
rows() { q "SELECT count(*) FROM das_event WHERE seq = $1 AND action = '$2'"; }

service_create "$S1" --replicas 1 "$DAS_IMAGE" sleep 3600
service_create "$S2" --replicas 1 "$DAS_IMAGE" sleep 3600
iq -d "$IDB" "CREATE DATABASE \"$IDB\"" >/dev/null
iw -d "$IDB" 'canary,t=x v=1i'
assert_eq 0 "$(das_once setup.log)" "setup run"
q "insert into das (seq, min_no, max_no, cur_no, cond_item, out_cond, in_cond, out_duration, in_duration, service_id)
   values (1, 1, 3, 1, 'cpu_ratio', '70%', '10%', '1m', '1m', '$S1'),
          (2, 2, 3, 1, 'cpu_ratio', '70%', '10%', '1m', '1m', '$S2')"

echo "== InfluxDB unreachable"
for _ in 1 2; do
	assert_eq 0 "$(das_once influx.log --influx http://127.0.0.1:1)" "das --once exit status, InfluxDB down"
done
grep -q 'InfluxDB.*holding every policy that needs metrics' "$DIR/influx.log" ||
	fail "no clear log line about InfluxDB: $(cat "$DIR/influx.log")"
echo "   log: $(grep -m1 'holding every policy' "$DIR/influx.log" | sed 's/.*warning: //')"
assert_eq "hold|no_data" "$(q "SELECT action, reason FROM das_event WHERE seq = 1")" "seq 1 held, once over 2 runs"
assert_match "^metrics unavailable: .*127\.0\.0\.1:1" "$(q "SELECT detail FROM das_event WHERE seq = 1")" "the hold says why"
assert_eq "bounds|1|2|below_min" "$(q "SELECT action, before_no, after_no, reason FROM das_event WHERE seq = 2 AND action = 'bounds'")" \
	"bounds enforced without InfluxDB"
assert_eq 2 "$(replicas "$S2")" "S2 raised to min_no"
assert_eq 1 "$(replicas "$S1")" "S1 untouched"

echo "== Docker socket missing: one error row per Swarm policy over many ticks"
for _ in 1 2 3; do
	assert_eq 0 "$(das_once docker.log -o docker_socket=/nonexistent)" "das --once exit status, Docker down"
done
"$DAS_ROOT/bin/das" --pg "$PG" --influx "$DAS_INFLUX_URL" --database "$IDB" --interval 1 -v \
	-o lock_key=$LOCK -o ds_interval=2 -o docker_socket=/nonexistent >>"$DIR/docker.log" 2>&1 &
pid=$!
on_exit "kill -9 $pid 2>/dev/null || true"
wait_for '[[ $(grep -c "tick: " "$DIR/docker.log") -ge 3 ]]' 60 || fail "the daemon did not tick 3 times: $(tail "$DIR/docker.log")"
kill -TERM $pid
rc=0; wait $pid || rc=$?
assert_eq 0 "$rc" "daemon exit status with Docker down"
for s in 1 2; do
	assert_eq 1 "$(rows $s error)" "seq $s: error rows after 3 runs and 3 ticks"
	assert_match "/nonexistent" "$(q "SELECT detail FROM das_event WHERE seq = $s AND action = 'error'")" \
		"seq $s: the error names the socket"
done
grep -q 'no Swarm policy acts this tick' "$DIR/docker.log" || fail "no clear log line about Docker: $(tail "$DIR/docker.log")"
assert_eq 1 "$(replicas "$S1")" "S1 untouched with Docker down"
assert_eq 2 "$(replicas "$S2")" "S2 untouched with Docker down"

echo "== PostgreSQL unreachable"
"$DAS_ROOT/bin/das" --pg "host=127.0.0.1 port=1 user=postgres dbname=$PGDB connect_timeout=2" \
	--influx "$DAS_INFLUX_URL" --database "$IDB" --interval 1 -o lock_key=$LOCK >"$DIR/pg.log" 2>&1 &
pid=$!
on_exit "kill -9 $pid 2>/dev/null || true"
sleep 3
kill -0 $pid || fail "das died with PostgreSQL down: $(cat "$DIR/pg.log")"
kill -TERM $pid
rc=0; wait $pid || rc=$?
assert_eq 0 "$rc" "das exit status after SIGTERM, PostgreSQL down"
grep -q 'PostgreSQL.*port 1 failed.*; trying again next tick' "$DIR/pg.log" ||
	fail "no clear log line naming PostgreSQL and what comes next: $(cat "$DIR/pg.log")"
n=$(grep -c 'trying again next tick' "$DIR/pg.log")
assert_ge "$n" 2 "das kept trying while PostgreSQL was down (log lines)"
rc=0
"$DAS_ROOT/bin/das" --pg "host=127.0.0.1 port=1 connect_timeout=2" --once >"$DIR/pg1.log" 2>&1 || rc=$?
echo "   das --once with PostgreSQL down: exit $rc: $(grep warning "$DIR/pg1.log" | sed 's/.*warning: //')"
grep -q 'PostgreSQL.*port 1 failed' "$DIR/pg1.log" || fail "--once: no line naming PostgreSQL"

echo "== injection attempts in the row: invalid, tables intact"
q "insert into das (seq, min_no, max_no, cur_no, cond_item, out_cond, in_cond, out_duration, in_duration, service_id) values
   (11, 1, 3, 1, 'cpu_ratio', '70%''; DROP TABLE das; --', '10%', '1m', '1m', '$S1'),
   (12, 1, 3, 1, 'cpu_ratio', '70%', '10%', '1m', '1m', 'x\" OR 1=1 --'),
   (13, 1, 3, 1, 'cpu_ratio\") FROM docker; DROP DATABASE \"$IDB', '70%', '10%', '1m', '1m', '$S1'),
   (14, 1, 3, 1, 'cpu_ratio', '70%', '10%', '1m; DROP DATABASE \"$IDB\"', '1m', '$S1'),
   (15, 1, 3, 1, 'cpu_ratio', '70%', '10%', '1m', '1m', 'x'' OR service =~ /.*/ --')"
for _ in 1 2; do assert_eq 0 "$(das_once inject.log)" "das --once exit status with hostile rows"; done
for s in 11 12 13 14 15; do
	assert_eq 1 "$(rows $s invalid)" "seq $s: one invalid row"
	assert_eq 0 "$(q "SELECT count(*) FROM das_event WHERE seq = $s AND action <> 'invalid'")" "seq $s: nothing but invalid"
done
q "SELECT seq, detail FROM das_event WHERE seq > 10 ORDER BY seq" | sed 's/^/   /'
assert_match "DROP TABLE das" "$(q "SELECT detail FROM das_event WHERE seq = 11")" "the hostile text is stored as data"
assert_eq 7 "$(q "SELECT count(*) FROM das")" "the policy table is intact"
assert_eq "das das_event" "$(q "SELECT string_agg(tablename, ' ' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'")" \
	"both tables still there"
iq "SHOW DATABASES" | jq -e --arg db "$IDB" '.results[0].series[0].values | map(.[0]) | index($db) != null' >/dev/null ||
	fail "the InfluxDB database $IDB is gone"
assert_eq 1 "$(iq -d "$IDB" 'SELECT count(v) FROM canary' | jq -r '.results[0].series[0].values[0][1]')" \
	"the InfluxDB data is intact"
# The good rows were still evaluated beside the hostile ones.
assert_eq 1 "$(q "SELECT cur_no FROM das WHERE seq = 1")" "seq 1 cur_no"
assert_eq 2 "$(q "SELECT cur_no FROM das WHERE seq = 2")" "seq 2 cur_no"
echo "faults: InfluxDB, PostgreSQL and Docker down handled; injection attempts refused"
