# OMI to ChatGPT bridge: CGI programs, the admin tool and their tests.
# `make` builds everything; `make run` serves it; `make test` proves it.

PREFIX	?= /usr/local
CC	?= cc
PKGS	 = jansson libsodium libxcrypt
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

TOP	:= $(abspath .)
DATADIR_DEFAULT ?= $(TOP)/data

WARN	 = -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wformat=2
HARDEN	 = -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
CFLAGS	?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(HARDEN) $(CFLAGS) $(PKG_CFLAGS) \
	     -DOMI_DEFAULT_DATADIR='"$(DATADIR_DEFAULT)"' -MMD -MP
LDFLAGS	?=
ALL_LDFLAGS = -pie -Wl,-z,relro -Wl,-z,now $(LDFLAGS)
LIBS	 = $(PKG_LIBS) -lgdbm

# BUILD selects a variant: build/ (default) or build-asan/ (make asan).
BUILD	?= build
CGIDIR	?= cgi-bin

PROGRAMS = webhook authorize token conversations
MAINS	 = $(PROGRAMS) omi-admin
LIB_SRCS = $(filter-out $(addprefix src/,$(addsuffix .c,$(MAINS))),$(wildcard src/*.c))
LIB_OBJS = $(LIB_SRCS:src/%.c=$(BUILD)/%.o) $(BUILD)/templates.o
# Page templates from htdocs/, compiled in (scripts/embed.sh).
TEMPLATES = htdocs/authorize.html
LIB	 = $(BUILD)/libomi.a
UNIT_SRCS = $(wildcard tests/unit/test_*.c)
UNIT_BINS = $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

all: deps-check $(addprefix $(CGIDIR)/,$(PROGRAMS)) omi-admin $(UNIT_BINS)

deps-check:
	@scripts/deps.sh --check

$(BUILD)/%.o: src/%.c | $(BUILD)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/templates.c: $(TEMPLATES) scripts/embed.sh | $(BUILD)
	scripts/embed.sh $(TEMPLATES) > $@.tmp && mv $@.tmp $@

$(BUILD)/templates.o: $(BUILD)/templates.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD):
	mkdir -p $(BUILD)/tests

$(LIB): $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $(LIB_OBJS)

$(CGIDIR)/%: $(BUILD)/%.o $(LIB)
	@mkdir -p $(CGIDIR)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LIBS)

omi-admin: $(BUILD)/omi-admin.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/unit.h $(LIB) | $(BUILD)
	$(CC) $(ALL_CFLAGS) -Isrc $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LIBS)

# The sanitizer build: the same sources with ASan and UBSan, in build-asan/,
# its CGI programs in build-asan/cgi-bin/ so the test suite can run them.
asan:
	$(MAKE) BUILD=build-asan CGIDIR=build-asan/cgi-bin \
	    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    LDFLAGS="-fsanitize=address,undefined" \
	    build-asan/cgi-bin/webhook build-asan/cgi-bin/authorize \
	    build-asan/cgi-bin/token build-asan/cgi-bin/conversations \
	    build-asan/omi-admin $(UNIT_SRCS:tests/unit/%.c=build-asan/tests/%)

build-asan/omi-admin: build-asan/omi-admin.o build-asan/libomi.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

run: all
	scripts/run.sh

test: all asan
	tests/run.sh

clean:
	rm -rf build build-asan omi-admin $(addprefix cgi-bin/,$(PROGRAMS))

.PHONY: all asan run test clean deps-check
-include $(wildcard build/*.d build-asan/*.d)
