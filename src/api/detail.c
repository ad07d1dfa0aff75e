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

/* Adds the transcript part to the answer; -1 answered (400 or 500). */
static int
add_transcript(struct app *a, json_t *j, const char *t, size_t n,
    uint64_t off, uint64_t max)
{
	size_t	 total = ustr_count(t, n), b0, b1, base, cps;
	int	 more;

	if (off > total) {
		api_bad_param(a, "transcript_offset", "transcript_offset is "
		    "past the end of the transcript (see transcript_length)");
		return -1;
	}
	/* Measure the answer with the largest values the fields can take. */
	json_object_set_new(j, "transcript", json_string(""));
	json_object_set_new(j, "transcript_offset", json_integer(
	    (json_int_t)total));
	json_object_set_new(j, "transcript_length", json_integer(
	    (json_int_t)total));
	json_object_set_new(j, "transcript_truncated", json_false());
	json_object_set_new(j, "next_transcript_offset", json_integer(
	    (json_int_t)total));
	base = clip_json_size(j);
	b0 = ustr_offset(t, n, (size_t)off);
	if (base + 64 > API_MAX_RESPONSE) {
		log_msg("detail: the answer without transcript takes %zu bytes",
		    base);
		a->resp.failed = 1;
		return -1;
	}
	b1 = clip_transcript(t, n, b0, (size_t)max,
	    API_MAX_RESPONSE - base - 1);
	cps = ustr_count(t + b0, b1 - b0);
	more = b1 < n;
	if (json_object_set_new(j, "transcript", json_stringn(t + b0,
	    b1 - b0)) == -1 ||
	    json_object_set_new(j, "transcript_offset",
	    json_integer((json_int_t)off)) == -1 ||
	    json_object_set_new(j, "transcript_truncated",
	    json_boolean(more)) == -1 ||
	    json_object_set_new(j, "next_transcript_offset", more ?
	    json_integer((json_int_t)(off + cps)) : json_null()) == -1) {
		a->resp.failed = 1;
		return -1;
	}
	return 0;
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
	if (err == OMI_OK)
		err = conv_detail_load(raw, len, &d);
	if (err == OMI_NOMEM) {
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
	if (add_transcript(a, j, d.transcript.data ? d.transcript.data : "",
	    d.transcript.len, off, max) == -1)
		goto out;
	resp_json(&a->resp, 200, j);
out:
	json_decref(j);
	conv_detail_free(&d);
	free(raw);
}
