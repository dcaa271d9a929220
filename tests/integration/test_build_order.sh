#!/usr/bin/env bash
# No make variable may be computed from a package before the install step
# has run: on a fresh machine `make demo` (and `check`, `bench`) must install
# the -dev packages first and only then ask pkg-config for their flags, or
# the whole run compiles without them (lib/pgc.c: libpq-fe.h not found).
#
# In a fresh clone of HEAD, make runs with
#   - a pkg-config first in PATH that logs each call and, until the install
#     step has run, answers like a machine without the -dev packages (exit 1,
#     no flags); afterwards it execs the real pkg-config;
#   - DEPS_CMD (the Makefile's install step) replaced by a script that logs
#     "deps" and marks the packages installed;
#   - CC replaced by a compiler that logs whether it got pkg-config's flags
#     for libpq and then fails: the build stops at its first compile, before
#     any server or demo is started (this test is about the order only).
# It needs no server: it runs among the integration tests because it runs
# make on the real Makefile and the real pkg-config.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

TMP=$(mktemp -d /tmp/das-build-order.XXXXXX)
on_exit "rm -rf '$TMP'"
SRC=$TMP/src
SHIM=$TMP/shim
LOG=$TMP/calls.log
DONE=$TMP/deps-done
MAKE_OUT=$TMP/make.out

REAL_PKG_CONFIG=$(command -v pkg-config) || fail "pkg-config not installed (run: sh tests/deps.sh)"
# The flags the compiler must see; empty would make the check below vacuous.
WANT_CFLAGS=$("$REAL_PKG_CONFIG" --cflags libpq)
[[ -n $WANT_CFLAGS ]] || fail "pkg-config --cflags libpq is empty here: the check would prove nothing"

clone_head() {
	git clone -q --no-checkout "$DAS_ROOT" "$SRC"
	git -C "$SRC" -c advice.detachedHead=false checkout -q "$(git -C "$DAS_ROOT" rev-parse HEAD)"
}

# Each shim has its paths written in, so make's environment does not matter.
write_shims() {
	mkdir -p "$SHIM"
	cat >"$SHIM/pkg-config" <<EOF
#!/bin/sh
echo "pkg-config \$*" >>'$LOG'
[ -e '$DONE' ] || exit 1
exec '$REAL_PKG_CONFIG' "\$@"
EOF
	cat >"$SHIM/deps" <<EOF
#!/bin/sh
echo deps >>'$LOG'
touch '$DONE'
EOF
	cat >"$SHIM/cc" <<EOF
#!/bin/sh
for f in $WANT_CFLAGS; do
	case " \$* " in *" \$f "*) ;; *) echo "cc without \$f" >>'$LOG'; exit 1 ;; esac
done
echo "cc with pkg-config flags" >>'$LOG'
exit 1
EOF
	chmod +x "$SHIM/pkg-config" "$SHIM/deps" "$SHIM/cc"
}

# run_make ARGS...: make in the clone with the shims; its status is returned.
# MAKEFLAGS and friends from an enclosing `make check` are dropped: this
# make must read the Makefile as a user's first make does.
run_make() {
	(cd "$SRC" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL PATH="$SHIM:$PATH" \
		make --no-print-directory CC="$SHIM/cc" DEPS_CMD="$SHIM/deps" "$@") \
		>"$MAKE_OUT" 2>&1
}

show() { sed 's/^/    | /' "$1"; }

# check_target T: `make T` installs, then asks pkg-config, then compiles
# with the flags it got.
check_target() {
	local t=$1 first
	rm -f "$LOG" "$DONE"
	echo "== make $t"
	if run_make "$t"; then
		show "$MAKE_OUT"
		fail "make $t succeeded although the compiler fails: it built nothing, or went on past a failed build"
	fi
	[[ -s $LOG ]] || { show "$MAKE_OUT"; fail "make $t called neither the install step, pkg-config nor the compiler"; }
	show "$LOG"
	first=$(head -n 1 "$LOG")
	assert_eq deps "$first" "make $t: first call (nothing may ask pkg-config before the install step)"
	grep -q '^pkg-config ' "$LOG" || fail "make $t never called pkg-config: the shim is not in use, the test proves nothing"
	grep -q '^cc without ' "$LOG" && fail "make $t compiled without pkg-config's flags ($WANT_CFLAGS)"
	grep -qx 'cc with pkg-config flags' "$LOG" || fail "make $t never reached the compiler"
	if grep -q 'tests/stack.sh\|tests/demo.sh\|tests/bench/run.sh\|integration/run.sh' "$MAKE_OUT"; then
		show "$MAKE_OUT"
		fail "make $t went on to its run step after the build failed"
	fi
	return 0
}

clone_head
write_shims

echo "== make deps: reading the Makefile asks pkg-config nothing"
rm -f "$LOG" "$DONE"
run_make deps || { show "$MAKE_OUT"; fail "make deps failed"; }
assert_eq deps "$(cat "$LOG")" "calls made by \`make deps\`"

for t in demo check bench; do
	check_target "$t"
done

echo "== make -n all without pkg-config: no error, the fallback libraries"
rm -f "$LOG" "$DONE"
printf '#!/bin/sh\necho "pkg-config: not found" >&2\nexit 127\n' >"$SHIM/pkg-config"
run_make -n all || { show "$MAKE_OUT"; fail "make -n all failed without pkg-config"; }
grep -q -- '-lcurl -lpq -ljansson -levent' "$MAKE_OUT" ||
	{ show "$MAKE_OUT"; fail "make -n all: no link line with the fallback libraries"; }
if grep -q 'not found\|\*\*\*' "$MAKE_OUT"; then
	show "$MAKE_OUT"
	fail "make -n all printed an error without pkg-config"
fi
echo "ok"
