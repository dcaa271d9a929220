#!/usr/bin/env bash
# tests/bench/bench_replay.sh — decision quality: das's policies against
# the Kubernetes HPA on the same synthetic loads, by dasctl replay --trace
# (README "Replay"), and the speed of one long replay.
#
#   tests/bench/bench_replay.sh        (normally through `make bench`)
#   REPLAY_BENCH_SHAPES="step bursts" REPLAY_BENCH_GRID=small
#   REPLAY_BENCH_PLOTS=DIR             also write DIR/SHAPE-seed.svg and
#                                      DIR/SHAPE-best.svg (--plot)
#   REPLAY_BENCH_DASCTL=PATH           another dasctl than bin/dasctl
#
# Needs no server: trace mode reads a CSV and writes nothing else.
#
# Per shape of tests/bench/tracegen.c (step, ramp, diurnal, bursts; seed
# REPLAY_BENCH_SEED, default spans, one row every 10 s), three runs with
# dasctl replay's defaults (interval and tick 10 s, start delay 20 s,
# demand at 80 % of a replica, --start from the first 10 minutes):
#   das seed   the README's seed row (cpu_ratio, out 70 %, in 10 %, 10 m
#              windows), with max_no 40 so that every trace fits
#   das target das's target mode at the HPA's target, the same policy for
#              every shape (TARGET_POLICY below): setpoint 70 %, 30 s
#              windows, the defaults for the rest (tolerance 10 %,
#              max_step_out max(4, 100 %), stabilize_in 5 m); the goal
#              (issue 11): lower θU than the HPA at no more replica-hours
#              and with fewer reversals, on every shape
#   das best   the best policy of a grid over the das table's columns
#              (below), chosen on the same trace it is scored on: what
#              tuning can reach at most, not what one tuning gives
#              everywhere
#   hpa        the HPA peer with its documented defaults (--peer hpa:
#              target 70, tolerance 0.1, sync 15 s, stabilization 300 s),
#              same bounds
# and the das/HPA ratios of θU, θO, replica-hours and reversals.
#
# The grid (REPLAY_BENCH_GRID=full; small is a 21-policy subset), all with
# cond_item cpu_ratio, min_no 1, max_no 40:
#   threshold  out_cond 50 60 70 %, in_cond 20 40 %, out_duration 30s 2m,
#              in_duration 3m 10m 30m, step_out 1 4                 (72)
#   capacity   capacity 60 70 80, min_available 0 200, out_duration 30s
#              2m, in_duration 3m 10m 30m, steps: out 4, out 40, out
#              and in 40 (straight to the replicas wanted)          (108)
#   the seed row itself                                             (1)
# then up to two rounds around the best so far, one column at a time:
# aggregate max, p95, median; sustained true; step_in 2; cooldown_out 2m;
# cooldown_in 20m.
# The rule: of the policies with at most 1.25 x the HPA's replica-hours
# and at most 2 x the HPA's reversals + 2, the lowest θU (ties: fewer
# replica-hours, fewer reversals); when there is none, the lowest θU + θO.
# (Without the reversals' bound the lowest θU is a policy that flaps:
# tens to hundreds of reversals where the HPA makes a few.)
#
# The target row and its sustained = in variant on seeds 1-5 of every
# shape (bench_seeds; REPLAY_BENCH_SEEDS=0 leaves it out): the README's
# five-seed figures.
#
# Signals (issue 12, below: bench_signals) on the bursts shape, and the
# row that meets its goal on five seeds at five load levels
# (bench_robust; REPLAY_BENCH_ROBUST=0 leaves it out).
#
# Speed: one replay of 7 days at 1 s (tracegen diurnal --days 7 --step-s
# 1, --interval 1s --tick 1s: 604,800 samples and ticks), the seed policy
# and the HPA peer, wall time including reading the CSV; median of
# REPLAY_BENCH_REPEAT runs. Target (issue 10): under 2 s.
#
# Benchmarks report: exit 0 whether the target is met or not (MISS is
# printed), non-zero only when something could not be measured.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DASCTL=${REPLAY_BENCH_DASCTL:-$ROOT/bin/dasctl}
TRACEGEN=$ROOT/bin/tracegen
SHAPES=${REPLAY_BENCH_SHAPES:-step ramp diurnal bursts}
SEED=${REPLAY_BENCH_SEED:-1}
GRID=${REPLAY_BENCH_GRID:-full}
JOBS=${REPLAY_BENCH_JOBS:-$(nproc)}
REPEAT=${REPLAY_BENCH_REPEAT:-3}
PLOTS=${REPLAY_BENCH_PLOTS:-}
TMP=$(mktemp -d /tmp/bench-replay.XXXXXX)

BOUNDS="cond_item=cpu_ratio,min_no=1,max_no=40"
SEED_POLICY="cond_item=cpu_ratio,out_cond=70%,in_cond=10%,out_duration=10m,in_duration=10m,min_no=1,max_no=40"
# das's target mode at HPA's own target, one policy for every shape (not
# tuned per trace): the decision issue's comparison.
TARGET_POLICY=${REPLAY_BENCH_TARGET:-"cond_item=cpu_ratio,min_no=1,max_no=40,mode=target,setpoint=70%,out_duration=30s,in_duration=30s"}

say() { printf 'bench_replay: %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------ setup

[[ -x $DASCTL ]] || die "$DASCTL not built (make)"
[[ -e $ROOT/bin/.flavor-plain ]] ||
	die "bin/ holds a sanitized build (make check); run make (or make bench) for a plain one"
make -C "$ROOT" --no-print-directory -s bin/tracegen >&2 || die "could not build bin/tracegen"
"$DASCTL" replay --help >/dev/null 2>&1 || die "$DASCTL has no replay command"
command -v jq >/dev/null || die "jq is needed (make deps)"
[[ $GRID == full || $GRID == small ]] || die "REPLAY_BENCH_GRID: full or small, not $GRID"
[[ -z $PLOTS ]] || mkdir -p "$PLOTS"

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ms_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f\n", (b - a) * 1000 }'; }

# The fields of one run of the JSON answer, tab-separated, in the order
# the report reads them.
FIELDS='[.theta_u, .theta_o, .replica_hours, .reversals, .actions, .tau_u, .dropped_pct, .longest_under_s]'

# set_kv POLICY KEY VALUE: POLICY with KEY's value replaced (or added).
set_kv() {
	local p=",$1," k=$2 v=$3
	if [[ $p == *",$k="* ]]; then
		p=$(sed -E "s/,$k=[^,]*,/,$k=$v,/" <<<"$p")
	else
		p="$p$k=$v,"
	fi
	p=${p#,}
	echo "${p%,}"
}

grid() {
	local oc ic od id so cap ma
	local -a OC=(50 60 70) IC=(20 40) OD=(30s 2m) ID=(3m 10m 30m) SO=(1 4)
	# shellcheck disable=SC2054  # a comma inside one element
	local -a CAP=(60 70 80) MA=(0 200) CSO=(step_out=4 step_out=40 step_out=40,step_in=40)
	if [[ $GRID == small ]]; then
		OC=(60 70) IC=(20 40) OD=(1m) ID=(3m 30m) SO=(1 4)
		# shellcheck disable=SC2054  # a comma inside one element
		CAP=(70 80) MA=(0) CSO=(step_out=40,step_in=40)
	fi
	echo "$SEED_POLICY"
	for oc in "${OC[@]}"; do for ic in "${IC[@]}"; do for od in "${OD[@]}"; do
	for id in "${ID[@]}"; do for so in "${SO[@]}"; do
		echo "$BOUNDS,out_cond=$oc%,in_cond=$ic%,out_duration=$od,in_duration=$id,step_out=$so"
	done; done; done; done; done
	for cap in "${CAP[@]}"; do for ma in "${MA[@]}"; do for od in "${OD[@]}"; do
	for id in "${ID[@]}"; do for so in "${CSO[@]}"; do
		echo "$BOUNDS,mode=capacity,capacity=$cap,min_available=$ma,out_duration=$od,in_duration=$id,$so"
	done; done; done; done; done
	local sp sw si
	local -a SP=(60 70 80) SW=(30s 1m) SI=(3m 5m)
	[[ $GRID != small ]] || SP=(70) SW=(30s) SI=(5m)
	for sp in "${SP[@]}"; do for sw in "${SW[@]}"; do for si in "${SI[@]}"; do
		echo "$BOUNDS,mode=target,setpoint=$sp%,out_duration=$sw,in_duration=$sw,stabilize_in=$si"
	done; done; done
}

# variants POLICY: POLICY changed in one column at a time.
variants() {
	local a
	for a in max p95 median; do set_kv "$1" aggregate "$a"; done
	set_kv "$1" sustained true
	set_kv "$1" step_in 2
	set_kv "$1" cooldown_out 2m
	set_kv "$1" cooldown_in 20m
}

# run_list TRACE LIST RESULTS: replays every policy of LIST not yet in
# RESULTS, JOBS at a time, and appends a line per policy to RESULTS: the
# das run's FIELDS, then the policy. One light shell per replay and one jq
# for all: the grid is hundreds of replays.
run_list() {
	local trace=$1 list=$2 res=$3 dir
	dir=$(mktemp -d "$TMP/run.XXXXXX")
	touch "$res"
	awk -F'\t' 'FILENAME == ARGV[1] { seen[$NF] = 1; next } !($0 in seen) && !dup[$0]++' \
		"$res" "$list" >"$dir/todo"
	if [[ -s $dir/todo ]]; then
		# shellcheck disable=SC2016  # expanded by sh, per replay
		awk '{ print NR; print }' "$dir/todo" |
			DASCTL=$DASCTL T=$trace D=$dir xargs -d '\n' -n 2 -P "$JOBS" sh -c \
			'"$DASCTL" replay --trace "$T" --policy "$1" --json >"$D/$0.json" 2>"$D/$0.err" ||
			{ echo "bench_replay: ERROR: --policy $1: $(cat "$D/$0.err")" >&2; exit 255; }' ||
			die "a replay failed"
		(cd "$dir" && jq -r "(input_filename | rtrimstr(\".json\")) as \$f |
			.runs[] | select(.name == \"das\") | [\$f] + $FIELDS | @tsv" [0-9]*.json) |
			awk -F'\t' -v OFS='\t' 'FILENAME == ARGV[1] { p[FNR] = $0; next }
				{ id = $1; $1 = ""; sub(/^\t/, ""); print $0, p[id]; n++ }
				END { exit n != length(p) }' "$dir/todo" - >>"$res" ||
			die "dasctl replay --json: not one das run per policy"
	fi
	rm -rf "$dir"
}

# pick RESULTS HPA_FIELDS: the line of the best policy by the rule above.
pick() {
	local -a h
	IFS=$'\t' read -r -a h <<<"$2"
	awk -F'\t' -v cap="$(awk -v r="${h[2]}" 'BEGIN { print 1.25 * r }')" \
		-v rev="$((2 * h[3] + 2))" '
	function better(a, b, ka, kb) {
		if (ka != kb) return ka < kb
		if (A[a, 3] != A[b, 3]) return A[a, 3] < A[b, 3]
		if (A[a, 4] != A[b, 4]) return A[a, 4] < A[b, 4]
		return A[a, 9] < A[b, 9]
	}
	{ for (i = 1; i <= 9; i++) A[NR, i] = $i; line[NR] = $0
	  if ($3 <= cap && $4 <= rev) { if (!c || better(NR, c, $1, A[c, 1])) c = NR }
	  if (!o || better(NR, o, $1 + $2, A[o, 1] + A[o, 2])) o = NR }
	END { print line[c ? c : o]; print (c ? "feasible" : "none feasible: lowest θU + θO") >"/dev/stderr" }' "$1"
}

# ------------------------------------------------------------ quality

ROWS=()
NOTES=()
RUNS=0

bench_shape() {
	local shape=$1 trace=$TMP/$1.csv res=$TMP/$1.res j seedrow targetrow hparow best b0 t0 _
	local -a plot=()
	t0=$EPOCHREALTIME
	[[ -z $PLOTS ]] || plot=(--plot "$PLOTS/$shape-seed.svg")
	"$TRACEGEN" "$shape" --seed "$SEED" >"$trace" || die "tracegen $shape failed"
	j=$("$DASCTL" replay --trace "$trace" --policy "$SEED_POLICY" --peer hpa --json "${plot[@]}") ||
		die "dasctl replay ($shape, seed) failed"
	seedrow=$(jq -r ".runs[] | select(.name == \"das\") | $FIELDS | @tsv" <<<"$j")
	hparow=$(jq -r ".runs[] | select(.name == \"hpa\") | $FIELDS | @tsv" <<<"$j")
	[[ -n $seedrow && -n $hparow ]] || die "dasctl replay --json ($shape): no das or hpa run: $j"
	SPAN[$shape]=$(jq -r '.span_s' <<<"$j")
	PEER=$(jq -r '.runs[] | select(.name == "hpa") | .peer' <<<"$j")
	j=$("$DASCTL" replay --trace "$trace" --policy "$TARGET_POLICY" --json) ||
		die "dasctl replay ($shape, target) failed"
	targetrow=$(jq -r ".runs[] | select(.name == \"das\") | $FIELDS | @tsv" <<<"$j")
	grid >"$TMP/list"
	say "$shape: $(($(wc -l <"$TMP/list"))) grid policies"
	run_list "$trace" "$TMP/list" "$res"
	best=$(pick "$res" "$hparow" 2>/dev/null)
	for _ in 1 2; do
		b0=${best##*$'\t'}
		variants "$b0" >"$TMP/list"
		run_list "$trace" "$TMP/list" "$res"
		best=$(pick "$res" "$hparow" 2>"$TMP/why")
		[[ ${best##*$'\t'} != "$b0" ]] || break
	done
	RUNS=$((RUNS + $(wc -l <"$res")))
	if [[ -n $PLOTS ]]; then
		"$DASCTL" replay --trace "$trace" --policy "${best##*$'\t'}" --peer hpa \
			--plot "$PLOTS/$shape-best.svg" >/dev/null || die "dasctl replay --plot ($shape) failed"
	fi
	ROWS+=("$shape|$seedrow|$targetrow|${best%$'\t'*}|$hparow")
	NOTES+=("$shape: ${best##*$'\t'}  ($(wc -l <"$res") policies, $(<"$TMP/why"), $(ms_since "$t0") ms)")
}

# ------------------------------------------------------------ signals

# On the bursts shape (2 recurring bursts an hour, 15 and 45 minutes past,
# +-90 s, and random ones): target tracking on cpu_ratio (capped at 100
# per replica: an overloaded service reads 100, not how far over), on a
# rate of the same load (a request or byte rate: not capped; --capacity
# 100 says what one replica serves), and each with prediction (predict
# 1h, lead 2m: the seasonal median of the last 7 hours, scaled out 2
# minutes ahead), against the HPA on cpu_ratio (its usual metric) and on
# the same rate. Issue 12's goal: clearly lower θU than the HPA at no
# more replica-hours. r75+pred1m is the policy that meets it (README,
# "Signals on recurring bursts"): prediction brings recurring load's
# replicas back ahead of it, so the scale-in hold can be short (1 m, the
# default lead), and the rate's setpoint 75 leaves less idle headroom.
SIGNAL_BASE="min_no=1,max_no=40,mode=target,out_duration=30s,in_duration=30s"
SIGNAL_RUNS=(
	"cpu|cond_item=cpu_ratio,setpoint=70%,$SIGNAL_BASE|"
	"cpu+pred|cond_item=cpu_ratio,setpoint=70%,$SIGNAL_BASE,predict=1h,lead=2m|"
	"rate|cond_item=net_read,aggregate=rate,setpoint=70,$SIGNAL_BASE|--capacity 100"
	"rate+pred|cond_item=net_read,aggregate=rate,setpoint=70,$SIGNAL_BASE,predict=1h,lead=2m|--capacity 100"
	"r80+pred|cond_item=net_read,aggregate=rate,setpoint=80,$SIGNAL_BASE,predict=1h,lead=2m|--capacity 100"
	"r75+pred1m|cond_item=net_read,aggregate=rate,setpoint=75,$SIGNAL_BASE,predict=1h,stabilize_in=1m|--capacity 100"
)
SIG_ROWS=()
SIG_HPA=""
SIG_HPA_RATE=""

bench_signals() {
	local trace=$TMP/bursts.csv r label pol extra j
	[[ -s $trace ]] || "$TRACEGEN" bursts --seed "$SEED" >"$trace" || die "tracegen bursts failed"
	for r in "${SIGNAL_RUNS[@]}"; do
		IFS='|' read -r label pol extra <<<"$r"
		# shellcheck disable=SC2086  # extra is zero or two words
		j=$("$DASCTL" replay --trace "$trace" --policy "$pol" --peer hpa $extra --json) ||
			die "dasctl replay (signals, $label) failed"
		SIG_ROWS+=("$label|$(jq -r ".runs[] | select(.name == \"das\") | $FIELDS | @tsv" <<<"$j")")
		[[ -n $SIG_HPA || -n $extra ]] ||
			SIG_HPA=$(jq -r ".runs[] | select(.name == \"hpa\") | $FIELDS | @tsv" <<<"$j")
		[[ -n $SIG_HPA_RATE || -z $extra ]] ||
			SIG_HPA_RATE=$(jq -r ".runs[] | select(.name == \"hpa\") | $FIELDS | @tsv" <<<"$j")
	done
}

report_signals() {
	local r label f
	echo
	echo "signals on recurring bursts (tracegen bursts, seed $SEED, 24 h): das target tracking (setpoint 70, 30 s"
	echo "windows) on cpu_ratio and on a rate, each with prediction (predict 1h, lead 2m); r75+pred1m: the rate at"
	echo "setpoint 75, predict 1h with the default lead 1m, stabilize_in 1m; ratios to the HPA on cpu_ratio"
	printf '  %-10s %9s %9s %9s %6s %6s %8s %8s %9s\n' run "θU" "θO" repl-h rev actions "τU %" dropped% "longest U"
	for r in "${SIG_ROWS[@]}"; do
		IFS='|' read -r label f <<<"$r"
		row "$label" "$f"
	done
	row "hpa cpu" "$SIG_HPA"
	row "hpa rate" "$SIG_HPA_RATE"
	printf '  %-10s %8s %8s %9s %6s\n' "/ hpa cpu" "θU" "θO" "repl-h" "rev"
	for r in "${SIG_ROWS[@]}"; do
		IFS='|' read -r label f <<<"$r"
		ratios "$label" "$f" "$SIG_HPA"
	done
	for r in "${SIG_ROWS[@]}"; do
		IFS='|' read -r label f <<<"$r"
		[[ $label == rate+pred || $label == r75+pred1m ]] || continue
		printf '  %-4s %s: θU at most half the HPA'"'"'s at no more replica-hours\n' \
			"$(verdict half_no_more "$f" "$SIG_HPA")" "$label"
	done
}

# The r75+pred1m row was chosen on seed 1's trace; the same row on five
# seeds, each at five load levels (the trace's load times k; max_no 60),
# against the HPA on cpu_ratio: means of the five seeds' θU and
# replica-hours, reversals summed. REPLAY_BENCH_ROBUST=0 leaves it out.
ROBUST_K="0.8 1 1.25 1.6 2.5"
ROBUST_ROWS=()

bench_robust() {
	local k seed t das hpa pol base="min_no=1,max_no=60,mode=target,out_duration=30s,in_duration=30s"
	pol="cond_item=net_read,aggregate=rate,setpoint=75,$base,predict=1h,stabilize_in=1m"
	for k in $ROBUST_K; do
		: >"$TMP/robust-$k"
		for seed in 1 2 3 4 5; do
			t=$TMP/robust-$k-$seed.csv
			"$TRACEGEN" bursts --seed "$seed" |
				awk -F, -v k="$k" 'NR == 1 { print; next } { printf "%s,%.2f\n", $1, $2 * k }' >"$t" ||
				die "tracegen bursts --seed $seed failed"
			das=$("$DASCTL" replay --trace "$t" --policy "$pol" --capacity 100 --json) ||
				die "dasctl replay (robustness, k $k, seed $seed) failed"
			hpa=$("$DASCTL" replay --trace "$t" --policy "cond_item=cpu_ratio,setpoint=70%,$base" \
				--peer hpa --json) || die "dasctl replay (robustness HPA, k $k, seed $seed) failed"
			printf '%s\t%s\n' "$(jq -r ".runs[] | select(.name == \"das\") | $FIELDS | @tsv" <<<"$das")" \
				"$(jq -r ".runs[] | select(.name == \"hpa\") | $FIELDS | @tsv" <<<"$hpa")" >>"$TMP/robust-$k"
		done
		# fields: θU θO repl-h rev ... for das (1-8) then the HPA (9-16)
		ROBUST_ROWS+=("$k|$(awk -F'\t' '{ du += $1; dh += $3; dr += $4; hu += $9; hh += $11; hr += $12 }
			END { printf "%.2f\t%.2f\t%d\t%d", du / hu, dh / hh, dr, hr }' "$TMP/robust-$k")")
	done
}

report_robust() {
	local r k tu rh dr hr
	((${#ROBUST_ROWS[@]} > 0)) || return 0
	echo
	echo "r75+pred1m on bursts seeds 1-5, each at load x k (max_no 60), against the HPA on cpu_ratio:"
	echo "means of θU and replica-hours (das/HPA), reversals summed"
	printf '  %-5s %7s %8s %14s\n' k "θU" repl-h "rev das/HPA"
	for r in "${ROBUST_ROWS[@]}"; do
		IFS='|' read -r k r <<<"$r"
		IFS=$'\t' read -r tu rh dr hr <<<"$r"
		printf '  %-5s %6sx %7sx %8s/%s\n' "$k" "$tu" "$rh" "$dr" "$hr"
	done
}

# The target row (TARGET_POLICY) and its sustained = in variant on seeds
# 1-5 of every shape, against the HPA (README "Decision quality": the
# five-seed figures): per shape the ratios of the summed θU and
# replica-hours (das/HPA) and the reversals summed, with issue 11's
# verdict. REPLAY_BENCH_SEEDS=0 leaves it out.
SEEDS_RUNS=(
	"target|$TARGET_POLICY"
	"target+sin|$TARGET_POLICY,sustained=in"
)
SEEDS_ROWS=()

bench_seeds() {
	local shape seed t r label pol j
	for shape in $SHAPES; do
		for seed in 1 2 3 4 5; do
			t=$TMP/seeds-$shape-$seed.csv
			"$TRACEGEN" "$shape" --seed "$seed" >"$t" || die "tracegen $shape --seed $seed failed"
		done
		for r in "${SEEDS_RUNS[@]}"; do
			IFS='|' read -r label pol <<<"$r"
			: >"$TMP/seeds-sum"
			for seed in 1 2 3 4 5; do
				j=$("$DASCTL" replay --trace "$TMP/seeds-$shape-$seed.csv" --policy "$pol" \
					--peer hpa --json) || die "dasctl replay (seeds, $shape, $label, $seed) failed"
				jq -r '[(.runs[] | select(.name == "das") | .theta_u, .replica_hours, .reversals),
					(.runs[] | select(.name == "hpa") | .theta_u, .replica_hours, .reversals)] | @tsv' \
					<<<"$j" >>"$TMP/seeds-sum"
			done
			# das θU, repl-h, rev, then the HPA's; summed over the seeds
			SEEDS_ROWS+=("$shape|$label|$(awk -F'\t' '{ for (i = 1; i <= 6; i++) s[i] += $i }
				END { printf "%g\t%g\t%d\t%g\t%g\t%d", s[1], s[2], s[3], s[4], s[5], s[6] }' "$TMP/seeds-sum")")
		done
	done
}

report_seeds() {
	local r shape label du dh dr hu hh hr ok
	((${#SEEDS_ROWS[@]} > 0)) || return 0
	echo
	echo "the target row on seeds 1-5 of every shape, against the HPA: θU and replica-hours summed over the"
	echo "seeds (das/HPA), reversals summed (das/HPA); target+sin: the same row with sustained = in"
	printf '  %-8s %-11s %7s %8s %12s\n' shape run "θU" repl-h "rev das/HPA"
	for r in "${SEEDS_ROWS[@]}"; do
		IFS='|' read -r shape label r <<<"$r"
		IFS=$'\t' read -r du dh dr hu hh hr <<<"$r"
		ok=MISS
		if lt "$du" "$hu" && ! lt "$hh" "$dh" && ((dr < hr)); then ok=PASS; fi
		printf '  %-8s %-11s %6sx %7sx %7s/%-4s %s\n' "$shape" "$label" "$(ratio "$du" "$hu")" \
			"$(ratio "$dh" "$hh")" "$dr" "$hr" "$ok"
	done
	echo "  (PASS: issue 11's goal on the five seeds: lower θU, no more replica-hours, fewer reversals)"
}

# half_no_more DAS HPA: θU at most half the HPA's, replica-hours no more.
half_no_more() {
	local -a d h
	IFS=$'\t' read -r -a d <<<"$1"
	IFS=$'\t' read -r -a h <<<"$2"
	! lt "$(awk -v x="${h[0]}" 'BEGIN { print x / 2 }')" "${d[0]}" && ! lt "${h[2]}" "${d[2]}"
}

# ------------------------------------------------------------ speed

time_week() {
	local i have_time=false
	"$TRACEGEN" diurnal --days 7 --step-s 1 --seed "$SEED" >"$TMP/week.csv" || die "tracegen failed"
	[[ -x /usr/bin/time ]] && have_time=true
	: >"$TMP/week.ms"
	W_RSS=-
	for ((i = 0; i < REPEAT; i++)); do
		local t0=$EPOCHREALTIME
		if $have_time; then
			/usr/bin/time -f '%M' -o "$TMP/week.rss" "$DASCTL" replay --trace "$TMP/week.csv" \
				--policy "$SEED_POLICY" --peer hpa --interval 1s --tick 1s --json >"$TMP/week.json" ||
				die "the 7-day replay failed"
			W_RSS=$(tail -1 "$TMP/week.rss")
		else
			"$DASCTL" replay --trace "$TMP/week.csv" --policy "$SEED_POLICY" --peer hpa \
				--interval 1s --tick 1s --json >"$TMP/week.json" || die "the 7-day replay failed"
		fi
		ms_since "$t0" >>"$TMP/week.ms"
	done
	W_MS=$(median <"$TMP/week.ms")
	W_SAMPLES=$(jq -r '.samples' "$TMP/week.json")
}

# ------------------------------------------------------------ report

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else if (a == 0) print "="; else print "-" }'; }
verdict() { if "$@"; then echo PASS; else echo MISS; fi; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0) }'; }

row() { # LABEL FIELDS(tab-separated)
	local tu to rh rev act tau drop lu
	IFS=$'\t' read -r tu to rh rev act tau drop lu <<<"$2"
	printf '  %-10s %8.2f %8.2f %9.1f %6s %6s %7.1f %8.2f %9s\n' "$1" "$tu" "$to" "$rh" "$rev" "$act" \
		"$tau" "$drop" "$lu"
}

ratios() { # LABEL DAS_FIELDS HPA_FIELDS
	local -a d h
	IFS=$'\t' read -r -a d <<<"$2"
	IFS=$'\t' read -r -a h <<<"$3"
	printf '  %-10s %8s %8s %9s %6s\n' "$1" "$(ratio "${d[0]}" "${h[0]}")" "$(ratio "${d[1]}" "${h[1]}")" \
		"$(ratio "${d[2]}" "${h[2]}")" "$(ratio "${d[3]}" "${h[3]}")"
}

# goal DAS_FIELDS HPA_FIELDS: issue 11's words, lower θU, no more
# replica-hours and fewer reversals than the HPA (equal reversals is a
# MISS, even at the least a trace allows: 1 on the step, up and back).
goal() {
	local -a d h
	IFS=$'\t' read -r -a d <<<"$1"
	IFS=$'\t' read -r -a h <<<"$2"
	lt "${d[0]}" "${h[0]}" && ! lt "${h[2]}" "${d[2]}" && lt "${d[3]}" "${h[3]}"
}

report() {
	local r shape seedrow targetrow bestrow hparow n
	echo
	echo "decision quality: das and the Kubernetes HPA on the same synthetic loads (dasctl replay --trace;"
	echo "tracegen seed $SEED, one row every 10 s; replay defaults: interval and tick 10 s, start delay 20 s,"
	echo "demand at 80 % of a replica); peer: hpa $PEER"
	echo "θU, θO: SPEC RG under/over-provisioning, % of demand per second; repl-h: replica-hours;"
	echo "rev: reversals; τU: % of time under-provisioned; dropped: % of the load beyond the ready capacity;"
	echo "longest U: the longest under-provisioning, s. Ratios: das/HPA (= both 0, - HPA's is 0)."
	for r in "${ROWS[@]}"; do
		IFS='|' read -r shape seedrow targetrow bestrow hparow <<<"$r"
		echo
		printf '%s (%s h)\n' "$shape" "$(awk -v s="${SPAN[$shape]}" 'BEGIN { printf "%g", s / 3600 }')"
		# θ and τ are two bytes each: one more column of width.
		printf '  %-10s %9s %9s %9s %6s %6s %8s %8s %9s\n' run "θU" "θO" repl-h rev actions "τU %" dropped% "longest U"
		row "das seed" "$seedrow"
		row "das target" "$targetrow"
		row "das best" "$bestrow"
		row "hpa" "$hparow"
		ratios "seed/hpa" "$seedrow" "$hparow"
		ratios "target/hpa" "$targetrow" "$hparow"
		ratios "best/hpa" "$bestrow" "$hparow"
		printf '  %-4s target: lower θU than the HPA, no more replica-hours, fewer reversals\n' \
			"$(verdict goal "$targetrow" "$hparow")"
	done
	echo
	echo "das target: $TARGET_POLICY"
	echo "das best, per shape (rule: the lowest θU of the policies within 1.25 x the HPA's replica-hours and"
	echo "2 x the HPA's reversals + 2; none such: the lowest θU + θO):"
	for n in "${NOTES[@]}"; do echo "  $n"; done
	echo "  $RUNS replays in the grids ($GRID grid, $JOBS at a time)"
	echo
	echo "speed: 7 days at 1 s ($W_SAMPLES samples, --interval 1s --tick 1s), seed policy + HPA peer, CSV read included:"
	printf '  %-4s one replay < 2 s: %s ms (median of %s; max RSS %s KB)\n' \
		"$(verdict lt "$W_MS" 2000)" "$W_MS" "$REPEAT" "$W_RSS"
	report_seeds
	report_signals
	report_robust
}

declare -A SPAN
PEER=
say "shapes: $SHAPES; seed $SEED; $GRID grid; $JOBS jobs"
for s in $SHAPES; do bench_shape "$s"; done
if [[ ${REPLAY_BENCH_SEEDS:-1} != 0 ]]; then
	say "the target row on 5 seeds of every shape"
	bench_seeds
fi
bench_signals
if [[ ${REPLAY_BENCH_ROBUST:-1} != 0 ]]; then
	say "robustness: r75+pred1m on 5 seeds x 5 load levels"
	bench_robust
fi
say "7 days at 1 s x$REPEAT"
time_week
report
