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
# The clients: one Python process with 100 threads delivering and 20
# reading, each request on a connection of its own, as OMI's sender and a
# GPT's calls make them. A delivery that gets 503 waits Retry-After and
# tries again, up to 6 times, as OMI's sender does; so does a read (the
# lock not free within lock_timeout_ms, which a slow or busy machine can
# exceed with 100 writers in flight); the last answer must be 200. (Forked
# curl and shell processes, three or four a request, took most of this
# test's time.)
start=$SECONDS
"$OMI_PYTHON" - "$BASE" "$T_TMP" $users <<'PY'
import http.client, os, sys, threading, time, urllib.parse
from concurrent.futures import ThreadPoolExecutor

base, tmp, users = sys.argv[1], sys.argv[2], sys.argv[3:]
url = urllib.parse.urlsplit(base)
prefix = url.path.rstrip("/")
lock = threading.Lock()


def append(path, text):
    with lock, open(path, "a") as f:
        f.write(text)


def request(method, path, body, headers):
    c = http.client.HTTPConnection(url.hostname, url.port, timeout=300)
    try:
        c.request(method, prefix + path, body=body, headers=headers)
        r = c.getresponse()
        return r.status, r.getheader("Retry-After"), r.read()
    except (OSError, http.client.HTTPException):
        return 0, None, b""	# as curl's 000: no answer
    finally:
        c.close()


def retried(method, path, body, headers, codes):
    for _ in range(6):
        status, after, data = request(method, path, body, headers)
        codes.append("%03d" % status)
        if status != 503:
            break
        if after is None or not after.strip().isdigit():
            codes.append("503 without Retry-After")
            after = "0"
        time.sleep(int(after))
    return status, data


def deliver(name):
    user, rest = name.split(".", 1)
    cid = rest[: -len(".json")]
    key = open("%s/%s.key" % (tmp, user)).read().strip()
    body = open("%s/in/%s" % (tmp, name), "rb").read()
    codes = []
    status, _ = retried("POST", "/chatgpt/webhook/memory?uid=%s&key=%s" %
                        (user, key), body,
                        {"Content-Type": "application/json"}, codes)
    with open("%s/out/%s.codes" % (tmp, cid), "w") as f:
        f.write("".join(c + "\n" for c in codes))
    if status == 200:
        append("%s/acked.%s" % (tmp, user), "%s %s\n" % (user, cid))


def read(n):
    user = users[n % len(users)]
    token = open("%s/%s.token" % (tmp, user)).read().strip()
    codes = []
    status, data = retried("GET", "/api/conversations?limit=50", None,
                           {"Authorization": "Bearer " + token}, codes)
    append("%s/read.codes" % tmp, "".join(c + "\n" for c in codes))
    with open("%s/reads/%d.json" % (tmp, n), "wb") as f:
        f.write(data)
    append("%s/read.final" % tmp, "%03d\n" % status)


with ThreadPoolExecutor(100) as writers, ThreadPoolExecutor(20) as readers:
    done = [writers.submit(deliver, f) for f in sorted(os.listdir(tmp + "/in"))]
    done += [readers.submit(read, n) for n in range(1, 1001)]
    for d in done:
        d.result()
PY
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
