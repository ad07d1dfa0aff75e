# OMI to ChatGPT bridge: CGI programs, the admin tool and their tests.
# `make` builds everything; `make run` serves it; `make test` proves it.

# Two passes. The first (this part) runs scripts/deps.sh for what the goals
# need, which installs missing Debian packages when run as root, and then
# runs make again for the same goals. Only that second pass computes the
# pkg-config flags and looks for the static libraries: computed in the first,
# before the install, they came out empty and the first `make run` or
# `make test` on a fresh machine failed to link.
ifeq ($(OMI_DEPS_DONE),)
GOALS	:= $(or $(MAKECMDGOALS),all)
# The widest need wins: clean needs nothing, test everything.
DEPS_MODES := $(strip \
	$(if $(filter-out clean,$(GOALS)),--check) \
	$(if $(filter run bench,$(GOALS)),--run) \
	$(if $(filter fuzz fuzz-build fuzz-targets,$(GOALS)),--fuzz) \
	$(if $(filter valgrind,$(GOALS)),--valgrind) \
	$(if $(filter test-fresh,$(GOALS)),--fresh) \
	$(if $(filter test,$(GOALS)),--test))

# Every CPU for the second pass unless the command line chose (-j; make
# shows it in MAKEFLAGS only when a recipe runs, hence "="): `make test`
# builds four configurations, 123 s one file at a time here, 66 s on two.
JOBS = $(if $(findstring -j,$(MAKEFLAGS)),,-j$(shell nproc 2>/dev/null || echo 1))

.PHONY: $(GOALS) deps-then-make
$(GOALS): deps-then-make
	@:
deps-then-make:
	$(if $(DEPS_MODES),@scripts/deps.sh $(DEPS_MODES))
	@$(MAKE) --no-print-directory $(JOBS) OMI_DEPS_DONE=1 $(MAKECMDGOALS)
else

PREFIX	?= /usr/local
CC	?= cc
PKGS	 = jansson libsodium libxcrypt libzstd
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

TOP	:= $(abspath .)
# The data directory a program uses when OMI_DATA_DIR is not set. A relative
# path is taken relative to the program's own directory (see make dist).
DATADIR_DEFAULT ?= $(TOP)/data
ADMIN_DATADIR_DEFAULT ?= $(DATADIR_DEFAULT)
VERSION	 = 1.0.0

WARN	 = -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wformat=2
HARDEN	 = -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
CFLAGS	?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -Isrc $(WARN) $(HARDEN) $(CFLAGS) $(PKG_CFLAGS) \
	     -DOMI_DEFAULT_DATADIR='"$(DATADIR_DEFAULT)"' -MMD -MP
LDFLAGS	?=

# Programs are linked statically (static PIE) when Debian's static libraries
# are installed: a CGI process starts faster without the dynamic loader, and
# the binaries run on hosts that lack the libraries. LINK=dynamic overrides;
# `make static` insists.
STATIC_LIBS = libjansson.a libsodium.a libcrypt.a libgdbm.a libfcgi.a libzstd.a
HAVE_STATIC := $(if $(strip $(foreach l,$(STATIC_LIBS),$(if $(filter /%,$(shell $(CC) -print-file-name=$(l))),,$(l)))),no,yes)
LINK	?= $(if $(filter yes,$(HAVE_STATIC)),static,dynamic)
ifeq ($(LINK),static)
ALL_LDFLAGS = -static-pie -Wl,-z,relro -Wl,-z,now $(LDFLAGS)
LIBS	 = $(shell pkg-config --static --libs $(PKGS) 2>/dev/null) -lgdbm -lfcgi -lm
else
ALL_LDFLAGS = -pie -Wl,-z,relro -Wl,-z,now $(LDFLAGS)
LIBS	 = $(PKG_LIBS) -lgdbm -lfcgi -lm
endif

# BUILD selects a variant: build/ (default), build-asan/ (make asan),
# build-dist/ (make dist) or build-install/ (make install).
BUILD	?= build
CGIDIR	?= cgi-bin
ADMIN_BIN ?= omi-admin

# Installation directories (make install).
BINDIR	?= $(PREFIX)/bin
SHAREDIR ?= $(PREFIX)/share/omi-bridge
CGIBIN	?= $(PREFIX)/lib/omi-bridge/cgi-bin
HTDOCS	?= $(SHAREDIR)/htdocs
DATADIR	?= /var/lib/omi-bridge
MANDIR	?= $(PREFIX)/share/man

PROGRAMS = webhook authorize token conversations mcp view
# src/ holds the programs' main files; the library is the layer folders
# below it (src/*/README says what each owns and may call).
LIB_SRCS = $(wildcard src/*/*.c)
LIB_OBJS = $(LIB_SRCS:src/%.c=$(BUILD)/%.o) $(BUILD)/templates.o
# Page templates from htdocs/, compiled in (scripts/embed.sh).
TEMPLATES = htdocs/authorize.html
LIB	 = $(BUILD)/libomi.a
UNIT_SRCS = $(wildcard tests/unit/test_*.c)
UNIT_BINS = $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

SERVER	?= lighttpd
FASTCGI	?= 0

# V=1 shows the full commands.
Q	 = $(if $(V),,@)
say	 = $(if $(V),,@echo "  $(1)	$(2)";)

all: programs $(UNIT_BINS) $(BUILD)/tests/datagrep
programs: $(addprefix $(CGIDIR)/,$(PROGRAMS)) $(ADMIN_BIN)

$(BUILD)/%.o: src/%.c | $(BUILD)
	$(Q)mkdir -p $(@D)
	$(call say,CC,$@) $(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/omi-admin.o: src/omi-admin.c | $(BUILD)
	$(call say,CC,$@) $(CC) $(ALL_CFLAGS) -DOMI_ADMIN_DATADIR='"$(ADMIN_DATADIR_DEFAULT)"' -c -o $@ $<

$(BUILD)/templates.c: $(TEMPLATES) scripts/embed.sh | $(BUILD)
	scripts/embed.sh $(TEMPLATES) > $@.tmp && mv $@.tmp $@

$(BUILD)/templates.o: $(BUILD)/templates.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD):
	$(Q)mkdir -p $(BUILD)/tests

$(LIB): $(LIB_OBJS)
	$(call say,AR,$@) rm -f $@ && ar rcs $@ $(LIB_OBJS)

$(CGIDIR)/%: $(BUILD)/%.o $(LIB)
	$(Q)mkdir -p $(CGIDIR)
	$(call say,LD,$@) $(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LIBS)

$(ADMIN_BIN): $(BUILD)/omi-admin.o $(LIB)
	$(call say,LD,$@) $(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LIBS)

# A tool of the privacy tests: grep that sees into compressed records.
$(BUILD)/tests/datagrep: tests/tools/datagrep.c $(LIB) | $(BUILD)
	$(call say,CC,$@) $(CC) $(ALL_CFLAGS) -Isrc $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/unit.h $(LIB) | $(BUILD)
	$(call say,CC,$@) $(CC) $(ALL_CFLAGS) -Isrc $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LIBS)

# The sanitizer build: the same sources with ASan and UBSan, in build-asan/,
# its CGI programs in build-asan/cgi-bin/ so the test suite can run them. It
# is a test build, never shipped: it also carries the crash points that the
# reliability tests trigger (OMI_TEST_HOOKS; see src/store/disk.c).
asan:
	$(Q)$(MAKE) --no-print-directory BUILD=build-asan CGIDIR=build-asan/cgi-bin \
	    ADMIN_BIN=build-asan/omi-admin LINK=dynamic \
	    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all -DOMI_TEST_HOOKS" \
	    LDFLAGS="-fsanitize=address,undefined" programs \
	    $(UNIT_SRCS:tests/unit/%.c=build-asan/tests/%)

# Fuzzing (issue 6): the libFuzzer targets tests/fuzz/fuzz_*.c, built by
# clang with ASan and UBSan against their own copy of the library in
# build-fuzz/, each run for FUZZ_SECONDS by tests/fuzz/run.sh.
FUZZ_SECONDS ?= 60
FUZZ_CC	?= clang
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_SRCS = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS = $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%)

fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh

fuzz-build:
	@command -v $(FUZZ_CC) >/dev/null || { echo "$(FUZZ_CC) missing: scripts/deps.sh --fuzz" >&2; exit 1; }
	$(Q)$(MAKE) --no-print-directory BUILD=build-fuzz CC=$(FUZZ_CC) LINK=dynamic \
	    CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link $(FUZZ_SAN)" \
	    LDFLAGS="-fsanitize=fuzzer $(FUZZ_SAN)" fuzz-targets

fuzz-targets: $(FUZZ_BINS)

$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(LIB) | $(BUILD)
	$(Q)mkdir -p $(BUILD)/fuzz
	$(call say,CC,$@) $(CC) $(ALL_CFLAGS) -Isrc $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LIBS)

# Valgrind (issue 6): the programs linked dynamically (valgrind cannot
# follow allocations in a static binary) in build-vg/, and the CGI-level
# tests (every program they start) and the unit tests run under valgrind by
# tests/valgrind.sh.
valgrind-build:
	$(Q)$(MAKE) --no-print-directory BUILD=build-vg CGIDIR=build-vg/cgi-bin \
	    ADMIN_BIN=build-vg/omi-admin LINK=dynamic CFLAGS="-O1 -g" programs \
	    $(UNIT_SRCS:tests/unit/%.c=build-vg/tests/%)

valgrind: valgrind-build
	tests/valgrind.sh

static:
	@[ "$(HAVE_STATIC)" = yes ] || { echo "static libraries missing: apt-get install libjansson-dev libsodium-dev libgdbm-dev libcrypt-dev libzstd-dev" >&2; exit 1; }
	$(Q)$(MAKE) --no-print-directory LINK=static all

# make run [PORT=8000] [SERVER=lighttpd|apache|apache-cgi] [FASTCGI=1]
run: all
	SERVER=$(SERVER) FASTCGI=$(FASTCGI) scripts/run.sh

test: all asan dist valgrind-build
	OMI_DIST_TARBALL=$(TOP)/omi-bridge-$(VERSION).tar.gz tests/run.sh

# make test-fresh (opt-in, root, a few minutes): `make` and `make run` in a
# clean Debian root made by debootstrap (scripts/test-fresh.sh).
test-fresh:
	scripts/test-fresh.sh

# make install: programs built with DATADIR compiled in as their default.
install:
	$(Q)$(MAKE) --no-print-directory BUILD=build-install CGIDIR=build-install/cgi-bin \
	    ADMIN_BIN=build-install/omi-admin DATADIR_DEFAULT=$(DATADIR) programs
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(CGIBIN) $(DESTDIR)$(HTDOCS) $(DESTDIR)$(SHAREDIR) \
	    $(DESTDIR)$(MANDIR)/man8
	install -d -m 700 $(DESTDIR)$(DATADIR)
	install -m 755 build-install/omi-admin $(DESTDIR)$(BINDIR)/omi-admin
	install -m 644 man/omi-admin.8 $(DESTDIR)$(MANDIR)/man8/omi-admin.8
	install -m 755 $(addprefix build-install/cgi-bin/,$(PROGRAMS)) $(DESTDIR)$(CGIBIN)/
	cp -R htdocs/. $(DESTDIR)$(HTDOCS)/
	install -m 644 apache.conf lighttpd.conf README.md $(DESTDIR)$(SHAREDIR)/
	install -d $(DESTDIR)$(SHAREDIR)/docs
	install -m 644 docs/*.md $(DESTDIR)$(SHAREDIR)/docs/

# make dist: a tarball for a shared host (see scripts/dist.sh and INSTALL).
dist:
	$(Q)$(MAKE) --no-print-directory BUILD=build-dist CGIDIR=build-dist/cgi-bin \
	    ADMIN_BIN=build-dist/omi-admin DATADIR_DEFAULT=../../data \
	    ADMIN_DATADIR_DEFAULT=data LINK=$(LINK) programs
	scripts/dist.sh $(VERSION) build-dist

# make bench: the benchmark table (see scripts/bench.sh); never a test.
build/bench/hello: tests/bench/hello.c
	$(Q)mkdir -p build/bench
	$(call say,LD,$@) $(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIBS)

bench: all build/bench/hello
	scripts/bench.sh

clean:
	rm -rf build build-asan build-dist build-install build-fuzz build-vg omi-admin \
	    $(addprefix cgi-bin/,$(PROGRAMS)) omi-bridge-*.tar.gz

.SECONDARY:
.PHONY: all programs asan static run test test-fresh install dist bench clean
.PHONY: fuzz fuzz-build fuzz-targets valgrind valgrind-build
-include $(wildcard build*/*.d build*/*/*.d)
endif
