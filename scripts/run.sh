#!/bin/sh
# make run: initialise the site when needed and serve it with lighttpd in
# the foreground on 127.0.0.1:${PORT:-8000}. Ctrl-C stops it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/deps.sh" --run
PORT=${PORT:-8000}
export PORT
OMI_DATA_DIR=${OMI_DATA_DIR:-$top/data}
export OMI_DATA_DIR
"$top/omi-admin" init >/dev/null
conf=$(mktemp -d "${TMPDIR:-/tmp}/omi-run.XXXXXX")
trap 'rm -rf "$conf"' EXIT INT TERM
"$top/scripts/lighttpd-conf.sh" "$conf/lighttpd.conf" "$top" "$top/cgi-bin" \
    "$OMI_DATA_DIR" "$PORT" /dev/stderr "$conf/lighttpd.pid"
echo "OMI bridge on http://127.0.0.1:$PORT/ (data: $OMI_DATA_DIR)"
echo
"$top/omi-admin" config
echo
echo "Create an account (prints the user's webhook URL):"
echo "  OMI_DATA_DIR=$OMI_DATA_DIR $top/omi-admin user add <OMI user id>"
echo
echo "Press Ctrl-C to stop."
lighttpd -D -f "$conf/lighttpd.conf" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$conf"; exit 0' INT TERM
wait $pid
