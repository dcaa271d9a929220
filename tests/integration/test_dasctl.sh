#!/usr/bin/env bash
# dasctl against the real stack: every command, its exit codes, and the
# manual-override rules end to end — a change by dasctl or by anyone's
# `docker service scale` is kept by das (cooldown starts), except to
# enforce min/max; a paused policy is left alone.
source "$(dirname "$0")/lib.sh"

das_test_db dasctl
# An InfluxDB database without points: "no data yet", not "no database"
# (which dasctl reports as a partial answer, exit 5).
iq -d "$IDB" "CREATE DATABASE \"$IDB\"" >/dev/null
LOCK=$((RANDOM * 3 + 17))
SVC=$(unique_name ctl)

ctl() { "$DAS_ROOT/bin/dasctl" --pg "$PG" --influx "$DAS_INFLUX_URL" --database "$IDB" "$@"; }
das_once() {
	"$DAS_ROOT/bin/das" --pg "$PG" --influx "$DAS_INFLUX_URL" --database "$IDB" \
		--once -o lock_key=$LOCK -o ds_interval=2 >>"$LOG" 2>&1
}
replicas() { docker service inspect -f '{{.Spec.Mode.Replicated.Replicas}}' "$SVC"; }
# The exit status of a command expected to fail (an && || list does not
# trip the ERR trap).
rc_of() { local rc=0; "$@" >/dev/null 2>&1 || rc=$?; echo "$rc"; }
LOG=$(mktemp /tmp/das-ctl.XXXXXX)
on_exit "rm -f '$LOG'"

service_create "$SVC" --replicas 1 "$DAS_IMAGE" sleep 3600
das_once	# creates the tables

# add: good row, unknown service, invalid value, database down.
ctl add "$SVC" --seq 7 --min 1 --max 3 --out 70% --in 10% --out-window 1m \
	--in-window 2m --step-out 1 --cooldown-in 5m >/dev/null
assert_eq "7|1|3|cpu_ratio|70%|10%|1m|2m|$SVC|1|5m" \
	"$(q "SELECT seq, min_no, max_no, cond_item, out_cond, in_cond, out_duration, in_duration, service_id, step_out, cooldown_in FROM das")" \
	"dasctl add writes the row an INSERT would"
assert_eq 3 "$(rc_of ctl add no-such-service-here --min 1 --max 2 --out 70% --in 10%)" "unknown service"
assert_eq 2 "$(rc_of ctl add "$SVC" --min 5 --max 2 --out 70% --in 10%)" "min > max"
assert_eq 2 "$(rc_of ctl add "$SVC" --min 1 --max 2 --out '70 parsecs' --in 10%)" "bad unit"
assert_eq 4 "$(rc_of "$DAS_ROOT/bin/dasctl" --pg "host=127.0.0.1 port=1 connect_timeout=2" list)" "database down"
assert_eq 3 "$(rc_of ctl explain nothing-by-that-name)" "explain unknown"
assert_eq 2 "$(rc_of ctl frobnicate)" "unknown command"
assert_eq 1 "$(q "SELECT count(*) FROM das")" "refused rows were not written"

# list, --json, explain, status.
out=$(ctl list)
assert_match "SEQ +SERVICE +BACKEND" "$out" "list header"
assert_match "7 +$SVC +swarm +1/3 +1 " "$out" "list row"
assert_match "1/1 +1m/5m" "$out" "steps and cooldowns out/in"
state=$(ctl --json list | jq -r '.[0].state')
assert_eq no_data "$state" "json state"
# The option after the command, as in docker, kubectl and git.
assert_eq "7 no_data" "$(ctl list --json | jq -r '.[0] | "\(.seq) \(.state)"')" "list --json"
assert_match "decision hold: too few samples" "$(ctl explain "$SVC")" "explain says why"
assert_match "1 task\(s\) of service $SVC" "$(ctl status "$SVC")" "status lists tasks"

# dasctl scale up: journaled manual, kept by das (no undo, no second row);
# dasctl says when das may move it again: out window 1m with cooldown_out
# defaulting to it, in window 2m with cooldown_in 5m (the row above).
out=$(ctl scale "$SVC" up)
assert_eq 2 "$(replicas)" "scale up by step_out"
assert_eq "$SVC: 1 -> 2 replicas, journaled as manual; das keeps 2 and counts it as the last change: it scales out no sooner than 1m from now (out window 1m, cooldown 1m) and in no sooner than 5m from now (in window 2m, cooldown 5m), and only when a window of data from after this change calls for it" \
	"$out" "scale says what das does with a count within bounds"
assert_eq "manual|1|2|dasctl" "$(q "SELECT action, before_no, after_no, reason FROM das_event WHERE action = 'manual'")"
das_once
das_once
assert_eq 2 "$(replicas)" "das keeps the manual change"
assert_eq 1 "$(q "SELECT count(*) FROM das_event WHERE action = 'manual'")" "das adopted dasctl's row"
assert_eq 2 "$(q "SELECT cur_no FROM das WHERE seq = 7")" "cur_no follows"
assert_eq 2 "$(rc_of ctl scale "$SVC" sideways)" "bad scale value"

# Anyone's docker service scale: das journals it as manual (external).
docker service scale -d "$SVC=3" >/dev/null 2>&1
das_once
assert_eq 3 "$(replicas)" "external change kept"
assert_eq "manual|2|3|external" \
	"$(q "SELECT action, before_no, after_no, reason FROM das_event ORDER BY ts DESC LIMIT 1")"

# dasctl refuses a count das would undo: past max_no, nothing is done.
err=$(ctl scale "$SVC" up 2>&1 >/dev/null) && fail "scale past max_no succeeded"
assert_eq 2 "$(rc_of ctl scale "$SVC" up)" "scale past max_no is refused"
assert_eq "dasctl: scale: 4 is above max_no 3 of policy seq 7 (service $SVC): das would scale it back to 3 on its next tick. Nothing was done; use --force to set it anyway (das will then bring it back to 3)" \
	"$(grep '^dasctl: scale' <<<"$err")" "the refusal says what das would do"
assert_eq 2 "$(rc_of ctl scale "$SVC" 0)" "below min_no is refused"
assert_eq 3 "$(replicas)" "refused: replicas unchanged"
assert_eq 1 "$(q "SELECT count(*) FROM das_event WHERE reason = 'dasctl'")" "refused: nothing journaled"
# --force, after the arguments: done, and das brings it back on its tick.
out=$(ctl scale "$SVC" 4 --force)
assert_eq "$SVC: 3 -> 4 replicas, journaled as manual; das will bring it back to 3 (max_no of policy seq 7) on its next tick" "$out" "--force says das undoes it"
assert_eq 4 "$(replicas)" "--force scales past max_no"
das_once
assert_eq 3 "$(replicas)" "das brought the forced count back to max_no"
assert_eq "manual:3:4:dasctl bounds:4:3:above_max" \
	"$(q "SELECT string_agg(action || ':' || before_no || ':' || after_no || ':' || reason, ' ' ORDER BY ts, action DESC) FROM das_event WHERE action IN ('manual', 'bounds') AND 4 IN (before_no, after_no)")"

# ... except past max_no: the change is recorded, then bounds win.
docker service scale -d "$SVC=5" >/dev/null 2>&1
das_once
assert_eq 3 "$(replicas)" "bounds enforced after a manual change above max"
assert_eq "manual:3:5 bounds:5:3" \
	"$(q "SELECT string_agg(action || ':' || before_no || ':' || after_no, ' ' ORDER BY ts, action DESC) FROM das_event WHERE ts > now() - interval '1 minute' AND action IN ('manual', 'bounds') AND after_no IN (5, 3) AND before_no IN (3, 5)")"

# pause: das leaves the service alone (even out of bounds); resume: back.
ctl pause "$SVC" >/dev/null
assert_eq f "$(q "SELECT enabled FROM das WHERE seq = 7")"
docker service scale -d "$SVC=5" >/dev/null 2>&1
das_once
assert_eq 5 "$(replicas)" "paused: not touched"
assert_match "paused" "$(ctl list)" "list shows paused"
ctl resume "$SVC" >/dev/null
das_once
assert_eq 3 "$(replicas)" "resumed: bounds again"

# history: the journal, filtered; a bad --since is a usage error.
hist=$(ctl history "$SVC" --since 1h)
assert_match "manual .*dasctl" "$hist" "history shows the dasctl change"
assert_match "bounds" "$hist" "history shows bounds"
assert_eq 2 "$(rc_of ctl history --since yesterday)" "bad --since"
echo "dasctl: all commands and exit codes checked"
