#!/bin/bash
# The programs are self-contained: statically linked (no dynamic section for
# ldd to resolve), both in the default build and in the `make dist` tarball,
# so they run on a host that has none of the libraries installed.
. "$(dirname "$0")/../lib.sh"

is_static() {
	local out
	out=$(ldd "$1" 2>&1)
	case $out in
	*"not a dynamic executable"*|*"statically linked"*) return 0 ;;
	*) echo "$1: $out" >&2; return 1 ;;
	esac
}
if make -s -C "$TOP" -p -n 2>/dev/null | grep -q '^HAVE_STATIC := yes'; then
	for p in webhook authorize token conversations mcp view; do
		check "cgi-bin/$p is static" is_static "$TOP/cgi-bin/$p"
	done
	check "omi-admin is static" is_static "$TOP/omi-admin"
fi
if [ -n "${OMI_DIST_TARBALL:-}" ]; then
	tar -xzf "$OMI_DIST_TARBALL" -C "$T_TMP" --strip-components=1
	for p in webhook authorize token conversations mcp view; do
		check "dist $p is static" is_static "$T_TMP/public_html/cgi-bin/$p"
		check "dist $p mode 755" [ "$(stat -c %a "$T_TMP/public_html/cgi-bin/$p")" = 755 ]
	done
	check "dist omi-admin is static" is_static "$T_TMP/omi-admin"
	check "dist data/ mode 700" [ "$(stat -c %a "$T_TMP/data")" = 700 ]
	check "dist has INSTALL" [ -s "$T_TMP/INSTALL" ]
	check "dist has public .htaccess" [ -s "$T_TMP/public_html/.htaccess" ]
	check "nothing group/world writable" [ -z "$(find "$T_TMP/public_html" "$T_TMP/data" -perm /022)" ]
	# A data directory never ships with data in it.
	check "dist data/ is empty" [ "$(ls -A "$T_TMP/data")" = .htaccess ]
fi
t_done
