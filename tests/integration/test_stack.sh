#!/usr/bin/env bash
# The test stack itself: every real server the other integration tests rely
# on answers, the busybox image runs as a swarm service, and the runc bundle
# runs.  If this fails, read it first: the other failures follow from it.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
# wait_for takes code to eval later: single quotes are meant.
# shellcheck disable=SC2016

echo "== influxdb: /ping"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$DAS_INFLUX_URL/ping")
assert_eq 204 "$code" "InfluxDB /ping at $DAS_INFLUX_URL"

echo "== influxdb: write and read back a point (iq/iw helpers)"
db=$(unique_name das_test | tr - _)
on_exit "iq -d $db 'DROP DATABASE \"$db\"'"
iq -d "$db" "CREATE DATABASE \"$db\"" >/dev/null
iw -d "$db" 'probe,service_name=s1 cpu_ratio=42.5,mem_usage=1024i'
got=$(iq -d "$db" 'SELECT last("cpu_ratio") FROM "probe"' | jq -r '.results[0].series[0].values[0][1]')
assert_eq 42.5 "$got" "cpu_ratio read back from InfluxDB"

echo "== postgres: select 1 on the das database"
assert_eq 1 "$(psql_das 'select 1')" "PostgreSQL at '$DAS_PG'"
assert_eq das "$(psql_das 'select current_database()')"

echo "== docker: swarm manager, image present"
assert_eq active "$(docker info --format '{{.Swarm.LocalNodeState}}')" "swarm state"
assert_eq true "$(docker info --format '{{.Swarm.ControlAvailable}}')" "this node is a swarm manager"
docker image inspect "$DAS_IMAGE" >/dev/null || fail "image $DAS_IMAGE missing"

echo "== docker: a 1-replica service of $DAS_IMAGE reaches Running"
svc=$(unique_name das-stack)
t0=$SECONDS
service_create "$svc" --replicas 1 --restart-condition none "$DAS_IMAGE" sleep 3600
wait_for '[[ $(service_running "$svc") == 1 ]]' 60 ||
	fail "service $svc never had 1 running task: $(docker service ps --no-trunc "$svc" 2>&1)"
echo "   running after $((SECONDS - t0))s (id $SERVICE_ID)"
# The task's container carries the test label (for `stack.sh clean`).
cid=$(docker ps -q --filter "label=com.docker.swarm.service.name=$svc" --filter label=das.test=1)
[[ -n $cid ]] || fail "no running container labelled das.test=1 for $svc"

docker service rm "$svc" >/dev/null
wait_for '! docker service inspect "$svc"' 30 || fail "service $svc still exists after rm"
wait_for '[[ -z $(docker ps -aq --filter "label=com.docker.swarm.service.name=$svc") ]]' 60 ||
	fail "containers of $svc still there after rm"

echo "== runc: the bundle at $DAS_BUNDLE runs"
id=$(unique_name das-runc)
on_exit "runc delete --force $id"
# Detached with no terminal, the container inherits these fds: give it
# /dev/null so it does not hold our output open.
runc run --detach --bundle "$DAS_BUNDLE" "$id" </dev/null >/dev/null 2>&1 ||
	fail "runc run of $DAS_BUNDLE failed: $(runc run --detach --bundle "$DAS_BUNDLE" "$id-retry" 2>&1 </dev/null; runc delete --force "$id-retry" 2>/dev/null)"
assert_eq running "$(runc state "$id" | jq -r .status)" "runc container state"
runc exec "$id" sh -c 'echo ok > /tmp/probe && cat /tmp/probe' | grep -qx ok ||
	fail "cannot write /tmp (tmpfs) inside the runc container"
runc delete --force "$id"

echo "all stack checks passed"
