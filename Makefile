# das — time-series-backed container autoscaler.
#
#   make                  build bin/ds, bin/das, bin/dasctl
#   make SANITIZER=address,undefined
#   make check            install deps, build with sanitizers, unit + integration tests
#   make demo             install deps, start the local stack, show a service scaling
#   make bench            benchmarks side by side with peers, prints ratios
#   make bin/tracegen     the synthetic trace generator of the replay bench
#   make deps             apt-get what the build and the tests need (idempotent)
#   make install / uninstall   honour PREFIX and DESTDIR
#   V=1 shows the commands; WERROR= turns -Werror off.

VERSION	 = 0.1.0
CC	?= cc
PREFIX	?= /usr/local
DESTDIR	?=
SYSCONFDIR ?= /etc/das
WERROR	?= -Werror
SANITIZER ?=
.DEFAULT_GOAL := all

.SECONDEXPANSION:

# The flags of installed packages are asked of pkg-config the first time a
# recipe needs them, and kept: reading this file runs no pkg-config, so a
# make that installs the packages (`deps`) never holds flags asked before
# they were there (tests/integration/test_build_order.sh checks it).
# $(call once,VAR,COMMAND): VAR's value is COMMAND's output, run at most once.
once	 = $(eval $(1) := $$(shell $(2)))$($(1))
PKGS	 = libcurl libpq jansson libevent yajl
PKG_CFLAGS = $(call once,PKG_CFLAGS,pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(call once,PKG_LIBS,pkg-config --libs $(PKGS) 2>/dev/null || echo -lcurl -lpq -ljansson -levent -lyajl)
# ds talks to Docker and InfluxDB only: no libpq (and its gssapi, ldap...)
# mapped into a per-node daemon that is measured by its resident memory.
DS_PKGS	 = libcurl jansson libevent
DS_LIBS	   = $(call once,DS_LIBS,pkg-config --libs $(DS_PKGS) 2>/dev/null || echo -lcurl -ljansson -levent) -lz -lm

WARN	 = -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wwrite-strings -Wpointer-arith -Wno-unused-parameter
CFLAGS	?= -O2 -g
CPPFLAGS += -D_GNU_SOURCE -DDAS_VERSION='"$(VERSION)"' -Ilib -Icollector -Iscaler $(PKG_CFLAGS)
ALL_CFLAGS = -std=c11 $(WARN) $(WERROR) $(CFLAGS) -MMD -MP
LDLIBS	+= $(PKG_LIBS) -lz -lm

ifneq ($(SANITIZER),)
ALL_CFLAGS += -fsanitize=$(SANITIZER) -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS	+= -fsanitize=$(SANITIZER)
BUILD	 = build/san
else
BUILD	 = build/plain
endif

ifeq ($(V),1)
Q =
else
Q = @
endif

LIB_SRC	 = $(wildcard lib/*.c)
COL_SRC	 = $(filter-out collector/main.c,$(wildcard collector/*.c))
SCA_SRC	 = $(filter-out scaler/das_main.c scaler/dasctl_main.c,$(wildcard scaler/*.c))
UNIT_SRC = $(wildcard tests/unit/*.c)

obj	 = $(patsubst %.c,$(BUILD)/%.o,$(1))
LIB_OBJ	 = $(call obj,$(LIB_SRC))
COL_OBJ	 = $(call obj,$(COL_SRC))
SCA_OBJ	 = $(call obj,$(SCA_SRC)) $(BUILD)/gen/schema_sql.o
UNIT_OBJ = $(call obj,$(UNIT_SRC))

# bin/ holds one flavour at a time (plain or sanitized): switching flavours
# relinks, so `make bench` never measures an ASan build left by `make check`.
FLAVOR	 = bin/.flavor-$(if $(SANITIZER),san,plain)

$(FLAVOR):
	@mkdir -p bin
	@rm -f bin/.flavor-*
	@touch $@

PROGS	 = bin/ds $(if $(wildcard scaler/das_main.c),bin/das) \
	   $(if $(wildcard scaler/dasctl_main.c),bin/dasctl)

all: $(PROGS)

# The SQL schema has one source, schema/*.sql: das runs the same text at
# start (store_ensure_schema), compiled in as C strings.
$(BUILD)/gen/schema_sql.c: schema/postgres.sql schema/crate.sql
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)for f in postgres crate; do \
	    printf 'const char store_schema_%s[] =\n' "$$f"; \
	    sed 's/\\/\\\\/g; s/"/\\"/g; s/^/\t"/; s/$$/\\n"/' "schema/$$f.sql"; \
	    printf ';\n'; \
	done >$@.tmp && mv -f $@.tmp $@

$(BUILD)/gen/schema_sql.o: $(BUILD)/gen/schema_sql.c
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -include scaler/schema.h -c -o $@ $<

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

DS_LIB_OBJ = $(call obj,$(filter-out lib/pgc.c,$(LIB_SRC)))

bin/ds: $(call obj,collector/main.c) $(COL_OBJ) $(DS_LIB_OBJ) $(FLAVOR)
	@mkdir -p bin
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -Wl,--as-needed -o $@ $(filter %.o,$^) $(DS_LIBS)

bin/das: $(call obj,scaler/das_main.c) $(SCA_OBJ) $(LIB_OBJ) $(FLAVOR)
	@mkdir -p bin
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LDLIBS)

bin/dasctl: $(call obj,scaler/dasctl_main.c) $(SCA_OBJ) $(LIB_OBJ) $(FLAVOR)
	@mkdir -p bin
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LDLIBS)

bin/unit-tests: $(UNIT_OBJ) $(COL_OBJ) $(SCA_OBJ) $(LIB_OBJ) $(FLAVOR)
	@mkdir -p bin
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LDLIBS) -lcriterion

# The window cache against a real InfluxDB (tests/integration/test_das_cache.sh).
bin/cache-check: $(call obj,tests/integration/cache_check.c) $(SCA_OBJ) $(LIB_OBJ) $(FLAVOR)
	@mkdir -p bin
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LDLIBS)

# Unit tests need Criterion's headers; everything else builds without it.
$(BUILD)/tests/unit/%.o: CPPFLAGS += -DTEST_DATA='"$(CURDIR)/tests/data"'

unit: bin/unit-tests
	bin/unit-tests --jobs 2

# The install step; a variable so that tests/integration/test_build_order.sh
# can put a logger in its place.
DEPS_CMD ?= sh tests/deps.sh

deps:
	@$(DEPS_CMD)

SAN	 = address,undefined

# check, demo and bench install first, then build in a make of their own:
# that make reads this file after the packages are there.  The servers are
# started by tests/integration/run.sh, tests/demo.sh and the benches.
# A ds image for contrib/swarm/ds-stack.yml, made without a registry or a
# base image (contrib/swarm/image.sh): das-ds:$(VERSION). Needs a running
# Docker Engine (tests/stack.sh up starts one on a test machine).
image: deps
	$(MAKE) bin/ds
	contrib/swarm/image.sh bin/ds das-ds:$(VERSION)

check: deps
	$(MAKE) SANITIZER=$(SAN) all bin/unit-tests bin/cache-check
	ASAN_OPTIONS=detect_leaks=1 bin/unit-tests --jobs 2
	$(MAKE) fuzz-smoke
	tests/stack.sh up
	tests/integration/run.sh

# NODES=3: the same on a swarm of 3 Engines in network namespaces.
demo: deps
	@$(MAKE) --no-print-directory all
	@DAS_DEMO_NODES=$(NODES) tests/demo.sh

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_BIN)
	tests/bench/run.sh

# Bench tools (tests/bench/): built for make bench, not by all. tracegen,
# the seeded trace generator of tests/bench/bench_replay.sh, needs libm
# alone.
BENCH_BIN = bin/tracegen

bin/tracegen: $(call obj,tests/bench/tracegen.c) $(FLAVOR)
	@mkdir -p bin
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) -lm

# libFuzzer targets for the parsers and the line-protocol writer (clang
# only). Each links just the pure modules it exercises: no I/O clients.
FUZZ_SRC  = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN  = $(patsubst tests/fuzz/%.c,bin/%,$(FUZZ_SRC))
FUZZ_BASE = lib/xmalloc.c lib/buf.c lib/log.c
FUZZ_lp	  = lib/lp.c
FUZZ_cgroup = collector/cgroup.c collector/cgroup_parse.c collector/procfs.c
FUZZ_policy = $(wildcard scaler/policy*.c) scaler/iql.c scaler/iql_answer.c scaler/iql_obs.c scaler/iql_cache.c scaler/wcache.c scaler/winagg.c scaler/decide.c scaler/predict.c lib/strpool.c
FUZZ_runc = lib/runcstate.c
FUZZ_discover = collector/discover_list.c
FUZZ_answer = $(wildcard scaler/policy*.c) scaler/iql.c scaler/iql_answer.c scaler/iql_obs.c scaler/iql_cache.c scaler/wcache.c scaler/winagg.c lib/strpool.c
FUZZ_trace = scaler/replay_trace.c scaler/replay.c scaler/hpa.c scaler/decide.c scaler/predict.c scaler/winagg.c $(wildcard scaler/policy*.c) lib/strpool.c

bin/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_BASE) $$(FUZZ_$$*)
	@mkdir -p bin
	@$(if $(Q),echo "  FUZZCC  $@")
	$(Q)clang $(CPPFLAGS) -std=c11 -g -O1 $(WARN) $(WERROR) \
	    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	    -o $@ $(filter %.c,$^) $(LDLIBS)

fuzz: $(FUZZ_BIN)

# A short run of every fuzz target, part of `make check`.
fuzz-smoke: $(FUZZ_BIN)
	@mkdir -p $(BUILD)
	@for f in $(FUZZ_BIN); do \
	    echo "  FUZZ    $$f (20000 runs)"; \
	    $$f -runs=20000 -seed=1 >/dev/null 2>$(BUILD)/$${f#bin/}.log || \
	    { tail -40 $(BUILD)/$${f#bin/}.log; exit 1; }; \
	done

# install copies what was built ($(PROGS): dasctl only once it exists), the
# SQL schema, the sample configurations (never over an existing one) and the
# systemd units with @PREFIX@ and @SYSCONFDIR@ filled in. uninstall leaves
# the configurations.
UNITS	 = $(wildcard contrib/systemd/*.service)
UNITDIR	 = $(PREFIX)/lib/systemd/system
SYSUSERSDIR = $(PREFIX)/lib/sysusers.d

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(SYSCONFDIR) \
	    $(DESTDIR)$(PREFIX)/share/das/schema $(DESTDIR)$(UNITDIR) \
	    $(DESTDIR)$(SYSUSERSDIR)
	install -m 0755 $(PROGS) $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 schema/*.sql $(DESTDIR)$(PREFIX)/share/das/schema/
	install -m 0644 contrib/systemd/das.sysusers $(DESTDIR)$(SYSUSERSDIR)/das.conf
	@for f in etc/*.conf; do \
	    t="$(DESTDIR)$(SYSCONFDIR)/$${f#etc/}"; \
	    if [ -e "$$t" ]; then echo "  KEEP    $$t (exists)"; \
	    else install -m 0640 "$$f" "$$t" || exit 1; fi; done
	@for f in $(UNITS); do \
	    t="$(DESTDIR)$(UNITDIR)/$${f##*/}"; \
	    sed 's|@PREFIX@|$(PREFIX)|g; s|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	        "$$f" >"$$t.tmp" && chmod 0644 "$$t.tmp" && \
	        mv -f "$$t.tmp" "$$t" || { rm -f "$$t.tmp"; exit 1; }; done

uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/bin/,ds das dasctl)
	rm -rf $(DESTDIR)$(PREFIX)/share/das
	rm -f $(DESTDIR)$(SYSUSERSDIR)/das.conf
	rm -f $(addprefix $(DESTDIR)$(UNITDIR)/, \
	    $(sort $(notdir $(UNITS)) ds.service das.service))

clean:
	rm -rf build bin

.PHONY: all unit deps check demo bench fuzz fuzz-smoke install uninstall clean image

-include $(shell find build -name '*.d' 2>/dev/null)
