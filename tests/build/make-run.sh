#!/bin/bash
# make run (scripts/run.sh) as a newcomer starts it (issue 17, item 1):
# - a base URL never set explicitly follows the port it serves: a second run
#   on another port prints, and its OpenAPI document names, that port; one
#   set with BASE_URL stays;
# - as root with SERVER=apache, a data directory that www-data cannot reach
#   (a parent of mode 0700) stops it before it starts, with one line that
#   says what to change, instead of a server that answers 503.
. "$(dirname "$0")/../lib.sh"

RUN_PID=
# run_start PORT [VAR=VALUE...]: scripts/run.sh in the background, output in
# $T_TMP/run.out, until its server answers; 1 when it exits first.
run_start() {
	local port=$1
	shift
	env PORT="$port" "$@" "$TOP/scripts/run.sh" >"$T_TMP/run.out" 2>&1 &
	RUN_PID=$!
	T_PIDS="$T_PIDS $RUN_PID"
	wait_port "$port" "$RUN_PID"
}
# run_stop: Ctrl-C's path (run.sh stops its server on SIGTERM too).
run_stop() {
	kill "$RUN_PID" 2>/dev/null
	wait "$RUN_PID" 2>/dev/null
	RUN_PID=
}
# openapi_url PORT: the server URL the OpenAPI document names.
openapi_url() {
	curl -s "http://127.0.0.1:$1/openapi.json" |
	    python3 -c 'import json,sys; print(json.load(sys.stdin)["servers"][0]["url"])'
}

port_closed() { ! curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$1/"; }

mkdir -p "$T_TMP/site"
export OMI_DATA_DIR=$T_TMP/site/data
p1=$(free_port)
check "first run starts (port $p1)" run_start "$p1" SERVER=lighttpd
check_match "first run prints its port" "$(cat "$T_TMP/run.out")" \
    "Authorization URL: http://localhost:$p1/chatgpt/oauth/authorize"
check_eq "OpenAPI names the first port" "$(openapi_url "$p1")" "http://localhost:$p1"
run_stop
p2=$(free_port)
check "second run starts (port $p2)" run_start "$p2" SERVER=lighttpd
check_match "second run prints its own port" "$(cat "$T_TMP/run.out")" \
    "Token URL: http://localhost:$p2/chatgpt/oauth/token"
check_nomatch "second run prints no URL of the first port" "$(cat "$T_TMP/run.out")" ":$p1/"
check_eq "OpenAPI names the second port" "$(openapi_url "$p2")" "http://localhost:$p2"
# The setup page compares its own origin with the OpenAPI document's server.
check_match "the address it prints is the one the OpenAPI document names" \
    "$(head -1 "$T_TMP/run.out")" "^OMI bridge on $(openapi_url "$p2")/ "
run_stop
# An explicit base URL wins over the port, on this run and the next.
BASE_URL=https://omi.example.org "$ADMIN" init >/dev/null
p3=$(free_port)
check "run after an explicit BASE_URL starts" run_start "$p3" SERVER=lighttpd
check_match "explicit base URL stays" "$(cat "$T_TMP/run.out")" \
    'OpenAPI URL: https://omi.example.org/openapi.json'
check_eq "OpenAPI names the explicit base URL" "$(openapi_url "$p3")" https://omi.example.org
run_stop

if [ "$(id -u)" = 0 ]; then
	# mktemp -d makes a 0700 directory, as /root is: www-data cannot enter it.
	chmod 755 "$T_TMP"
	hidden=$(mktemp -d "$T_TMP/hidden.XXXXXX")
	p4=$(free_port)
	env OMI_DATA_DIR="$hidden/data" SERVER=apache PORT="$p4" \
	    timeout 60 "$TOP/scripts/run.sh" >"$T_TMP/run4.out" 2>"$T_TMP/run4.err"
	rc=$?
	check "unreachable data directory: non-zero exit, not the timeout" test "$rc" -ne 0 -a "$rc" -ne 124
	check_eq "unreachable data directory: one line on stderr" "$(wc -l < "$T_TMP/run4.err")" 1
	check_match "the line names the directory and the fix" "$(cat "$T_TMP/run4.err")" \
	    "^make run: Apache serves as www-data, which cannot enter $hidden \\(mode 700, owner root\\).*chmod o\\+x $hidden'"
	check "no server started" port_closed "$p4"
	# Once the parent lets www-data through, the same command serves.
	chmod 711 "$hidden"
	check "reachable data directory: Apache starts" run_start "$p4" \
	    OMI_DATA_DIR="$hidden/data" SERVER=apache
	check_eq "and answers the API (401 without a token, not 503)" \
	    "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p4/api/conversations")" 401
	run_stop
	# Closed again, with the data directory now www-data's (omi-admin, run
	# as root, works as its owner): the same one line.
	chmod 700 "$hidden"
	env OMI_DATA_DIR="$hidden/data" SERVER=apache PORT="$p4" \
	    timeout 60 "$TOP/scripts/run.sh" >"$T_TMP/run5.out" 2>"$T_TMP/run5.err"
	rc=$?
	check "existing data directory: non-zero exit, not the timeout" test "$rc" -ne 0 -a "$rc" -ne 124
	check_eq "existing data directory: the same one line" "$(cat "$T_TMP/run5.err")" \
	    "$(cat "$T_TMP/run4.err")"
	check "no server started" port_closed "$p4"
fi
t_done
