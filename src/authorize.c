/*
 * authorize: the authorization endpoint, /chatgpt/oauth/authorize
 * (RFC 6749 4.1.1), where a person signs in and allows the client in.
 * The client is the configured one (the GPT, with its redirect URI
 * patterns and pin) or one that registered itself (an MCP client,
 * auth/oauth-client.c: exact redirect URIs, PKCE S256 required, and its
 * name shown as unverified). resource (RFC 8707) names what the token is
 * for; an unknown one is an invalid_target redirect.
 *
 * GET checks the authorization request and shows the consent page:
 *   400 HTML  unknown, missing or repeated client_id or redirect_uri, or an
 *             unregistered redirect_uri: never a redirect (RFC 6749 4.1.2.1)
 *   302       back to redirect_uri with error and state for other problems
 *             (response_type, scope, PKCE, repeated parameters)
 *   200 HTML  the consent page; the request travels in its hidden handle,
 *             sealed, bound to a cookie and single-use (auth/oauth-code.c), so
 *             showing it reads and writes no stored data
 * POST is the consent form (handle, uid, password, decision):
 *   400 HTML  missing, expired, used or foreign handle, or no cookie (a
 *             handle is used by the sign-in that got a code; a deny or a
 *             failed sign-in writes nothing, see finish_request)
 *   200 HTML  the page again after a wrong user id or password
 *   429 HTML  the page again while this source is locked out (auth/oauth.h)
 *   302       to redirect_uri with code and state (and the browser's
 *             known-device cookie, see auth/oauth-device.c), or
 *             error=access_denied
 *   405       any other method (HEAD is GET without the body)
 *   503 HTML  the store is unavailable, with Retry-After; 507 when the disk
 *             is full, 500 out of memory (app_store_error)
 * Every answer forbids framing (X-Frame-Options, CSP frame-ancestors) and
 * referrers, and is never cached.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth/oauth.h"
#include "http/app.h"
#include "http/field.h"
#include "http/template.h"
#include "lib/buf.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/sec.h"
#include "lib/text.h"
#include "store/store.h"

#define COOKIE_NAME	"omi_authz"
#define ORIGIN_MAX	300

/* Headers ---------------------------------------------------------------- */

/*
 * The consent page may post to itself and, since Chromium applies
 * form-action to the redirect that follows a submission, to the client's
 * origin; every other page may post nowhere.
 */
static void
framing_headers(struct resp *r, const char *form_origin)
{
	struct buf csp = { 0 };

	buf_puts(&csp, "default-src 'none'; style-src 'unsafe-inline'; "
	    "img-src 'self'; base-uri 'none'; frame-ancestors 'none'; "
	    "form-action ");
	if (form_origin != NULL) {
		buf_puts(&csp, "'self' ");
		buf_puts(&csp, form_origin);
	} else
		buf_puts(&csp, "'none'");
	if (csp.failed)
		r->failed = 1;
	else
		resp_header(r, "Content-Security-Policy", csp.data);
	resp_header(r, "X-Frame-Options", "DENY");
	resp_header(r, "Referrer-Policy", "no-referrer");
	buf_free(&csp);
}

static void
finish(struct app *a)
{
	if (!resp_has_header(&a->resp, "Content-Security-Policy"))
		framing_headers(&a->resp, NULL);
}

static void
bad_request(struct app *a, const char *why)
{
	resp_html_error(&a->resp, 400, "This sign-in link does not work", why);
}

static void
unavailable(struct app *a, enum omi_err err)
{
	log_msg("authorize: store: %s", omi_strerror(err));
	app_store_error(a, APP_ERR_HTML, err);
}

/*
 * RFC 6749 4.1.2.1 and RFC 9700 2.1: a callback of another GPT than the
 * one the client is pinned to is no registered callback either, so it
 * gets the error page, never a redirect. s is the caller's session, or
 * NULL for a read session of its own. Returns 0, or -1 when answered.
 */
static int
pin_check(struct app *a, struct store *s, const char *ruri)
{
	struct store	*own = NULL;
	enum omi_err	 err;

	if (s == NULL && (err = store_open(&own, a->cfg.datadir, STORE_READ,
	    a->cfg.lock_timeout_ms)) != OMI_OK) {
		unavailable(a, err);
		return -1;
	}
	err = oauth_pin_check(&a->cfg, s ? s : own, ruri);
	store_close(own);
	if (err == OMI_NOTFOUND)
		bad_request(a, "This sign-in link comes from another GPT than "
		    "the one connected to this service. Ask its administrator "
		    "to connect the new GPT.");
	else if (err != OMI_OK)
		unavailable(a, err);
	return err == OMI_OK ? 0 : -1;
}

/* RFC 6749 4.1.2.1: errors after the redirect URI is known go back to it. */
static void
redirect_error(struct app *a, const char *ruri, const char *error,
    const char *desc, const char *state)
{
	char *loc;

	loc = oauth_redirect_build(ruri, "error", error, "error_description",
	    desc, "state", state, NULL);
	if (loc == NULL)
		a->resp.failed = 1;
	else
		resp_redirect(&a->resp, 302, loc);
	free(loc);
}

/*
 * An error in a request whose client and redirect URI are good. The GPT's
 * go back to it (RFC 6749 4.1.2.1). A client that registered itself may
 * have registered any https page: sending the browser there at once would
 * make this service the open redirector of RFC 9700 4.11.2 (a link on this
 * site's name that lands on the attacker's), so its errors are shown here,
 * with the OAuth error code for whoever reports them.
 */
static void
request_error(struct app *a, int registered, const char *ruri,
    const char *error, const char *desc, const char *state)
{
	char *why;

	if (!registered) {
		redirect_error(a, ruri, error, desc, state);
		return;
	}
	if (asprintf(&why, "The application's sign-in request is not valid "
	    "(%s: %s). Go back to the application and try again; if it "
	    "happens again, tell its maker.", error, desc) == -1) {
		a->resp.failed = 1;
		return;
	}
	bad_request(a, why);
	free(why);
}

/* The cookie ------------------------------------------------------------- */

static int
path_chars(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789/._~-", p[i]) == NULL)
			return 0;
	return 1;
}

/*
 * The directory of the URL the browser used, so the cookie goes nowhere
 * else; "/" when the server did not say or said something odd. A proxy
 * that strips a path prefix (base_url https://host/omi served as /chatgpt/
 * on the backend) hides it from REQUEST_URI, so base_url's path is put
 * back in front when the request's path does not start with it.
 */
static void
cookie_path(struct app *a, char *out, size_t n)
{
	const char	*ru = cgi_getenv(&a->req, "REQUEST_URI");
	const char	*bp = NULL;
	size_t		 len, blen = 0;

	snprintf(out, n, "/");
	if (ru == NULL || ru[0] != '/')
		return;
	len = strcspn(ru, "?#");
	while (len > 1 && ru[len - 1] != '/')
		len--;
	if (a->cfg.base_url != NULL &&
	    (bp = strstr(a->cfg.base_url, "://")) != NULL &&
	    (bp = strchr(bp + 3, '/')) != NULL) {
		blen = strcspn(bp, "?#");
		while (blen > 0 && bp[blen - 1] == '/')
			blen--;
		if (len > blen && strncmp(ru, bp, blen) == 0 && ru[blen] == '/')
			blen = 0;	/* the prefix is there already */
	}
	if (blen + len >= n || !path_chars(ru, len) ||
	    (blen > 0 && !path_chars(bp, blen)))
		return;
	if (blen > 0)
		memcpy(out, bp, blen);
	memcpy(out + blen, ru, len);
	out[blen + len] = '\0';
}

/*
 * Sets a cookie, never for scripts: for the consent page's directory when
 * site_wide is 0, else for the whole site.
 */
static void
cookie_header(struct app *a, const char *name, const char *value,
    int64_t ttl, int site_wide)
{
	struct buf	 h = { 0 };
	char		 path[256];
	int		 secure;

	if (site_wide)
		snprintf(path, sizeof(path), "/");
	else
		cookie_path(a, path, sizeof(path));
	secure = a->req.https || strncmp(a->cfg.base_url, "https://", 8) == 0;
	buf_printf(&h, "%s=%s; Path=%s; Max-Age=%lld; HttpOnly; "
	    "SameSite=Lax%s", name, value, path, (long long)ttl,
	    secure ? "; Secure" : "");
	if (h.failed)
		a->resp.failed = 1;
	else
		resp_header(&a->resp, "Set-Cookie", h.data);
	buf_free(&h);
}

/*
 * The browser's binding cookie: its current one when it has a well-formed
 * one (so two tabs can sign in at once), else a new one; (re)set either
 * way so it lives as long as the newest pending request.
 */
static void
cookie_set(struct app *a, char *value, int64_t ttl)
{
	char *old;

	old = cgi_cookie(a->req.cookie, COOKIE_NAME);
	if (old != NULL && sec_token_shaped(old))
		snprintf(value, SEC_TOKEN_LEN + 1, "%s", old);
	else
		sec_token(value);
	free(old);
	cookie_header(a, COOKIE_NAME, value, ttl, 0);
}

/*
 * After uid signed in: the browser's known-device cookie for uid (its
 * current one when it holds for uid, else a new one), for a year. Its path
 * is the whole site: the page is served under more than one path
 * (/chatgpt/oauth/authorize, /cgi-bin/authorize, a prefix a proxy strips),
 * and a cookie for one of them would leave the owner a stranger at the
 * others. It is HttpOnly and says nothing but "this browser signed in as
 * uid", which counts for nothing outside the sign-in throttle.
 */
static void
device_cookie_set(struct app *a, const char *uid, const char *device)
{
	char value[OAUTH_DEVICE_MAX];

	if (oauth_device_valid(&a->cfg, uid, device))
		snprintf(value, sizeof(value), "%s", device);
	else if (oauth_device_make(&a->cfg, uid, value) == -1) {
		a->resp.failed = 1;
		return;
	}
	cookie_header(a, OAUTH_DEVICE_COOKIE, value, OAUTH_DEVICE_TTL, 1);
}

/* The page ---------------------------------------------------------------- */

static const char *
scope_text(const char *scope)
{
	/* One scope exists; the page says what it means in words. */
	(void)scope;
	return "Read your OMI conversations (titles, summaries and "
	    "transcripts)";
}

/*
 * Shows the consent page for req under handle, with an error message and
 * the uid typed so far (both may be NULL).
 */
static void
show_page(struct app *a, const struct oauth_request *req, const char *handle,
    const char *uid, const char *error, int status)
{
	struct buf	 body = { 0 };
	char		 origin[ORIGIN_MAX];
	const char	*host;

	if (oauth_redirect_origin(req->redirect_uri, origin, sizeof(origin)) ==
	    -1) {
		bad_request(a, "The application's return address is invalid.");
		return;
	}
	host = strstr(origin, "://") + 3;
	{
		const struct template_var vars[] = {
			{ "client_name", req->client_name ? req->client_name :
			    req->client_id != NULL && sec_streq(req->client_id,
			    a->cfg.client_id) ? a->cfg.client_name :
			    "An application without a name" },
			{ "scope_text", scope_text(req->scope) },
			{ "redirect_host", host },
			{ "handle", handle },
			{ "uid", uid },
			{ "error", error },
			{ NULL, NULL }
		};
		if (template_render(&body, tmpl_authorize_html, vars) == -1) {
			buf_free(&body);
			a->resp.failed = 1;
			return;
		}
	}
	resp_body(&a->resp, status, "text/html; charset=utf-8", body.data,
	    body.len);
	framing_headers(&a->resp, origin);
	buf_free(&body);
}

static int64_t
pending_ttl(const struct config *c)
{
	return c->pending_ttl > 0 && c->pending_ttl <= 3600 ? c->pending_ttl :
	    600;
}

/* GET: the authorization request ------------------------------------------ */

/*
 * The authorization request's parameters (RFC 6749 4.1.1, RFC 7636 4.3),
 * checked in this order: client_id and redirect_uri, each alone, since a
 * problem with either gets the error page and not a redirect; state, since
 * a repeated or oversized one cannot be echoed faithfully; then the rest.
 * Other parameters are ignored (RFC 6749 3.1). Lengths: the query string's
 * cap bounds all but state, which travels in the page and the redirect.
 */
static const struct field client_id_fields[] = {
	{ "client_id", NULL, 0, FIELD_REQUIRED },
};
static const struct field redirect_uri_fields[] = {
	{ "redirect_uri", NULL, 0, FIELD_REQUIRED },
};
static const struct field state_fields[] = {
	{ "state", NULL, OAUTH_STATE_MAX, 0 },
};

static int
response_type_ok(const char *v)
{
	return strcmp(v, "code") == 0;
}

static int
pkce_method_ok(const char *v)
{
	return strcmp(v, "S256") == 0 || strcmp(v, "plain") == 0;
}

enum { R_TYPE, R_SCOPE, R_CHALLENGE, R_METHOD };
static const struct field request_fields[] = {
	[R_TYPE] = { "response_type", response_type_ok, 0, FIELD_REQUIRED },
	[R_SCOPE] = { "scope", NULL, 0, 0 },
	[R_CHALLENGE] = { "code_challenge", oauth_pkce_syntax_ok, 0, 0 },
	[R_METHOD] = { "code_challenge_method", pkce_method_ok, 0, 0 },
};

/* The consent form (the page's hidden handle and what the person typed). */
enum { F_HANDLE, F_DECISION, F_UID, F_PASSWORD };
static const struct field form_fields[] = {
	[F_HANDLE] = { "handle", NULL, 0, FIELD_REQUIRED },
	[F_DECISION] = { "decision", NULL, 0, 0 },
	[F_UID] = { "uid", NULL, 0, 0 },
	[F_PASSWORD] = { "password", NULL, 0, 0 },
};

/*
 * Checks the request after client and redirect URI were found good; fills
 * req or answers with the error (request_error). Returns 0 when req is
 * complete.
 */
static int
check_request(struct app *a, const char *cid, int registered,
    const char *ruri, struct oauth_request *req)
{
	const struct params	*q = &a->req.query;
	const char		*v[FIELD_N(request_fields)];
	const char		*state, *scope, *cc, *ccm;
	struct field_fail	 ff;
	int			 unknown;

	if (field_check(q, state_fields, FIELD_N(state_fields), 0, &state,
	    &ff) != FIELD_OK) {
		request_error(a, registered, ruri, "invalid_request",
		    "state is repeated or too long", NULL);
		return -1;
	}
	field_check(q, request_fields, FIELD_N(request_fields), 0, v, &ff);
	if (ff.why == FIELD_REPEATED) {
		request_error(a, registered, ruri, "invalid_request",
		    "a parameter is repeated", state);
		return -1;
	}
	if (ff.why != FIELD_OK && ff.index == R_TYPE) {
		if (ff.why == FIELD_MISSING)
			request_error(a, registered, ruri, "invalid_request",
			    "response_type is required", state);
		else
			request_error(a, registered, ruri,
			    "unsupported_response_type",
			    "only the code response type is supported", state);
		return -1;
	}
	scope = v[R_SCOPE];
	cc = v[R_CHALLENGE];
	ccm = v[R_METHOD];
	/* RFC 7636 4.3 and 4.4.1. */
	if (ff.why != FIELD_OK || (ccm != NULL && cc == NULL)) {
		request_error(a, registered, ruri, "invalid_request",
		    "code_challenge or code_challenge_method is invalid",
		    state);
		return -1;
	}
	/* A registered (MCP) client must use PKCE with S256 (the MCP
	 * authorization specification; RFC 9700 2.1.1 for public clients). */
	if (registered && (cc == NULL || ccm == NULL ||
	    strcmp(ccm, "S256") != 0)) {
		request_error(a, registered, ruri, "invalid_request",
		    cc == NULL ? "code_challenge is required" :
		    "code_challenge_method must be S256", state);
		return -1;
	}
	/* RFC 8707 2: the resources the token is for (repeatable). A
	 * registered (MCP) client that names none gets a token for /mcp; the
	 * GPT's stays unbound, as before. */
	if (oauth_resource_parse(&a->cfg, q, &req->res) == -1) {
		request_error(a, registered, ruri, "invalid_target",
		    "the resource is not one of this service's", state);
		return -1;
	}
	if (registered && req->res == 0)
		req->res = OAUTH_RES_MCP;
	if ((req->scope = oauth_scope_normalise(scope, &unknown)) == NULL) {
		if (unknown)
			request_error(a, registered, ruri, "invalid_scope",
			    "the requested scope is unknown", state);
		else
			a->resp.failed = 1;
		return -1;
	}
	req->client_id = xstrdup(cid);
	req->redirect_uri = xstrdup(ruri);
	req->state = xstrdup(state);
	req->challenge = xstrdup(cc);
	req->method = cc == NULL ? NULL : xstrdup(ccm ? ccm : "plain");
	req->exp = now_unix() + pending_ttl(&a->cfg);
	if (req->client_id == NULL || req->redirect_uri == NULL ||
	    (state && !req->state) || (cc && (!req->challenge ||
	    !req->method))) {
		a->resp.failed = 1;
		return -1;
	}
	return 0;
}

/*
 * A registered client named by the request: 1 with its name (or NULL)
 * in *name when uri is one of its redirect URIs, 2 when it is not (or
 * uri is NULL), 0 when id names no live registration, -1 with the error
 * answered.
 */
static int
registered_client(struct app *a, struct store *s, const char *id,
    const char *uri, char **name)
{
	struct oauth_client	 cl;
	struct store		*own = NULL;
	enum omi_err		 err;
	int			 rc = 0;

	*name = NULL;
	if (s == NULL && (err = store_open(&own, a->cfg.datadir, STORE_READ,
	    a->cfg.lock_timeout_ms)) != OMI_OK) {
		unavailable(a, err);
		return -1;
	}
	err = oauth_client_get(s ? s : own, id, now_unix(), &cl);
	store_close(own);
	if (err == OMI_NOTFOUND)
		return 0;
	if (err != OMI_OK) {
		unavailable(a, err);
		return -1;
	}
	rc = 2;
	if (uri != NULL && oauth_client_redirect_ok(&cl, uri)) {
		rc = 1;
		/* The page says who is asking; a name it chose itself is
		 * marked as such beside the host it returns to. */
		if (cl.name != NULL && asprintf(name, "%s (unverified)",
		    cl.name) == -1) {
			*name = NULL;
			a->resp.failed = 1;
			rc = -1;
		}
	}
	oauth_client_free(&cl);
	return rc;
}

static void
authorize_get(struct app *a)
{
	struct oauth_request	 req;
	const char		*cid, *ruri;
	char			 cookie[SEC_TOKEN_LEN + 1], *handle = NULL;
	char			*name = NULL;
	struct field_fail	 ff;
	enum field_why		 why, rwhy;
	int			 registered = 0, known;

	memset(&req, 0, sizeof(req));
	/* RFC 6749 4.1.2.1: these two are checked before anything else, and
	 * a problem with either is shown here, never sent anywhere. */
	why = field_check(&a->req.query, client_id_fields,
	    FIELD_N(client_id_fields), 0, &cid, &ff);
	rwhy = field_check(&a->req.query, redirect_uri_fields,
	    FIELD_N(redirect_uri_fields), 0, &ruri, &ff);
	known = why == FIELD_OK && sec_streq(cid, a->cfg.client_id);
	if (why == FIELD_OK && !known && oauth_dcr_id_shaped(cid)) {
		/* A registered client: its redirect URIs are its own. */
		switch (registered_client(a, NULL, cid, rwhy == FIELD_OK ?
		    ruri : NULL, &name)) {
		case -1:
			return;
		case 1:
			known = registered = 1;
			break;
		case 2:
			known = 1;
			if (rwhy == FIELD_OK)
				rwhy = FIELD_INVALID;
			break;
		default:
			break;
		}
	}
	if (!known) {
		bad_request(a, why == FIELD_REPEATED ? "The request names its "
		    "application more than once." : "The request does not "
		    "name an application this service knows.");
		goto out;
	}
	if (rwhy != FIELD_OK || (!registered &&
	    !oauth_redirect_allowed(&a->cfg, ruri))) {
		log_msg("authorize: redirect_uri %s", rwhy == FIELD_OK ||
		    rwhy == FIELD_INVALID ? "not registered" :
		    rwhy == FIELD_MISSING ? "missing" : "repeated");
		bad_request(a, "The application's return address is missing "
		    "or is not registered with this service.");
		goto out;
	}
	if (!registered && pin_check(a, NULL, ruri) == -1)
		goto out;
	if (check_request(a, cid, registered, ruri, &req) == -1)
		goto out;
	req.client_name = name;
	name = NULL;
	cookie_set(a, cookie, pending_ttl(&a->cfg));
	if ((handle = oauth_pending_seal(&a->cfg, &req, cookie)) == NULL)
		a->resp.failed = 1;
	else
		show_page(a, &req, handle, NULL, NULL, 200);
out:
	oauth_request_free(&req);
	free(handle);
	free(name);
}

/* POST: the consent form ------------------------------------------------- */

static const char expired_msg[] = "This sign-in request has expired or was "
    "already used, or your browser did not send its cookie. Go back to "
    "ChatGPT and start signing in again.";

/*
 * Opens an exclusive session in which handle (opened already) is unspent.
 * Returns 0, or -1 with the error answered and nothing left open.
 */
static int
pending_open(struct app *a, const char *handle, struct store **s)
{
	enum omi_err err;

	*s = NULL;
	if ((err = store_open(s, a->cfg.datadir, STORE_WRITE,
	    a->cfg.lock_timeout_ms)) != OMI_OK ||
	    (err = oauth_pending_unspent(&a->cfg, *s, handle)) != OMI_OK) {
		store_close(*s);
		*s = NULL;
		if (err == OMI_NOTFOUND)
			bad_request(a, expired_msg);
		else
			unavailable(a, err);
		return -1;
	}
	return 0;
}

/*
 * Ends the pending request req of handle. When uid is set, one exclusive
 * session marks the handle spent and issues a code. A deny (uid NULL)
 * writes nothing: the handle stays usable until it expires, and that is
 * harmless, because a handle holds no secret (its request is the one in
 * the page's URL) and is bound to this browser's cookie, so a replay can do
 * only what a fresh GET of that URL in this browser does: deny again, or
 * sign in with the password. Were a deny recorded, an anonymous client
 * could make the server sync its disk and grow its file with each one.
 * Answers with the redirect (returns 0), or the error page (-1).
 */
static int
finish_request(struct app *a, const char *handle,
    const struct oauth_request *req, const char *uid)
{
	struct store		*s = NULL;
	char			 code[SEC_TOKEN_LEN + 1], *loc = NULL;
	enum omi_err		 err;
	int			 rc = -1;

	memset(code, 0, sizeof(code));
	if (uid != NULL) {
		if (pending_open(a, handle, &s) == -1)
			return -1;
		if ((err = oauth_pending_spend(&a->cfg, s, handle, req)) ==
		    OMI_OK)
			err = oauth_code_issue(&a->cfg, s, req, uid, code);
		if (err == OMI_OK)
			err = store_commit(s);
		store_close(s);
	} else
		err = OMI_OK;
	if (err != OMI_OK)
		unavailable(a, err);
	else {
		if (uid != NULL)
			loc = oauth_redirect_build(req->redirect_uri, "code",
			    code, "state", req->state, NULL);
		else
			loc = oauth_redirect_build(req->redirect_uri, "error",
			    "access_denied", "error_description",
			    "the user denied access", "state", req->state,
			    NULL);
		if (loc == NULL)
			a->resp.failed = 1;
		else {
			resp_redirect(&a->resp, 302, loc);
			rc = 0;
		}
		log_msg("authorize: %s%s", uid ? "code issued for uid " :
		    "access denied", uid ? uid : "");
	}
	free(loc);
	sodium_memzero(code, sizeof(code));
	return rc;
}

/*
 * Shows the page again under a fresh handle. The old one is not spent: a
 * failed sign-in gives nothing to replay (guesses are counted by source and
 * uid, not by handle, and a fresh handle costs one GET anyway), and
 * spending it would be a write per failure.
 */
static void
show_again(struct app *a, const struct oauth_request *req, const char *uid,
    const char *error, int status)
{
	struct oauth_request	 fresh = *req;
	char			*sealed = NULL;
	char			 fresh_cookie[SEC_TOKEN_LEN + 1];

	/* The cookie lives as long as the fresh request. */
	cookie_set(a, fresh_cookie, pending_ttl(&a->cfg));
	fresh.exp = now_unix() + pending_ttl(&a->cfg);
	if ((sealed = oauth_pending_seal(&a->cfg, &fresh, fresh_cookie)) ==
	    NULL)
		a->resp.failed = 1;
	else
		show_page(a, &fresh, sealed, uid, error, status);
	free(sealed);
}

static void
authorize_post(struct app *a)
{
	struct oauth_request	 req;
	struct store		*s = NULL;
	struct field_fail	 ff;
	const char		*v[FIELD_N(form_fields)];
	const char		*handle, *decision, *uid, *pw;
	char			*cookie, *device = NULL;
	char			 addr[OAUTH_ADDR_MAX];
	enum omi_err		 err = OMI_OK;
	int			 rc;

	if (a->req.body_type != BODY_FORM || field_check(&a->req.form,
	    form_fields, FIELD_N(form_fields), 0, v, &ff) != FIELD_OK) {
		bad_request(a, "The sign-in form was incomplete. Go back to "
		    "ChatGPT and start signing in again.");
		return;
	}
	handle = v[F_HANDLE];
	decision = v[F_DECISION];
	uid = v[F_UID];
	pw = v[F_PASSWORD];
	memset(&req, 0, sizeof(req));
	cookie = cgi_cookie(a->req.cookie, COOKIE_NAME);
	/* The seal, then a shared session's look for a spent mark, answer a
	 * forged or stale form before any work. */
	if ((err = oauth_pending_get(&a->cfg, NULL, handle, cookie, &req)) ==
	    OMI_OK && (err = store_open(&s, a->cfg.datadir, STORE_READ,
	    a->cfg.lock_timeout_ms)) == OMI_OK) {
		err = oauth_pending_unspent(&a->cfg, s, handle);
		if (err == OMI_OK && sec_streq(req.client_id,
		    a->cfg.client_id)) {
			if (pin_check(a, s, req.redirect_uri) == -1) {
				store_close(s);
				goto out;
			}
		} else if (err == OMI_OK) {
			/* A registration that expired or was removed since
			 * the page was shown signs nobody in. */
			rc = registered_client(a, s, req.client_id,
			    req.redirect_uri, &req.client_name);
			if (rc != 1) {
				store_close(s);
				if (rc != -1)
					bad_request(a, "The application that "
					    "asked is no longer registered "
					    "with this service.");
				goto out;
			}
		}
		store_close(s);
	}
	if (err != OMI_OK) {
		if (err == OMI_NOTFOUND) {
			log_msg("authorize: consent POST with an unknown, "
			    "expired or foreign handle%s", cookie ? "" :
			    " (no cookie)");
			bad_request(a, expired_msg);
		} else
			unavailable(a, err);
		goto out;
	}
	if (decision != NULL && strcmp(decision, "deny") == 0) {
		finish_request(a, handle, &req, NULL);
		goto out;
	}
	if (decision == NULL || strcmp(decision, "allow") != 0) {
		bad_request(a, "The sign-in form was incomplete. Go back to "
		    "ChatGPT and start signing in again.");
		goto out;
	}
	if (uid == NULL || pw == NULL) {
		show_again(a, &req, uid, "Enter your OMI user id and "
		    "password.", 200);
		goto out;
	}
	device = cgi_cookie(a->req.cookie, OAUTH_DEVICE_COOKIE);
	oauth_client_addr(cgi_getenv(&a->req, "REMOTE_ADDR"),
	    cgi_getenv(&a->req, "HTTP_X_FORWARDED_FOR"),
	    a->cfg.trusted_proxy, addr, sizeof(addr));
	rc = oauth_login(&a->cfg, uid, pw, device, addr, &err);
	sodium_memzero((char *)pw, strlen(pw));
	switch (rc) {
	case OAUTH_LOGIN_OK:
		if (finish_request(a, handle, &req, uid) == 0)
			device_cookie_set(a, uid, device);
		break;
	case OAUTH_LOGIN_BAD:
		log_msg("authorize: failed login");
		show_again(a, &req, uid, "The user id or password is "
		    "not correct.", 200);
		break;
	case OAUTH_LOGIN_LOCKED:
		show_again(a, &req, uid, "Too many failed sign-ins "
		    "for this user id from here. Signing in is locked for "
		    "15 minutes; please try again later.", 429);
		resp_header(&a->resp, "Retry-After", "900");
		break;
	default:
		unavailable(a, err);
		break;
	}
out:
	oauth_request_free(&req);
	free(cookie);
	free(device);
}

static void
handle(struct app *a)
{
	/* RFC 9110 9.1: HEAD is GET without the body (http/app.c drops it). */
	if (strcmp(a->req.method, "GET") == 0 ||
	    strcmp(a->req.method, "HEAD") == 0)
		authorize_get(a);
	else if (strcmp(a->req.method, "POST") == 0)
		authorize_post(a);
	else
		app_method_not_allowed(a, APP_ERR_HTML, "GET, HEAD, POST");
}

int
main(void)
{
	static const struct app_keep keep = {
		store_keep_readers, store_kept, store_forget
	};
	static const struct app_spec spec = {
		.prog = "authorize", .errors = APP_ERR_HTML, .max_body = 65536,
		.handle = handle, .finish = finish,
		.keep = &keep,
	};

	return app_run(&spec);
}
