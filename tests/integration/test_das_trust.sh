#!/usr/bin/env bash
# The policy table is not a root shell (README, "Threat model"):
# - an exec row whose target is a command, or a runc row whose target is
#   a path, is an invalid row (journaled once) and nothing of it runs;
# - a row runs only what das.conf names (exec.NAME, bundle.NAME);
# - what das starts holds stdin, stdout and stderr and no other
#   descriptor (das's PostgreSQL, Docker and InfluxDB sockets stay home);
# - das works with exactly the privileges README's GRANT example gives it,
#   and a role that may only INSERT policies cannot read the journal.
source "$(dirname "$0")/lib.sh"

das_test_db dastrust
SUFFIX=${PGDB##*_}
DAS_ROLE=das_daemon_$SUFFIX OP_ROLE=das_operator_$SUFFIX W_ROLE=das_writer_$SUFFIX
# Roles are the cluster's: dropped after the database that holds their grants.
for r in $DAS_ROLE $OP_ROLE $W_ROLE; do
	on_exit_last "psql -h 127.0.0.1 -p 15432 -U postgres -XAtq -d postgres -c 'DROP ROLE IF EXISTS $r'"
done
DIR=$(mktemp -d /tmp/das-trust.XXXXXX)
on_exit "rm -rf '$DIR'"

as_role() { psql "host=127.0.0.1 port=15432 user=$1 dbname=$PGDB" -XAtq -v ON_ERROR_STOP=1 -c "$2"; }
das_once() {
	local conn=${DAS_CONN:-$PG}
	"$DAS_ROOT/bin/das" --pg "$conn" --influx "$DAS_INFLUX_URL" --database "$IDB" \
		--once -o lock_key=$((RANDOM + 40000)) -o ds_interval=1 \
		-o "exec.calls=$DIR/calls.sh {service} {replicas}" \
		-o "exec.fds=/bin/ls /proc/self/fd" -o "exec.stdin=/usr/bin/readlink /proc/self/fd/0" \
		>>"$DIR/das.log" 2>&1
}

# The commands das.conf allows: one records its arguments, one lists the
# descriptors it was started with (ls itself opens one more: 3, the
# directory it reads).
cat >"$DIR/calls.sh" <<'EOF2'
#!/bin/sh
echo "$1 $2" >> "$(dirname "$0")/calls"
EOF2
chmod +x "$DIR/calls.sh"

echo "== schema and roles as README's GRANT example gives them"
psql "$PG" -XAtq -v ON_ERROR_STOP=1 -f "$DAS_ROOT/schema/postgres.sql"
psql "$PG" -XAtq -v ON_ERROR_STOP=1 \
	-v das_role="$DAS_ROLE" -v operator_role="$OP_ROLE" -v writer_role="$W_ROLE" \
	-f "$DAS_ROOT/schema/roles.sql"
iq -d "$IDB" "CREATE DATABASE \"$IDB\"" >/dev/null

echo "== a row naming a command, a row naming a path, a row naming what das.conf allows"
as_role "$W_ROLE" "insert into das (seq, min_no, max_no, cur_no, cond_item, out_cond, in_cond, out_duration, in_duration, service_id, backend, target)
   values (1, 2, 4, 1, 'cpu_ratio', '50%', '10%', '10s', '10s', 'evil', 'exec', '/bin/touch $DIR/pwned')"
as_role "$W_ROLE" "insert into das (seq, min_no, max_no, cur_no, cond_item, out_cond, in_cond, out_duration, in_duration, service_id, backend, target)
   values (2, 2, 4, 1, 'cpu_ratio', '50%', '10%', '10s', '10s', 'evil', 'runc', '$DIR')"
as_role "$W_ROLE" "insert into das (seq, min_no, max_no, cur_no, cond_item, out_cond, in_cond, out_duration, in_duration, service_id, backend, target)
   values (3, 2, 4, 1, 'cpu_ratio', '50%', '10%', '10s', '10s', 'evil', 'exec', 'nosuch')"
as_role "$W_ROLE" "insert into das (seq, min_no, max_no, cur_no, cond_item, out_cond, in_cond, out_duration, in_duration, service_id, backend, target)
   values (4, 2, 4, 1, 'cpu_ratio', '50%', '10%', '10s', '10s', 'pool', 'exec', 'calls')"
as_role "$W_ROLE" "insert into das (seq, min_no, max_no, cur_no, cond_item, out_cond, in_cond, out_duration, in_duration, service_id, backend, target)
   values (5, 1, 4, 0, 'cpu_ratio', '50%', '10%', '10s', '10s', 'fds', 'exec', 'fds')"
as_role "$W_ROLE" "insert into das (seq, min_no, max_no, cur_no, cond_item, out_cond, in_cond, out_duration, in_duration, service_id, backend, target)
   values (6, 1, 4, 0, 'cpu_ratio', '50%', '10%', '10s', '10s', 'stdin', 'exec', 'stdin')"
# {service} goes into the command's arguments: never an option.
as_role "$W_ROLE" "insert into das (seq, min_no, max_no, cur_no, cond_item, out_cond, in_cond, out_duration, in_duration, service_id, backend, target)
   values (7, 2, 4, 1, 'cpu_ratio', '50%', '10%', '10s', '10s', '--help', 'exec', 'calls')"

DAS_CONN="host=127.0.0.1 port=15432 user=$DAS_ROLE dbname=$PGDB"
das_once
das_once
das_once
[[ ! -e $DIR/pwned ]] || fail "a command from the table ran"
assert_eq "1|2|3|7" "$(q "SELECT string_agg(seq::text, '|' ORDER BY seq) FROM das_event WHERE action = 'invalid'")" \
	"each bad row journaled invalid, once over three ticks"
assert_match 'target "/bin/touch .*" is not a name' "$(q "SELECT detail FROM das_event WHERE seq = 1")"
assert_match 'target "/tmp/das-trust.*" is not a name' "$(q "SELECT detail FROM das_event WHERE seq = 2")"
assert_match 'target "nosuch" is not one of the exec names in das.conf \(exec.NAME = ...; known: calls, fds, stdin\)' \
	"$(q "SELECT detail FROM das_event WHERE seq = 3")"
assert_match 'service_id "--help" is not a cluster name .*not starting with - or \.' \
	"$(q "SELECT detail FROM das_event WHERE seq = 7")"

echo "== what das.conf names ran, with stdio only"
assert_eq "pool 2" "$(cat "$DIR/calls")" "the named command ran once (bounds: min_no 2)"
assert_eq "0 1 2 3" "$(q "SELECT replace(detail, E'\n', ' ') FROM das_event WHERE seq = 5 AND action = 'bounds'")" \
	"the child holds stdin, stdout, stderr and nothing else (3: the directory ls reads)"
assert_eq "/dev/null" "$(q "SELECT detail FROM das_event WHERE seq = 6 AND action = 'bounds'")" "stdin"
assert_eq "bounds|1|2" "$(q "SELECT action, before_no, after_no FROM das_event WHERE seq = 4 AND action = 'bounds'")"
assert_eq 2 "$(q "SELECT cur_no FROM das WHERE seq = 4")" "das (least privileges) wrote cur_no"

echo "== the roles: the writer cannot read the journal; the operator can, and cannot write it"
if as_role "$W_ROLE" "SELECT count(*) FROM das_event" 2>/dev/null; then
	fail "the INSERT-only role read das_event"
fi
assert_eq "$(q "SELECT count(*) FROM das_event")" "$(as_role "$OP_ROLE" "SELECT count(*) FROM das_event")" \
	"the operator reads the journal"
if as_role "$OP_ROLE" "DELETE FROM das_event" 2>/dev/null; then
	fail "the operator may rewrite the journal"
fi
if as_role "$DAS_ROLE" "DELETE FROM das" 2>/dev/null; then
	fail "das's role may delete policies"
fi
echo "policy table: commands and paths refused, das.conf names run with stdio only, least-privilege roles work"
