#!/usr/bin/env bash
# tests/bench/bench_ds.sh — ds against `docker stats` and the seed's data
# path, side by side, on N idle containers (N = 20, then 100).
#
#   tests/bench/bench_ds.sh            (normally through `make bench`)
#   DS_BENCH_N="20 100" DS_BENCH_WINDOW=15 DS_BENCH_REPEAT=3
#
# What is measured, and how (printed with the table too):
#
#   ds, per cycle   ds runs as a daemon every 0.1 s on the real stack.  Its
#                   CPU (utime + stime from /proc/PID/stat) over a window of
#                   ~WINDOW seconds, divided by the cycles it logged in that
#                   window (-v "cycle:" lines): the steady-state cost of one
#                   cycle — list containers, read their files, format, write
#                   to InfluxDB — without start-up.  Per container: that
#                   over the containers ds tracked (every one on the node).
#   ds --once       a cold run: start, two reads 0.1 s apart, write, exit,
#                   under /usr/bin/time; wall minus the 0.1 s sleep.  This
#                   is what "get one set of figures from nothing" costs, as
#                   `docker stats --no-stream` does.
#   docker stats    `docker stats --no-stream ID...` for the same
#                   containers.  Its CPU is mostly dockerd's and
#                   containerd's, not the CLI's, so every tool is charged
#                   host CPU: busy jiffies of /proc/stat over the run minus
#                   an idle baseline rate (measured before and after, same
#                   machine state) times the run's wall time.  ds's host CPU
#                   per cycle includes dockerd answering its container list
#                   and InfluxDB ingesting its points.
#   seed path       what the seed's ds did each interval: `docker ps -q`,
#                   `docker inspect` of each container, `docker stats
#                   --no-stream`.
#   listing         ds's CPU to read one GET /containers/json answer
#                   (collector/discover_list.c, jansson) on the Engine's
#                   answer at this N, by tests/bench/bench_discover.c:
#                   what a cycle that lists (after a Docker event, and
#                   every 60 s) spends reading it.
#
# Targets (at N = 100): ds < 50 µs CPU per container per cycle; docker
# stats costs >= 50x the host CPU of a ds cycle; ds max RSS < 8 MB.
# Benchmarks report: the exit status is 0 whether targets are met or not
# (MISS is printed), non-zero only when something could not be measured.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DS=$ROOT/bin/ds
NS=${DS_BENCH_N:-20 100}
WINDOW=${DS_BENCH_WINDOW:-15}
REPEAT=${DS_BENCH_REPEAT:-3}
BASELINE_S=${DS_BENCH_BASELINE:-5}
INTERVAL=0.1
HZ=$(getconf CLK_TCK)
RUN=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
DB=das_bench_$RUN
TMP=$(mktemp -d /tmp/bench-ds.XXXXXX)

say() { printf 'bench_ds: %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# ------------------------------------------------------------ setup

[[ $(id -u) -eq 0 ]] || die "must run as root (docker, /proc of other processes)"
[[ -x $DS ]] || die "$DS not built (make)"
if [[ ! -x /usr/bin/time ]]; then
	say "installing GNU time (/usr/bin/time)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q time >/dev/null ||
		die "apt-get install time failed"
fi
"$ROOT/tests/stack.sh" up >/dev/null
eval "$("$ROOT/tests/stack.sh" env)"
IMAGE=$DAS_IMAGE

DS_PID=
cleanup() {
	local ids
	set +e
	[[ -z $DS_PID ]] || { kill -TERM "$DS_PID" 2>/dev/null; wait "$DS_PID" 2>/dev/null; }
	ids=$(docker ps -aq --filter "label=das.bench=$RUN")
	if [[ -n $ids ]]; then
		say "removing $(wc -w <<<"$ids") bench containers"
		# shellcheck disable=SC2086  # one id per word
		printf '%s\n' $ids | xargs -r -n 25 -P 4 docker rm -f >/dev/null 2>&1
	fi
	curl -s -o /dev/null -XPOST "$DAS_INFLUX_URL/query" --data-urlencode "q=DROP DATABASE \"$DB\""
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# containers_up N: make the bench containers N, in parallel batches.
containers_up() {
	local want=$1 have
	have=$(docker ps -q --filter "label=das.bench=$RUN" | wc -l)
	((have < want)) || return 0
	say "starting $((want - have)) idle containers (to $want)"
	seq $((have + 1)) "$want" | xargs -P 6 -I{} docker run -d --network none \
		--label das.test=1 --label "das.bench=$RUN" --name "das-bench-$RUN-{}" \
		"$IMAGE" sleep 3600 >/dev/null
	have=$(docker ps -q --filter "label=das.bench=$RUN" | wc -l)
	((have == want)) || die "wanted $want running bench containers, have $have"
}

# ------------------------------------------------------------ measuring

# Busy jiffies of the whole host: user + nice + system + irq + softirq.
busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8; exit }' /proc/stat; }
now() { echo "$EPOCHREALTIME"; }
fsub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f\n", a - b }'; }

# baseline: idle host CPU rate, in ms of CPU per second of wall time.
baseline() {
	local b0 t0
	b0=$(busy); t0=$(now)
	sleep "$BASELINE_S"
	awk -v b="$(($(busy) - b0))" -v hz="$HZ" -v w="$(fsub "$(now)" "$t0")" \
		'BEGIN { printf "%.3f\n", b * 1000 / hz / w }'
}

# host_ms BUSY_JIFFIES WALL_S RATE: host CPU ms net of the idle rate.
host_ms() {
	awk -v b="$1" -v w="$2" -v r="$3" -v hz="$HZ" \
		'BEGIN { printf "%.3f\n", b * 1000 / hz - r * w }'
}

# run_host CMD...: run once; sets R_WALL (s) and R_BUSY (jiffies).
run_host() {
	local b0 t0
	b0=$(busy); t0=$(now)
	"$@" >/dev/null 2>>"$TMP/errors" || die "$* failed: $(tail -3 "$TMP/errors")"
	R_WALL=$(fsub "$(now)" "$t0")
	R_BUSY=$(($(busy) - b0))
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

ds_cycles() { grep -c 'debug: cycle: ' "$1" || true; }
proc_cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }	# comm is "ds": no spaces

# ds_daemon: ds every INTERVAL for ~WINDOW s.  Sets D_CYCLES, D_CPU_MS
# (ds CPU per cycle), D_BUSY, D_WALL (whole window), D_CTRS (tracked),
# D_HWM (peak RSS, KB).
ds_daemon() {
	local log=$TMP/ds-daemon.log c0 c1 cpu0 cpu1 b0 t0 i
	"$DS" -v --interval "$INTERVAL" --influx "$DAS_INFLUX_URL" --database "$DB" \
		-o docker_socket="$DAS_DOCKER_SOCK" </dev/null >"$log" 2>&1 &
	DS_PID=$!
	# Warm up: the first cycle opens every container's files.
	for ((i = 0; i < 300 && $(ds_cycles "$log") < 10; i++)); do sleep 0.1; done
	(($(ds_cycles "$log") >= 10)) || die "ds did not cycle: $(tail -5 "$log")"
	c0=$(ds_cycles "$log"); cpu0=$(proc_cpu "$DS_PID"); b0=$(busy); t0=$(now)
	sleep "$WINDOW"
	c1=$(ds_cycles "$log"); cpu1=$(proc_cpu "$DS_PID"); D_BUSY=$(($(busy) - b0))
	D_WALL=$(fsub "$(now)" "$t0")
	D_HWM=$(awk '/^VmHWM:/ { print $2 }' "/proc/$DS_PID/status")
	D_ANON=$(awk '/^RssAnon:/ { print $2 }' "/proc/$DS_PID/status")
	D_FILE=$(awk '/^RssFile:/ { print $2 }' "/proc/$DS_PID/status")
	D_CTRS=$(grep 'debug: cycle: ' "$log" | tail -1 | sed -E 's/.*cycle: ([0-9]+) containers.*/\1/')
	kill -TERM "$DS_PID"; wait "$DS_PID" || true; DS_PID=
	D_CYCLES=$((c1 - c0))
	((D_CYCLES > 0)) || die "ds logged no cycle in ${WINDOW}s"
	D_CPU_MS=$(awk -v c="$((cpu1 - cpu0))" -v n="$D_CYCLES" -v hz="$HZ" \
		'BEGIN { printf "%.4f\n", c * 1000 / hz / n }')
	if grep -q 'warning' "$log"; then say "ds warned: $(grep -m1 warning "$log")"; fi
}

# ds_once: one cold `ds --once`; appends "wall_s cpu_s maxrss_kb busy" to $1.
ds_once() {
	local out=$1
	run_host /usr/bin/time -f '%e %U %S %M' -o "$TMP/time" \
		"$DS" --once --interval "$INTERVAL" --influx "$DAS_INFLUX_URL" --database "$DB" \
		-o docker_socket="$DAS_DOCKER_SOCK"
	awk -v w="$R_WALL" -v b="$R_BUSY" '{ print w, $2 + $3, $4, b }' "$TMP/time" >>"$out"
}

seed_path() {
	local ids id
	ids=$(docker ps -q --filter "label=das.bench=$RUN")
	for id in $ids; do docker inspect "$id" >/dev/null; done
	# shellcheck disable=SC2086  # one id per word
	docker stats --no-stream $ids
}

# listing_cost N: ds's CPU to read the Engine's container list at this N;
# sets AT[N,list_ctrs], AT[N,list_us], AT[N,list_kb].
listing_cost() {
	local n=$1 out
	if [[ ! -x $TMP/bench_discover ]]; then
		# shellcheck disable=SC2046  # pkg-config's flags are words
		cc -O2 -std=c11 -D_GNU_SOURCE -I"$ROOT/lib" -I"$ROOT/collector" \
			"$ROOT/tests/bench/bench_discover.c" "$ROOT/collector/discover_list.c" \
			"$ROOT/lib/xmalloc.c" "$ROOT/lib/buf.c" "$ROOT/lib/log.c" \
			$(pkg-config --cflags --libs jansson) -o "$TMP/bench_discover" ||
			die "could not build tests/bench/bench_discover.c"
	fi
	curl -sf --unix-socket "$DAS_DOCKER_SOCK" -o "$TMP/list.json" http://docker/containers/json ||
		die "GET /containers/json failed"
	out=$("$TMP/bench_discover" "$TMP/list.json" 500) || die "bench_discover failed"
	read -r AT[$n,list_ctrs] AT[$n,list_us] <<<"$out"
	AT[$n,list_kb]=$(( $(stat -c %s "$TMP/list.json") / 1024 ))
}

# ------------------------------------------------------------ one N

ROWS=()	# "N|tool|wall ms|host ms|per-ctr µs|note"
declare -A AT	# figures at each N for the targets

bench_n() {
	local n=$1 r0 r1 rate ids i f host ds_host wall cpu rss
	containers_up "$n"
	mapfile -t ids < <(docker ps -q --filter "label=das.bench=$RUN")
	sleep 2
	say "N=$n: idle baseline (${BASELINE_S}s)"
	r0=$(baseline)

	say "N=$n: reading one container listing (bench_discover)"
	listing_cost "$n"
	say "N=$n: ds daemon every ${INTERVAL}s for ${WINDOW}s"
	ds_daemon
	say "N=$n: ds --once x$REPEAT"
	: >"$TMP/once"
	for ((i = 0; i < REPEAT; i++)); do ds_once "$TMP/once"; done
	say "N=$n: docker stats --no-stream x$REPEAT"
	: >"$TMP/stats"
	for ((i = 0; i < REPEAT; i++)); do
		run_host docker stats --no-stream "${ids[@]}"
		echo "$R_WALL $R_BUSY" >>"$TMP/stats"
	done
	say "N=$n: seed path (docker ps, docker inspect x$n, docker stats) x$REPEAT"
	: >"$TMP/seed"
	for ((i = 0; i < REPEAT; i++)); do
		run_host seed_path
		echo "$R_WALL $R_BUSY" >>"$TMP/seed"
	done
	say "N=$n: idle baseline again"
	r1=$(baseline)
	rate=$(awk -v a="$r0" -v b="$r1" 'BEGIN { printf "%.3f\n", (a + b) / 2 }')

	# ds per cycle: host CPU net of idle, never below ds's own CPU.
	ds_host=$(awk -v h="$(host_ms "$D_BUSY" "$D_WALL" "$rate")" -v n="$D_CYCLES" -v c="$D_CPU_MS" \
		'BEGIN { x = h / n; if (x < c) x = c; printf "%.3f\n", x }')
	AT[$n,ds_us]=$(awk -v c="$D_CPU_MS" -v k="$D_CTRS" 'BEGIN { printf "%.1f\n", c * 1000 / k }')
	AT[$n,ds_host]=$ds_host
	AT[$n,ds_cpu]=$D_CPU_MS
	AT[$n,ctrs]=$D_CTRS
	ROWS+=("$n|ds, one cycle (daemon)|-|$ds_host|${AT[$n,ds_us]}|ds CPU $(printf %.2f "$D_CPU_MS") ms/cycle over $D_CYCLES cycles, $D_CTRS containers tracked, a cycle every $(awk -v w="$D_WALL" -v n="$D_CYCLES" 'BEGIN { printf "%.0f", w * 1000 / n }') ms")

	wall=$(awk '{ print ($1 - i) * 1000 }' i="$INTERVAL" "$TMP/once" | median)
	cpu=$(awk '{ print $2 * 1000 }' "$TMP/once" | median)
	host=$(while read -r w _ _ b; do host_ms "$b" "$w" "$rate"; done <"$TMP/once" | median)
	rss=$(awk '{ print $3 }' "$TMP/once" | sort -g | tail -1)
	AT[$n,rss]=$(( rss > D_HWM ? rss : D_HWM ))
	ROWS+=("$n|ds --once (cold)|$(printf %.0f "$wall")|$host|$(awk -v c="$cpu" -v k="$D_CTRS" 'BEGIN { printf "%.1f", c * 1000 / k }')|ds CPU ${cpu} ms (start, 2 reads, write); max RSS ${rss} KB")

	for f in stats seed; do
		wall=$(awk '{ print $1 * 1000 }' "$TMP/$f" | median)
		host=$(while read -r w b; do host_ms "$b" "$w" "$rate"; done <"$TMP/$f" | median)
		AT[$n,$f]=$host
		ROWS+=("$n|$([[ $f == stats ]] && echo 'docker stats --no-stream' || echo 'seed: ps+inspect+stats')|$(printf %.0f "$wall")|$host|$(awk -v h="$host" -v k="$n" 'BEGIN { printf "%.0f", h * 1000 / k }')|host CPU per container")
	done
	AT[$n,rate]=$rate
	AT[$n,hwm]=$D_HWM
	AT[$n,anon]=$D_ANON
	AT[$n,file]=$D_FILE
}

# What linking libcurl alone costs in RSS (KB): ds's floor, for context.
curl_floor() {
	cat >"$TMP/floor.c" <<'EOF2'
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
int
main(void)
{
	char	 line[256];
	FILE	*f;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	curl_easy_cleanup(curl_easy_init());
	if ((f = fopen("/proc/self/status", "r")) == NULL)
		return 1;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "VmHWM:", 6) == 0)
			fputs(line + 6, stdout);
	return 0;
}
EOF2
	cc -o "$TMP/floor" "$TMP/floor.c" -lcurl 2>/dev/null && "$TMP/floor" | tr -dc 0-9 || echo '?'
}

# ------------------------------------------------------------ report

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0fx", a / b; else print "n/a" }'; }

report() {
	local row n tool wall host us note dsh
	echo
	echo "ds vs docker stats vs the seed's data path ($(nproc) CPUs, $(uname -r), cgroup $(docker info --format '{{.CgroupVersion}}' 2>/dev/null || echo '?'))"
	echo "host CPU = /proc/stat busy time during the run minus the idle rate; ds's is per 0.1 s cycle in"
	echo "steady state (daemon), the others per run.  per-container µs: ds CPU for ds rows, host CPU for the others."
	echo
	printf '%5s  %-26s %9s %12s %13s %12s\n' N tool "wall ms" "host CPU ms" "per-ctr µs" "ratio vs ds"
	printf '%5s  %-26s %9s %12s %13s %12s\n' ----- -------------------------- --------- ------------ ------------- ------------
	for row in "${ROWS[@]}"; do
		IFS='|' read -r n tool wall host us note <<<"$row"
		dsh=${AT[$n,ds_host]}
		printf '%5s  %-26s %9s %12.2f %13s %12s\n' "$n" "$tool" "$wall" "$host" "$us" "$(ratio "$host" "$dsh")"
		printf '%5s  %-26s   (%s)\n' "" "" "$note"
	done
	echo
	for n in $NS; do
		printf 'N=%s: idle baseline %.1f ms CPU/s; ds peak RSS %s KB (daemon: VmHWM %s KB = %s KB anonymous + %s KB shared-library files)\n' \
			"$n" "${AT[$n,rate]}" "${AT[$n,rss]}" "${AT[$n,hwm]}" "${AT[$n,anon]}" "${AT[$n,file]}"
		printf '  reading one GET /containers/json answer (%s containers, %s KB; jansson): %s µs of ds CPU (%s µs per container)\n' \
			"${AT[$n,list_ctrs]}" "${AT[$n,list_kb]}" "${AT[$n,list_us]}" \
			"$(awk -v u="${AT[$n,list_us]}" -v k="${AT[$n,list_ctrs]}" 'BEGIN { if (k > 0) printf "%.1f", u / k; else print "n/a" }')"
		if awk -v r="${AT[$n,rate]}" 'BEGIN { exit !(r > 100) }'; then
			printf '  WARNING: the host was not idle (%.0f ms CPU/s without any tool running): host-CPU figures at N=%s are noisy\n' "${AT[$n,rate]}" "$n"
		fi
	done
	printf 'RSS floor: a program that only links libcurl and makes a handle: %s KB\n' "$(curl_floor)"
	# shellcheck disable=SC2086  # NS is a list of numbers
	set -- $NS
	if (($# >= 2)); then
		local a=$1 b=${!#}
		printf 'marginal ds CPU per added container: %s µs per cycle (%s -> %s tracked)\n' \
			"$(awk -v x="${AT[$a,ds_cpu]}" -v y="${AT[$b,ds_cpu]}" -v p="${AT[$a,ctrs]}" -v q="${AT[$b,ctrs]}" \
				'BEGIN { if (q > p) printf "%.1f", (y - x) * 1000 / (q - p); else print "n/a" }')" \
			"${AT[$a,ctrs]}" "${AT[$b,ctrs]}"
	fi
	targets "${!#}"
}

# verdict OK: PASS or MISS.
verdict() { if "$@"; then echo PASS; else echo MISS; fi; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0) }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }'; }

targets() {
	local n=$1 r
	r=$(awk -v a="${AT[$n,stats]}" -v b="${AT[$n,ds_host]}" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')
	echo
	echo "targets at N=$n:"
	printf '  %-4s ds CPU per container per cycle < 50 µs: %s µs\n' \
		"$(verdict lt "${AT[$n,ds_us]}" 50)" "${AT[$n,ds_us]}"
	printf '  %-4s docker stats host CPU >= 50x a ds cycle: %sx (%.1f ms vs %.2f ms)\n' \
		"$(verdict ge "$r" 50)" "$r" "${AT[$n,stats]}" "${AT[$n,ds_host]}"
	printf '  %-4s ds RSS < 8 MB: %s KB\n' "$(verdict lt "${AT[$n,rss]}" 8192)" "${AT[$n,rss]}"
}

say "run $RUN: N = $NS, window ${WINDOW}s, ${REPEAT} runs each; database $DB"
for n in $NS; do bench_n "$n"; done
report
