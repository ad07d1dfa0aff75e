#!/bin/bash
# The site around the programs: the setup page is served, and nothing private
# is: not the data directory (configuration, database, journal), not dot
# files, not the raw consent-page template.
. "$(dirname "$0")/../lib.sh"

site_init "$T_TMP/data"
user_add alice 'correct horse' || t_fail "user add"
server_start || { t_fail "server start"; t_done; exit 1; }

http GET /
check_eq "setup page" "$STATUS" 200
check_match "setup page is HTML" "$(header content-type)" '^text/html'
check_match "setup page names the service" "$BODY" 'OMI'
for p in /data/config.json /data/omi.db /data/omi.journal /data/ /authorize.html \
    /.htaccess /cgi-bin/.htaccess /../data/config.json; do
	http GET "$p"
	check_match "not served: $p" "$STATUS" '^(403|404)$'
	check_nomatch "no secret in $p" "$BODY" 'client_secret|"key"'
done

# Only the four programs' own names run them: a longer name is no program
# (lighttpd's FastCGI mapping matches by prefix).
for p in /cgi-bin/conversationsX /cgi-bin/tokenfoo /cgi-bin/webhook2 /cgi-bin/authorize.bak; do
	http GET "$p"
	check_match "no program at $p" "$STATUS" '^(403|404)$'
done

# HTTPS behind a proxy: X-Forwarded-Proto counts only from the configured
# proxy address (it decides the consent cookie's Secure flag).
oauth_client
secure_cookie() {
	http GET "/chatgpt/oauth/authorize?response_type=code&client_id=$(urlenc "$CLIENT_ID")&redirect_uri=$(urlenc "$OAUTH_REDIRECT")&state=s" \
	    -H 'X-Forwarded-Proto: https'
	header set-cookie
}
check_nomatch "no trusted proxy: X-Forwarded-Proto ignored" "$(secure_cookie)" 'Secure'
config_set trusted_proxy '"10.1.2.3"'
check_nomatch "another proxy's X-Forwarded-Proto ignored" "$(secure_cookie)" 'Secure'
config_set trusted_proxy '"127.0.0.1"'
check_match "the trusted proxy's X-Forwarded-Proto: Secure cookie" "$(secure_cookie)" 'Secure'
t_done
