#!/usr/bin/env bash
# The main loop end to end, with nothing faked: a Swarm service whose
# busybox replicas burn CPU while a bind-mounted flag file exists, ds
# writing real cgroup figures every 2 s, das deciding every 2 s.
#
# Load on → 1→2→3 one step at a time, never past max_no; load off → 3→2→1.
# Then the journal, cur_no and the live replica count must tell the same
# story, consecutive changes must be a window apart (anti-flapping), and
# the reaction time (flag touched → first scale_out row) is printed against
# the README's bound: out window + 2 × (ds interval + das interval).
# wait_for takes code to eval later: single quotes are meant.
# shellcheck disable=SC2016
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

das_test_db das_scale
LOCK=$((RANDOM * 7 + 200003))
SVC=$(unique_name scale)
DIR=$(mktemp -d /tmp/das-scale.XXXXXX)
on_exit "rm -rf '$DIR'"
SEQ=42
WINDOW=20 DS_INT=2 DAS_INT=2
# A service update and a task start on a loaded 2-core machine.
TOLERANCE=10
PHASE_TIMEOUT=300

replicas() { docker service inspect -f '{{.Spec.Mode.Replicated.Replicas}}' "$SVC"; }
now() { date +%s.%N; }
# The scale rows of the policy, oldest first: "action:before:after ...".
changes() {
	q "SELECT coalesce(string_agg(action || ':' || before_no || ':' || after_no, ' ' ORDER BY ts, id), '')
	   FROM das_event WHERE seq = $SEQ AND action IN ('scale_out', 'scale_in', 'bounds', 'manual')"
}
journal() {
	psql "$PG" -X -P pager=off -c "SELECT to_char(ts, 'HH24:MI:SS.MS') AS time, action, before_no AS before,
		after_no AS after, round(value::numeric, 1) AS value, threshold, reason, node
		FROM das_event WHERE seq = $SEQ ORDER BY ts, id"
}
show() {
	echo "--- journal"; journal || true
	echo "--- das log (tail)"; tail -n 40 "$DIR/das.log" || true
	echo "--- ds log (tail)"; tail -n 10 "$DIR/ds.log" || true
}
# Wait for `changes` to be WANT; fail (with the evidence) if it becomes
# anything that is not a prefix of WANT — a skipped step, a step past
# max_no or an unexpected direction shows at once.
wait_changes() {
	local want=$1 phase=$2 end=$((SECONDS + PHASE_TIMEOUT)) got r
	while :; do
		got=$(changes)
		r=$(replicas)
		((r <= 3)) || { show; fail "$phase: $r replicas, past max_no 3"; }
		[[ $got == "$want" ]] && return 0
		[[ -z $got || $want == "$got"* ]] || { show; fail "$phase: journal is '$got', expected a prefix of '$want'"; }
		((SECONDS < end)) || { show; fail "$phase: journal still '$got' after ${PHASE_TIMEOUT}s, expected '$want'"; }
		sleep 1
	done
}

echo "== service: one replica, busy while $DIR/busy exists"
service_create "$SVC" --replicas 1 \
	--mount "type=bind,source=$DIR,target=/flag" \
	"$DAS_IMAGE" sh -c 'while :; do while [ -e /flag/busy ]; do :; done; sleep 1; done'
wait_for '[[ $(service_running "$SVC") == 1 ]]' 120 || fail "service $SVC never ran"

echo "== ds and das running (every ${DS_INT}s / ${DAS_INT}s)"
"$DAS_ROOT/bin/ds" --influx "$DAS_INFLUX_URL" --database "$IDB" --interval $DS_INT \
	>"$DIR/ds.log" 2>&1 &
DS_PID=$!
on_exit "kill $DS_PID 2>/dev/null || true"
"$DAS_ROOT/bin/das" --pg "$PG" --influx "$DAS_INFLUX_URL" --database "$IDB" \
	--interval $DAS_INT -o ds_interval=$DS_INT -o lock_key=$LOCK >"$DIR/das.log" 2>&1 &
DAS_PID=$!
on_exit "kill $DAS_PID 2>/dev/null || true"
wait_for '[[ $(q "SELECT to_regclass('\''das_event'\'')") == das_event ]]' 60 ||
	fail "das never created its tables: $(cat "$DIR/das.log")"
q "insert into das (seq, min_no, max_no, cur_no, cond_item, out_cond, in_cond, out_duration, in_duration, service_id)
   values($SEQ, 1, 3, 1, 'cpu_ratio', '40%', '10%', '${WINDOW}s', '${WINDOW}s', '$SVC')"

# The replay below starts here: the policy's first tick.
T_SINCE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
# Let the idle service be seen (cpu samples near 0) before the load.
wait_for '[[ $(q "SELECT count(*) FROM das_event WHERE seq = $SEQ") -ge 1 ]]' 60 ||
	{ show; fail "das never journaled the new policy (hold no_data expected)"; }
wait_for "iq -d '$IDB' \"SELECT count(cpu_ratio) FROM docker WHERE service_name = '$SVC'\" | jq -e '.results[0].series[0].values[0][1] >= 2'" 60 ||
	{ show; fail "ds wrote no cpu_ratio for $SVC"; }

echo "== load on"
T_ON=$(now)
touch "$DIR/busy"
wait_changes "scale_out:1:2" "load on, first step"
wait_changes "scale_out:1:2 scale_out:2:3" "load on, second step"
wait_for '[[ $(service_running "$SVC") == 3 ]]' 120 || { show; fail "3 tasks never ran"; }
# At max_no under load das holds: give it a few ticks to prove it.
sleep $((3 * DAS_INT))
assert_eq "scale_out:1:2 scale_out:2:3" "$(changes)" "no step past max_no"
assert_eq 3 "$(replicas)"

echo "== load off"
rm -f "$DIR/busy"
wait_changes "scale_out:1:2 scale_out:2:3 scale_in:3:2" "load off, first step"
wait_changes "scale_out:1:2 scale_out:2:3 scale_in:3:2 scale_in:2:1" "load off, second step"
sleep $((3 * DAS_INT))
assert_eq "scale_out:1:2 scale_out:2:3 scale_in:3:2 scale_in:2:1" "$(changes)" "nothing below min_no"
journal

echo "== journal, cur_no and the live count agree"
last=$(q "SELECT after_no FROM das_event WHERE seq = $SEQ AND action IN ('scale_out', 'scale_in') ORDER BY ts DESC, id DESC LIMIT 1")
wait_for '[[ $(q "SELECT cur_no FROM das WHERE seq = $SEQ") == 1 ]]' 30 || true
assert_eq 1 "$last" "last after_no"
assert_eq 1 "$(q "SELECT cur_no FROM das WHERE seq = $SEQ")" "cur_no"
assert_eq 1 "$(replicas)" "live replicas"
# Every scale row carries the value it acted on and the threshold.
assert_eq 0 "$(q "SELECT count(*) FROM das_event WHERE seq = $SEQ AND action IN ('scale_out', 'scale_in')
	AND (value IS NULL OR threshold IS NULL OR (action = 'scale_out' AND value <= threshold)
	     OR (action = 'scale_in' AND value >= threshold))")" "scale rows record a value past their threshold"

echo "== anti-flapping: consecutive changes at least one window (${WINDOW}s) apart"
gaps=$(q "SELECT round(extract(epoch FROM ts - lag(ts) OVER (ORDER BY ts, id))::numeric, 1)
	FROM das_event WHERE seq = $SEQ AND action IN ('scale_out', 'scale_in') ORDER BY ts, id" | sed 1d)
echo "   gaps (s): $(tr '\n' ' ' <<<"$gaps")"
for g in $gaps; do assert_ge "$g" "$WINDOW" "gap between consecutive scale rows"; done

echo "== reaction time"
first=$(q "SELECT extract(epoch FROM ts) FROM das_event WHERE seq = $SEQ AND action = 'scale_out' ORDER BY ts LIMIT 1")
react=$(awk -v a="$first" -v b="$T_ON" 'BEGIN { printf "%.1f", a - b }')
bound=$((WINDOW + 2 * (DS_INT + DAS_INT)))
echo "   reaction (flag touched -> first scale_out row): ${react}s"
echo "   README bound: out window + 2 x (ds + das interval) = ${bound}s (+ ${TOLERANCE}s update/task start = $((bound + TOLERANCE))s)"
awk -v r="$react" -v b="$(((bound + TOLERANCE) * 3))" 'BEGIN { exit !(r > 0 && r <= b) }' ||
	fail "reaction ${react}s is not within 3 x $((bound + TOLERANCE))s"
echo "== dasctl replay of this span reproduces das's actions"
# The history ds wrote and the policy row, replayed with das's own rules
# on the model (README, "Replay"): the same changes in the same order,
# each within two ticks of das's. The start delay is what a task takes
# here to start and be sampled twice (a cpu ratio needs two readings).
T_UNTIL=$(date -u +%Y-%m-%dT%H:%M:%SZ)
"$DAS_ROOT/bin/dasctl" replay "$SVC" --pg "$PG" --influx "$DAS_INFLUX_URL" --database "$IDB" \
	--since "$T_SINCE" --until "$T_UNTIL" --interval ${DS_INT}s --tick ${DAS_INT}s \
	--start-delay $((2 * DS_INT))s --timeline "$DIR/replay.csv" --json >"$DIR/replay.json" ||
	{ show; fail "dasctl replay failed"; }
origin=$(jq -r '.origin_ns / 1e9' "$DIR/replay.json")
# Changes in the timeline: "action:before:after@epoch" per count change.
replayed=$(awk -F, -v o="$origin" 'NR > 1 { if (NR > 2 && $4 != prev)
	printf "%s%s:%d:%d@%.1f", n++ ? " " : "", $6, prev, $4, o + $1; prev = $4 }
	NR == 2 { prev = $4 }' "$DIR/replay.csv")
real=$(q "SELECT string_agg(action || ':' || before_no || ':' || after_no || '@' ||
	round(extract(epoch FROM ts)::numeric, 1), ' ' ORDER BY ts, id)
	FROM das_event WHERE seq = $SEQ AND action IN ('scale_out', 'scale_in')")
echo "   das:    $real"
echo "   replay: $replayed"
assert_eq "$(sed 's/@[0-9.]*//g' <<<"$real")" "$(sed 's/@[0-9.]*//g' <<<"$replayed")" \
	"replayed changes (count, direction, counts)"
while read -r a b; do
	awk -v a="${a#*@}" -v b="${b#*@}" -v tol=$((2 * DAS_INT)) \
		'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= tol) }' ||
		fail "replayed change $b is more than two ticks from das's $a"
done < <(paste -d' ' <(tr ' ' '\n' <<<"$real") <(tr ' ' '\n' <<<"$replayed"))
jq -e '.runs[0].actions == 4 and .runs[0].name == "das"' "$DIR/replay.json" >/dev/null ||
	fail "replay summary: $(cat "$DIR/replay.json")"
kill -0 "$DAS_PID" || fail "das died"
kill -0 "$DS_PID" || fail "ds died"
echo "scale: 1->2->3->2->1 step by step; journal = cur_no = replicas; gaps >= window; reaction ${react}s (bound ${bound}s)"
