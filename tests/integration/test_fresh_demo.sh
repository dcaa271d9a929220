#!/usr/bin/env bash
# `make demo` works on the first try from a fresh clone on a machine where
# no server runs: it builds from scratch, starts InfluxDB, PostgreSQL and
# dockerd itself (tests/stack.sh up, through tests/demo.sh), and the service
# scales out under load and back in.
#
# The clone is of HEAD: uncommitted changes are not part of what is tested.
# The shared test stack is stopped for the run (`tests/stack.sh down`) and is
# up again when this test ends, however it ends: the tests after it need it.
# The packages themselves stay installed; test_build_order.sh checks that the
# install step runs before anything asks for them.
#
# make demo runs under a lock of the test's own (`flock LOCK make demo`, as
# one runs `flock LOCK make check` to keep others off the shared servers):
# the servers it starts must not keep that lock once it has ended.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

STACK=$DAS_ROOT/tests/stack.sh
TMP=$(mktemp -d /tmp/das-fresh-demo.XXXXXX)
SRC=$TMP/src
OUT=$TMP/demo.out
LOCK=$TMP/lock
# Each phase of the demo must end well inside run.sh's timeout (600 s by
# default), which also pays for the build and the servers' start.
DEMO_TIMEOUT=${DAS_FRESH_DEMO_TIMEOUT:-200}

on_exit "'$STACK' up"
on_exit "rm -rf '$TMP'"

clone_head() {
	local head
	head=$(git -C "$DAS_ROOT" rev-parse HEAD)
	git -C "$DAS_ROOT" diff --quiet HEAD -- ||
		echo "note: $DAS_ROOT has uncommitted changes; this tests HEAD ($head) without them"
	git clone -q --no-checkout "$DAS_ROOT" "$SRC"
	git -C "$SRC" -c advice.detachedHead=false checkout -q "$head"
	[[ ! -e $SRC/bin && ! -e $SRC/build ]] || fail "the clone has bin/ or build/: not a fresh tree"
	echo "== cloned $head into $SRC"
}

influx_answers() {
	[[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$DAS_INFLUX_URL/ping") == 204 ]]
}
pg_answers() { pg_isready -q -h 127.0.0.1 -p 15432 -t 2; }
docker_answers() { docker info >/dev/null 2>&1; }

# A server that still answers after `down` was not started by stack.sh:
# this machine cannot be made fresh, and the test says so rather than pass.
stack_down() {
	echo "== tests/stack.sh down"
	"$STACK" down
	! influx_answers || fail "InfluxDB still answers at $DAS_INFLUX_URL after down (not started by tests/stack.sh?)"
	! pg_answers || fail "PostgreSQL still answers on 127.0.0.1:15432 after down (not started by tests/stack.sh?)"
	! docker_answers || fail "dockerd still answers after down (not started by tests/stack.sh?)"
	echo "   nothing answers: InfluxDB, PostgreSQL and dockerd are down"
}

# run_demo: `make demo` in the clone, as a user's first make (nothing from an
# enclosing `make check`), its output shown as it runs and kept in OUT.
run_demo() {
	local rc=0
	echo "== make demo (in the clone)"
	(cd "$SRC" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL DAS_DEMO_TIMEOUT="$DEMO_TIMEOUT" \
		flock "$LOCK" make demo </dev/null 2>&1) | tee "$OUT" || rc=$?
	assert_eq 0 "$rc" "exit status of make demo"
}

# The lock make demo ran under is free now that it has ended; else name
# the processes that still hold it (they inherited its descriptor).
check_lock_free() {
	local p holders=()
	flock -n "$LOCK" true && return 0
	for p in /proc/[0-9]*; do
		if find "$p/fd" -maxdepth 1 -lname "$LOCK" 2>/dev/null | grep -q .; then
			holders+=("${p#/proc/} $(cat "$p/comm" 2>/dev/null)")
		fi
	done
	fail "the lock make demo ran under is still held, by: ${holders[*]:-?}"
}

# expect TEXT WHY: a line of the demo's output contains TEXT.
expect() { grep -qF -- "$1" "$OUT" || fail "make demo did not print '$1': $2"; }

check_output() {
	expect "deps: " "the install step did not run"
	expect "CC      lib/pgc.c" "the build did not compile lib/pgc.c in the clone"
	expect "LD      bin/das" "the build did not link bin/das in the clone"
	expect "influxdb: started" "it did not start InfluxDB"
	expect "postgres: started" "it did not start PostgreSQL"
	expect "docker: started dockerd" "it did not start dockerd"
	expect "scaled out to 3 in" "the service did not scale out"
	expect "scaled back in to 1 in" "the service did not scale back in"
	expect "cur_no in the policy row: 1" "das did not write the final count back"
	expect "demo done" "the demo did not end"
	# The journal as printed by psql: one row per action, `| scale_out |`.
	grep -Eq '\| scale_out +\|' "$OUT" || fail "no scale_out row in the printed journal"
	grep -Eq '\| scale_in +\|' "$OUT" || fail "no scale_in row in the printed journal"
	[[ -x $SRC/bin/ds && -x $SRC/bin/das ]] || fail "bin/ds or bin/das missing in the clone"
}

clone_head
stack_down
run_demo
check_output
check_lock_free

echo "== the stack is left up for the other tests"
"$STACK" up >/dev/null
"$STACK" status
echo "ok"
