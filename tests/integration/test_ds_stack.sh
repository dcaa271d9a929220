#!/usr/bin/env bash
# ds as a Swarm global service (issue 13): the image `make image` builds
# (contrib/swarm/image.sh: bin/ds and the libraries ldd names, docker
# import, no registry, no base image) deployed with the stack file as it
# is shipped (contrib/swarm/ds-stack.yml, docker stack deploy), on the
# test swarm. From InfluxDB: the points of a busy and an idle container
# arrive with the node, container, service and service_name tags, busy
# near 100 % of a core and idle near 0; ds's log says it reads each
# container from its cgroup and /proc files through the host's mounts,
# not through the Engine's stats API; SIGTERM on the task makes ds flush
# what it holds and say so.
# wait_for takes code to eval later: single quotes are meant.
# shellcheck disable=SC2016
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

DB=$(unique_name ds_stack | tr - _)
STACK=$(unique_name dsstack)
TAG=das-ds:test-${STACK##*-}
BUSY=$(unique_name stack-busy)
IDLE=$(unique_name stack-idle)
on_exit "iq -d '$DB' 'DROP DATABASE \"$DB\"' >/dev/null"

echo "== the image, from bin/ds"
"$DAS_ROOT/contrib/swarm/image.sh" "$DAS_ROOT/bin/ds" "$TAG" || fail "image.sh failed"
on_exit "docker image rm -f '$TAG' >/dev/null 2>&1 || true"
docker run --rm --network none "$TAG" --version | grep -q '^ds ' || fail "the image does not run ds"

echo "== a busy and an idle service"
service_create "$BUSY" --replicas 1 "$DAS_IMAGE" sh -c 'while :; do :; done'
BUSY_ID=$SERVICE_ID
service_create "$IDLE" --replicas 1 "$DAS_IMAGE" sleep 1000000
IDLE_ID=$SERVICE_ID
wait_for '[[ $(service_running "$BUSY") == 1 && $(service_running "$IDLE") == 1 ]]' 90 ||
	fail "the two services never ran"
wait_for '[[ -n $(docker ps -q --filter "label=com.docker.swarm.service.id=$BUSY_ID") &&
	-n $(docker ps -q --filter "label=com.docker.swarm.service.id=$IDLE_ID") ]]' 60 ||
	fail "no container for the services"
BUSY_C=$(docker ps -q --filter "label=com.docker.swarm.service.id=$BUSY_ID" | head -1)
IDLE_C=$(docker ps -q --filter "label=com.docker.swarm.service.id=$IDLE_ID" | head -1)

echo "== docker stack deploy, the stack file unchanged"
on_exit "docker stack rm '$STACK' >/dev/null 2>&1 || true"
DS_IMAGE=$TAG DS_INFLUX=$DAS_INFLUX_URL DS_DATABASE=$DB DS_INTERVAL=2 \
	docker stack deploy --resolve-image never -c "$DAS_ROOT/contrib/swarm/ds-stack.yml" "$STACK" ||
	fail "docker stack deploy failed"
wait_for '[[ $(service_running "${STACK}_ds") == 1 ]]' 90 ||
	fail "the ds task never ran: $(docker service ps --no-trunc "${STACK}_ds" 2>&1)"

# pts CONTAINER: its last 5 points, tags and fields by name.
pts() {
	iq -d "$DB" "SELECT * FROM docker WHERE container = '$1' AND cpu_ratio >= 0 ORDER BY time DESC LIMIT 5" | jq -c '
		[.results[0].series[]? | .columns as $c | .values[] |
		 [$c, .] | transpose | map({(.[0]): .[1]}) | add]'
}
wait_for '[[ $(pts "$BUSY_C" | jq length) -ge 3 && $(pts "$IDLE_C" | jq length) -ge 3 ]]' 60 ||
	fail "no points of $BUSY_C and $IDLE_C in $DB: $(docker service logs --raw "${STACK}_ds" 2>&1 | tail -5)"
B=$(pts "$BUSY_C") I=$(pts "$IDLE_C")
echo "   busy: $(jq -c '[.[].cpu_ratio | . * 10 | round / 10]' <<<"$B"), idle: $(jq -c '[.[].cpu_ratio | . * 10 | round / 10]' <<<"$I")"
NODE=$(docker info -f '{{.Name}}')
assert_eq "$NODE $BUSY_ID $BUSY" "$(jq -r '.[0] | "\(.node) \(.service) \(.service_name)"' <<<"$B")" "busy point's node, service, service_name"
assert_eq "$NODE $IDLE_ID $IDLE" "$(jq -r '.[0] | "\(.node) \(.service) \(.service_name)"' <<<"$I")" "idle point's tags"
jq -e 'map(.cpu_ratio) | add / length > 60' <<<"$B" >/dev/null || fail "busy cpu_ratio not near 100: $B"
jq -e 'map(.cpu_ratio) | max < 5' <<<"$I" >/dev/null || fail "idle cpu_ratio not near 0: $I"
jq -e 'all(.[]; .mem_usage > 0 and .mem_limit > 0)' <<<"$B" >/dev/null || fail "busy memory fields: $B"

echo "== every running container's points, with its own tags"
n=0
for c in $(docker ps -q); do
	want=$(docker inspect -f '{{with index .Config.Labels "com.docker.swarm.service.id"}}{{.}}{{end}} {{with index .Config.Labels "com.docker.swarm.service.name"}}{{.}}{{end}}' "$c")
	wait_for '[[ $(pts "$c" | jq length) -ge 1 ]]' 30 || fail "no point of running container $c ($(docker inspect -f '{{.Name}}' "$c"))"
	got=$(pts "$c" | jq -r '.[0] | "\(.node) \(.service // "") \(.service_name // "")"')
	assert_eq "$NODE $want" "$got" "container $c's node, service, service_name tags"
	n=$((n + 1))
done
echo "   $n running containers, each with its points and tags"

echo "== read through the mounted /proc and cgroup files"
LOGS=$(docker service logs --raw "${STACK}_ds" 2>&1)
grep -Eq 'reading [1-9][0-9]* containers from their cgroup and /proc files, 0 through the Engine stats API' <<<"$LOGS" ||
	fail "ds does not say it reads the containers from their files: $(grep -m3 'reading' <<<"$LOGS")"
! grep -q 'reading it through the Engine stats API' <<<"$LOGS" ||
	fail "ds fell back to the stats API: $(grep -m2 'stats API' <<<"$LOGS")"
echo "   $(grep -m1 -o 'reading .*' <<<"$LOGS")"

echo "== SIGTERM on the task: ds flushes and says so"
DS_C=$(docker ps -q --filter "label=com.docker.swarm.service.name=${STACK}_ds" | head -1)
[[ -n $DS_C ]] || fail "no ds container"
docker kill --signal TERM "$DS_C" >/dev/null
wait_for '[[ $(docker inspect -f "{{.State.Running}}" "$DS_C") == false ]]' 30 || fail "ds did not exit on SIGTERM"
docker logs "$DS_C" 2>&1 | grep -q 'signal 15: flushed; 0 points could not be delivered' ||
	fail "no flush on SIGTERM: $(docker logs "$DS_C" 2>&1 | tail -3)"
assert_eq 0 "$(docker inspect -f '{{.State.ExitCode}}' "$DS_C")" "ds's exit status after SIGTERM"
echo "ok"
