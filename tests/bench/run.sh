#!/usr/bin/env bash
# tests/bench/run.sh — the benchmarks `make bench` runs, in order.  Each is
# a script in this directory that brings up what it needs, measures, prints
# its own table (with PASS/MISS against its targets) and cleans up.
#
#   tests/bench/run.sh               every bench in BENCHES
#   tests/bench/run.sh bench_ds      only the named ones
#
# Benchmarks report, they do not gate: a MISS is printed, not an error.
# The exit status is non-zero only when a bench could not run to the end
# (so a broken bench does not pass silently).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# In the order they run.  Add a bench here.
BENCHES=(
	bench_ds.sh
	bench_das.sh
	bench_replay.sh
)

if (($# > 0)); then
	BENCHES=()
	for a in "$@"; do BENCHES+=("${a%.sh}.sh"); done
fi

failed=()
for b in "${BENCHES[@]}"; do
	if [[ ! -f $HERE/$b ]]; then
		echo "bench: no such bench: $b" >&2
		failed+=("$b")
		continue
	fi
	echo "==== $b"
	if ! bash "$HERE/$b"; then
		echo "bench: $b did not complete" >&2
		failed+=("$b")
	fi
	echo
done
if ((${#failed[@]})); then
	echo "bench: incomplete: ${failed[*]}"
	exit 1
fi
echo "bench: ${#BENCHES[@]} run"
