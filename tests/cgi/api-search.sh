#!/bin/bash
# CGI-level tests of the conversations program's search modes, with a token
# from a sign-in made program by program (authorize, token, as in mcp.sh):
# speaker=user finds only the wearer's own words (segments marked is_user),
# not others' words nor the title or overview; sort=newest|relevance; and
# the 400s (JSON invalid_parameter naming the parameter) for a bad value,
# a repeated one, and speaker or sort=relevance without q.
. "$(dirname "$0")/../lib.sh"

SITE_BASE_URL=https://omi.example.org site_init "$T_TMP/data"
user_add alice 'pass word 1' || t_fail "user add alice"
KEY_A=$WEBHOOK_KEY
oauth_client
REDIR_Q=$(urlenc "$OAUTH_REDIRECT")
ID_CUR=6f1c2a9e-3b7d-4c1e-9a52-0d8e4b7f2c11
ID_LEG=b51e0c7a-22f4-4d0b-a6c3-91f2e8d7c6b5
ID_EDGE=e3d2c1b0-a9f8-4e7d-8c6b-5a4f3e2d1c0b

# run PROG METHOD QUERY BODY [env...]: sets STATUS, HEADERS, BODY, RC.
run() {
	local prog=$1 method=$2 query=$3 body=$4
	shift 4
	printf '%s' "$body" > "$T_TMP/in"
	env -i PATH="$PATH" OMI_DATA_DIR="$OMI_DATA_DIR" REQUEST_METHOD="$method" \
	    QUERY_STRING="$query" SCRIPT_NAME="/cgi-bin/$prog" \
	    CONTENT_LENGTH="$(wc -c < "$T_TMP/in")" "$@" "$OMI_CGIBIN/$prog" \
	    < "$T_TMP/in" > "$T_TMP/out" 2> "$T_TMP/err"
	RC=$?
	HEADERS=$(sed -n '1,/^\r\?$/p' "$T_TMP/out" | tr -d '\r' | sed 's/^\([^:]*\):/\L\1:/')
	BODY=$(sed '1,/^\r\?$/d' "$T_TMP/out")
	STATUS=$(printf '%s\n' "$HEADERS" | sed -n 's/^status: \([0-9]*\).*/\1/p')
}

# token UID PASSWORD: a sign-in through the authorize and token programs.
token() {
	local cookie code
	run authorize GET "response_type=code&client_id=$CLIENT_ID&redirect_uri=$REDIR_Q&state=s" "" \
	    REQUEST_URI="/chatgpt/oauth/authorize?x"
	cookie=$(header set-cookie | sed 's/;.*//')
	page_handle
	run authorize POST "" "handle=$HANDLE&uid=$1&password=$(urlenc "$2")&decision=allow" \
	    HTTP_COOKIE="$cookie" CONTENT_TYPE=application/x-www-form-urlencoded
	code=$(header location | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')
	run token POST "" "grant_type=authorization_code&code=$code&redirect_uri=$REDIR_Q" \
	    CONTENT_TYPE=application/x-www-form-urlencoded \
	    HTTP_AUTHORIZATION="Basic $(printf '%s:%s' "$CLIENT_ID" "$CLIENT_SECRET" | base64 -w0)"
	jget '["access_token"]'
}

for f in omi-current omi-legacy omi-edge-cases; do
	run webhook POST "uid=alice&key=$KEY_A" "$(cat "$FIXTURES/$f.json")" CONTENT_TYPE=application/json
	check_eq "webhook $f" "$STATUS" 200
done
TOKEN_A=$(token alice 'pass word 1')
check_match "alice's token" "$TOKEN_A" '^[A-Za-z0-9_-]{20,}$'

# list QUERY: GET /api/conversations with alice's token.
list() { run conversations GET "$1" "" HTTP_AUTHORIZATION="Bearer $TOKEN_A"; }
# ids QUERY: the ids of the first page, newest first, comma-separated.
ids() {
	list "$1"
	if [ "$STATUS" = 200 ]; then
		printf '%s' "$BODY" | jq -r '[.conversations[].id] | join(",")'
	else
		echo "status $STATUS"
	fi
}

echo "== speaker=user: the wearer's own words only"
# omi-current: the user says "eighteen thousand"; the contractor says
# "Realistically"; "contractor" is in its overview, "Renovation" in its
# title. omi-legacy: the user says "start with iOS", the other speaker
# "timeline", also in its title. omi-edge-cases: the user says "danke",
# others "Guten Morgen".
check_eq "user's word" "$(ids 'q=eighteen&speaker=user')" "$ID_CUR"
check_eq "user's word, folded case" "$(ids 'q=EIGHTEEN%20Thousand&speaker=user')" "$ID_CUR"
check_eq "user's phrase" "$(ids 'q=%22start%20with%20iOS%22&speaker=user')" "$ID_LEG"
check_eq "user's words in two conversations" "$(ids 'q=start&speaker=user')" "$ID_CUR,$ID_LEG"
check_eq "user's word in the edge-case fixture" "$(ids 'q=danke&speaker=user')" "$ID_EDGE"
check_eq "others' word: not found" "$(ids 'q=realistically&speaker=user')" ""
check_eq "others' words: not found" "$(ids 'q=guten%20morgen&speaker=user')" ""
check_eq "overview only: not found" "$(ids 'q=contractor&speaker=user')" ""
check_eq "title only: not found" "$(ids 'q=renovation&speaker=user')" ""
check_eq "title and others' words: not found" "$(ids 'q=timeline&speaker=user')" ""
check_eq "one term the user's, one others': not found" \
    "$(ids 'q=eighteen%20realistically&speaker=user')" ""
check_eq "speaker=user with sort=relevance" "$(ids 'q=eighteen&speaker=user&sort=relevance')" "$ID_CUR"
# Without speaker, the same words are found where they are, as before.
check_eq "others' word without speaker" "$(ids 'q=realistically')" "$ID_CUR"
check_eq "overview without speaker" "$(ids 'q=contractor')" "$ID_CUR"
check_eq "title without speaker" "$(ids 'q=renovation')" "$ID_CUR"
check_eq "timeline without speaker" "$(ids 'q=timeline')" "$ID_CUR,$ID_LEG"
list 'q=eighteen&speaker=user'
check_eq "speaker=user: total null" "$(jget '["total"]')" null

echo "== sort"
check_eq "sort=newest" "$(ids 'q=start&sort=newest')" "$ID_CUR,$ID_LEG"
check_eq "sort=newest without q" "$(ids 'sort=newest&limit=2')" "$ID_EDGE,$ID_CUR"
list 'q=start&sort=relevance'
check_eq "sort=relevance with q: 200" "$STATUS" 200
check_eq "sort=relevance: the same matches" \
    "$(printf '%s' "$BODY" | jq -r '[.conversations[].id] | sort | join(",")')" \
    "$(printf '%s\n' "$ID_CUR" "$ID_LEG" | sort | paste -sd,)"
# Empty values count as absent, as for every parameter.
check_eq "empty speaker and sort" "$(ids 'q=renovation&speaker=&sort=')" "$ID_CUR"

echo "== 400s"
# bad QUERY PARAMETER: a 400 invalid_parameter naming it, with a message.
bad() {
	list "$1"
	check_eq "$1: 400" "$STATUS" 400
	check_eq "$1: JSON" "$(header content-type)" application/json
	check_eq "$1: error" "$(jget '["error"]')" invalid_parameter
	check_eq "$1: parameter" "$(jget '["parameter"]')" "$2"
	check_match "$1: message" "$(jget '["message"]')" '[a-z]'
}
bad 'q=eighteen&speaker=all' speaker
bad 'q=eighteen&speaker=USER' speaker
bad 'q=eighteen&speaker=user%20' speaker
bad 'q=eighteen&speaker=user&speaker=user' speaker
bad 'q=eighteen&sort=oldest' sort
bad 'q=eighteen&sort=Relevance' sort
bad 'q=eighteen&sort=newest&sort=relevance' sort
bad 'speaker=user' speaker
bad 'speaker=user&limit=5' speaker
bad 'sort=relevance' sort
bad 'sort=relevance&category=work' sort
bad 'q=&speaker=user' speaker
list 'q=eighteen&speaker=zebra'
check_nomatch "a bad value is not echoed" "$BODY" zebra

t_done
