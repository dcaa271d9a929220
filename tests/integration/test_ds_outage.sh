#!/usr/bin/env bash
# ds rides out an InfluxDB outage: while the server is down, points are
# held and retried with backoff; when it returns they are delivered in
# full, so a container has one point per cycle that ds ran, across the
# outage.  And with a tiny buffer the oldest points are dropped, said so,
# and ds keeps running.
#
# The InfluxDB here is our own instance on its own ports and temp dirs
# (not the stack's), so stopping it disturbs no other test.
# wait_for takes code to eval later: single quotes are meant.
# Variables read only inside wait_for's eval'd code look unused.
# shellcheck disable=SC2016,SC2034
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

PORT=${DS_OUTAGE_PORT:-18186}
RPC_PORT=$((PORT + 2))
URL=http://127.0.0.1:$PORT
DIR=$(mktemp -d /tmp/ds-outage.XXXXXX)
on_exit "rm -rf '$DIR'"
DB=$(unique_name ds_outage | tr - _)
DB2=$(unique_name ds_buffer | tr - _)
INFLUXD_PID=

ping_ok() { [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$URL/ping") == 204 ]]; }

# Our server's config, as tests/stack.sh writes the stack's.
cat >"$DIR/influxdb.conf" <<EOF
reporting-enabled = false
bind-address = "127.0.0.1:$RPC_PORT"
[meta]
  dir = "$DIR/meta"
[data]
  dir = "$DIR/data"
  wal-dir = "$DIR/wal"
  wal-fsync-delay = "100ms"
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:$PORT"
  auth-enabled = false
  log-enabled = false
[continuous_queries]
  enabled = false
EOF

influx_start() {
	influxd -config "$DIR/influxdb.conf" </dev/null >>"$DIR/influxd.log" 2>&1 &
	INFLUXD_PID=$!
	wait_for ping_ok 60 0.2 || { tail -20 "$DIR/influxd.log"; fail "our influxd did not answer on $URL"; }
	echo "   influxd up (pid $INFLUXD_PID) on $URL"
}

influx_stop() {
	kill -TERM "$INFLUXD_PID"
	wait "$INFLUXD_PID" || true
	INFLUXD_PID=
	! ping_ok || fail "$URL still answers after influxd stopped"
	echo "   influxd stopped"
}
on_exit '[[ -z $INFLUXD_PID ]] || { kill -TERM $INFLUXD_PID; wait $INFLUXD_PID || true; }'

# ds_start LOG DB [-o KEY=VALUE...]: ds as a daemon, every second, on our
# server; sets DS_PID.
ds_start() {
	local log=$1 db=$2; shift 2
	"$DAS_ROOT/bin/ds" -v --interval 1 --influx "$URL" --database "$db" \
		-o docker_socket="$DAS_DOCKER_SOCK" -o retry_min=0.5 -o retry_max=2 "$@" \
		</dev/null >"$log" 2>&1 &
	DS_PID=$!
	on_exit "! kill -0 $DS_PID 2>/dev/null || kill -TERM $DS_PID"
}

# ds_stop: SIGTERM, wait; DS_RC is its exit status.
ds_stop() {
	DS_RC=0
	kill -TERM "$DS_PID"
	wait "$DS_PID" || DS_RC=$?
}

# count DB CONTAINER: that container's points on our server.
count() {
	curl -sS --fail -G "$URL/query" --data-urlencode "db=$1" \
		--data-urlencode "q=SELECT count(mem_usage) FROM docker WHERE container = '$2'" |
		jq -r '.results[0].series[0].values[0][1] // 0'
}

# Cycles that produced points (a cycle whose discovery failed says
# "-N points" and made none).
cycles() { grep -cE 'debug: cycle: .*, [1-9][0-9]* points' "$1" || true; }

if ping_ok; then fail "something already answers on $URL; set DS_OUTAGE_PORT"; fi
influx_start

name=$(unique_name ds-outage)
on_exit "docker rm -f $name"
CID=$(docker run -d --network none --label das.test=1 --name "$name" "$DAS_IMAGE" \
	sh -c 'while :; do :; done')
CID=${CID:0:12}
echo "== ds writes every second (container $CID)"
LOG=$DIR/ds.log
ds_start "$LOG" "$DB"
wait_for '(( $(count "$DB" "$CID") >= 5 ))' 60 || { cat "$LOG"; fail "ds never wrote 5 points for $CID"; }

echo "== InfluxDB down for ~15 s"
influx_stop
wait_for 'grep -qE "keeping [0-9]+ points, retry in [0-9.]+ s" "$LOG"' 30 ||
	{ cat "$LOG"; fail "ds never said it was keeping points"; }
sleep 15
kill -0 "$DS_PID" || fail "ds died during the outage"
grep -E 'keeping [0-9]+ points' "$LOG" | tail -2 | sed 's/^/   /'

echo "== InfluxDB back"
influx_start
wait_for 'grep -q "works again; delivering [0-9]* held points" "$LOG"' 60 ||
	{ tail -30 "$LOG"; fail "ds never delivered the held points"; }
grep 'works again' "$LOG" | sed 's/^/   /'
# Two more cycles after the delivery, then stop.
n=$(cycles "$LOG")
wait_for '(( $(cycles "$LOG") >= n + 2 ))' 30 || fail "ds stopped cycling after the outage"
ds_stop
assert_eq 0 "$DS_RC" "ds exit status after SIGTERM"
grep -q 'signal 15: flushed; 0 points could not be delivered' "$LOG" ||
	{ tail -5 "$LOG"; fail "ds did not flush everything on SIGTERM"; }

echo "== one point per cycle, across the outage"
ncyc=$(cycles "$LOG")
npts=$(count "$DB" "$CID")
echo "   $ncyc cycles, $npts points for $CID"
assert_eq "$ncyc" "$npts" "points for $CID vs ds cycles"
# Where the points are: a sorted list of timestamps; print the widest gap
# (informative: the count above is the assertion).
gap=$(curl -sS --fail -G "$URL/query" --data-urlencode "db=$DB" --data-urlencode epoch=ms \
	--data-urlencode "q=SELECT mem_usage FROM docker WHERE container = '$CID'" |
	jq -r '[.results[0].series[0].values[][0]] | sort | [range(1; length) as $i | .[$i] - .[$i - 1]] | max')
echo "   widest gap between consecutive points: ${gap} ms"

echo "== bounded buffer: buffer_points=5, InfluxDB down ~10 s"
influx_stop
LOG2=$DIR/ds2.log
ds_start "$LOG2" "$DB2" -o buffer_points=5
wait_for 'grep -q "dropped the [0-9]* oldest points" "$LOG2"' 30 ||
	{ cat "$LOG2"; fail "ds never said it dropped points"; }
sleep 10
kill -0 "$DS_PID" || { tail -20 "$LOG2"; fail "ds died with a full buffer"; }
grep 'dropped the' "$LOG2" | tail -1 | sed 's/^/   /'
influx_start
wait_for 'grep -q "works again; delivering [0-9]* held points" "$LOG2"' 60 ||
	{ tail -30 "$LOG2"; fail "ds never delivered after the buffer overflowed"; }
held=$(grep -o 'delivering [0-9]* held points' "$LOG2" | head -1 | tr -dc 0-9)
echo "   delivered $held held points"
((held <= 5)) || fail "ds held $held points with buffer_points=5"
ds_stop
assert_eq 0 "$DS_RC" "ds exit status after SIGTERM"
echo "outage: $npts points in $ncyc cycles, none lost; bounded buffer drops and says so"
