#!/bin/bash
# tests/cgi/password-cost.sh: config.json's password_cost, through omi-admin
# and the authorize program run directly. A site that does not set it hashes
# at the library's default cost (yescrypt's "$y$j9T$"), the one test of the
# suite that pays it: every other site of tests/lib.sh sets the lowest cost,
# 1 ("$y$j75$"). A hash verifies whatever the site's cost is now (it carries
# its own), and a cost out of bounds makes the configuration invalid.
. "$(dirname "$0")/../lib.sh"

SITE_PASSWORD_COST= site_init "$T_TMP/data"
check_eq "no password_cost unless set" \
    "$(jq 'has("password_cost")' "$OMI_DATA_DIR/config.json")" false
user_add alice 'pass word 1' || t_fail "user add alice"
oauth_client
REDIR_Q=$(urlenc "$OAUTH_REDIRECT")

# stored_hash UID: the password hash in the account record (GDBM keeps the
# record's JSON as it is).
stored_hash() {
	grep -aoh "\"uid\":\"$1\",\"pw\":\"[^\"]*\"" "$OMI_DATA_DIR"/*.db |
	    sed 's/.*"pw":"//; s/"$//' | tail -1
}
check_match "default cost: the library's, yescrypt cost 5" "$(stored_hash alice)" '^\$y\$j9T\$'

# run PROG METHOD QUERY BODY [env...]: sets STATUS, HEADERS, BODY.
run() {
	local prog=$1 method=$2 query=$3 body=$4
	shift 4
	printf '%s' "$body" > "$T_TMP/in"
	env -i PATH="$PATH" OMI_DATA_DIR="$OMI_DATA_DIR" REQUEST_METHOD="$method" \
	    QUERY_STRING="$query" SCRIPT_NAME="/cgi-bin/$prog" \
	    CONTENT_LENGTH="$(wc -c < "$T_TMP/in")" "$@" "$OMI_CGIBIN/$prog" \
	    < "$T_TMP/in" > "$T_TMP/out" 2> "$T_TMP/err"
	HEADERS=$(sed -n '1,/^\r\?$/p' "$T_TMP/out" | tr -d '\r' | sed 's/^\([^:]*\):/\L\1:/')
	BODY=$(sed '1,/^\r\?$/d' "$T_TMP/out")
	STATUS=$(printf '%s\n' "$HEADERS" | sed -n 's/^status: \([0-9]*\).*/\1/p')
}

# sign_in UID PASSWORD: the consent form submitted; sets STATUS and CODE.
sign_in() {
	local cookie
	run authorize GET "response_type=code&client_id=$CLIENT_ID&redirect_uri=$REDIR_Q&state=s" "" \
	    REQUEST_URI="/chatgpt/oauth/authorize?x"
	cookie=$(header set-cookie | sed 's/;.*//')
	page_handle
	run authorize POST "" "handle=$HANDLE&uid=$1&password=$(urlenc "$2")&decision=allow" \
	    HTTP_COOKIE="$cookie" CONTENT_TYPE=application/x-www-form-urlencoded
	CODE=$(header location | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')
}

sign_in alice 'pass word 1'
check_eq "default cost: sign-in 302" "$STATUS" 302
check_match "default cost: a code" "$CODE" '^.{20,}$'

config_set password_cost 1
user_add bob 'pass word 2' || t_fail "user add bob"
check_match "cost 1: yescrypt's lowest" "$(stored_hash bob)" '^\$y\$j75\$'
check_match "alice's hash keeps its cost" "$(stored_hash alice)" '^\$y\$j9T\$'
sign_in alice 'pass word 1'
check_match "a default-cost hash verifies at cost 1" "$CODE" '^.{20,}$'
sign_in bob 'pass word 2'
check_match "a cost-1 hash verifies" "$CODE" '^.{20,}$'
sign_in bob 'pass word 1'
check_eq "wrong password: no code" "$CODE" ""
check_eq "wrong password: the form again" "$STATUS" 200
sign_in nobody 'pass word 2'
check_eq "unknown uid: no code" "$CODE" ""
check_eq "unknown uid: the form again" "$STATUS" 200
printf 'pass word 3\n' | "$ADMIN" user passwd alice --password-stdin >/dev/null ||
    t_fail "user passwd alice"
check_match "user passwd hashes at the site's cost" "$(stored_hash alice)" '^\$y\$j75\$'

config_set password_cost 12
check "cost 12 refused by omi-admin" \
    bash -c "printf 'x\n' | '$ADMIN' user add carol --password-stdin 2>/dev/null; [ \$? -ne 0 ]"
run authorize GET "response_type=code&client_id=$CLIENT_ID&redirect_uri=$REDIR_Q&state=s" "" \
    REQUEST_URI="/chatgpt/oauth/authorize?x"
check_eq "cost 12: the configuration is invalid (503)" "$STATUS" 503
config_set password_cost -1
check "cost -1 refused by omi-admin" \
    bash -c "'$ADMIN' user list >/dev/null 2>&1; [ \$? -ne 0 ]"

# tests/lib.sh's sites: the lowest cost, unless a test says otherwise.
site_init "$T_TMP/data2"
check_eq "tests/lib.sh sets cost 1" "$(jq .password_cost "$OMI_DATA_DIR/config.json")" 1
t_done
