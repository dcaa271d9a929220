#!/usr/bin/env bash
# The window cache (issue 12, cost at scale; README "Cost at scale"): das
# keeps ds's samples between ticks and asks InfluxDB only for the new rows.
#
# 1. bin/cache-check (tests/integration/cache_check.c) writes six
#    services' samples to this InfluxDB and compares, for 42 policies of
#    every aggregate (mean, max, min, median, p90, rate with a counter
#    reset, target mode's ready containers) and two windows, what das
#    computes from its cache with what InfluxDB answers to das's own
#    statements, at the same instant: a full read, then two reads of new
#    rows only, with samples written late (and one rewritten) between.
# 2. The daemon: one full read at its start, then only new rows (a
#    "reading every window in full" debug line once in a dozen ticks); a
#    read that fails (the database dropped under it) is a hold that
#    names InfluxDB's error, and the next good read is a full one; an
#    exec policy decides from the cache all along (a load above out_cond
#    scales it out through /bin/true).
# wait_for takes code to eval later: single quotes are meant.
# shellcheck disable=SC2016
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

das_test_db das_cache
on_exit "iq 'DROP DATABASE \"$IDB\"' >/dev/null 2>&1 || true"
LOCK=$((RANDOM * 5 + 300017))
DIR=$(mktemp -d /tmp/das-cache.XXXXXX)
on_exit "rm -rf '$DIR'"
SEQ=31

echo "== the cache's observations are InfluxDB's (bin/cache-check)"
[[ -x $DAS_ROOT/bin/cache-check ]] || fail "bin/cache-check not built (make bin/cache-check)"
"$DAS_ROOT/bin/cache-check" "$DAS_INFLUX_URL" "${IDB}_check" >"$DIR/check.log" 2>&1 ||
	{ cat "$DIR/check.log"; iq "DROP DATABASE \"${IDB}_check\"" >/dev/null || true; fail "cache-check"; }
iq "DROP DATABASE \"${IDB}_check\"" >/dev/null || true
sed 's/^/   /' "$DIR/check.log"

full_reads() { grep -c 'window cache: reading every window in full' "$DIR/das.log" || true; }
cache_reads() { grep -c 'window cache: [0-9]* samples of' "$DIR/das.log" || true; }
show() { echo "--- das log (tail)"; tail -n 40 "$DIR/das.log" || true; }

# The writer: two containers of service "cached" every second, cpu_ratio
# from $DIR/load.
writer() {
	local v now
	while :; do
		v=$(cat "$DIR/load") now=$(date +%s%N)
		iw -d "$IDB" "docker,service=cached,service_name=cached,backend=exec,container=c1 cpu_ratio=$v $now
docker,service=cached,service_name=cached,backend=exec,container=c2 cpu_ratio=$v $now" >/dev/null 2>&1 || true
		sleep 1
	done
}

echo "== das reads in full once, then only what is new"
echo 30 >"$DIR/load"
iq "CREATE DATABASE \"$IDB\"" >/dev/null
writer &
WPID=$!
on_exit "kill $WPID 2>/dev/null || true"
"$DAS_ROOT/bin/das" --pg "$PG" --influx "$DAS_INFLUX_URL" --database "$IDB" -v \
	--interval 1 -o ds_interval=1 -o lock_key=$LOCK -o "exec.noop=/bin/true {service} {replicas}" \
	>"$DIR/das.log" 2>&1 &
DAS_PID=$!
on_exit "kill $DAS_PID 2>/dev/null || true"
wait_for '[[ $(q "SELECT to_regclass('\''das_event'\'')") == das_event ]]' 60 ||
	fail "das never created its tables: $(cat "$DIR/das.log")"
q "insert into das (seq, min_no, max_no, cur_no, cond_item, out_cond, in_cond, out_duration, in_duration,
	service_id, backend, target) values($SEQ, 1, 5, 2, 'cpu_ratio', '70%', '10%', '5s', '5s', 'cached', 'exec', 'noop')"
wait_for '[[ $(cache_reads) -ge 12 ]]' 60 || { show; fail "das did not read 12 times"; }
assert_eq 1 "$(full_reads)" "one full read in $(cache_reads) reads"

echo "== 90 %: das decides from the cache"
echo 90 >"$DIR/load"
wait_for '[[ $(q "SELECT count(*) FROM das_event WHERE seq = $SEQ AND action = '\''scale_out'\''") -ge 1 ]]' 60 ||
	{ show; fail "no scale_out at 90 %"; }
echo "   $(q "SELECT action || ' ' || before_no || ' -> ' || after_no || ' at ' || round(value::numeric, 1)
	FROM das_event WHERE seq = $SEQ AND action = 'scale_out' ORDER BY ts LIMIT 1")"
assert_eq 1 "$(full_reads)" "still one full read"

echo "== a read that fails: held, named, and the next good one is full"
iq "DROP DATABASE \"$IDB\"" >/dev/null
wait_for 'grep -q "did not give ds.s new samples: database not found.*next tick reads every window in full" "$DIR/das.log"' 30 ||
	{ show; fail "a failed read was not said"; }
iq "CREATE DATABASE \"$IDB\"" >/dev/null
wait_for '[[ $(full_reads) -ge 2 ]]' 30 || { show; fail "no full read after the failed one"; }
N=$(cache_reads)
wait_for '[[ $(cache_reads) -ge $((N + 5)) ]]' 30 || { show; fail "das stopped reading"; }
assert_eq 2 "$(full_reads)" "two full reads: the start and after the failure"
kill -0 $DAS_PID || fail "das exited"
echo "ok"
