#!/usr/bin/env bash
# ds --once against real containers: a Swarm service with two busy replicas
# and an idle plain container.  Exactly one point per container, every tag
# and field of the data contract, plausible values, the Swarm tags right,
# and the figures close to what `docker stats` shows for the same
# containers.
# wait_for takes code to eval later: single quotes are meant.
# shellcheck disable=SC2016
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

DB=$(unique_name ds_points | tr - _)
SVC=$(unique_name ds-points)
LOG=$(mktemp /tmp/ds-points.XXXXXX)
BUSY_MIN=25	# percent of a core; idle must be below 5
on_exit "rm -f '$LOG'"
on_exit "iq -d '$DB' 'DROP DATABASE \"$DB\"'"

# points DB CONTAINER: that container's points as a JSON array of objects
# (tags and fields by name; an absent tag is null).
points() {
	iq -d "$1" "SELECT * FROM docker WHERE container = '$2'" | jq -c '
		[.results[0].series[]? | .columns as $c | .values[] |
		 [$c, .] | transpose | map({(.[0]): .[1]}) | add]'
}

# bytes "1.5MiB" -> 1572864 (docker stats units: B, KiB, MiB, GiB, kB, MB, GB).
bytes() {
	awk -v s="$1" 'BEGIN {
		n = s + 0; u = s; sub(/^[0-9.]+/, "", u)
		m["B"] = 1; m["KiB"] = 1024; m["MiB"] = 1048576; m["GiB"] = 1073741824
		m["kB"] = 1e3; m["KB"] = 1e3; m["MB"] = 1e6; m["GB"] = 1e9
		if (!(u in m)) exit 1
		printf "%.0f\n", n * m[u] }'
}

# within_pts A B PTS: |A - B| <= PTS (percentage points).
within_pts() { awk -v a="$1" -v b="$2" -v d="$3" 'BEGIN { x = a - b; exit !(x <= d && -x <= d) }'; }
# below X MAX: X < MAX.
below() { awk -v x="$1" -v m="$2" 'BEGIN { exit !(x + 0 < m + 0) }'; }
# mem_close A B: within a factor 2 of each other, or 1 MiB apart at most.
mem_close() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		d = a - b; if (d < 0) d = -d
		if (d <= 1048576) exit 0
		exit !(a > 0 && b > 0 && a <= 2 * b && b <= 2 * a) }'
}

echo "== a service with 2 busy replicas, an idle plain container"
service_create "$SVC" --replicas 2 "$DAS_IMAGE" sh -c 'while :; do :; done'
wait_for '[[ $(service_running "$SVC") == 2 ]]' 90 ||
	fail "service $SVC never had 2 running tasks: $(docker service ps --no-trunc "$SVC" 2>&1)"
wait_for '[[ $(docker ps -q --filter "label=com.docker.swarm.service.id=$SERVICE_ID" | wc -l) == 2 ]]' 60 ||
	fail "the 2 containers of $SVC are not both running"
mapfile -t BUSY < <(docker ps -q --filter "label=com.docker.swarm.service.id=$SERVICE_ID")
IDLE_FULL=$(docker run -d --network none --label das.test=1 --name "$(unique_name ds-idle)" \
	"$DAS_IMAGE" sleep 600)
on_exit "docker rm -f $IDLE_FULL"
IDLE=${IDLE_FULL:0:12}
echo "   busy: ${BUSY[*]} (service $SERVICE_ID), idle: $IDLE"

echo "== ds --once --interval 2, docker stats during its interval"
"$DAS_ROOT/bin/ds" --once --interval 2 --influx "$DAS_INFLUX_URL" --database "$DB" \
	-o docker_socket="$DAS_DOCKER_SOCK" >"$LOG" 2>&1 &
ds_pid=$!
# docker stats samples about a second: inside ds's two-second window, so
# both see the same share of the CPUs even when other tests load the host.
sleep 0.5
STATS=$(docker stats --no-stream --format '{{.ID}} {{.CPUPerc}} {{.MemUsage}}' "${BUSY[@]}" "$IDLE")
wait "$ds_pid" || { cat "$LOG"; fail "ds --once exited non-zero"; }
cat "$LOG"
while read -r line; do echo "   docker stats: $line"; done <<<"$STATS"

echo "== the data contract: field types and tag keys"
ftypes=$(iq -d "$DB" 'SHOW FIELD KEYS FROM docker' |
	jq -r '.results[0].series[0].values | map("\(.[0])=\(.[1])") | sort | join(" ")')
assert_eq "blk_read=integer blk_write=integer cpu_ratio=float mem_limit=integer mem_ratio=float mem_usage=integer net_read=integer net_write=integer" \
	"$ftypes" "field types"
tkeys=$(iq -d "$DB" 'SHOW TAG KEYS FROM docker' | jq -r '.results[0].series[0].values | map(.[0]) | sort | join(" ")')
assert_eq "backend container node service service_name" "$tkeys" "tag keys"

# check_point ID KIND: the one point of container ID; KIND busy or idle.
check_point() {
	local id=$1 kind=$2 p f v
	p=$(points "$DB" "$id")
	assert_eq 1 "$(jq length <<<"$p")" "points for $kind container $id"
	p=$(jq -c '.[0]' <<<"$p")
	echo "   $kind $id: $p"
	for f in cpu_ratio mem_usage mem_limit mem_ratio net_read net_write blk_read blk_write; do
		v=$(jq -r --arg f "$f" '.[$f]' <<<"$p")
		assert_ge "$v" 0 "$kind $id: field $f"
	done
	assert_eq "$id" "$(jq -r .container <<<"$p")" "container tag"
	assert_eq docker "$(jq -r .backend <<<"$p")" "backend tag of $id"
	assert_eq "$(hostname)" "$(jq -r .node <<<"$p")" "node tag of $id"
	assert_ge "$(jq -r .mem_usage <<<"$p")" 1 "$id: mem_usage"
	assert_ge "$(jq -r .mem_limit <<<"$p")" 1 "$id: mem_limit"
	if [[ $kind == busy ]]; then
		# Alone, each replica has a core (~100).  The bound is low on
		# purpose: other tests' busy services may share the 2 CPUs.
		assert_ge "$(jq -r .cpu_ratio <<<"$p")" "$BUSY_MIN" "busy $id: cpu_ratio"
		assert_eq "$SERVICE_ID" "$(jq -r .service <<<"$p")" "service tag of $id"
		assert_eq "$SVC" "$(jq -r .service_name <<<"$p")" "service_name tag of $id"
	else
		below "$(jq -r .cpu_ratio <<<"$p")" 5 ||
			fail "idle $id: cpu_ratio $(jq -r .cpu_ratio <<<"$p") is not below 5"
		assert_eq null "$(jq -r .service <<<"$p")" "no service tag on a plain container"
		assert_eq null "$(jq -r .service_name <<<"$p")" "no service_name tag on a plain container"
	fi
}

echo "== one point per container, plausible values"
for id in "${BUSY[@]}"; do check_point "$id" busy; done
check_point "$IDLE" idle

echo "== against docker stats"
# compare ID KIND: ds's point next to docker stats' line for ID.
compare() {
	local id=$1 kind=$2 line cpu mem ds_cpu ds_mem
	line=$(grep "^$id " <<<"$STATS") || fail "docker stats has no line for $id"
	read -r _ cpu mem _ <<<"$line"
	cpu=${cpu%\%}
	mem=$(bytes "$mem") || fail "cannot parse docker stats memory in '$line'"
	ds_cpu=$(points "$DB" "$id" | jq -r '.[0].cpu_ratio')
	ds_mem=$(points "$DB" "$id" | jq -r '.[0].mem_usage')
	echo "   $kind $id: cpu ds $ds_cpu / docker $cpu, mem ds $ds_mem / docker $mem"
	if [[ $kind == busy ]]; then
		within_pts "$ds_cpu" "$cpu" 30 || fail "$id: ds cpu_ratio $ds_cpu vs docker stats $cpu%: more than 30 points apart"
	else
		below "$ds_cpu" 5 || fail "$id: ds cpu_ratio $ds_cpu is not below 5"
		below "$cpu" 5 || fail "$id: docker stats CPU $cpu% is not below 5"
	fi
	mem_close "$ds_mem" "$mem" || fail "$id: ds mem_usage $ds_mem vs docker stats $mem: not within a factor 2 or 1 MiB"
}
for id in "${BUSY[@]}"; do compare "$id" busy; done
compare "$IDLE" idle

echo "ds points: contract, values and docker stats agreement checked"
