# tests/lib.sh: shared helpers for the shell test scripts (sourced).
#
# Results: t_ok/t_fail count checks; t_done prints "NAME: N passed, N failed"
# and appends the counts to $OMI_RESULTS for tests/run.sh to add up.
# Servers: server_start starts the web server named by $OMI_SERVER
# (lighttpd by default, or lighttpd-fastcgi; apache-cgid, apache-cgi,
# apache-fcgid and apache-dist through scripts/apache-start.sh) on a free port
# of 127.0.0.1 from the project's own configuration, with the CGI programs in
# $OMI_CGIBIN, and sets BASE (with the path /omi under apache-dist, which
# serves the bridge below a path of a host it does not own) and ORIGIN.
# HTTP: http METHOD PATH [curl args] leaves $STATUS, $BODY and $HEADERS.
# Set-up the split end-to-end scripts share: oauth_site (tests/e2e/oauth-*.sh)
# and api_site (tests/e2e/api-*.sh), with their helpers, at the end.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The real-shaped OMI payloads the project keeps (OMI_FIXTURES: another set).
FIXTURES=${OMI_FIXTURES:-$TOP/tests/fixtures}
OMI_CGIBIN=${OMI_CGIBIN:-$TOP/cgi-bin}
OMI_SERVER=${OMI_SERVER:-lighttpd}
ADMIN=${OMI_ADMIN:-$TOP/omi-admin}
T_NAME=$(basename "$0" .sh)
T_PASS=0
T_FAIL=0
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/omi-test.XXXXXX")
T_PIDS=""
# apache-dist: the `make dist` tarball unpacked as a shared host would hold
# it ($T_TMP/public_html, $T_TMP/data, $T_TMP/omi-admin), its own omi-admin.
if [ "$OMI_SERVER" = apache-dist ]; then
	tar -xzf "${OMI_DIST_TARBALL:?set OMI_DIST_TARBALL}" -C "$T_TMP" --strip-components=1
	ADMIN=$T_TMP/omi-admin
fi
# Apache will not run CGI programs as root: as root, the Apache runs serve
# as www-data, so the test's data and its omi-admin calls belong to that user.
# OMI_DROP_ROOT=1 does the same for lighttpd (tests of file permissions need
# a user that permissions apply to).
if [ "$(id -u)" = 0 ] && { [ "${OMI_SERVER#apache}" != "$OMI_SERVER" ] ||
    [ "${OMI_DROP_ROOT:-0}" = 1 ]; }; then
	OMI_APACHE_USER=${OMI_APACHE_USER:-www-data}
	export OMI_APACHE_USER
	chown -R "$OMI_APACHE_USER" "$T_TMP"
	chmod 755 "$T_TMP"
	printf '#!/bin/sh\nexec runuser -u %s -- %s "$@"\n' "$OMI_APACHE_USER" "$ADMIN" > "$T_TMP/omi-admin-as"
	chmod 755 "$T_TMP/omi-admin-as"
	ADMIN=$T_TMP/omi-admin-as
fi

# python3: the interpreter itself. Where python3 on PATH is pyenv's shim,
# each start runs pyenv's shell scripts first (0.6 s of CPU against 0.1 s);
# the interpreter they would run is the same, so it is found once
# (tests/run.sh exports it for every script) and run directly. -S: without
# the site module, which here imports installed packages' hooks at every
# start (half of what is left); the tests' Python uses the standard library
# only, and anything else would fail loudly with an ImportError.
if [ -z "${OMI_PYTHON:-}" ]; then
	OMI_PYTHON=$(command -v python3)
	case $OMI_PYTHON in
	*/shims/python3) OMI_PYTHON=$(pyenv which python3 2>/dev/null) || OMI_PYTHON=python3 ;;
	esac
	export OMI_PYTHON
fi
python3() { command "$OMI_PYTHON" -S "$@"; }

t_ok() { T_PASS=$((T_PASS + 1)); }
t_fail() { T_FAIL=$((T_FAIL + 1)); echo "FAIL [$T_NAME]: $*" >&2; }
# check DESC COMMAND...: passes when the command succeeds.
check() { local d=$1; shift; if "$@"; then t_ok; else t_fail "$d"; fi; }
# check_eq DESC ACTUAL EXPECTED
check_eq() {
	if [ "$2" = "$3" ]; then t_ok; else
		t_fail "$1: got '$(printf %.300s "$2")', want '$(printf %.300s "$3")'"
	fi
}
# check_match DESC TEXT REGEX (grep -E)
check_match() {
	if printf '%s' "$2" | grep -Eq -- "$3"; then t_ok; else
		t_fail "$1: '$(printf %.300s "$2")' does not match /$3/"
	fi
}
check_nomatch() {
	if printf '%s' "$2" | grep -Eq -- "$3"; then
		t_fail "$1: '$(printf %.300s "$2")' matches /$3/"
	else t_ok; fi
}

t_cleanup() {
	local p
	if [ -f "$T_TMP/apache/httpd.pid" ]; then
		p=$(cat "$T_TMP/apache/httpd.pid")
		kill "$p" 2>/dev/null
		while kill -0 "$p" 2>/dev/null; do sleep 0.05; done
	fi
	for p in $T_PIDS; do kill "$p" 2>/dev/null || true; done
	for p in $T_PIDS; do wait "$p" 2>/dev/null || true; done
	[ -n "${OMI_KEEP_TMP:-}" ] || rm -rf "$T_TMP"
}
trap t_cleanup EXIT

t_done() {
	echo "$T_NAME [$OMI_SERVER]: $T_PASS passed, $T_FAIL failed"
	if [ -n "${OMI_RESULTS:-}" ]; then
		echo "$T_PASS $T_FAIL" >> "$OMI_RESULTS"
	fi
	[ "$T_FAIL" -eq 0 ]
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# as_user CMD...: runs a command as the user the server runs CGI programs as.
as_user() {
	if [ -n "${OMI_APACHE_USER:-}" ]; then
		runuser -u "$OMI_APACHE_USER" -- "$@"
	else
		"$@"
	fi
}

# site_init DIR: a fresh data directory with a configuration. Its
# password_cost is SITE_PASSWORD_COST, by default 1, yescrypt's lowest (4 ms
# a hash where the library's default takes 80: every user add and sign-in
# of the suite pays it); SITE_PASSWORD_COST= (empty) leaves the library's
# default, for the test that proves it is the default.
site_init() {
	export OMI_DATA_DIR=$1
	BASE_URL=${SITE_BASE_URL:-http://127.0.0.1:0} "$ADMIN" init >/dev/null || return 1
	[ -z "${SITE_PASSWORD_COST-1}" ] || config_set password_cost "${SITE_PASSWORD_COST:-1}"
}

# user_add UID PASSWORD: creates an account, sets WEBHOOK_KEY.
user_add() {
	local out
	out=$(printf '%s\n' "$2" | "$ADMIN" user add "$1" --password-stdin) || return 1
	WEBHOOK_KEY=$(printf '%s\n' "$out" | sed -n 's/^Webhook URL: .*key=//p')
}

# config_set KEY JSONVALUE: edits config.json of $OMI_DATA_DIR. jq, not a
# Python start (see jget); the file is rewritten in place, keeping its owner
# and mode.
config_set() {
	local p=$OMI_DATA_DIR/config.json
	jq --arg k "$1" --argjson v "$2" '.[$k] = $v' "$p" > "$T_TMP/config.new" &&
	    cat "$T_TMP/config.new" > "$p"
}

# wait_port PORT [PID]: until the server on PORT answers. A slow or busy
# machine can take seconds to start one (Apache above all), so the deadline
# is 30 s; a server process PID that has exited ends the wait at once.
wait_port() {
	local end=$((SECONDS + 30))
	while :; do
		curl -s -o /dev/null --max-time 10 "http://127.0.0.1:$1/" && return 0
		[ -n "${2:-}" ] && ! kill -0 "$2" 2>/dev/null && return 1
		[ $SECONDS -lt $end ] || return 1
		sleep 0.05
	done
}

# server_start: starts $OMI_SERVER for $OMI_DATA_DIR; sets PORT, BASE, ORIGIN,
# SERVER_LOG.
server_start() {
	local server_pid=
	PORT=$(free_port)
	SERVER_LOG=$T_TMP/server-error.log
	: > "$SERVER_LOG"
	[ -n "${OMI_APACHE_USER:-}" ] && chown "$OMI_APACHE_USER" "$SERVER_LOG"
	case $OMI_SERVER in
	lighttpd|lighttpd-fastcgi)
		[ -n "${OMI_APACHE_USER:-}" ] && export OMI_SERVER_USER=$OMI_APACHE_USER
		# Per start, not exported: a script that starts lighttpd-fastcgi
		# and then lighttpd (bench-api.sh) got FastCGI both times.
		OMI_FASTCGI=$([ "$OMI_SERVER" = lighttpd-fastcgi ] && echo 1 || echo 0) \
		    "$TOP/scripts/lighttpd-conf.sh" "$T_TMP/lighttpd.conf" "$TOP" \
		    "$OMI_CGIBIN" "$OMI_DATA_DIR" "$PORT" "$SERVER_LOG" \
		    "$T_TMP/lighttpd.pid"
		# More configuration after the project's (the benchmark's
		# FastCGI yardsticks).
		if [ -n "${OMI_LIGHTTPD_EXTRA:-}" ]; then
			cat "$OMI_LIGHTTPD_EXTRA" >> "$T_TMP/lighttpd.conf"
		fi
		lighttpd -D -f "$T_TMP/lighttpd.conf" 2>>"$SERVER_LOG" &
		T_PIDS="$T_PIDS $!"
		server_pid=$!
		;;
	*)
		if [ -x "$TOP/scripts/apache-start.sh" ]; then
			"$TOP/scripts/apache-start.sh" "$OMI_SERVER" "$T_TMP/apache" \
			    "$OMI_CGIBIN" "$OMI_DATA_DIR" "$PORT" "$SERVER_LOG" &
			T_PIDS="$T_PIDS $!"
		else
			echo "unknown server $OMI_SERVER" >&2
			return 1
		fi
		;;
	esac
	wait_port "$PORT" $server_pid || { echo "server $OMI_SERVER did not start" >&2; cat "$SERVER_LOG" >&2; return 1; }
	ORIGIN=http://127.0.0.1:$PORT
	BASE=$ORIGIN
	[ "$OMI_SERVER" = apache-dist ] && BASE=$ORIGIN/omi
	return 0
}

# http METHOD PATH [curl args...]: sets STATUS, BODY, HEADERS (lowercased names).
# CURL_FROM=127.0.0.N sends the request from that loopback address.
http() {
	local m=$1 p=$2
	shift 2
	STATUS=$(curl -s -X "$m" -D "$T_TMP/h" -o "$T_TMP/b" -w '%{http_code}' \
	    ${CURL_FROM:+--interface "$CURL_FROM"} "$@" "$BASE$p") || STATUS=000
	BODY=$(cat "$T_TMP/b")
	HEADERS=$(tr -d '\r' < "$T_TMP/h" | sed 's/^\([^:]*\):/\L\1:/')
}

# header NAME: the value of a response header from the last http call.
header() {
	printf '%s\n' "$HEADERS" | sed -n "s/^$1: //p" | head -1
}

# jget JSONPATH: reads a value from $BODY (python syntax after the root, e.g.
# '["id"]'): a string as it is, anything else as Python's json.dumps writes
# it. A start of Python costs far more than one of jq (under pyenv, a shell
# script and its children first), and the suite reads thousands of values,
# so a plain path of keys and indexes is read by jq, in Python's format
# (JGET_PY below); jq fails, and Python answers, wherever the two could
# differ: anything but one well-formed JSON text, a missing key or index (an
# empty answer), a number jq would print otherwise (2.0, 1e5, NaN, more than
# 15 digits), lone surrogates and raw control characters.
jget() {
	local path plain='^(\["[^]["\\]*"\]|\[-?[0-9]+\])+$'
	local odd='[0-9][.][0-9]*[eE]|[0-9][eE][-+]?[0-9]|[0-9][.]0+([^0-9]|$)|[0-9]{16,}|NaN|Infinity|\\u[dD][89a-fA-F]'
	if [[ $1 =~ $plain ]] && ! [[ $BODY =~ $odd ]] &&
	    ! [[ $BODY == *[$'\x01'-$'\x08'$'\x0b'$'\x0c'$'\x0e'-$'\x1f']* ]]; then
		path=${1//\]\[/,}
		printf '%s' "$BODY" | jq -nrj --argjson p "$path" "$JGET_PY" 2>/dev/null &&
		    return 0
	fi
	printf '%s' "$BODY" | python3 -c "import json,sys
d=json.load(sys.stdin)
v=d$1
print(v if isinstance(v,str) else json.dumps(v))" 2>/dev/null
}
# jq: the value at path $p of the one JSON text of the input, as jget's
# Python prints it (json.dumps: ", " and ": ", ASCII only), or an error.
JGET_PY='
def hex4: [(. / 4096 | floor) % 16, (. / 256 | floor) % 16, (. / 16 | floor) % 16, . % 16]
    | map("0123456789abcdef"[.:. + 1]) | add;
def u: "\\u" + hex4;
def pystr: "\"" + ([explode[] | if . == 34 then "\\\"" elif . == 92 then "\\\\"
    elif . == 10 then "\\n" elif . == 13 then "\\r" elif . == 9 then "\\t"
    elif . == 8 then "\\b" elif . == 12 then "\\f"
    elif . > 65535 then (. - 65536) as $v | (55296 + ($v / 1024 | floor) | u) + (56320 + $v % 1024 | u)
    elif . < 32 or . > 126 then u else [.] | implode end] | join("")) + "\"";
def py: if type == "object" then "{" + ([to_entries[] | (.key | pystr) + ": " + (.value | py)] | join(", ")) + "}"
    elif type == "array" then "[" + (map(py) | join(", ")) + "]"
    elif type == "string" then pystr else tojson end;
[inputs] | if length != 1 then error("not one text") else .[0] end
| reduce $p[] as $k (.; if ($k | type) == "string" then
    (if type == "object" and has($k) then .[$k] else error("no key") end)
    elif type == "array" and $k < length and $k >= -length then .[$k]
    else error("no index") end)
| if type == "string" then . else py end, "\n"'


# webhook_post UID KEY FILE: posts FILE to the webhook.
webhook_post() {
	http POST "/chatgpt/webhook/memory?uid=$1&key=$2" \
	    -H 'Content-Type: application/json' --data-binary "@$3"
}

# The OAuth flow as ChatGPT walks it. OAUTH_REDIRECT is the callback the
# requests use (a registered ChatGPT form).
OAUTH_REDIRECT=${OAUTH_REDIRECT:-https://chatgpt.com/aip/g-TestGpt_01/oauth/callback}

# urlenc STRING: STRING percent-encoded as a query component: each byte but
# the unreserved A-Z a-z 0-9 _ . ~ - as %XX, as Python's
# urllib.parse.quote(s, safe="") does (in bash: no process at all).
urlenc() {
	local LC_ALL=C s=$1 out= c i
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case $c in
		[A-Za-z0-9_.~-]) out+=$c ;;
		*) printf -v c '%%%02X' "'$c"; out+=$c ;;
		esac
	done
	printf '%s\n' "$out"
}

# oauth_client: sets CLIENT_ID and CLIENT_SECRET from the site's configuration.
oauth_client() {
	local c=$OMI_DATA_DIR/config.json
	CLIENT_ID=$(jq -r '.client_id' "$c") && CLIENT_SECRET=$(jq -r '.client_secret' "$c")
}

# oauth_authorize [EXTRA_QUERY]: opens the consent page in a fresh cookie jar
# (JAR) with state STATE; sets HANDLE from the form (empty when none).
oauth_authorize() {
	# A fresh browser, or OAUTH_JAR's (one that signed in before).
	JAR=${OAUTH_JAR:-$(mktemp "$T_TMP/jar.XXXXXX")}
	STATE=${STATE:-st-$RANDOM}
	http GET "/chatgpt/oauth/authorize?response_type=code&client_id=$(urlenc "$CLIENT_ID")&redirect_uri=$(urlenc "$OAUTH_REDIRECT")&scope=read%3Amemories&state=$(urlenc "$STATE")${1:-}" \
	    -c "$JAR" -b "$JAR"
	page_handle
}

# page_handle: HANDLE from the consent page in BODY (a page shown again
# after a failed sign-in has a fresh one).
page_handle() {
	HANDLE=$(printf '%s' "$BODY" | sed -n 's/.*name="handle" value="\([^"]*\)".*/\1/p' | head -1)
}

# oauth_consent UID PASSWORD [DECISION]: submits the consent form with the
# jar's cookie; sets LOCATION and CODE (empty unless the answer is a code).
oauth_consent() {
	http POST /chatgpt/oauth/authorize -b "$JAR" -c "$JAR" \
	    --data-urlencode "handle=$HANDLE" --data-urlencode "uid=$1" \
	    --data-urlencode "password=$2" --data-urlencode "decision=${3:-allow}"
	LOCATION=$(header location)
	CODE=$(printf '%s' "$LOCATION" | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')
}

# oauth_login UID PASSWORD: walks the OAuth flow as ChatGPT does (authorize
# page, consent POST, code, token exchange with HTTP Basic) and sets
# ACCESS_TOKEN and REFRESH_TOKEN (and STATUS/BODY/HEADERS of the last call).
oauth_login() {
	ACCESS_TOKEN= REFRESH_TOKEN=
	oauth_client || return 1
	STATE= oauth_authorize
	[ -n "$HANDLE" ] || { echo "oauth_login: no consent form (status $STATUS)" >&2; return 1; }
	oauth_consent "$1" "$2" allow
	[ -n "$CODE" ] || { echo "oauth_login: no code (status $STATUS)" >&2; return 1; }
	http POST /chatgpt/oauth/token -u "$CLIENT_ID:$CLIENT_SECRET" \
	    --data-urlencode grant_type=authorization_code \
	    --data-urlencode "code=$CODE" --data-urlencode "redirect_uri=$OAUTH_REDIRECT"
	ACCESS_TOKEN=$(jget '["access_token"]')
	REFRESH_TOKEN=$(jget '["refresh_token"]')
	[ "$STATUS" = 200 ] && [ -n "$ACCESS_TOKEN" ] && [ -n "$REFRESH_TOKEN" ] ||
	    { echo "oauth_login: token exchange failed ($STATUS $BODY)" >&2; return 1; }
}

# --- The OAuth scripts (tests/e2e/oauth-*.sh) ---------------------------

# oauth_site: what every OAuth script starts from: a site with the users
# alice (password PW) and bob, its server started, base_url set to BASE,
# CLIENT_ID and CLIENT_SECRET, REDIR_Q (OAUTH_REDIRECT encoded) and
# HANDLE_RE. A server that does not start ends the script as a failure.
oauth_site() {
	PW='correct horse battery'
	site_init "$T_TMP/data"
	user_add alice "$PW" || t_fail "user add alice"
	user_add bob "bob's password" || t_fail "user add bob"
	server_start || { t_fail "server start"; t_done; exit 1; }
	config_set base_url "\"$BASE\""
	oauth_client
	REDIR_Q=$(urlenc "$OAUTH_REDIRECT")
	# A consent form's handle: id, the sealed request, its keyed hash.
	HANDLE_RE='^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]+\.[0-9a-f]{64}$'
}

# oauth_err DESC STATUS ERROR: the last answer is that RFC 6749 5.2 error.
oauth_err() {
	check_eq "$1: status" "$STATUS" "$2"
	check_eq "$1: error" "$(jget '["error"]')" "$3"
	check_match "$1: JSON" "$(header content-type)" '^application/json'
	check_eq "$1: no-store" "$(header cache-control)" "no-store"
	# RFC 6749 5.2: error_description is %x20-21 / %x23-5B / %x5D-7E.
	if printf '%s' "$(jget '["error_description"]')" | LC_ALL=C grep -q '[^ -~]\|["\\]'; then
		t_fail "$1: error_description has characters RFC 6749 forbids"
	else t_ok; fi
}

# lock_out UID: five wrong passwords for UID from the current browser.
lock_out() {
	local i
	for i in 1 2 3 4 5; do
		oauth_consent "$1" "guess $i" allow
		page_handle
	done
}

# token ARGS...: a token request with client_secret_basic.
token() {
	http POST /chatgpt/oauth/token -u "$CLIENT_ID:$CLIENT_SECRET" "$@"
}

# code_for UID PASSWORD [EXTRA_QUERY]: a fresh code in CODE.
code_for() {
	STATE= oauth_authorize "${3:-}"
	oauth_consent "$1" "$2" allow
}

# redeem CODE [curl args...]: exchanges CODE at the token endpoint.
redeem() {
	token --data-urlencode grant_type=authorization_code \
	    --data-urlencode "code=$1" --data-urlencode "redirect_uri=$OAUTH_REDIRECT" "${@:2}"
}

# no_redirect DESC QUERY: the authorize request is refused with a page.
no_redirect() {
	http GET "/chatgpt/oauth/authorize?$2"
	check_eq "$1: 400" "$STATUS" 400
	check_eq "$1: no Location" "$(header location)" ""
	check_match "$1: HTML" "$(header content-type)" '^text/html'
	check_eq "$1: not framable" "$(header x-frame-options)" DENY
}

# redirect_err DESC QUERY ERROR: the authorize request is refused by a
# redirect to the client with error=ERROR and the state.
redirect_err() {
	http GET "/chatgpt/oauth/authorize?client_id=$CLIENT_ID&redirect_uri=$REDIR_Q&$2"
	check_eq "$1: 302" "$STATUS" 302
	check_match "$1: Location" "$(header location)" "^$OAUTH_REDIRECT\\?error=$3(&|$)"
}

# --- The API scripts (tests/e2e/api-*.sh) -------------------------------

# api_site: what every API script starts from: users alice, bob and carol
# (webhook keys KEY_A, KEY_B, KEY_C), the shared fixtures posted for alice
# (ID_CUR, ID_LEG, ID_EDGE), one conversation of bob's (bob-1, text
# "pelican secret"), the server started, and each user signed in through
# the OAuth flow (TOKEN_A, TOKEN_B, TOKEN_C).
api_site() {
	local f
	site_init "$T_TMP/data"
	user_add alice 'correct horse' || t_fail "user add alice"
	KEY_A=$WEBHOOK_KEY
	user_add bob 'battery staple' || t_fail "user add bob"
	KEY_B=$WEBHOOK_KEY
	user_add carol 'tr0ub4dor' || t_fail "user add carol"
	KEY_C=$WEBHOOK_KEY
	server_start || { t_fail "server start"; t_done; exit 1; }
	for f in omi-current omi-legacy omi-edge-cases; do
		webhook_post alice "$KEY_A" "$FIXTURES/$f.json"
		check_eq "post $f" "$STATUS" 200
	done
	ID_CUR=6f1c2a9e-3b7d-4c1e-9a52-0d8e4b7f2c11
	ID_LEG=b51e0c7a-22f4-4d0b-a6c3-91f2e8d7c6b5
	ID_EDGE=e3d2c1b0-a9f8-4e7d-8c6b-5a4f3e2d1c0b
	printf '{"id":"bob-1","created_at":"2025-01-01T00:00:00Z","transcript_segments":[{"text":"pelican secret"}]}' > "$T_TMP/bob.json"
	webhook_post bob "$KEY_B" "$T_TMP/bob.json"
	check_eq "post bob-1" "$STATUS" 200
	oauth_login alice 'correct horse' || t_fail "oauth_login alice"
	TOKEN_A=$ACCESS_TOKEN
	oauth_login bob 'battery staple' || t_fail "oauth_login bob"
	TOKEN_B=$ACCESS_TOKEN
	oauth_login carol 'tr0ub4dor' || t_fail "oauth_login carol"
	TOKEN_C=$ACCESS_TOKEN
}

# api_site_done: the checks every API script ends with (the store is
# sound; no transcript text or token in the server log), then t_done.
api_site_done() {
	check "omi-admin check" "$ADMIN" check
	check_nomatch "no transcript text in the server log" "$(cat "$SERVER_LOG")" 'eighteen thousand|Guten Morgen'
	check_nomatch "no token in the server log" "$(cat "$SERVER_LOG")" "$TOKEN_A"
	t_done
}

# api TOKEN PATH [curl args]: an authorised GET.
api() { local t=$1 p=$2; shift 2; http GET "$p" -H "Authorization: Bearer $t" "$@"; }
# py EXPR: evaluates a Python expression over the last body (as d).
py() { printf '%s' "$BODY" | python3 -c "import json,sys
d=json.load(sys.stdin)
print($1)" 2>&1; }
# save NAME: keeps the last body as $T_TMP/resp-NAME.json.
save() { printf '%s' "$BODY" > "$T_TMP/resp-$1.json"; }

# long_post: posts alice's conversation long-1, 5,000 segments, and writes
# the transcript it must read as to $T_TMP/long.txt.
long_post() {
	python3 - "$T_TMP/long.json" "$T_TMP/long.txt" <<'PY'
import json, sys
segs, blocks = [], []
for i in range(5000):
    text = "Part %d: \"quoted\" and \u00e4\u00f6\u00fc \U0001F600 and more words to make it longer" % i
    start, end = i * 3 + 0.7, i * 3 + 2.9
    speaker = i % 15
    segs.append({"text": "  " + text + " ", "speaker": "SPEAKER_%02d" % speaker,
                 "is_user": speaker == 3, "start": start, "end": end})
    label = "User" if speaker == 3 else "Speaker %d" % speaker
    s, e = int(start), int(end)
    blocks.append("[%d:%02d:%02d - %d:%02d:%02d] %s: %s" % (
        s // 3600, s // 60 % 60, s % 60, e // 3600, e // 60 % 60, e % 60, label, text))
json.dump({"id": "long-1", "created_at": "2025-09-01T00:00:00Z", "transcript_segments": segs},
          open(sys.argv[1], "w"))
open(sys.argv[2], "w", encoding="utf-8").write("\n\n".join(blocks))
PY
	webhook_post alice "$KEY_A" "$T_TMP/long.json"
	check_eq "post long transcript" "$STATUS" 200
}
