#!/bin/bash
# CGI-level tests of the conversations program: the binary run directly with
# a CGI environment (no web server, no token): routing, the OpenAPI document,
# methods, and the answers before a token is accepted. The token-holding
# cases run end to end in tests/e2e/api-*.sh after a real OAuth flow.
. "$(dirname "$0")/../lib.sh"

SITE_BASE_URL=https://omi.example.org site_init "$T_TMP/data"

# cgi METHOD PATH_INFO QUERY [extra env...]: sets STATUS, BODY, OUT.
cgi() {
	local m=$1 p=$2 q=$3
	shift 3
	OUT=$(env -i PATH="$PATH" OMI_DATA_DIR="$OMI_DATA_DIR" REQUEST_METHOD="$m" \
	    PATH_INFO="$p" QUERY_STRING="$q" "$@" "$OMI_CGIBIN/conversations" \
	    < /dev/null 2>"$T_TMP/stderr")
	RC=$?
	STATUS=$(printf '%s\n' "$OUT" | sed -n '1s/^Status: \([0-9]*\).*/\1/p')
	BODY=$(printf '%s\n' "$OUT" | sed '1,/^\r\{0,1\}$/d')
}
hdr() { printf '%s\n' "$OUT" | tr -d '\r' | sed -n "s/^$1: //Ip" | head -1; }

cgi GET /:openapi.json ""
check_eq "openapi status" "$STATUS" 200
check_eq "openapi exit status" "$RC" 0
check_eq "openapi content type" "$(hdr Content-Type)" application/json
check_eq "openapi no-store" "$(hdr Cache-Control)" no-store
check_eq "openapi server url" "$(jget '["servers"][0]["url"]')" https://omi.example.org
check_eq "openapi authorize url" \
    "$(jget '["components"]["securitySchemes"]["oauth2"]["flows"]["authorizationCode"]["authorizationUrl"]')" \
    https://omi.example.org/chatgpt/oauth/authorize
check_eq "openapi token url" \
    "$(jget '["components"]["securitySchemes"]["oauth2"]["flows"]["authorizationCode"]["tokenUrl"]')" \
    https://omi.example.org/chatgpt/oauth/token
check_eq "omi-admin openapi prints the same document" \
    "$(printf '%s' "$BODY" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))')" \
    "$("$ADMIN" openapi | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))')"

# HEAD: the same status and headers as GET, and no body (RFC 3875 4.3.2).
len=$(hdr Content-Length)
cgi HEAD /:openapi.json ""
check_eq "HEAD status" "$STATUS" 200
check_eq "HEAD Content-Length is GET's" "$(hdr Content-Length)" "$len"
check_eq "HEAD: no body" "$BODY" ""

# Without a token: 401 with a Bearer challenge, no error code (RFC 6750 3.1).
for p in "" / /6f1c2a9e-3b7d-4c1e-9a52-0d8e4b7f2c11; do
	cgi GET "$p" "limit=5"
	check_eq "no token on '$p'" "$STATUS" 401
	check_eq "challenge on '$p'" "$(hdr WWW-Authenticate)" 'Bearer realm="omi"'
	check_eq "no-store on '$p'" "$(hdr Cache-Control)" no-store
	check_match "JSON error on '$p'" "$BODY" '"error":"[a-z_]+","message":"'
done
# A token that is not one: 401 invalid_token.
cgi GET "" "" HTTP_AUTHORIZATION="Bearer not-a-token"
check_eq "unknown token" "$STATUS" 401
check_match "unknown token challenge" "$(hdr WWW-Authenticate)" '^Bearer realm="omi", error="invalid_token"'
# Another scheme carries no bearer token: a bare challenge (RFC 6750 3.1).
cgi GET "" "" HTTP_AUTHORIZATION="Basic YTpi"
check_eq "Basic instead of Bearer" "$STATUS" 401
check_eq "Basic: bare challenge" "$(hdr WWW-Authenticate)" 'Bearer realm="omi"'
# A malformed Bearer header is a bad request: 400 invalid_request.
for h in "Bearer" "Bearer a b" "Bearer abc, Bearer abc"; do
	cgi GET "" "" HTTP_AUTHORIZATION="$h"
	check_eq "malformed '$h': 400" "$STATUS" 400
	check_match "malformed '$h': challenge" "$(hdr WWW-Authenticate)" '^Bearer realm="omi", error="invalid_request"'
	check_eq "malformed '$h': JSON error" "$(jget '["error"]')" invalid_request
done

# Methods: 405 with Allow, before anything else.
for m in POST PUT DELETE PATCH OPTIONS; do
	cgi "$m" "" ""
	check_eq "$m list" "$STATUS" 405
	check_eq "$m list Allow" "$(hdr Allow)" "GET, HEAD"
	cgi "$m" /abc ""
	check_eq "$m detail" "$STATUS" 405
	cgi "$m" /:openapi.json ""
	check_eq "$m openapi" "$STATUS" 405
done
cgi HEAD /:openapi.json ""
check_eq "HEAD openapi" "$STATUS" 200

# Paths that are no resource.
for p in /a/b //x /:other "/:openapi.json/x"; do
	cgi GET "$p" ""
	check_eq "path '$p'" "$STATUS" 404
done

# The data lock held elsewhere for longer than lock_timeout_ms: 503 with
# Retry-After in JSON. A timeout of 0 means the default (5 s), not forever.
tok=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
# The holder becomes the sleep itself, so killing it releases the lock. It
# is killed below; the long sleep only makes sure it outlasts both runs,
# however slow the machine (under valgrind the two take 7 s or more).
( exec 9>>"$OMI_DATA_DIR/omi.lock"; flock -x 9; exec sleep 120 ) >/dev/null 2>&1 &
holder=$!
# Until the holder has the lock (a slow machine may take longer than any
# fixed pause to start it), a probe gets it at once.
lock_held() { ! flock -n -x "$OMI_DATA_DIR/omi.lock" true; }
for i in $(seq 1 200); do lock_held && break; sleep 0.05; done
check "the holder has the lock" lock_held
config_set lock_timeout_ms 300
cgi GET "" "" HTTP_AUTHORIZATION="Bearer $tok"
check_eq "lock busy: 503" "$STATUS" 503
check_match "lock busy: Retry-After" "$(hdr Retry-After)" '^[0-9]+$'
check_eq "lock busy: JSON error" "$(jget '["error"]')" storage_unavailable
config_set lock_timeout_ms 0
start=$SECONDS
OUT=$(timeout 20 env -i PATH="$PATH" OMI_DATA_DIR="$OMI_DATA_DIR" REQUEST_METHOD=GET \
    HTTP_AUTHORIZATION="Bearer $tok" "$OMI_CGIBIN/conversations" < /dev/null 2>/dev/null)
check_match "lock_timeout_ms 0: a 503, not a wait without end" \
    "$(printf '%s' "$OUT" | head -1)" '^Status: 503'
check "lock_timeout_ms 0: after the default 5 s" test $((SECONDS - start)) -lt 15
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
config_set lock_timeout_ms 5000

# A site that is not configured answers 503 in JSON, never a bare 500.
OUT=$(env -i PATH="$PATH" OMI_DATA_DIR="$T_TMP/nowhere" REQUEST_METHOD=GET \
    "$OMI_CGIBIN/conversations" < /dev/null 2>/dev/null)
check_match "unconfigured" "$(printf '%s' "$OUT" | head -1)" '^Status: 503'

t_done
