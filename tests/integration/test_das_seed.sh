#!/usr/bin/env bash
# README's way in ("Register a service"): a table of the INSERT's ten
# columns and the INSERT, verbatim, in a fresh database.  das must run on
# that table as is (creating only its journal), refuse the unknown service
# once (not once per run), and once service_id names a real service: hold
# on no data, write cur_no back with the real replica count, and raise a
# service below min_no without metrics.
# wait_for takes code to eval later: single quotes are meant.
# shellcheck disable=SC2016
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

das_test_db das_seed
LOCK=$((RANDOM * 7 + 100003))
SVC=$(unique_name seed)
LOG=$(mktemp /tmp/das-seed.XXXXXX)
on_exit "rm -f '$LOG'"

# One das tick; its exit status is the test's business (set -e stops on 1).
das_once() { das_once_ok "$LOG" -o lock_key=$LOCK -o ds_interval=2; }
replicas() { docker service inspect -f '{{.Spec.Mode.Replicated.Replicas}}' "$SVC"; }

echo "== the ten-column table and README's INSERT, verbatim"
q "create table das (seq int primary key, min_no int, max_no int, cur_no int, cond_item text, out_cond text, in_cond text, out_duration text, in_duration text, service_id text)"
q "insert into das (seq, min_no, max_no, cur_no, cond_item, out_cond, in_cond, out_duration, in_duration, service_id) values(1, 1, 10, 3, 'cpu_ratio', '70%', '10%', '10m', '10m', '6dnh8i971l5h');"
assert_eq "" "$(q "SELECT to_regclass('das_event')")" "no journal before das ran"

echo "== two runs: the unknown service is journaled invalid once"
das_once
assert_eq das_event "$(q "SELECT to_regclass('das_event')")" "das created its journal"
das_once
assert_eq 1 "$(q "SELECT count(*) FROM das_event WHERE seq = 1 AND action = 'invalid'")" \
	"one invalid row for the unknown service across two runs"
assert_eq 1 "$(q "SELECT count(*) FROM das_event WHERE seq = 1")" "nothing else journaled for seq 1"
assert_match 'no Swarm service .*"6dnh8i971l5h"' \
	"$(q "SELECT detail FROM das_event WHERE seq = 1 AND action = 'invalid'")" "the detail names the service"
assert_eq 3 "$(q "SELECT cur_no FROM das WHERE seq = 1")" "cur_no untouched for an invalid row"
assert_eq 10 "$(q "SELECT count(*) FROM information_schema.columns WHERE table_name = 'das'")" \
	"das did not add columns to the ten-column table"
pts=$(iq -d "$IDB" "SELECT count(\"reason\") FROM das_event WHERE \"seq\" = '1' AND \"action\" = 'invalid'" |
	jq -r '.results[0].series[0].values[0][1] // 0')
assert_eq 1 "$pts" "one das_event point in InfluxDB for the invalid row"
grep -q 'policy seq 1 .*6dnh8i971l5h' "$LOG" || fail "the log does not name the refused row: $(cat "$LOG")"

echo "== service_id names a real service: valid, no data, cur_no = the real count"
service_create "$SVC" --replicas 2 "$DAS_IMAGE" sleep 3600
q "UPDATE das SET service_id = '$SVC' WHERE seq = 1"
das_once
assert_eq 2 "$(q "SELECT cur_no FROM das WHERE seq = 1")" "cur_no written back with the observed count"
assert_eq "hold|no_data" \
	"$(q "SELECT action, reason FROM das_event WHERE seq = 1 ORDER BY ts DESC, id DESC LIMIT 1")" \
	"no metrics: held with no_data"
assert_eq 2 "$(replicas)" "no metrics, no change"
assert_eq 0 "$(q "SELECT count(*) FROM das_event WHERE seq = 1 AND action IN ('scale_out', 'scale_in', 'bounds')")"

echo "== below min_no: raised to min_no without any metrics"
docker service scale -d "$SVC=1" >/dev/null 2>&1
q "UPDATE das SET min_no = 2 WHERE seq = 1"
das_once
assert_eq 2 "$(replicas)" "bounds raised the service to min_no"
assert_eq "bounds|1|2|below_min" \
	"$(q "SELECT action, before_no, after_no, reason FROM das_event WHERE seq = 1 AND action = 'bounds'")" \
	"one bounds row"
assert_eq 2 "$(q "SELECT cur_no FROM das WHERE seq = 1")" "cur_no follows the change"
wait_for '[[ $(service_running "$SVC") == 2 ]]' 120 || fail "the service never ran 2 tasks"
das_once
assert_eq 1 "$(q "SELECT count(*) FROM das_event WHERE seq = 1 AND action = 'bounds'")" "no second bounds row"
echo "seed: verbatim table and INSERT work; invalid once; no_data; cur_no; bounds"
