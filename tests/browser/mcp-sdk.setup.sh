# tests/browser/mcp-sdk.setup.sh: what mcp-sdk.test.mjs reads, sourced by
# tests/browser/run.sh after it started the server and created OMI_USER
# (alice, whose webhook key is WEBHOOK_KEY): the fixtures omi-current and
# omi-legacy and a long conversation long-1 posted for alice, and a second
# user, bob, with a conversation of his own (bob-1, whose transcript holds
# the word "pelican", which alice's conversations do not); FIXTURES and
# ADMIN exported for the test.
KEY_A=$WEBHOOK_KEY
for f in omi-current omi-legacy; do
	webhook_post "$OMI_USER" "$KEY_A" "$FIXTURES/$f.json"
	[ "$STATUS" = 200 ] || { echo "mcp-sdk setup: post $f: $STATUS" >&2; exit 1; }
done
# 400 segments: a transcript of about 30,000 code points, which the
# test reads in parts.
python3 - "$T_TMP/long.json" <<'PY'
import json, sys
segs = [{"text": "Long part %d \u00e4\u00f6\u00fc \U0001F600 with some more words" % i,
         "speaker": "SPEAKER_%02d" % (i % 3), "is_user": i % 3 == 0,
         "start": i * 4.0, "end": i * 4.0 + 3.5} for i in range(400)]
json.dump({"id": "long-1", "created_at": "2025-09-01T00:00:00Z",
           "structured": {"title": "A Long Talk", "overview": "Many parts."},
           "transcript_segments": segs}, open(sys.argv[1], "w"))
PY
webhook_post "$OMI_USER" "$KEY_A" "$T_TMP/long.json"
[ "$STATUS" = 200 ] || { echo "mcp-sdk setup: post long-1: $STATUS" >&2; exit 1; }
export OMI_USER2=bob OMI_PASSWORD2='browser pass 2'
user_add "$OMI_USER2" "$OMI_PASSWORD2" || exit 1
printf '{"id":"bob-1","created_at":"2025-01-01T00:00:00Z","structured":{"title":"Bob Private Notes","action_items":[{"description":"Feed the pelican","completed":false}]},"transcript_segments":[{"text":"pelican secret"}]}' > "$T_TMP/bob.json"
webhook_post "$OMI_USER2" "$WEBHOOK_KEY" "$T_TMP/bob.json"
[ "$STATUS" = 200 ] || { echo "mcp-sdk setup: post bob-1: $STATUS" >&2; exit 1; }
# The test runs omi-admin revoke (as the server's user under Apache).
export FIXTURES ADMIN
