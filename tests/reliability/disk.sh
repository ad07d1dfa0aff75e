#!/bin/bash
# A full disk: the data directory on a 3 MiB tmpfs. The webhook never answers
# 2xx for a conversation it could not store (507 or 503), the data file stays
# healthy, and service resumes once space is freed.
OMI_DROP_ROOT=1
. "$(dirname "$0")/../lib.sh"

mnt=$T_TMP/small
mkdir -p "$mnt"
if ! mount -t tmpfs -o size=3m,mode=0755 tmpfs "$mnt"; then
	t_fail "cannot mount a tmpfs (needs root)"
	t_done
	exit 1
fi
trap 'umount "$mnt" 2>/dev/null; t_cleanup' EXIT
[ -n "${OMI_APACHE_USER:-}" ] && chown "$OMI_APACHE_USER" "$mnt"
site_init "$mnt/data"
user_add alice 'correct horse' || t_fail "user add"
server_start || { t_fail "server start"; t_done; exit 1; }

# Random text: conversations are stored compressed, and repeated filler
# would take next to no room.
python3 - "$T_TMP/big" <<'PY'
import base64, json, os, sys
os.makedirs(sys.argv[1])
for i in range(60):
    segs = [{"text": base64.b64encode(os.urandom(150)).decode(), "speaker": "SPEAKER_00", "is_user": True,
             "start": k, "end": k + 0.5} for k in range(300)]
    json.dump({"id": "big-%03d" % i, "created_at": "2025-09-01T10:%02d:00Z" % i,
               "transcript_segments": segs}, open("%s/big-%03d.json" % (sys.argv[1], i), "w"))
PY
acked=0
full=""
for f in "$T_TMP"/big/*.json; do
	webhook_post alice "$WEBHOOK_KEY" "$f"
	case $STATUS in
	200) acked=$((acked + 1)); echo "$(basename "$f" .json)" >> "$T_TMP/acked" ;;
	507|503) full=$STATUS; break ;;
	*) t_fail "unexpected status $STATUS on a filling disk"; break ;;
	esac
done
echo "full disk: $acked acknowledged before the disk filled (status $full)"
check "the disk filled up" [ -n "$full" ]
check_match "full disk: logged" "$(cat "$SERVER_LOG")" 'no space|No space|store'
# Nothing acknowledged is missing, even with the disk full.
stored=$("$ADMIN" conversations alice | awk -F'\t' 'NF > 1 {print $1}' | sort)
check_eq "acknowledged conversations are stored" "$(comm -23 <(sort "$T_TMP/acked") <(printf '%s\n' "$stored") | wc -l)" 0
check "check clean on a full disk" "$ADMIN" check >/dev/null
# Free space (a bigger tmpfs), and service resumes.
mount -o remount,size=32m "$mnt"
webhook_post alice "$WEBHOOK_KEY" "$T_TMP/big/big-059.json"
check_eq "service resumes once space is freed" "$STATUS" 200
check "check clean after resuming" "$ADMIN" check >/dev/null
t_done
