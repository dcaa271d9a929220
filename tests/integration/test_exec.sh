#!/usr/bin/env bash
# The exec backend end to end: a command template run with the desired
# count (no shell), its output journaled, cur_no as the replica truth, the
# anti-flapping rule applied, and a non-zero exit journaled as an error.
source "$(dirname "$0")/lib.sh"

das_test_db dasexec
SVC=$(unique_name vmpool)
DIR=$(mktemp -d /tmp/das-exec.XXXXXX)
on_exit "rm -rf '$DIR'"

das_once() {
	"$DAS_ROOT/bin/das" --pg "$PG" --influx "$DAS_INFLUX_URL" --database "$IDB" \
		--once -o lock_key=$((RANDOM + 40000)) -o ds_interval=1 \
		-o "exec.pool=$DIR/scale.sh {service} {replicas}" -o "exec.quota=$DIR/fail.sh {replicas}" \
		>>"$DIR/das.log" 2>&1
}
# Fourteen samples, one a second up to now, of cpu_ratio VALUE for the
# service: a covered 10 s window.
samples() {
	local value=$1 now i lines=""
	now=$(date +%s)
	for i in $(seq 13 -1 0); do
		lines+="docker,backend=docker,container=c0ffee000001,node=t,service_name=$SVC cpu_ratio=$value $(((now - i) * 1000000000))"$'\n'
	done
	iw -d "$IDB" "$lines"
}

cat >"$DIR/scale.sh" <<'EOF'
#!/bin/sh
echo "$1 $2" >> "$(dirname "$0")/calls"
echo "pool $1 now has $2 machines"
EOF
printf '#!/bin/sh\necho "quota exceeded"\nexit 3\n' >"$DIR/fail.sh"
chmod +x "$DIR/scale.sh" "$DIR/fail.sh"

das_once	# creates the tables
iq -d "$IDB" "CREATE DATABASE \"$IDB\"" >/dev/null
q "insert into das (seq, min_no, max_no, cur_no, cond_item, out_cond, in_cond, out_duration, in_duration, service_id, backend, target)
   values (5, 1, 4, 1, 'cpu_ratio', '50%', '10%', '10s', '10s', '$SVC', 'exec', 'pool')"

samples 90
das_once
assert_eq "$SVC 2" "$(cat "$DIR/calls")" "the command ran once with the desired count"
assert_eq 2 "$(q "SELECT cur_no FROM das WHERE seq = 5")" "cur_no holds the count das set"
assert_eq "scale_out|1|2|above_out|pool $SVC now has 2 machines" \
	"$(q "SELECT action, before_no, after_no, reason, detail FROM das_event WHERE action = 'scale_out'")"

# Right after the change the window holds pre-change samples: no second run.
samples 90
das_once
assert_eq 1 "$(wc -l <"$DIR/calls")" "no second run inside the window"
assert_eq "hold|window_after_change" \
	"$(q "SELECT action, reason FROM das_event ORDER BY ts DESC LIMIT 1")"

# A failing command is an error, not a success: cur_no stays.
q "UPDATE das SET target = 'quota', min_no = 3 WHERE seq = 5"
das_once
das_once
assert_eq 2 "$(q "SELECT cur_no FROM das WHERE seq = 5")" "a failed command changes nothing"
assert_eq 1 "$(q "SELECT count(*) FROM das_event WHERE action = 'error'")" "one error row, not one per tick"
assert_match "exit status 3; output: quota exceeded" \
	"$(q "SELECT detail FROM das_event WHERE action = 'error'")" "the error row says why"
echo "exec backend: command run, journaled, anti-flapping and errors checked"
