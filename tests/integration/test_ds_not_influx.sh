#!/usr/bin/env bash
# ds and an influx_url that leads to something that is not InfluxDB (a
# wrong URL, a proxy's page): it answers every write `200 OK` with an HTML
# page.  ds must not take that as delivered: InfluxDB 1.x answers a stored
# write 204 and names itself in X-Influxdb-Version.  ds keeps the points,
# logs the URL, the status and what happens next, and when the same
# address leads to the stack's InfluxDB (a forwarder takes the page's
# place) every point of the bad period arrives.
#
# The endpoints are busybox nc stand-ins (lib.sh: listen).
# wait_for takes code to eval later: single quotes are meant.
# Variables read only inside wait_for's eval'd code look unused.
# shellcheck disable=SC2016,SC2034
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

PORT=${DS_NOT_INFLUX_PORT:-18197}
URL=http://127.0.0.1:$PORT
BAD=${DS_NOT_INFLUX_SECONDS:-12}
DB=$(unique_name ds_notinflux | tr - _)
DIR=$(mktemp -d /tmp/ds-notinflux.XXXXXX)
LOG=$DIR/ds.log
on_exit "rm -rf '$DIR'"
on_exit "iq -d '$DB' 'DROP DATABASE \"$DB\"'"

now_ms() { date +%s%3N; }

# count CONTAINER [FROM_MS TO_MS]: its points on the stack's InfluxDB.
count() {
	local where="container = '$1'"
	[[ -z ${2:-} ]] || where+=" AND time >= ${2}ms AND time < ${3}ms"
	iq -d "$DB" "SELECT count(mem_usage) FROM docker WHERE $where" |
		jq -r '.results[0].series[0].values[0][1] // 0'
}

# The page: read the request (head, then Content-Length bytes of body),
# answer what a web server's default site or a proxy's error page would.
cat >"$DIR/page.sh" <<'EOF'
#!/bin/sh
len=0
while IFS= read -r line; do
	line=${line%"$(printf '\r')"}
	[ -z "$line" ] && break
	case $line in
	[Cc]ontent-[Ll]ength:*) len=$(printf '%s' "${line#*:}" | tr -dc 0-9) ;;
	esac
done
[ "$len" -gt 0 ] && head -c "$len" >/dev/null
body='<html><head><title>Welcome to nginx!</title></head><body>It works.</body></html>'
printf 'HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/html\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
	"${#body}" "$body"
EOF
chmod +x "$DIR/page.sh"

if port_open "$PORT"; then fail "something already listens on $PORT; set DS_NOT_INFLUX_PORT"; fi
name=$(unique_name ds-notinflux)
on_exit "docker rm -f $name"
CID=$(docker run -d --network none --label das.test=1 --name "$name" "$DAS_IMAGE" sleep 600)
CID=${CID:0:12}

echo "== $URL answers every write 200 with an HTML page; ds every second for $BAD s"
listen "$PORT" "$DIR/nc.log" "$DIR/page.sh"
code=$(curl -sS -o /dev/null -w '%{http_code}' -XPOST --data-binary 'x v=1' "$URL/write?db=x")
assert_eq 200 "$code" "the page's answer to a write"
T0=$(now_ms)
"$DAS_ROOT/bin/ds" -v --interval 1 --influx "$URL" --database "$DB" \
	-o docker_socket="$DAS_DOCKER_SOCK" -o retry_min=0.5 -o retry_max=2 \
	</dev/null >"$LOG" 2>&1 &
DS_PID=$!
on_exit "! kill -0 $DS_PID 2>/dev/null || kill -TERM $DS_PID"
re="InfluxDB write to $URL: HTTP 200 from a server that is not InfluxDB \(no X-Influxdb-Version header\): <html>.*; keeping [0-9]+ points, retry in [0-9.]+ s"
wait_for 'grep -qE "$re" "$LOG"' 30 || { cat "$LOG"; fail "ds did not say the answer is not InfluxDB's"; }
grep -E "$re" "$LOG" | head -1 | sed 's/^ */   /'
sleep "$BAD"
kill -0 "$DS_PID" || { tail -20 "$LOG"; fail "ds died answering a page"; }
T1=$(now_ms)
bad_cycles=$(ds_cycles "$LOG")
if grep -q 'works again' "$LOG"; then fail "ds took the page's 200 for a delivery"; fi
echo "   $bad_cycles samples in $(((T1 - T0) / 1000)) s, $(grep -cE "$re" "$LOG") writes refused as not InfluxDB"

echo "== the same address now leads to InfluxDB"
ds_back_to_influx "$PORT" "$LOG" "$DS_PID"

echo "== nothing of the bad period was lost"
inbad=$(count "$CID" "$T0" "$T1")
all=$(count "$CID")
echo "   $inbad points of the $(((T1 - T0) / 1000)) s with the page, $all in all, $(ds_cycles "$LOG") cycles"
assert_eq "$(ds_cycles "$LOG")" "$all" "points for $CID vs ds cycles"
assert_ge "$inbad" "$bad_cycles" "points of the bad period in InfluxDB"
echo "not InfluxDB: $inbad points of the bad period kept and delivered, the page named in the log"
