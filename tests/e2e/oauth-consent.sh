#!/bin/bash
# tests/e2e/oauth-consent.sh: the consent form through a real web server with
# curl: deny, missing or moved handles and cookies, wrong passwords, and a
# handle that cannot be changed, moved or reused.
. "$(dirname "$0")/../lib.sh"

oauth_site

echo "== consent form problems"
STATE=d1 oauth_authorize
oauth_consent alice "" deny
check_eq "deny 302" "$STATUS" 302
check_eq "deny Location" "$LOCATION" "$OAUTH_REDIRECT?error=access_denied&error_description=the%20user%20denied%20access&state=d1"
STATE= oauth_authorize
http POST /chatgpt/oauth/authorize -b "$JAR" --data-urlencode uid=alice --data-urlencode "password=$PW" --data-urlencode decision=allow
check_eq "missing handle" "$STATUS" 400
check_eq "missing handle: no Location" "$(header location)" ""
http POST /chatgpt/oauth/authorize --data-urlencode "handle=$HANDLE" --data-urlencode uid=alice --data-urlencode "password=$PW" --data-urlencode decision=allow
check_eq "missing cookie" "$STATUS" 400
check_eq "missing cookie: no Location" "$(header location)" ""
H1=$HANDLE J1=$JAR
STATE= oauth_authorize
http POST /chatgpt/oauth/authorize -b "$JAR" --data-urlencode "handle=$H1" --data-urlencode uid=alice --data-urlencode "password=$PW" --data-urlencode decision=allow
check_eq "handle from another browser" "$STATUS" 400
http POST /chatgpt/oauth/authorize -b "$J1" --data-urlencode "handle=$H1" --data-urlencode "handle=$H1" --data-urlencode uid=alice --data-urlencode "password=$PW" --data-urlencode decision=allow
check_eq "repeated handle" "$STATUS" 400
JAR=$J1 HANDLE=$H1
oauth_consent alice "wrong password" allow
check_eq "wrong password: page again" "$STATUS" 200
check_match "wrong password message" "$BODY" 'The user id or password is not correct'
check_eq "wrong password: no Location" "$(header location)" ""
check_match "uid kept" "$BODY" 'name="uid" value="alice"'
OLD=$HANDLE
page_handle
check_match "a fresh handle" "$HANDLE" "$HANDLE_RE"
MSG_KNOWN=$(printf '%s' "$BODY" | grep -o 'The user id or password[^<]*')
oauth_consent nosuchuser "wrong password" allow
check_eq "unknown uid: same answer" "$(printf '%s' "$BODY" | grep -o 'The user id or password[^<]*')" "$MSG_KNOWN"
check_eq "unknown uid: same status" "$STATUS" 200
page_handle
oauth_consent '<b>x</b>' "wrong password" allow
check_nomatch "typed uid escaped" "$BODY" '<b>x</b>'
# A failed sign-in writes nothing, so it spends nothing: the handle it
# came with still signs in once.
HANDLE=$OLD
oauth_consent alice "$PW" allow
check_eq "a handle that failed a sign-in still works" "$STATUS" 302
oauth_consent alice "$PW" allow
check_eq "the spent handle does not work" "$STATUS" 400

echo "== a handle cannot be changed, moved or reused"
STATE=t1 oauth_authorize
H1=$HANDLE
OAUTH_JAR=$JAR STATE=t2 oauth_authorize
H2=$HANDLE
B1=${H1#*.}; B1=${B1%.*}
B2=${H2#*.}; B2=${B2%.*}
MAC1=${H1##*.}
# consent_with DESC HANDLE: the handle is refused with the expired page.
consent_with() {
	HANDLE=$2 oauth_consent alice "$PW" allow
	check_eq "$1: 400" "$STATUS" 400
	check_eq "$1: no Location" "$(header location)" ""
	check_match "$1: the expired page" "$BODY" 'has expired or was already used'
}
consent_with "another request under the seal" "${H1%%.*}.$B2.$MAC1"
FLIP=A; [ "${B1:5:1}" = A ] && FLIP=B
consent_with "one character of the request changed" "${H1%%.*}.${B1:0:5}$FLIP${B1:6}.$MAC1"
consent_with "another seal" "${H1%.*}.$(printf '%064d' 0)"
consent_with "a bare id, as older versions made" "${H1%%.*}"
HANDLE=$H1 oauth_consent alice "$PW" allow
check_eq "the untouched handle works" "$STATUS" 302
check_match "with its own state" "$LOCATION" '&state=t1$'
HANDLE=$H2 oauth_consent alice "" deny
check_eq "the other request is denied" "$LOCATION" "$OAUTH_REDIRECT?error=access_denied&error_description=the%20user%20denied%20access&state=t2"
# A deny writes nothing; replayed, the handle denies again.
HANDLE=$H2 oauth_consent alice "" deny
check_eq "a denied handle denies again" "$LOCATION" "$OAUTH_REDIRECT?error=access_denied&error_description=the%20user%20denied%20access&state=t2"
consent_with "a handle used to sign in" "$H1"

t_done
