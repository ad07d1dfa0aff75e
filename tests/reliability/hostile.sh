#!/bin/bash
# Hostile input, table-driven: each row is a request and the status it must
# get. After the table nothing may be stored that should not be, no program
# may have crashed (the sanitizer build runs here: any ASan/UBSan report or
# signal death shows as a 500/502 and in the log), no header may be injected,
# and omi-admin check must pass. Rows for the conversation pages (/c/)
# follow the webhook's.
. "$(dirname "$0")/../lib.sh"
OMI_CGIBIN=${OMI_TEST_CGIBIN:-$TOP/build-asan/cgi-bin}

site_init "$T_TMP/data"
user_add alice 'correct horse' || t_fail "user add"
K=$WEBHOOK_KEY
server_start || { t_fail "server start"; t_done; exit 1; }
W="/chatgpt/webhook/memory?uid=alice&key=$K"

# Bodies.
b() { printf '%s' "$2" > "$T_TMP/$1"; }
b ok.json '{"id":"ok-1","created_at":"2025-01-01T00:00:00Z"}'
b trunc.json '{"id":"x","created_at":"2025-01-01T00:00:'
b invalid.json '{"id": x}'
python3 -c 'print("[" * 10000 + "]" * 10000)' > "$T_TMP/deep.json"
python3 -c 'import json; print(json.dumps({"created_at": "2025-01-01", "o": {"a" * 9: "b" * 1000000}}))' > "$T_TMP/bigstr.json"
printf '{"created_at":"2025-01-01","t":"a\x00b"}' > "$T_TMP/nul.json"
printf '{"created_at":"2025-01-01","t":[1\x00,{}]}' > "$T_TMP/nulnum.json"
b nulesc.json '{"created_at":"2025-01-01","t":"a\u0000b"}'
printf '{"created_at":"2025-01-01","t":"\xc0\xaf"}' > "$T_TMP/utf8.json"
b dup.json '{"created_at":"2025-01-01","created_at":"2025-01-02"}'
b types.json '{"created_at":"2025-01-01","transcript_segments":"x"}'
b types2.json '{"created_at":"2025-01-01","transcript_segments":[{"text":"a","start":"0"}]}'
b arr.json '[{"created_at":"2025-01-01"}]'
b num.json '42'
b badid.json '{"id":"../../etc/passwd","created_at":"2025-01-01"}'
b badid2.json '{"id":"a:b","created_at":"2025-01-01"}'
b script.json '{"id":"<script>","created_at":"2025-01-01"}'
b crlfid.json '{"id":"a\r\nSet-Cookie: x=1","created_at":"2025-01-01"}'
long=$(head -c 9000 /dev/zero | tr '\0' a)
# 8 MiB of empty objects: Jansson took 660 MB for it before the key was
# checked (tests/cgi/webhook.sh measures the memory).
python3 -c 'h = "{\"created_at\":\"2025-01-01\",\"x\":["; n = (8 * 1024 * 1024 - len(h) - 2) // 3; print(h + ",".join(["{}"] * n) + "]}", end="")' > "$T_TMP/objs8m.json"

# The MCP endpoint's JSON-RPC bodies (with alice's token) and the client
# registration bodies.
b rpc-ok.json '{"jsonrpc":"2.0","id":1,"method":"ping"}'
b rpc-trunc.json '{"jsonrpc":"2.0","id":1,"method":"pi'
python3 -c 'print("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":" + "[" * 10000 + "]" * 10000 + "}")' > "$T_TMP/rpc-deep.json"
b rpc-batch.json '[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"ping"}]'
printf '{"jsonrpc":"2.0","id":1,"method":"pi\x00ng"}' > "$T_TMP/rpc-nul.json"
printf '{"jsonrpc":"2.0","id":"\xc0\xaf","method":"ping"}' > "$T_TMP/rpc-utf8.json"
b rpc-crlf.json '{"jsonrpc":"2.0","id":"a\r\nSet-Cookie: x=1","method":"ping"}'
b rpc-tool.json '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"fetch","arguments":{"id":"../../etc/passwd"}}}'
b rpc-args.json '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search","arguments":{"query":{"$gt":""}}}}'
python3 -c 'print("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"search\",\"arguments\":{\"query\":\"" + "a" * 70000 + "\"}}}")' > "$T_TMP/rpc-big.json"
b reg-http.json '{"redirect_uris":["http://evil.example/cb"]}'
b reg-frag.json '{"redirect_uris":["https://a.example/cb#x"]}'
b reg-crlf.json '{"redirect_uris":["https://a.example/cb\r\nSet-Cookie: x=1"]}'
b reg-name.json '{"redirect_uris":["https://a.example/cb"],"client_name":"a\u0000b"}'
python3 -c 'import json; print(json.dumps({"redirect_uris": ["https://a.example/cb%d" % i for i in range(1000)]}))' > "$T_TMP/reg-many.json"
python3 -c 'print("{\"redirect_uris\":" + "[" * 10000 + "]" * 10000 + "}")' > "$T_TMP/reg-deep.json"
oauth_login alice 'correct horse' || t_fail "oauth_login alice"
# Arrays, named in the rows as "${A[@]}" so that a failure's line shows no token.
A=(-H "Authorization: Bearer $ACCESS_TOKEN" -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream')
J=(-H 'Content-Type: application/json')

# status (or statuses, comma-separated, where the server itself may refuse
# before the program runs)|method|path|
# extra curl arguments (shell words)
while IFS='|' read -r want method path args; do
	[ -z "$want" ] || [ "${want#\#}" != "$want" ] && continue
	eval "http \"\$method\" \"\$path\" $args"
	desc=$(printf '%s %s %s' "$method" "$path" "$args" | cut -c1-160)
	check_match "$desc" "$STATUS" "^(${want//,/|})\$"
	check_nomatch "no injected header: $desc" "$HEADERS" '^set-cookie: x=1'
done <<ROWS
200|POST|$W|--data-binary @$T_TMP/ok.json
400|POST|$W|--data-binary @$T_TMP/trunc.json
400|POST|$W|--data-binary @$T_TMP/invalid.json
400|POST|$W|--data-binary @$T_TMP/deep.json
401|POST|/chatgpt/webhook/memory?uid=alice&key=x$K|--data-binary @$T_TMP/objs8m.json
401|POST|/chatgpt/webhook/memory?uid=nobody&key=$K|--data-binary @$T_TMP/objs8m.json
413|POST|$W|--data-binary @$T_TMP/objs8m.json
200|POST|$W|--data-binary @$T_TMP/bigstr.json
400|POST|$W|--data-binary @$T_TMP/nul.json
400|POST|$W|--data-binary @$T_TMP/nulnum.json
400|POST|$W|--data-binary @$T_TMP/nulesc.json
400|POST|$W|--data-binary @$T_TMP/utf8.json
400|POST|$W|--data-binary @$T_TMP/dup.json
400|POST|$W|--data-binary @$T_TMP/types.json
400|POST|$W|--data-binary @$T_TMP/types2.json
400|POST|$W|--data-binary @$T_TMP/arr.json
400|POST|$W|--data-binary @$T_TMP/num.json
400|POST|$W|--data-binary @$T_TMP/badid.json
400|POST|$W|--data-binary @$T_TMP/badid2.json
400|POST|$W|--data-binary @$T_TMP/script.json
400|POST|$W|--data-binary @$T_TMP/crlfid.json
200|GET|/c/|-H 'Cookie: omi_view=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
200,400,431|GET|/c/x|-H 'Cookie: omi_view=$long'
404,400|GET|/c/..%2F..%2Fetc%2Fpasswd|
200,400|GET|/c/:signin?next=%0d%0aSet-Cookie:%20x=1|
200|GET|/c/:signin?next=..%2Fx|
403|POST|/c/:signin|--data 'csrf=x&uid=alice&password=p'
400|POST|/c/:signin|--data 'csrf=%zz'
400|POST|/c/:signin|--data-binary @$T_TMP/ok.json -H 'Content-Type: application/json'
413|POST|/c/:signin|--data-binary @$T_TMP/objs8m.json
400|POST|/c/:signout|--data 'csrf=a&csrf=b' -H 'Cookie: omi_view=x'
414,431|GET|/c/?q=$long|
405|DELETE|/c/|
400|POST|$W|--data-binary @$T_TMP/ok.json -H 'Content-Length: abc'
400|POST|$W|--data-binary @$T_TMP/ok.json -H 'Content-Length: -1'
413,400|POST|$W|--data-binary @$T_TMP/ok.json -H 'Content-Length: 99999999999999999999'
413|POST|$W|--data-binary @$T_TMP/ok.json -H 'Content-Length: 5000000000'
200|POST|$W|--data-binary @$T_TMP/ok.json -H 'Transfer-Encoding: chunked'
400,401|POST|/chatgpt/webhook/memory?uid=alice%0d%0aSet-Cookie:%20x=1&key=$K|--data-binary @$T_TMP/ok.json
401|POST|/chatgpt/webhook/memory?uid=..%2Falice&key=$K|--data-binary @$T_TMP/ok.json
400,401|POST|/chatgpt/webhook/memory?uid=alice%00&key=$K|--data-binary @$T_TMP/ok.json
400,401|POST|/chatgpt/webhook/memory?uid=alice&key=%zz|--data-binary @$T_TMP/ok.json
401|POST|/chatgpt/webhook/memory?uid=alice&uid=bob&key=$K|--data-binary @$T_TMP/ok.json
414,431|POST|$W&pad=$long|--data-binary @$T_TMP/ok.json
405|DELETE|$W|
405|PATCH|$W|--data-binary @$T_TMP/ok.json
405|OPTIONS|$W|
405,501|FOO|$W|
200|POST|/mcp|"\${A[@]}" --data-binary @$T_TMP/rpc-ok.json
400|POST|/mcp|"\${A[@]}" --data-binary @$T_TMP/rpc-trunc.json
400|POST|/mcp|"\${A[@]}" --data-binary @$T_TMP/rpc-deep.json
400|POST|/mcp|"\${A[@]}" --data-binary @$T_TMP/rpc-batch.json
400|POST|/mcp|"\${A[@]}" --data-binary @$T_TMP/rpc-nul.json
400|POST|/mcp|"\${A[@]}" --data-binary @$T_TMP/rpc-utf8.json
400|POST|/mcp|"\${A[@]}" --data-binary @$T_TMP/rpc-crlf.json
200|POST|/mcp|"\${A[@]}" --data-binary @$T_TMP/rpc-tool.json
200|POST|/mcp|"\${A[@]}" --data-binary @$T_TMP/rpc-args.json
413|POST|/mcp|"\${A[@]}" --data-binary @$T_TMP/rpc-big.json
413|POST|/mcp|"\${A[@]}" --data-binary @$T_TMP/objs8m.json
413,401|POST|/mcp|"\${J[@]}" --data-binary @$T_TMP/objs8m.json
413,401|POST|/mcp|"\${J[@]}" -H 'Authorization: Bearer x' --data-binary @$T_TMP/objs8m.json
403|POST|/mcp|"\${A[@]}" -H 'Origin: http://evil.example' --data-binary @$T_TMP/rpc-ok.json
400|POST|/mcp|"\${A[@]}" -H 'MCP-Protocol-Version: 1999-01-01' --data-binary @$T_TMP/rpc-ok.json
400|POST|/mcp|"\${A[@]}" --data-binary @$T_TMP/rpc-ok.json -H 'Content-Length: abc'
200|POST|/mcp|"\${A[@]}" --data-binary @$T_TMP/rpc-ok.json -H 'Transfer-Encoding: chunked'
405|GET|/mcp|"\${A[@]}"
405|DELETE|/mcp|"\${A[@]}"
400|POST|/chatgpt/oauth/register|"\${J[@]}" --data-binary @$T_TMP/trunc.json
400|POST|/chatgpt/oauth/register|"\${J[@]}" --data-binary @$T_TMP/reg-http.json
400|POST|/chatgpt/oauth/register|"\${J[@]}" --data-binary @$T_TMP/reg-frag.json
400|POST|/chatgpt/oauth/register|"\${J[@]}" --data-binary @$T_TMP/reg-crlf.json
400|POST|/chatgpt/oauth/register|"\${J[@]}" --data-binary @$T_TMP/reg-name.json
400,413|POST|/chatgpt/oauth/register|"\${J[@]}" --data-binary @$T_TMP/reg-many.json
400,413|POST|/chatgpt/oauth/register|"\${J[@]}" --data-binary @$T_TMP/reg-deep.json
413|POST|/chatgpt/oauth/register|"\${J[@]}" --data-binary @$T_TMP/objs8m.json
400|POST|/chatgpt/oauth/register|"\${J[@]}" --data-binary @$T_TMP/nul.json
400|POST|/chatgpt/oauth/register|"\${J[@]}" --data-binary @$T_TMP/ok.json -H 'Content-Length: abc'
405|GET|/chatgpt/oauth/register|
ROWS

ids=$("$ADMIN" conversations alice | awk -F'\t' 'NF > 1 {print $1}' | sort | tr '\n' ' ')
# ok-1, the chunked re-post of ok-1, and the 1 MB string (an id derived from its content).
check_match "only the valid conversations are stored" "$ids" '^c-[0-9a-f]{32} ok-1 $'
check_nomatch "no sanitizer report, no crash" "$(cat "$SERVER_LOG")" 'AddressSanitizer|runtime error|Segmentation|terminated by signal'
# Not one of the refused registrations was kept.
check_eq "no client registered" "$("$ADMIN" client list | tail -1)" "0 registered clients (the configured one: client show)"
check "omi-admin check" "$ADMIN" check >/dev/null
t_done
