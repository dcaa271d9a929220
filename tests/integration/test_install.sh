#!/usr/bin/env bash
# make install / make uninstall into a DESTDIR, for PREFIX=/usr and
# PREFIX=/opt/das: binaries (only those built), schema, sample
# configurations (never overwritten), systemd units with every @...@
# filled in and pointing at the installed binaries; uninstall removes all
# but the configurations. The units pass `systemd-analyze verify` when it
# is installed here.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

cd "$DAS_ROOT"
TMP=$(mktemp -d /tmp/das-install.XXXXXX)
on_exit "rm -rf '$TMP'"
VERSION=$(sed -n 's/^VERSION[[:space:]]*=[[:space:]]*//p' Makefile)

# Install the flavour bin/ already holds, so that `make install` (which
# depends on `all`) does not relink bin/ under the other tests' feet.
FLAVOR=()
[[ -e bin/.flavor-san ]] && FLAVOR=("SANITIZER=address,undefined")

# The programs `make all` builds: ds always, das and dasctl once their
# sources exist (the same rule as the Makefile's PROGS).
PROGS=(ds)
[[ -e scaler/das_main.c ]] && PROGS+=(das)
[[ -e scaler/dasctl_main.c ]] && PROGS+=(dasctl)
UNITS=()
for u in contrib/systemd/*.service; do [[ -e $u ]] && UNITS+=("${u##*/}"); done
((${#UNITS[@]} >= 2)) || fail "contrib/systemd has ${#UNITS[@]} units, expected ds and das"

mk() { make --no-print-directory "${FLAVOR[@]}" "$@" >>"$TMP/make.log" 2>&1 ||
	{ tail -30 "$TMP/make.log"; fail "make $* failed"; }; }
mode() { stat -c %a "$1"; }

# check_installed DESTDIR PREFIX SYSCONFDIR
check_installed() {
	local d=$1 p=$2 etc=$3 f u exec bin cfg
	for f in "${PROGS[@]}"; do
		[[ -x $d$p/bin/$f ]] || fail "$d$p/bin/$f missing or not executable"
		cmp -s "bin/$f" "$d$p/bin/$f" || fail "$d$p/bin/$f differs from bin/$f"
		assert_eq 755 "$(mode "$d$p/bin/$f")" "mode of bin/$f"
	done
	assert_eq "ds $VERSION" "$("$d$p/bin/ds" --version)" "installed ds --version"
	for f in schema/*.sql; do
		cmp -s "$f" "$d$p/share/das/schema/${f##*/}" || fail "$d$p/share/das/schema/${f##*/} missing or different"
	done
	for f in etc/*.conf; do
		[[ -f $d$etc/${f##*/} ]] || fail "config $d$etc/${f##*/} missing"
	done
	for u in "${UNITS[@]}"; do
		f=$d$p/lib/systemd/system/$u
		[[ -f $f ]] || fail "unit $f missing"
		assert_eq 644 "$(mode "$f")" "mode of $u"
		! grep -n '@[A-Za-z_]*@' "$f" || fail "$f still has @...@ placeholders"
		exec=$(sed -n 's/^ExecStart=//p' "$f")
		bin=${u%.service}
		cfg=$bin.conf
		assert_eq "$p/bin/$bin -c $etc/$cfg" "$exec" "$u ExecStart"
		[[ -x $d$p/bin/$bin ]] || fail "$u starts $p/bin/$bin, which was not installed"
		[[ -f $d$etc/$cfg ]] || fail "$u reads $etc/$cfg, which was not installed"
		# shellcheck disable=SC2016  # a literal $MAINPID
		assert_match '^ExecReload=/bin/kill -HUP \$MAINPID$' "$(grep '^ExecReload=' "$f")" "$u ExecReload"
	done
	# das: its own user, the Docker socket's group, no capability.
	f=$d$p/lib/systemd/system/das.service
	assert_eq "User=das" "$(grep '^User=' "$f")" "das.service runs as das"
	assert_eq "SupplementaryGroups=docker" "$(grep '^SupplementaryGroups=' "$f")"
	assert_eq "CapabilityBoundingSet=" "$(grep '^CapabilityBoundingSet' "$f")" "no capability"
	assert_match '^u das ' "$(grep '^u ' "$d$p/lib/sysusers.d/das.conf")" "the sysusers entry for das"
}

# check_uninstalled DESTDIR PREFIX SYSCONFDIR
check_uninstalled() {
	local d=$1 p=$2 etc=$3 f
	for f in ds das dasctl; do
		[[ ! -e $d$p/bin/$f ]] || fail "uninstall left $d$p/bin/$f"
	done
	[[ ! -e $d$p/share/das ]] || fail "uninstall left $d$p/share/das"
	[[ ! -e $d$p/lib/sysusers.d/das.conf ]] || fail "uninstall left the sysusers file"
	for f in "${UNITS[@]}"; do
		[[ ! -e $d$p/lib/systemd/system/$f ]] || fail "uninstall left the unit $f"
	done
	for f in etc/*.conf; do
		[[ -f $d$etc/${f##*/} ]] || fail "uninstall removed the config $d$etc/${f##*/}"
	done
}

D=$TMP/root
for P in /usr /opt/das; do
	echo "== make install DESTDIR=$D PREFIX=$P"
	mk install DESTDIR="$D" PREFIX="$P"
	check_installed "$D" "$P" /etc/das
	for f in etc/*.conf; do
		assert_eq 640 "$(mode "$D/etc/das/${f##*/}")" "mode of ${f##*/}"
	done
	(cd "$D" && find . -type f | sort | sed 's/^/   /')

	echo "== an edited config survives a re-install"
	echo "# edited by the operator ($P)" >>"$D/etc/das/ds.conf"
	sum=$(md5sum <"$D/etc/das/ds.conf")
	mk install DESTDIR="$D" PREFIX="$P"
	assert_eq "$sum" "$(md5sum <"$D/etc/das/ds.conf")" "re-install overwrote ds.conf"
	grep -q 'KEEP .*ds.conf' "$TMP/make.log" || fail "make install did not say it kept ds.conf"
	check_installed "$D" "$P" /etc/das

	echo "== make uninstall DESTDIR=$D PREFIX=$P"
	mk uninstall DESTDIR="$D" PREFIX="$P"
	check_uninstalled "$D" "$P" /etc/das
	grep -q "edited by the operator ($P)" "$D/etc/das/ds.conf" || fail "the edited ds.conf is gone"
done
left=$(cd "$D" && find . -type f | sort | tr '\n' ' ')
assert_eq "./etc/das/das.conf ./etc/das/ds.conf " "$left" "what uninstall leaves"

# A real location with its own SYSCONFDIR, no DESTDIR: the units must name
# existing files, so systemd-analyze can check them as systemd would.
R=$TMP/real
echo "== make install PREFIX=$R SYSCONFDIR=$R/etc"
mk install PREFIX="$R" SYSCONFDIR="$R/etc"
check_installed "" "$R" "$R/etc"
if command -v systemd-analyze >/dev/null; then
	units=()
	for u in "${UNITS[@]}"; do units+=("$R/lib/systemd/system/$u"); done
	out=$(systemd-analyze verify "${units[@]}" 2>&1) || fail "systemd-analyze verify: $out"
	[[ -z $out ]] || fail "systemd-analyze verify warns: $out"
	echo "   systemd-analyze verify: ${UNITS[*]} clean"
else
	echo "   (no systemd-analyze here: units not verified)"
fi
mk uninstall PREFIX="$R" SYSCONFDIR="$R/etc"
check_uninstalled "" "$R" "$R/etc"

echo "install: ${#PROGS[@]} programs, ${#UNITS[@]} units, PREFIX /usr, /opt/das and $R checked"
