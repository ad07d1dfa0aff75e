/*
 * token: the token endpoint and its two neighbours.
 *
 * POST /chatgpt/oauth/token (RFC 6749 3.2), form or JSON body:
 *   200 {access_token, token_type "bearer", expires_in, refresh_token,
 *        scope} with Cache-Control: no-store and Pragma: no-cache
 *   400 invalid_request (missing or repeated parameter, parameters in the
 *       query, two client authentication methods, other body types),
 *       invalid_grant, unsupported_grant_type, invalid_scope
 *   401 invalid_client (with WWW-Authenticate: Basic)
 *   405 not POST;  503 (with Retry-After), 507 or 500 when the store
 *   failed (app_store_error)
 * POST /chatgpt/oauth/revoke (PATH_INFO /:revoke, RFC 7009): 200 whether
 *   or not the token was known; client errors as above.
 * POST /chatgpt/oauth/register (PATH_INFO /:register, RFC 7591): a
 *   client registers itself (auth/oauth-client.c). JSON body:
 *   201 the client's id (and secret unless it is public) and metadata
 *   400 invalid_redirect_uri, invalid_client_metadata
 *   413 a body over 8 KiB;  429 too many registrations from this source
 * GET /.well-known/oauth-authorization-server (PATH_INFO /:metadata,
 *   RFC 8414): the server's metadata, built from the configured base URL.
 *   GET /.well-known/openid-configuration (PATH_INFO /:openid-configuration):
 *   the same, valid as an OpenID Connect Discovery document (see metadata).
 *   Either also under base_url's path inserted (/:metadata/omi): RFC 8414
 *   3.1's URL for an issuer with a path; other paths get 404.
 *
 * Registration lives here rather than in a program of its own: it answers
 * in the token endpoint's JSON error style, under the same routes, body
 * cap and deployment (FastCGI included), and the clients it makes are
 * checked by this program's client authentication anyway.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth/oauth.h"
#include "http/app.h"
#include "http/field.h"
#include "lib/buf.h"
#include "lib/clock.h"
#include "lib/enc.h"
#include "lib/json.h"
#include "lib/log.h"
#include "store/store.h"

static void
oauth_error(struct app *a, const struct oauth_fail *f)
{
	if (f->err != OMI_OK)
		app_store_error(a, APP_ERR_OAUTH, f->err);
	else
		resp_oauth_error(&a->resp, f->status, f->error, f->desc);
}

static void
simple_error(struct app *a, int status, const char *error, const char *desc)
{
	resp_oauth_error(&a->resp, status, error, desc);
}

/* Parameters ------------------------------------------------------------ */

/*
 * The parameters each step reads, checked in this order: the client's
 * (RFC 6749 2.3.1), the grant type, the grant's (4.1.3, 6), or
 * revocation's (RFC 7009 2.1). Others are ignored (RFC 6749 3.2). None has
 * a length of its own: the body's 64 KiB cap bounds them all.
 */
static const struct field client_fields[] = {
	{ "client_id", NULL, 0, 0 },
	{ "client_secret", NULL, 0, 0 },
};

static int
grant_type_ok(const char *v)
{
	return strcmp(v, "authorization_code") == 0 ||
	    strcmp(v, "refresh_token") == 0;
}

static const struct field grant_type_fields[] = {
	{ "grant_type", grant_type_ok, 0, FIELD_REQUIRED },
};

enum { G_CODE, G_REDIRECT_URI, G_VERIFIER, G_REFRESH, G_SCOPE };
static const struct field grant_fields[] = {
	[G_CODE] = { "code", NULL, 0, 0 },
	[G_REDIRECT_URI] = { "redirect_uri", NULL, 0, 0 },
	[G_VERIFIER] = { "code_verifier", NULL, 0, 0 },
	[G_REFRESH] = { "refresh_token", NULL, 0, 0 },
	[G_SCOPE] = { "scope", NULL, 0, 0 },
};

static const struct field revoke_fields[] = {
	{ "token", NULL, 0, FIELD_REQUIRED },
	{ "token_type_hint", NULL, 0, 0 },
};

/*
 * Copies a JSON object of strings into p (duplicates were refused):
 * OMI_OK, OMI_INVALID for any other body, OMI_NOMEM.
 */
static enum omi_err
json_params(const struct app *a, struct params *p)
{
	struct buf	 b = { 0 };
	json_error_t	 jerr;
	json_t		*j, *v;
	const char	*k;
	enum omi_err	 rc = OMI_INVALID;
	int		 oom;

	j = json_loadb_checked(a->req.body, a->req.body_len,
	    JSON_REJECT_DUPLICATES, &jerr, &oom);
	if (oom)
		rc = OMI_NOMEM;	/* not the client's error */
	if (j == NULL || !json_is_object(j))
		goto out;
	json_object_foreach(j, k, v) {
		if (!json_is_string(v))
			goto out;
		/* Re-encode as a form so there is one decoder to trust. */
		if (b.len > 0)
			buf_putc(&b, '&');
		url_encode_component(&b, k);
		buf_putc(&b, '=');
		url_encode_component(&b, json_string_value(v));
	}
	if (b.failed) {
		rc = OMI_NOMEM;
		goto out;
	}
	rc = params_decode(p, b.data ? b.data : "", b.len);
out:
	json_decref(j);
	if (b.data != NULL)
		sodium_memzero(b.data, b.len);
	buf_free(&b);
	return rc;
}

/* Client authentication ------------------------------------------------- */

/*
 * A registered client's authentication: its secret by either method, or
 * none at all for a public client (RFC 7591 2, token_endpoint_auth_method
 * none). Returns 1 when it holds, 0 when not, -1 with the store error
 * answered.
 */
static int
registered_auth(struct app *a, const char *id, const char *secret)
{
	struct oauth_client	 cl;
	struct store		*s = NULL;
	enum omi_err		 err;
	int			 ok = 0;

	if ((err = store_open(&s, a->cfg.datadir, STORE_READ,
	    a->cfg.lock_timeout_ms)) == OMI_OK)
		err = oauth_client_get(s, id, now_unix(), &cl);
	store_close(s);
	if (err == OMI_OK) {
		ok = oauth_client_secret_ok(&a->cfg, &cl, secret != NULL &&
		    *secret != '\0' ? secret : NULL);
		oauth_client_free(&cl);
	} else if (err != OMI_NOTFOUND) {
		log_msg("token: client lookup: %s", omi_strerror(err));
		app_store_error(a, APP_ERR_OAUTH, err);
		return -1;
	}
	return ok;
}

/*
 * Authenticates the client by exactly one method (RFC 6749 2.3): HTTP
 * Basic or client_id and client_secret in the body, or, for a registered
 * public client, client_id alone. Returns 0 with *cid the client's id
 * (malloc'd), or -1 with the error answered.
 */
static int
client_auth(struct app *a, const struct params *p, char **cid)
{
	char			*bid = NULL, *bsecret = NULL;
	const char		*v[FIELD_N(client_fields)];
	const char		*pid, *psecret, *id, *secret;
	struct field_fail	 ff;
	enum omi_err		 basic;
	int			 rc = -1, ok;

	if ((basic = cgi_auth_basic(a->req.authorization, &bid, &bsecret)) ==
	    OMI_NOMEM) {
		a->resp.failed = 1;
		goto out;
	}
	if (field_check(p, client_fields, FIELD_N(client_fields), 0, v,
	    &ff) != FIELD_OK) {
		simple_error(a, 400, "invalid_request",
		    "a client parameter is repeated");
		goto out;
	}
	pid = v[0];
	psecret = v[1];
	/* A Basic header that does not parse is a failed authentication,
	 * whatever the body holds. */
	if (basic == OMI_INVALID)
		id = secret = NULL;
	else if (basic == OMI_OK && psecret != NULL) {
		simple_error(a, 400, "invalid_request",
		    "use one client authentication method, not two");
		goto out;
	} else if (basic == OMI_OK && pid != NULL && strcmp(pid, bid) != 0) {
		simple_error(a, 400, "invalid_request",
		    "client_id differs from the authenticated client");
		goto out;
	} else {
		id = basic == OMI_OK ? bid : pid;
		secret = basic == OMI_OK ? bsecret : psecret;
	}
	if (id != NULL && !sec_streq(id, a->cfg.client_id) &&
	    oauth_dcr_id_shaped(id)) {
		if ((ok = registered_auth(a, id, secret)) == -1)
			goto out;
	} else {
		/* Both compared, in constant time, whatever the first
		 * says. */
		ok = id != NULL && secret != NULL;
		ok = (ok ? sec_streq(id, a->cfg.client_id) : 0) &
		    (ok ? sec_streq(secret, a->cfg.client_secret) : 0);
	}
	if (!ok) {
		log_msg("token: client authentication failed (%s)",
		    basic == OMI_OK ? "basic" : basic == OMI_INVALID ?
		    "malformed basic" :
		    psecret ? "post" : "none");
		simple_error(a, 401, "invalid_client",
		    "client authentication failed");
		/* RFC 9110 15.5.2: every 401 carries a challenge, also when
		 * the body's credentials were the ones refused. */
		resp_header(&a->resp, "WWW-Authenticate",
		    "Basic realm=\"omi\", charset=\"UTF-8\"");
		goto out;
	}
	if ((*cid = strdup(id)) == NULL) {
		a->resp.failed = 1;
		goto out;
	}
	rc = 0;
out:
	if (bsecret != NULL) {
		sodium_memzero(bsecret, strlen(bsecret));
		free(bsecret);
	}
	free(bid);
	return rc;
}

/*
 * The request's parameters: the form body, or a JSON body converted.
 * Returns 0 or -1 with the error answered.
 */
static int
body_params(struct app *a, struct params *p)
{
	enum omi_err err;

	/* RFC 6749 2.3.1 and 3.2: nothing in the URI. */
	if (a->req.query.n > 0) {
		simple_error(a, 400, "invalid_request",
		    "parameters belong in the request body, not the URL");
		return -1;
	}
	if (a->req.body_type == BODY_FORM) {
		*p = a->req.form;
		return 0;
	}
	if (a->req.body_type == BODY_JSON) {
		if ((err = json_params(a, p)) == OMI_OK)
			return 0;
		if (err == OMI_NOMEM)
			a->resp.failed = 1;
		else
			simple_error(a, 400, "invalid_request",
			    "the JSON body must be an object of strings");
		return -1;
	}
	simple_error(a, 400, "invalid_request", "the body must be "
	    "application/x-www-form-urlencoded");
	return -1;
}

/* Grants ---------------------------------------------------------------- */

static void
send_tokens(struct app *a, const struct oauth_tokens *t)
{
	json_t *j;

	j = json_pack("{s:s, s:s, s:I, s:s, s:s}", "access_token", t->access,
	    "token_type", "bearer", "expires_in", (json_int_t)t->expires_in,
	    "refresh_token", t->refresh, "scope", t->scope);
	if (j == NULL) {
		a->resp.failed = 1;
		return;
	}
	resp_json(&a->resp, 200, j);
	resp_header(&a->resp, "Pragma", "no-cache");
	json_decref(j);
}

static void
grant(struct app *a, const struct params *p, const char *cid)
{
	struct oauth_tokens	 t;
	struct oauth_fail	 f = { 0 };
	struct store		*s = NULL;
	struct field_fail	 ff;
	const char		*v[FIELD_N(grant_fields)];
	const char		*gt, *code, *ruri, *ver, *rt, *scope;
	int64_t			 res;
	enum omi_err		 err;
	int			 rc;

	memset(&t, 0, sizeof(t));
	switch (field_check(p, grant_type_fields, FIELD_N(grant_type_fields),
	    0, &gt, &ff)) {
	case FIELD_OK:
		break;
	case FIELD_INVALID:
		simple_error(a, 400, "unsupported_grant_type",
		    "only authorization_code and refresh_token are supported");
		return;
	default:
		simple_error(a, 400, "invalid_request", "grant_type is "
		    "missing or repeated");
		return;
	}
	if (field_check(p, grant_fields, FIELD_N(grant_fields), 0, v, &ff) !=
	    FIELD_OK) {
		simple_error(a, 400, "invalid_request",
		    "a parameter is repeated");
		return;
	}
	code = v[G_CODE];
	ruri = v[G_REDIRECT_URI];
	ver = v[G_VERIFIER];
	rt = v[G_REFRESH];
	scope = v[G_SCOPE];
	if (strcmp(gt, "authorization_code") == 0 ? code == NULL : rt == NULL) {
		simple_error(a, 400, "invalid_request", code == NULL &&
		    rt == NULL ? "code or refresh_token is required" :
		    "the grant's token parameter is missing");
		return;
	}
	/* RFC 8707 2.2: resource narrows the access token. */
	if (oauth_resource_parse(&a->cfg, p, &res) == -1) {
		simple_error(a, 400, "invalid_target", "the resource is not "
		    "one of this service's");
		return;
	}
	/* One exclusive session: check, retire and issue all at once. */
	if ((err = store_open(&s, a->cfg.datadir, STORE_WRITE,
	    a->cfg.lock_timeout_ms)) != OMI_OK) {
		app_store_error(a, APP_ERR_OAUTH, err);
		return;
	}
	if (strcmp(gt, "authorization_code") == 0)
		rc = oauth_code_redeem(&a->cfg, s, code, cid, ruri, ver, res,
		    &t, &f);
	else
		rc = oauth_refresh(&a->cfg, s, rt, cid, scope, res, &t, &f);
	/* A registered client in use does not expire. */
	if (rc == 0 && !sec_streq(cid, a->cfg.client_id) &&
	    (err = oauth_client_touch(s, cid, now_unix())) != OMI_OK) {
		f.err = err;
		rc = -1;
		log_msg("token: client touch: %s", omi_strerror(err));
		store_close(s);
		oauth_tokens_free(&t);
		app_store_error(a, APP_ERR_OAUTH, err);
		return;
	}
	/* A failure may have revoked a grant: that must stick as well. */
	if ((err = store_commit(s)) != OMI_OK) {
		log_msg("token: commit: %s", omi_strerror(err));
		app_store_error(a, APP_ERR_OAUTH, err);
	} else if (rc == 0)
		send_tokens(a, &t);
	else {
		log_msg("token: %s refused: %s", gt, f.desc);
		oauth_error(a, &f);
	}
	store_close(s);
	oauth_tokens_free(&t);
}

static void
revoke(struct app *a, const struct params *p, const char *cid)
{
	struct store		*s = NULL;
	struct field_fail	 ff;
	const char		*v[FIELD_N(revoke_fields)];
	const char		*token, *hint;
	enum omi_err		 err;

	if (field_check(p, revoke_fields, FIELD_N(revoke_fields), 0, v, &ff) !=
	    FIELD_OK) {
		simple_error(a, 400, "invalid_request", "token is missing or "
		    "repeated");
		return;
	}
	token = v[0];
	hint = v[1];
	if ((err = store_open(&s, a->cfg.datadir, STORE_WRITE,
	    a->cfg.lock_timeout_ms)) == OMI_OK &&
	    (err = oauth_revoke_token(&a->cfg, s, token, hint, cid)) ==
	    OMI_OK)
		err = store_commit(s);
	store_close(s);
	if (err != OMI_OK) {
		/* RFC 7009 2.2.1: the client may retry later. */
		log_msg("token: revoke: %s", omi_strerror(err));
		app_store_error(a, APP_ERR_OAUTH, err);
		return;
	}
	/* RFC 7009 2.2: 200 whether or not the token was known. */
	resp_body(&a->resp, 200, "application/json", "{}\n", 3);
}

/* Registration (RFC 7591) ------------------------------------------------ */

static json_t *
uris_json(const struct oauth_dcr *d)
{
	json_t	*a;
	size_t	 i;

	if ((a = json_array()) == NULL)
		return NULL;
	for (i = 0; i < d->nuris; i++)
		if (json_array_append_new(a, json_string(d->uris[i])) == -1) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* The answer to a registration (RFC 7591 3.2.1): what was registered. */
static void
registered(struct app *a, const struct oauth_dcr *d, const char *id,
    const char *secret, int64_t now)
{
	json_t *j, *u;

	if ((u = uris_json(d)) == NULL || (j = json_pack("{s:s, s:I, s:o, "
	    "s:s, s:[s,s], s:[s], s:s}", "client_id", id,
	    "client_id_issued_at", (json_int_t)now, "redirect_uris", u,
	    "token_endpoint_auth_method", d->auth, "grant_types",
	    "authorization_code", "refresh_token", "response_types", "code",
	    "scope", d->scope ? d->scope : OAUTH_SCOPE_READ)) == NULL) {
		a->resp.failed = 1;
		return;
	}
	if ((d->name != NULL && json_object_set_new(j, "client_name",
	    json_string(d->name)) == -1) || (*secret != '\0' &&
	    (json_object_set_new(j, "client_secret", json_string(secret)) ==
	    -1 || json_object_set_new(j, "client_secret_expires_at",
	    json_integer(0)) == -1)))
		a->resp.failed = 1;
	else {
		resp_json(&a->resp, 201, j);
		resp_header(&a->resp, "Pragma", "no-cache");
	}
	json_decref(j);
}

/*
 * POST /:register. The throttle counts every registration of a source
 * (like a failed sign-in): OAUTH_DCR_SOURCE_MAX in a window lock it out
 * for the lock time, so one address cannot fill the store; and many
 * addresses cannot either: at most OAUTH_DCR_UNUSED_MAX registrations
 * never used may wait at once (oauth_dcr_room).
 */
static void
do_register(struct app *a)
{
	struct oauth_dcr	 d;
	struct oauth_fail	 f;
	struct oauth_count	 k;
	struct store		*s = NULL;
	char			 addr[OAUTH_ADDR_MAX];
	char			 id[OAUTH_DCR_ID_MAX];
	char			 secret[SEC_TOKEN_LEN + 1];
	int64_t			 now = now_unix();
	enum omi_err		 err;
	int			 room;

	memset(secret, 0, sizeof(secret));
	if (a->req.body_type != BODY_JSON) {
		simple_error(a, 400, "invalid_client_metadata",
		    "the registration must be application/json");
		return;
	}
	if (oauth_dcr_parse(a->req.body, a->req.body_len, &d, &f) == -1) {
		if (f.err == OMI_NOMEM)
			a->resp.failed = 1;
		else {
			log_msg("token: registration refused: %s", f.desc);
			simple_error(a, f.status, f.error, f.desc);
		}
		return;
	}
	oauth_client_addr(cgi_getenv(&a->req, "REMOTE_ADDR"),
	    cgi_getenv(&a->req, "HTTP_X_FORWARDED_FOR"),
	    a->cfg.trusted_proxy, addr, sizeof(addr));
	if ((err = store_open(&s, a->cfg.datadir, STORE_WRITE,
	    a->cfg.lock_timeout_ms)) != OMI_OK ||
	    (err = oauth_throttle_get(&a->cfg, s, OAUTH_SUBJ_REGISTER, addr,
	    &k)) != OMI_OK)
		goto out;
	if (oauth_count_locked(&k, now)) {
		log_msg("token: registration refused: too many from %s", addr);
		simple_error(a, 429, "invalid_client_metadata", "too many "
		    "registrations from this address; try again later");
		resp_header(&a->resp, "Retry-After", "900");
		goto out;
	}
	if ((err = oauth_dcr_room(s, now, &room)) != OMI_OK)
		goto out;
	if (!room) {
		/* The expired ones it collected stay collected. */
		if ((err = store_commit(s)) != OMI_OK)
			goto out;
		log_msg("token: registration refused: %d unused registrations "
		    "wait already", OAUTH_DCR_UNUSED_MAX);
		simple_error(a, 429, "invalid_client_metadata", "too many "
		    "registrations wait to be used; try again later");
		resp_header(&a->resp, "Retry-After", "3600");
		goto out;
	}
	oauth_count_fail(&k, now, OAUTH_DCR_SOURCE_MAX);
	if ((err = oauth_dcr_register(&a->cfg, s, &d, now, id, secret)) !=
	    OMI_OK || (err = oauth_throttle_put(&a->cfg, s,
	    OAUTH_SUBJ_REGISTER, addr, &k, now)) != OMI_OK ||
	    (err = store_commit(s)) != OMI_OK)
		goto out;
	log_msg("token: client %s registered (%s, %zu redirect URIs)", id,
	    d.auth, d.nuris);
	registered(a, &d, id, secret, now);
out:
	if (err != OMI_OK) {
		log_msg("token: register: %s", omi_strerror(err));
		app_store_error(a, APP_ERR_OAUTH, err);
	}
	store_close(s);
	oauth_dcr_free(&d);
	sodium_memzero(secret, sizeof(secret));
}

/* Metadata (RFC 8414) ----------------------------------------------------- */

/*
 * Only S256 is advertised: MCP clients must use it (the MCP authorization
 * specification; a registered client's plain challenge is refused). The
 * custom GPT's client may still send plain, as it always could.
 *
 * oidc: the document served as /.well-known/openid-configuration. Under a
 * path of a shared host (base_url https://example.org/omi) the only URL of
 * MCP's discovery order (2025-11-25 authorization, "Authorization Server
 * Metadata Discovery") that reaches the bridge is OpenID Connect
 * Discovery's <issuer>/.well-known/openid-configuration, and the official
 * SDK parses what it finds there against its OpenID provider schema, which
 * requires jwks_uri, subject_types_supported and
 * id_token_signing_alg_values_supported. The bridge issues no ID tokens
 * and signs nothing, so these say exactly that: an empty key set (a static
 * file) and empty lists; scopes_supported has no "openid", so no client
 * asks for an ID token. See docs/mcp.md.
 */
static void
metadata(struct app *a, int oidc)
{
	struct buf	 u[5] = { { 0 } }, jwks = { 0 };
	static const char *const paths[] = { "", "/chatgpt/oauth/authorize",
	    "/chatgpt/oauth/token", "/chatgpt/oauth/revoke",
	    "/chatgpt/oauth/register" };
	json_t		*j = NULL;
	size_t		 i;
	int		 failed = 0;

	/* RFC 8414 3.3: the issuer is ours, never taken from Host. */
	for (i = 0; i < 5; i++) {
		buf_printf(&u[i], "%s%s", a->cfg.base_url, paths[i]);
		failed |= u[i].failed;
	}
	if (oidc) {
		buf_printf(&jwks, "%s/jwks.json", a->cfg.base_url);
		failed |= jwks.failed;
	}
	if (!failed)
		j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s], s:[s,s], "
		    "s:[s,s,s], s:[s,s], s:[s], s:[s]}",
		    "issuer", u[0].data, "authorization_endpoint", u[1].data,
		    "token_endpoint", u[2].data, "revocation_endpoint",
		    u[3].data, "registration_endpoint", u[4].data,
		    "response_types_supported", "code",
		    "grant_types_supported", "authorization_code",
		    "refresh_token", "token_endpoint_auth_methods_supported",
		    "client_secret_basic", "client_secret_post", "none",
		    "revocation_endpoint_auth_methods_supported",
		    "client_secret_basic", "client_secret_post",
		    "code_challenge_methods_supported", "S256",
		    "scopes_supported", OAUTH_SCOPE_READ);
	if (j != NULL && oidc && json_object_update_new(j, json_pack(
	    "{s:s, s:[], s:[]}", "jwks_uri", jwks.data,
	    "subject_types_supported",
	    "id_token_signing_alg_values_supported")) == -1) {
		json_decref(j);
		j = NULL;
	}
	if (j == NULL)
		a->resp.failed = 1;
	else
		resp_json(&a->resp, 200, j);
	json_decref(j);
	for (i = 0; i < 5; i++)
		buf_free(&u[i]);
	buf_free(&jwks);
}

/*
 * The metadata routes: prefix then a suffix oauth_wellknown_suffix takes.
 * 1 when path is one of them (oidc set), 0 when it is not.
 */
static int
metadata_route(const struct app *a, const char *path, int *oidc)
{
	static const char meta[] = "/:metadata";
	static const char openid[] = "/:openid-configuration";

	if (strncmp(path, meta, sizeof(meta) - 1) == 0) {
		*oidc = 0;
		path += sizeof(meta) - 1;
	} else if (strncmp(path, openid, sizeof(openid) - 1) == 0) {
		*oidc = 1;
		path += sizeof(openid) - 1;
	} else
		return 0;
	return oauth_wellknown_suffix(a->cfg.base_url, path);
}

static void
handle(struct app *a)
{
	struct params	 p = { 0 };
	const char	*path = a->req.path_info;
	char		*cid = NULL;
	int		 is_revoke = strcmp(path, "/:revoke") == 0, oidc;

	if (metadata_route(a, path, &oidc)) {
		if (strcmp(a->req.method, "GET") == 0 ||
		    strcmp(a->req.method, "HEAD") == 0)
			metadata(a, oidc);
		else
			app_method_not_allowed(a, APP_ERR_OAUTH, "GET, HEAD");
		return;
	}
	if (strcmp(path, "/:register") == 0) {
		if (strcmp(a->req.method, "POST") == 0)
			do_register(a);
		else
			app_method_not_allowed(a, APP_ERR_OAUTH, "POST");
		return;
	}
	if (*path != '\0' && strcmp(path, "/") != 0 && !is_revoke) {
		simple_error(a, 404, "invalid_request", "no such endpoint");
		return;
	}
	if (strcmp(a->req.method, "POST") != 0) {
		app_method_not_allowed(a, APP_ERR_OAUTH, "POST");
		return;
	}
	if (body_params(a, &p) == 0 && client_auth(a, &p, &cid) == 0) {
		if (is_revoke)
			revoke(a, &p, cid);
		else
			grant(a, &p, cid);
	}
	if (p.v != a->req.form.v)
		params_free(&p);
	free(cid);
}

int
main(void)
{
	static const struct app_spec spec = {
		.prog = "token", .errors = APP_ERR_OAUTH, .max_body = 65536,
		.handle = handle,
	};

	return app_run(&spec);
}
