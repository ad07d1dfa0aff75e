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
 * GET /.well-known/oauth-authorization-server (PATH_INFO /:metadata,
 *   RFC 8414): the server's metadata, built from the configured base URL.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth/oauth.h"
#include "http/app.h"
#include "http/field.h"
#include "lib/buf.h"
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
 * Authenticates the client by exactly one method (RFC 6749 2.3): HTTP
 * Basic or client_id and client_secret in the body. Returns 0, or -1 with
 * the error answered.
 */
static int
client_auth(struct app *a, const struct params *p)
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
	/* Both compared, in constant time, whatever the first says. */
	ok = id != NULL && secret != NULL;
	ok = (ok ? sec_streq(id, a->cfg.client_id) : 0) &
	    (ok ? sec_streq(secret, a->cfg.client_secret) : 0);
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
grant(struct app *a, const struct params *p)
{
	struct oauth_tokens	 t;
	struct oauth_fail	 f = { 0 };
	struct store		*s = NULL;
	struct field_fail	 ff;
	const char		*v[FIELD_N(grant_fields)];
	const char		*gt, *code, *ruri, *ver, *rt, *scope;
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
	/* One exclusive session: check, retire and issue all at once. */
	if ((err = store_open(&s, a->cfg.datadir, STORE_WRITE,
	    a->cfg.lock_timeout_ms)) != OMI_OK) {
		app_store_error(a, APP_ERR_OAUTH, err);
		return;
	}
	if (strcmp(gt, "authorization_code") == 0)
		rc = oauth_code_redeem(&a->cfg, s, code, a->cfg.client_id,
		    ruri, ver, &t, &f);
	else
		rc = oauth_refresh(&a->cfg, s, rt, a->cfg.client_id, scope,
		    &t, &f);
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
revoke(struct app *a, const struct params *p)
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
	    (err = oauth_revoke_token(&a->cfg, s, token, hint,
	    a->cfg.client_id)) == OMI_OK)
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

/* Metadata (RFC 8414) ----------------------------------------------------- */

static void
metadata(struct app *a)
{
	struct buf	 u[4] = { { 0 } };
	static const char *const paths[] = { "", "/chatgpt/oauth/authorize",
	    "/chatgpt/oauth/token", "/chatgpt/oauth/revoke" };
	json_t		*j = NULL;
	size_t		 i;

	/* RFC 8414 3.3: the issuer is ours, never taken from Host. */
	for (i = 0; i < 4; i++)
		buf_printf(&u[i], "%s%s", a->cfg.base_url, paths[i]);
	if (!u[0].failed && !u[1].failed && !u[2].failed && !u[3].failed)
		j = json_pack("{s:s, s:s, s:s, s:s, s:[s], s:[s,s], "
		    "s:[s,s], s:[s,s], s:[s,s], s:[s]}",
		    "issuer", u[0].data, "authorization_endpoint", u[1].data,
		    "token_endpoint", u[2].data, "revocation_endpoint",
		    u[3].data, "response_types_supported", "code",
		    "grant_types_supported", "authorization_code",
		    "refresh_token", "token_endpoint_auth_methods_supported",
		    "client_secret_basic", "client_secret_post",
		    "revocation_endpoint_auth_methods_supported",
		    "client_secret_basic", "client_secret_post",
		    "code_challenge_methods_supported", "S256", "plain",
		    "scopes_supported", OAUTH_SCOPE_READ);
	if (j == NULL)
		a->resp.failed = 1;
	else
		resp_json(&a->resp, 200, j);
	json_decref(j);
	for (i = 0; i < 4; i++)
		buf_free(&u[i]);
}

static void
handle(struct app *a)
{
	struct params	 p = { 0 };
	const char	*path = a->req.path_info;
	int		 is_revoke = strcmp(path, "/:revoke") == 0;

	if (strcmp(path, "/:metadata") == 0) {
		if (strcmp(a->req.method, "GET") == 0 ||
		    strcmp(a->req.method, "HEAD") == 0)
			metadata(a);
		else
			app_method_not_allowed(a, APP_ERR_OAUTH, "GET, HEAD");
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
	if (body_params(a, &p) == 0 && client_auth(a, &p) == 0) {
		if (is_revoke)
			revoke(a, &p);
		else
			grant(a, &p);
	}
	if (p.v != a->req.form.v)
		params_free(&p);
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
