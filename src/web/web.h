/*
 * web: the conversation pages, where a citation from an assistant opens
 * (every url the MCP tools return is <base_url>/c/<id>): the list of a
 * person's conversations with a search box at /c/, one conversation at
 * /c/<id>, and the sign-in and sign-out forms at /c/:signin and
 * /c/:signout. The pages are plain HTML with inline CSS under the consent
 * page's headers (no framing, no referrer, never cached, no script); every
 * value goes through http/template.c, so nothing a conversation holds can
 * become markup. Links are relative, so the pages work under any path
 * prefix; redirects name base_url.
 *
 * Sign-in uses the consent page's account and throttle (auth/oauth-login.c)
 * and leaves a sealed session cookie (auth/session.h) scoped to base_url's
 * /c/ path. Both forms carry a CSRF token: the sign-in form's is the keyed
 * hash of a random cookie of its own, the sign-out form's the keyed hash of
 * the session cookie, so another site can neither sign a browser in to its
 * account nor sign it out.
 */
#ifndef OMI_WEB_H
#define OMI_WEB_H

#include <stdint.h>

#include "http/app.h"
#include "http/template.h"
#include "lib/buf.h"
#include "store/store.h"

#define WEB_COOKIE		"omi_view"
#define WEB_CSRF_COOKIE		"omi_view_csrf"
#define WEB_PAGE_SIZE		20	/* conversations a list page shows */

/* Who is signed in, for the page's header and its sign-out form. */
struct web_user {
	const char	*uid;
	const char	*session;	/* the session cookie's value */
};

/* page.c: the parts every page shares ------------------------------------ */

/* The consent page's framing and referrer headers; forms post to 'self'. */
void	 web_headers(struct resp *);
/* The program's finish hook: web_headers on every answer, errors too. */
void	 web_finish(struct app *);
/*
 * Sets a cookie for the /c/ path under base_url: HttpOnly, SameSite=Lax,
 * Secure when base_url is https or the request came over TLS. ttl 0 clears
 * it.
 */
void	 web_cookie(struct app *, const char *name, const char *value,
	    int64_t ttl);
/* A 303 to base_url + "/c/" + rest (rest already URL-safe). */
void	 web_redirect(struct app *, const char *rest);
/*
 * Opens a page: the document's head with title, and the top bar, which
 * shows who is signed in and the sign-out form when u is set. Returns 0
 * or -1 (out of memory).
 */
int	 web_page_open(struct buf *, const struct config *, const char *title,
	    const struct web_user *u);
/* Renders tmpl with vars onto the page (see template_render). */
int	 web_put(struct buf *, const char *tmpl,
	    const struct template_var *vars);
/* Closes the page and sends it with status; a failed buf is a 500. */
void	 web_page_send(struct app *, int status, struct buf *);
/* The 404 page: an unknown path, an unknown id and another user's id. */
void	 web_not_found(struct app *, const struct web_user *);
/* "2025-06-14 18:03 UTC" from an ISO 8601 date-time, else the text as is,
 * into out (at least 32 bytes). */
void	 web_date(const char *iso, char *out, size_t n);

/* signin.c: the forms ------------------------------------------------------ */

/*
 * The sign-in page (it replaces every page for a browser that is not
 * signed in), returning to next (a conversation id, or NULL for the list).
 * uid is what was typed, error a message (both may be NULL).
 */
void	 web_signin_show(struct app *, const char *next, const char *uid,
	    const char *error, int status);
/* POST /c/:signin:
 *   303 to the page asked for, with the session cookie
 *   200 the form again (wrong uid or password, incomplete form)
 *   400 a malformed form or next;  403 a missing or wrong CSRF token
 *   429 + Retry-After locked out (as at the consent page)
 *   503 the store is unavailable (app_store_error) */
void	 web_signin_post(struct app *);
/* POST /c/:signout: 303 to /c/ with the cookie cleared; 403 for a missing
 * or wrong CSRF token; 400 a malformed form. */
void	 web_signout_post(struct app *);
/* The sign-out form's CSRF token for a session cookie (SEC_HASH_HEX + 1). */
void	 web_signout_token(const struct config *, const char *session,
	    char *out);

/* list.c, detail.c: the pages --------------------------------------------- */

/* GET /c/: the list, newest first, WEB_PAGE_SIZE a page (cursor), with the
 * API's search (q): 200, 400 for a bad q or cursor, 503 store errors. */
void	 web_list(struct app *, struct store *, const struct web_user *);
/* GET /c/<id>: 200, or 404 for an id that is not the user's. */
void	 web_detail(struct app *, struct store *, const struct web_user *,
	    const char *id);
#endif
