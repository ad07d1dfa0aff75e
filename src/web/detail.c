/*
 * web-detail: GET /c/<id>, one conversation of the signed-in person: its
 * title, date, category, overview, action items and transcript. The record
 * is read as the API reads it (index_get under the person's own uid, so
 * another user's id and an unknown one get the same 404) and its transcript
 * rendered by conv/transcript.c, so the speaker labels are the API's
 * ("User", "Speaker N"). Each block of the transcript is a paragraph with
 * its label in bold.
 *
 *   200 the page;  404 not the person's;  503 store errors
 */
#include <stdlib.h>
#include <string.h>

#include "conv/clip.h"
#include "conv/detail.h"
#include "conv/index.h"
#include "lib/json.h"
#include "lib/log.h"
#include "web/web.h"

#define DETAIL_TITLE_MAX	1000

static const char detail_top[] =
    "<p><a href=\"./\">&larr; All conversations</a></p>\n"
    "<h1>{{emoji}} {{title}}</h1>\n"
    "<p class=\"meta\">{{date}}{{sep}}{{category}}{{discarded}}</p>\n"
    "<h2>Overview</h2>\n<p>{{overview}}</p>\n";

static const char item_open[] =
    "<li class=\"{{class}}\">{{text}}{{due}}</li>\n";

static const char block_labelled[] = "<p><b>{{label}}:</b>{{text}}</p>\n";
static const char block_plain[] = "<p>{{text}}</p>\n";

/* OMI's action items: {description, completed, due_at} or older strings. */
static int
put_items(struct buf *b, const json_t *items)
{
	const json_t	*it;
	size_t		 i;
	char		 due[96], date[80];
	int		 done;

	if (json_array_size(items) == 0)
		return web_put(b, "<p class=\"meta\">None.</p>\n", NULL);
	buf_puts(b, "<ul>\n");
	json_array_foreach(items, i, it) {
		const char *text = json_is_string(it) ? json_string_value(it) :
		    json_str(it, "description");

		done = json_is_true(json_object_get(it, "completed"));
		due[0] = '\0';
		if (json_str(it, "due_at")[0] != '\0') {
			web_date(json_str(it, "due_at"), date, sizeof(date));
			snprintf(due, sizeof(due), " (due %s)", date);
		}
		{
			const struct template_var vars[] = {
				{ "class", done ? "done" : "open" },
				{ "text", text }, { "due", due }, { NULL, NULL }
			};
			if (web_put(b, item_open, vars) == -1)
				return -1;
		}
	}
	return buf_puts(b, "</ul>\n");
}

/*
 * The length of a block's timestamps and label ("[0:00:01 - 0:00:05] User"
 * or "Speaker 1", up to its colon), or 0 when it has none (a segment's
 * text holding a blank line of its own).
 */
static size_t
label_len(const char *p, size_t n)
{
	const char	*rb;
	size_t		 k = 0, d;

	if (n > 0 && p[0] == '[') {
		if ((rb = memchr(p, ']', n)) == NULL ||
		    (size_t)(rb - p) + 2 > n || rb[1] != ' ')
			return 0;
		k = (size_t)(rb - p) + 2;
	}
	if (n - k >= 5 && memcmp(p + k, "User:", 5) == 0)
		return k + 4;
	if (n - k < 10 || memcmp(p + k, "Speaker ", 8) != 0)
		return 0;
	for (d = k + 8; d < n && p[d] >= '0' && p[d] <= '9'; d++)
		;
	return d > k + 8 && d < n && p[d] == ':' ? d : 0;
}

/* The transcript, block by block ("\n\n" apart, see transcript.h). */
static int
put_transcript(struct buf *b, const char *t, size_t n)
{
	struct buf	 one = { 0 }, lab = { 0 };
	const char	*p = t, *end = t + n, *q;
	size_t		 len, l;
	int		 rc = 0;

	if (n == 0)
		return web_put(b, "<p class=\"meta\">No transcript.</p>\n",
		    NULL);
	buf_puts(b, "<div class=\"tr\">\n");
	while (p < end && rc == 0) {
		q = memmem(p, (size_t)(end - p), "\n\n", 2);
		len = q ? (size_t)(q - p) : (size_t)(end - p);
		l = label_len(p, len);
		buf_reset(&one);
		buf_reset(&lab);
		buf_append(&lab, p, l);
		buf_append(&one, p + l + (l ? 1 : 0), len - l - (l ? 1 : 0));
		if (one.failed || lab.failed)
			rc = -1;
		else {
			const struct template_var vars[] = {
				{ "label", lab.data }, { "text", one.data },
				{ NULL, NULL }
			};
			rc = web_put(b, l ? block_labelled : block_plain,
			    vars);
		}
		p += len + (q ? 2 : 0);
	}
	buf_free(&one);
	buf_free(&lab);
	if (rc == 0)
		rc = buf_puts(b, "</div>\n");
	return rc;
}

static int
put_page(struct buf *b, const struct config *c, const struct web_user *u,
    const json_t *doc, const char *t, size_t n)
{
	const json_t	*st = json_object_get(doc, "structured");
	json_t		*title;
	const char	*cat = json_str(st, "category");
	char		 date[80];
	int		 rc = -1;

	if ((title = clip_text(json_str(st, "title"), DETAIL_TITLE_MAX, NULL)) ==
	    NULL)
		return -1;
	web_date(json_str(doc, "started_at")[0] ? json_str(doc, "started_at") :
	    json_str(doc, "created_at"), date, sizeof(date));
	{
		const char *tt = json_string_length(title) > 0 ?
		    json_string_value(title) : "(untitled)";
		const struct template_var vars[] = {
			{ "emoji", json_str(st, "emoji") }, { "title", tt },
			{ "date", date }, { "sep", cat[0] ? " · " : "" },
			{ "category", cat }, { "discarded",
			    json_is_true(json_object_get(doc, "discarded")) ?
			    " · discarded" : "" },
			{ "overview", json_str(st, "overview") }, { NULL, NULL }
		};
		if (web_page_open(b, c, tt, u) == 0 &&
		    web_put(b, detail_top, vars) == 0 &&
		    buf_puts(b, "<h2>Action items</h2>\n") == 0 &&
		    put_items(b, json_object_get(st, "action_items")) == 0 &&
		    buf_puts(b, "<h2>Transcript</h2>\n") == 0 &&
		    put_transcript(b, t, n) == 0)
			rc = 0;
	}
	json_decref(title);
	return rc;
}

void
web_detail(struct app *a, struct store *s, const struct web_user *u,
    const char *id)
{
	struct conv_detail	 d = { 0 };
	struct buf		 b = { 0 };
	char			*raw = NULL;
	size_t			 len;
	enum omi_err		 err;

	if ((err = index_get(s, u->uid, id, &raw, &len)) == OMI_NOTFOUND) {
		web_not_found(a, u);
		goto out;
	}
	if (err == OMI_OK && (err = conv_detail_load(raw, len, &d)) ==
	    OMI_NOMEM)
		b.failed = 1;	/* the page's own 500 */
	else if (err != OMI_OK) {
		log_msg("view: detail: %s", omi_strerror(err));
		app_store_error(a, APP_ERR_HTML, err);
		goto out;
	} else if (put_page(&b, &a->cfg, u, d.doc,
	    d.transcript.data ? d.transcript.data : "", d.transcript.len) == -1)
		b.failed = 1;
	web_page_send(a, 200, &b);
out:
	buf_free(&b);
	conv_detail_free(&d);
	free(raw);
}
