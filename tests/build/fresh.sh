#!/bin/bash
# The first `make` on a fresh machine (issue 17, item 1): the build must not
# compute its pkg-config flags or look for the static libraries before
# scripts/deps.sh has installed the packages. A copy of the tree is built
# with a pkg-config that answers nothing and a cc that finds no static
# library until a marker file exists; the copy's scripts/deps.sh creates the
# marker (the install) and then runs the real check. A Makefile that reads
# the flags at parse time links with no libraries and fails.
. "$(dirname "$0")/../lib.sh"

tree=$T_TMP/tree bin=$T_TMP/bin marker=$T_TMP/installed
mkdir -p "$tree" "$bin"
(cd "$TOP" && git ls-files -z --cached --others --exclude-standard |
    xargs -0 cp --parents -t "$tree") ||
    { t_fail "cannot copy the tree (git ls-files)"; t_done; exit 1; }
real_pc=$(command -v pkg-config) real_cc=$(command -v cc)
# Static libraries present on this machine: then the copy must link statically.
static=yes
for l in libjansson.a libsodium.a libcrypt.a libgdbm.a libfcgi.a libzstd.a; do
	case $("$real_cc" -print-file-name=$l) in /*) ;; *) static=no ;; esac
done
cat > "$bin/pkg-config" <<EOF
#!/bin/sh
[ -e "$marker" ] || exit 1
exec "$real_pc" "\$@"
EOF
# gcc prints a library's bare name when it cannot find it.
cat > "$bin/cc" <<EOF
#!/bin/sh
if [ ! -e "$marker" ]; then
	case \$* in -print-file-name=*) echo "\${1#-print-file-name=}"; exit 0 ;; esac
fi
exec "$real_cc" "\$@"
EOF
cat > "$tree/scripts/deps.sh" <<EOF
#!/bin/sh
touch "$marker"
exec "$TOP/scripts/deps.sh" "\$@"
EOF
chmod 755 "$bin/pkg-config" "$bin/cc" "$tree/scripts/deps.sh"

check "pkg-config hidden before the install" [ -z "$(PATH="$bin:$PATH" pkg-config --libs jansson)" ]
# A user's first make: not a sub-make of make test, whose MAKEFLAGS and
# environment (make exports command-line variables) say OMI_DEPS_DONE=1,
# that the dependency step already ran.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u OMI_DEPS_DONE PATH="$bin:$PATH" make -s -C "$tree" \
    >"$T_TMP/make.out" 2>&1
rc=$?
check_eq "first make succeeds (exit status)" "$rc" 0
[ "$rc" = 0 ] || echo "$(grep -m3 -E 'undefined reference|error' "$T_TMP/make.out")" >&2
check "the dependency step ran" [ -e "$marker" ]
for p in webhook authorize token conversations mcp view; do
	check "cgi-bin/$p built" [ -x "$tree/cgi-bin/$p" ]
done
check "omi-admin built" [ -x "$tree/omi-admin" ]
if [ "$static" = yes ] && [ -x "$tree/omi-admin" ]; then
	check_match "linked statically (static libraries found after the install)" \
	    "$(ldd "$tree/omi-admin" 2>&1)" 'not a dynamic executable|statically linked'
fi
check_match "the built admin tool runs" "$("$tree/omi-admin" --help 2>&1)" '^usage: omi-admin'
t_done
