#!/bin/bash
# omi-admin run as root on a data directory that belongs to the web server's
# user (issue 17, item 1): it works as that user, so it leaves no root-owned
# file behind that the CGI programs (as www-data) could no longer write.
. "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" != 0 ]; then
	echo "admin-root: runs as root only (CI runs as root); nothing to check as $(id -un)"
	t_done
	exit
fi
u=www-data
chmod 755 "$T_TMP"
export OMI_DATA_DIR=$T_TMP/data
mkdir "$OMI_DATA_DIR"
chown "$u" "$OMI_DATA_DIR"
BASE_URL=http://127.0.0.1:0 runuser -u "$u" -- "$ADMIN" init >/dev/null
check_eq "site initialised as $u" "$(stat -c %U "$OMI_DATA_DIR/config.json")" "$u"

# As root: the commands that write (a new account, a new key, the config).
out=$(printf 'root pass\n' | "$ADMIN" user add alice --password-stdin 2>&1)
check_match "root user add succeeds" "$out" '^Webhook URL: '
out=$("$ADMIN" user rotate-key alice 2>&1)
check_match "root rotate-key succeeds" "$out" 'Webhook URL: '
KEY=$(printf '%s\n' "$out" | sed -n 's/.*Webhook URL: .*key=//p')
check_match "root init with a new base URL succeeds" \
    "$(BASE_URL=https://omi.example.org "$ADMIN" init 2>&1)" '^Already initialised'
check_eq "no file left that $u does not own" \
    "$(find "$OMI_DATA_DIR" ! -user "$u" -printf '%p %u\n')" ""

# The CGI, as the web server's user, still reads the config and writes.
out=$(env -i PATH="$PATH" OMI_DATA_DIR="$OMI_DATA_DIR" REQUEST_METHOD=POST \
    QUERY_STRING="uid=alice&key=$KEY" CONTENT_TYPE=application/json \
    CONTENT_LENGTH="$(stat -c %s "$FIXTURES/omi-current.json")" \
    runuser -u "$u" -- "$OMI_CGIBIN/webhook" < "$FIXTURES/omi-current.json" 2>"$T_TMP/cgi.err")
check_match "webhook as $u after root's commands: 200" "$out" '^Status: 200'
check_match "the conversation is stored" \
    "$(runuser -u "$u" -- "$ADMIN" conversations alice 2>&1)" '6f1c2a9e-3b7d-4c1e-9a52-0d8e4b7f2c11'
check_eq "still no file that $u does not own" \
    "$(find "$OMI_DATA_DIR" ! -user "$u" -printf '%p %u\n')" ""

# Under a parent that www-data cannot enter (mode 0700, as /root is): one
# line that says so, and nothing done.
mkdir -m 700 "$T_TMP/closed"
mkdir "$T_TMP/closed/data"
chown "$u" "$T_TMP/closed/data"
out=$(OMI_DATA_DIR=$T_TMP/closed/data BASE_URL=http://127.0.0.1:0 "$ADMIN" init 2>&1)
check_eq "closed parent: refused" "$?" 1
check_eq "closed parent: one line that says what to change" "$out" \
    "omi-admin: $T_TMP/closed/data belongs to $u, who cannot reach it: let that user enter every parent directory (chmod o+x)"
check_eq "closed parent: nothing written" "$(ls -A "$T_TMP/closed/data")" ""
t_done
