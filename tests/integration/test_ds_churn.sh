#!/usr/bin/env bash
# Containers come and go under a running ds: it tracks new ones, releases
# the fds of removed ones (no leak), does not warn about them cycle after
# cycle, and keeps writing points for the rest.  It learns of them from
# Docker's events: most cycles do not list the containers.  And with no Docker to ask
# it warns each cycle, naming the socket, and keeps running.
#
# Other tests may start containers on the same engine meanwhile, so fd
# counts are compared net of the fds ds itself reports holding for
# containers ("cycle: ... F fds"), and the removed containers' fds are
# looked for by path.
# wait_for takes code to eval later: single quotes are meant.
# Variables read only inside wait_for's eval'd code look unused.
# shellcheck disable=SC2016,SC2034
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

DB=$(unique_name ds_churn | tr - _)
DIR=$(mktemp -d /tmp/ds-churn.XXXXXX)
on_exit "rm -rf '$DIR'"
on_exit "iq -d '$DB' 'DROP DATABASE \"$DB\"'"
LOG=$DIR/ds.log

ncycles() { grep -c 'debug: cycle: ' "$LOG" || true; }
proc_fds() { find "/proc/$DS_PID/fd" -mindepth 1 -maxdepth 1 | wc -l; }
# The fds ds last reported holding for its containers.
ctr_fds() { grep 'debug: cycle: ' "$LOG" | tail -1 | sed -E 's/.* ([0-9]+) fds$/\1/'; }

# base_fds: ds's fds that are not containers' (event loop, sockets, logs,
# /proc/stat), read between two cycles and twice in a row alike, so that
# a cycle running while we count cannot skew it.
base_once() {
	local c n p f
	c=$(ncycles)
	wait_for '(( $(ncycles) > c ))' 30 0.05 || return 1
	n=$(ncycles); p=$(proc_fds); f=$(ctr_fds)
	[[ $(ncycles) == "$n" ]] || return 1
	echo $((p - f))
}
base_fds() {
	local a b i
	for ((i = 0; i < 10; i++)); do
		a=$(base_once) || continue
		b=$(base_once) || continue
		[[ $a == "$b" ]] && { echo "$a"; return 0; }
	done
	fail "ds's fd count never settled"
}

# fds_of FULLID PID: ds's fds on that container's cgroup or net/dev files.
fds_of() {
	local id=$1 pid=$2 n=0 l
	for l in /proc/"$DS_PID"/fd/*; do
		l=$(readlink "$l" 2>/dev/null) || continue
		[[ $l == *"$id"* || $l == "/proc/$pid/"* ]] && n=$((n + 1))
	done
	echo "$n"
}

last_limit() {
	iq -d "$DB" "SELECT last(mem_limit) FROM docker WHERE container = '$1'" |
		jq -r '.results[0].series[0].values[0][1] // 0'
}

count() {
	iq -d "$DB" "SELECT count(mem_usage) FROM docker WHERE container = '$1'" |
		jq -r '.results[0].series[0].values[0][1] // 0'
}

# An anchor container from the start: ds writes only when it has points,
# and its first write opens the InfluxDB connection (3 fds with curl's
# wakeup pair), which must be in the baseline, not counted as a leak.
anchor=$(unique_name ds-churn-anchor)
on_exit "docker rm -f $anchor"
docker run -d --network none --label das.test=1 --name "$anchor" "$DAS_IMAGE" sleep 600 >/dev/null

echo "== ds -v, every second"
"$DAS_ROOT/bin/ds" -v --interval 1 --influx "$DAS_INFLUX_URL" --database "$DB" \
	-o docker_socket="$DAS_DOCKER_SOCK" </dev/null >"$LOG" 2>&1 &
DS_PID=$!
on_exit "! kill -0 $DS_PID 2>/dev/null || kill -TERM $DS_PID"
wait_for '(( $(ncycles) >= 2 ))' 30 || { cat "$LOG"; fail "ds never cycled"; }
wait_for '(( $(count "$(docker inspect -f "{{.Id}}" "$anchor" | cut -c1-12)") >= 1 ))' 30 ||
	{ cat "$LOG"; fail "ds never wrote a point for the anchor container"; }
BASE0=$(base_fds)
echo "   ds pid $DS_PID: $BASE0 fds besides its containers'"

echo "== 3 containers"
FULL=() SHORT=() PIDS=()
for i in 1 2 3; do
	name=$(unique_name ds-churn)
	on_exit "docker rm -f $name"
	id=$(docker run -d --network none --label das.test=1 --name "$name" "$DAS_IMAGE" sleep 600)
	FULL+=("$id") SHORT+=("${id:0:12}")
	PIDS+=("$(docker inspect -f '{{.State.Pid}}' "$id")")
done
for s in "${SHORT[@]}"; do
	wait_for 'grep -q "container $s (.*): tracking" "$LOG"' 30 || fail "ds never tracked $s"
done
for i in 0 1 2; do
	n=$(fds_of "${FULL[i]}" "${PIDS[i]}")
	echo "   ${SHORT[i]}: $n fds"
	assert_ge "$n" 1 "fds ds holds for ${SHORT[i]}"
done

echo "== docker update: the new memory limit is read (an update event)"
docker update --memory 96m --memory-swap 96m "${FULL[2]}" >/dev/null
wait_for '[[ $(last_limit "${SHORT[2]}") == 100663296 ]]' 30 ||
	fail "ds never wrote the updated limit of ${SHORT[2]} (last: $(last_limit "${SHORT[2]}"))"
echo "   ${SHORT[2]}: mem_limit $(last_limit "${SHORT[2]}") after the update"

echo "== remove 2 of them"
docker rm -f "${FULL[0]}" "${FULL[1]}" >/dev/null
for s in "${SHORT[@]:0:2}"; do
	wait_for 'grep -q "container $s: gone; released" "$LOG"' 30 || fail "ds never released $s"
done
c=$(ncycles)
before=$(count "${SHORT[2]}")
wait_for '(( $(ncycles) >= c + 3 ))' 30 || fail "ds stopped cycling"
kill -0 "$DS_PID" || fail "ds died"

for i in 0 1; do
	assert_eq 0 "$(fds_of "${FULL[i]}" "${PIDS[i]}")" "fds still open on removed ${SHORT[i]}"
done
left=$(fds_of "${FULL[2]}" "${PIDS[2]}")
assert_ge "$left" 1 "fds of the remaining ${SHORT[2]}"
((left <= 8)) || fail "ds holds $left fds for one container (about 6 expected)"
BASE1=$(base_fds)
echo "   base fds: $BASE0 before, $BASE1 after; the remaining container holds $left"
((BASE1 - BASE0 <= 1 && BASE0 - BASE1 <= 1)) ||
	fail "ds's fds besides its containers' went from $BASE0 to $BASE1"

# Docker's events tell ds when to list: once the removals are read, the
# quiet cycles since do not ask the Engine (one may, the removal's own).
quiet=$(grep 'debug: cycle: ' "$LOG" | tail -n +$((c + 1)))
total=$(grep -c . <<<"$quiet")
listed=$(grep -c ', listed)' <<<"$quiet" || true)
echo "   quiet cycles that listed the containers: $listed of $total"
((total >= 3 && listed <= 1)) || fail "ds listed the containers in $listed of $total quiet cycles"

storm=$(grep -E 'warning' "$LOG" | grep -cE "${SHORT[0]}|${SHORT[1]}" || true)
echo "   warnings naming the removed containers: $storm"
((storm <= 2)) || { grep warning "$LOG" | tail; fail "$storm warnings about removed containers"; }

wait_for '(( $(count "${SHORT[2]}") >= before + 2 ))' 30 ||
	fail "no new points for ${SHORT[2]} after the removals"
echo "   ${SHORT[2]}: points went from $before to $(count "${SHORT[2]}")"
kill -TERM "$DS_PID"
rc=0; wait "$DS_PID" || rc=$?
assert_eq 0 "$rc" "ds exit status after SIGTERM"

echo "== Docker unreachable"
LOG2=$DIR/ds-nosock.log
"$DAS_ROOT/bin/ds" --interval 1 --influx "$DAS_INFLUX_URL" --database "$DB" \
	--docker-socket /nonexistent.sock </dev/null >"$LOG2" 2>&1 &
DS_PID=$!
on_exit "! kill -0 $DS_PID 2>/dev/null || kill -TERM $DS_PID"
sleep 3
kill -0 "$DS_PID" || { cat "$LOG2"; fail "ds died without Docker"; }
wait_for '(( $(grep -c "warning: .*/nonexistent.sock" "$LOG2") >= 3 ))' 30 ||
	{ cat "$LOG2"; fail "ds did not warn each cycle naming the socket"; }
kill -0 "$DS_PID" || { cat "$LOG2"; fail "ds died without Docker"; }
grep -m1 warning "$LOG2" | sed 's/^/   /'
kill -TERM "$DS_PID"
rc=0; wait "$DS_PID" || rc=$?
assert_eq 0 "$rc" "ds exit status after SIGTERM (no Docker)"
echo "churn: fds released, no warning storm, points continue; no Docker: warned, kept running"
