#!/usr/bin/env bash
# Hostile label values and container names: anyone who can start a
# container chooses its labels, and ds pastes com.docker.swarm.service.name
# and .service.id into line protocol.  Every container still gets exactly
# one point, the write is accepted whole (ds --once exits 0), and the tags
# read back as written, with the documented exceptions:
#   - CR and LF become a space (no line-protocol element carries a newline);
#   - trailing backslashes are dropped: InfluxDB 1.x reads a backslash
#     before a separator as an escape whatever precedes it, so no escaping
#     lets a tag value end in one (the doubled form is refused, HTTP 400);
#   - a value that is nothing but backslashes is therefore an absent tag.
# Backslashes in single quotes are the hostile values themselves.
# shellcheck disable=SC1003
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

DB=$(unique_name ds_hostile | tr - _)
LOG=$(mktemp /tmp/ds-hostile.XXXXXX)
on_exit "rm -f '$LOG'"
on_exit "iq -d '$DB' 'DROP DATABASE \"$DB\"'"

# label value (as given to Docker) -> expected service_name tag ("" = absent)
NAMES=(
	'with spaces here'
	'a,b,,c'
	'k=v==w'
	'say "hi" and "bye"'
	'c:\dir\sub'
	'ends\'
	'two\\'
	'\\\'
	$'a\nb'
	$'cr\r\nlf'
	'esc\,comma\ space\=equals'
	'=,= ,"\'
	'ünïcødé ☃ 服务 🚀'
	' leading and trailing '
)
WANT=(
	'with spaces here'
	'a,b,,c'
	'k=v==w'
	'say "hi" and "bye"'
	'c:\dir\sub'
	'ends'
	'two'
	''
	'a b'
	'cr  lf'
	'esc\,comma\ space\=equals'
	'=,= ,"'
	'ünïcødé ☃ 服务 🚀'
	' leading and trailing '
)
# Docker names: [a-zA-Z0-9][a-zA-Z0-9_.-]+, nothing else is allowed.
long=$(printf 'x%.0s' {1..120})
CNAMES=(
	"$(unique_name h)_.-..--__"
	"$(unique_name h).$long"
	"$(unique_name H)-UPPER.lower_0"
)

IDS=()
run_ctr() { # run_ctr NAME LABEL... -> prints the full id
	local name=$1; shift
	docker run -d --network none --label das.test=1 --name "$name" "$@" "$DAS_IMAGE" sleep 600
}

echo "== ${#NAMES[@]} containers with hostile service names, ${#CNAMES[@]} with odd names"
for i in "${!NAMES[@]}"; do
	name=$(unique_name ds-hostile)
	on_exit "docker rm -f $name"
	id=$(run_ctr "$name" --label "com.docker.swarm.service.name=${NAMES[i]}")
	IDS+=("${id:0:12}")
	# Docker itself keeps the label byte for byte (or this test proves nothing).
	got=$(docker inspect -f '{{index .Config.Labels "com.docker.swarm.service.name"}}' "$id"; echo .)
	assert_eq "${NAMES[i]}" "${got%$'\n.'}" "Docker's copy of label $i"
done
CIDS=()
for name in "${CNAMES[@]}"; do
	on_exit "docker rm -f $name"
	id=$(run_ctr "$name")
	CIDS+=("${id:0:12}")
done
# A hostile service id label too, on a container that also has a name.
SIDNAME=$(unique_name ds-hostile-sid)
on_exit "docker rm -f $SIDNAME"
id=$(run_ctr "$SIDNAME" --label 'com.docker.swarm.service.id=id 1,x="y"\' \
	--label 'com.docker.swarm.service.name=svc')
SID=${id:0:12}

echo "== ds --once"
rc=0
"$DAS_ROOT/bin/ds" --once --interval 1 --influx "$DAS_INFLUX_URL" --database "$DB" \
	-o docker_socket="$DAS_DOCKER_SOCK" >"$LOG" 2>&1 || rc=$?
cat "$LOG"
assert_eq 0 "$rc" "ds --once exit status (the batch was accepted)"
grep -q ' 0 refused' "$LOG" || fail "ds says some points were refused"
if grep -q 'HTTP 400' "$LOG"; then fail "InfluxDB refused a write"; fi

# point ID: that container's points as a JSON array of objects.
point() {
	iq -d "$DB" "SELECT * FROM docker WHERE container = '$1'" | jq -c '
		[.results[0].series[]? | .columns as $c | .values[] |
		 [$c, .] | transpose | map({(.[0]): .[1]}) | add]'
}

# tag_is JSON KEY WANT: the one point's KEY tag is exactly WANT ("" = absent).
tag_is() {
	local p=$1 key=$2 want=$3
	jq -e --arg k "$key" --arg w "$want" \
		'.[0][$k] == (if $w == "" then null else $w end)' <<<"$p" >/dev/null
}

echo "== every container has exactly one point, service_name as documented"
for i in "${!NAMES[@]}"; do
	p=$(point "${IDS[i]}")
	assert_eq 1 "$(jq length <<<"$p")" "points for ${IDS[i]} (label $(printf %q "${NAMES[i]}"))"
	tag_is "$p" service_name "${WANT[i]}" ||
		fail "${IDS[i]}: label $(printf %q "${NAMES[i]}"): want service_name $(printf %q "${WANT[i]}"), InfluxDB has $(jq -c '.[0].service_name' <<<"$p")"
	tag_is "$p" service "" || fail "${IDS[i]}: a service tag without a service id label"
	printf '   %-40s -> %s\n' "$(printf %q "${NAMES[i]}")" "$(jq -c '.[0].service_name' <<<"$p")"
done
for i in "${!CNAMES[@]}"; do
	p=$(point "${CIDS[i]}")
	assert_eq 1 "$(jq length <<<"$p")" "points for ${CIDS[i]} (name ${CNAMES[i]:0:40}...)"
	tag_is "$p" service_name "" || fail "${CIDS[i]}: service_name without a label"
done
p=$(point "$SID")
assert_eq 1 "$(jq length <<<"$p")" "points for $SID (hostile service id)"
tag_is "$p" service 'id 1,x="y"' || fail "$SID: service tag: $(jq -c '.[0].service' <<<"$p")"
tag_is "$p" service_name svc || fail "$SID: service_name tag: $(jq -c '.[0].service_name' <<<"$p")"

# Nothing was lost: at least one point per container (other tests' containers
# on the same engine may add more).
n=$(iq -d "$DB" 'SELECT count(mem_usage) FROM docker' | jq -r '.results[0].series[0].values[0][1]')
total=$(( ${#IDS[@]} + ${#CIDS[@]} + 1 ))
assert_ge "$n" "$total" "points in $DB"
echo "hostile labels and names: $total containers, one point each, tags as documented"
