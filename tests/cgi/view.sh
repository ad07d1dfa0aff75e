#!/bin/bash
# CGI-level tests of the view program (the conversation pages at /c/): the
# binary run directly with a CGI environment. Sign-in with the consent
# page's account, its CSRF token and throttle, the session cookie and its
# attributes, the redirect back (never elsewhere), the list with search and
# paging, one conversation, the same 404 for another user's id and an
# unknown one, escaping, sign-out, a revoke and a new password ending the
# session, methods, headers on every answer and the store being busy.
. "$(dirname "$0")/../lib.sh"

SITE_BASE_URL=https://omi.example.org site_init "$T_TMP/data"
user_add alice 'pass word 1' || t_fail "user add alice"
KEY_A=$WEBHOOK_KEY
user_add bob 'pass word 2' || t_fail "user add bob"
KEY_B=$WEBHOOK_KEY
ID_CUR=6f1c2a9e-3b7d-4c1e-9a52-0d8e4b7f2c11
ID_LEG=b51e0c7a-22f4-4d0b-a6c3-91f2e8d7c6b5

# run PROG METHOD PATH_INFO QUERY BODY [env...]: sets STATUS, HEADERS, BODY.
run() {
	local prog=$1 method=$2 pi=$3 query=$4 body=$5
	shift 5
	printf '%s' "$body" > "$T_TMP/in"
	env -i PATH="$PATH" OMI_DATA_DIR="$OMI_DATA_DIR" REQUEST_METHOD="$method" \
	    PATH_INFO="$pi" QUERY_STRING="$query" SCRIPT_NAME="/cgi-bin/$prog" \
	    REMOTE_ADDR="${FROM:-192.0.2.1}" \
	    CONTENT_LENGTH="$(wc -c < "$T_TMP/in")" "$@" "$OMI_CGIBIN/$prog" \
	    < "$T_TMP/in" > "$T_TMP/out" 2> "$T_TMP/err"
	RC=$?
	HEADERS=$(sed -n '1,/^\r\?$/p' "$T_TMP/out" | tr -d '\r' | sed 's/^\([^:]*\):/\L\1:/')
	BODY=$(sed '1,/^\r\?$/d' "$T_TMP/out")
	STATUS=$(printf '%s\n' "$HEADERS" | sed -n 's/^status: \([0-9]*\).*/\1/p')
}
# view METHOD PATH_INFO QUERY BODY [env...]
view() { run view "$@"; }
form() { local p=$1 b=$2; shift 2; view POST "$p" "" "$b" \
    CONTENT_TYPE=application/x-www-form-urlencoded "$@"; }
# cookie NAME: the value the last answer set for NAME.
cookie() { printf '%s\n' "$HEADERS" | sed -n "s/^set-cookie: $1=\([^;]*\);.*/\1/p" | head -1; }
setcookie() { printf '%s\n' "$HEADERS" | sed -n "s/^set-cookie: \($1=.*\)/\1/p" | head -1; }
field() { printf '%s' "$BODY" | sed -n "s/.*name=\"$1\" value=\"\([^\"]*\)\".*/\1/p" | head -1; }

# framing DESC: the consent page's headers on the last answer.
framing() {
	check_match "$1: CSP" "$(header content-security-policy)" "frame-ancestors 'none'"
	check_match "$1: CSP form-action" "$(header content-security-policy)" "form-action 'self'"
	check_match "$1: CSP no script" "$(header content-security-policy)" "^default-src 'none'"
	check_eq "$1: X-Frame-Options" "$(header x-frame-options)" DENY
	check_eq "$1: Referrer-Policy" "$(header referrer-policy)" no-referrer
	check_eq "$1: no-store" "$(header cache-control)" no-store
	check_eq "$1: nosniff" "$(header x-content-type-options)" nosniff
	check_match "$1: HTML" "$(header content-type)" '^text/html; charset=utf-8'
	check_match "$1: a whole page" "$BODY" '</html>'
}

for f in omi-current omi-legacy; do
	run webhook POST "" "uid=alice&key=$KEY_A" "$(cat "$FIXTURES/$f.json")" CONTENT_TYPE=application/json
	check_eq "webhook $f" "$STATUS" 200
done
printf '{"id":"bob-1","created_at":"2025-01-01T00:00:00Z","structured":{"title":"Pelican plans"},"transcript_segments":[{"text":"pelican secret"}]}' > "$T_TMP/bob.json"
run webhook POST "" "uid=bob&key=$KEY_B" "$(cat "$T_TMP/bob.json")" CONTENT_TYPE=application/json
check_eq "webhook bob-1" "$STATUS" 200
printf '{"id":"xss-1","created_at":"2023-01-01T00:00:00Z","structured":{"title":"<script>alert(1)</script>","overview":"a \\"quote\\" & <b>bold</b>","action_items":[{"description":"<img src=x onerror=alert(2)>","completed":true}]},"transcript_segments":[{"text":"<i>hi</i>","speaker":"SPEAKER_3"}]}' > "$T_TMP/xss.json"
run webhook POST "" "uid=alice&key=$KEY_A" "$(cat "$T_TMP/xss.json")" CONTENT_TYPE=application/json
check_eq "webhook xss-1" "$STATUS" 200

echo "== without a session: the sign-in page"
view GET "" "" ""
check_eq "list, no cookie: 200" "$STATUS" 200
framing "sign-in page"
check_match "the sign-in form" "$BODY" 'action="./:signin"'
check_match "a password field" "$BODY" 'type="password"'
check_match "CSRF cookie" "$(setcookie omi_view_csrf)" '^omi_view_csrf=[A-Za-z0-9_-]{43}; Path=/c/; Max-Age=[0-9]+; HttpOnly; SameSite=Lax; Secure$'
CSRF_C=$(cookie omi_view_csrf)
CSRF=$(field csrf)
check_match "CSRF token" "$CSRF" '^[0-9a-f]{64}$'
check_eq "next: the list" "$(field next)" ""
view GET "/$ID_CUR" "" ""
check_eq "detail, no cookie: 200" "$STATUS" 200
check_eq "next: the conversation" "$(field next)" "$ID_CUR"
check_nomatch "no conversation data before sign-in" "$BODY" 'Kitchen'
view GET "/bob-1" "" ""
B1=$(printf '%s' "$BODY" | sed 's/value="[0-9a-f]\{64\}"//')
view GET "/no-such-id" "" ""
B2=$(printf '%s' "$BODY" | sed 's/value="[0-9a-f]\{64\}"//; s/no-such-id/bob-1/')
check_eq "an unknown id and another's answer alike before sign-in" "$B1" "$B2"
view GET "" "" "" HTTP_COOKIE="omi_view_csrf=$CSRF_C"
check_eq "the browser's CSRF cookie is kept" "$(cookie omi_view_csrf)" "$CSRF_C"
check_eq "and its token" "$(field csrf)" "$CSRF"
view GET "/:signin" "next=$ID_LEG" ""
check_eq "GET /:signin" "$STATUS" 200
check_eq "GET /:signin next" "$(field next)" "$ID_LEG"
view GET "/:signin" "next=https://evil.example/" ""
check_eq "GET /:signin drops a next that is no id" "$(field next)" ""

echo "== paths and methods"
for p in /a/b //x /:other "/$ID_CUR/x" "/a%2Fb" "/.."; do
	view GET "$p" "" ""
	check_eq "path '$p': 404" "$STATUS" 404
	framing "404 '$p'"
done
for m in PUT DELETE POST PATCH; do
	view "$m" "" "" ""
	check_eq "$m list: 405" "$STATUS" 405
	check_eq "$m list: Allow" "$(header allow)" "GET, HEAD"
done
view POST "/$ID_CUR" "" ""
check_eq "POST detail: 405" "$STATUS" 405
framing "405"
view GET "/:signout" "" ""
check_eq "GET signout: 405" "$STATUS" 405
check_eq "GET signout: Allow" "$(header allow)" POST
view DELETE "/:signin" "" ""
check_eq "DELETE signin: Allow" "$(header allow)" "GET, HEAD, POST"
view HEAD "" "" ""
check_eq "HEAD: 200" "$STATUS" 200
check_eq "HEAD: no body" "$BODY" ""

echo "== sign-in"
CK="omi_view_csrf=$CSRF_C"
form /:signin "csrf=$CSRF&uid=alice&password=pass+word+1"
check_eq "no CSRF cookie: 403" "$STATUS" 403
check_eq "no CSRF cookie: no session" "$(cookie omi_view)" ""
check_match "no CSRF cookie: the form again" "$BODY" 'action="./:signin"'
form /:signin "csrf=${CSRF%?}0&uid=alice&password=pass+word+1" HTTP_COOKIE="$CK"
[ "${CSRF: -1}" = 0 ] && form /:signin "csrf=${CSRF%?}1&uid=alice&password=pass+word+1" HTTP_COOKIE="$CK"
check_eq "a wrong CSRF token: 403" "$STATUS" 403
form /:signin "uid=alice&password=pass+word+1" HTTP_COOKIE="$CK"
check_eq "no CSRF token: 403" "$STATUS" 403
form /:signin "csrf=$CSRF&csrf=$CSRF&uid=alice&password=pass+word+1" HTTP_COOKIE="$CK"
check_eq "a repeated field: 400" "$STATUS" 400
framing "400"
for n in "https://evil.example/" "//evil.example" "../x" "a/b" "%2F%2Fevil.example"; do
	form /:signin "csrf=$CSRF&next=$n&uid=alice&password=pass+word+1" HTTP_COOKIE="$CK"
	check_eq "next '$n': 400, no redirect" "$STATUS" 400
	check_eq "next '$n': no Location" "$(header location)" ""
done
form /:signin "csrf=$CSRF&uid=alice&password=wrong" HTTP_COOKIE="$CK"
check_eq "wrong password: 200" "$STATUS" 200
check_match "wrong password: says so" "$BODY" 'not correct'
check_eq "wrong password: no session" "$(cookie omi_view)" ""
check_eq "wrong password: uid kept" "$(printf '%s' "$BODY" | sed -n 's/.*name="uid" value="\([^"]*\)".*/\1/p')" alice
form /:signin "csrf=$CSRF&uid=alice" HTTP_COOKIE="$CK"
check_match "no password: asks" "$BODY" 'Enter your OMI user id and password'
form /:signin "csrf=$CSRF&next=$ID_CUR&uid=alice&password=pass+word+1" HTTP_COOKIE="$CK"
check_eq "sign-in: 303" "$STATUS" 303
check_eq "sign-in: back to the conversation" "$(header location)" "https://omi.example.org/c/$ID_CUR"
check_match "session cookie" "$(setcookie omi_view)" '^omi_view=[A-Za-z0-9_-]{80,}; Path=/c/; Max-Age=43200; HttpOnly; SameSite=Lax; Secure$'
framing_redirect() {
	check_eq "$1: X-Frame-Options" "$(header x-frame-options)" DENY
	check_eq "$1: no-store" "$(header cache-control)" no-store
}
framing_redirect "sign-in redirect"
SESS_A=$(cookie omi_view)
form /:signin "csrf=$CSRF&uid=alice&password=pass+word+1" HTTP_COOKIE="$CK"
check_eq "sign-in without next: the list" "$(header location)" "https://omi.example.org/c/"
check_nomatch "no password in the log" "$(cat "$T_TMP/err")" 'pass word'

echo "== the list"
SA="omi_view=$SESS_A"
view GET "" "" "" HTTP_COOKIE="$SA"
check_eq "list: 200" "$STATUS" 200
framing "list"
check_match "list: signed in as alice" "$BODY" 'Signed in as alice'
check_match "list: a sign-out form" "$BODY" 'action="./:signout"'
check_match "list: a search box" "$BODY" 'name="q"'
check_match "list: the current one" "$BODY" "href=\"./$ID_CUR\">[^<]*Planning The Kitchen Renovation</a>"
check_match "list: the legacy one" "$BODY" 'Project Timeline Discussion'
check_nomatch "list: not bob's" "$BODY" 'Pelican'
order=$(printf '%s' "$BODY" | grep -o 'href="./[^":]\+"' | sed 's/href=".\///; s/"//' | tr '\n' ' ')
check_eq "list: newest first" "$order" "$ID_CUR $ID_LEG xss-1 "
check_match "list: escaped" "$BODY" '&lt;script&gt;alert\(1\)&lt;/script&gt;'
check_nomatch "list: no raw markup from data" "$BODY" '<script'
view GET "" "q=kitchen" "" HTTP_COOKIE="$SA"
check_eq "search: 200" "$STATUS" 200
check_match "search: finds it" "$BODY" 'Planning The Kitchen Renovation'
check_nomatch "search: only it" "$BODY" 'Project Timeline'
check_match "search: the box keeps the query" "$BODY" 'name="q" value="kitchen"'
view GET "" "q=eighteen+thousand" "" HTTP_COOKIE="$SA"
check_match "search: in the transcript" "$BODY" 'Kitchen'
view GET "" "q=pelican" "" HTTP_COOKIE="$SA"
check_match "search: nothing of bob's" "$BODY" 'No conversation matches'
view GET "" "q=%22unclosed" "" HTTP_COOKIE="$SA"
check_eq "search: an unusable q: 400" "$STATUS" 400
check_match "search: says why" "$BODY" 'A search holds'
view GET "" "cursor=garbage" "" HTTP_COOKIE="$SA"
check_eq "a damaged cursor: 400" "$STATUS" 400
view GET "" "x=1" "" HTTP_COOKIE="$SA"
check_eq "an unknown parameter: 400" "$STATUS" 400
view GET "" "q=a&q=b" "" HTTP_COOKIE="$SA"
check_eq "a repeated parameter: 400" "$STATUS" 400
# "Only my words" (mine=1): the API's speaker=user. The user said
# "eighteen thousand"; "realistically" was the contractor's; "kitchen" is
# in the title.
view GET "" "q=kitchen" "" HTTP_COOKIE="$SA"
check_match "search: the box is not ticked" "$BODY" 'name="mine" value="1">'
view GET "" "q=eighteen+thousand&mine=1" "" HTTP_COOKIE="$SA"
check_eq "mine: 200" "$STATUS" 200
check_match "mine: the user's words" "$BODY" 'Planning The Kitchen Renovation'
check_match "mine: the box stays ticked" "$BODY" 'name="mine" value="1" checked>'
view GET "" "q=realistically&mine=1" "" HTTP_COOKIE="$SA"
check_match "mine: not others' words" "$BODY" 'No conversation matches'
view GET "" "q=realistically" "" HTTP_COOKIE="$SA"
check_match "without mine: others' words" "$BODY" 'Planning The Kitchen Renovation'
view GET "" "q=kitchen&mine=1" "" HTTP_COOKIE="$SA"
check_match "mine: not the title" "$BODY" 'No conversation matches'
view GET "" "mine=1" "" HTTP_COOKIE="$SA"
check_eq "mine without words: the list" "$STATUS" 200
check_match "mine without words: all of them" "$BODY" 'Project Timeline Discussion'
view GET "" "q=kitchen&mine=yes" "" HTTP_COOKIE="$SA"
check_eq "mine other than 1: 400" "$STATUS" 400

echo "== paging"
for i in $(seq 1 22); do
	printf '{"id":"p-%02d","created_at":"2022-01-%02dT00:00:00Z","structured":{"title":"Paged %02d"},"transcript_segments":[{"text":"my pages","is_user":true}]}' "$i" "$i" "$i" > "$T_TMP/p.json"
	run webhook POST "" "uid=alice&key=$KEY_A" "$(cat "$T_TMP/p.json")" CONTENT_TYPE=application/json
done
view GET "" "" "" HTTP_COOKIE="$SA"
n1=$(printf '%s' "$BODY" | grep -c '<li>')
check_eq "page 1: 20 entries" "$n1" 20
more=$(printf '%s' "$BODY" | sed -n 's/.*<nav class="more"><a href="\.\/?\([^"]*\)".*/\1/p' | sed 's/&amp;/\&/g')
check_match "page 1: a link to older ones" "$more" '^cursor='
view GET "" "$more" "" HTTP_COOKIE="$SA"
n2=$(printf '%s' "$BODY" | grep -c '<li>')
check_eq "page 2: the other 5" "$n2" 5
check_match "page 2: the oldest" "$BODY" 'Paged 01'
check_nomatch "page 2: no more link" "$BODY" 'class="more"'
view GET "" "q=paged" "" HTTP_COOKIE="$SA"
more=$(printf '%s' "$BODY" | sed -n 's/.*<nav class="more"><a href="\.\/?\([^"]*\)".*/\1/p' | sed 's/&amp;/\&/g')
check_match "search page 1: the link keeps q" "$more" '&q=paged$'
view GET "" "$more" "" HTTP_COOKIE="$SA"
check_eq "search page 2: 2 entries" "$(printf '%s' "$BODY" | grep -c '<li>')" 2
view GET "" "q=pages&mine=1" "" HTTP_COOKIE="$SA"
more=$(printf '%s' "$BODY" | sed -n 's/.*<nav class="more"><a href="\.\/?\([^"]*\)".*/\1/p' | sed 's/&amp;/\&/g')
check_match "mine page 1: the link keeps q and mine" "$more" '&q=pages&mine=1$'
view GET "" "$more" "" HTTP_COOKIE="$SA"
check_eq "mine page 2: 2 entries" "$(printf '%s' "$BODY" | grep -c '<li>')" 2
check_match "mine page 2: the box stays ticked" "$BODY" 'name="mine" value="1" checked>'

echo "== one conversation"
view GET "/$ID_CUR" "" "" HTTP_COOKIE="$SA"
check_eq "detail: 200" "$STATUS" 200
framing "detail"
check_match "detail: title" "$BODY" '<h1>[^<]*Planning The Kitchen Renovation</h1>'
check_match "detail: date" "$BODY" '2025-06-14 17:41 UTC'
check_match "detail: category" "$BODY" 'personal'
check_match "detail: overview" "$BODY" '<h2>Overview</h2>'
check_match "detail: action item" "$BODY" 'Send the contractor photos of the current layout by Tuesday'
check_match "detail: its due date" "$BODY" 'due 2025-06-17 16:00 UTC'
check_match "detail: the user's label" "$BODY" '<b>\[0:00:00 - 0:00:0[0-9]\] User:</b> So what'
check_match "detail: a speaker's label" "$BODY" '<b>\[[0-9:]* - [0-9:]*\] Speaker 1:</b> Realistically'
check_match "detail: signed in" "$BODY" 'Signed in as alice'
view GET "/$ID_LEG" "" "" HTTP_COOKIE="$SA"
check_match "legacy: labels as the API renders them" "$BODY" '<b>[^<]*Speaker 0:</b>'
check_match "legacy: User" "$BODY" '<b>[^<]*User:</b> Agreed'
view GET "/xss-1" "" "" HTTP_COOKIE="$SA"
check_nomatch "escaped: no markup from the record" "$BODY" '<script|<img|<i>|<b>bold'
check_match "escaped title" "$BODY" '&lt;script&gt;'
check_match "escaped item, done" "$BODY" 'class="done">&lt;img src=x onerror=alert\(2\)&gt;'
check_match "escaped transcript" "$BODY" '<b>Speaker 3:</b> &lt;i&gt;hi&lt;/i&gt;'
check_match "escaped quotes" "$BODY" 'a &quot;quote&quot; &amp; &lt;b&gt;bold&lt;/b&gt;'
view GET "/bob-1" "" "" HTTP_COOKIE="$SA"
check_eq "another user's id: 404" "$STATUS" 404
framing "another user's id"
B1=$BODY
view GET "/no-such-id" "" "" HTTP_COOKIE="$SA"
check_eq "an unknown id: 404" "$STATUS" 404
check_eq "the same page for both" "$BODY" "$B1"
check_nomatch "nothing of bob's" "$B1" 'Pelican|pelican'

echo "== sessions that are not valid"
view GET "" "" "" HTTP_COOKIE="omi_view=${SESS_A%?}A"
[ "${SESS_A: -1}" = A ] && view GET "" "" "" HTTP_COOKIE="omi_view=${SESS_A%?}B"
check_eq "a tampered cookie: the sign-in page" "$STATUS" 200
check_match "tampered: the form" "$BODY" 'action="./:signin"'
check_match "tampered: says it ended" "$BODY" 'Your sign-in has ended'
check_match "tampered: cleared" "$(setcookie omi_view)" '^omi_view=; Path=/c/; Max-Age=0;'
view GET "/$ID_CUR" "" "" HTTP_COOKIE="omi_view=garbage"
check_nomatch "garbage cookie: no data" "$BODY" 'Kitchen'

echo "== sign-out"
OUT_TOK=$(printf '%s' "$BODY" | sed -n 's/.*action=".\/:signout"><input type="hidden" name="csrf" value="\([0-9a-f]*\)".*/\1/p')
view GET "" "" "" HTTP_COOKIE="$SA"
OUT_TOK=$(printf '%s' "$BODY" | sed -n 's/.*action=".\/:signout"><input type="hidden" name="csrf" value="\([0-9a-f]*\)".*/\1/p')
check_match "sign-out token" "$OUT_TOK" '^[0-9a-f]{64}$'
form /:signout "csrf=$CSRF" HTTP_COOKIE="$SA"
check_eq "sign-out with the sign-in token: 403" "$STATUS" 403
check_eq "sign-out refused: cookie kept" "$(cookie omi_view)" ""
form /:signout "" HTTP_COOKIE="$SA"
check_eq "sign-out without a token: 400" "$STATUS" 400
form /:signout "csrf=$OUT_TOK" HTTP_COOKIE="$SA"
check_eq "sign-out: 303" "$STATUS" 303
check_eq "sign-out: to the list" "$(header location)" "https://omi.example.org/c/"
check_match "sign-out: cookie cleared" "$(setcookie omi_view)" '^omi_view=; Path=/c/; Max-Age=0; HttpOnly; SameSite=Lax; Secure$'
form /:signout "csrf=$OUT_TOK"
check_eq "sign-out with no session: 303" "$STATUS" 303

echo "== revoke and a new password end sessions"
signin() {
	form /:signin "csrf=$CSRF&uid=$1&password=$(urlenc "$2")" HTTP_COOKIE="$CK"
	cookie omi_view
}
S=$(signin alice 'pass word 1')
view GET "" "" "" HTTP_COOKIE="omi_view=$S"
check_match "signed in again" "$BODY" 'Signed in as alice'
"$ADMIN" revoke alice > /dev/null
view GET "" "" "" HTTP_COOKIE="omi_view=$S"
check_match "after omi-admin revoke: signed out" "$BODY" 'Your sign-in has ended'
S=$(signin alice 'pass word 1')
view GET "" "" "" HTTP_COOKIE="omi_view=$S"
check_match "signed in after the revoke" "$BODY" 'Signed in as alice'
printf 'pass word 3\n' | "$ADMIN" user passwd alice --password-stdin > /dev/null
view GET "" "" "" HTTP_COOKIE="omi_view=$S"
check_match "after a new password: signed out" "$BODY" 'Your sign-in has ended'
S=$(signin alice 'pass word 1')
check_eq "the old password no longer works" "$S" ""
S=$(signin alice 'pass word 3')
view GET "" "" "" HTTP_COOKIE="omi_view=$S"
check_match "the new password works" "$BODY" 'Signed in as alice'
SB=$(signin bob 'pass word 2')
view GET "/$ID_CUR" "" "" HTTP_COOKIE="omi_view=$SB"
check_eq "bob cannot read alice's" "$STATUS" 404
view GET "/bob-1" "" "" HTTP_COOKIE="omi_view=$SB"
check_match "bob reads his own" "$BODY" 'pelican secret'

echo "== a base_url with a path"
config_set base_url '"https://omi.example.org/omi"'
form /:signin "csrf=$CSRF&next=$ID_LEG&uid=alice&password=pass+word+3" HTTP_COOKIE="$CK"
check_eq "prefix: the redirect" "$(header location)" "https://omi.example.org/omi/c/$ID_LEG"
check_match "prefix: the cookie's path" "$(setcookie omi_view)" '; Path=/omi/c/;'
config_set base_url '"http://127.0.0.1:8080"'
view GET "" "" ""
check_match "http base_url: no Secure" "$(setcookie omi_view_csrf)" 'SameSite=Lax$'
view GET "" "" "" HTTPS=on
check_match "http base_url over TLS: Secure" "$(setcookie omi_view_csrf)" '; Secure$'
config_set base_url '"https://omi.example.org"'

echo "== lockout, as at the consent page"
for i in 1 2 3 4 5; do
	FROM=198.51.100.7 form /:signin "csrf=$CSRF&uid=bob&password=nope$i" HTTP_COOKIE="$CK"
done
check_eq "five failures: locked" "$STATUS" 429
check_eq "locked: Retry-After" "$(header retry-after)" 900
framing "429"
FROM=198.51.100.7 form /:signin "csrf=$CSRF&uid=bob&password=pass+word+2" HTTP_COOKIE="$CK"
check_eq "locked: even the right password" "$STATUS" 429
check_eq "locked: no session" "$(cookie omi_view)" ""
FROM=198.51.100.8 form /:signin "csrf=$CSRF&uid=bob&password=pass+word+2" HTTP_COOKIE="$CK"
check_eq "another address signs in" "$STATUS" 303

echo "== the store busy"
( exec 9>>"$OMI_DATA_DIR/omi.lock"; flock -x 9; exec sleep 120 ) >/dev/null 2>&1 &
holder=$!
lock_held() { ! flock -n -x "$OMI_DATA_DIR/omi.lock" true; }
for i in $(seq 1 200); do lock_held && break; sleep 0.05; done
check "the holder has the lock" lock_held
config_set lock_timeout_ms 300
view GET "" "" "" HTTP_COOKIE="$SA"
check_eq "busy: 503" "$STATUS" 503
check_match "busy: Retry-After" "$(header retry-after)" '^[0-9]+$'
framing "503"
view GET "/$ID_CUR" "" "" HTTP_COOKIE="$SA"
check_eq "busy detail: 503" "$STATUS" 503
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
config_set lock_timeout_ms 5000
OUT=$(env -i PATH="$PATH" OMI_DATA_DIR="$T_TMP/nowhere" REQUEST_METHOD=GET \
    "$OMI_CGIBIN/view" < /dev/null 2>/dev/null)
check_match "unconfigured: 503" "$(printf '%s' "$OUT" | head -1)" '^Status: 503'
check_match "unconfigured: a page" "$OUT" '</html>'

check "omi-admin check" "$ADMIN" check
t_done
