#!/usr/bin/env bash
# A policy on the rate of one of ds's own counters (issue 12: "blk_write
# while the replicas write to a file"): a real Swarm service scales out
# and back on aggregate rate of blk_write in ds's measurement, the
# daemon's window cache computing each container's rate
# (non_negative_derivative) from the raw samples it keeps.
#
# The points are ds's, written by a stand-in: this machine's cgroup v1
# blkio leaves a container's writes (buffered, fsync'd or O_DIRECT, to
# the overlay or a bind mount) at "Total 0" in every blkio file, so ds's
# real blk_write stays 0 here (tests/unit/test_cgroup.c parses the files
# ds reads). The stand-in writes what ds would for each of the service's
# running containers, every second: measurement docker, tags backend,
# container (the task's container name), node, service (the service's
# id) and service_name, field blk_write a cumulative byte count. A total
# of R bytes/s is spread over the running containers (a load balancer's
# share), so scaling out does not make more load.
#
# The numbers. Setpoint 10MB/s per replica (target mode), out window
# 10 s, in window 20 s, stabilize_in 10 s (a reset read as a negative
# rate would pull the in window's mean down for 20 s, longer than
# stabilization holds: a scale-in, which the test would see). R = 5 MB/s: 1 replica. R = 34 MB/s: ceil(34 / 10) =
# 4, by scale-outs only, never past 4. One container's counter goes back
# to 0 (it restarted): no spike, still 4. R = 5 MB/s again: scale-ins
# only, down to 1.
# wait_for takes code to eval later: single quotes are meant.
# shellcheck disable=SC2016
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

das_test_db das_rate_ds
LOCK=$((RANDOM * 5 + 300019))
SVC=$(unique_name rateds)
DIR=$(mktemp -d /tmp/das-rate-ds.XXXXXX)
on_exit "rm -rf '$DIR'"
SEQ=23
DAS_INT=2
NODE=$(hostname)

replicas() { docker service inspect -f '{{.Spec.Mode.Replicated.Replicas}}' "$SVC"; }
changes() {
	q "SELECT coalesce(string_agg(action || ':' || before_no || ':' || after_no, ' '
	   ORDER BY ts, id), '') FROM das_event WHERE seq = $SEQ AND action IN ('scale_out', 'scale_in', 'bounds')"
}
show() {
	echo "--- journal"
	psql "$PG" -X -P pager=off -c "SELECT to_char(ts, 'HH24:MI:SS.MS') AS time, action, before_no, after_no,
		round(value::numeric, 2) AS value, reason, detail FROM das_event ORDER BY ts, id" || true
	echo "--- das log (tail)"; tail -n 30 "$DIR/das.log" || true
}
# The total rate, replaced whole (the stand-in never reads it half-written).
set_rate() { echo "$1" >"$DIR/rate.new" && mv "$DIR/rate.new" "$DIR/rate"; }
# The stand-in for ds: every second, each running container's counter
# grows by its share of $DIR/rate (bytes/s) over the real time elapsed;
# $DIR/reset puts one container's counter back to 0 once.
standin() {
	local -A count=()
	local sid c n r now last lines
	sid=$(docker service inspect -f '{{.ID}}' "$SVC")
	last=$(date +%s%N)
	while :; do
		mapfile -t ctrs < <(docker ps --filter "label=com.docker.swarm.service.name=$SVC" --format '{{.Names}}')
		r=$(cat "$DIR/rate") now=$(date +%s%N) n=${#ctrs[@]} lines=
		for c in "${ctrs[@]}"; do
			count[$c]=$((${count[$c]:-0} + r * (now - last) / n / 1000000000))
		done
		last=$now
		if [[ -e $DIR/reset && $n -gt 0 ]]; then count[${ctrs[0]}]=0; rm -f "$DIR/reset"; fi
		for c in "${ctrs[@]}"; do
			lines+="docker,backend=swarm,container=$c,node=$NODE,service=$sid,service_name=$SVC blk_write=${count[$c]}i"$'\n'
		done
		[[ -z $lines ]] || iw -d "$IDB" "$lines" >/dev/null 2>&1 || true
		sleep 1
	done
}

echo "== service at 1 replica; 5 MB/s written"
service_create "$SVC" --replicas 1 "$DAS_IMAGE" sleep 1000000
set_rate 5000000
iq -d "$IDB" "CREATE DATABASE \"$IDB\"" >/dev/null
standin &
WPID=$!
on_exit "kill $WPID 2>/dev/null || true"
"$DAS_ROOT/bin/das" --pg "$PG" --influx "$DAS_INFLUX_URL" --database "$IDB" \
	--interval $DAS_INT -o ds_interval=2 -o lock_key=$LOCK >"$DIR/das.log" 2>&1 &
DAS_PID=$!
on_exit "kill $DAS_PID 2>/dev/null || true"
wait_for '[[ $(q "SELECT to_regclass('\''das_event'\'')") == das_event ]]' 60 ||
	fail "das never created its tables: $(cat "$DIR/das.log")"
q "insert into das (seq, min_no, max_no, cond_item, out_duration, in_duration, service_id,
	mode, setpoint, aggregate, stabilize_in)
   values($SEQ, 1, 6, 'blk_write', '10s', '20s', '$SVC', 'target', '10MB/s', 'rate', '10s')"
sleep 16
assert_eq "" "$(changes)" "5 MB/s: 1 replica is enough"

echo "== 34 MB/s: 1 -> 4"
set_rate 34000000
wait_for '[[ $(changes) == *:4 ]]' 90 || { show; fail "das never reached 4, journal: $(changes)"; }
[[ $(changes) =~ ^(scale_out:[0-9]+:[234]( |$))+$ ]] || { show; fail "not scale-outs up to 4 only: $(changes)"; }
OUT=$(changes)
wait_for '[[ $(service_running "$SVC") == 4 ]]' 120 || { show; fail "4 tasks never ran"; }
echo "== one container's counter goes back to 0"
sleep 12
touch "$DIR/reset"
sleep 16
assert_eq "$OUT" "$(changes)" "a counter reset is no spike: still 4"
assert_eq 4 "$(replicas)" "4 replicas while 34 MB/s are written"

echo "== back to 5 MB/s: 4 -> 1"
set_rate 5000000
wait_for '[[ $(changes) == *:1 ]]' 90 || { show; fail "das never came back to 1, journal: $(changes)"; }
IN=$(changes); IN=${IN#"$OUT "}
[[ $IN =~ ^(scale_in:[0-9]+:[123]( |$))+$ ]] || { show; fail "not scale-ins down to 1 only: $IN"; }
echo "   journal: $(q "SELECT string_agg(action || ' ' || after_no || ' at ' || round(value::numeric / 1e6, 1) || ' MB/s',
	'; ' ORDER BY ts) FROM das_event WHERE seq = $SEQ AND action IN ('scale_out', 'scale_in')")"
echo "ok"
