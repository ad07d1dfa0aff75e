#!/usr/bin/env python3
"""bench-gen.py ADMIN TOTAL USERS BENCH_SHARE: fills the data directory of
$OMI_DATA_DIR with TOTAL made-up conversations for USERS users through
`omi-admin import` (the same validation and convdb_put as the webhook, in
large store sessions). User u0000, the one the benchmark signs in as, gets
BENCH_SHARE of them (at least 1); the rest go round-robin to u0001...

Every conversation has 12 segments of ordinary words; one in 20 mentions
"zeppelin" in its transcript only (never in a title or overview), so a
search for it has to read transcripts. Prints the bench user's ids, one a
line, for the detail requests."""
import datetime, json, random, subprocess, sys

admin, total, users, share = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
rng = random.Random(42)
WORDS = ("project budget kitchen meeting travel doctor garden weekend school market "
         "contract design review launch dinner family coffee train morning report "
         "deadline invoice friend music workout recipe holiday weather client plan").split()
CATS = ["personal", "work", "business", "education", "health", "finance", "travel", "other"]

def words(n):
    return " ".join(rng.choice(WORDS) for _ in range(n))

def conversation(uid, k):
    t = 1700000000 + k * 3600
    segs = []
    for s in range(12):
        text = words(14).capitalize() + "."
        if s == 7 and rng.random() < 0.05:
            text += " We took the zeppelin."
        segs.append({"id": "%s-%d-s%d" % (uid, k, s), "text": text,
                     "speaker": "SPEAKER_%02d" % (s % 3), "speaker_id": s % 3,
                     "is_user": s % 3 == 0, "start": s * 9.5, "end": s * 9.5 + 8.0})
    created = datetime.datetime.fromtimestamp(t, datetime.timezone.utc).isoformat()
    return {"id": "%s-c%06d" % (uid, k), "created_at": created, "started_at": created,
            "finished_at": created, "language": "en",
            "structured": {"title": words(4).title(), "overview": words(30).capitalize() + ".",
                           "emoji": "\U0001F4AC", "category": rng.choice(CATS),
                           "action_items": [{"description": words(6), "completed": False}],
                           "events": []},
            "transcript_segments": segs, "discarded": rng.random() < 0.03}

bench = max(1, int(total * share)) if users > 1 else total
counts = {0: bench}
rest = total - bench
for i in range(rest):
    u = 1 + i % (users - 1)
    counts[u] = counts.get(u, 0) + 1
for u in sorted(counts):
    uid = "u%04d" % u
    lines = "\n".join(json.dumps(conversation(uid, k)) for k in range(counts[u]))
    r = subprocess.run([admin, "import", uid], input=lines.encode(), capture_output=True)
    if r.returncode != 0:
        sys.exit("import for %s failed: %s" % (uid, r.stderr.decode()))
    if u == 0:
        for k in range(counts[u]):
            print("%s-c%06d" % (uid, k))
