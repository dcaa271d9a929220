#!/usr/bin/env bash
# ds and an InfluxDB that accepts connections and never answers: sampling
# must not wait for the network.  For DS_STUCK_SECONDS (60) ds's
# influx_url leads to a listener that takes every connection and answers
# nothing; ds samples every 2 s all the same (30 samples a minute, not the
# 9 or so of a loop held by each 5 s write timeout), keeps the points and
# says so.  Then the same address leads to the stack's InfluxDB (a
# forwarder takes the listener's place) and every point of the hang
# arrives, 2 s apart.
#
# The endpoints are busybox nc stand-ins (lib.sh: listen).
# wait_for takes code to eval later: single quotes are meant.
# Variables read only inside wait_for's eval'd code look unused.
# shellcheck disable=SC2016,SC2034
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

PORT=${DS_STUCK_PORT:-18196}
URL=http://127.0.0.1:$PORT
HANG=${DS_STUCK_SECONDS:-60}
INTERVAL=2
DB=$(unique_name ds_stuck | tr - _)
DIR=$(mktemp -d /tmp/ds-stuck.XXXXXX)
LOG=$DIR/ds.log
on_exit "rm -rf '$DIR'"
on_exit "iq -d '$DB' 'DROP DATABASE \"$DB\"'"

now_ms() { date +%s%3N; }

# times CONTAINER: its points' timestamps (ms), sorted, one per line.
times() {
	curl -sS --fail -G "$DAS_INFLUX_URL/query" --data-urlencode "db=$DB" --data-urlencode epoch=ms \
		--data-urlencode "q=SELECT mem_usage FROM docker WHERE container = '$1'" |
		jq -r '.results[0].series[0].values // [] | map(.[0]) | sort[]'
}

if port_open "$PORT"; then fail "something already listens on $PORT; set DS_STUCK_PORT"; fi

name=$(unique_name ds-stuck)
on_exit "docker rm -f $name"
CID=$(docker run -d --network none --label das.test=1 --name "$name" "$DAS_IMAGE" sleep 600)
CID=${CID:0:12}

echo "== $URL takes connections and never answers; ds every $INTERVAL s for $HANG s"
listen "$PORT" "$DIR/nc.log" sh -c 'exec cat >/dev/null'
T0=$(now_ms)
"$DAS_ROOT/bin/ds" -v --interval "$INTERVAL" --influx "$URL" --database "$DB" \
	-o docker_socket="$DAS_DOCKER_SOCK" -o timeout=5 -o retry_min=1 -o retry_max=8 \
	</dev/null >"$LOG" 2>&1 &
DS_PID=$!
on_exit "! kill -0 $DS_PID 2>/dev/null || kill -TERM $DS_PID"
wait_for 'grep -qE "InfluxDB write to $URL: .*timed out.*; keeping [0-9]+ points, retry in [0-9.]+ s" "$LOG"' 20 ||
	{ cat "$LOG"; fail "ds never said its write timed out and the points are kept"; }
grep -E 'timed out' "$LOG" | head -1 | sed 's/^ */   /'
sleep "$(awk -v ms=$((T0 + HANG * 1000 - $(now_ms))) 'BEGIN { printf "%.3f", (ms > 0 ? ms / 1000 : 0) }')"
kill -0 "$DS_PID" || { tail -20 "$LOG"; fail "ds died while InfluxDB hung"; }
T1=$(now_ms)
hang_cycles=$(ds_cycles "$LOG")
fails=$(grep -cE 'InfluxDB write to .*; keeping [0-9]+ points' "$LOG" || true)
echo "   $hang_cycles samples in $(((T1 - T0) / 1000)) s, $fails writes failed meanwhile"
want=$(((T1 - T0) / (INTERVAL * 1000) - 1))
assert_ge "$hang_cycles" "$want" "samples taken while InfluxDB hung"

echo "== the same address now leads to InfluxDB"
ds_back_to_influx "$PORT" "$LOG" "$DS_PID"

echo "== every point of the hang arrived, $INTERVAL s apart"
mapfile -t ts < <(times "$CID")
assert_eq "$(ds_cycles "$LOG")" "${#ts[@]}" "points for $CID vs ds cycles (none lost)"
inwin=() gap=0 min=999999
for t in "${ts[@]}"; do ((t >= T0 && t < T1)) && inwin+=("$t"); done
for ((i = 1; i < ${#inwin[@]}; i++)); do
	d=$((inwin[i] - inwin[i - 1]))
	((d > gap)) && gap=$d
	((d < min)) && min=$d
done
echo "   ${#inwin[@]} points from the $(((T1 - T0) / 1000)) s hang in InfluxDB," \
	"spacing ${min}..${gap} ms; ${#ts[@]} points in all = $(ds_cycles "$LOG") cycles"
assert_ge "${#inwin[@]}" "$want" "points of the hang window in InfluxDB"
((gap <= INTERVAL * 1500)) || fail "points of the hang are up to $gap ms apart (interval $INTERVAL s)"
echo "stuck InfluxDB: ${#inwin[@]} samples in $(((T1 - T0) / 1000)) s, none lost, at most $gap ms apart"
