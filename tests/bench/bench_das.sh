#!/usr/bin/env bash
# tests/bench/bench_das.sh — one das tick with N policies (N = 1, 100,
# 1,000, 10,000) against asking InfluxDB once per policy, the seed's way.
#
#   tests/bench/bench_das.sh           (normally through `make bench`)
#   DAS_BENCH_N="1 100" DAS_BENCH_TICKS=5 DAS_BENCH_SWARM=20
#
# Setup per N: N synthetic services, each two containers in InfluxDB (tags
# service=<fake id>, service_name, backend=docker, container, node), as
# dense as ds writes by default: a cpu_ratio point every 10 s over the last
# 10 minutes (values 40..59; 1.2 M points at 10,000), written in big
# line-protocol batches, in a database of its own (so das's query sees N
# services, as in a deployment of N services); N policies in PostgreSQL, the
# seed's columns with its 10 m windows, out 70 %, in 10 %.  The policies
# use the exec backend (its replica count is cur_no, so no orchestrator is
# needed for 10,000 of them) and das runs with --dry-run; at 40..59 every
# policy is in band, so a tick decides all N and writes nothing — a first
# tick that journals anything means some policy did not see covered data
# (it is reported).  While the daemon runs, a writer adds each
# container's next point every 10 s, as ds would: the daemon's ticks after
# its first read only the new rows (README "Cost at scale").
#
# What is measured:
#   das tick        das -v --dry-run as a daemon (das's default interval,
#                   10 s; DAS_BENCH_INTERVAL): the median
#                   of the "tick: ... ms" lines after the first (the tick
#                   alone: SELECT, the read of new rows, decide, journal;
#                   the first tick, a full read, is in the note); VmHWM
#                   of the daemon afterwards (with the samples it keeps).
#   das --once      a cold run under /usr/bin/time: wall (start, connect,
#                   schema check, leader lock, journal read-back, the tick),
#                   das's own CPU, max RSS. A single run keeps nothing: its
#                   tick (in the note) asks InfluxDB to aggregate every
#                   window, as the daemon did before its window cache.
#   das's query     the query das sends (README "Queries"), alone, by curl:
#                   how much of the tick is InfluxDB.
#   per policy      the seed README's way: one request per policy,
#                   `select mean(cpu_ratio) from docker where service =
#                   '<id>' and time > now() - 10m`, issued sequentially by
#                   one curl process over one keep-alive connection (the
#                   fastest a sequential client gets).  And "per policy,
#                   same facts": das's three statements (aggregate + count
#                   + min + max, first, last) restricted to the service,
#                   one request per policy — what the coverage rule needs.
#   reading the answer  (at the largest N, from 256 on) das's reading of
#                   InfluxDB's answer alone, by tests/bench/bench_answer.c
#                   on the answers InfluxDB gives to the two parts of das's
#                   query: das's reader (yajl, as the answer streams in)
#                   against the floors of the other ways (yajl parsing
#                   alone; chunked=true, one jansson document per series,
#                   parsed and dropped; the whole answer as one jansson
#                   tree): das CPU, growth of das's peak RSS, and InfluxDB's
#                   own CPU for the two requests (/proc/PID/stat of
#                   influxd), plain and chunked=true.
#   swarm row       (DAS_BENCH_SWARM services > 0) 10,000 swarm policies
#                   over that many real Swarm services created with
#                   --replicas 1 (min_no 1): adds GET /services, id
#                   resolution and 500-row groups.
#
# Targets: <= 2 InfluxDB requests per tick at any N; a 10,000-policy tick
# < 1 s; das RSS < 32 MB at 10,000.  Benchmarks report: exit 0 whether the
# targets are met or not (MISS is printed), non-zero only when something
# could not be measured.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DAS=$ROOT/bin/das
NS=${DAS_BENCH_N:-1 100 1000 10000}
TICKS=${DAS_BENCH_TICKS:-5}
REPEAT=${DAS_BENCH_REPEAT:-3}
SWARM=${DAS_BENCH_SWARM:-20}
SWARM_POLICIES=${DAS_BENCH_SWARM_POLICIES:-10000}
RUN=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
DB=das_bench_$RUN
LOCK=$((0x$RUN % 1000000 + 9000000))
TMP=$(mktemp -d /tmp/bench-das.XXXXXX)

say() { printf 'bench_das: %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# ------------------------------------------------------------ setup

[[ $(id -u) -eq 0 ]] || die "must run as root (docker)"
[[ -x $DAS ]] || die "$DAS not built (make)"
[[ -e $ROOT/bin/.flavor-plain ]] ||
	die "bin/ holds a sanitized build (make check); run make (or make bench) for a plain one"
if [[ ! -x /usr/bin/time ]]; then
	say "installing GNU time (/usr/bin/time)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q time >/dev/null ||
		die "apt-get install time failed"
fi
"$ROOT/tests/stack.sh" up >/dev/null
eval "$("$ROOT/tests/stack.sh" env)"
PGBASE="host=127.0.0.1 port=15432 user=postgres"
PG="$PGBASE dbname=$DB"

DAS_PID=
cleanup() {
	local n ids
	set +e
	[[ -z $DAS_PID ]] || { kill -KILL "$DAS_PID" 2>/dev/null; wait "$DAS_PID" 2>/dev/null; }
	feed_stop
	ids=$(docker service ls -q --filter "label=das.bench=$RUN")
	# shellcheck disable=SC2086  # one id per word
	[[ -z $ids ]] || docker service rm $ids >/dev/null 2>&1
	for n in $NS swarm; do
		curl -s -o /dev/null -XPOST "$DAS_INFLUX_URL/query" --data-urlencode "q=DROP DATABASE \"${DB}_$n\""
	done
	dropdb -h 127.0.0.1 -p 15432 -U postgres --if-exists "$DB" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

q() { psql "$PG" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ms_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f\n", (b - a) * 1000 }'; }

createdb -h 127.0.0.1 -p 15432 -U postgres "$DB"
"$DAS" --pg "$PG" --influx "$DAS_INFLUX_URL" --database "${DB}_setup" --once \
	-o lock_key=$LOCK >"$TMP/setup.log" 2>&1 || die "das could not create its tables: $(cat "$TMP/setup.log")"
curl -s -o /dev/null -XPOST "$DAS_INFLUX_URL/query" --data-urlencode "q=DROP DATABASE \"${DB}_setup\""

DS_EVERY=${DAS_BENCH_DS_INTERVAL:-10}
DAS_EVERY=${DAS_BENCH_INTERVAL:-10}
# write_points IDB N IDFMT: 2 containers per service, a point every
# DS_EVERY s over the last 10 minutes.
# IDFMT "fake" names ids bench%020d; "file" reads "id name" lines from
# $TMP/ids.
write_points() {
	local idb=$1 n=$2 how=$3 now f
	now=$(date +%s)
	curl -sf -o /dev/null -XPOST "$DAS_INFLUX_URL/query" --data-urlencode "q=CREATE DATABASE \"$idb\"" ||
		die "CREATE DATABASE $idb failed"
	if [[ $how == fake ]]; then
		awk -v n="$n" 'BEGIN { for (i = 1; i <= n; i++) printf "bench%020d svc-%05d\n", i, i }'
	else
		cat "$TMP/ids"
	fi >"$TMP/services"
	awk -v now="$now" -v every="$DS_EVERY" '{
		for (t = now - 600 + every; t <= now; t += every)
			for (c = 0; c < 2; c++)
				printf "docker,backend=docker,container=%012x,node=bench,service=%s,service_name=%s cpu_ratio=%d %d\n",
					2 * NR + c, $1, $2, 40 + NR % 20, t }' "$TMP/services" >"$TMP/points"
	rm -f "$TMP"/points.part.*
	split -l 20000 "$TMP/points" "$TMP/points.part."
	for f in "$TMP"/points.part.*; do
		[[ $(curl -s -o "$TMP/write.err" -w '%{http_code}' -XPOST \
			"$DAS_INFLUX_URL/write?db=$idb&precision=s" --data-binary "@$f") == 204 ]] ||
			die "write to $idb failed: $(cat "$TMP/write.err")"
	done
}

# feed IDB: as ds would, every DS_EVERY s each container's next point
# (the services of the last write_points), until killed.
FEED_PID=
feed() {
	local idb=$1 now
	while :; do
		now=$(date +%s)
		awk -v now="$now" '{
			for (c = 0; c < 2; c++)
				printf "docker,backend=docker,container=%012x,node=bench,service=%s,service_name=%s cpu_ratio=%d %d\n",
					2 * NR + c, $1, $2, 40 + NR % 20, now }' "$TMP/services" >"$TMP/feed"
		curl -s -o /dev/null -XPOST "$DAS_INFLUX_URL/write?db=$idb&precision=s" --data-binary "@$TMP/feed" || true
		sleep "$DS_EVERY"
	done
}
feed_start() { feed "$1" & FEED_PID=$!; }
feed_stop() { [[ -z $FEED_PID ]] || { kill "$FEED_PID" 2>/dev/null; wait "$FEED_PID" 2>/dev/null || true; }; FEED_PID=; }

# policies N BACKEND: the das table holds N policies.
policies() {
	local n=$1 backend=$2
	q "TRUNCATE das; TRUNCATE das_event"
	if [[ $backend == exec ]]; then
		q "INSERT INTO das (seq, min_no, max_no, cur_no, cond_item, out_cond, in_cond, out_duration,
		   in_duration, service_id, backend, target)
		   SELECT g, 1, 10, 2, 'cpu_ratio', '70%', '10%', '10m', '10m', 'svc-' || lpad(g::text, 5, '0'),
		   'exec', 'noop' FROM generate_series(1, $n) g"
	else
		q "INSERT INTO das (seq, min_no, max_no, cur_no, cond_item, out_cond, in_cond, out_duration,
		   in_duration, service_id)
		   SELECT g, 1, 10, 1, 'cpu_ratio', '70%', '10%', '10m', '10m',
		   'das-bench-$RUN-' || ((g - 1) % $SWARM + 1) FROM generate_series(1, $n) g"
	fi
}

# das_cmd IDB: the das command line, in DAS_CMD.
das_cmd() {
	DAS_CMD=("$DAS" --pg "$PG" --influx "$DAS_INFLUX_URL" --database "$1" --dry-run -v
		-o "lock_key=$LOCK" -o "ds_interval=$DS_EVERY" -o timeout=120
		-o "exec.noop=/bin/true {service} {replicas}")
}
tick_field() { # LOG FIELD: per tick line: ms, req, journal, valid
	case $2 in
	ms) sed -nE 's/.*debug: tick: .* ([0-9.]+) ms$/\1/p' "$1" ;;
	req) sed -nE 's/.*debug: tick: .* ([0-9]+) InfluxDB requests.*/\1/p' "$1" ;;
	journal) sed -nE 's/.*debug: tick: .* ([0-9]+) journal rows.*/\1/p' "$1" ;;
	valid) sed -nE 's/.*debug: tick: [0-9]+ policies \(([0-9]+) valid\).*/\1/p' "$1" ;;
	esac
}

# das_once IDB: REPEAT cold runs; sets O_WALL O_CPU O_RSS O_TICK O_REQ O_JOURNAL O_VALID.
das_once() {
	local idb=$1 i
	: >"$TMP/once"
	: >"$TMP/once.log"
	for ((i = 0; i < REPEAT; i++)); do
		das_cmd "$idb"
		/usr/bin/time -f '%e %U %S %M' -o "$TMP/time" "${DAS_CMD[@]}" --once >>"$TMP/once.log" 2>&1 ||
			die "das --once failed: $(tail -5 "$TMP/once.log")"
		awk '{ print $1 * 1000, ($2 + $3) * 1000, $4 }' "$TMP/time" >>"$TMP/once"
	done
	O_WALL=$(awk '{ print $1 }' "$TMP/once" | median)
	O_CPU=$(awk '{ print $2 }' "$TMP/once" | median)
	O_RSS=$(awk '{ print $3 }' "$TMP/once" | sort -g | tail -1)
	O_TICK=$(tick_field "$TMP/once.log" ms | median)
	O_REQ=$(tick_field "$TMP/once.log" req | sort -g | tail -1)
	# The first run is the one that would journal a hold (no data).
	O_JOURNAL=$(tick_field "$TMP/once.log" journal | head -1)
	O_VALID=$(tick_field "$TMP/once.log" valid | head -1)
}

# das_daemon IDB: TICKS + 1 ticks; sets D_TICK (median after the first), D_REQ, D_HWM.
das_daemon() {
	local idb=$1 log=$TMP/daemon.log i
	das_cmd "$idb"
	"${DAS_CMD[@]}" --interval "$DAS_EVERY" </dev/null >"$log" 2>&1 &
	DAS_PID=$!
	for ((i = 0; i < 1200 && $(tick_field "$log" ms | wc -l) < TICKS + 1; i++)); do
		kill -0 "$DAS_PID" 2>/dev/null || die "das daemon died: $(tail -5 "$log")"
		sleep 0.5
	done
	(($(tick_field "$log" ms | wc -l) >= TICKS + 1)) || die "das daemon did not tick $((TICKS + 1)) times"
	D_HWM=$(awk '/^VmHWM:/ { print $2 }' "/proc/$DAS_PID/status")
	kill -TERM "$DAS_PID"; wait "$DAS_PID" || true; DAS_PID=
	D_TICK=$(tick_field "$log" ms | sed 1d | median)
	D_FIRST=$(tick_field "$log" ms | head -1)
	D_REQ=$(tick_field "$log" req | sort -g | tail -1)
	if grep -q 'warning' "$log"; then say "das warned: $(grep -m1 warning "$log")"; fi
}

# The query das sends for these policies (README "Queries"), timed alone:
# from 256 policies on, as das sends it, two parts side by side (the
# aggregate; first and last).
DAS_Q0='SELECT mean("cpu_ratio") AS "value", count("cpu_ratio") AS "n" FROM "docker" WHERE time > now() - 10m GROUP BY "service","service_name","backend"'
DAS_Q1='SELECT first("cpu_ratio") AS "value" FROM "docker" WHERE time > now() - 10m GROUP BY "service","service_name","backend";SELECT last("cpu_ratio") AS "value" FROM "docker" WHERE time > now() - 10m GROUP BY "service","service_name","backend"'
DAS_QUERY="$DAS_Q0;$DAS_Q1"
das_ask() { # IDB QUERY OUT
	curl -sf -G "$DAS_INFLUX_URL/query" --data-urlencode "db=$1" --data-urlencode epoch=ns \
		--data-urlencode "q=$2" -o "$3" || die "das's query failed"
}
das_query() { # IDB N; sets Q_MS (median of REPEAT), Q_BYTES
	local idb=$1 n=$2 i t0 p0 p1
	: >"$TMP/q"
	for ((i = 0; i < REPEAT; i++)); do
		t0=$EPOCHREALTIME
		if ((n >= 256)); then
			das_ask "$idb" "$DAS_Q0" "$TMP/q0.json" & p0=$!
			das_ask "$idb" "$DAS_Q1" "$TMP/q1.json" & p1=$!
			if ! wait "$p0" || ! wait "$p1"; then die "das's query failed"; fi
		else
			das_ask "$idb" "$DAS_QUERY" "$TMP/q0.json"
			: >"$TMP/q1.json"
		fi
		ms_since "$t0" >>"$TMP/q"
	done
	Q_MS=$(median <"$TMP/q")
	Q_BYTES=$(($(stat -c %s "$TMP/q0.json") + $(stat -c %s "$TMP/q1.json")))
}

# answer_readers IDB N: the ways to read das's answer (header); rows in
# READ_ROWS.
READ_ROWS=()
influxd_cpu() { # PID: its utime + stime in jiffies, 0 when unknown
	if [[ -n $1 && -r /proc/$1/stat ]]; then awk '{ print $14 + $15 }' "/proc/$1/stat"; else echo 0; fi
}
answer_ask() { # IDB QUERY CHUNKED OUT
	curl -sf -G "$DAS_INFLUX_URL/query" --data-urlencode "db=$1" --data-urlencode epoch=ns \
		--data-urlencode "chunked=$3" --data-urlencode "q=$2" -o "$4" || die "das's query failed"
}
answer_readers() {
	local idb=$1 n=$2 c i ipid c0 p0 p1 mode files
	local -A icpu bytes
	# shellcheck disable=SC2046  # pkg-config's flags are words
	cc -O2 -std=c11 -D_GNU_SOURCE -I"$ROOT/lib" -I"$ROOT/scaler" "$ROOT/tests/bench/bench_answer.c" \
		"$ROOT"/scaler/policy*.c "$ROOT"/scaler/iql*.c "$ROOT/scaler/wcache.c" "$ROOT/scaler/winagg.c" "$ROOT/lib/strpool.c" \
		"$ROOT/lib/xmalloc.c" "$ROOT/lib/buf.c" "$ROOT/lib/log.c" \
		$(pkg-config --cflags --libs jansson yajl) -lm -o "$TMP/bench_answer" ||
		die "could not build tests/bench/bench_answer.c"
	ipid=$(pgrep -x influxd | head -1 || true)
	for c in false true; do
		: >"$TMP/icpu"
		for ((i = 0; i < REPEAT; i++)); do
			c0=$(influxd_cpu "$ipid")
			answer_ask "$idb" "$DAS_Q0" "$c" "$TMP/ans.$c.0" & p0=$!
			answer_ask "$idb" "$DAS_Q1" "$c" "$TMP/ans.$c.1" & p1=$!
			if ! wait "$p0" || ! wait "$p1"; then die "das's query failed"; fi
			awk -v a="$c0" -v b="$(influxd_cpu "$ipid")" -v hz="$(getconf CLK_TCK)" \
				'BEGIN { print (b - a) * 1000 / hz }' >>"$TMP/icpu"
		done
		icpu[$c]=$([[ -n $ipid ]] && median <"$TMP/icpu" || echo -)
		bytes[$c]=$(( ($(stat -c %s "$TMP/ans.$c.0") + $(stat -c %s "$TMP/ans.$c.1")) / 1024 ))
	done
	for mode in reader yajl chunked whole; do
		c=false; [[ $mode == chunked ]] && c=true
		files=("$TMP/ans.$c.0" "$TMP/ans.$c.1")
		: >"$TMP/readers"
		for ((i = 0; i < REPEAT; i++)); do
			if [[ $mode == reader ]]; then
				"$TMP/bench_answer" reader "$n" "${files[@]}"
			else
				"$TMP/bench_answer" "$mode" "${files[@]}"
			fi >>"$TMP/readers" || die "bench_answer $mode failed"
		done
		[[ $mode != reader ]] || awk -v n="$n" '$4 != n { exit 1 }' "$TMP/readers" ||
			die "das's reader did not find every policy's data"
		READ_ROWS+=("$mode|$(awk '{ print $2 }' "$TMP/readers" | median)|$(awk '{ print $3 }' "$TMP/readers" | sort -g | tail -1)|${icpu[$c]}|${bytes[$c]}")
	done
	READ_N=$n
}

# per_policy IDB N KIND: N sequential requests over one keep-alive
# connection; sets P_MS and P_OK (answers that carry a value).
per_policy() {
	local idb=$1 n=$2 kind=$3 tmpl t0
	if [[ $kind == seed ]]; then
		tmpl="select mean(cpu_ratio) from docker where service = 'XIDX' and time > now() - 10m"
	else
		tmpl=${DAS_QUERY//GROUP BY \"service\",\"service_name\",\"backend\"/}
		tmpl=${tmpl//WHERE time/WHERE \"service\" = \'XIDX\' AND time}
	fi
	tmpl=$(jq -rn --arg q "$tmpl" '$q | @uri')
	awk -v n="$n" -v db="$idb" -v t="$tmpl" -v u="$DAS_INFLUX_URL" 'BEGIN {
		for (i = 1; i <= n; i++) {
			s = t; gsub(/XIDX/, sprintf("bench%020d", i), s)
			printf "url = \"%s/query?db=%s&epoch=ns&q=%s\"\n", u, db, s
		} }' >"$TMP/urls"
	t0=$EPOCHREALTIME
	curl -s -K "$TMP/urls" -w '\n' >"$TMP/answers" || die "per-policy requests failed"
	P_MS=$(ms_since "$t0")
	P_OK=$(grep -c '"values"' "$TMP/answers" || true)
}

ROWS=()
declare -A AT

bench_n() {
	local n=$1 idb=${DB}_$1
	say "N=$n: writing $((2 * n * 600 / DS_EVERY)) points for $n services, $n exec policies"
	write_points "$idb" "$n" fake
	feed_start "$idb"
	policies "$n" exec
	say "N=$n: das --once x$REPEAT"
	das_once "$idb"
	say "N=$n: das daemon, $((TICKS + 1)) ticks"
	das_daemon "$idb"
	feed_stop
	say "N=$n: das's query alone x$REPEAT"
	das_query "$idb" "$n"
	if [[ $n == "${NS##* }" ]] && ((n >= 256)); then
		say "N=$n: reading the answer, each way (bench_answer) x$REPEAT"
		answer_readers "$idb" "$n"
	fi
	say "N=$n: per policy, the seed's query ($n requests)"
	per_policy "$idb" "$n" seed
	local seed_ms=$P_MS seed_ok=$P_OK
	say "N=$n: per policy, das's statements ($n requests)"
	per_policy "$idb" "$n" same
	AT[$n,tick]=$D_TICK
	AT[$n,req]=$(( D_REQ > O_REQ ? D_REQ : O_REQ ))
	AT[$n,rss]=$(( D_HWM > O_RSS ? D_HWM : O_RSS ))
	ROWS+=("$n|exec|$D_TICK|$O_WALL|$O_CPU|${AT[$n,req]}|${AT[$n,rss]}|$Q_MS|$seed_ms|$P_MS|$O_VALID valid, $O_JOURNAL journaled on the first tick, daemon's first tick (full read) ${D_FIRST} ms, --once tick ${O_TICK} ms; answers with a value: seed way $seed_ok/$n, same facts $P_OK/$n; das's answer $((Q_BYTES / 1024)) KB")
	curl -s -o /dev/null -XPOST "$DAS_INFLUX_URL/query" --data-urlencode "q=DROP DATABASE \"$idb\""
}

bench_swarm() {
	local n=$SWARM_POLICIES idb=${DB}_swarm i name
	say "swarm: $SWARM real services (--replicas 1), $n policies over them"
	: >"$TMP/ids"
	for ((i = 1; i <= SWARM; i++)); do
		name=das-bench-$RUN-$i
		id=$(docker service create --quiet --detach --no-resolve-image --replicas 1 \
			--name "$name" --label das.test=1 --label "das.bench=$RUN" "$DAS_IMAGE" sleep 3600) ||
			die "docker service create failed"
		echo "$id $name" >>"$TMP/ids"
	done
	write_points "$idb" "$SWARM" file
	feed_start "$idb"
	policies "$n" swarm
	das_once "$idb"
	das_daemon "$idb"
	feed_stop
	ROWS+=("$n|swarm|$D_TICK|$O_WALL|$O_CPU|$(( D_REQ > O_REQ ? D_REQ : O_REQ ))|$(( D_HWM > O_RSS ? D_HWM : O_RSS ))|-|-|-|$O_VALID valid, $O_JOURNAL journaled on the first tick, --once tick ${O_TICK} ms; $SWARM real services, $SWARM series")
}

# ------------------------------------------------------------ report

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a != "-") printf "%.1fx", a / b; else print "-" }'; }
verdict() { if "$@"; then echo PASS; else echo MISS; fi; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0) }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'; }

report() {
	local row n be tick once cpu req rss qms seed same note maxreq=0 big mode
	echo
	echo "das: one tick with N policies vs one InfluxDB request per policy ($(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
	echo "times in ms; das tick = median of $TICKS daemon ticks; --once and query = median of $REPEAT runs"
	echo
	printf '%6s %-5s %9s %9s %8s %5s %9s %9s %11s %11s %8s\n' N pol "das tick" "--once" "das CPU" "reqs" "RSS KB" "query" "per-policy" "same facts" "seed/das"
	printf '%6s %-5s %9s %9s %8s %5s %9s %9s %11s %11s %8s\n' ------ ----- --------- --------- -------- ----- --------- --------- ----------- ----------- --------
	for row in "${ROWS[@]}"; do
		IFS='|' read -r n be tick once cpu req rss qms seed same note <<<"$row"
		printf '%6s %-5s %9.1f %9.0f %8.0f %5s %9s %9s %11s %11s %8s\n' "$n" "$be" "$tick" "$once" "$cpu" "$req" "$rss" \
			"$qms" "$seed" "$same" "$(ratio "$seed" "$tick")"
		printf '%6s   (%s)\n' "" "$note"
		((req > maxreq)) && maxreq=$req
	done
	echo
	echo "columns: das tick = the tick alone in the daemon; --once = cold start to exit; das CPU = --once user+sys;"
	echo "reqs = InfluxDB requests per tick (das's report line); RSS = max of --once and daemon VmHWM;"
	echo "query = the aggregate statements a single run asks (two side by side from 256 policies), timed alone by curl;"
	echo "per-policy = the seed's query once per policy,"
	echo "sequential, one keep-alive connection; same facts = das's 3 statements per policy, same way."
	big=${NS##* }
	if ((${#READ_ROWS[@]})); then
		echo
		echo "reading das's answer at N=$READ_N (median of $REPEAT; +RSS = growth of the peak over the reading):"
		printf '  %-52s %8s %9s %14s %10s\n' way "das CPU" "+RSS KB" "InfluxDB CPU" "answer KB"
		for row in "${READ_ROWS[@]}"; do
			IFS='|' read -r mode cpu rss qms note <<<"$row"
			case $mode in
			reader) mode="yajl as it streams, series read as they close (das)" ;;
			yajl) mode="yajl parsing alone (floor of any yajl reader)" ;;
			chunked) mode="chunked=true, json_loadb per series (parse only)" ;;
			whole) mode="whole answer, one jansson tree (parse only)" ;;
			esac
			printf '  %-52s %8s %9s %14s %10s\n' "$mode" "$cpu" "$rss" "$qms" "$note"
		done
	fi
	echo
	echo "targets:"
	printf '  %-4s <= 2 InfluxDB requests per tick at any N: at most %s\n' "$(verdict le "$maxreq" 2)" "$maxreq"
	if [[ -n ${AT[10000,tick]:-} ]]; then
		printf '  %-4s 10,000-policy tick < 1 s: %s ms\n' "$(verdict lt "${AT[10000,tick]}" 1000)" "${AT[10000,tick]}"
		printf '  %-4s das RSS < 32 MB at 10,000: %s KB\n' "$(verdict lt "${AT[10000,rss]}" 32768)" "${AT[10000,rss]}"
	else
		echo "  (N=10000 not measured: tick and RSS targets at N=$big: ${AT[$big,tick]} ms, ${AT[$big,rss]} KB)"
	fi
}

say "run $RUN: N = $NS; PostgreSQL database $DB; InfluxDB databases ${DB}_N"
for n in $NS; do bench_n "$n"; done
((SWARM > 0)) && bench_swarm
report
