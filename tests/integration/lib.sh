# tests/integration/lib.sh — helpers for integration tests (bash).
#
# Usage, at the top of a tests/integration/test_*.sh:
#
#     source "$(dirname "$0")/lib.sh"
#
# It turns on strict mode, loads the stack's environment (DAS_INFLUX_URL,
# DAS_PG, DAS_IMAGE, DAS_BUNDLE, ... from `tests/stack.sh env`) and gives:
#
#   fail MSG                      print "FAIL: MSG" and exit 1
#   assert_eq WANT GOT [MSG]      string equality
#   assert_ge GOT MIN [MSG]       numeric GOT >= MIN (integers or decimals)
#   assert_match REGEX GOT [MSG]  bash regex match
#   wait_for 'CMD' TIMEOUT [STEP] retry CMD (eval'd) until it succeeds;
#                                 returns 1 after TIMEOUT seconds
#   on_exit 'CMD'                 run CMD when the test exits, however it
#                                 exits (pass, fail, timeout signal);
#                                 last registered runs first
#   on_exit_last 'CMD'            the same, after every other cleanup
#   unique_name PREFIX            PREFIX-<8 random hex>, valid for Docker names
#   iq [-d DB] 'INFLUXQL'         query InfluxDB, print the JSON answer
#   iw [-d DB] 'LINE PROTOCOL'    write points to InfluxDB
#   psql_das 'SQL'                run SQL on the das database, print rows
#   das_test_db PREFIX            a PostgreSQL and an InfluxDB database of
#                                 one unique name, dropped on exit; sets
#                                 PGDB (the name), PG (libpq connection
#                                 string) and IDB (InfluxDB database, the
#                                 same name, not created: some tests want
#                                 das to meet it missing)
#   q 'SQL'                       run SQL on $PG, print rows
#   das_run_once LOG [ARGS]       das --once ARGS on those databases, its
#                                 output appended to LOG; das's status
#   das_once_ok LOG [ARGS]        the same, failing the test unless 0
#   service_create NAME ARGS...   docker service create, labelled das.test=1,
#                                 removed on exit; ARGS as for the CLI; sets
#                                 SERVICE_ID (call it directly, not in $(...):
#                                 a subshell would lose the cleanup)
#   service_running NAME          number of tasks of NAME in state Running
#   port_open PORT                something accepts on 127.0.0.1:PORT
#   listen PORT LOG PROG [ARGS]   a stand-in server: PROG serves each
#                                 connection to 127.0.0.1:PORT (stdin and
#                                 stdout are the connection), its stderr
#                                 to LOG; stopped on exit
#   unlisten                      stop it
#   ds_cycles LOG                 ds's cycles that made points so far
#   ds_back_to_influx PORT LOG PID  the stand-in gives way to the stack's
#                                 InfluxDB; ds (pid PID, -v, logging to
#                                 LOG) must deliver what it held, sample
#                                 on and flush everything on SIGTERM
#
# Tests label every Docker object they create with das.test=1, so that
# `tests/stack.sh clean` can find leftovers of a test that was killed hard.

set -Eeuo pipefail

DAS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export DAS_ROOT
eval "$("$DAS_ROOT/tests/stack.sh" env)"

# Default InfluxDB database for iq/iw.
: "${DAS_INFLUX_DB:=docker}"

# ------------------------------------------------------------ failing

fail() {
	printf 'FAIL: %s\n' "$*" >&2
	exit 1
}

# Say where a test died when a plain command fails under `set -e`; without
# it the output just stops and one has to guess which line it was.
_das_on_err() {
	local rc=$? i
	printf 'ERROR: exit %d at %s:%s: %s\n' "$rc" "${BASH_SOURCE[1]:-?}" "${BASH_LINENO[0]:-?}" \
		"$BASH_COMMAND" >&2
	for ((i = 2; i < ${#FUNCNAME[@]}; i++)); do
		printf '    from %s() at %s:%s\n' "${FUNCNAME[i]}" "${BASH_SOURCE[i]:-?}" "${BASH_LINENO[i - 1]:-?}" >&2
	done
}
trap _das_on_err ERR

assert_eq() {
	local want=$1 got=$2 msg=${3:-}
	[[ $want == "$got" ]] || fail "${msg:+$msg: }expected '$want', got '$got'"
}

assert_ge() {
	local got=$1 min=$2 msg=${3:-}
	# awk compares decimals too (cpu ratios are floats).
	awk -v g="$got" -v m="$min" 'BEGIN { exit !(g ~ /^-?[0-9.eE+-]+$/ && g + 0 >= m + 0) }' ||
		fail "${msg:+$msg: }expected >= $min, got '$got'"
}

assert_match() {
	local re=$1 got=$2 msg=${3:-}
	[[ $got =~ $re ]] || fail "${msg:+$msg: }'$got' does not match /$re/"
}

# wait_for 'CMD' TIMEOUT [STEP]: CMD is eval'd so it can be a pipeline or a
# [[ test ]].  Returns 1 on timeout rather than failing, so callers choose
# the message: wait_for '...' 30 || fail "service never ran".
wait_for() {
	local cmd=$1 timeout=${2:-30} step=${3:-0.5} end
	end=$(($(date +%s) + ${timeout%.*}))
	while :; do
		if (eval "$cmd") >/dev/null 2>&1; then return 0; fi
		if (($(date +%s) >= end)); then
			printf 'wait_for: still failing after %ss: %s\n' "$timeout" "$cmd" >&2
			return 1
		fi
		sleep "$step"
	done
}

# ------------------------------------------------------------ cleanup

# Cleanup registry.  One EXIT trap runs every registered command, newest
# first, each with errors ignored, so that one failed removal does not skip
# the others and the test's own exit status is what the runner sees.  The
# runner's timeout sends TERM: turn that (and INT/HUP) into an exit so the
# EXIT trap still runs and services do not outlive the test.
_das_cleanups=()
on_exit() { _das_cleanups+=("$1"); }
on_exit_last() { _das_cleanups=("$1" "${_das_cleanups[@]}"); }

# The loop counter has a name no cleanup uses: an eval'd `for i in ...`
# would otherwise move it and skip cleanups.
_das_run_cleanups() {
	local rc=$? _das_ci
	trap - ERR
	set +e
	for ((_das_ci = ${#_das_cleanups[@]} - 1; _das_ci >= 0; _das_ci--)); do
		eval "${_das_cleanups[_das_ci]}" >/dev/null 2>&1 ||
			printf 'cleanup failed: %s\n' "${_das_cleanups[_das_ci]}" >&2
	done
	_das_cleanups=()
	exit "$rc"
}
trap _das_run_cleanups EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP

unique_name() {
	local prefix=${1:-das-test} rnd
	rnd=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
	printf '%s-%s\n' "$prefix" "$rnd"
}

# ------------------------------------------------------------ InfluxDB

# iq [-d DB] 'INFLUXQL' — prints the JSON answer; fails on HTTP >= 400.
# InfluxDB 1.x wants POST for statements that change things (CREATE, DROP,
# ...) and accepts GET for SELECT/SHOW.
iq() {
	local db=$DAS_INFLUX_DB method=-G
	if [[ ${1:-} == -d ]]; then db=$2; shift 2; fi
	local q=$1
	[[ $q =~ ^[[:space:]]*([Ss][Ee][Ll][Ee][Cc][Tt]|[Ss][Hh][Oo][Ww]) ]] || method=-XPOST
	curl -sS --fail-with-body --max-time 30 $method "$DAS_INFLUX_URL/query" \
		--data-urlencode "db=$db" --data-urlencode "q=$q"
}

# iw [-d DB] 'LINES' — write line protocol (precision ns).
iw() {
	local db=$DAS_INFLUX_DB
	if [[ ${1:-} == -d ]]; then db=$2; shift 2; fi
	curl -sS --fail-with-body --max-time 30 -XPOST \
		"$DAS_INFLUX_URL/write?db=$db" --data-binary "$1"
}

# ------------------------------------------------------------ PostgreSQL

# shellcheck disable=SC2034  # PGDB, PG and IDB are for the caller
psql_das() {
	psql "$DAS_PG" -XAtq -v ON_ERROR_STOP=1 -c "$1"
}

# The shared server, as the superuser: each test makes its own database.
_DAS_PGSU=(-h 127.0.0.1 -p 15432 -U postgres)

# das_test_db PREFIX: this test's own databases (see the top). Call it
# directly, not in $(...): a subshell would lose the variables and the
# cleanups. dropdb --force: a das that hangs must not keep the database.
das_test_db() {
	[[ $BASH_SUBSHELL -eq 0 ]] || fail "das_test_db $1: called in a subshell"
	PGDB=$(unique_name "$1" | tr '-' '_')
	createdb "${_DAS_PGSU[@]}" "$PGDB"
	on_exit "dropdb ${_DAS_PGSU[*]} --if-exists --force '$PGDB'"
	PG="host=127.0.0.1 port=15432 user=postgres dbname=$PGDB"
	IDB=$PGDB
	on_exit "iq -d '$IDB' 'DROP DATABASE \"$IDB\"'"
}

q() {
	psql "$PG" -XAtq -v ON_ERROR_STOP=1 -c "$1"
}

# A "--- das --once ARGS" line first, so that the log says which run said
# what.
das_run_once() {
	local log=$1; shift
	echo "--- das --once $*" >>"$log"
	"$DAS_ROOT/bin/das" --pg "$PG" --influx "$DAS_INFLUX_URL" --database "$IDB" \
		--once "$@" >>"$log" 2>&1
}

das_once_ok() {
	local log=$1 rc=0; shift
	das_run_once "$log" "$@" || rc=$?
	assert_eq 0 "$rc" "das --once $* exit status (log: $(tail -n 5 "$log"))"
}

# ------------------------------------------------------------ Docker

# service_create NAME [docker service create options] [IMAGE CMD...]
# Adds the das.test labels and --no-resolve-image (there is no registry to
# ask, and asking one would leave the machine), and removes the service
# when the test exits (unless the test removed it already).  Sets
# SERVICE_ID.  The cleanup is registered before the create, so a create that
# half-succeeds is still removed.  --stop-grace-period 1s: `sleep` as PID 1
# ignores TERM, so every scale-in or removal would otherwise wait the
# default 10 s for the KILL; a later --stop-grace-period in ARGS wins.
service_create() {
	local name=$1 q; shift
	[[ $BASH_SUBSHELL -eq 0 ]] || fail "service_create $name: called in a subshell; its cleanup would be lost"
	q=$(printf %q "$name")
	on_exit "! docker service inspect $q >/dev/null 2>&1 || docker service rm $q"
	# shellcheck disable=SC2034  # for the caller
	SERVICE_ID=$(docker service create --quiet --detach --no-resolve-image \
		--name "$name" --label das.test=1 --container-label das.test=1 \
		--stop-grace-period 1s "$@")
}

service_running() {
	docker service ps "$1" --filter desired-state=running \
		--format '{{.CurrentState}}' 2>/dev/null | grep -c '^Running' || true
}

# ------------------------------------------------------------ stand-ins

# What ds writes to is put on a port of its own, with busybox nc
# (tests/deps.sh: busybox-static) on 127.0.0.1 only: `nc -ll -e PROG` runs
# PROG on each connection. One stand-in at a time.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

LISTEN_PID=
listen() {
	local port=$1 log=$2; shift 2
	if [[ -z ${_das_listening:-} ]]; then
		# shellcheck disable=SC2016  # read at exit, not now
		on_exit '[[ -z $LISTEN_PID ]] || kill -TERM $LISTEN_PID'
		_das_listening=1
	fi
	busybox nc -ll -p "$port" 127.0.0.1 -e "$@" </dev/null >/dev/null 2>>"$log" &
	LISTEN_PID=$!
	wait_for "port_open $port" 10 0.1 || fail "busybox nc did not listen on $port"
}

unlisten() {
	kill -TERM "$LISTEN_PID"
	wait "$LISTEN_PID" || true
	LISTEN_PID=
}

ds_cycles() { grep -cE 'debug: cycle: .*, [1-9][0-9]* points' "$1" || true; }

# The forwarder takes the stand-in's place: the same address now leads to
# the stack's InfluxDB.
ds_back_to_influx() {
	local port=$1 log=$2 pid=$3 hostport=${DAS_INFLUX_URL#*://} n rc=0
	unlisten
	listen "$port" "$log.nc" busybox nc "${hostport%:*}" "${hostport##*:}"
	wait_for "grep -q 'works again; delivering [0-9]* held points' '$log'" 60 ||
		{ tail -30 "$log"; fail "ds never delivered the held points"; }
	grep 'works again' "$log" | sed 's/^ */   /'
	n=$(ds_cycles "$log")
	wait_for "(( \$(ds_cycles '$log') >= $n + 2 ))" 30 ||
		fail "ds stopped sampling after InfluxDB came back"
	kill -TERM "$pid"
	wait "$pid" || rc=$?
	assert_eq 0 "$rc" "ds exit status after SIGTERM"
	grep -q 'signal 15: flushed; 0 points could not be delivered' "$log" ||
		{ tail -5 "$log"; fail "ds did not deliver everything"; }
}
