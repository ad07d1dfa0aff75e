#!/bin/bash
# tests/e2e/view.sh: the conversation pages (/c/) through a real web server
# with curl and a cookie jar: the routes of lighttpd.conf, apache.conf and
# the dist .htaccess reach the view program, a browser signs in and is sent
# back to the conversation it asked for, reads it and the list, searches,
# and signs out; another user's id is a 404 and every answer carries the
# consent page's headers.
. "$(dirname "$0")/../lib.sh"

api_site
config_set base_url "\"$BASE\""
JAR=$T_TMP/view-jar
field() { printf '%s' "$BODY" | sed -n "s/.*name=\"$1\" value=\"\([^\"]*\)\".*/\1/p" | head -1; }
framing() {
	check_match "$1: CSP" "$(header content-security-policy)" "frame-ancestors 'none'"
	check_eq "$1: X-Frame-Options" "$(header x-frame-options)" DENY
	check_eq "$1: no-store" "$(header cache-control)" no-store
	check_eq "$1: Referrer-Policy" "$(header referrer-policy)" no-referrer
}

echo "== routes"
http GET "/c/$ID_CUR" -c "$JAR" -b "$JAR"
check_eq "a conversation, signed out: the sign-in page" "$STATUS" 200
framing "sign-in page"
check_eq "it returns to the conversation" "$(field next)" "$ID_CUR"
check_nomatch "nothing of it shown" "$BODY" 'Kitchen'
# The cookies' Path is the base URL's path and /c/ (/omi/c/ under apache-dist).
BPATH=${BASE#"$ORIGIN"}
check_match "the CSRF cookie" "$(header set-cookie)" "^omi_view_csrf=[^;]*; Path=$BPATH/c/; Max-Age=[0-9]+; HttpOnly; SameSite=Lax\$"
CSRF=$(field csrf)
http GET "/c/?q=x"
check_eq "/c/ with a query" "$STATUS" 200
http GET "/c/:signin"
check_eq "/c/:signin" "$STATUS" 200
http GET "/c/a/b"
check_match "/c/a/b is no page" "$STATUS" '^40[34]$'
http PUT "/c/"
check_eq "PUT /c/: 405" "$STATUS" 405
check_eq "PUT /c/: Allow" "$(header allow)" "GET, HEAD"
http GET "/c/:signout"
check_eq "GET /c/:signout: 405" "$STATUS" 405
http HEAD "/c/" -I
check_eq "HEAD /c/" "$STATUS" 200

echo "== sign in, read, search, sign out"
http POST "/c/:signin" -c "$JAR" -b "$JAR" --data-urlencode "csrf=$CSRF" \
    --data-urlencode "next=$ID_CUR" --data-urlencode uid=alice \
    --data-urlencode "password=wrong"
check_eq "a wrong password: the form again" "$STATUS" 200
check_match "it says so" "$BODY" 'not correct'
http POST "/c/:signin" -c "$JAR" -b "$JAR" --data-urlencode "csrf=$CSRF" \
    --data-urlencode "next=$ID_CUR" --data-urlencode uid=alice \
    --data-urlencode "password=correct horse"
check_eq "sign-in: 303" "$STATUS" 303
check_eq "back to the conversation" "$(header location)" "$BASE/c/$ID_CUR"
check_match "the session cookie" "$(header set-cookie)" "^omi_view=[A-Za-z0-9_-]+; Path=$BPATH/c/; Max-Age=43200; HttpOnly; SameSite=Lax\$"
http GET "/c/$ID_CUR" -b "$JAR"
check_eq "the conversation" "$STATUS" 200
framing "conversation"
check_match "its title" "$BODY" 'Planning The Kitchen Renovation'
check_match "its action item" "$BODY" 'Send the contractor photos'
check_match "its transcript, labelled as the API does" "$BODY" '<b>\[[0-9:]* - [0-9:]*\] User:</b>'
http GET "/api/conversations/$ID_CUR" -H "Authorization: Bearer $TOKEN_A"
first=$(jget '["transcript"]' | head -1 | sed 's/^\[[^]]*\] //; s/:.*//')
check_eq "the API's first label" "$first" User
http GET "/c/" -b "$JAR"
check_match "the list" "$BODY" 'Project Timeline Discussion'
check_match "signed in as alice" "$BODY" 'Signed in as alice'
http GET "/c/?q=kitchen" -b "$JAR"
check_match "search finds it" "$BODY" 'Planning The Kitchen Renovation'
check_nomatch "and only it" "$BODY" 'Project Timeline Discussion'
http GET "/c/bob-1" -b "$JAR"
check_eq "bob's conversation: 404" "$STATUS" 404
framing "404"
B1=$BODY
http GET "/c/no-such-id" -b "$JAR"
check_eq "an unknown id: the same 404" "$STATUS|$BODY" "404|$B1"
http GET "/c/?q=pelican" -b "$JAR"
check_match "search: nothing of bob's" "$BODY" 'No conversation matches'
OUT=$(printf '%s' "$BODY" | sed -n 's/.*action=".\/:signout"><input type="hidden" name="csrf" value="\([0-9a-f]*\)".*/\1/p')
http POST "/c/:signout" -b "$JAR" -c "$JAR" --data-urlencode "csrf=$CSRF"
check_eq "sign-out with a foreign token: 403" "$STATUS" 403
http POST "/c/:signout" -b "$JAR" -c "$JAR" --data-urlencode "csrf=$OUT"
check_eq "sign-out: 303" "$STATUS" 303
check_eq "sign-out: to the list" "$(header location)" "$BASE/c/"
http GET "/c/$ID_CUR" -b "$JAR"
check_match "signed out: the sign-in page" "$BODY" 'action="./:signin"'
check_nomatch "signed out: nothing shown" "$BODY" 'Kitchen'

echo "== omi-admin revoke ends the session"
http GET "/c/" -c "$JAR" -b "$JAR"
CSRF=$(field csrf)
http POST "/c/:signin" -c "$JAR" -b "$JAR" --data-urlencode "csrf=$CSRF" \
    --data-urlencode uid=alice --data-urlencode "password=correct horse"
check_eq "signed in again" "$STATUS" 303
http GET "/c/" -b "$JAR"
check_match "reads the list" "$BODY" 'Signed in as alice'
"$ADMIN" revoke alice > "$T_TMP/revoke.out" 2>&1 || { t_fail "omi-admin revoke"; cat "$T_TMP/revoke.out" >&2; }
http GET "/c/" -b "$JAR"
check_match "after the revoke: signed out" "$BODY" 'Your sign-in has ended'

api_site_done
