#!/usr/bin/env bash
# tests/integration/run.sh — run the integration tests against real servers.
#
#   tests/integration/run.sh              every tests/integration/test_*.sh
#   tests/integration/run.sh test_stack   only the named ones (with or
#                                         without .sh, or a path)
#
# Each test runs in its own bash process under a timeout (DAS_TEST_TIMEOUT,
# default 600 s), with its output in a log file; a failing test's log tail
# is printed.  The last line is exactly `integration: N passed, N failed`,
# which CI reads; the exit status is non-zero if any test failed or if no
# test ran at all (a run that tests nothing must not look green).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TIMEOUT=${DAS_TEST_TIMEOUT:-600}
LOGS=${DAS_TEST_LOG_DIR:-$ROOT/build/integration}
TAIL=${DAS_TEST_TAIL:-60}

# Resolve the test list first, so a typo in a name fails before any work.
tests=()
if (($# == 0)); then
	for f in "$HERE"/test_*.sh; do [[ -e $f ]] && tests+=("$f"); done
else
	for a in "$@"; do
		f=$a
		[[ -f $f ]] || f=$HERE/${a%.sh}.sh
		[[ -f $f ]] || f=$HERE/test_${a%.sh}.sh
		if [[ ! -f $f ]]; then
			echo "run.sh: no such test: $a" >&2
			echo "integration: 0 passed, 1 failed"
			exit 1
		fi
		tests+=("$f")
	done
fi
if ((${#tests[@]} == 0)); then
	echo "run.sh: no tests found in $HERE" >&2
	echo "integration: 0 passed, 0 failed"
	exit 1
fi

# The tests need the servers; `up` is idempotent and quick when they run.
# Its progress goes to stderr, which we keep: it says what it started.
if ! "$ROOT/tests/stack.sh" up >/dev/null; then
	echo "run.sh: tests/stack.sh up failed; no test can run" >&2
	echo "integration: 0 passed, ${#tests[@]} failed"
	exit 1
fi

mkdir -p "$LOGS"
passed=0 failed=0 failed_names=()
now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

for f in "${tests[@]}"; do
	name=$(basename "$f" .sh)
	log=$LOGS/$name.log
	t0=$(now_ms)
	# Own bash process, stdin closed, from the repo root.  timeout sends
	# TERM to the test's whole process group (lib.sh turns that into its
	# cleanup), then KILL 30 s later if cleanup itself hangs.
	(cd "$ROOT" && timeout -k 30 "$TIMEOUT" bash "$f" </dev/null >"$log" 2>&1)
	rc=$?
	dt=$(( ($(now_ms) - t0 + 500) / 1000 ))
	if ((rc == 0)); then
		passed=$((passed + 1))
		echo "PASS $name (${dt}s)"
	else
		failed=$((failed + 1))
		failed_names+=("$name")
		why="exit $rc"
		((rc == 124 || rc == 137)) && why="timed out after ${TIMEOUT}s"
		echo "FAIL $name (${dt}s, $why) — last $TAIL lines of $log:"
		tail -n "$TAIL" "$log" | sed 's/^/    | /'
	fi
done

((failed == 0)) || echo "failed: ${failed_names[*]}"
echo "integration: $passed passed, $failed failed"
((failed == 0 && passed > 0))
