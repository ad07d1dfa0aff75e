/*
 * test_oauth: the auth/oauth*.c family: redirect URI matching, Basic header
 * parsing, PKCE, scopes, and the token life cycle (code, replay, refresh
 * rotation and reuse, revocation, expiry) against a real store in a
 * temporary directory, checked through oauth_bearer_check.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <crypt.h>

#include "unit.h"

#include "auth/account.h"
#include "auth/oauth-impl.h"
#include "auth/oauth.h"
#include "http/cgi.h"
#include "lib/buf.h"
#include "lib/clock.h"
#include "lib/config.h"
#include "lib/sec.h"
#include "store/record.h"
#include "store/store.h"

#define CHATGPT	"https://chatgpt.com/aip/g-*/oauth/callback"
#define OPENAI	"https://chat.openai.com/aip/g-*/oauth/callback"
#define A1	"198.51.100.1"	/* an attacker's address */
#define A2	"203.0.113.7"	/* the owner's */

static void
test_redirect_match(void)
{
	static const struct {
		const char	*pattern, *uri;
		int		 want;
	} t[] = {
		{ CHATGPT, "https://chatgpt.com/aip/g-abc123/oauth/callback", 1 },
		{ CHATGPT, "https://chatgpt.com/aip/g-A_b-9/oauth/callback", 1 },
		{ OPENAI, "https://chat.openai.com/aip/g-x/oauth/callback", 1 },
		/* other host, look-alikes */
		{ CHATGPT, "https://evil.com/aip/g-abc/oauth/callback", 0 },
		{ CHATGPT, "https://chatgpt.com.evil.com/aip/g-abc/oauth/callback", 0 },
		{ CHATGPT, "https://evilchatgpt.com/aip/g-abc/oauth/callback", 0 },
		/* same host, other path */
		{ CHATGPT, "https://chatgpt.com/aip/g-abc/oauth/other", 0 },
		{ CHATGPT, "https://chatgpt.com/aip/g-abc/oauth/callback/x", 0 },
		{ CHATGPT, "https://chatgpt.com/aip/g-abc/oauth/callback/", 0 },
		{ CHATGPT, "https://chatgpt.com/aip/g-/oauth/callback", 0 },
		{ CHATGPT, "https://chatgpt.com/aip/abc/oauth/callback", 0 },
		/* @ tricks */
		{ CHATGPT, "https://chatgpt.com@evil.com/aip/g-a/oauth/callback", 0 },
		{ CHATGPT, "https://evil.com@chatgpt.com/aip/g-a/oauth/callback", 0 },
		{ CHATGPT, "https://chatgpt.com/aip/g-a@evil.com/oauth/callback", 0 },
		/* the wildcard must not cross a path segment or encode one */
		{ CHATGPT, "https://chatgpt.com/aip/g-a/b/oauth/callback", 0 },
		{ CHATGPT, "https://chatgpt.com/aip/g-a%2Fb/oauth/callback", 0 },
		{ CHATGPT, "https://chatgpt.com/aip/g-a%2fx/oauth/callback", 0 },
		{ CHATGPT, "https://chatgpt.com/aip/g-..%2F..%2F/oauth/callback", 0 },
		{ CHATGPT, "https://chatgpt.com/aip/g-a.b/oauth/callback", 0 },
		{ CHATGPT, "https://chatgpt.com/aip/g-a:1/oauth/callback", 0 },
		{ CHATGPT, "https://chatgpt.com/aip/g-a b/oauth/callback", 0 },
		{ CHATGPT, "https://chatgpt.com/aip/g-a\r\nX:y/oauth/callback", 0 },
		/* trailing dots, ports, case, scheme */
		{ CHATGPT, "https://chatgpt.com./aip/g-a/oauth/callback", 0 },
		{ CHATGPT, "https://chatgpt.com:443/aip/g-a/oauth/callback", 0 },
		{ CHATGPT, "HTTPS://chatgpt.com/aip/g-a/oauth/callback", 0 },
		{ CHATGPT, "https://ChatGPT.com/aip/g-a/oauth/callback", 0 },
		{ CHATGPT, "http://chatgpt.com/aip/g-a/oauth/callback", 0 },
		{ CHATGPT, "https://chatgpt.com/AIP/g-a/oauth/callback", 0 },
		/* query or fragment added */
		{ CHATGPT, "https://chatgpt.com/aip/g-a/oauth/callback?x=1", 0 },
		{ CHATGPT, "https://chatgpt.com/aip/g-a/oauth/callback#f", 0 },
		{ CHATGPT, "https://chatgpt.com/aip/g-a/oauth/callback?", 0 },
		/* exact patterns */
		{ "https://c.example/cb?x=1", "https://c.example/cb?x=1", 1 },
		{ "https://c.example/cb?x=1", "https://c.example/cb?x=2", 0 },
		{ "https://c.example/cb?x=1", "https://c.example/cb", 0 },
		{ "https://c.example/cb", "https://c.example/cb?x=1", 0 },
		/* backtracking: '-' belongs to the wildcard's class */
		{ "https://c.example/g-*-x/cb", "https://c.example/g-ab-x/cb", 1 },
		{ "https://c.example/g-*-x/cb", "https://c.example/g-ab-y/cb", 0 },
		{ "https://c.example/g-*", "https://c.example/g-", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int got = oauth_redirect_match(t[i].pattern, t[i].uri);
		if (got != t[i].want)
			fprintf(stderr, "redirect case %zu: %s\n", i, t[i].uri);
		CHECK(got == t[i].want);
	}
}

static void
test_redirect_allowed(void)
{
	struct config	 c;
	char		 longuri[OAUTH_URI_MAX + 64];

	config_defaults(&c);
	CHECK(config_add_redirect(&c, CHATGPT) == 0);
	CHECK(config_add_redirect(&c, OPENAI) == 0);
	CHECK(oauth_redirect_allowed(&c,
	    "https://chatgpt.com/aip/g-abc/oauth/callback"));
	CHECK(oauth_redirect_allowed(&c,
	    "https://chat.openai.com/aip/g-abc/oauth/callback"));
	CHECK(!oauth_redirect_allowed(&c, ""));
	CHECK(!oauth_redirect_allowed(&c,
	    "https://chatgpt.com/aip/g-abc/oauth/callback#frag"));
	CHECK(!oauth_redirect_allowed(&c, "javascript:alert(1)"));
	CHECK(!oauth_redirect_allowed(&c, "//chatgpt.com/aip/g-a/oauth/callback"));
	memset(longuri, 0, sizeof(longuri));
	memcpy(longuri, "https://chatgpt.com/aip/g-", 26);
	memset(longuri + 26, 'a', OAUTH_URI_MAX);
	CHECK(!oauth_redirect_allowed(&c, longuri));
	config_free(&c);
}

static void
test_redirect_patterns(void)
{
	CHECK(oauth_redirect_pattern_ok(CHATGPT));
	CHECK(oauth_redirect_pattern_ok("https://example.com/cb"));
	CHECK(oauth_redirect_pattern_ok("http://localhost:8080/cb"));
	CHECK(oauth_redirect_pattern_ok("http://127.0.0.1/cb"));
	CHECK(!oauth_redirect_pattern_ok("http://example.com/cb"));
	CHECK(!oauth_redirect_pattern_ok("http://localhost.evil.com/cb"));
	CHECK(!oauth_redirect_pattern_ok("https://*.example.com/cb"));
	CHECK(!oauth_redirect_pattern_ok("https://user@example.com/cb"));
	CHECK(!oauth_redirect_pattern_ok("https://example.com/cb#x"));
	CHECK(!oauth_redirect_pattern_ok("https://example.com"));
	CHECK(!oauth_redirect_pattern_ok("https://example.com*/cb"));
	CHECK(!oauth_redirect_pattern_ok("ftp://example.com/cb"));
	CHECK(!oauth_redirect_pattern_ok("https://example.com/c b"));
	CHECK(!oauth_redirect_pattern_ok(""));
}

static void
test_redirect_build(void)
{
	char *s;

	s = oauth_redirect_build("https://c/cb", "code", "abc", "state",
	    "x y&z=1#\r\n", NULL);
	CHECK(s && strcmp(s, "https://c/cb?code=abc&state=x%20y%26z%3D1%23"
	    "%0D%0A") == 0);
	free(s);
	s = oauth_redirect_build("https://c/cb?x=1", "code", "abc", "state",
	    NULL, NULL);
	CHECK(s && strcmp(s, "https://c/cb?x=1&code=abc") == 0);
	free(s);
	s = oauth_redirect_build("https://c/cb", "error", "access_denied",
	    "state", "", NULL);
	CHECK(s && strcmp(s, "https://c/cb?error=access_denied") == 0);
	free(s);
	s = oauth_redirect_build("https://c/cb", "state", "%41<script>", NULL);
	CHECK(s && strcmp(s, "https://c/cb?state=%2541%3Cscript%3E") == 0);
	free(s);
}

static void
basic_case(const char *header, int want, const char *wid,
    const char *wsecret)
{
	char		*id, *secret;
	enum omi_err	 rc = cgi_auth_basic(header, &id, &secret);

	/* want: 0 parsed, 1 not Basic, -1 malformed. */
	CHECK(rc == (want == 0 ? OMI_OK : want == 1 ? OMI_NOTFOUND :
	    OMI_INVALID));
	if (rc == OMI_OK) {
		CHECK(strcmp(id, wid) == 0);
		CHECK(strcmp(secret, wsecret) == 0);
		free(id);
		free(secret);
	} else
		CHECK(id == NULL && secret == NULL);
}

static void
test_basic(void)
{
	/* base64("client:secret") */
	basic_case("Basic Y2xpZW50OnNlY3JldA==", 0, "client", "secret");
	basic_case("basic Y2xpZW50OnNlY3JldA==", 0, "client", "secret");
	/* base64("cl%3Aid:s%3Ae%25c%2Br+et") -> "cl:id", "s:e%c+r et" */
	basic_case("Basic Y2wlM0FpZDpzJTNBZSUyNWMlMkJyK2V0", 0, "cl:id",
	    "s:e%c+r et");
	/* base64("id:a:b:c") -> split at the first colon */
	basic_case("Basic aWQ6YTpiOmM=", 0, "id", "a:b:c");
	/* base64("id:") -> an empty secret */
	basic_case("Basic aWQ6", 0, "id", "");
	basic_case("Bearer abc", 1, NULL, NULL);
	basic_case(NULL, 1, NULL, NULL);
	basic_case("Basic !!!", -1, NULL, NULL);
	/* base64("nocolon") */
	basic_case("Basic bm9jb2xvbg==", -1, NULL, NULL);
	/* base64("id:%zz") -> a broken escape */
	basic_case("Basic aWQ6JXp6", -1, NULL, NULL);
}

static void
test_pkce(void)
{
	/* RFC 7636 Appendix B. */
	const char *v = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
	const char *c = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
	char out[44];

	oauth_pkce_s256(v, out);
	CHECK(strcmp(out, c) == 0);
	CHECK(oauth_pkce_verify("S256", c, v));
	CHECK(!oauth_pkce_verify("S256", c,
	    "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXj"));
	CHECK(!oauth_pkce_verify("S256", v, v));
	CHECK(oauth_pkce_verify("plain", v, v));
	CHECK(!oauth_pkce_verify("plain", c, v));
	CHECK(!oauth_pkce_verify("S512", c, v));
	CHECK(oauth_pkce_syntax_ok(v));
	CHECK(!oauth_pkce_syntax_ok("short"));
	CHECK(!oauth_pkce_syntax_ok(
	    "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjX+"));
	CHECK(!oauth_pkce_verify("plain", "tooshort", "tooshort"));
}

static void
test_scope(void)
{
	char	*s;
	int	 unknown;

	s = oauth_scope_normalise(NULL, &unknown);
	CHECK(s && strcmp(s, OAUTH_SCOPE_READ) == 0 && !unknown);
	free(s);
	s = oauth_scope_normalise("  ", &unknown);
	CHECK(s && strcmp(s, OAUTH_SCOPE_READ) == 0);
	free(s);
	s = oauth_scope_normalise("read:memories read:memories", &unknown);
	CHECK(s && strcmp(s, OAUTH_SCOPE_READ) == 0);
	free(s);
	s = oauth_scope_normalise("read:memories write:memories", &unknown);
	CHECK(s == NULL && unknown);
	s = oauth_scope_normalise("READ:MEMORIES", &unknown);
	CHECK(s == NULL && unknown);
	CHECK(oauth_scope_subset("read:memories", "read:memories"));
	CHECK(oauth_scope_subset("", "read:memories"));
	CHECK(!oauth_scope_subset("admin", "read:memories"));
	/* A token without scopes (have NULL) grants nothing, and does not crash. */
	CHECK(!oauth_scope_subset("read:memories", NULL));
	CHECK(oauth_scope_subset("", NULL));
	CHECK(!oauth_scope_subset("read:memories",
	    "read:memories2 xread:memories"));
	CHECK(oauth_scope_subset("read:memories", "a  read:memories "));
}

/* The token life cycle against a real store ------------------------------ */

static char tmpdir[] = "/tmp/omi-unit-oauth.XXXXXX";

static void
site(struct config *c)
{
	config_defaults(c);
	c->datadir = strdup(tmpdir);
	c->client_id = strdup("client-1");
	c->client_secret = strdup("secret-1");
	c->client_name = strdup("ChatGPT");
	c->base_url = strdup("https://omi.example");
	sec_random(c->key, sizeof(c->key));
	config_add_redirect(c, CHATGPT);
}

static struct store *
open_w(const struct config *c)
{
	struct store *s = NULL;

	CHECK(store_open(&s, c->datadir, STORE_WRITE, 2000) == OMI_OK);
	return s;
}

static int
bearer(const struct config *c, const char *token)
{
	struct oauth_bearer	 b;
	struct store		*s = NULL;
	char			 h[128];
	int			 rc;

	snprintf(h, sizeof(h), "Bearer %s", token);
	CHECK(store_open(&s, c->datadir, STORE_READ, 2000) == OMI_OK);
	rc = oauth_bearer_check(c, s, h, OAUTH_RES_API, &b);
	if (rc == 0)
		CHECK(strcmp(b.uid, "alice") == 0 &&
		    strcmp(b.scope, OAUTH_SCOPE_READ) == 0);
	else
		CHECK(b.error != NULL && b.uid == NULL);
	oauth_bearer_free(&b);
	store_close(s);
	return rc;
}

/* The length of the grant record that refresh token belongs to. */
static size_t
grant_record_len(const struct config *c, const char *refresh)
{
	struct store	*s = NULL;
	char		 key[OAUTH_KEY_MAX], gkey[80], *v = NULL;
	char		 fam[SEC_TOKEN_LEN + 1];
	json_t		*rt = NULL;
	size_t		 len = 0;

	CHECK(store_open(&s, c->datadir, STORE_READ, 2000) == OMI_OK);
	CHECK(oauth_refresh_key(c, refresh, key, fam) >= 0);
	CHECK(record_get(s, key, &rt) == OMI_OK);
	CHECK(oauth_grant_key(json_string_value(json_object_get(rt, "gid")),
	    gkey, sizeof(gkey)) == 0);
	CHECK(store_get(s, gkey, &v, &len) == OMI_OK);
	free(v);
	json_decref(rt);
	store_close(s);
	return len;
}

/* The stored record of a refresh token (malloc'd text), or NULL. */
static char *
rt_record(const struct config *c, const char *refresh)
{
	struct store	*s = NULL;
	char		 key[OAUTH_KEY_MAX], *v = NULL, *out = NULL;
	char		 fam[SEC_TOKEN_LEN + 1];
	size_t		 len;

	CHECK(store_open(&s, c->datadir, STORE_READ, 2000) == OMI_OK);
	CHECK(oauth_refresh_key(c, refresh, key, fam) >= 0);
	if (store_get(s, key, &v, &len) == OMI_OK) {
		out = strndup(v, len);
		free(v);
	}
	store_close(s);
	return out;
}

/* Marks a refresh token's record "rotated", as versions before the grant
 * alone named the current token did. */
static void
rt_mark_rotated(const struct config *c, const char *refresh)
{
	struct store	*s = NULL;
	char		 key[OAUTH_KEY_MAX], fam[SEC_TOKEN_LEN + 1];
	json_t		*rt = NULL;

	CHECK(store_open(&s, c->datadir, STORE_WRITE, 2000) == OMI_OK);
	CHECK(oauth_refresh_key(c, refresh, key, fam) >= 0);
	CHECK(record_get(s, key, &rt) == OMI_OK);
	CHECK(json_object_set_new(rt, "rotated", json_integer(1)) == 0 &&
	    record_put(s, key, rt) == OMI_OK);
	CHECK(store_commit(s) == OMI_OK);
	json_decref(rt);
	store_close(s);
}

static void
count_live(void *ctx, const struct oauth_grant_info *gi)
{
	if (gi->revoked == 0)
		(*(size_t *)ctx)++;
}

/* How many of alice's grants are live. */
static size_t
live_grants(const struct config *c)
{
	struct store	*s = NULL;
	size_t		 n = 0;

	CHECK(store_open(&s, c->datadir, STORE_READ, 2000) == OMI_OK);
	CHECK(oauth_grants_list(s, "alice", count_live, &n) == OMI_OK);
	store_close(s);
	return n;
}

/* Issues a code for alice and redeems it; returns 0 with t filled. */
static int
sign_in(const struct config *c, const char *challenge, const char *method,
    const char *verifier, struct oauth_tokens *t, struct oauth_fail *f)
{
	struct oauth_request	 r = { 0 };
	struct store		*s;
	char			 code[SEC_TOKEN_LEN + 1];
	int			 rc;

	r.client_id = "client-1";
	r.redirect_uri = "https://chatgpt.com/aip/g-x/oauth/callback";
	r.scope = OAUTH_SCOPE_READ;
	r.challenge = (char *)challenge;
	r.method = (char *)method;
	s = open_w(c);
	CHECK(oauth_code_issue(c, s, &r, "alice", code) == OMI_OK);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	s = open_w(c);
	rc = oauth_code_redeem(c, s, code, "client-1", r.redirect_uri,
	    verifier, 0, t, f);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	return rc;
}

static void
test_lifecycle(void)
{
	struct config		 c;
	struct account		 acct = { 0 };
	struct oauth_request	 r = { 0 };
	struct oauth_tokens	 t, t2, t3;
	struct oauth_fail	 f;
	struct oauth_bearer	 b;
	struct store		*s;
	char			 code[SEC_TOKEN_LEN + 1], rt1[OAUTH_REFRESH_LEN + 1];
	char			*rec1, *rec2;
	size_t			 n;
	int			 rc;

	CHECK(mkdtemp(tmpdir) != NULL);
	site(&c);
	s = open_w(&c);
	acct.uid = "alice";
	acct.pwhash = "$y$x";
	acct.webhook_key = "00";
	CHECK(account_save(s, &acct) == OMI_OK);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);

	/* Missing, malformed and unknown tokens. */
	s = open_w(&c);
	CHECK(oauth_bearer_check(&c, s, NULL, OAUTH_RES_API, &b) == 401 &&
	    strcmp(b.error, "invalid_request") == 0 && b.no_credentials);
	CHECK(oauth_bearer_check(&c, s, "Basic abc", OAUTH_RES_API, &b) == 401 &&
	    strcmp(b.error, "invalid_request") == 0 && b.no_credentials);
	/* RFC 6750 3.1: a malformed request is a 400. */
	CHECK(oauth_bearer_check(&c, s, "Bearer a b", OAUTH_RES_API, &b) == 400 &&
	    strcmp(b.error, "invalid_request") == 0 && !b.no_credentials);
	CHECK(oauth_bearer_check(&c, s, "Bearer", OAUTH_RES_API, &b) == 400 &&
	    !b.no_credentials);
	store_close(s);
	CHECK(bearer(&c, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA") == 401);

	/* A code, then a replay that revokes what it made. */
	r.client_id = "client-1";
	r.redirect_uri = "https://chatgpt.com/aip/g-x/oauth/callback";
	r.scope = OAUTH_SCOPE_READ;
	s = open_w(&c);
	CHECK(oauth_code_issue(&c, s, &r, "alice", code) == OMI_OK);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	s = open_w(&c);
	CHECK(oauth_code_redeem(&c, s, code, "client-2", r.redirect_uri, NULL, 0,
	    &t, &f) == -1 && strcmp(f.error, "invalid_grant") == 0);
	CHECK(oauth_code_redeem(&c, s, code, "client-1",
	    "https://chatgpt.com/aip/g-y/oauth/callback", NULL, 0, &t, &f) == -1 &&
	    strcmp(f.error, "invalid_grant") == 0);
	CHECK(oauth_code_redeem(&c, s, code, "client-1", r.redirect_uri,
	    "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", 0, &t, &f) == -1 &&
	    strcmp(f.error, "invalid_grant") == 0);	/* PKCE downgrade */
	CHECK(oauth_code_redeem(&c, s, code, "client-1", r.redirect_uri, NULL, 0,
	    &t, &f) == 0);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	CHECK(bearer(&c, t.access) == 0);
	s = open_w(&c);
	CHECK(oauth_code_redeem(&c, s, code, "client-1", r.redirect_uri, NULL, 0,
	    &t2, &f) == -1 && f.status == 400 &&
	    strcmp(f.error, "invalid_grant") == 0);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	CHECK(bearer(&c, t.access) == 401);
	s = open_w(&c);
	CHECK(oauth_refresh(&c, s, t.refresh, "client-1", NULL, 0, &t2, &f) == -1);
	store_close(s);
	oauth_tokens_free(&t);

	/* Refresh rotation; reuse of the old refresh token kills the family. */
	CHECK(sign_in(&c, NULL, NULL, NULL, &t, &f) == 0);
	snprintf(rt1, sizeof(rt1), "%s", t.refresh);
	rec1 = rt_record(&c, rt1);
	s = open_w(&c);
	CHECK(oauth_refresh(&c, s, rt1, "client-2", NULL, 0, &t2, &f) == -1 &&
	    strcmp(f.error, "invalid_grant") == 0);
	CHECK(oauth_refresh(&c, s, rt1, "client-1", "admin", 0, &t2, &f) == -1 &&
	    strcmp(f.error, "invalid_scope") == 0);
	CHECK(oauth_refresh(&c, s, rt1, "client-1", NULL, 0, &t2, &f) == 0);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	CHECK(strcmp(t2.refresh, rt1) != 0);
	/* Retired by its family's record naming its successor. */
	rec2 = rt_record(&c, rt1);
	CHECK(rec1 != NULL && rec2 != NULL && strcmp(rec1, rec2) != 0);
	free(rec1);
	free(rec2);
	CHECK(bearer(&c, t2.access) == 0);
	CHECK(bearer(&c, t.access) == 0);	/* not yet expired */
	s = open_w(&c);
	CHECK(oauth_refresh(&c, s, rt1, "client-1", NULL, 0, &t3, &f) == -1 &&
	    strcmp(f.error, "invalid_grant") == 0);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	CHECK(bearer(&c, t2.access) == 401);
	CHECK(bearer(&c, t.access) == 401);
	s = open_w(&c);
	CHECK(oauth_refresh(&c, s, t2.refresh, "client-1", NULL, 0, &t3, &f) ==
	    -1);
	store_close(s);
	oauth_tokens_free(&t);
	oauth_tokens_free(&t2);

	/* A token an older version marked "rotated" is reused, even where its
	 * grant still names it. */
	CHECK(sign_in(&c, NULL, NULL, NULL, &t, &f) == 0);
	rt_mark_rotated(&c, t.refresh);
	s = open_w(&c);
	CHECK(oauth_refresh(&c, s, t.refresh, "client-1", NULL, 0, &t2, &f) ==
	    -1 && strcmp(f.error, "invalid_grant") == 0);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	CHECK(bearer(&c, t.access) == 401);
	oauth_tokens_free(&t);

	/* A grant keeps at most OAUTH_GRANT_ACCESS_MAX live access tokens:
	 * refreshing in a loop retires the oldest instead of growing it. */
	CHECK(sign_in(&c, NULL, NULL, NULL, &t, &f) == 0);
	{
		char	 first[SEC_TOKEN_LEN + 1];
		size_t	 len0 = 0, len;
		int	 k;

		snprintf(first, sizeof(first), "%s", t.access);
		for (k = 0; k < 3 * OAUTH_GRANT_ACCESS_MAX; k++) {
			s = open_w(&c);
			CHECK(oauth_refresh(&c, s, t.refresh, "client-1", NULL, 0,
			    &t2, &f) == 0);
			CHECK(store_commit(s) == OMI_OK);
			store_close(s);
			oauth_tokens_free(&t);
			t = t2;
			memset(&t2, 0, sizeof(t2));
			CHECK(bearer(&c, t.access) == 0);
			len = grant_record_len(&c, t.refresh);
			if (k == OAUTH_GRANT_ACCESS_MAX)
				len0 = len;
			else if (k > OAUTH_GRANT_ACCESS_MAX)
				CHECK(len <= len0 + 2);	/* digits of "used" */
		}
		CHECK(bearer(&c, first) == 401);	/* retired by the cap */
	}
	oauth_tokens_free(&t);

	/* PKCE S256 round trip and mismatch. */
	CHECK(sign_in(&c, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "S256",
	    "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", &t, &f) == 0);
	oauth_tokens_free(&t);
	CHECK(sign_in(&c, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "S256",
	    "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXx", &t, &f) == -1);
	CHECK(sign_in(&c, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "S256",
	    NULL, &t, &f) == -1);

	/* RFC 7009: revoking the refresh token takes the access token. */
	CHECK(sign_in(&c, NULL, NULL, NULL, &t, &f) == 0);
	s = open_w(&c);
	CHECK(oauth_revoke_token(&c, s, t.refresh, NULL, "client-2") ==
	    OMI_OK);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	CHECK(bearer(&c, t.access) == 0);	/* another client: no effect */
	s = open_w(&c);
	CHECK(oauth_revoke_token(&c, s, t.refresh, "access_token", "client-1")
	    == OMI_OK);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	CHECK(bearer(&c, t.access) == 401);
	oauth_tokens_free(&t);

	/* Expiry: access tokens, then gc of everything expired. */
	/* With a 1 s lifetime a token is valid only within the second it was
	 * issued; a slow run (valgrind) may cross into the next one between
	 * issue and check, so that case is tried again, not failed. */
	c.access_ttl = 1;
	for (n = 0;; n++) {
		int64_t	 t0 = now_unix();

		CHECK(sign_in(&c, NULL, NULL, NULL, &t, &f) == 0);
		if ((rc = bearer(&c, t.access)) == 0 || now_unix() == t0 ||
		    n == 4)
			break;
		oauth_tokens_free(&t);
	}
	CHECK(rc == 0);
	sleep(2);
	CHECK(bearer(&c, t.access) == 401);
	oauth_tokens_free(&t);

	/* Sign out everywhere. */
	c.access_ttl = 3600;
	CHECK(sign_in(&c, NULL, NULL, NULL, &t, &f) == 0);
	s = open_w(&c);
	CHECK(oauth_revoke_user(s, "alice", "test", &n) == OMI_OK && n >= 1);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	CHECK(bearer(&c, t.access) == 401);
	oauth_tokens_free(&t);

	/* A user keeps at most OAUTH_USER_GRANTS_MAX live sign-ins: one more
	 * ends the least recently used (not one refreshed since). */
	{
		struct oauth_tokens	 ta, tn, tr[OAUTH_USER_GRANTS_MAX];
		int			 k, gone = 0;

		CHECK(sign_in(&c, NULL, NULL, NULL, &ta, &f) == 0);
		sleep(1);
		for (k = 0; k < OAUTH_USER_GRANTS_MAX - 1; k++)
			CHECK(sign_in(&c, NULL, NULL, NULL, &tr[k], &f) == 0);
		sleep(1);
		s = open_w(&c);
		CHECK(oauth_refresh(&c, s, ta.refresh, "client-1", NULL, 0, &t2,
		    &f) == 0);
		CHECK(store_commit(s) == OMI_OK);
		store_close(s);
		CHECK(live_grants(&c) == OAUTH_USER_GRANTS_MAX);
		CHECK(sign_in(&c, NULL, NULL, NULL, &tn, &f) == 0);
		CHECK(live_grants(&c) == OAUTH_USER_GRANTS_MAX);
		CHECK(bearer(&c, t2.access) == 0 && bearer(&c, tn.access) == 0);
		for (k = 0; k < OAUTH_USER_GRANTS_MAX - 1; k++) {
			gone += bearer(&c, tr[k].access) == 401;
			oauth_tokens_free(&tr[k]);
		}
		CHECK(gone == 1);
		oauth_tokens_free(&ta);
		oauth_tokens_free(&t2);
		oauth_tokens_free(&tn);
	}

	/* gc long after: nothing of the user's OAuth state remains. */
	{
		struct oauth_gc_stats	 st;
		s = open_w(&c);
		CHECK(oauth_gc(s, now_unix() + 400 * 86400, &st) == OMI_OK);
		CHECK(st.removed > 0);
		CHECK(store_commit(s) == OMI_OK);
		store_close(s);
		s = open_w(&c);
		CHECK(oauth_gc(s, now_unix() + 400 * 86400, &st) == OMI_OK);
		CHECK(st.removed == 0 && st.scanned == 0);
		store_close(s);
	}
	config_free(&c);
}

static int
count_prefix(void *ctx, const char *key)
{
	(void)key;
	(*(int *)ctx)++;
	return 0;
}

static int
keys_with(const struct config *c, const char *prefix)
{
	struct store	*s;
	int		 n = 0;

	s = open_w(c);
	CHECK(store_foreach(s, prefix, count_prefix, &n) == OMI_OK);
	store_close(s);
	return n;
}

/*
 * Known-device cookies: someone who knows a uid locks its sign-in, but not
 * for a browser that signed in as that uid before; that browser's own
 * failures lock only itself.
 */
static void
test_login_devices(void)
{
	struct config		 c;
	struct account		 acct = { 0 };
	struct crypt_data	 cd;
	struct oauth_gc_stats	 gc;
	struct store		*s;
	enum omi_err		 err;
	char			 dev[OAUTH_DEVICE_MAX], dev2[OAUTH_DEVICE_MAX];
	char			 other[OAUTH_DEVICE_MAX], forged[OAUTH_DEVICE_MAX];
	int			 i, rc = -1;

	site(&c);
	memset(&cd, 0, sizeof(cd));
	/* A cheap hash method, so the test does not wait on yescrypt. */
	acct.uid = "dana";
	acct.pwhash = crypt_rn("right", "$5$rounds=1000$saltsaltsalt$", &cd,
	    sizeof(cd));
	acct.webhook_key = "00";
	s = open_w(&c);
	CHECK(acct.pwhash != NULL && account_save(s, &acct) == OMI_OK);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);

	CHECK(oauth_device_make(&c, "dana", dev) == 0);
	CHECK(oauth_device_make(&c, "dana", dev2) == 0);
	CHECK(oauth_device_make(&c, "erin", other) == 0);
	CHECK(strcmp(dev, dev2) != 0);
	CHECK(oauth_device_valid(&c, "dana", dev));
	CHECK(!oauth_device_valid(&c, "erin", dev));
	CHECK(!oauth_device_valid(&c, "dana", other));
	CHECK(!oauth_device_valid(&c, "dana", NULL));
	CHECK(!oauth_device_valid(&c, "dana", ""));
	snprintf(forged, sizeof(forged), "%s", dev);
	forged[sizeof(forged) - 2] = forged[sizeof(forged) - 2] == '0' ?
	    '1' : '0';
	CHECK(!oauth_device_valid(&c, "dana", forged));
	snprintf(forged, sizeof(forged), "%s", dev);
	forged[0] = forged[0] == 'A' ? 'B' : 'A';	/* another id, same hash */
	CHECK(!oauth_device_valid(&c, "dana", forged));
	forged[OAUTH_DEVICE_MAX - 2] = '\0';
	CHECK(!oauth_device_valid(&c, "dana", forged));

	/* Whoever knows the uid can lock it from their own address... */
	for (i = 0; i < OAUTH_SOURCE_FAILS; i++)
		rc = oauth_login(&c, "dana", "guess", NULL, A1, &err);
	CHECK(rc == OAUTH_LOGIN_LOCKED);
	CHECK(oauth_login(&c, "dana", "right", NULL, A1, &err) ==
	    OAUTH_LOGIN_LOCKED);
	CHECK(oauth_login(&c, "dana", "right", other, A1, &err) ==
	    OAUTH_LOGIN_LOCKED);
	CHECK(oauth_login(&c, "dana", "right", forged, A1, &err) ==
	    OAUTH_LOGIN_LOCKED);
	/* ...but not for the browsers its owner signed in with. */
	CHECK(oauth_login(&c, "dana", "right", dev, A1, &err) ==
	    OAUTH_LOGIN_OK);
	/* A known browser's failures lock that browser only. */
	for (i = 0; i < OAUTH_SOURCE_FAILS - 1; i++)
		CHECK(oauth_login(&c, "dana", "guess", dev, A1, &err) ==
		    OAUTH_LOGIN_BAD);
	CHECK(oauth_login(&c, "dana", "guess", dev, A1, &err) ==
	    OAUTH_LOGIN_LOCKED);
	CHECK(oauth_login(&c, "dana", "right", dev, A1, &err) ==
	    OAUTH_LOGIN_LOCKED);
	CHECK(oauth_login(&c, "dana", "right", dev2, A1, &err) ==
	    OAUTH_LOGIN_OK);
	/* Its sign-in clears its own counters, not the address's. */
	CHECK(oauth_login(&c, "dana", "right", NULL, A1, &err) ==
	    OAUTH_LOGIN_LOCKED);
	for (i = 0; i < OAUTH_SOURCE_FAILS - 1; i++)
		CHECK(oauth_login(&c, "dana", "guess", dev2, A1, &err) ==
		    OAUTH_LOGIN_BAD);
	CHECK(oauth_login(&c, "dana", "right", dev2, A1, &err) ==
	    OAUTH_LOGIN_OK);
	for (i = 0; i < OAUTH_SOURCE_FAILS - 1; i++)
		CHECK(oauth_login(&c, "dana", "guess", dev2, A1, &err) ==
		    OAUTH_LOGIN_BAD);
	/* The uid's counters stay in its account; the address's and the
	 * browsers' in the throttle table, which gc empties once they are
	 * over. No record per uid or browser. */
	CHECK(keys_with(&c, "dfail:") == 0 && keys_with(&c, "fail:") == 0);
	CHECK(keys_with(&c, "lfail:") >= 1);
	s = open_w(&c);
	CHECK(oauth_gc(s, now_unix() + 2 * OAUTH_THROTTLE_LOCK, &gc) ==
	    OMI_OK && gc.removed >= 1);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	CHECK(keys_with(&c, "lfail:") == 0);
	config_free(&c);
}

/* A user "erin" whose password is "right", with a cheap hash method. */
static void
throttle_site(struct config *c)
{
	struct account		 acct = { 0 };
	struct crypt_data	 cd;
	struct store		*s;

	site(c);
	memset(&cd, 0, sizeof(cd));
	acct.uid = "erin";
	acct.pwhash = crypt_rn("right", "$5$rounds=1000$saltsaltsalt$", &cd,
	    sizeof(cd));
	acct.webhook_key = "00";
	s = open_w(c);
	CHECK(acct.pwhash != NULL && account_save(s, &acct) == OMI_OK);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
}

/*
 * Issue 17 (4): an attacker who knows a uid keeps failing from one address
 * (or many) while the owner, at another address in a new browser, signs
 * in; a source that failed stays locked.
 */
static void
test_login_throttle(void)
{
	struct config	 c;
	enum omi_err	 err;
	char		 addr[32];
	int		 i, rc = -1;

	throttle_site(&c);
	/* One address: locked after five, for every uid. */
	for (i = 0; i < OAUTH_SOURCE_FAILS; i++)
		rc = oauth_login(&c, "erin", "guess", NULL, A1, &err);
	CHECK(rc == OAUTH_LOGIN_LOCKED);
	CHECK(oauth_login(&c, "erin", "right", NULL, A1, &err) ==
	    OAUTH_LOGIN_LOCKED);
	CHECK(oauth_login(&c, "ghost", "guess", NULL, A1, &err) ==
	    OAUTH_LOGIN_LOCKED);
	/* The owner elsewhere, no device cookie: signs in. */
	CHECK(oauth_login(&c, "erin", "right", NULL, A2, &err) ==
	    OAUTH_LOGIN_OK);
	CHECK(oauth_login(&c, "erin", "right", NULL, A1, &err) ==
	    OAUTH_LOGIN_LOCKED);

	/* Many addresses, one guess each: the uid locks for them... */
	for (i = 0; i < OAUTH_UID_FAILS; i++) {
		snprintf(addr, sizeof(addr), "10.0.0.%d", i + 1);
		CHECK(oauth_login(&c, "erin", "guess", NULL, addr, &err) ==
		    OAUTH_LOGIN_BAD);
	}
	CHECK(oauth_login(&c, "erin", "right", NULL, "10.0.0.1", &err) ==
	    OAUTH_LOGIN_LOCKED);
	/* ...and for a fresh one, one guess, then it has failed too. */
	CHECK(oauth_login(&c, "erin", "guess", NULL, "10.0.1.1", &err) ==
	    OAUTH_LOGIN_BAD);
	CHECK(oauth_login(&c, "erin", "right", NULL, "10.0.1.1", &err) ==
	    OAUTH_LOGIN_LOCKED);
	/* The owner at an address that has not failed signs in. */
	CHECK(oauth_login(&c, "erin", "right", NULL, A2, &err) ==
	    OAUTH_LOGIN_OK);
	/* Which cleared the uid's lock (not the addresses'). */
	CHECK(oauth_login(&c, "erin", "right", NULL, "10.0.0.1", &err) ==
	    OAUTH_LOGIN_OK);
	CHECK(oauth_login(&c, "erin", "right", NULL, A1, &err) ==
	    OAUTH_LOGIN_LOCKED);

	/* A uid without an account locks the same way. */
	for (i = 0; i < OAUTH_UID_FAILS; i++) {
		snprintf(addr, sizeof(addr), "10.0.2.%d", i + 1);
		CHECK(oauth_login(&c, "ghost", "guess", NULL, addr, &err) ==
		    OAUTH_LOGIN_BAD);
	}
	CHECK(oauth_login(&c, "ghost", "guess", NULL, "10.0.2.1", &err) ==
	    OAUTH_LOGIN_LOCKED);
	CHECK(oauth_login(&c, "erin", "right", NULL, "10.0.2.1", &err) ==
	    OAUTH_LOGIN_OK);
	/* A malformed uid costs nothing and counts nothing. */
	for (i = 0; i < OAUTH_SOURCE_FAILS + 1; i++)
		CHECK(oauth_login(&c, "no/such uid", "x", NULL, A2, &err) ==
		    OAUTH_LOGIN_BAD);
	CHECK(oauth_login(&c, "erin", "right", NULL, A2, &err) ==
	    OAUTH_LOGIN_OK);
	CHECK(keys_with(&c, "fail:") == 0);
	config_free(&c);
}

/*
 * Issue 17 (5): counters for made-up subjects fill a table of fixed size;
 * the newest subject is always remembered, stale entries leave.
 */
/*
 * A full bucket pushes out counters before locks: failed sign-ins under
 * made-up uids that land in a locked address's bucket must not free it.
 */
static void
test_throttle_keeps_locks(void)
{
	struct config		 c;
	struct store		*s;
	struct oauth_count	 lock, one, got;
	char			 ha[SEC_HASH_HEX + 1], hu[SEC_HASH_HEX + 1];
	char			 subj[32];
	const char		*addr = "192.0.2.7";
	int			 i, n;
	int64_t			 now = now_unix();

	site(&c);
	sec_keyed_hash(c.key, "oauth-throttle-addr", addr, strlen(addr), ha);
	lock.since = now - 60;
	lock.count = 0;
	lock.until = now - 60 + OAUTH_THROTTLE_LOCK;
	one.since = now;
	one.count = 1;
	one.until = 0;
	s = open_w(&c);
	CHECK(oauth_throttle_put(&c, s, OAUTH_SUBJ_ADDR, addr, &lock, now) ==
	    OMI_OK);
	for (i = n = 0; n < 2 * OAUTH_THROTTLE_WAYS && i < 1000000; i++) {
		snprintf(subj, sizeof(subj), "made-up-%d", i);
		sec_keyed_hash(c.key, "oauth-throttle-uid", subj, strlen(subj),
		    hu);
		if (memcmp(ha, hu, 2) != 0)
			continue;
		n++;
		CHECK(oauth_throttle_put(&c, s, OAUTH_SUBJ_UID, subj, &one,
		    now) == OMI_OK);
	}
	CHECK(n == 2 * OAUTH_THROTTLE_WAYS);
	CHECK(oauth_throttle_get(&c, s, OAUTH_SUBJ_ADDR, addr, &got) ==
	    OMI_OK);
	CHECK(oauth_count_locked(&got, now));
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	config_free(&c);
}

static void
test_throttle_bounded(void)
{
	struct config		 c;
	struct store		*s;
	struct oauth_count	 k, got;
	char			 subj[32], *v;
	size_t			 vlen, most = 0;
	int			 i, n, bad;
	int64_t			 now = now_unix();

	site(&c);
	k.since = now;
	k.count = 1;
	k.until = 0;
	s = open_w(&c);
	for (i = bad = 0; i < 20 * OAUTH_THROTTLE_BUCKETS; i++) {
		snprintf(subj, sizeof(subj), "u%d", i);
		if (oauth_throttle_put(&c, s, OAUTH_SUBJ_UID, subj, &k,
		    now) != OMI_OK || oauth_throttle_get(&c, s,
		    OAUTH_SUBJ_UID, subj, &got) != OMI_OK || got.count != 1)
			bad++;
	}
	CHECK(bad == 0);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	n = keys_with(&c, "lfail:");
	CHECK(n > 0 && n <= OAUTH_THROTTLE_BUCKETS);
	s = open_w(&c);
	for (i = 0; i < OAUTH_THROTTLE_BUCKETS; i++) {
		char key[16];
		json_t *j;

		snprintf(key, sizeof(key), "lfail:%02x", i);
		if (store_get(s, key, &v, &vlen) != OMI_OK)
			continue;
		j = json_loads(v, 0, NULL);
		CHECK(j != NULL && json_array_size(json_object_get(j, "e")) <=
		    OAUTH_THROTTLE_WAYS);
		if (vlen > most)
			most = vlen;
		json_decref(j);
		free(v);
	}
	store_close(s);
	CHECK(most > 0 && most < 512);
	/* Once over, a write of the bucket drops them. */
	s = open_w(&c);
	memset(&k, 0, sizeof(k));
	for (i = bad = 0; i < 20 * OAUTH_THROTTLE_BUCKETS; i++) {
		snprintf(subj, sizeof(subj), "u%d", i);
		if (oauth_throttle_put(&c, s, OAUTH_SUBJ_UID, subj, &k,
		    now + OAUTH_THROTTLE_WINDOW + 1) != OMI_OK)
			bad++;
	}
	CHECK(bad == 0);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	CHECK(keys_with(&c, "lfail:") == 0);
	config_free(&c);
}

static void
test_client_addr(void)
{
	static const struct {
		const char	*remote, *xff, *trusted, *want;
	} t[] = {
		{ "192.0.2.1", NULL, NULL, "192.0.2.1" },
		{ "192.0.2.1", "198.51.100.9", NULL, "192.0.2.1" },
		/* X-Forwarded-For only from the trusted proxy, last entry */
		{ "192.0.2.1", "198.51.100.9", "192.0.2.2", "192.0.2.1" },
		{ "192.0.2.2", "198.51.100.9", "192.0.2.2", "198.51.100.9" },
		{ "192.0.2.2", "1.2.3.4, 198.51.100.9", "192.0.2.2",
		    "198.51.100.9" },
		{ "192.0.2.2", "1.2.3.4,198.51.100.9 ", "192.0.2.2",
		    "198.51.100.9" },
		{ "192.0.2.2", NULL, "192.0.2.2", "192.0.2.2" },
		{ "192.0.2.2", "junk", "192.0.2.2", "?" },
		/* IPv6: a /64 is one source; mapped IPv4 is IPv4 */
		{ "2001:db8:1:2:3:4:5:6", NULL, NULL, "2001:0db8:0001:0002::/64" },
		{ "2001:db8:1:2::9", NULL, NULL, "2001:0db8:0001:0002::/64" },
		{ "::ffff:192.0.2.5", NULL, NULL, "192.0.2.5" },
		{ "192.0.2.010", NULL, NULL, "?" },
		{ NULL, NULL, NULL, "?" },
		{ "", NULL, NULL, "?" },
	};
	char	 out[OAUTH_ADDR_MAX];
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		oauth_client_addr(t[i].remote, t[i].xff, t[i].trusted, out,
		    sizeof(out));
		CHECK(strcmp(out, t[i].want) == 0);
	}
}

/* Fields of two requests are equal (NULLs equal NULLs). */
static int
same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static int
same_request(const struct oauth_request *a, const struct oauth_request *b)
{
	return same_str(a->client_id, b->client_id) &&
	    same_str(a->redirect_uri, b->redirect_uri) &&
	    same_str(a->scope, b->scope) && same_str(a->state, b->state) &&
	    same_str(a->challenge, b->challenge) &&
	    same_str(a->method, b->method) && a->exp == b->exp;
}

/*
 * oauth_pending_get() without a store: 1 when handle opens as want, 0 when
 * it is refused (OMI_NOTFOUND, nothing filled in), -1 otherwise.
 */
static int
open_handle(const struct config *c, const char *handle, const char *cookie,
    const struct oauth_request *want)
{
	struct oauth_request	 got;
	enum omi_err		 err;
	int			 rc;

	err = oauth_pending_get(c, NULL, handle, cookie, &got);
	if (err == OMI_OK)
		rc = same_request(&got, want) ? 1 : -1;
	else
		rc = err == OMI_NOTFOUND && got.client_id == NULL &&
		    got.state == NULL ? 0 : -1;
	oauth_request_free(&got);
	return rc;
}

/*
 * Pending requests travel sealed in the consent form's handle: only this
 * server's key makes one, for one cookie, until it expires, and a spent
 * handle stays spent.
 */
static void
test_pending(void)
{
	struct config		 c, other;
	struct oauth_request	 r = { 0 }, got;
	struct oauth_gc_stats	 gc;
	struct store		*s;
	char			 cookie[SEC_TOKEN_LEN + 1], cookie2[SEC_TOKEN_LEN + 1];
	char			*h, *h2, *bad, state[1025];
	const char		*alphabet = "AZaz09-_.f";
	size_t			 i, n, k, refused = 0, tries = 0;
	int64_t			 exp;

	site(&c);
	site(&other);		/* the same site under another key */
	sec_token(cookie);
	sec_token(cookie2);
	r.client_id = "client-1";
	r.redirect_uri = "https://chatgpt.com/aip/g-x/oauth/callback";
	r.scope = OAUTH_SCOPE_READ;
	r.state = "st&ate/\xc3\xa9\"<x>";
	r.challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
	r.method = "S256";
	r.exp = exp = now_unix() + 600;
	CHECK((h = oauth_pending_seal(&c, &r, cookie)) != NULL);
	n = strlen(h);
	CHECK(n > SEC_TOKEN_LEN + 2 + SEC_HASH_HEX && h[SEC_TOKEN_LEN] == '.' &&
	    h[n - SEC_HASH_HEX - 1] == '.');
	CHECK(strspn(h, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_.") == n);
	CHECK(open_handle(&c, h, cookie, &r) == 1);
	/* Another browser, no cookie, another server. */
	CHECK(open_handle(&c, h, cookie2, &r) == 0);
	CHECK(open_handle(&c, h, NULL, &r) == 0);
	CHECK(open_handle(&other, h, cookie, &r) == 0);
	/* Every one-character change and every cut is refused. */
	CHECK((bad = strdup(h)) != NULL);
	for (i = 0; i < n; i++) {
		for (k = 0; alphabet[k] != '\0'; k++) {
			if (alphabet[k] == h[i])
				continue;
			bad[i] = alphabet[k];
			tries++;
			refused += open_handle(&c, bad, cookie, &r) == 0;
		}
		bad[i] = h[i];
	}
	CHECK(tries > 0 && refused == tries);
	for (i = 0, tries = refused = 0; i < n; i++) {
		bad[i] = '\0';
		tries++;
		refused += open_handle(&c, bad, cookie, &r) == 0;
		bad[i] = h[i];
	}
	CHECK(refused == tries);
	free(bad);
	/* Another request's body under this handle's id and seal. */
	r.state = "other";
	CHECK((h2 = oauth_pending_seal(&c, &r, cookie)) != NULL);
	CHECK(open_handle(&c, h2, cookie, &r) == 1);
	CHECK(strcmp(h2 + SEC_TOKEN_LEN, h + SEC_TOKEN_LEN) != 0);
	CHECK(asprintf(&bad, "%.*s%.*s%s", SEC_TOKEN_LEN, h,
	    (int)(strlen(h2) - SEC_TOKEN_LEN - SEC_HASH_HEX),
	    h2 + SEC_TOKEN_LEN, h + n - SEC_HASH_HEX) != -1);
	CHECK(strlen(bad) == strlen(h2));
	CHECK(open_handle(&c, bad, cookie, &r) == 0);
	free(bad);
	free(h2);
	/* Expiry is sealed in: a past one never opens. */
	r.exp = now_unix() - 1;
	CHECK((h2 = oauth_pending_seal(&c, &r, cookie)) != NULL);
	CHECK(open_handle(&c, h2, cookie, &r) == 0);
	free(h2);
	/* The longest state, every byte escaped in JSON, round-trips. */
	for (i = 0; i < sizeof(state) - 1; i++)
		state[i] = (char)(1 + i % 31);
	state[sizeof(state) - 1] = '\0';
	r.state = state;
	r.challenge = r.method = NULL;
	r.exp = now_unix() + 600;
	CHECK((h2 = oauth_pending_seal(&c, &r, cookie)) != NULL);
	CHECK(open_handle(&c, h2, cookie, &r) == 1);
	free(h2);

	/* Single use: spent in one session, refused in the next. */
	r.state = "st&ate/\xc3\xa9\"<x>";
	r.challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
	r.method = "S256";
	r.exp = exp;
	CHECK(keys_with(&c, "spent:") == 0);
	s = open_w(&c);
	CHECK(oauth_pending_get(&c, s, h, cookie, &got) == OMI_OK &&
	    same_request(&got, &r));
	CHECK(oauth_pending_spend(&c, s, h, &got) == OMI_OK);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	oauth_request_free(&got);
	s = open_w(&c);
	CHECK(oauth_pending_get(&c, s, h, cookie, &got) == OMI_NOTFOUND &&
	    got.client_id == NULL);
	store_close(s);
	/* The seal alone still holds: the store says it was spent. */
	CHECK(open_handle(&c, h, cookie, &r) == 1);
	/* The same request under a new handle is not spent. */
	CHECK((h2 = oauth_pending_seal(&c, &r, cookie)) != NULL);
	s = open_w(&c);
	CHECK(oauth_pending_get(&c, s, h2, cookie, &got) == OMI_OK);
	oauth_request_free(&got);
	store_close(s);
	free(h2);
	/* The spent mark lives until the handle would have expired. */
	CHECK(keys_with(&c, "spent:") == 1);
	s = open_w(&c);
	CHECK(oauth_gc(s, r.exp, &gc) == OMI_OK && store_commit(s) ==
	    OMI_OK);
	store_close(s);
	CHECK(keys_with(&c, "spent:") == 1);
	s = open_w(&c);
	CHECK(oauth_gc(s, r.exp + 1, &gc) == OMI_OK && store_commit(s) ==
	    OMI_OK);
	store_close(s);
	CHECK(keys_with(&c, "spent:") == 0);
	free(h);
	config_free(&c);
	config_free(&other);
}

/*
 * Deleting an account (oauth_forget_sign_ins, with oauth_forget_user) takes
 * the uid's login failure counter and its codes not yet redeemed, and
 * nobody else's.
 */
static void
test_forget_sign_ins(void)
{
	struct oauth_request	 r = { 0 };
	struct config		 c;
	struct store		*s;
	char			 code[SEC_TOKEN_LEN + 1], key[OAUTH_KEY_MAX];
	const char		*legacy = "{\"n\":3}";
	int			 fails, codes;

	site(&c);
	r.client_id = "client-1";
	r.redirect_uri = "https://chatgpt.com/aip/g-x/oauth/callback";
	r.scope = OAUTH_SCOPE_READ;
	s = open_w(&c);
	/* Counters of older versions, one record per uid. */
	oauth_key(&c, "fail:", OAUTH_L_FAIL, "fran", key);
	CHECK(store_put(s, key, legacy, strlen(legacy)) == OMI_OK);
	oauth_key(&c, "fail:", OAUTH_L_FAIL, "gus", key);
	CHECK(store_put(s, key, legacy, strlen(legacy)) == OMI_OK);
	CHECK(oauth_code_issue(&c, s, &r, "fran", code) == OMI_OK);
	CHECK(oauth_code_issue(&c, s, &r, "fran", code) == OMI_OK);
	CHECK(oauth_code_issue(&c, s, &r, "gus", code) == OMI_OK);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	fails = keys_with(&c, "fail:");
	codes = keys_with(&c, "code:");
	CHECK(fails == 2 && codes >= 3);
	s = open_w(&c);
	CHECK(oauth_forget_sign_ins(&c, s, "fran") == OMI_OK);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	CHECK(keys_with(&c, "fail:") == fails - 1);
	CHECK(keys_with(&c, "code:") == codes - 2);
	config_free(&c);
}

/* One refresh of t (replaced by the new pair); the oauth_refresh result. */
static int
refresh_once(const struct config *c, struct oauth_tokens *t)
{
	struct oauth_tokens	 t2;
	struct oauth_fail	 f;
	struct store		*s = open_w(c);
	int			 rc;

	rc = oauth_refresh(c, s, t->refresh, "client-1", NULL, 0, &t2, &f);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	if (rc == 0) {
		oauth_tokens_free(t);
		*t = t2;
	}
	return rc;
}

/*
 * Turns the sign-in of t into one made by a version before token
 * families: its refresh token becomes old (a bare token, SEC_TOKEN_LEN + 1
 * bytes) with a record of its own that the grant names.
 */
static void
make_legacy(const struct config *c, const struct oauth_tokens *t, char *old)
{
	struct store	*s = open_w(c);
	char		 key[OAUTH_KEY_MAX], fam[SEC_TOKEN_LEN + 1], gkey[80];
	json_t		*rt = NULL, *g = NULL;

	CHECK(oauth_refresh_key(c, t->refresh, key, fam) == 1);
	CHECK(record_get(s, key, &rt) == OMI_OK);
	CHECK(store_del(s, key) == OMI_OK);
	CHECK(oauth_grant_key(json_string_value(json_object_get(rt, "gid")),
	    gkey, sizeof(gkey)) == 0 && record_get(s, gkey, &g) == OMI_OK);
	sec_token(old);
	CHECK(oauth_refresh_key(c, old, key, fam) == 0);
	CHECK(json_object_del(rt, "h") == 0 && record_put(s, key, rt) ==
	    OMI_OK);
	CHECK(json_object_set_new(g, "rt", json_string(key + 3)) == 0 &&
	    record_put(s, gkey, g) == OMI_OK);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	json_decref(rt);
	json_decref(g);
}

/*
 * Refresh rotation leaves one rt: record per sign-in however often it
 * runs, and a token retired many rotations ago still revokes the family
 * (RFC 9700 4.14.2). OMI_MEASURE=1 prints the store's record counts after
 * 50 and 1,000 refreshes.
 */
static void
test_refresh_records(void)
{
	struct config		 c;
	struct oauth_tokens	 t;
	struct oauth_fail	 f;
	struct store		*s;
	char			 first[sizeof(t.refresh)], mid[sizeof(t.refresh)];
	int			 k, rt0, at0, all0, n;
	int			 measure = getenv("OMI_MEASURE") != NULL;

	site(&c);
	rt0 = keys_with(&c, "rt:");
	at0 = keys_with(&c, "at:");
	all0 = keys_with(&c, "");
	CHECK(sign_in(&c, NULL, NULL, NULL, &t, &f) == 0);
	snprintf(first, sizeof(first), "%s", t.refresh);
	n = measure ? 1000 : 50;
	for (k = 1; k <= n; k++) {
		CHECK(refresh_once(&c, &t) == 0);
		if (k == 25)
			snprintf(mid, sizeof(mid), "%s", t.refresh);
		if (measure && (k == 50 || k == 1000))
			fprintf(stderr, "after %d refreshes: %d records (%d "
			    "rt:, %d at:) beyond the %d before the sign-in\n",
			    k, keys_with(&c, "") - all0, keys_with(&c, "rt:") -
			    rt0, keys_with(&c, "at:") - at0, all0);
	}
	CHECK(keys_with(&c, "rt:") - rt0 == 1);
	CHECK(keys_with(&c, "at:") - at0 == OAUTH_GRANT_ACCESS_MAX);
	CHECK(bearer(&c, t.access) == 0);
	/* The token of the sign-in itself, retired 50 rotations ago. */
	s = open_w(&c);
	{
		struct oauth_tokens t2;

		CHECK(oauth_refresh(&c, s, first, "client-1", NULL, 0, &t2, &f) ==
		    -1 && strcmp(f.error, "invalid_grant") == 0);
		CHECK(store_commit(s) == OMI_OK);
		store_close(s);
	}
	CHECK(bearer(&c, t.access) == 401);
	CHECK(refresh_once(&c, &t) == -1);
	CHECK(keys_with(&c, "rt:") - rt0 == 0);
	CHECK(keys_with(&c, "at:") - at0 == 0);
	oauth_tokens_free(&t);

	/* One from the middle of the chain does the same. */
	CHECK(sign_in(&c, NULL, NULL, NULL, &t, &f) == 0);
	for (k = 1; k <= 50; k++) {
		CHECK(refresh_once(&c, &t) == 0);
		if (k == 25)
			snprintf(mid, sizeof(mid), "%s", t.refresh);
	}
	s = open_w(&c);
	{
		struct oauth_tokens t2;

		CHECK(oauth_refresh(&c, s, mid, "client-1", NULL, 0, &t2, &f) ==
		    -1 && strcmp(f.error, "invalid_grant") == 0);
		CHECK(store_commit(s) == OMI_OK);
		store_close(s);
	}
	CHECK(bearer(&c, t.access) == 401);
	oauth_tokens_free(&t);

	/* A sign-in of an older version refreshes once into a family; its
	 * own record stays, so that presenting the old token again still
	 * revokes the grant. */
	CHECK(sign_in(&c, NULL, NULL, NULL, &t, &f) == 0);
	make_legacy(&c, &t, first);
	CHECK(keys_with(&c, "rt:") - rt0 == 1);
	snprintf(t.refresh, sizeof(t.refresh), "%s", first);
	CHECK(refresh_once(&c, &t) == 0);
	CHECK(strlen(t.refresh) == OAUTH_REFRESH_LEN);
	for (k = 0; k < 10; k++)
		CHECK(refresh_once(&c, &t) == 0);
	CHECK(keys_with(&c, "rt:") - rt0 == 2);
	CHECK(bearer(&c, t.access) == 0);
	s = open_w(&c);
	{
		struct oauth_tokens t2;

		CHECK(oauth_refresh(&c, s, first, "client-1", NULL, 0, &t2, &f) ==
		    -1 && strcmp(f.error, "invalid_grant") == 0);
		CHECK(store_commit(s) == OMI_OK);
		store_close(s);
	}
	CHECK(bearer(&c, t.access) == 401);
	oauth_tokens_free(&t);
	explicit_bzero(first, sizeof(first));
	explicit_bzero(mid, sizeof(mid));
	config_free(&c);
}

#define GPT_A	"https://chatgpt.com/aip/g-AAA/oauth/callback"
#define GPT_A2	"https://chat.openai.com/aip/g-AAA/oauth/callback"
#define GPT_B	"https://chatgpt.com/aip/g-BBB/oauth/callback"
#define GPT_B2	"https://chat.openai.com/aip/g-BBB/oauth/callback"
#define EXACT	"https://localhost/cb"

/* A code for alice with callback uri into code. */
static void
code_for(const struct config *c, const char *uri, char *code)
{
	struct oauth_request	 r = { 0 };
	struct store		*s = open_w(c);

	r.client_id = "client-1";
	r.redirect_uri = (char *)uri;
	r.scope = OAUTH_SCOPE_READ;
	CHECK(oauth_code_issue(c, s, &r, "alice", code) == OMI_OK);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
}

/* Exchanges code with callback uri; the oauth_code_redeem result. */
static int
exchange(const struct config *c, const char *code, const char *uri,
    struct oauth_fail *f)
{
	struct oauth_tokens	 t;
	struct store		*s = open_w(c);
	int			 rc;

	rc = oauth_code_redeem(c, s, code, "client-1", uri, NULL, 0, &t, f);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	oauth_tokens_free(&t);
	return rc;
}

static enum omi_err
pin_check(const struct config *c, const char *uri)
{
	struct store	*s = NULL;
	enum omi_err	 err;

	CHECK(store_open(&s, c->datadir, STORE_READ, 2000) == OMI_OK);
	err = oauth_pin_check(c, s, uri);
	store_close(s);
	return err;
}

/* The pinned GPT id into gpt, or "" when none. */
static void
pinned(const struct config *c, char *gpt)
{
	struct oauth_pin	 p;
	struct store		*s = NULL;
	enum omi_err		 err;

	CHECK(store_open(&s, c->datadir, STORE_READ, 2000) == OMI_OK);
	err = oauth_pin_get(c, s, &p);
	CHECK(err == OMI_OK || err == OMI_NOTFOUND);
	snprintf(gpt, OAUTH_PIN_MAX, "%s", err == OMI_OK ? p.gpt : "");
	store_close(s);
}

static void
pin_reset(const struct config *c)
{
	struct store *s = open_w(c);

	CHECK(oauth_pin_reset(s) == OMI_OK);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
}

/*
 * The GPT pin: set by the first successful exchange alone, for the GPT id
 * on either ChatGPT host; another GPT's callbacks and codes are refused
 * from then on (also codes issued before the pin), until a reset.
 */
static void
test_pin(void)
{
	struct config		 c;
	struct oauth_fail	 f;
	char			 gpt[OAUTH_PIN_MAX], ca[SEC_TOKEN_LEN + 1];
	char			 cb[SEC_TOKEN_LEN + 1];

	site(&c);
	config_add_redirect(&c, OPENAI);
	config_add_redirect(&c, EXACT);
	CHECK(oauth_redirect_star(&c, GPT_A, gpt, sizeof(gpt)) == 1 &&
	    strcmp(gpt, "AAA") == 0);
	CHECK(oauth_redirect_star(&c, GPT_A2, gpt, sizeof(gpt)) == 1 &&
	    strcmp(gpt, "AAA") == 0);
	CHECK(oauth_redirect_star(&c, EXACT, gpt, sizeof(gpt)) == 0);
	CHECK(oauth_redirect_star(&c, "https://evil.example/cb", gpt,
	    sizeof(gpt)) == -1);
	CHECK(oauth_redirect_star(&c, GPT_A, gpt, 3) == -1);	/* no room */
	pin_reset(&c);
	pinned(&c, gpt);
	CHECK(gpt[0] == '\0');
	CHECK(pin_check(&c, GPT_A) == OMI_OK && pin_check(&c, GPT_B) ==
	    OMI_OK);

	/* Two GPTs hold codes before the first exchange. A failed exchange
	 * pins nothing; the first success pins its GPT. */
	code_for(&c, GPT_A, ca);
	code_for(&c, GPT_B, cb);
	CHECK(exchange(&c, ca, GPT_A2, &f) == -1);
	pinned(&c, gpt);
	CHECK(gpt[0] == '\0');
	CHECK(exchange(&c, ca, GPT_A, &f) == 0);
	pinned(&c, gpt);
	CHECK(strcmp(gpt, "AAA") == 0);
	CHECK(pin_check(&c, GPT_A) == OMI_OK);
	CHECK(pin_check(&c, GPT_A2) == OMI_OK);	/* the other host */
	CHECK(pin_check(&c, GPT_B) == OMI_NOTFOUND);
	CHECK(pin_check(&c, GPT_B2) == OMI_NOTFOUND);
	CHECK(pin_check(&c, EXACT) == OMI_OK);
	/* The other GPT's code, issued before the pin, no longer works. */
	CHECK(exchange(&c, cb, GPT_B, &f) == -1 &&
	    strcmp(f.error, "invalid_grant") == 0 && f.status == 400);
	pinned(&c, gpt);
	CHECK(strcmp(gpt, "AAA") == 0);
	code_for(&c, GPT_A2, ca);
	CHECK(exchange(&c, ca, GPT_A2, &f) == 0);
	code_for(&c, EXACT, ca);
	CHECK(exchange(&c, ca, EXACT, &f) == 0);
	pinned(&c, gpt);
	CHECK(strcmp(gpt, "AAA") == 0);

	/* A reset lets the next GPT in, and pins that one. */
	pin_reset(&c);
	CHECK(pin_check(&c, GPT_B) == OMI_OK);
	code_for(&c, GPT_B2, cb);
	CHECK(exchange(&c, cb, GPT_B2, &f) == 0);
	pinned(&c, gpt);
	CHECK(strcmp(gpt, "BBB") == 0);
	CHECK(pin_check(&c, GPT_A) == OMI_NOTFOUND);
	CHECK(pin_check(&c, GPT_B) == OMI_OK);
	pin_reset(&c);
	config_free(&c);
}

int
main(void)
{
	if (sec_init() == -1)
		return 1;
	test_redirect_match();
	test_redirect_allowed();
	test_redirect_patterns();
	test_redirect_build();
	test_basic();
	test_pkce();
	test_scope();
	test_lifecycle();
	test_refresh_records();
	test_pin();
	test_login_devices();
	test_login_throttle();
	test_throttle_bounded();
	test_throttle_keeps_locks();
	test_client_addr();
	test_pending();
	test_forget_sign_ins();
	unit_rmtree(tmpdir);
	return unit_done("test_oauth");
}
