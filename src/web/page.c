/*
 * web-page: what every conversation page shares: the headers, the session
 * and CSRF cookies' attributes, redirects, and the page's frame (head with
 * the inline style sheet, top bar with the sign-out form, end).
 */
#include <stdio.h>
#include <string.h>

#include "lib/log.h"
#include "lib/sec.h"
#include "web/web.h"

void
web_headers(struct resp *r)
{
	/* The consent page's policy (authorize.c), its form posting to
	 * itself: inline style, no script, no framing. */
	resp_header(r, "Content-Security-Policy", "default-src 'none'; "
	    "style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; "
	    "frame-ancestors 'none'; form-action 'self'");
	resp_header(r, "X-Frame-Options", "DENY");
	resp_header(r, "Referrer-Policy", "no-referrer");
}

void
web_finish(struct app *a)
{
	if (!resp_has_header(&a->resp, "Content-Security-Policy"))
		web_headers(&a->resp);
}

/* The path part of base_url without its trailing slashes ("" for none);
 * 0, or -1 when it holds a character a cookie path or Location should
 * not. */
static int
base_path(const struct config *c, const char **p, size_t *n)
{
	const char	*bp;
	size_t		 i;

	*p = "";
	*n = 0;
	if ((bp = strstr(c->base_url, "://")) == NULL ||
	    (bp = strchr(bp + 3, '/')) == NULL)
		return 0;
	*n = strcspn(bp, "?#");
	while (*n > 0 && bp[*n - 1] == '/')
		(*n)--;
	for (i = 0; i < *n; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789/._~-", bp[i]) == NULL)
			return -1;
	*p = bp;
	return 0;
}

void
web_cookie(struct app *a, const char *name, const char *value, int64_t ttl)
{
	struct buf	 h = { 0 };
	const char	*p;
	size_t		 n;
	int		 secure;

	if (base_path(&a->cfg, &p, &n) == -1) {
		log_msg("view: base_url has an unusual path; cookie path /");
		p = "";
		n = 0;
	}
	secure = a->req.https || strncmp(a->cfg.base_url, "https://", 8) == 0;
	buf_printf(&h, "%s=%s; Path=%.*s/c/; Max-Age=%lld; HttpOnly; "
	    "SameSite=Lax%s", name, value, (int)n, p, (long long)ttl,
	    secure ? "; Secure" : "");
	if (h.failed)
		a->resp.failed = 1;
	else
		resp_header(&a->resp, "Set-Cookie", h.data);
	buf_free(&h);
}

void
web_redirect(struct app *a, const char *rest)
{
	struct buf loc = { 0 };

	/* RFC 3875 6.2.4: a client redirect needs an absolute URI. */
	buf_printf(&loc, "%s/c/%s", a->cfg.base_url, rest ? rest : "");
	if (loc.failed)
		a->resp.failed = 1;
	else
		resp_redirect(&a->resp, 303, loc.data);
	buf_free(&loc);
}

static const char page_head[] =
    "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width, "
    "initial-scale=1\"><title>{{title}}</title><style>\n"
    "body{font-family:system-ui,sans-serif;max-width:46rem;margin:0 auto;"
    "padding:0 1rem 3rem;color:#1d1d1f;line-height:1.5}\n"
    "header{display:flex;align-items:center;justify-content:space-between;"
    "gap:1rem;border-bottom:1px solid #ddd;padding:.8rem 0;"
    "margin-bottom:1.2rem}\n"
    "header a{font-weight:600;color:inherit;text-decoration:none}\n"
    "header form{margin:0}.who{color:#555;font-size:.9rem}\n"
    "h1{font-size:1.5rem;margin:.4rem 0}h2{font-size:1.1rem;"
    "margin:1.6rem 0 .4rem}\n"
    "a{color:#0b57d0}.meta{color:#555;font-size:.9rem}\n"
    "button{font:inherit;padding:.35rem .9rem;border:1px solid #888;"
    "border-radius:.3rem;background:#f4f4f4;cursor:pointer}\n"
    "button.primary{background:#0b57d0;border-color:#0b57d0;color:#fff}\n"
    "input{font:inherit;padding:.35rem .5rem;border:1px solid #888;"
    "border-radius:.3rem}\n"
    "form.search{display:flex;gap:.5rem;margin:1rem 0}"
    "form.search input{flex:1}\n"
    "form.search label{display:flex;align-items:center;gap:.3rem;"
    "white-space:nowrap}form.search label input{flex:none}\n"
    "ul.convs{list-style:none;padding:0}ul.convs li{padding:.7rem 0;"
    "border-bottom:1px solid #eee}ul.convs p{margin:.2rem 0}\n"
    ".signin label{display:block;margin:.8rem 0 .2rem}"
    ".signin input{width:100%;box-sizing:border-box}\n"
    ".error{color:#b3261e;font-weight:600}\n"
    ".tr p{margin:.5rem 0;white-space:pre-wrap}.done{color:#555;"
    "text-decoration:line-through}\n"
    "nav.more{margin:1.2rem 0}\n"
    "</style></head><body>\n";

static const char page_bar_user[] =
    "<header><a href=\"./\">OMI conversations</a><span class=\"who\">"
    "Signed in as {{uid}}</span><form method=\"post\" "
    "action=\"./:signout\"><input type=\"hidden\" name=\"csrf\" "
    "value=\"{{csrf}}\"><button type=\"submit\">Sign out</button></form>"
    "</header>\n<main>\n";

static const char page_bar_anon[] =
    "<header><a href=\"./\">OMI conversations</a></header>\n<main>\n";

int
web_put(struct buf *b, const char *tmpl, const struct template_var *vars)
{
	static const struct template_var none[] = { { NULL, NULL } };

	return template_render(b, tmpl, vars ? vars : none);
}

int
web_page_open(struct buf *b, const struct config *c, const char *title,
    const struct web_user *u)
{
	char csrf[SEC_HASH_HEX + 1] = "";

	{
		const struct template_var vars[] = {
			{ "title", title }, { NULL, NULL }
		};
		if (web_put(b, page_head, vars) == -1)
			return -1;
	}
	if (u == NULL)
		return web_put(b, page_bar_anon, NULL);
	web_signout_token(c, u->session, csrf);
	{
		const struct template_var vars[] = {
			{ "uid", u->uid }, { "csrf", csrf }, { NULL, NULL }
		};
		return web_put(b, page_bar_user, vars);
	}
}

void
web_page_send(struct app *a, int status, struct buf *b)
{
	buf_puts(b, "</main>\n</body></html>\n");
	if (b->failed) {
		a->resp.failed = 1;
		return;
	}
	resp_body(&a->resp, status, "text/html; charset=utf-8", b->data,
	    b->len);
}

void
web_not_found(struct app *a, const struct web_user *u)
{
	struct buf b = { 0 };

	if (web_page_open(&b, &a->cfg, "Not found", u) == 0)
		web_put(&b, "<h1>Not found</h1><p>There is no conversation "
		    "here, or it is not yours. <a href=\"./\">All your "
		    "conversations</a></p>\n", NULL);
	else
		b.failed = 1;
	web_page_send(a, 404, &b);
	buf_free(&b);
}

void
web_date(const char *iso, char *out, size_t n)
{
	size_t i, len;

	/* YYYY-MM-DDTHH:MM... in UTC (Z or +00:00): to the minute. */
	for (i = 0; i < 16 && iso[i] != '\0'; i++)
		if ((i == 4 || i == 7) ? iso[i] != '-' : i == 10 ?
		    iso[i] != 'T' : i == 13 ? iso[i] != ':' :
		    (iso[i] < '0' || iso[i] > '9'))
			break;
	len = strlen(iso);
	if (i == 16 && len < 40 && (iso[len - 1] == 'Z' ||
	    strcmp(iso + len - 6, "+00:00") == 0))
		snprintf(out, n, "%.10s %.5s UTC", iso, iso + 11);
	else if (strlen(iso) < n)
		snprintf(out, n, "%s", iso);
	else
		snprintf(out, n, "?");
}
