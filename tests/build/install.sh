#!/bin/bash
# make install: every piece lands where PREFIX, DESTDIR, CGIBIN, HTDOCS and
# DATADIR say, and the installed programs use DATADIR as their default.
. "$(dirname "$0")/../lib.sh"

stage=$T_TMP/stage
make -s -C "$TOP" install DESTDIR="$stage" PREFIX=/opt/omi CGIBIN=/opt/omi/cgi \
    HTDOCS=/srv/omi/htdocs DATADIR=/var/lib/omi-test >/dev/null 2>"$T_TMP/make.err" ||
    { t_fail "make install failed: $(tail -3 "$T_TMP/make.err")"; t_done; exit 1; }
for p in webhook authorize token conversations mcp view; do
	check "installed $p" [ -x "$stage/opt/omi/cgi/$p" ]
done
check "installed omi-admin" [ -x "$stage/opt/omi/bin/omi-admin" ]
check "installed omi-admin(8)" [ "$(stat -c %a "$stage/opt/omi/share/man/man8/omi-admin.8" 2>/dev/null)" = 644 ]
check "installed htdocs" [ -f "$stage/srv/omi/htdocs/index.html" ]
check "installed apache.conf" [ -f "$stage/opt/omi/share/omi-bridge/apache.conf" ]
check "installed lighttpd.conf" [ -f "$stage/opt/omi/share/omi-bridge/lighttpd.conf" ]
check "data directory created private" [ "$(stat -c %a "$stage/var/lib/omi-test")" = 700 ]
check_match "omi-admin's default data directory is DATADIR" \
    "$(env -u OMI_DATA_DIR "$stage/opt/omi/bin/omi-admin" --help)" 'default /var/lib/omi-test'
# A CGI program without OMI_DATA_DIR looks in DATADIR (and says so in its log).
env -i REQUEST_METHOD=GET "$stage/opt/omi/cgi/webhook" >/dev/null 2>"$T_TMP/cgi.err"
check_match "installed CGI uses DATADIR" "$(cat "$T_TMP/cgi.err")" '/var/lib/omi-test'
t_done
