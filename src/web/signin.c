/*
 * web-signin: the sign-in and sign-out forms of the conversation pages.
 * Sign-in checks the password exactly as the consent page does
 * (oauth_login: the same throttle by address, uid and known browser, the
 * same time spent whether or not the uid exists), then seals a session
 * (auth/session.h). The page to return to is a conversation id or the
 * list, never a URL, and the redirect is built from base_url, so the form
 * cannot send anyone elsewhere.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth/oauth.h"
#include "auth/session.h"
#include "conv/ingest.h"
#include "http/field.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/sec.h"
#include "lib/text.h"
#include "web/web.h"

#define CSRF_COOKIE_TTL	86400

static const char signin_form[] =
    "<h1>Sign in</h1>\n<p>Sign in with your OMI user id and the password "
    "you use to connect assistants to this service.</p>\n"
    "<p class=\"error\">{{error}}</p>\n"
    "<form class=\"signin\" method=\"post\" action=\"./:signin\">"
    "<input type=\"hidden\" name=\"csrf\" value=\"{{csrf}}\">"
    "<input type=\"hidden\" name=\"next\" value=\"{{next}}\">"
    "<label for=\"uid\">User id</label><input id=\"uid\" name=\"uid\" "
    "value=\"{{uid}}\" autocomplete=\"username\" required>"
    "<label for=\"password\">Password</label><input id=\"password\" "
    "name=\"password\" type=\"password\" autocomplete=\"current-password\" "
    "required><p><button class=\"primary\" type=\"submit\">Sign in</button>"
    "</p></form>\n";

static void
signin_token(const struct config *c, const char *cookie, char *out)
{
	sec_keyed_hash(c->key, "view-signin-csrf", cookie, strlen(cookie),
	    out);
}

void
web_signout_token(const struct config *c, const char *session, char *out)
{
	sec_keyed_hash(c->key, "view-signout-csrf", session, strlen(session),
	    out);
}

static int
next_ok(const char *v)
{
	return valid_ident(v, CONV_ID_MAX);
}

void
web_signin_show(struct app *a, const char *next, const char *uid,
    const char *error, int status)
{
	struct buf	 b = { 0 };
	char		 cookie[SEC_TOKEN_LEN + 1], csrf[SEC_HASH_HEX + 1];
	char		*old;

	/* The browser's CSRF cookie when it has one (two tabs), else new. */
	old = cgi_cookie(a->req.cookie, WEB_CSRF_COOKIE);
	if (old != NULL && sec_token_shaped(old))
		snprintf(cookie, sizeof(cookie), "%s", old);
	else
		sec_token(cookie);
	free(old);
	signin_token(&a->cfg, cookie, csrf);
	{
		const struct template_var vars[] = {
			{ "error", error }, { "csrf", csrf }, { "next", next },
			{ "uid", uid }, { NULL, NULL }
		};
		if (web_page_open(&b, &a->cfg, "Sign in", NULL) == -1 ||
		    web_put(&b, signin_form, vars) == -1)
			b.failed = 1;
	}
	web_page_send(a, status, &b);
	web_cookie(a, WEB_CSRF_COOKIE, cookie, CSRF_COOKIE_TTL);
	buf_free(&b);
}

/* 1 when the form's token is the one for the browser's cookie. */
static int
csrf_ok(struct app *a, const char *cookie_name, const char *label_for,
    const char *token)
{
	char	 want[SEC_HASH_HEX + 1], *cookie;
	int	 ok;

	cookie = cgi_cookie(a->req.cookie, cookie_name);
	if (cookie == NULL || token == NULL) {
		free(cookie);
		return 0;
	}
	if (strcmp(label_for, "signin") == 0)
		signin_token(&a->cfg, cookie, want);
	else
		web_signout_token(&a->cfg, cookie, want);
	ok = sec_streq(want, token);
	free(cookie);
	return ok;
}

enum { F_CSRF, F_NEXT, F_UID, F_PASSWORD };
static const struct field signin_fields[] = {
	[F_CSRF] = { "csrf", NULL, SEC_HASH_HEX, 0 },
	[F_NEXT] = { "next", next_ok, CONV_ID_MAX, 0 },
	[F_UID] = { "uid", NULL, 0, 0 },
	[F_PASSWORD] = { "password", NULL, 0, 0 },
};

/* After a good password: the session, then back to the page asked for. */
static void
signed_in(struct app *a, const char *uid, const char *next)
{
	struct store	*s = NULL;
	char		 value[SESSION_COOKIE_MAX];
	enum omi_err	 err;

	if ((err = store_open(&s, a->cfg.datadir, STORE_READ,
	    a->cfg.lock_timeout_ms)) == OMI_OK)
		err = session_issue(&a->cfg, s, uid, now_unix(), value);
	store_close(s);
	if (err != OMI_OK) {
		/* OMI_NOTFOUND: the account went since the password
		 * check; a store error otherwise. */
		log_msg("view: session: %s", omi_strerror(err));
		app_store_error(a, APP_ERR_HTML, err == OMI_NOTFOUND ?
		    OMI_ERROR : err);
		return;
	}
	web_redirect(a, next);
	web_cookie(a, WEB_COOKIE, value, SESSION_TTL);
	log_msg("view: uid %s signed in", uid);
	sodium_memzero(value, sizeof(value));
}

void
web_signin_post(struct app *a)
{
	const char		*v[FIELD_N(signin_fields)];
	struct field_fail	 ff;
	char			 addr[OAUTH_ADDR_MAX], *device = NULL;
	enum omi_err		 err = OMI_OK;
	int			 rc;

	if (a->req.body_type != BODY_FORM || field_check(&a->req.form,
	    signin_fields, FIELD_N(signin_fields), 0, v, &ff) != FIELD_OK) {
		resp_html_error(&a->resp, 400, "This form does not work",
		    "The sign-in form was malformed. Open the page again and "
		    "sign in.");
		return;
	}
	if (!csrf_ok(a, WEB_CSRF_COOKIE, "signin", v[F_CSRF])) {
		log_msg("view: sign-in without a matching CSRF token");
		web_signin_show(a, v[F_NEXT], v[F_UID], "This form has "
		    "expired, or your browser did not send its cookie. "
		    "Please sign in again.", 403);
		return;
	}
	if (v[F_UID] == NULL || v[F_PASSWORD] == NULL) {
		web_signin_show(a, v[F_NEXT], v[F_UID], "Enter your OMI user "
		    "id and password.", 200);
		return;
	}
	device = cgi_cookie(a->req.cookie, OAUTH_DEVICE_COOKIE);
	oauth_client_addr(cgi_getenv(&a->req, "REMOTE_ADDR"),
	    cgi_getenv(&a->req, "HTTP_X_FORWARDED_FOR"),
	    a->cfg.trusted_proxy, addr, sizeof(addr));
	rc = oauth_login(&a->cfg, v[F_UID], v[F_PASSWORD], device, addr, &err);
	sodium_memzero((char *)v[F_PASSWORD], strlen(v[F_PASSWORD]));
	switch (rc) {
	case OAUTH_LOGIN_OK:
		signed_in(a, v[F_UID], v[F_NEXT]);
		break;
	case OAUTH_LOGIN_BAD:
		log_msg("view: failed login");
		web_signin_show(a, v[F_NEXT], v[F_UID], "The user id or "
		    "password is not correct.", 200);
		break;
	case OAUTH_LOGIN_LOCKED:
		web_signin_show(a, v[F_NEXT], v[F_UID], "Too many failed "
		    "sign-ins for this user id from here. Signing in is "
		    "locked for 15 minutes; please try again later.", 429);
		resp_header(&a->resp, "Retry-After", "900");
		break;
	default:
		log_msg("view: sign-in: %s", omi_strerror(err));
		app_store_error(a, APP_ERR_HTML, err);
		break;
	}
	free(device);
}

static const struct field signout_fields[] = {
	{ "csrf", NULL, SEC_HASH_HEX, FIELD_REQUIRED },
};

void
web_signout_post(struct app *a)
{
	const char		*token;
	struct field_fail	 ff;
	char			*cookie;

	if (a->req.body_type != BODY_FORM || field_check(&a->req.form,
	    signout_fields, FIELD_N(signout_fields), 0, &token, &ff) !=
	    FIELD_OK) {
		resp_html_error(&a->resp, 400, "This form does not work",
		    "The sign-out form was malformed.");
		return;
	}
	/* Signed out already (another tab, an expired cookie): done. */
	if ((cookie = cgi_cookie(a->req.cookie, WEB_COOKIE)) == NULL) {
		web_redirect(a, NULL);
		return;
	}
	free(cookie);
	if (!csrf_ok(a, WEB_COOKIE, "signout", token)) {
		resp_html_error(&a->resp, 403, "Not signed out",
		    "This sign-out form does not belong to your sign-in. "
		    "Open the page again and sign out there.");
		return;
	}
	web_redirect(a, NULL);
	web_cookie(a, WEB_COOKIE, "", 0);
}
