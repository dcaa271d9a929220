#!/usr/bin/env bash
# The runc backend end to end (runc-scale's promise), with real runc
# containers: a copy of the stack's bundle whose busybox burns CPU while a
# bind-mounted flag file exists, in a runc root of this test's own, ds
# (interval 2 s) collecting them and das (interval 2 s) scaling them.
#
#  - the cluster starts empty: das starts min_no at once (bounds);
#  - load on: 1 -> 2 -> 3 one step at a time, never past max_no;
#  - load off: 3 -> 2 -> 1, the newest container removed first;
#  - kill -9 a container's init: the next tick replaces it under the same
#    id, journaled once as `replace` (no manual row, no cooldown);
#  - ds's points for the cluster carry backend=runc, container=<runc id>,
#    service_name=<cluster> and no service tag, also for the replacement.
# Prints the time to scale and the time to replace.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
# wait_for takes code to eval later: single quotes are meant.
# shellcheck disable=SC2016

command -v runc >/dev/null || fail "runc not found (run: sh tests/deps.sh)"
das_test_db das_runc
LOCK=$((RANDOM * 7 + 300007))
CL=$(unique_name rc)		# the cluster: containers $CL_1, $CL_2, ...
SEQ=7
WINDOW=20 DS_INT=2 DAS_INT=2
PHASE_TIMEOUT=240

ROOT=$(mktemp -d /run/das-test-XXXXXX)	# runc --root
BND=$(mktemp -d /tmp/das-runc-bundle.XXXXXX)
on_exit "rm -rf '$ROOT' '$BND'"
# Every container of the root, whatever das left: kill, then delete.
on_exit "for id in \$(runc --root '$ROOT' list -q); do runc --root '$ROOT' kill \$id KILL; runc --root '$ROOT' delete --force \$id; done"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
rl() { runc --root "$ROOT" list --format json | jq -c '. // []'; }
# The running containers, sorted: "rc-..._1 rc-..._2".
running() { rl | jq -r '[.[] | select(.status == "running") | .id] | sort | join(" ")'; }
nrunning() { rl | jq '[.[] | select(.status == "running")] | length'; }
ids() { local s="" i; for i in "$@"; do s+="${s:+ }${CL}_$i"; done; echo "$s"; }
changes() {
	q "SELECT coalesce(string_agg(action || ':' || before_no || ':' || after_no, ' ' ORDER BY ts, id), '')
	   FROM das_event WHERE seq = $SEQ AND action IN ('scale_out', 'scale_in', 'bounds', 'manual')"
}
show() {
	echo "--- journal"
	psql "$PG" -X -P pager=off -c "SELECT to_char(ts, 'HH24:MI:SS.MS') AS time, action, before_no AS before,
		after_no AS after, round(value::numeric, 1) AS value, threshold, reason, detail
		FROM das_event WHERE seq = $SEQ ORDER BY ts, id" || true
	echo "--- runc list"; runc --root "$ROOT" list || true
	echo "--- das log (tail)"; tail -n 40 "$BND/das.log" || true
	echo "--- ds log (tail)"; tail -n 10 "$BND/ds.log" || true
}
# Wait for `changes` to be WANT; any journal that is not a prefix of WANT
# (a skipped step, a step past max_no, a manual row) fails at once.
wait_changes() {
	local want=$1 phase=$2 end=$((SECONDS + PHASE_TIMEOUT)) got n
	while :; do
		got=$(changes)
		n=$(nrunning)
		((n <= 3)) || { show; fail "$phase: $n containers run, past max_no 3"; }
		[[ $got == "$want" ]] && return 0
		[[ -z $got || $want == "$got"* ]] || { show; fail "$phase: journal is '$got', expected a prefix of '$want'"; }
		((SECONDS < end)) || { show; fail "$phase: journal still '$got' after ${PHASE_TIMEOUT}s, expected '$want'"; }
		sleep 0.5
	done
}

echo "== bundle: $BND (busy while $BND/flag/busy exists), root: $ROOT"
mkdir "$BND/flag"
jq --arg flag "$BND/flag" '
	.process.args = ["sh", "-c", "while :; do while [ -e /flag/busy ]; do :; done; sleep 1; done"]
	| .mounts += [{destination: "/flag", type: "bind", source: $flag, options: ["rbind", "ro"]}]
	' "$DAS_BUNDLE/config.json" >"$BND/config.json"
jq -e '.linux.namespaces | map(.type) | index("network")' "$BND/config.json" >/dev/null ||
	fail "the bundle must keep its own network namespace"

echo "== ds and das running (every ${DS_INT}s / ${DAS_INT}s)"
"$DAS_ROOT/bin/ds" --influx "$DAS_INFLUX_URL" --database "$IDB" --interval $DS_INT \
	-o runc_root="$ROOT" >"$BND/ds.log" 2>&1 &
DS_PID=$!
on_exit "kill $DS_PID 2>/dev/null || true"
"$DAS_ROOT/bin/das" --pg "$PG" --influx "$DAS_INFLUX_URL" --database "$IDB" \
	--interval $DAS_INT -o ds_interval=$DS_INT -o lock_key=$LOCK -o runc_root="$ROOT" \
	-o "bundle.busy=$BND" \
	>"$BND/das.log" 2>&1 &
DAS_PID=$!
# das first: it would replace what the cleanup kills.
on_exit "kill $DAS_PID 2>/dev/null; for _w in \$(seq 50); do kill -0 $DAS_PID 2>/dev/null || break; sleep 0.1; done"
wait_for '[[ $(q "SELECT to_regclass('\''das_event'\'')") == das_event ]]' 60 ||
	fail "das never created its tables: $(cat "$BND/das.log")"

echo "== policy: cluster $CL, 1..3, cpu_ratio out 40% in 10%, windows ${WINDOW}s; nothing runs yet"
assert_eq "" "$(running)" "the cluster starts empty"
T_ADD=$(now)
q "insert into das (seq, min_no, max_no, cur_no, cond_item, out_cond, in_cond, out_duration, in_duration, service_id, backend, target)
   values($SEQ, 1, 3, 0, 'cpu_ratio', '40%', '10%', '${WINDOW}s', '${WINDOW}s', '$CL', 'runc', 'busy')"
wait_changes "bounds:0:1" "min_no at startup"
wait_for '[[ $(running) == "$(ids 1)" ]]' 30 || { show; fail "${CL}_1 never ran"; }
T_BOUNDS=$(since "$T_ADD")
assert_eq "below_min" "$(q "SELECT reason FROM das_event WHERE seq = $SEQ AND action = 'bounds'")"
assert_match "started ${CL}_1" "$(q "SELECT detail FROM das_event WHERE seq = $SEQ AND action = 'bounds'")"
echo "   min_no started ${T_BOUNDS}s after the INSERT"

echo "== load on"
T_ON=$(now)
touch "$BND/flag/busy"
wait_changes "bounds:0:1 scale_out:1:2" "load on, first step"
T_OUT1=$(since "$T_ON")
wait_changes "bounds:0:1 scale_out:1:2 scale_out:2:3" "load on, second step"
T_OUT2=$(since "$T_ON")
wait_for '[[ $(running) == "$(ids 1 2 3)" ]]' 30 || { show; fail "3 containers never ran"; }
sleep $((3 * DAS_INT))
assert_eq "bounds:0:1 scale_out:1:2 scale_out:2:3" "$(changes)" "no step past max_no"
assert_eq "$(ids 1 2 3)" "$(running)"
assert_eq 3 "$(q "SELECT cur_no FROM das WHERE seq = $SEQ")" "cur_no"

echo "== load off: the newest goes first"
T_OFF=$(now)
rm -f "$BND/flag/busy"
wait_changes "bounds:0:1 scale_out:1:2 scale_out:2:3 scale_in:3:2" "load off, first step"
T_IN1=$(since "$T_OFF")
assert_eq "$(ids 1 2)" "$(running)" "after the first scale_in"
wait_changes "bounds:0:1 scale_out:1:2 scale_out:2:3 scale_in:3:2 scale_in:2:1" "load off, second step"
T_IN2=$(since "$T_OFF")
assert_eq "$(ids 1)" "$(running)" "after the second scale_in"
assert_eq "removed ${CL}_3|removed ${CL}_2" \
	"$(q "SELECT string_agg(detail, '|' ORDER BY ts) FROM das_event WHERE seq = $SEQ AND action = 'scale_in'")"
assert_eq 1 "$(rl | jq length)" "removed containers are deleted, not just stopped"

echo "== kill -9 the init of ${CL}_1: replaced on the next tick"
OLD_PID=$(runc --root "$ROOT" state "${CL}_1" | jq .pid)
T_KILL=$(now)
kill -9 "$OLD_PID"
wait_for '[[ $(q "SELECT count(*) FROM das_event WHERE seq = $SEQ AND action = '\''replace'\''") == 1 ]]' 30 ||
	{ show; fail "the dead container was not replaced"; }
T_REPL=$(since "$T_KILL")
wait_for '[[ $(running) == "$(ids 1)" ]]' 10 || { show; fail "${CL}_1 does not run again"; }
NEW_PID=$(runc --root "$ROOT" state "${CL}_1" | jq .pid)
[[ $NEW_PID != "$OLD_PID" ]] || fail "${CL}_1 still has pid $OLD_PID"
assert_eq "0|1|dead" "$(q "SELECT before_no, after_no, reason FROM das_event WHERE seq = $SEQ AND action = 'replace'")" \
	"the replace row: running before and after, reason"
assert_match "^container ${CL}_1 had stopped; started again from bundle busy \\($BND\\)\$" \
	"$(q "SELECT detail FROM das_event WHERE seq = $SEQ AND action = 'replace'")"
T_REPLACED=$(q "SELECT extract(epoch FROM ts) FROM das_event WHERE seq = $SEQ AND action = 'replace'")
sleep $((3 * DAS_INT))
assert_eq 1 "$(q "SELECT count(*) FROM das_event WHERE seq = $SEQ AND action = 'replace'")" "one replace row"
assert_eq "bounds:0:1 scale_out:1:2 scale_out:2:3 scale_in:3:2 scale_in:2:1" "$(changes)" \
	"a replacement is no replica change (no manual row)"
assert_eq 0 "$(q "SELECT count(*) FROM das_event WHERE seq = $SEQ AND action = 'error'")" "no error row"
assert_eq 1 "$(q "SELECT cur_no FROM das WHERE seq = $SEQ")" "cur_no"

echo "== ds: the cluster's points"
tags=$(iq -d "$IDB" "SELECT count(cpu_ratio) FROM docker WHERE service_name = '$CL' GROUP BY container, backend, service" |
	jq -r '[.results[0].series[]? | "\(.tags.container)/\(.tags.backend)/\(.tags.service)"] | sort | join(" ")')
assert_eq "${CL}_1/runc/ ${CL}_2/runc/ ${CL}_3/runc/" "$tags" "containers, backend, no service tag"
wait_for "iq -d '$IDB' \"SELECT count(cpu_ratio) FROM docker WHERE container = '${CL}_1' AND time > ${T_REPLACED%.*}s + 1s\" | jq -e '.results[0].series[0].values[0][1] >= 2'" 20 ||
	{ show; fail "ds lost ${CL}_1 after its replacement"; }
peak=$(iq -d "$IDB" "SELECT max(cpu_ratio) FROM docker WHERE service_name = '$CL'" | jq '.results[0].series[0].values[0][1]')
assert_ge "$peak" 40 "the busy loop shows in cpu_ratio"

kill -0 "$DAS_PID" || fail "das died"
kill -0 "$DS_PID" || fail "ds died"
echo "   min_no at startup: ${T_BOUNDS}s after the INSERT"
echo "   load on -> 2: ${T_OUT1}s, -> 3: ${T_OUT2}s; load off -> 2: ${T_IN1}s, -> 1: ${T_IN2}s (window ${WINDOW}s)"
echo "   kill -9 -> replace row: ${T_REPL}s"
echo "runc: 0->1 (bounds) ->2->3->2->1, newest removed first, dead container replaced and journaled, ds tags right"
