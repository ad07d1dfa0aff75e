#!/bin/bash
# End-to-end through a real web server with curl: deleting an account
# (omi-admin user del) ends its sign-ins and its webhook URL, leaves no byte
# of its conversations in any file of the data directory, and an account
# made again with the same id starts empty and works: list 200 with no
# items, delivery 200, then the list shows it. Under FastCGI, no idle
# process keeps the database file the deletion's compaction replaced.
. "$(dirname "$0")/../lib.sh"

site_init "$T_TMP/data"
D=$OMI_DATA_DIR
user_add alice 'correct horse' || t_fail "user add alice"
KEY_OLD=$WEBHOOK_KEY
user_add bob 'battery staple' || t_fail "user add bob"
KEY_B=$WEBHOOK_KEY
server_start || { t_fail "server start"; t_done; exit 1; }

api() { local t=$1 p=$2; shift 2; http GET "$p" -H "Authorization: Bearer $t" "$@"; }
items() { printf '%s' "$BODY" | python3 -c 'import json,sys
d=json.load(sys.stdin)
print(" ".join(c["id"] for c in d["conversations"]))' 2>&1; }
# found WORD: how many files of the data directory hold WORD.
found() {
	local n=0 f
	for f in "$D"/* "$D"/.[!.]*; do
		[ -f "$f" ] && as_user grep -aqF -- "$1" "$f" && n=$((n + 1))
	done
	echo "$n"
}

sed 's/"id": *"[^"]*"/"id": "alice-old"/; s/Planning The Kitchen Renovation/Quetzal Secret Plans/' \
    "$FIXTURES/omi-current.json" > "$T_TMP/old.json"
webhook_post alice "$KEY_OLD" "$T_TMP/old.json"
check_eq "delivery before" "$STATUS" 200
webhook_post bob "$KEY_B" "$FIXTURES/omi-legacy.json"
check_eq "bob's delivery" "$STATUS" 200
oauth_login alice 'correct horse' || t_fail "oauth_login alice"
TOKEN_OLD=$ACCESS_TOKEN
REFRESH_OLD=$REFRESH_TOKEN
api "$TOKEN_OLD" /api/conversations
check_eq "list before" "$STATUS" 200
check_eq "list before: the conversation" "$(items)" alice-old

out=$("$ADMIN" user del alice 2>&1)
check_match "user del" "$out" "Deleted user alice and 1 conversations"
check_eq "no file holds alice's title" "$(found Quetzal)" 0
check_eq "no file holds alice's conversation id" "$(found alice-old)" 0
check_match "check is clean" "$("$ADMIN" check 2>&1)" "problems: 0"
# FastCGI readers keep their database open between requests (the list above
# left one kept); one idle for a second lets go of it, so the omi.db that
# the compaction replaced, alice's bytes and all, is freed and not held.
case $OMI_SERVER in *-fastcgi|*-fcgid)
	sleep 2.5
	held=$(find /proc/[0-9]*/fd -lname "$D/omi.db (deleted)" 2>/dev/null |
	    wc -l)
	check_eq "no FastCGI process holds the replaced omi.db" "$held" 0
	;;
esac
api "$TOKEN_OLD" /api/conversations
check_eq "the old token is refused" "$STATUS" 401
webhook_post alice "$KEY_OLD" "$T_TMP/old.json"
check_eq "the old webhook URL is refused" "$STATUS" 401

user_add alice 'a new password' || t_fail "user add alice again"
oauth_client
http POST /chatgpt/oauth/token -u "$CLIENT_ID:$CLIENT_SECRET" \
    --data-urlencode grant_type=refresh_token \
    --data-urlencode "refresh_token=$REFRESH_OLD"
check_eq "the old refresh token is refused" "$STATUS" 400
webhook_post alice "$KEY_OLD" "$T_TMP/old.json"
check_eq "the old webhook URL stays refused" "$STATUS" 401
oauth_login alice 'a new password' || t_fail "oauth_login alice again"
api "$ACCESS_TOKEN" /api/conversations
check_eq "re-created: list" "$STATUS" 200
check_eq "re-created: no items" "$(items)" ""
webhook_post alice "$WEBHOOK_KEY" "$FIXTURES/omi-current.json"
check_eq "re-created: delivery" "$STATUS" 200
api "$ACCESS_TOKEN" /api/conversations
check_eq "re-created: list after delivery" "$STATUS" 200
check_eq "re-created: the list shows it" "$(items)" \
    6f1c2a9e-3b7d-4c1e-9a52-0d8e4b7f2c11
api "$ACCESS_TOKEN" /api/conversations/6f1c2a9e-3b7d-4c1e-9a52-0d8e4b7f2c11
check_eq "re-created: detail" "$STATUS" 200
api "$ACCESS_TOKEN" /api/conversations/alice-old
check_eq "re-created: the old conversation is gone" "$STATUS" 404
check_match "check is clean at the end" "$("$ADMIN" check 2>&1)" "problems: 0"

t_done
