#!/usr/bin/env bash
# Many policies: from 256 planned policies on, das cuts its statements in
# two parts and asks InfluxDB with two requests side by side (README
# "Queries").  300 exec policies in a dry run, each over a service of its
# own: the first 150 under load (cpu_ratio 90), the rest in band (50).
# Every loaded policy must be journaled as a would-be scale-out with the
# value it saw and every other one must stay quiet, which needs both parts
# read: the aggregate comes from one request, the coverage (first and
# last sample times) from the other.  Then the database is dropped: each
# statement fails, and nothing is decided on missing data.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

N=300
HOT=150
das_test_db das_many
LOCK=$((RANDOM * 7 + 800003))
LOG=$(mktemp /tmp/das-many.XXXXXX)
on_exit "rm -f '$LOG.lp'"

das_once() {
	das_once_ok "$LOG" -v --dry-run -o lock_key=$LOCK -o ds_interval=1 \
		-o "exec.noop=/bin/true {service} {replicas}" "$@"
}
# Thirty samples a second apart up to now for services m1..mN: 90 for the
# first HOT, 50 for the others.
# (9,000 lines: too long for an argument, so they go through a file)
load() {
	local now
	now=$(date +%s)
	awk -v n=$N -v hot=$HOT -v now="$now" 'BEGIN {
		for (s = 1; s <= n; s++)
			for (i = 29; i >= 0; i--)
				printf "docker,backend=exec,service_name=m%d cpu_ratio=%d %d000000000\n",
				    s, s <= hot ? 90 : 50, now - i
	}' >"$LOG.lp"
	curl -sS --fail-with-body --max-time 30 -XPOST "$DAS_INFLUX_URL/write?db=$IDB" \
		--data-binary "@$LOG.lp"
}
last_tick() { grep -o 'tick: [^,]*policies.*' "$LOG" | tail -n 1; }

iq -d "$IDB" "CREATE DATABASE \"$IDB\"" >/dev/null
das_once	# creates the tables
q "INSERT INTO das (seq, min_no, max_no, cur_no, cond_item, out_cond, in_cond, out_duration,
	in_duration, service_id, backend, target)
   SELECT g, 1, 10, 2, 'cpu_ratio', '70%', '10%', '20s', '20s', 'm' || g, 'exec',
	'noop' FROM generate_series(1, $N) g"

echo "== $N policies: two requests, both answers read"
load
das_once
assert_match "^tick: $N policies \\($N valid\\), [0-9]+ actions, 2 InfluxDB requests" "$(last_tick)" \
	"the tick asked InfluxDB twice"
assert_eq "$HOT" "$(q "SELECT count(*) FROM das_event WHERE action = 'dry_run' AND reason = 'above_out'")" \
	"every loaded policy would scale out"
assert_eq "$HOT" "$(q "SELECT count(DISTINCT seq) FROM das_event WHERE action = 'dry_run' AND reason = 'above_out'
	AND seq <= $HOT AND value BETWEEN 89 AND 91")" "each with its own service's value"
assert_eq 0 "$(q "SELECT count(*) FROM das_event WHERE seq > $HOT AND action <> 'hold'")" \
	"the policies in band did nothing"
assert_eq 0 "$(q "SELECT count(*) FROM das_event WHERE reason = 'no_data'")" \
	"no policy lacked data"

echo "== influx_requests = 1: one request, the same decisions"
q "TRUNCATE das_event"
# Fresh samples: the coverage rule wants them within 2 ds intervals (2 s)
# of now, and the first run may have taken longer than that.
load
das_once -o influx_requests=1
assert_match "^tick: $N policies \\($N valid\\), [0-9]+ actions, 1 InfluxDB requests" "$(last_tick)" \
	"the tick asked InfluxDB once"
assert_eq "$HOT" "$(q "SELECT count(*) FROM das_event WHERE action = 'dry_run' AND reason = 'above_out'")" \
	"every loaded policy would scale out"

echo "== the database is gone: every statement fails, every policy holds"
iq -d "$IDB" "DROP DATABASE \"$IDB\"" >/dev/null
before=$(q "SELECT count(*) FROM das_event WHERE action = 'dry_run'")
das_once
assert_eq "$N" "$(q "SELECT count(*) FROM das_event WHERE action = 'hold' AND reason = 'no_data'
	AND detail LIKE '%database not found%'")" "every policy holds, saying why"
assert_eq "$before" "$(q "SELECT count(*) FROM das_event WHERE action = 'dry_run'")" \
	"nothing decided without data"
echo "many: $N policies, two InfluxDB requests side by side, every answer read"
