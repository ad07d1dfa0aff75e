#!/bin/bash
# Fills a data directory for the benchmarks: 1,000 users, 'small' with 100
# conversations, 'big' with 10,000, the others with 5 each; written through
# omi-admin import (the same convdb code as the webhook). Leaves the webhook
# key of 'small' in DIR/small.key.
#   bench-fill.sh DIR
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$1
export OMI_DATA_DIR=$dir
BASE_URL=http://127.0.0.1:0 "$top/omi-admin" init >/dev/null
gen() {	# gen UID N
	python3 - "$top/tests/fixtures/omi-current.json" "$1" "$2" <<'PY'
import json, random, sys
base = json.load(open(sys.argv[1]))
uid, n = sys.argv[2], int(sys.argv[3])
words = "kitchen budget cabinet timeline contractor meeting project garden travel doctor school music".split()
rnd = random.Random(uid)
for i in range(n):
    d = dict(base)
    d["id"] = "%s-%05d" % (uid, i)
    d["created_at"] = "20%02d-%02d-%02dT%02d:%02d:%02d+00:00" % (
        20 + i // 4000, 1 + (i // 300) % 12, 1 + (i // 10) % 28, i % 24, (i * 7) % 60, i % 60)
    t = " ".join(rnd.choice(words) for _ in range(4)).title()
    d["structured"] = dict(base["structured"], title=t, overview="About " + t.lower() + ".")
    print(json.dumps(d))
PY
}
for u in small big; do
	printf 'bench password\n' | "$top/omi-admin" user add "$u" --password-stdin |
	    sed -n 's/^Webhook URL: .*key=//p' > "$dir/$u.key"
done
gen small 100 | "$top/omi-admin" import small
gen big 10000 | "$top/omi-admin" import big
for i in $(seq 1 998); do
	printf 'bench password\n' | "$top/omi-admin" user add "u$i" --password-stdin >/dev/null &
	[ $((i % 8)) = 0 ] && wait
	:
done
wait
for i in $(seq 1 998); do gen "u$i" 5; done > "$dir/others.jsonl"
for i in $(seq 1 998); do
	grep "\"id\": \"u$i-" "$dir/others.jsonl" | "$top/omi-admin" import "u$i" >/dev/null
done
rm -f "$dir/others.jsonl"
"$top/omi-admin" check
