/*
 * test_oauth_client: clients that register themselves (RFC 7591,
 * auth/oauth-client.c): the redirect URI rules and the registration body
 * parser, table-driven, then registration, lookup, secrets, expiry and a
 * registered client's code redemption against a real store.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#include "auth/account.h"
#include "auth/oauth-impl.h"
#include "auth/oauth.h"
#include "http/cgi.h"
#include "lib/clock.h"
#include "lib/config.h"
#include "lib/sec.h"
#include "store/store.h"

static void
test_redirect_rules(void)
{
	static const struct {
		const char	*uri;
		int		 want;
	} t[] = {
		{ "https://chatgpt.com/connector/oauth/abc123", 1 },
		{ "https://chatgpt.com/connector_platform_oauth_redirect", 1 },
		{ "https://claude.ai/api/mcp/auth_callback", 1 },
		{ "https://example.org", 1 },
		{ "https://example.org:8443/cb?x=1", 1 },
		{ "https://[2001:db8::1]/cb", 1 },
		{ "https://10.0.0.1/cb", 1 },
		{ "http://127.0.0.1/cb", 1 },
		{ "http://127.0.0.1:33418/callback", 1 },
		{ "http://[::1]:8080/cb", 1 },
		{ "http://localhost:6274/oauth/callback", 1 },
		{ "http://localhost", 1 },
		/* http off the loopback interface */
		{ "http://example.org/cb", 0 },
		{ "http://127.0.0.2/cb", 0 },
		{ "http://localhost.example.org/cb", 0 },
		{ "http://127.0.0.1.nip.io/cb", 0 },
		{ "http://[::2]/cb", 0 },
		{ "http://localhost@evil.example/cb", 0 },
		/* fragments, user info, odd characters */
		{ "https://example.org/cb#frag", 0 },
		{ "https://example.org/cb#", 0 },
		{ "https://user@example.org/cb", 0 },
		{ "https://good.example:pw@evil.example/", 0 },
		{ "https://example.org/c b", 0 },
		{ "https://example.org/cb\r\nX: y", 0 },
		{ "https://example.org/\xc3\xa9", 0 },
		{ "https://example.org/a\\b", 0 },
		/* schemes and hosts */
		{ "HTTPS://example.org/cb", 0 },
		{ "ftp://example.org/cb", 0 },
		{ "javascript:alert(1)", 0 },
		{ "com.example.app:/cb", 0 },
		{ "https:///cb", 0 },
		{ "https://", 0 },
		{ "https://:443/cb", 0 },
		{ "https://exa_mple.org/cb", 0 },
		{ "https://example..org/cb", 0 },
		{ "https://.example.org/cb", 0 },
		{ "https://example.org:/cb", 0 },
		{ "https://example.org:123456/cb", 0 },
		{ "https://example.org:8a/cb", 0 },
		{ "https://[]/cb", 0 },
		{ "https://[::1/cb", 0 },
		{ "https://[zz::1]/cb", 0 },
		{ "", 0 },
		{ NULL, 0 },
	};
	char	 big[OAUTH_DCR_URI_MAX + 2];
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (oauth_dcr_redirect_ok(t[i].uri) != t[i].want) {
			CHECK(0);
			fprintf(stderr, "  redirect %s\n", t[i].uri ?
			    t[i].uri : "(null)");
		} else
			CHECK(1);
	/* The longest URI is OAUTH_DCR_URI_MAX bytes. */
	memset(big, 'a', sizeof(big));
	memcpy(big, "https://e.org/", 14);
	big[OAUTH_DCR_URI_MAX] = '\0';
	CHECK(oauth_dcr_redirect_ok(big));
	big[OAUTH_DCR_URI_MAX] = 'a';
	big[OAUTH_DCR_URI_MAX + 1] = '\0';
	CHECK(!oauth_dcr_redirect_ok(big));
	/* A host is at most 253 bytes (RFC 1035 2.3.4): authorize shows the
	 * redirect's origin and refuses a longer one, so a client registered
	 * with one could never sign anyone in. */
	memset(big, 'a', sizeof(big));
	memcpy(big, "https://", 8);
	memcpy(big + 8 + 253, ":65535/cb", 10);
	CHECK(oauth_dcr_redirect_ok(big));
	memset(big, 'a', sizeof(big));
	memcpy(big, "https://", 8);
	memcpy(big + 8 + 254, "/cb", 4);
	CHECK(!oauth_dcr_redirect_ok(big));
}

#define CB	"\"redirect_uris\":[\"https://claude.ai/api/mcp/auth_callback\"]"

static void
test_parse(void)
{
	static const struct {
		const char	*body;
		int		 status;	/* 0: accepted */
		const char	*error;
		const char	*auth;		/* when accepted */
	} t[] = {
		{ "{" CB "}", 0, NULL, "client_secret_basic" },
		{ "{" CB ",\"token_endpoint_auth_method\":\"none\"}", 0, NULL,
		    "none" },
		{ "{" CB ",\"token_endpoint_auth_method\":"
		    "\"client_secret_post\"}", 0, NULL, "client_secret_post" },
		{ "{" CB ",\"client_name\":\"Claude\",\"grant_types\":"
		    "[\"authorization_code\",\"refresh_token\"],"
		    "\"response_types\":[\"code\"],\"scope\":\"read:memories\","
		    "\"logo_uri\":\"https://x/y.png\",\"contacts\":[1]}", 0,
		    NULL, "client_secret_basic" },
		{ "{\"redirect_uris\":[\"http://127.0.0.1:1234/cb\","
		    "\"https://a.example/cb\"]}", 0, NULL,
		    "client_secret_basic" },
		/* the body */
		{ "", 400, "invalid_client_metadata", NULL },
		{ "[]", 400, "invalid_client_metadata", NULL },
		{ "{" CB ",}", 400, "invalid_client_metadata", NULL },
		{ "{" CB "," CB "}", 400, "invalid_client_metadata", NULL },
		{ "\"x\"", 400, "invalid_client_metadata", NULL },
		/* redirect URIs */
		{ "{}", 400, "invalid_redirect_uri", NULL },
		{ "{\"redirect_uris\":[]}", 400, "invalid_redirect_uri", NULL },
		{ "{\"redirect_uris\":\"https://a.example/\"}", 400,
		    "invalid_redirect_uri", NULL },
		{ "{\"redirect_uris\":[1]}", 400, "invalid_redirect_uri", NULL },
		{ "{\"redirect_uris\":[\"http://example.org/cb\"]}", 400,
		    "invalid_redirect_uri", NULL },
		{ "{\"redirect_uris\":[\"https://a.example/cb#x\"]}", 400,
		    "invalid_redirect_uri", NULL },
		/* a NUL is refused by the JSON parser already */
		{ "{\"redirect_uris\":[\"https://a.example/\\u0000x\"]}", 400,
		    "invalid_client_metadata", NULL },
		{ "{\"redirect_uris\":[\"https://a/1\",\"https://a/2\","
		    "\"https://a/3\",\"https://a/4\",\"https://a/5\","
		    "\"https://a/6\",\"https://a/7\",\"https://a/8\","
		    "\"https://a/9\"]}", 400, "invalid_redirect_uri", NULL },
		/* other metadata */
		{ "{" CB ",\"token_endpoint_auth_method\":"
		    "\"private_key_jwt\"}", 400, "invalid_client_metadata",
		    NULL },
		{ "{" CB ",\"token_endpoint_auth_method\":1}", 400,
		    "invalid_client_metadata", NULL },
		{ "{" CB ",\"grant_types\":[\"implicit\"]}", 400,
		    "invalid_client_metadata", NULL },
		{ "{" CB ",\"grant_types\":[\"refresh_token\"]}", 400,
		    "invalid_client_metadata", NULL },
		{ "{" CB ",\"grant_types\":[]}", 400,
		    "invalid_client_metadata", NULL },
		{ "{" CB ",\"response_types\":[\"token\"]}", 400,
		    "invalid_client_metadata", NULL },
		{ "{" CB ",\"client_name\":\"\"}", 400,
		    "invalid_client_metadata", NULL },
		{ "{" CB ",\"client_name\":\"a\\nb\"}", 400,
		    "invalid_client_metadata", NULL },
		{ "{" CB ",\"client_name\":\"a\\u0000b\"}", 400,
		    "invalid_client_metadata", NULL },
		{ "{" CB ",\"client_name\":7}", 400,
		    "invalid_client_metadata", NULL },
		/* Unicode controls: C1 (U+009B is a terminal's CSI in omi-admin
		 * client list), bidi overrides, embeddings, isolates and marks
		 * (they reverse the consent page's " (unverified)"), and line
		 * and paragraph separators. */
		{ "{" CB ",\"client_name\":\"a\\u009b2Jb\"}", 400,
		    "invalid_client_metadata", NULL },
		{ "{" CB ",\"client_name\":\"a\\u0085b\"}", 400,
		    "invalid_client_metadata", NULL },
		{ "{" CB ",\"client_name\":\"ChatGPT\\u202e\"}", 400,
		    "invalid_client_metadata", NULL },
		{ "{" CB ",\"client_name\":\"\\u202dClaude\"}", 400,
		    "invalid_client_metadata", NULL },
		{ "{" CB ",\"client_name\":\"a\\u202ab\"}", 400,
		    "invalid_client_metadata", NULL },
		{ "{" CB ",\"client_name\":\"a\\u2067b\"}", 400,
		    "invalid_client_metadata", NULL },
		{ "{" CB ",\"client_name\":\"a\\u200fb\"}", 400,
		    "invalid_client_metadata", NULL },
		{ "{" CB ",\"client_name\":\"a\\u061cb\"}", 400,
		    "invalid_client_metadata", NULL },
		{ "{" CB ",\"client_name\":\"a\\u2028b\"}", 400,
		    "invalid_client_metadata", NULL },
		/* Other text outside ASCII is a name like any other. */
		{ "{" CB ",\"client_name\":\"Caf\\u00e9 \\u05d0 \\u200d "
		    "\\ud83e\\udd16\"}", 0, NULL, "client_secret_basic" },
		{ "{" CB ",\"scope\":\"write:everything\"}", 400,
		    "invalid_client_metadata", NULL },
	};
	struct oauth_dcr	 d;
	struct oauth_fail	 f;
	char			*big;
	size_t			 i;
	int			 rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		rc = oauth_dcr_parse(t[i].body, strlen(t[i].body), &d, &f);
		if (t[i].status == 0 ? rc == 0 && strcmp(d.auth,
		    t[i].auth) == 0 : rc == -1 && f.status == t[i].status &&
		    strcmp(f.error, t[i].error) == 0 && d.uris == NULL)
			CHECK(1);
		else {
			CHECK(0);
			fprintf(stderr, "  parse %s: rc %d status %d %s\n",
			    t[i].body, rc, rc ? f.status : 0, rc ? f.error :
			    d.auth);
		}
		oauth_dcr_free(&d);
	}
	/* What an accepted body yields. */
	rc = oauth_dcr_parse(t[3].body, strlen(t[3].body), &d, &f);
	CHECK(rc == 0 && d.nuris == 1 && strcmp(d.uris[0],
	    "https://claude.ai/api/mcp/auth_callback") == 0 &&
	    strcmp(d.name, "Claude") == 0 &&
	    strcmp(d.scope, OAUTH_SCOPE_READ) == 0);
	oauth_dcr_free(&d);
	/* The longest name, and one byte more. */
	if ((big = malloc(OAUTH_DCR_BODY_MAX + 2)) == NULL) {
		CHECK(0);
		return;
	}
	snprintf(big, OAUTH_DCR_BODY_MAX, "{" CB ",\"client_name\":\"%0*d\"}",
	    OAUTH_DCR_NAME_MAX, 0);
	CHECK(oauth_dcr_parse(big, strlen(big), &d, &f) == 0);
	oauth_dcr_free(&d);
	snprintf(big, OAUTH_DCR_BODY_MAX, "{" CB ",\"client_name\":\"%0*d\"}",
	    OAUTH_DCR_NAME_MAX + 1, 0);
	CHECK(oauth_dcr_parse(big, strlen(big), &d, &f) == -1 &&
	    f.status == 400);
	/* The body cap: 413 before any parsing. */
	memset(big, ' ', OAUTH_DCR_BODY_MAX + 1);
	memcpy(big, "{" CB "}", strlen("{" CB "}"));
	CHECK(oauth_dcr_parse(big, OAUTH_DCR_BODY_MAX, &d, &f) == 0);
	oauth_dcr_free(&d);
	CHECK(oauth_dcr_parse(big, OAUTH_DCR_BODY_MAX + 1, &d, &f) == -1 &&
	    f.status == 413);
	free(big);
}

static void
test_id_shape(void)
{
	CHECK(oauth_dcr_id_shaped("dcr-AAAAAAAAAAAAAAAAAAAAAA"));
	CHECK(oauth_dcr_id_shaped("dcr-abc_DEF-12345678901234"));
	CHECK(!oauth_dcr_id_shaped("dcr-AAAAAAAAAAAAAAAAAAAAA"));
	CHECK(!oauth_dcr_id_shaped("dcr-AAAAAAAAAAAAAAAAAAAAAAA"));
	CHECK(!oauth_dcr_id_shaped("dcr-AAAAAAAAAAAAAAAAAAAA/A"));
	CHECK(!oauth_dcr_id_shaped("xcr-AAAAAAAAAAAAAAAAAAAAAA"));
	CHECK(!oauth_dcr_id_shaped(NULL));
	CHECK(!oauth_dcr_id_shaped("client-1"));
}

static void
test_resource_parse(void)
{
	static const struct {
		const char	*v[3];
		int		 rc;
		int64_t		 res;
	} t[] = {
		{ { NULL }, 0, 0 },
		{ { "https://omi.example/mcp" }, 0, OAUTH_RES_MCP },
		{ { "https://omi.example/api" }, 0, OAUTH_RES_API },
		{ { "https://omi.example/api/conversations" }, 0,
		    OAUTH_RES_API },
		{ { "https://omi.example" }, 0, OAUTH_RES_ALL },
		{ { "https://omi.example/" }, 0, OAUTH_RES_ALL },
		{ { "https://omi.example/mcp", "https://omi.example/api" }, 0,
		    OAUTH_RES_ALL },
		{ { "https://omi.example/mcp", "https://omi.example/mcp" }, 0,
		    OAUTH_RES_MCP },
		{ { "" }, -1, 0 },
		{ { "https://omi.example/mcp/" }, -1, 0 },
		{ { "https://omi.example/mcp#x" }, -1, 0 },
		{ { "https://omi.example/mcp?x" }, -1, 0 },
		{ { "https://omi.example.evil/mcp" }, -1, 0 },
		{ { "https://omi.examplemcp" }, -1, 0 },
		{ { "http://omi.example/mcp" }, -1, 0 },
		{ { "https://OMI.example/mcp" }, -1, 0 },
		{ { "https://omi.example/mcp", "https://evil.example/" }, -1,
		    0 },
	};
	struct config	 c;
	struct param	 pv[4];
	struct params	 p;
	int64_t		 res;
	size_t		 i, k;
	int		 rc;

	config_defaults(&c);
	c.base_url = strdup("https://omi.example");
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		p.v = pv;
		p.n = 0;
		pv[p.n].name = (char *)"scope";
		pv[p.n++].value = (char *)"read:memories";
		for (k = 0; k < 3 && t[i].v[k] != NULL; k++) {
			pv[p.n].name = (char *)"resource";
			pv[p.n++].value = (char *)t[i].v[k];
		}
		rc = oauth_resource_parse(&c, &p, &res);
		CHECK(rc == t[i].rc && (rc == -1 || res == t[i].res));
		if (rc != t[i].rc)
			fprintf(stderr, "  resource %s\n", t[i].v[0]);
	}
	/* A base URL with a path and a trailing slash. */
	free(c.base_url);
	c.base_url = strdup("https://host.example/omi/");
	pv[0].name = (char *)"resource";
	pv[0].value = (char *)"https://host.example/omi/mcp";
	p.n = 1;
	CHECK(oauth_resource_parse(&c, &p, &res) == 0 &&
	    res == OAUTH_RES_MCP);
	pv[0].value = (char *)"https://host.example/mcp";
	CHECK(oauth_resource_parse(&c, &p, &res) == -1);
	config_free(&c);
}

/* Against a store ------------------------------------------------------- */

static char tmpdir[] = "/tmp/omi-unit-oclient.XXXXXX";

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
	config_add_redirect(c, "https://chatgpt.com/aip/g-*/oauth/callback");
}

static struct store *
open_w(const struct config *c)
{
	struct store *s = NULL;

	CHECK(store_open(&s, c->datadir, STORE_WRITE, 2000) == OMI_OK);
	return s;
}

static void
reg(const struct config *c, const char *body, int64_t now, char *id,
    char *secret)
{
	struct oauth_dcr	 d;
	struct oauth_fail	 f;
	struct store		*s;

	CHECK(oauth_dcr_parse(body, strlen(body), &d, &f) == 0);
	s = open_w(c);
	CHECK(oauth_dcr_register(c, s, &d, now, id, secret) == OMI_OK);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	oauth_dcr_free(&d);
}

static enum omi_err
get(const struct config *c, const char *id, int64_t now,
    struct oauth_client *cl)
{
	struct store	*s = NULL;
	enum omi_err	 err;

	CHECK(store_open(&s, c->datadir, STORE_READ, 2000) == OMI_OK);
	err = oauth_client_get(s, id, now, cl);
	store_close(s);
	return err;
}

/* A code for the registered client id with challenge cc (method ccm). */
static void
code_for(const struct config *c, const char *id, const char *uri,
    const char *cc, const char *ccm, char *code)
{
	struct oauth_request	 r = { 0 };
	struct store		*s;

	r.client_id = (char *)id;
	r.redirect_uri = (char *)uri;
	r.scope = (char *)OAUTH_SCOPE_READ;
	r.challenge = (char *)cc;
	r.method = (char *)ccm;
	s = open_w(c);
	CHECK(oauth_code_issue(c, s, &r, "alice", code) == OMI_OK);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
}

/* Redeems code asking for resources res; the access token into at (or
 * NULL). */
static int
redeem_for(const struct config *c, const char *code, const char *id,
    const char *uri, const char *verifier, int64_t res, char *at,
    struct oauth_fail *f)
{
	struct oauth_tokens	 t;
	struct store		*s;
	int			 rc;

	memset(f, 0, sizeof(*f));
	s = open_w(c);
	rc = oauth_code_redeem(c, s, code, id, uri, verifier, res, &t, f);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	if (at != NULL)
		memcpy(at, t.access, sizeof(t.access));
	oauth_tokens_free(&t);
	return rc;
}

static int
redeem(const struct config *c, const char *code, const char *id,
    const char *uri, const char *verifier, struct oauth_fail *f)
{
	return redeem_for(c, code, id, uri, verifier, 0, NULL, f);
}

/* oauth_bearer_check's status for token at resource. */
static int
bearer_at(const struct config *c, const char *token, int resource)
{
	struct oauth_bearer	 b;
	struct store		*s = NULL;
	char			 h[128];
	int			 rc;

	snprintf(h, sizeof(h), "Bearer %s", token);
	CHECK(store_open(&s, c->datadir, STORE_READ, 2000) == OMI_OK);
	rc = oauth_bearer_check(c, s, h, resource, &b);
	oauth_bearer_free(&b);
	store_close(s);
	return rc;
}

/* A code bound to res (0: unbound) redeemed asking for want. */
static int
bound(const struct config *c, const char *id, const char *cc, int64_t res,
    int64_t want, char *at)
{
	static const char	 ver[] =
	    "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
	struct oauth_request	 r = { 0 };
	struct oauth_fail	 f;
	struct store		*s;
	char			 code[SEC_TOKEN_LEN + 1];

	r.client_id = (char *)id;
	r.redirect_uri = (char *)"https://claude.ai/api/mcp/auth_callback";
	r.scope = (char *)OAUTH_SCOPE_READ;
	r.challenge = (char *)cc;
	r.method = (char *)"S256";
	r.res = res;
	s = open_w(c);
	CHECK(oauth_code_issue(c, s, &r, "alice", code) == OMI_OK);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	return redeem_for(c, code, id, r.redirect_uri, ver, want, at, &f);
}

static void
count_client(void *ctx, const char *id, const struct oauth_client *cl)
{
	size_t *n = ctx;

	CHECK(oauth_dcr_id_shaped(id) && cl->nuris > 0);
	(*n)++;
}

static size_t
clients(const struct config *c, int64_t now)
{
	struct store	*s = NULL;
	size_t		 n = 0;

	CHECK(store_open(&s, c->datadir, STORE_READ, 2000) == OMI_OK);
	CHECK(oauth_clients_list(s, now, count_client, &n) == OMI_OK);
	store_close(s);
	return n;
}

static void
test_store(void)
{
	static const char ver[] =
	    "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
	struct config		 c;
	struct oauth_client	 cl;
	struct oauth_fail	 f;
	struct oauth_gc_stats	 st;
	struct account		 acct = { 0 };
	struct store		*s;
	char			 id[OAUTH_DCR_ID_MAX], id2[OAUTH_DCR_ID_MAX];
	char			 secret[SEC_TOKEN_LEN + 1];
	char			 secret2[SEC_TOKEN_LEN + 1];
	char			 code[SEC_TOKEN_LEN + 1], cc[64], *v;
	char			 at[SEC_TOKEN_LEN + 1];
	size_t			 len;
	int64_t			 now = now_unix();

	CHECK(mkdtemp(tmpdir) != NULL);
	site(&c);
	s = open_w(&c);
	acct.uid = "alice";
	acct.pwhash = "$y$x";
	acct.webhook_key = "00";
	CHECK(account_save(s, &acct) == OMI_OK);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);

	/* A public client: no secret, found by its id. */
	reg(&c, "{\"redirect_uris\":[\"https://claude.ai/api/mcp/"
	    "auth_callback\"],\"client_name\":\"Claude\","
	    "\"token_endpoint_auth_method\":\"none\"}", now, id, secret);
	CHECK(oauth_dcr_id_shaped(id) && secret[0] == '\0');
	CHECK(get(&c, id, now, &cl) == OMI_OK);
	CHECK(strcmp(cl.name, "Claude") == 0 && strcmp(cl.auth, "none") == 0);
	CHECK(cl.exp == now + OAUTH_DCR_UNUSED_TTL && cl.used == 0);
	CHECK(oauth_client_redirect_ok(&cl,
	    "https://claude.ai/api/mcp/auth_callback"));
	CHECK(!oauth_client_redirect_ok(&cl,
	    "https://claude.ai/api/mcp/auth_callback/"));
	CHECK(!oauth_client_redirect_ok(&cl, NULL));
	CHECK(!oauth_client_redirect_ok(&cl,
	    "https://claude.ai:443/api/mcp/auth_callback"));
	CHECK(oauth_client_secret_ok(&c, &cl, NULL));
	CHECK(!oauth_client_secret_ok(&c, &cl, "x"));
	oauth_client_free(&cl);

	/* A confidential client: its secret works, stored only hashed. */
	reg(&c, "{\"redirect_uris\":[\"https://chatgpt.com/connector/oauth/"
	    "x1\"]}", now, id2, secret2);
	CHECK(strcmp(id, id2) != 0 && strlen(secret2) == SEC_TOKEN_LEN);
	CHECK(get(&c, id2, now, &cl) == OMI_OK);
	CHECK(cl.name == NULL && strcmp(cl.auth, "client_secret_basic") == 0);
	CHECK(oauth_client_secret_ok(&c, &cl, secret2));
	CHECK(!oauth_client_secret_ok(&c, &cl, NULL));
	CHECK(!oauth_client_secret_ok(&c, &cl, "secret-1"));
	oauth_client_free(&cl);
	s = open_w(&c);
	snprintf(cc, sizeof(cc), "dclient:%s", id2);
	CHECK(store_get(s, cc, &v, &len) == OMI_OK);
	CHECK(memmem(v, len, secret2, strlen(secret2)) == NULL);
	free(v);
	store_close(s);

	/* Unknown and malformed ids. */
	CHECK(get(&c, "dcr-AAAAAAAAAAAAAAAAAAAAAA", now, &cl) ==
	    OMI_NOTFOUND);
	CHECK(get(&c, "client-1", now, &cl) == OMI_NOTFOUND);
	CHECK(get(&c, "dcr-../../x", now, &cl) == OMI_NOTFOUND);

	/* A registered client's code needs S256 and is never pinned. */
	oauth_pkce_s256(ver, cc);
	code_for(&c, id, "https://claude.ai/api/mcp/auth_callback", NULL,
	    NULL, code);
	CHECK(redeem(&c, code, id, "https://claude.ai/api/mcp/auth_callback",
	    NULL, &f) == -1 && strcmp(f.error, "invalid_grant") == 0);
	code_for(&c, id, "https://claude.ai/api/mcp/auth_callback", ver,
	    "plain", code);
	CHECK(redeem(&c, code, id, "https://claude.ai/api/mcp/auth_callback",
	    ver, &f) == -1 && strcmp(f.error, "invalid_grant") == 0);
	code_for(&c, id, "https://claude.ai/api/mcp/auth_callback", cc,
	    "S256", code);
	CHECK(redeem(&c, code, "client-1",
	    "https://claude.ai/api/mcp/auth_callback", ver, &f) == -1);
	CHECK(redeem(&c, code, id, "https://claude.ai/api/mcp/auth_callback",
	    "wrong-verifier-wrong-verifier-wrong-verifier", &f) == -1);
	CHECK(redeem(&c, code, id, "https://claude.ai/api/mcp/auth_callback",
	    ver, &f) == 0);
	s = open_w(&c);
	CHECK(store_get(s, "client:pin", &v, &len) == OMI_NOTFOUND);
	store_close(s);

	/* RFC 8707: a token is bound to the resources asked for. */
	CHECK(bound(&c, id, cc, OAUTH_RES_MCP, 0, at) == 0);
	CHECK(bearer_at(&c, at, OAUTH_RES_MCP) == 0);
	CHECK(bearer_at(&c, at, OAUTH_RES_API) == 401);
	CHECK(bound(&c, id, cc, OAUTH_RES_API, 0, at) == 0);
	CHECK(bearer_at(&c, at, OAUTH_RES_MCP) == 401);
	CHECK(bearer_at(&c, at, OAUTH_RES_API) == 0);
	CHECK(bound(&c, id, cc, OAUTH_RES_ALL, 0, at) == 0);
	CHECK(bearer_at(&c, at, OAUTH_RES_MCP) == 0);
	CHECK(bearer_at(&c, at, OAUTH_RES_API) == 0);
	CHECK(bound(&c, id, cc, OAUTH_RES_ALL, OAUTH_RES_MCP, at) == 0);
	CHECK(bearer_at(&c, at, OAUTH_RES_MCP) == 0);
	CHECK(bearer_at(&c, at, OAUTH_RES_API) == 401);
	CHECK(bound(&c, id, cc, OAUTH_RES_MCP, OAUTH_RES_API, NULL) == -1);
	CHECK(bound(&c, id, cc, OAUTH_RES_MCP, OAUTH_RES_ALL, NULL) == -1);
	/* Unbound (the GPT's, as before): good anywhere, narrowable. */
	CHECK(bound(&c, id, cc, 0, 0, at) == 0);
	CHECK(bearer_at(&c, at, OAUTH_RES_MCP) == 0);
	CHECK(bearer_at(&c, at, OAUTH_RES_API) == 0);
	CHECK(bound(&c, id, cc, 0, OAUTH_RES_API, at) == 0);
	CHECK(bearer_at(&c, at, OAUTH_RES_MCP) == 401);
	CHECK(bearer_at(&c, at, OAUTH_RES_API) == 0);

	/* Touching keeps a used client; an unused one expires. */
	s = open_w(&c);
	CHECK(oauth_client_touch(s, id, now) == OMI_OK);
	CHECK(oauth_client_touch(s, "dcr-AAAAAAAAAAAAAAAAAAAAAA", now) ==
	    OMI_NOTFOUND);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	CHECK(get(&c, id, now, &cl) == OMI_OK);
	CHECK(cl.used == now && cl.exp == now + OAUTH_DCR_IDLE_TTL);
	oauth_client_free(&cl);
	CHECK(get(&c, id2, now + OAUTH_DCR_UNUSED_TTL, &cl) == OMI_NOTFOUND);
	CHECK(get(&c, id, now + OAUTH_DCR_UNUSED_TTL, &cl) == OMI_OK);
	oauth_client_free(&cl);
	s = open_w(&c);
	CHECK(oauth_gc(s, now + OAUTH_DCR_UNUSED_TTL, &st) == OMI_OK);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	s = open_w(&c);
	snprintf(cc, sizeof(cc), "dclient:%s", id2);
	CHECK(store_get(s, cc, &v, &len) == OMI_NOTFOUND);
	snprintf(cc, sizeof(cc), "dclient:%s", id);
	CHECK(store_get(s, cc, &v, &len) == OMI_OK);
	free(v);
	store_close(s);

	/* Listing and removal: removing ends the client's sign-ins. */
	CHECK(clients(&c, now) == 1);
	/* (The gc above, a day ahead, purged the access tokens already.) */
	oauth_pkce_s256(ver, cc);
	CHECK(bound(&c, id, cc, 0, 0, at) == 0);
	CHECK(bearer_at(&c, at, OAUTH_RES_API) == 0);
	s = open_w(&c);
	CHECK(oauth_client_remove(s, "dcr-AAAAAAAAAAAAAAAAAAAAAA", now,
	    &len) == OMI_NOTFOUND);
	CHECK(oauth_client_remove(s, "client-1", now, &len) == OMI_NOTFOUND);
	CHECK(oauth_client_remove(s, id, now, &len) == OMI_OK && len >= 6);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	CHECK(clients(&c, now) == 0);
	CHECK(bearer_at(&c, at, OAUTH_RES_API) == 401);
	config_free(&c);
}

/* Many sources together cannot fill the store either: at most
 * OAUTH_DCR_UNUSED_MAX registrations never used wait at once, and expired
 * ones are collected as registrations come. */
static void
test_room(void)
{
	struct config		 c;
	struct oauth_dcr	 d;
	struct oauth_fail	 f;
	struct oauth_dclient_rec r;
	struct store		*s;
	const char		*body = "{\"redirect_uris\":"
	    "[\"https://claude.ai/api/mcp/auth_callback\"]}";
	char			 id[OAUTH_DCR_ID_MAX], first[OAUTH_DCR_ID_MAX];
	char			 secret[SEC_TOKEN_LEN + 1], key[OAUTH_KEY_MAX];
	int64_t			 now = 1800000000;
	size_t			 n;
	int			 room, i;

	site(&c);
	CHECK(oauth_dcr_parse(body, strlen(body), &d, &f) == 0);
	s = open_w(&c);
	CHECK(oauth_dcr_room(s, now, &room) == OMI_OK && room == 1);
	for (i = 0; i < OAUTH_DCR_UNUSED_MAX; i++) {
		CHECK(oauth_dcr_register(&c, s, &d, now, id, secret) ==
		    OMI_OK);
		if (i == 0)
			memcpy(first, id, sizeof(first));
	}
	/* (A session's scan sees what is committed.) */
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	s = open_w(&c);
	CHECK(oauth_dcr_room(s, now, &room) == OMI_OK && room == 0);
	/* One signed in with: it no longer waits. */
	snprintf(key, sizeof(key), "dclient:%s", first);
	CHECK(oauth_dclient_load(s, key, &r) == OMI_OK);
	r.used = now;
	r.exp = now + OAUTH_DCR_IDLE_TTL;
	CHECK(oauth_dclient_save(s, key, &r) == OMI_OK);
	oauth_dclient_free(&r);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	s = open_w(&c);
	CHECK(oauth_dcr_room(s, now, &room) == OMI_OK && room == 1);
	CHECK(oauth_dcr_register(&c, s, &d, now, id, secret) == OMI_OK);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	s = open_w(&c);
	CHECK(oauth_dcr_room(s, now, &room) == OMI_OK && room == 0);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	CHECK(clients(&c, now) == OAUTH_DCR_UNUSED_MAX + 1);
	/* A day later the unused ones are gone from the file, the used one
	 * stays. */
	s = open_w(&c);
	CHECK(oauth_dcr_room(s, now + OAUTH_DCR_UNUSED_TTL, &room) ==
	    OMI_OK && room == 1);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	CHECK(clients(&c, 0) == 1);
	s = open_w(&c);
	CHECK(oauth_client_remove(s, first, now, &n) == OMI_OK);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	oauth_dcr_free(&d);
	config_free(&c);
}

/* RFC 8252 7.3: a loopback redirect URI matches with any port, nothing
 * else loosens. */
static void
test_loopback_ports(void)
{
	static const struct {
		const char	*reg, *uri;
		int		 ok;
	} t[] = {
		{ "http://127.0.0.1:33418/callback",
		    "http://127.0.0.1:33418/callback", 1 },
		{ "http://127.0.0.1:33418/callback",
		    "http://127.0.0.1:51234/callback", 1 },
		{ "http://127.0.0.1/callback", "http://127.0.0.1:8080/callback",
		    1 },
		{ "http://127.0.0.1:33418/callback", "http://127.0.0.1/callback",
		    1 },
		{ "http://[::1]:1/cb?x=1", "http://[::1]:65535/cb?x=1", 1 },
		{ "http://localhost:9/cb", "http://localhost:10/cb", 1 },
		{ "http://127.0.0.1:33418/callback",
		    "http://127.0.0.1:33418/callback/", 0 },
		{ "http://127.0.0.1:33418/callback",
		    "http://127.0.0.1:0/callback", 0 },
		{ "http://127.0.0.1:33418/callback",
		    "http://127.0.0.1:65536/callback", 0 },
		{ "http://127.0.0.1:33418/callback",
		    "http://127.0.0.1:123456/callback", 0 },
		{ "http://127.0.0.1:33418/callback",
		    "http://127.0.0.1:+80/callback", 0 },
		{ "http://127.0.0.1:33418/callback",
		    "http://127.0.0.1:80@evil.example/callback", 0 },
		{ "http://127.0.0.1:33418/callback",
		    "http://127.0.0.2:33418/callback", 0 },
		{ "http://127.0.0.1:33418/callback",
		    "http://localhost:33418/callback", 0 },
		{ "http://127.0.0.1:33418/callback",
		    "https://127.0.0.1:33418/callback", 0 },
		{ "http://localhost:9/cb", "http://localhost.evil.example:9/cb",
		    0 },
		{ "https://app.example:8443/cb", "https://app.example:8444/cb",
		    0 },
		{ "http://[::1]:1/cb", "http://[::2]:1/cb", 0 },
	};
	struct oauth_client	 cl;
	char			*uris[1];
	size_t			 i;

	memset(&cl, 0, sizeof(cl));
	cl.uris = uris;
	cl.nuris = 1;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uris[0] = (char *)t[i].reg;
		CHECK(oauth_client_redirect_ok(&cl, t[i].uri) == t[i].ok);
		if (oauth_client_redirect_ok(&cl, t[i].uri) != t[i].ok)
			fprintf(stderr, "  (%s for %s)\n", t[i].uri, t[i].reg);
	}
}

int
main(void)
{
	if (sec_init() == -1)
		return 1;
	test_redirect_rules();
	test_parse();
	test_id_shape();
	test_resource_parse();
	test_loopback_ports();
	test_store();
	test_room();
	unit_rmtree(tmpdir);
	return unit_done("test_oauth_client");
}
