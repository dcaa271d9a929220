#!/usr/bin/env bash
# wait_for takes code to eval later: single quotes are meant.
# shellcheck disable=SC2016
# Every InfluxQL query of contrib/grafana/das-dashboard.json (panel targets,
# template variables, annotations), expanded the way Grafana expands its
# macros, run against real data: ds (daemon, 1 s interval) measuring a Swarm
# service with 2 busy replicas, and das journaling a `bounds` action (2 -> 3,
# min_no 3) into das_event. Each query runs twice, with the test's service
# and node selected and with "All"; it fails if any statement errors or
# returns no series.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

DASH=$DAS_ROOT/contrib/grafana/das-dashboard.json
das_test_db grafana
DB=$IDB
SVC=$(unique_name grafana)
LOCK=$((RANDOM * 32768 + RANDOM + 100000))
TMP=$(mktemp -d /tmp/das-grafana.XXXXXX)
on_exit "rm -rf '$TMP'"

jq -e . "$DASH" >/dev/null || fail "$DASH is not valid JSON"

echo "== the dashboard's shape"
# Every query-bearing target must be a raw InfluxQL query on the dashboard's
# data source variable: a builder-mode target would escape this test.
bad=$(jq -r '[.panels[] | ., (.panels[]?)] | .[] | .title as $t | .targets[]? |
	select((.rawQuery != true) or ((.query // "") == "") or (.datasource.uid != "${datasource}")) |
	"\($t) [\(.refId)]"' "$DASH")
[[ -z $bad ]] || fail "targets not raw InfluxQL on \${datasource}: $bad"
assert_eq datasource "$(jq -r '.templating.list[] | select(.type == "datasource") | .name' "$DASH")" \
	"the data source variable"
assert_eq influxdb "$(jq -r '.templating.list[] | select(.type == "datasource") | .query' "$DASH")" \
	"the data source variable's type"
assert_eq 'SHOW TAG VALUES FROM "docker" WITH KEY = "service_name"' \
	"$(jq -r '.templating.list[] | select(.name == "service") | .query' "$DASH")" "the service variable"

# One line per query: WHERE<TAB>QUERY.
jq -r '
	([.panels[] | ., (.panels[]?)] | .[] | .title as $t | .targets[]? |
	 "panel \($t) [\(.refId)]\t\(.query)"),
	(.templating.list[] | select(.type == "query") |
	 "variable \(.name)\t\(.query | if type == "object" then .query else . end)"),
	(.annotations.list[] | select(.datasource.type? == "influxdb") |
	 "annotation \(.name)\t\(.query // .target.query)")' "$DASH" >"$TMP/queries"
NQ=$(wc -l <"$TMP/queries")
echo "   $NQ InfluxQL queries: $(cut -f1 "$TMP/queries" | cut -d' ' -f1 | sort | uniq -c | xargs)"
assert_ge "$NQ" 10 "queries in the dashboard"

echo "== real data: a service with 2 busy replicas, ds every second"
service_create "$SVC" --replicas 2 "$DAS_IMAGE" sh -c 'while :; do :; done'
wait_for '[[ $(service_running "$SVC") == 2 ]]' 90 ||
	fail "service $SVC never had 2 running tasks: $(docker service ps --no-trunc "$SVC" 2>&1)"
"$DAS_ROOT/bin/ds" --interval 1 --influx "$DAS_INFLUX_URL" --database "$DB" \
	-o docker_socket="$DAS_DOCKER_SOCK" >"$TMP/ds.log" 2>&1 &
DS_PID=$!
on_exit "kill $DS_PID 2>/dev/null || true"
T0=$(date +%s)

echo "== das: a policy with min_no 3 for the 2-replica service -> bounds 2 -> 3"
das_once() {
	"$DAS_ROOT/bin/das" --pg "$PG" --influx "$DAS_INFLUX_URL" --database "$DB" --once \
		-o lock_key="$LOCK" -o docker_socket="$DAS_DOCKER_SOCK" >>"$TMP/das.log" 2>&1 ||
		{ cat "$TMP/das.log"; fail "das --once failed"; }
}
das_once	# creates the tables
psql "$PG" -XAtq -v ON_ERROR_STOP=1 -c "
	insert into das (seq, min_no, max_no, cur_no, cond_item, out_cond, in_cond, out_duration, in_duration, service_id)
	values (1, 3, 5, 2, 'cpu_ratio', '70%', '10%', '1m', '1m', '$SVC')"
das_once
assert_eq "bounds|2|3|below_min" "$(psql "$PG" -XAtq -c \
	"SELECT action, before_no, after_no, reason FROM das_event WHERE seq = 1")" "the journal"
wait_for '[[ $(iq -d "$DB" "SELECT count(\"after\") FROM das_event WHERE action = '"'bounds'"'" |
	jq ".results[0].series[0].values[0][1]") == 1 ]]' 10 ||
	fail "das wrote no das_event point to InfluxDB: $(cat "$TMP/das.log")"

# At least 12 s of samples, so that 10 s buckets hold two neighbours (the
# rate panels' non_negative_derivative needs two).
sleep $((T0 + 13 - $(date +%s) > 0 ? T0 + 13 - $(date +%s) : 0))
kill -TERM "$DS_PID"
wait "$DS_PID" || { cat "$TMP/ds.log"; fail "ds exited non-zero after SIGTERM"; }
kill -0 "$DS_PID" 2>/dev/null && fail "ds still runs"
NODE=$(iq -d "$DB" 'SHOW TAG VALUES FROM "docker" WITH KEY = "node"' | jq -r '.results[0].series[0].values[0][1]')
echo "   ds: $(iq -d "$DB" "SELECT count(\"mem_usage\") FROM docker WHERE service_name = '$SVC'" |
	jq -r '.results[0].series[0].values[0][1]') points of $SVC from node $NODE"

# expand QUERY SERVICE NODE MULTI: what Grafana sends for a relative range
# "last 15 minutes" and an interval of 10 s. A multi-value variable's
# single value is regex-escaped as Grafana's InfluxDB data source does
# (influxRegularEscape); "All" is the variables' allValue, sent as is.
expand() {
	jq -nr --arg q "$1" --arg svc "$2" --arg node "$3" --argjson esc "$4" '
		def esc: if $esc then gsub("(?<c>[\\\\^$*+?.()|\\[\\]{}/])"; "\\\(.c)") else . end;
		def sub_all($from; $to): split($from) | join($to);
		$q
		| sub_all("$timeFilter"; "time > now() - 15m")
		| sub_all("$__timeFilter"; "time > now() - 15m")
		| sub_all("$__interval_ms"; "10000")
		| sub_all("${__interval}"; "10s")
		| sub_all("$__interval"; "10s")
		| reduce (["service", ($svc | esc)], ["node", ($node | esc)]) as [$n, $v] (.;
			sub_all("${\($n)}"; $v) | sub_all("[[\($n)]]"; $v) | sub_all("$\($n)"; $v))'
}

# run_all LABEL SERVICE NODE MULTI: every query; fails on an error or an
# empty answer; prints one line per query.
TOTAL_Q=0 TOTAL_S=0
run_all() {
	local label=$1 svc=$2 node=$3 esc=$4 where q x ans err n
	echo "== the queries, $label"
	while IFS=$'\t' read -r where q; do
		x=$(expand "$q" "$svc" "$node" "$esc")
		if [[ $x =~ \$[A-Za-z_{]|\[\[ ]]; then
			fail "$where: a Grafana macro this test does not expand: $x"
		fi
		ans=$(iq -d "$DB" "$x" 2>&1) || fail "$where: InfluxDB refused: $ans
    query: $x"
		err=$(jq -r '[.error // empty, (.results[]? | .error // empty)] | join("; ")' <<<"$ans")
		[[ -z $err ]] || fail "$where: $err
    query: $x"
		n=$(jq '[.results[]? | (.series // []) | length] | if length == 0 then 0 else min end' <<<"$ans")
		((n > 0)) || fail "$where: no series
    query: $x"
		printf '   %-45s %3d series, %4d rows\n' "$where" "$n" \
			"$(jq '[.results[].series[].values | length] | add' <<<"$ans")"
		printf '%s\n' "$ans" >"$TMP/ans.$label.${where//[^A-Za-z0-9]/_}.json"
		TOTAL_Q=$((TOTAL_Q + 1)) TOTAL_S=$((TOTAL_S + n))
	done <"$TMP/queries"
}
run_all selected "$SVC" "$NODE" true
SEL_S=$TOTAL_S
run_all all '.*' '.*' false

echo "== what the answers say"
ans() { cat "$TMP/ans.selected.${1//[^A-Za-z0-9]/_}.json"; }
jq -e --arg s "$SVC" '.results[0].series[0].values | map(.[1]) | index($s)' \
	<<<"$(ans "variable service")" >/dev/null || fail "the service variable does not list $SVC"
cpu=$(ans "panel CPU per replica, by service [A]" |
	jq '[.results[0].series[0].values[] | .[1] // empty] | max')
# Busy loops, sharing the CPUs with whatever else runs here.
assert_ge "$cpu" 20 "busy replicas' mean cpu_ratio"
reps=$(ans "panel Replicas [A]" | jq '[.results[0].series[0].values[] | .[1] // empty] | max')
assert_ge "$reps" 2 "containers counted per interval"
assert_eq "3" "$(ans "panel Replicas [B]" | jq -c '[.results[0].series[0].values[] | .[1]] | max')" \
	"das_event after"
ann=$(ans "annotation das decisions" | jq -c '.results[0].series[0] | .columns as $c | .values[] |
	[$c, .] | transpose | map({(.[0]): .[1]}) | add | select(.action == "bounds")')
assert_eq "3 $SVC below_min" "$(jq -r '"\(.after) \(.service) \(.reason)"' <<<"$ann")" "the annotation row"
[[ -n $(jq -r '.text' <<<"$ann") ]] || fail "the annotation has no text"

echo "grafana: $NQ queries x 2 selections = $TOTAL_Q statements, all answered:" \
	"$SEL_S series with $SVC/$NODE selected, $((TOTAL_S - SEL_S)) with All"
