#!/bin/bash
# tests/e2e/oauth-lockout.sh: failed sign-ins through a real web server with
# curl: five failures lock the address they came from, a uid guessed at from
# many addresses locks only for them, and a browser that signed in before
# is not locked out by others' guesses.
. "$(dirname "$0")/../lib.sh"

oauth_site

echo "== five failures lock the address they came from"
# The attacker knows bob's uid and guesses from 127.0.0.2.
STATE= oauth_authorize
CURL_FROM=127.0.0.2 lock_out bob
check_eq "locked on the fifth failure" "$STATUS" 429
CURL_FROM=127.0.0.2 oauth_consent bob "bob's password" allow
check_eq "locked: even the right password" "$STATUS" 429
check_match "lockout message" "$BODY" 'Too many failed sign-ins'
check_eq "locked: no code" "$(header location)" ""
page_handle
CURL_FROM=127.0.0.2 oauth_consent alice "$PW" allow
check_eq "the address is locked for every uid" "$STATUS" 429
# bob, at another address in a new browser, signs in all the same.
STATE= CURL_FROM=127.0.0.20 oauth_authorize
CURL_FROM=127.0.0.20 oauth_consent bob "bob's password" allow
check_eq "the owner signs in from another address in a new browser" "$STATUS" 302
check_match "with a code" "$CODE" '^[A-Za-z0-9_-]{43}$'
STATE= oauth_authorize
CURL_FROM=127.0.0.3 lock_out ghost
check_eq "a uid without an account locks the same way" "$STATUS" 429

echo "== a uid guessed at from many addresses locks only for them"
STATE= oauth_authorize
for i in 4 5 6 7 8 9 10 11 12 13; do
	CURL_FROM=127.0.0.$i oauth_consent bob "guess $i" allow
	page_handle
done
check_eq "ten addresses, one guess each: the tenth is only wrong" "$STATUS" 200
CURL_FROM=127.0.0.4 oauth_consent bob "bob's password" allow
check_eq "an address that failed is locked out of bob" "$STATUS" 429
page_handle
CURL_FROM=127.0.0.4 oauth_consent alice "$PW" allow
check_eq "but not out of other uids" "$STATUS" 302
STATE= CURL_FROM=127.0.0.21 oauth_authorize
CURL_FROM=127.0.0.21 oauth_consent bob "bob's password" allow
check_eq "an address that has not failed signs bob in" "$STATUS" 302

echo "== a browser that signed in before is not locked out by others' guesses"
user_add dora "dora's password" || t_fail "user add dora"
STATE= CURL_FROM=127.0.0.14 oauth_authorize
CURL_FROM=127.0.0.14 oauth_consent dora "dora's password" allow
check_eq "dora signs in" "$STATUS" 302
DORA_JAR=$JAR
DEVICE=$(printf '%s\n' "$HEADERS" | sed -n 's/^set-cookie: \(omi_device=.*\)/\1/p')
check_match "known-device cookie, for the whole site" "$DEVICE" \
    '^omi_device=[A-Za-z0-9_-]{43}\.[0-9a-f]{64}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax$'
STATE= oauth_authorize
CURL_FROM=127.0.0.14 lock_out dora
check_eq "guesses from dora's own address lock it" "$STATUS" 429
check_eq "no known-device cookie for a failure" \
    "$(printf '%s\n' "$HEADERS" | grep -c '^set-cookie: omi_device=')" 0
STATE= oauth_authorize
CURL_FROM=127.0.0.14 oauth_consent dora "dora's password" allow
check_eq "locked for a new browser there, right password or not" "$STATUS" 429
OAUTH_JAR=$DORA_JAR STATE= oauth_authorize
CURL_FROM=127.0.0.14 oauth_consent dora "wrong" allow
check_eq "the known browser still needs the password" "$STATUS" 200
page_handle
CURL_FROM=127.0.0.14 oauth_consent bob "bob's password" allow
check_eq "dora's browser is not known for bob (the address is locked)" "$STATUS" 429
OAUTH_JAR=$DORA_JAR STATE= oauth_authorize
CURL_FROM=127.0.0.14 oauth_consent dora "dora's password" allow
check_eq "the known browser signs in" "$STATUS" 302
check_match "with a code" "$CODE" '^[A-Za-z0-9_-]{43}$'
check_match "and the same known-device cookie" \
    "$(printf '%s\n' "$HEADERS" | sed -n 's/^set-cookie: \(omi_device=[^;]*\).*/\1/p')" \
    "^${DEVICE%%;*}\$"
# The page under its other path: the cookie goes there too.
AQ="response_type=code&client_id=$(urlenc "$CLIENT_ID")&redirect_uri=$REDIR_Q&scope=read%3Amemories&state=cgi"
for J in "$DORA_JAR" "$(mktemp "$T_TMP/jar.XXXXXX")"; do
	CURL_FROM=127.0.0.14 http GET "/cgi-bin/authorize?$AQ" -b "$J" -c "$J"
	page_handle
	CURL_FROM=127.0.0.14 http POST /cgi-bin/authorize -b "$J" -c "$J" \
	    --data-urlencode "handle=$HANDLE" --data-urlencode uid=dora \
	    --data-urlencode "password=dora's password" --data-urlencode decision=allow
	if [ "$J" = "$DORA_JAR" ]; then
		check_eq "the known browser signs in under /cgi-bin/ too" "$STATUS" 302
	else
		check_eq "a new browser there is locked under /cgi-bin/" "$STATUS" 429
	fi
done

t_done
