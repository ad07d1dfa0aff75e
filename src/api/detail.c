/*
 * api-detail: GET /api/conversations/{id}, one conversation in the original
 * plugin's shape, its transcript rendered as text (see conv/transcript.h) and
 * served in parts when it is long.
 *
 *   transcript_offset  where to start, in characters (code points) of the
 *                      whole transcript; default 0
 *   max_chars          at most this many transcript characters, 1-90000,
 *                      default 40000
 *
 *   200 {"id","created_at","started_at","finished_at","discarded",
 *        "structured":{"title","overview","emoji","category"
 *                      [,"action_items"][,"events"]}[,"structured_truncated"],
 *        "transcript","transcript_offset","transcript_length",
 *        "transcript_truncated","next_transcript_offset"}
 *   400 invalid_parameter;  404 not_found
 *
 * The record is looked up under the caller's uid only, so another user's id
 * and an unknown one get the same 404. The transcript part is sized from
 * what the rest of the answer takes, so the whole body stays within
 * API_MAX_RESPONSE bytes; when the transcript goes on, the part ends at a
 * block boundary if one lies in its second half, and next_transcript_offset
 * is where the next part starts. Concatenating the parts gives back the
 * whole transcript exactly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "conv/clip.h"
#include "conv/detail.h"
#include "conv/index.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/text.h"
#include "lib/ustr.h"

#define DETAIL_DEFAULT_CHARS	40000
#define DETAIL_MAX_CHARS	90000
#define DETAIL_TITLE_MAX	1000
#define DETAIL_OVERVIEW_MAX	10000
#define DETAIL_LIST_BUDGET	12000	/* bytes for action_items, events each */

/* The accepted parameters, parsed by parse_uparam; any other is refused. */
static const struct field detail_fields[] = {
	{ "transcript_offset", NULL, 0, 0 },
	{ "max_chars", NULL, 0, 0 },
};

static json_t *
structured(const json_t *doc, int *cut)
{
	const json_t	*st = json_object_get(doc, "structured");
	json_t		*out, *v;
	int		 c1, c2, c3, c4;

	out = json_pack("{s:o, s:o, s:o, s:o}",
	    "title", clip_text(json_str(st, "title"), DETAIL_TITLE_MAX, &c1),
	    "overview", clip_text(json_str(st, "overview"), DETAIL_OVERVIEW_MAX, &c2),
	    "emoji", clip_text(json_str(st, "emoji"), 16, &c3),
	    "category", clip_text(json_str(st, "category"), 100, &c4));
	if (out == NULL)
		return NULL;
	*cut = c1 || c2 || c3 || c4;
	/* OMI keeps action items and events inside structured. */
	if (json_is_array(v = json_object_get(st, "action_items")))
		json_object_set_new(out, "action_items",
		    clip_array(v, DETAIL_LIST_BUDGET, cut));
	if (json_is_array(v = json_object_get(st, "events")))
		json_object_set_new(out, "events",
		    clip_array(v, DETAIL_LIST_BUDGET, cut));
	return out;
}

static json_t *
time_or_null(const json_t *doc, const char *name)
{
	const char *s = json_string_value(json_object_get(doc, name));

	return s ? clip_text(s, 64, NULL) : json_null();
}

/* The answer without its transcript text. */
static json_t *
detail_base(const json_t *doc, const char *id)
{
	json_t	*j, *st;
	int	 cut = 0;

	if ((st = structured(doc, &cut)) == NULL)
		return NULL;
	j = json_pack("{s:s, s:o, s:o, s:o, s:b, s:o}", "id", id,
	    "created_at", clip_text(json_str(doc, "created_at"), 64, NULL),
	    "started_at", time_or_null(doc, "started_at"),
	    "finished_at", time_or_null(doc, "finished_at"),
	    "discarded", json_is_true(json_object_get(doc, "discarded")),
	    "structured", st);
	if (j != NULL && cut)
		json_object_set_new(j, "structured_truncated", json_true());
	return j;
}

static int
parse_uparam(struct app *a, const char *name, uint64_t min, uint64_t max,
    uint64_t *out, const char *msg)
{
	const char *v = api_param(a, name);

	if (v == NULL)
		return 0;
	if (parse_u64(v, max, out) != 0 || *out < min) {
		api_bad_param(a, name, msg);
		return -1;
	}
	return 0;
}

/*
 * Answers with j and the transcript part after its members. The part is
 * written straight into the body, escaped as Jansson's compact dump
 * escapes (buf_put_jstring): a long transcript is most of the answer, and
 * a Jansson string of it was checked and copied twice on the way.
 */
static void
answer(struct app *a, const json_t *j, const char *part, size_t n,
    uint64_t off, size_t total, int more, uint64_t next)
{
	struct resp	*r = &a->resp;
	struct buf	*b = &r->body;

	r->status = 200;
	r->ctype = "application/json";
	buf_reset(b);
	if (buf_put_json(b, j, JSON_COMPACT | JSON_REAL_PRECISION(15)) == -1 ||
	    b->len == 0 || b->data[b->len - 1] != '}') {
		r->failed = 1;
		return;
	}
	b->len--;	/* the object goes on */
	buf_puts(b, ",\"transcript\":");
	buf_put_jstring(b, part, n);
	buf_printf(b, ",\"transcript_offset\":%llu,\"transcript_length\":%zu,"
	    "\"transcript_truncated\":%s,\"next_transcript_offset\":",
	    (unsigned long long)off, total, more ? "true" : "false");
	if (more)
		buf_printf(b, "%llu", (unsigned long long)next);
	else
		buf_puts(b, "null");
	if (buf_puts(b, "}\n") == -1)
		r->failed = 1;
}

/* Decimal digits of v. */
static size_t
digits(uint64_t v)
{
	size_t n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/* Answers with j and the transcript part; 400 or 500 when it cannot. */
static void
add_transcript(struct app *a, const json_t *j, const char *t, size_t n,
    uint64_t off, uint64_t max)
{
	size_t	 total = ustr_count(t, n), b0, b1, base, cps, next;

	if (off > total) {
		api_bad_param(a, "transcript_offset", "transcript_offset is "
		    "past the end of the transcript (see transcript_length)");
		return;
	}
	/*
	 * The answer without the transcript's text, with the largest
	 * values the other fields can take (what answer() writes after
	 * j's members, with an empty text).
	 */
	next = digits(total) > 4 ? digits(total) : 4;	/* or "null" */
	base = clip_json_size(j) + sizeof(",\"transcript\":\"\"") - 1 +
	    sizeof(",\"transcript_offset\":") - 1 + digits(total) +
	    sizeof(",\"transcript_length\":") - 1 + digits(total) +
	    sizeof(",\"transcript_truncated\":false") - 1 +
	    sizeof(",\"next_transcript_offset\":") - 1 + next;
	if (base + 64 > API_MAX_RESPONSE) {
		log_msg("detail: the answer without transcript takes %zu bytes",
		    base);
		a->resp.failed = 1;
		return;
	}
	b0 = ustr_offset(t, n, (size_t)off);
	b1 = clip_transcript(t, n, b0, (size_t)max,
	    API_MAX_RESPONSE - base - 1);
	cps = ustr_count(t + b0, b1 - b0);
	answer(a, j, t + b0, b1 - b0, off, total, b1 < n, off + cps);
}

void
api_detail(struct app *a, struct store *s, const char *uid, const char *id)
{
	struct conv_detail	 d = { 0 };
	enum omi_err		 err;
	json_t			*j = NULL;
	uint64_t		 off = 0, max = DETAIL_DEFAULT_CHARS;
	char			*raw = NULL;
	size_t			 len;

	if (api_check_params(a, detail_fields,
	    FIELD_N(detail_fields)) == -1 ||
	    parse_uparam(a, "transcript_offset", 0, UINT32_MAX, &off,
	    "transcript_offset must be a whole number of characters "
	    "(0 or a next_transcript_offset)") == -1 ||
	    parse_uparam(a, "max_chars", 1, DETAIL_MAX_CHARS, &max,
	    "max_chars must be a whole number from 1 to 90000") == -1)
		goto out;
	err = index_get(s, uid, id, &raw, &len);
	if (err == OMI_NOTFOUND) {
		resp_api_error(&a->resp, 404, "not_found",
		    "there is no conversation with this id");
		goto out;
	}
	if (err == OMI_OK && (err = conv_detail_load(raw, len, &d)) ==
	    OMI_NOMEM) {
		a->resp.failed = 1;
		goto out;
	}
	if (err != OMI_OK) {
		api_store_error(a, err);
		goto out;
	}
	if ((j = detail_base(d.doc, id)) == NULL) {
		a->resp.failed = 1;
		goto out;
	}
	add_transcript(a, j, d.transcript.data ? d.transcript.data : "",
	    d.transcript.len, off, max);
out:
	json_decref(j);
	conv_detail_free(&d);
	free(raw);
}
