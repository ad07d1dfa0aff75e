#!/bin/bash
# Benchmarks one server configuration (called by scripts/bench.sh).
#   bench-one.sh SERVER SEED_DATADIR RESULTS_FILE
# Copies the seeded data directory, starts SERVER on a free port with the
# project's configuration (and the hello-world CGI beside the programs),
# signs in through the real OAuth flow, then runs wrk against every endpoint
# at concurrency 1 and 16. Appends "server endpoint c rps p50 p99 errors"
# lines to RESULTS_FILE. Never asserts a timing.
set -u
OMI_SERVER=$1
export OMI_SERVER
. "$(dirname "$0")/../tests/lib.sh"
seed=$2 results=$3
dur=${BENCH_SECONDS:-5}
bench=$TOP/tests/bench
case $OMI_SERVER in *-fastcgi|*-fcgid) fastcgi=1 ;; *) fastcgi= ;; esac
# BENCH_ONLY (space-separated endpoint names) limits the runs.
wanted() { [ -z "${BENCH_ONLY:-}" ] || [[ " $BENCH_ONLY " == *" $1 "* ]]; }


mkdir -p "$T_TMP/cgi-bin"
# Every program: lighttpd's FastCGI configuration starts all six.
cp "${BENCH_CGIBIN:-$TOP/cgi-bin}"/{webhook,authorize,token,conversations,mcp,view} "$TOP/build/bench/hello" "$T_TMP/cgi-bin/"
# The durable yardstick is the same binary under the name that makes it
# append and fdatasync (tests/bench/hello.c).
cp "$TOP/build/bench/hello" "$T_TMP/cgi-bin/hello-durable"
# Under Apache's mod_fcgid every program of the directory runs as FastCGI;
# under lighttpd's, only those fastcgi.server names.
if [ "$OMI_SERVER" = lighttpd-fastcgi ]; then
	OMI_LIGHTTPD_EXTRA=$T_TMP/hello-fastcgi.conf
	export OMI_LIGHTTPD_EXTRA
	cat > "$OMI_LIGHTTPD_EXTRA" <<'CONF'
fastcgi.server += (
    "/cgi-bin/hello-durable" => ( var.omi_fcgi + (
        "socket" => var.omi_rundir + "/hello-durable.sock",
        "bin-path" => var.omi_cgibin + "/hello-durable" ) ),
    "/cgi-bin/hello" => ( var.omi_fcgi + (
        "socket" => var.omi_rundir + "/hello.sock",
        "bin-path" => var.omi_cgibin + "/hello" ) ),
)
CONF
fi
cp -a "$seed" "$T_TMP/data"
[ -n "${OMI_APACHE_USER:-}" ] && chown -R "$OMI_APACHE_USER" "$T_TMP/data" "$T_TMP/cgi-bin"
export OMI_DATA_DIR=$T_TMP/data
# The webhook runs deliver to a user of their own: delivered to 'small', they
# made the later list-100 and search runs read a user with thousands.
hook_key=$(printf 'bench password\n' | "$ADMIN" user add hook --password-stdin |
    sed -n 's/^Webhook URL: .*key=//p')
[ -n "$hook_key" ] || { echo "bench: no webhook user" >&2; exit 1; }
sync	# the copy's dirty pages would otherwise land on the first fsync
OMI_CGIBIN=$T_TMP/cgi-bin
server_start || { echo "bench: $OMI_SERVER did not start" >&2; exit 1; }

oauth_login small 'bench password' || exit 1
AT_SMALL=$ACCESS_TOKEN
oauth_login big 'bench password' || exit 1
AT_BIG=$ACCESS_TOKEN
# Refresh tokens: a run ends with requests in flight whose new tokens it
# never reads, so each run (and warm-up) takes fresh ones from a pool.
: > "$T_TMP/rt.pool"
# The pool's sign-ins and the codes below are spread over the seed's other
# users (u1, u2, ...): one user keeps at most 20 live sign-ins, and more
# would end the ones the runs use.
wanted token-refresh && for i in $(seq 1 $(( fastcgi ? 34 : 17 ))); do
	oauth_login "u$i" 'bench password' || exit 1
	echo "$REFRESH_TOKEN" >> "$T_TMP/rt.pool"
done
rt_take() {	# rt_take N: the next N tokens of the pool into $T_TMP/rt
	head -n "$1" "$T_TMP/rt.pool" > "$T_TMP/rt"
	sed -i "1,$1d" "$T_TMP/rt.pool"
}
: > "$T_TMP/codes"
wanted token-code && for i in $(seq 1 ${BENCH_CODES:-160}); do
	STATE= oauth_authorize
	oauth_consent "u$((100 + i))" 'bench password' allow
	[ -n "$CODE" ] && echo "$CODE" >> "$T_TMP/codes"
done
DETAIL_ID=$("$ADMIN" conversations big | sed -n '5000p' | cut -f1)

# run NAME C URL [wrk args...]: one wrk run, one result line.
run() {
	local name=$1 c=$2 url=$3 out rps p50 p99 err
	shift 3
	wanted "$name" || return 0
	# FastCGI process managers start processes on demand (mod_fcgid only
	# after a request waited a second): measure a warm pool.
	if [ -n "$fastcgi" ]; then
		[ "$name" = token-refresh ] && rt_take "$c"
		wrk -t "$c" -c "$c" -d 2s "$@" "$url" >/dev/null 2>&1
	fi
	[ "$name" = token-refresh ] && rt_take "$c"
	# Every run starts with the earlier runs' writes on disk, so that no
	# run pays for the writeback of another's.
	sync
	out=$(wrk -t "$c" -c "$c" -d "${dur}s" --latency "$@" "$url" 2>&1)
	rps=$(printf '%s\n' "$out" | awk '/^Requests\/sec:/ {print $2}')
	p50=$(printf '%s\n' "$out" | awk '$1 == "50%" {print $2}')
	p99=$(printf '%s\n' "$out" | awk '$1 == "99%" {print $2}')
	err=$(printf '%s\n' "$out" | awk '/Non-2xx/ {print $NF} /Socket errors/ {s=$0} END {}')
	echo "$OMI_SERVER $name $c ${rps:-0} ${p50:-?} ${p99:-?} ${err:-0}" >> "$results"
}

# The code grant consumes one code per request, so it is timed over a fixed
# number of codes with curl instead of over a duration; on CGI set-ups the
# hello-world CGI is timed the same way (same count, same parallelism) as its
# yardstick, "hello-curl", so the ratio compares like with like.
curl_timed() {	# curl_timed NAME C CONFIG: runs curl on CONFIG, one result line
	local name=$1 c=$2 cfg=$3 start end
	start=$(date +%s.%N)
	curl -s --parallel --parallel-max "$c" -K "$cfg" > "$T_TMP/times.$c" 2>/dev/null
	end=$(date +%s.%N)
	python3 - "$T_TMP/times.$c" "$start" "$end" "$OMI_SERVER" "$c" "$name" >> "$results" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
t = sorted(float(r[1]) for r in rows)
bad = sum(1 for r in rows if r[0] != "200")
el = float(sys.argv[3]) - float(sys.argv[2])
q = lambda p: "%.2fms" % (1000 * t[min(len(t) - 1, int(p * len(t)))]) if t else "?"
print(sys.argv[4], sys.argv[6], sys.argv[5], "%.2f" % (len(rows) / el), q(0.5), q(0.99), bad)
PY
}

run_codes() {
	local c=$1 i n
	wanted token-code || return 0
	n=$(wc -l < "$T_TMP/codes.$c")
	: > "$T_TMP/cfg.$c"
	# One group per code; curl's "next" starts a new set of options.
	while read -r code; do
		[ -s "$T_TMP/cfg.$c" ] && echo next >> "$T_TMP/cfg.$c"
		printf 'url = "%s/chatgpt/oauth/token"\ndata = "grant_type=authorization_code&code=%s&redirect_uri=%s&client_id=%s&client_secret=%s"\noutput = "/dev/null"\nsilent\nwrite-out = "%%{http_code} %%{time_total}\\n"\n' \
		    "$BASE" "$code" "$(urlenc "$OAUTH_REDIRECT")" "$(urlenc "$CLIENT_ID")" "$(urlenc "$CLIENT_SECRET")" >> "$T_TMP/cfg.$c"
	done < "$T_TMP/codes.$c"
	if [ -z "$fastcgi" ]; then
		# The same POST bodies, so that only the program differs.
		sed "s|^url = .*|url = \"$BASE/cgi-bin/hello\"|" "$T_TMP/cfg.$c" > "$T_TMP/hcfg.$c"
		curl_timed hello-curl "$c" "$T_TMP/hcfg.$c"
	fi
	curl_timed token-code "$c" "$T_TMP/cfg.$c"
}

export BODY_FILE=$T_TMP/body.json WEBHOOK_PATH="/chatgpt/webhook/memory?uid=hook&key=$hook_key"
sed -e 's/"id": *"[^"]*"/"id": "@ID@"/' \
    -e '0,/"created_at"/s/"created_at": *"[^"]*"/"created_at": "@CREATED@"/' \
    "$FIXTURES/omi-current.json" > "$BODY_FILE"
export RT_FILE=$T_TMP/rt CLIENT_ID CLIENT_SECRET TOKEN_PATH=/chatgpt/oauth/token
auth_url="$BASE/chatgpt/oauth/authorize?response_type=code&client_id=$(urlenc "$CLIENT_ID")&redirect_uri=$(urlenc "$OAUTH_REDIRECT")&scope=read%3Amemories&state=bench"
# A refresh grant's body, as refresh.lua sends it (for hello-form's size).
refresh_bytes=$(printf 'grant_type=refresh_token&refresh_token=%s&client_id=%s&client_secret=%s' \
    "$(head -c 43 /dev/zero | tr '\0' a)" "$CLIENT_ID" "$CLIENT_SECRET" | wc -c)
half=$(( $(wc -l < "$T_TMP/codes") / 4 ))
head -n "$half" "$T_TMP/codes" > "$T_TMP/codes.1"
tail -n +"$((half + 1))" "$T_TMP/codes" > "$T_TMP/codes.16"

for c in 1 16; do
	# The yardsticks: a GET, and a POST of a webhook delivery's body that
	# is appended and fdatasynced before the answer (the floor of a
	# durable write), under CGI and FastCGI alike; under CGI also POSTs
	# of a webhook delivery's size and of a refresh grant's (POSTs cost
	# servers more: lighttpd pipes the body, Apache's mod_cgid holds a
	# kept-alive POST).
	run hello "$c" "$BASE/cgi-bin/hello"
	WEBHOOK_PATH=/cgi-bin/hello-durable run hello-durable "$c" "$BASE/" -s "$bench/webhook.lua"
	if [ -z "$fastcgi" ]; then
		WEBHOOK_PATH=/cgi-bin/hello run hello-post "$c" "$BASE/" -s "$bench/webhook.lua"
		POST_BYTES=$refresh_bytes run hello-form "$c" "$BASE/cgi-bin/hello" -s "$bench/post.lua"
	fi
	run webhook "$c" "$BASE/" -s "$bench/webhook.lua"
	TOKEN=$AT_SMALL run list-100 "$c" "$BASE/api/conversations?limit=20" -s "$bench/bearer.lua"
	TOKEN=$AT_BIG run list-10k "$c" "$BASE/api/conversations?limit=20" -s "$bench/bearer.lua"
	TOKEN=$AT_BIG run detail "$c" "$BASE/api/conversations/$DETAIL_ID" -s "$bench/bearer.lua"
	TOKEN=$AT_SMALL run search "$c" "$BASE/api/conversations?q=cabinet&limit=20" -s "$bench/bearer.lua"
	run token-refresh "$c" "$BASE/" -s "$bench/refresh.lua"
	run_codes "$c"
	run authorize-page "$c" "$auth_url"
done

# FastCGI: memory over a long run (at least 100,000 requests to one program).
if [ -n "$fastcgi" ] && wanted memory; then
	rss() { ps -C conversations -o rss= | awk '{s += $1} END {print s + 0}'; }
	before=$(rss)
	out=$(TOKEN=$AT_BIG wrk -t 4 -c 16 -d "${BENCH_MEMORY_SECONDS:-30}s" -s "$bench/bearer.lua" \
	    "$BASE/api/conversations/$DETAIL_ID" 2>&1)
	n=$(printf '%s\n' "$out" | awk '/requests in/ {print $1}')
	after=$(rss)
	echo "memory ($OMI_SERVER): conversations FastCGI processes $before KB before, $after KB after $n requests" >> "$results.notes"
fi
