#!/usr/bin/env bash
# ds's configuration life: SIGHUP with a bad file keeps the running
# configuration (and ds), SIGHUP with a good one applies it (points go to
# the new database); --help lists every key of etc/ds.conf, --version
# prints the version, a bad option or a bad file at startup is exit 2.
# wait_for takes code to eval later: single quotes are meant.
# Variables read only inside wait_for's eval'd code look unused.
# shellcheck disable=SC2016,SC2034
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

DS=$DAS_ROOT/bin/ds
DIR=$(mktemp -d /tmp/ds-signals.XXXXXX)
on_exit "rm -rf '$DIR'"
DB1=$(unique_name ds_sig_a | tr - _)
DB2=$(unique_name ds_sig_b | tr - _)
on_exit "iq -d '$DB1' 'DROP DATABASE \"$DB1\"'"
on_exit "iq -d '$DB2' 'DROP DATABASE \"$DB2\"'"
CONF=$DIR/ds.conf
LOG=$DIR/ds.log

echo "== --help, --version, bad options"
help=$("$DS" --help) || fail "ds --help exited non-zero"
mapfile -t keys < <(sed -nE 's/^#?([a-z_]+) =.*/\1/p' "$DAS_ROOT/etc/ds.conf")
((${#keys[@]} >= 10)) || fail "found only ${#keys[@]} keys in etc/ds.conf"
for k in "${keys[@]}"; do
	grep -qE "^  $k " <<<"$help" || fail "ds --help does not list key $k"
done
echo "   --help lists all ${#keys[@]} keys of etc/ds.conf"
version=$(sed -nE 's/^VERSION[[:space:]]*=[[:space:]]*//p' "$DAS_ROOT/Makefile")
assert_eq "ds $version" "$("$DS" --version)" "ds --version"
rc=0; "$DS" --no-such-option >/dev/null 2>&1 || rc=$?
assert_eq 2 "$rc" "exit status for an unknown option"
rc=0; "$DS" -o interval >/dev/null 2>&1 || rc=$?
assert_eq 2 "$rc" "exit status for -o without ="
rc=0; "$DS" stray-argument >/dev/null 2>&1 || rc=$?
assert_eq 2 "$rc" "exit status for a stray argument"
printf 'interval = -5\n' >"$DIR/bad.conf"
rc=0; out=$("$DS" -c "$DIR/bad.conf" --once 2>&1) || rc=$?
assert_eq 2 "$rc" "exit status for a bad file at startup"
assert_match 'interval' "$out" "the startup error names the key"

# Everything in the file, so that a reload can change it (the command line
# would win over the file).
write_conf() { # write_conf DATABASE INTERVAL
	cat >"$CONF.tmp" <<EOF
influx_url = $DAS_INFLUX_URL
database = $1
interval = $2
docker_socket = $DAS_DOCKER_SOCK
verbose = true
EOF
	mv -f "$CONF.tmp" "$CONF"
}
count() { # count DB CONTAINER
	iq -d "$1" "SELECT count(mem_usage) FROM docker WHERE container = '$2'" 2>/dev/null |
		jq -r '.results[0].series[0].values[0][1] // 0'
}
ncycles() { grep -c 'debug: cycle: ' "$LOG" || true; }

name=$(unique_name ds-signals)
on_exit "docker rm -f $name"
CID=$(docker run -d --network none --label das.test=1 --name "$name" "$DAS_IMAGE" sleep 600)
CID=${CID:0:12}

echo "== ds -c $CONF (database $DB1, every second)"
write_conf "$DB1" 1
"$DS" -c "$CONF" </dev/null >"$LOG" 2>&1 &
DS_PID=$!
on_exit "! kill -0 $DS_PID 2>/dev/null || kill -TERM $DS_PID"
wait_for '(( $(count "$DB1" "$CID") >= 2 ))' 60 || { cat "$LOG"; fail "no points in $DB1"; }

echo "== SIGHUP with interval = -5: reported, old configuration kept"
write_conf "$DB1" -5
kill -HUP "$DS_PID"
wait_for 'grep -q "reload: .*keeping the running configuration" "$LOG"' 30 ||
	{ tail "$LOG"; fail "ds did not report the failed reload"; }
grep 'reload:' "$LOG" | sed 's/^/   /'
grep 'reload:' "$LOG" | grep -q interval || fail "the reload error does not name the key"
kill -0 "$DS_PID" || fail "ds died on a bad reload"
# Still cycling, still writing to the first database.
c=$(ncycles); n=$(count "$DB1" "$CID")
wait_for '(( $(ncycles) >= c + 2 && $(count "$DB1" "$CID") > n ))' 30 ||
	fail "ds stopped cycling or writing after the failed reload"

echo "== SIGHUP with database = $DB2: applied"
write_conf "$DB2" 1
kill -HUP "$DS_PID"
wait_for 'grep -q "reload: configuration .* applied.*database $DB2" "$LOG"' 30 ||
	{ tail "$LOG"; fail "ds did not apply the new configuration"; }
grep 'applied' "$LOG" | sed 's/^/   /'
wait_for '(( $(count "$DB2" "$CID") >= 2 ))' 60 || { tail "$LOG"; fail "no points in $DB2 after the reload"; }
# The first database gets no more: its count holds over two more cycles.
n=$(count "$DB1" "$CID"); c=$(ncycles)
wait_for '(( $(ncycles) >= c + 2 ))' 30 || fail "ds stopped cycling"
assert_eq "$n" "$(count "$DB1" "$CID")" "points still going to $DB1 after the reload"
echo "   $DB1: $n points, $DB2: $(count "$DB2" "$CID") points"

kill -TERM "$DS_PID"
rc=0; wait "$DS_PID" || rc=$?
assert_eq 0 "$rc" "ds exit status after SIGTERM"
echo "signals: bad reload kept the old config, good reload applied; help, version, exit codes"
