#!/usr/bin/env bash
# dasctl's exit statuses, case by case, as README's "dasctl" section
# tabulates them: every command against each outcome the table gives it —
# done (0), refused (1), bad usage (2), not found (3), PostgreSQL down (4),
# partial answer with InfluxDB or Docker down (5) — and, for the commands
# that do not need InfluxDB or Docker, that they still do their work.
# A server "down" is a closed port or a missing socket given to dasctl, so
# the shared servers stay up; "refused" is a real refusal by PostgreSQL (a
# database without the das table, a read-only session) or by the policy.
source "$(dirname "$0")/lib.sh"

das_test_db dasctl_exit
EMPTYDB=${PGDB}_empty	# no das table
createdb -h 127.0.0.1 -p 15432 -U postgres "$EMPTYDB"
on_exit "dropdb -h 127.0.0.1 -p 15432 -U postgres --if-exists '$EMPTYDB'"
iq -d "$IDB" "CREATE DATABASE \"$IDB\"" >/dev/null

# Nothing listens on port 1 (checked): connections are refused at once.
[[ -z $(ss -Hltn 'sport = :1') ]] || fail "something listens on port 1"
PG_DOWN="host=127.0.0.1 port=1 connect_timeout=2"
PG_EMPTY="host=127.0.0.1 port=15432 user=postgres dbname=$EMPTYDB"
PG_RO="$PG options='-c default_transaction_read_only=on'"
INFLUX_DOWN=http://127.0.0.1:1
DOCKER_DOWN=/nonexistent/das-test/docker.sock
SVC=$(unique_name ctlx)
BAD=$SVC-gone	# a policy row naming no Swarm service: invalid

OUT=$(mktemp /tmp/das-ctlx.XXXXXX)
ERR=$(mktemp /tmp/das-ctlx.XXXXXX)
on_exit "rm -f '$OUT' '$ERR'"

replicas() { docker service inspect -f '{{.Spec.Mode.Replicated.Replicas}}' "$SVC"; }

# x WANT WHAT ARGS...: dasctl ARGS exits WANT; stdout in $OUT, stderr in
# $ERR for further checks. The servers come first in ARGS (any order).
x() {
	local want=$1 what=$2 rc=0
	shift 2
	"$DAS_ROOT/bin/dasctl" "$@" >"$OUT" 2>"$ERR" || rc=$?
	[[ $rc == "$want" ]] ||
		fail "$what: dasctl $*: exit $rc, want $want; stderr: $(cat "$ERR")"
}
# The same with each server up or down; the rest of the words follow.
up=(--pg "$PG" --influx "$DAS_INFLUX_URL" --database "$IDB")
pg_down=(--pg "$PG_DOWN" --influx "$DAS_INFLUX_URL" --database "$IDB")
pg_empty=(--pg "$PG_EMPTY" --influx "$DAS_INFLUX_URL" --database "$IDB")
pg_ro=(--pg "$PG_RO" --influx "$DAS_INFLUX_URL" --database "$IDB")
influx_down=(--pg "$PG" --influx "$INFLUX_DOWN" --database "$IDB")
docker_down=("${up[@]}" -o "docker_socket=$DOCKER_DOWN")
no_db=(--pg "$PG" --influx "$DAS_INFLUX_URL" --database "${IDB}_none")
err_has() { assert_match "$1" "$(cat "$ERR")" "$2: stderr"; }

service_create "$SVC" --replicas 1 "$DAS_IMAGE" sleep 3600
"$DAS_ROOT/bin/das" "${up[@]}" --once -o lock_key=$((RANDOM * 3 + 19)) \
	-o ds_interval=2 >/dev/null 2>&1	# creates the tables
x 0 "add" "${up[@]}" add "$SVC" --seq 12 --min 1 --max 2 --out 70% --in 10%
q "INSERT INTO das (seq, min_no, max_no, cond_item, out_cond, in_cond, out_duration, in_duration, service_id) VALUES (13, 1, 2, 'cpu_ratio', '70%', '10%', '1m', '1m', '$BAD')"

# ---------------------------------------------------------------- global
x 0 "--help" --help
assert_match "scale SERVICE up\|down\|N \[--force\]" "$(cat "$OUT")" "--help lists scale"
x 0 "command --help" scale --help
assert_match "^usage: dasctl \[OPTIONS\] scale SERVICE" "$(cat "$OUT")" "scale --help"
x 0 "--help before the command" --help add
assert_match "--min-available" "$(cat "$OUT")" "add's options"
x 2 "no command" "${up[@]}"
x 2 "unknown command" "${up[@]}" frobnicate
err_has 'unknown command "frobnicate"; nothing was done' "unknown command"
x 2 "unknown option" "${up[@]}" list --jsn

# ---------------------------------------------------------------- list
x 0 "list" "${up[@]}" list
x 0 "list --json after the command" list --json "${up[@]}"
assert_eq "12 no_data" "$(jq -r '.[] | select(.seq == 12) | "\(.seq) \(.state)"' "$OUT")" "list --json"
x 0 "options between command and servers" --json list --pg "$PG" --database "$IDB" --influx "$DAS_INFLUX_URL"
x 1 "list: no das table" "${pg_empty[@]}" list
err_has 'relation "das" does not exist' "list: no das table"
x 2 "list: an argument" "${up[@]}" list "$SVC"
x 2 "list: another command's option" "${up[@]}" list --since 1h
err_has '--since is an option of "history" or "replay", not of "list"' "list --since"
x 4 "list: PostgreSQL down" "${pg_down[@]}" list
err_has "port 1" "list: PostgreSQL down"
x 5 "list: InfluxDB down" "${influx_down[@]}" list --json
err_has "127.0.0.1:1" "list: InfluxDB down names it"
assert_eq "no_data" "$(jq -r '.[] | select(.seq == 12) | .state' "$OUT")" "InfluxDB down: still answered"
x 5 "list: no InfluxDB database" "${no_db[@]}" list
x 5 "list: Docker down" "${docker_down[@]}" list
err_has "$DOCKER_DOWN" "list: Docker down names it"

# ---------------------------------------------------------------- explain
x 0 "explain" "${up[@]}" explain "$SVC"
assert_match "decision hold: too few samples" "$(cat "$OUT")" "explain"
x 1 "explain: no das table" "${pg_empty[@]}" explain "$SVC"
x 2 "explain: no SERVICE" "${up[@]}" explain
x 2 "explain: two" "${up[@]}" explain "$SVC" "$SVC"
x 3 "explain: no policy" "${up[@]}" explain nothing-by-that-name
x 4 "explain: PostgreSQL down" "${pg_down[@]}" explain "$SVC"
x 5 "explain: InfluxDB down" "${influx_down[@]}" explain "$SVC"
assert_match "note +metrics unavailable: .*127.0.0.1:1" "$(cat "$OUT")" "explain says why"
x 5 "explain: Docker down" "${docker_down[@]}" explain "$SVC"
x 0 "explain: an invalid row is an answer" "${up[@]}" explain "$BAD"

# ---------------------------------------------------------------- history
x 0 "history" "${up[@]}" history
x 0 "history SERVICE --since" "${up[@]}" history --since 2h "$SVC"
x 0 "history: unknown SERVICE has no rows" "${up[@]}" history nothing-by-that-name
x 1 "history: no das_event table" "${pg_empty[@]}" history
x 2 "history: bad --since" "${up[@]}" history --since yesterday
err_has '"yesterday" is not a duration' "bad --since"
x 2 "history: two services" "${up[@]}" history "$SVC" "$BAD"
x 4 "history: PostgreSQL down" "${pg_down[@]}" history
x 0 "history: InfluxDB down" "${influx_down[@]}" history

# ---------------------------------------------------------------- scale
x 0 "scale within bounds" "${up[@]}" scale "$SVC" 2
assert_match "das keeps 2 and counts it as the last change" "$(cat "$OUT")" "scale 2"
assert_eq 2 "$(replicas)" "scaled"
x 1 "scale: Docker down" "${docker_down[@]}" scale "$SVC" 1
err_has "nothing was done" "scale: Docker down"
x 1 "scale: invalid row" "${up[@]}" scale "$BAD" 1
x 2 "scale: not a count" "${up[@]}" scale "$SVC" sideways
x 2 "scale: no count" "${up[@]}" scale "$SVC"
x 2 "scale: past max_no" "${up[@]}" scale "$SVC" up
err_has "3 is above max_no 2 of policy seq 12" "scale: past max_no"
x 2 "scale: below min_no" "${up[@]}" scale "$SVC" 0
assert_eq 2 "$(replicas)" "refused: unchanged"
x 3 "scale: no policy" "${up[@]}" scale nothing-by-that-name 1
x 4 "scale: PostgreSQL down" "${pg_down[@]}" scale "$SVC" 1
x 0 "scale: InfluxDB down" "${influx_down[@]}" scale "$SVC" 1
assert_eq 1 "$(replicas)" "scaled without InfluxDB"
x 0 "scale --force before the command" --force "${up[@]}" scale "$SVC" 3
assert_match "das will bring it back to 2" "$(cat "$OUT")" "--force"
x 0 "scale back" "${up[@]}" scale "$SVC" -- 1
assert_eq 1 "$(replicas)" "scaled back"
# a change das could not record is not made
x 1 "scale: read-only session" "${pg_ro[@]}" scale "$SVC" 2
err_has "would not record the change.*read-only transaction.*nothing was changed" "scale: read-only"
assert_eq 1 "$(replicas)" "read-only: not scaled"

# ---------------------------------------------------------------- pause, resume
for cmd in pause resume; do
	x 1 "$cmd: read-only session" "${pg_ro[@]}" "$cmd" "$SVC"
	err_has "read-only transaction.*nothing was changed" "$cmd: read-only"
	x 2 "$cmd: no SERVICE" "${up[@]}" "$cmd"
	x 3 "$cmd: no policy" "${up[@]}" "$cmd" nothing-by-that-name
	x 4 "$cmd: PostgreSQL down" "${pg_down[@]}" "$cmd" "$SVC"
done
assert_eq t "$(q "SELECT enabled FROM das WHERE seq = 12")" "refused: enabled unchanged"
x 0 "pause: InfluxDB and Docker down" "${influx_down[@]}" -o "docker_socket=$DOCKER_DOWN" pause "$SVC"
assert_eq f "$(q "SELECT enabled FROM das WHERE seq = 12")"
x 0 "resume: InfluxDB and Docker down" "${influx_down[@]}" -o "docker_socket=$DOCKER_DOWN" resume "$SVC"
assert_eq t "$(q "SELECT enabled FROM das WHERE seq = 12")"

# ---------------------------------------------------------------- status
x 0 "status" "${up[@]}" status "$SVC"
assert_match "task\(s\) of service $SVC" "$(cat "$OUT")" "status"
x 1 "status: Docker down" "${docker_down[@]}" status "$SVC"
x 1 "status: invalid row" "${up[@]}" status "$BAD"
x 2 "status: no SERVICE" "${up[@]}" status
x 3 "status: no policy" "${up[@]}" status nothing-by-that-name
x 4 "status: PostgreSQL down" "${pg_down[@]}" status "$SVC"
x 0 "status: InfluxDB down" "${influx_down[@]}" status "$SVC"

# ---------------------------------------------------------------- replay
# SERVICE's history is InfluxDB's: the one command that needs InfluxDB to
# answer; a trace needs no server at all.
TRACE=$(mktemp /tmp/das-ctlx.XXXXXX)
on_exit "rm -f '$TRACE'"
printf 'time,load\n0,50\n10,60\n20,70\n30,80\n' >"$TRACE"
POL="min_no=1,max_no=4,cond_item=cpu_ratio,out_cond=70%,in_cond=10%,out_duration=10s,in_duration=10s"
x 0 "replay --trace: every server down" --pg "$PG_DOWN" --influx "$INFLUX_DOWN" \
	-o "docker_socket=$DOCKER_DOWN" replay --trace "$TRACE" --policy "$POL"
assert_match "^das " "$(grep '^das ' "$OUT")" "replay --trace: the scores"
x 1 "replay: InfluxDB down" "${influx_down[@]}" replay "$SVC" --since 1h
err_has "$SVC's history of cpu_ratio: .*nothing was replayed" "replay: InfluxDB down"
x 1 "replay: a file it cannot write" replay --trace "$TRACE" --policy "$POL" --timeline /nonexistent/das/t.csv
x 2 "replay: no SERVICE and no --trace" "${up[@]}" replay --since 1h
x 2 "replay: an invalid policy" replay --trace "$TRACE" --policy "min_no=1"
err_has "das would journal" "replay: an invalid policy"
x 2 "replay: no such trace" replay --trace /nonexistent/das/t.csv --policy "$POL"
x 2 "replay: another command's option" replay --trace "$TRACE" --policy "$POL" --force
# a group's trace: one load column per row; rows das would not group
printf 'time,cpu,mem\n0,50,1\n10,60,1\n20,70,1\n30,80,1\n' >"$TRACE"
x 0 "replay: a group of two rows" replay --trace "$TRACE" --policy "$POL;$POL,seq=2,cond_item=mem_ratio"
x 2 "replay: a group's rows with two backends" replay --trace "$TRACE" \
	--policy "$POL;$POL,seq=2,backend=exec,target=pool"
err_has "das makes every row of such a service invalid" "replay: two backends"
x 2 "replay: a group's rows of two services" replay --trace "$TRACE" \
	--policy "$POL,service_id=a;$POL,seq=2,service_id=b"
x 2 "replay: a group's rows with two bounds" replay --trace "$TRACE" --policy "$POL;$POL,seq=2,max_no=3"
x 3 "replay: no policy" "${up[@]}" replay nothing-by-that-name --since 1h
x 3 "replay: no history" "${up[@]}" replay "$SVC" --since 1h
x 4 "replay: PostgreSQL down" "${pg_down[@]}" replay "$SVC" --since 1h

# ---------------------------------------------------------------- add
add=(--min 1 --max 2 --out 70% --in 10%)
x 1 "add: Docker down" "${docker_down[@]}" add "$SVC" --seq 20 "${add[@]}"
x 1 "add: read-only session" "${pg_ro[@]}" add "$SVC" --seq 20 "${add[@]}"
err_has "read-only transaction" "add: read-only"
x 2 "add: invalid value" "${up[@]}" add "$SVC" --seq 20 --min 5 --max 2 --out 70% --in 10%
x 2 "add: no SERVICE" "${up[@]}" add --seq 20 "${add[@]}"
x 2 "add: another command's option" "${up[@]}" add "$SVC" --seq 20 --force "${add[@]}"
x 3 "add: no Swarm service" "${up[@]}" add nothing-by-that-name --seq 20 "${add[@]}"
x 4 "add: PostgreSQL down" "${pg_down[@]}" add "$SVC" --seq 20 "${add[@]}"
assert_eq 0 "$(q "SELECT count(*) FROM das WHERE seq = 20")" "refused rows were not written"
x 0 "add: InfluxDB down, options first" --min 1 --max 2 "${influx_down[@]}" --out 70% --in 10% add --seq 20 "$SVC"
assert_eq "1|2|$SVC" "$(q "SELECT min_no, max_no, service_id FROM das WHERE seq = 20")"
echo "dasctl: every exit status of every command checked"
