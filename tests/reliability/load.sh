#!/bin/bash
# Load: 2,000 webhook deliveries with unique ids from 4 users, 100 in flight,
# while 1,000 API reads with valid tokens run at the same time. Every
# delivery answered 2xx is stored exactly once; the only 5xx allowed is a
# 503 with Retry-After, and its retry succeeds; no reader sees a 500 or a
# truncated document; omi-admin check passes.
. "$(dirname "$0")/../lib.sh"

site_init "$T_TMP/data"
server_start || { t_fail "server start"; t_done; exit 1; }
users="ann ben cat dan"
for u in $users; do
	user_add "$u" 'load test password' || t_fail "user add $u"
	echo "$WEBHOOK_KEY" > "$T_TMP/$u.key"
	oauth_login "$u" 'load test password' || t_fail "oauth_login $u"
	echo "$ACCESS_TOKEN" > "$T_TMP/$u.token"
done
mkdir -p "$T_TMP/in" "$T_TMP/out" "$T_TMP/reads"
python3 - "$FIXTURES/omi-current.json" "$T_TMP/in" $users <<'PY'
import json, sys
base = json.load(open(sys.argv[1]))
users = sys.argv[3:]
for i in range(2000):
    u = users[i % len(users)]
    d = dict(base)
    d["id"] = "load-%04d" % i
    d["created_at"] = "2025-10-%02dT%02d:%02d:%02d+00:00" % (1 + i % 28, i % 24, (i * 7) % 60, i % 60)
    json.dump(d, open("%s/%s.load-%04d.json" % (sys.argv[2], u, i), "w"))
PY
export BASE T_TMP

# One delivery, as OMI's sender does it: on 503 wait Retry-After and retry.
cat > "$T_TMP/post.sh" <<'SH'
f=$1; u=${f%%.*}; id=${f#*.}; id=${id%.json}
key=$(cat "$T_TMP/$u.key")
for try in 1 2 3 4 5 6; do
	code=$(curl -s -D "$T_TMP/out/$id.h" -o /dev/null -w '%{http_code}' \
	    -H 'Content-Type: application/json' --data-binary "@$T_TMP/in/$f" \
	    "$BASE/chatgpt/webhook/memory?uid=$u&key=$key")
	echo "$code" >> "$T_TMP/out/$id.codes"
	[ "$code" = 503 ] || break
	grep -qi '^retry-after:' "$T_TMP/out/$id.h" || echo "503 without Retry-After" >> "$T_TMP/out/$id.codes"
	sleep "$(sed -n 's/^[Rr]etry-[Aa]fter: *\([0-9]*\).*/\1/p' "$T_TMP/out/$id.h" | tr -d '\r')"
done
[ "$code" = 200 ] && echo "$u $id" >> "$T_TMP/acked.$u"
exit 0
SH
# One read, as a client does it: a 503 (the lock not free within
# lock_timeout_ms, which a slow or busy machine can exceed with 100 writers
# in flight) is tried again after Retry-After; the last answer must be 200.
cat > "$T_TMP/read.sh" <<'SH'
n=$1; users=(ann ben cat dan); u=${users[$((n % 4))]}
for try in 1 2 3 4 5 6; do
	code=$(curl -s -D "$T_TMP/reads/$n.h" -o "$T_TMP/reads/$n.json" -w '%{http_code}' \
	    -H "Authorization: Bearer $(cat "$T_TMP/$u.token")" "$BASE/api/conversations?limit=50")
	echo "$code" >> "$T_TMP/read.codes"
	[ "$code" = 503 ] || break
	grep -qi '^retry-after:' "$T_TMP/reads/$n.h" || echo "503 without Retry-After" >> "$T_TMP/read.codes"
	sleep "$(sed -n 's/^[Rr]etry-[Aa]fter: *\([0-9]*\).*/\1/p' "$T_TMP/reads/$n.h" | tr -d '\r')"
done
echo "$code" >> "$T_TMP/read.final"
SH
start=$SECONDS
ls "$T_TMP/in" | xargs -P 100 -n 1 bash "$T_TMP/post.sh" &
writers=$!
seq 1 1000 | xargs -P 20 -n 1 bash "$T_TMP/read.sh"
wait $writers
took=$((SECONDS - start))

codes=$(cat "$T_TMP"/out/*.codes | sort | uniq -c | tr -s ' ' | tr '\n' ';')
acked=$(cat "$T_TMP"/acked.* 2>/dev/null | wc -l)
r503=$(cat "$T_TMP"/out/*.codes | grep -c '^503$')
echo "load: 2000 deliveries (100 in flight) + 1000 reads (20 in flight) in ${took}s; delivery statuses:$codes reads: $(sort "$T_TMP/read.codes" | uniq -c | tr -s ' ' | tr '\n' ';')"
check_eq "every delivery acknowledged (after retries)" "$acked" 2000
check_nomatch "no 5xx but 503, no 503 without Retry-After" "$codes" '(50[0-24-9]|5[1-9][0-9]|without)'
check_eq "every read answered 200 (after retries)" "$(sort -u "$T_TMP/read.final" | tr '\n' ' ')" "200 "
check_eq "every read made" "$(wc -l < "$T_TMP/read.final")" 1000
check_nomatch "reads: no 5xx but 503, no 503 without Retry-After" "$(sort -u "$T_TMP/read.codes" | tr '\n' ';')" '(50[0-24-9]|5[1-9][0-9]|without)'
bad=$(python3 - "$T_TMP"/reads/*.json <<'PY'
import json, sys
bad = 0
for f in sys.argv[1:]:
    try:
        assert isinstance(json.load(open(f))["conversations"], list)
    except Exception:
        bad += 1
print(bad)
PY
)
check_eq "no truncated or invalid JSON among 1000 reads" "$bad" 0
for u in $users; do
	stored=$("$ADMIN" conversations "$u" | awk -F'\t' '/^load-/ {print $1}' | sort)
	want=$(awk '{print $2}' "$T_TMP/acked.$u" | sort)
	check_eq "$u: stored = acknowledged (no loss, no duplicate)" "$(printf '%s\n' "$stored" | md5sum)" "$(printf '%s\n' "$want" | md5sum)"
	check_eq "$u: 500 stored" "$(printf '%s\n' "$stored" | grep -c .)" 500
done
check "omi-admin check after load" "$ADMIN" check >/dev/null
t_done
