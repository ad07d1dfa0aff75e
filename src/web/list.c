/*
 * web-list: GET /c/, the signed-in person's conversations, newest first,
 * WEB_PAGE_SIZE to a page, through the same index walk and text search as
 * the API's list (conv/listing.c): q holds the search, mine=1 narrows it
 * to the person's own words (the API's speaker=user), cursor the place to
 * go on from (a listing cursor, so paging visits each conversation once
 * while new ones arrive). Discarded conversations are left out, as the API
 * leaves them out by default.
 *
 *   200 the page;  400 a malformed or unknown parameter, or a q the search
 *   cannot use (the page says why, with the search box);  503 store errors
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conv/clip.h"
#include "conv/listing.h"
#include "http/field.h"
#include "lib/enc.h"
#include "lib/json.h"
#include "lib/log.h"
#include "web/web.h"

/* As the API's list: bytes of records one search may read. */
#define LIST_SCAN_BUDGET	(48u << 20)

/* The checkbox sends mine=1; any other value is no request of the form. */
static int
valid_mine(const char *v)
{
	return strcmp(v, "1") == 0;
}

static const struct field list_fields[] = {
	{ "q", NULL, 1000, 0 },
	{ "cursor", NULL, LISTING_CURSOR_MAX, 0 },
	{ "mine", valid_mine, 1, 0 },
};

static const char list_top[] =
    "<h1>Your conversations</h1>\n"
    "<form class=\"search\" method=\"get\" action=\"./\" role=\"search\">"
    "<input type=\"search\" name=\"q\" value=\"{{q}}\" "
    "aria-label=\"Search your conversations\" "
    "placeholder=\"Search titles, summaries and transcripts\">"
    "<label><input type=\"checkbox\" name=\"mine\" value=\"1\"{{mine}}>"
    "Only my words</label>"
    "<button type=\"submit\">Search</button></form>\n"
    "<p class=\"error\">{{error}}</p>\n";

static const char list_item[] =
    "<li><a href=\"./{{id}}\">{{emoji}} {{title}}</a>"
    "<div class=\"meta\">{{date}}{{sep}}{{category}}</div>"
    "<p>{{overview}}</p></li>\n";

static const char list_more[] =
    "<nav class=\"more\"><a href=\"{{href}}\">{{label}}</a></nav>\n";

static int
put_item(struct buf *b, const json_t *e)
{
	json_t		*title, *ov;
	char		 date[80];
	const char	*cat = json_str(e, "category");
	int		 rc;

	title = clip_text(json_str(e, "title"), 300, NULL);
	ov = clip_text(json_str(e, "overview"), 300, NULL);
	web_date(json_str(e, "created_at"), date, sizeof(date));
	{
		const struct template_var vars[] = {
			{ "id", json_str(e, "id") }, { "emoji", json_str(e, "emoji") },
			{ "title", json_string_length(title) > 0 ?
			    json_string_value(title) : "(untitled)" },
			{ "date", date }, { "sep", cat[0] ? " · " : "" },
			{ "category", cat },
			{ "overview", json_string_value(ov) },
			{ NULL, NULL }
		};
		rc = title == NULL || ov == NULL ? -1 :
		    web_put(b, list_item, vars);
	}
	json_decref(title);
	json_decref(ov);
	return rc;
}

/* The link to the next page, from where this one ended. */
static int
put_more(struct buf *b, const char *q, int mine,
    const struct listing_page *pg, const json_t *last)
{
	struct listing_pos	 p;
	struct buf		 href = { 0 };
	char			*cur;
	int			 rc;

	if (pg->stopped)
		p = pg->resume;
	else {
		memset(&p, 0, sizeof(p));
		p.after = 1;
		p.t = json_integer_value(json_object_get(last, "t"));
		snprintf(p.id, sizeof(p.id), "%s", json_str(last, "id"));
	}
	if ((cur = listing_cursor_encode(&p)) == NULL)
		return -1;
	buf_puts(&href, "./?cursor=");
	url_encode_component(&href, cur);
	if (q != NULL) {
		buf_puts(&href, "&q=");
		url_encode_component(&href, q);
		if (mine)
			buf_puts(&href, "&mine=1");
	}
	free(cur);
	{
		const struct template_var vars[] = {
			{ "href", href.data }, { "label", pg->stopped ?
			    "Search older conversations" :
			    "Older conversations" }, { NULL, NULL }
		};
		rc = href.failed ? -1 : web_put(b, list_more, vars);
	}
	buf_free(&href);
	return rc;
}

/* The page for a request that cannot be served as it is, with the box. */
static void
bad_query(struct app *a, const struct web_user *u, const char *q, int mine,
    const char *why)
{
	struct buf b = { 0 };

	{
		const struct template_var vars[] = {
			{ "q", q }, { "mine", mine ? " checked" : "" },
			{ "error", why }, { NULL, NULL }
		};
		if (web_page_open(&b, &a->cfg, "Your conversations", u) == -1 ||
		    web_put(&b, list_top, vars) == -1)
			b.failed = 1;
	}
	web_page_send(a, 400, &b);
	buf_free(&b);
}

static void
list_page(struct app *a, const struct web_user *u, const char *q, int mine,
    int by_cursor, const struct listing_page *pg)
{
	struct buf	 b = { 0 };
	const json_t	*e, *last = NULL;
	size_t		 i;

	{
		const struct template_var vars[] = {
			{ "q", q }, { "mine", mine ? " checked" : "" },
			{ "error", NULL }, { NULL, NULL }
		};
		if (web_page_open(&b, &a->cfg, "Your conversations", u) == -1 ||
		    web_put(&b, list_top, vars) == -1)
			b.failed = 1;
	}
	if (json_array_size(pg->entries) == 0)
		web_put(&b, q != NULL ? "<p>No conversation matches this "
		    "search.</p>\n" : by_cursor ? "<p>No older "
		    "conversations.</p>\n" : "<p>No conversations yet. They "
		    "appear here once OMI sends them to this service.</p>\n",
		    NULL);
	else {
		buf_puts(&b, "<ul class=\"convs\">\n");
		json_array_foreach(pg->entries, i, e) {
			if (put_item(&b, e) == -1)
				b.failed = 1;
			last = e;
		}
		buf_puts(&b, "</ul>\n");
	}
	if ((pg->more && last != NULL) || pg->stopped)
		if (put_more(&b, q, mine, pg, last) == -1)
			b.failed = 1;
	web_page_send(a, 200, &b);
	buf_free(&b);
}

void
web_list(struct app *a, struct store *s, const struct web_user *u)
{
	const char		*v[FIELD_N(list_fields)];
	struct field_fail	 ff;
	struct listing_filter	 f;
	struct listing_pos	 from;
	struct listing_page	 pg;
	struct index_head	 h;
	struct search		 search;
	enum omi_err		 err;
	int			 mine;

	memset(&f, 0, sizeof(f));
	memset(&from, 0, sizeof(from));
	memset(&pg, 0, sizeof(pg));
	memset(&h, 0, sizeof(h));
	memset(&search, 0, sizeof(search));
	if (field_check(&a->req.query, list_fields, FIELD_N(list_fields),
	    FIELD_STRICT, v, &ff) != FIELD_OK) {
		bad_query(a, u, NULL, 0, "This address has parameters the "
		    "page does not take, or takes once.");
		goto out;
	}
	mine = v[2] != NULL;
	if (v[1] != NULL && listing_cursor_decode(v[1], &from) == -1) {
		bad_query(a, u, v[0], mine, "This link to older "
		    "conversations is damaged. Start from the newest.");
		goto out;
	}
	f.since = INT64_MIN;
	f.until = INT64_MAX;
	f.scan_budget = LIST_SCAN_BUDGET;
	if (v[0] != NULL) {
		if ((err = search_compile(&search, v[0])) == OMI_NOMEM) {
			a->resp.failed = 1;
			goto out;
		}
		if (err != OMI_OK) {
			bad_query(a, u, v[0], mine, "A search holds 1 to 8 "
			    "words (a \"quoted phrase\" counts as one) in at "
			    "most 200 characters.");
			goto out;
		}
		f.search = &search;
		/* Without words the box has nothing to narrow: a list. */
		f.speaker_user = mine;
	}
	if ((err = listing_fetch(s, u->uid, &h, &f, &from, WEB_PAGE_SIZE,
	    &pg)) != OMI_OK) {
		log_msg("view: list: %s", omi_strerror(err));
		app_store_error(a, APP_ERR_HTML, err);
		goto out;
	}
	list_page(a, u, v[0], mine, v[1] != NULL, &pg);
out:
	listing_page_free(&pg);
	index_head_free(&h);
	search_free(&search);
}
