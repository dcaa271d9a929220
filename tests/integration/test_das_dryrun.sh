#!/usr/bin/env bash
# Dry runs decide and journal but never act: `--dry-run` for every policy,
# the dry_run column for one.  A bounds violation and a threshold crossing
# are journaled as `dry_run` ("dry run: would bounds" / "would scale_out"),
# once per decision rather than once per tick, and the replica counts do
# not move.  A dry run is not a change: the same policy run for real acts
# at once.
# wait_for takes code to eval later: single quotes are meant.
# shellcheck disable=SC2016
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

das_test_db das_dryrun
LOCK=$((RANDOM * 7 + 700001))
S1=$(unique_name dry-a)
S2=$(unique_name dry-b)
S3=$(unique_name dry-c)
LOG=$(mktemp /tmp/das-dryrun.XXXXXX)
on_exit "rm -f '$LOG'"

replicas() { docker service inspect -f '{{.Spec.Mode.Replicated.Replicas}}' "$1"; }
das_once() { das_once_ok "$LOG" -o lock_key=$LOCK -o ds_interval=1 "$@"; }
# Thirty samples, one a second up to now, of cpu_ratio 90 for service ID
# NAME: a covered 20 s window, well above the out threshold.
load() {
	local id=$1 name=$2 now i lines=""
	now=$(date +%s)
	for i in $(seq 29 -1 0); do
		lines+="docker,backend=docker,container=d0d0cafe0001,node=t,service=$id,service_name=$name cpu_ratio=90 $(((now - i) * 1000000000))"$'\n'
	done
	iw -d "$IDB" "$lines"
}
dry_rows() { q "SELECT coalesce(string_agg(before_no || ':' || after_no || ':' || reason || ':' || detail, ' ' ORDER BY ts, id), '')
	FROM das_event WHERE seq = $1 AND action = 'dry_run'"; }

service_create "$S1" --replicas 1 "$DAS_IMAGE" sleep 3600
ID1=$SERVICE_ID
service_create "$S2" --replicas 1 "$DAS_IMAGE" sleep 3600
service_create "$S3" --replicas 1 "$DAS_IMAGE" sleep 3600
iq -d "$IDB" "CREATE DATABASE \"$IDB\"" >/dev/null
das_once	# creates the tables (with the optional columns)

echo "== --dry-run: a bounds violation"
q "insert into das (seq, min_no, max_no, cur_no, cond_item, out_cond, in_cond, out_duration, in_duration, service_id)
   values (1, 2, 3, 1, 'cpu_ratio', '70%', '10%', '20s', '20s', '$S1')"
das_once --dry-run
das_once --dry-run
assert_eq "1:2:below_min:dry run: would bounds" "$(dry_rows 1)" "one dry_run row over two runs"
assert_eq 1 "$(replicas "$S1")" "--dry-run did not change the replicas"
assert_eq 0 "$(q "SELECT count(*) FROM das_event WHERE action IN ('bounds', 'scale_out', 'scale_in')")" "no action journaled"
grep -q 'dry run' "$LOG" || fail "the startup line does not say dry run"

echo "== --dry-run: a threshold crossing (synthetic load)"
q "UPDATE das SET min_no = 1 WHERE seq = 1"
load "$ID1" "$S1"
das_once --dry-run
assert_eq "1:2:below_min:dry run: would bounds 1:2:above_out:dry run: would scale_out" "$(dry_rows 1)" \
	"the would-be scale-out is journaled"
assert_ge "$(q "SELECT value FROM das_event WHERE seq = 1 AND reason = 'above_out'")" 50 "with the value it saw"
assert_eq 1 "$(replicas "$S1")" "--dry-run did not scale out"

echo "== the dry_run column: only that policy is dry"
q "insert into das (seq, min_no, max_no, cur_no, cond_item, out_cond, in_cond, out_duration, in_duration, service_id, dry_run)
   values (2, 2, 3, 1, 'cpu_ratio', '70%', '10%', '20s', '20s', '$S2', true),
          (3, 2, 3, 1, 'cpu_ratio', '70%', '10%', '20s', '20s', '$S3', false)"
q "UPDATE das SET enabled = false WHERE seq = 1"
das_once
das_once
assert_eq "1:2:below_min:dry run: would bounds" "$(dry_rows 2)" "seq 2: one dry_run row"
assert_eq 1 "$(replicas "$S2")" "the dry_run policy's service did not move"
assert_eq "bounds|1|2" "$(q "SELECT action, before_no, after_no FROM das_event WHERE seq = 3 AND action <> 'hold'")" \
	"the policy beside it acts"
assert_eq 2 "$(replicas "$S3")" "seq 3 raised to min_no"
assert_eq 1 "$(q "SELECT cur_no FROM das WHERE seq = 2")" "cur_no of the dry policy: the count it saw"

echo "== run for real: a dry run is not a change, das acts at once"
q "UPDATE das SET dry_run = false WHERE seq = 2"
q "UPDATE das SET enabled = true WHERE seq = 1"
load "$ID1" "$S1"
das_once
assert_eq 2 "$(replicas "$S2")" "seq 2 raised to min_no for real"
assert_eq "bounds|1|2|below_min" "$(q "SELECT action, before_no, after_no, reason FROM das_event WHERE seq = 2 AND action = 'bounds'")"
assert_eq 2 "$(replicas "$S1")" "seq 1 scaled out for real (no cooldown from the dry runs)"
assert_eq "scale_out|1|2" "$(q "SELECT action, before_no, after_no FROM das_event WHERE seq = 1 AND action = 'scale_out'")"
echo "dryrun: --dry-run and the dry_run column journal what they would do and change nothing"
