/*
 * api-list: GET /api/conversations, one page of the user's conversations,
 * newest first by created_at.
 *
 *   limit              1-100, default 20
 *   cursor | offset    resume from a next_cursor, or skip that many matches
 *   q                  search terms (see conv/search.h)
 *   speaker            user: q counts only the wearer's own words
 *                      (transcript segments marked is_user); needs q
 *   sort               newest (default) or relevance (best match first;
 *                      needs q)
 *   category           exact category, case-insensitive
 *   start_date, end_date  ISO 8601 date (whole UTC day) or date-time, inclusive
 *   include_discarded  true|false (default false)
 *
 *   200 {"conversations":[...], "total", "has_more", "next_cursor",
 *        "next_offset"[, "message"]}
 *   400 invalid_parameter, naming the parameter
 *
 * total is null for a text search: counting its matches would mean reading
 * every conversation. A search reads at most LIST_SCAN_BUDGET bytes of
 * conversations per request; when that runs out the page may be short, with
 * has_more true and a next_cursor that continues where the search stopped.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "conv/clip.h"
#include "conv/listing.h"
#include "lib/buf.h"
#include "lib/clock.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/text.h"
#include "lib/ustr.h"

#define LIST_DEFAULT_LIMIT	20
#define LIST_MAX_LIMIT		100
#define LIST_SCAN_BUDGET	(48u << 20)
#define LIST_CATEGORY_MAX	100
#define LIST_TITLE_MAX		300
#define LIST_OVERVIEW_MAX	1000
/* Room left for everything but the items (cursor, counts, message). */
#define LIST_ITEMS_BUDGET	(API_MAX_RESPONSE - 2000)

/*
 * The accepted parameters; any other is refused. Their values are parsed
 * below, in the order the answers depend on (cursor and offset together
 * before either is parsed); the query string's cap bounds their length.
 */
static const struct field list_fields[] = {
	{ "limit", NULL, 0, 0 },
	{ "cursor", NULL, 0, 0 },
	{ "offset", NULL, 0, 0 },
	{ "q", NULL, 0, 0 },
	{ "category", NULL, 0, 0 },
	{ "start_date", NULL, 0, 0 },
	{ "end_date", NULL, 0, 0 },
	{ "include_discarded", NULL, 0, 0 },
	{ "speaker", NULL, 0, 0 },
	{ "sort", NULL, 0, 0 },
};

struct list_query {
	size_t			 limit;
	int			 by_cursor;
	uint64_t		 offset;
	struct listing_pos	 from;
	struct listing_filter	 f;
	struct search		 search;
};

static int
parse_limit(struct app *a, struct list_query *lq)
{
	const char	*v = api_param(a, "limit");
	uint64_t	 n;

	lq->limit = LIST_DEFAULT_LIMIT;
	if (v == NULL)
		return 0;
	if (parse_u64(v, LIST_MAX_LIMIT, &n) != 0 || n == 0) {
		api_bad_param(a, "limit",
		    "limit must be a whole number from 1 to 100");
		return -1;
	}
	lq->limit = (size_t)n;
	return 0;
}

static int
parse_position(struct app *a, struct list_query *lq)
{
	const char *cursor = api_param(a, "cursor");
	const char *offset = api_param(a, "offset");

	if (cursor != NULL && offset != NULL) {
		api_bad_param(a, "offset",
		    "give either cursor or offset, not both");
		return -1;
	}
	if (cursor != NULL) {
		if (listing_cursor_decode(cursor, &lq->from) == -1) {
			api_bad_param(a, "cursor", "cursor must be a "
			    "next_cursor value from an earlier response, "
			    "passed unchanged");
			return -1;
		}
		lq->by_cursor = 1;
		return 0;
	}
	if (offset != NULL &&
	    parse_u64(offset, LISTING_SKIP_MAX, &lq->offset) != 0) {
		api_bad_param(a, "offset",
		    "offset must be a whole number from 0 to 1000000000");
		return -1;
	}
	lq->from.skip = lq->offset;
	return 0;
}

/* Parses a date bound; a whole day ends at its last microsecond. */
static int
parse_date(struct app *a, const char *name, int end, int64_t *out)
{
	const char	*v = api_param(a, name);
	struct buf	 msg = { 0 };
	int		 date_only;

	if (v == NULL)
		return 0;
	if (parse_iso8601(v, out, &date_only) == -1) {
		buf_printf(&msg, "%s must be an ISO 8601 date (2025-06-14) or "
		    "date-time (2025-06-14T18:03:27Z)", name);
		api_bad_param(a, name, msg.data ? msg.data : "");
		buf_free(&msg);
		return -1;
	}
	if (end && date_only)
		*out += INT64_C(86400000000) - 1;
	return 0;
}

/*
 * speaker and sort, read after q: both only change how a text search looks, so
 * without q they are refused rather than ignored (a caller who asked for
 * its own words or the best match would otherwise get every conversation,
 * newest first, and not know). sort=newest, the default, is always fine.
 */
static int
parse_search_mode(struct app *a, struct list_query *lq)
{
	const char	*speaker = api_param(a, "speaker");
	const char	*sort = api_param(a, "sort");

	if (speaker != NULL) {
		if (strcmp(speaker, "user") != 0) {
			api_bad_param(a, "speaker", "speaker must be user "
			    "(only the wearer's own words)");
			return -1;
		}
		if (lq->f.search == NULL) {
			api_bad_param(a, "speaker", "speaker=user narrows a "
			    "text search: give q as well");
			return -1;
		}
		lq->f.speaker_user = 1;
	}
	if (sort != NULL) {
		if (strcmp(sort, "relevance") == 0)
			lq->f.by_relevance = 1;
		else if (strcmp(sort, "newest") != 0) {
			api_bad_param(a, "sort",
			    "sort must be newest or relevance");
			return -1;
		}
		if (lq->f.by_relevance && lq->f.search == NULL) {
			api_bad_param(a, "sort", "sort=relevance ranks the "
			    "matches of a text search: give q as well");
			return -1;
		}
	}
	return 0;
}

static int
parse_filters(struct app *a, struct list_query *lq)
{
	const char	*v;
	enum omi_err	 err;

	lq->f.since = INT64_MIN;
	lq->f.until = INT64_MAX;
	lq->f.scan_budget = LIST_SCAN_BUDGET;
	if (parse_date(a, "start_date", 0, &lq->f.since) == -1 ||
	    parse_date(a, "end_date", 1, &lq->f.until) == -1)
		return -1;
	if (lq->f.since > lq->f.until) {
		api_bad_param(a, "start_date",
		    "start_date must not be after end_date");
		return -1;
	}
	if ((v = api_param(a, "category")) != NULL) {
		if (ustr_count(v, strlen(v)) > LIST_CATEGORY_MAX) {
			api_bad_param(a, "category",
			    "category must be at most 100 characters");
			return -1;
		}
		lq->f.category = v;
	}
	if ((v = api_param(a, "include_discarded")) != NULL) {
		if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
			lq->f.include_discarded = 1;
		else if (strcmp(v, "false") != 0 && strcmp(v, "0") != 0) {
			api_bad_param(a, "include_discarded",
			    "include_discarded must be true or false");
			return -1;
		}
	}
	if ((v = api_param(a, "q")) != NULL) {
		err = search_compile(&lq->search, v);
		if (err == OMI_NOMEM) {
			a->resp.failed = 1;
			return -1;
		}
		if (err != OMI_OK) {
			api_bad_param(a, "q", "q must hold 1 to 8 search terms "
			    "(a \"quoted phrase\" counts as one) in at most "
			    "200 characters");
			return -1;
		}
		lq->f.search = &lq->search;
	}
	if (parse_search_mode(a, lq) == -1)
		return -1;
	/* A place in a ranking means nothing in date order, and back. */
	if (lq->by_cursor && lq->from.relevance != lq->f.by_relevance) {
		api_bad_param(a, "cursor", lq->f.by_relevance ? "this cursor "
		    "continues a list sorted by date: start the ranked search "
		    "again without it" : "this cursor continues a search "
		    "sorted by relevance: pass sort=relevance with it");
		return -1;
	}
	if (lq->f.by_relevance)
		lq->from.relevance = 1;
	return 0;
}

/* An item's texts, in the order a Jansson object of them dumped them. */
static const struct {
	const char	*key;
	size_t		 max;	/* code points */
} list_texts[] = {
	{ "title", LIST_TITLE_MAX },
	{ "created_at", 64 },
	{ "category", LIST_CATEGORY_MAX },
	{ "overview", LIST_OVERVIEW_MAX },
	{ "emoji", 16 },
};

/*
 * Appends the public shape of one index entry, its texts clipped to size,
 * as the compact JSON that a Jansson object of it dumped to. Written
 * directly: the object, its strings and their dump were a third of a warm
 * list request's own work.
 */
static int
list_item_put(struct buf *out, const json_t *e)
{
	const char	*id = json_str(e, "id");
	size_t		 i;

	buf_puts(out, "{\"id\":");
	buf_put_jstring(out, id, strlen(id));
	for (i = 0; i < sizeof(list_texts) / sizeof(list_texts[0]); i++) {
		buf_puts(out, ",\"");
		buf_puts(out, list_texts[i].key);
		buf_puts(out, "\":");
		clip_put(out, json_str(e, list_texts[i].key), list_texts[i].max);
	}
	buf_puts(out, json_is_true(json_object_get(e, "discarded")) ?
	    ",\"discarded\":true}" : ",\"discarded\":false}");
	return out->failed ? -1 : 0;
}

static json_t *
cursor_json(const struct listing_pos *p)
{
	char	*c = listing_cursor_encode(p);
	json_t	*j = c ? json_string(c) : NULL;

	free(c);
	return j;
}

/* The cursor after the first n entries of the page. */
static json_t *
after_entries(const struct list_query *lq, const struct listing_page *pg,
    size_t n)
{
	struct listing_pos p;

	listing_pos_after(&lq->f, &lq->from, pg->entries, n, &p);
	return cursor_json(&p);
}

/*
 * Writes the 200 body for a fetched page to out; -1 when out of memory.
 * Each item is serialised once, straight into the answer, and measured
 * there: serialising it to measure it and again as part of the whole
 * answer was a sixth of a list request's instructions.
 */
static int
list_body(const struct list_query *lq, const struct listing_page *pg,
    const json_t *total, struct buf *out, size_t *n)
{
	json_t		*rest, *next = json_null();
	const json_t	*last = NULL, *e;
	struct buf	 tail = { 0 };
	size_t		 i, mark;
	int		 trimmed = 0, more, rc = -1;

	*n = 0;
	buf_puts(out, "{\"conversations\":[");
	json_array_foreach(pg->entries, i, e) {
		mark = out->len;
		if (*n > 0)
			buf_putc(out, ',');
		if (list_item_put(out, e) == -1)
			return -1;
		/* Keep the whole answer under ChatGPT's size limit. */
		if (out->len > LIST_ITEMS_BUDGET) {
			buf_truncate(out, mark);
			trimmed = 1;
			break;
		}
		(*n)++;
		last = e;
	}
	more = trimmed || pg->more || pg->stopped;
	if (trimmed && last != NULL)
		next = after_entries(lq, pg, *n);
	else if (pg->stopped && !trimmed)
		next = cursor_json(&pg->resume);
	else if (more)
		next = last ? after_entries(lq, pg, *n) :
		    cursor_json(&lq->from);
	if (next == NULL)
		return -1;
	rest = json_pack("{s:O, s:b, s:o, s:o}", "total", total,
	    "has_more", more, "next_cursor", next,
	    "next_offset", more && !lq->by_cursor && !pg->stopped ?
	    json_integer((json_int_t)(lq->offset + *n)) : json_null());
	if (rest != NULL && pg->stopped)
		json_object_set_new(rest, "message", json_string("The search "
		    "read its limit of conversations for one request before "
		    "filling the page. Call again with cursor=next_cursor to "
		    "search older conversations."));
	/* The other members follow the array: {"total":...} minus its '{'. */
	rc = -1;
	if (rest != NULL && buf_put_json(&tail, rest, JSON_COMPACT) == 0 &&
	    tail.len > 1 && buf_puts(out, "],") == 0 &&
	    buf_append(out, tail.data + 1, tail.len - 1) == 0 &&
	    buf_putc(out, '\n') == 0)
		rc = 0;
	json_decref(rest);
	buf_free(&tail);
	return out->failed ? -1 : rc;
}

void
api_list(struct app *a, struct store *s, const char *uid)
{
	struct list_query	 lq;
	struct index_head	 h;
	struct listing_page	 pg;
	struct buf		 body = { 0 };
	enum omi_err		 err;
	json_t			*total = NULL;
	size_t			 n;

	memset(&lq, 0, sizeof(lq));
	memset(&h, 0, sizeof(h));
	memset(&pg, 0, sizeof(pg));
	if (api_check_params(a, list_fields, FIELD_N(list_fields)) == -1 ||
	    parse_limit(a, &lq) == -1 || parse_position(a, &lq) == -1 ||
	    parse_filters(a, &lq) == -1)
		goto out;
	if ((err = listing_fetch(s, uid, &h, &lq.f, &lq.from, lq.limit,
	    &pg)) != OMI_OK) {
		api_store_error(a, err);
		goto out;
	}
	if (lq.f.search != NULL)
		total = json_null();
	else if ((!h.loaded && (err = index_head_load(s, uid, &h)) !=
	    OMI_OK) || (err = listing_total(s, uid, &h, &lq.f, &n)) !=
	    OMI_OK) {
		api_store_error(a, err);
		goto out;
	} else
		total = json_integer((json_int_t)n);
	if (total == NULL || list_body(&lq, &pg, total, &body, &n) == -1) {
		a->resp.failed = 1;
		goto out;
	}
	/*
	 * Only a search that reached its budget is logged: a line for every
	 * request would be a write per request into an error log that grows
	 * without bound on a busy host.
	 */
	if (pg.stopped)
		log_msg("list uid=%s n=%zu pages=%zu records=%zu bytes=%zu "
		    "stopped", uid, n, pg.pages_read, pg.records_read,
		    pg.bytes_read);
	resp_body(&a->resp, 200, "application/json", body.data, body.len);
out:
	buf_free(&body);
	json_decref(total);
	listing_page_free(&pg);
	index_head_free(&h);
	search_free(&lq.search);
}
