/*
 * tool-list: the tools that walk the caller's conversation index newest
 * first (conv/listing.h): search (OpenAI's connector contract: results of
 * id, title and url; it may narrow to the user's own words or rank by
 * relevance), list_conversations and list_action_items. A text
 * search reads at most TOOL_SCAN_BUDGET bytes of conversations a call;
 * where a page has to stop early (that budget, or the answer's size), the
 * cursor goes on from exactly there, so paging visits every conversation
 * once. list_action_items reads each listed conversation for its
 * structured.action_items.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conv/clip.h"
#include "conv/listing.h"
#include "lib/json.h"
#include "lib/log.h"
#include "mcp/tool-impl.h"

#define LIST_DEFAULT	20
#define LIST_MAX	50
#define SEARCH_RESULTS	20
#define ITEM_TEXT_MAX	1000

struct walk {
	struct index_head	 h;
	struct listing_filter	 f;
	struct listing_pos	 from;
	struct listing_page	 pg;
	struct search		 search;
	int64_t			 limit;
};

static void
walk_free(struct walk *w)
{
	listing_page_free(&w->pg);
	index_head_free(&w->h);
	search_free(&w->search);
}

/* Reads the filters every listing takes; -1 with t->bad or t->oom set. */
static int
walk_args(struct tool_ctx *t, struct walk *w, const char *qname)
{
	const char	*cursor = NULL, *q = NULL;
	enum omi_err	 err;

	memset(w, 0, sizeof(*w));
	w->f.since = INT64_MIN;
	w->f.until = INT64_MAX;
	w->f.scan_budget = TOOL_SCAN_BUDGET;
	w->limit = LIST_DEFAULT;
	if (targ_date(t, "start_date", 0, &w->f.since) == -1 ||
	    targ_date(t, "end_date", 1, &w->f.until) == -1 ||
	    targ_string(t, "cursor", LISTING_CURSOR_MAX, &cursor, "cursor must "
	    "be a next_cursor value from an earlier answer, unchanged") == -1 ||
	    targ_int(t, "limit", 1, LIST_MAX, &w->limit,
	    "limit must be a whole number from 1 to 50") == -1 ||
	    targ_string(t, qname, SEARCH_MAX_QUERY, &q, "the search terms "
	    "must be 1 to 8 terms in at most 200 characters") == -1)
		return -1;
	if (w->f.since > w->f.until) {
		t->bad = "start_date must not be after end_date";
		return -1;
	}
	if (cursor != NULL && listing_cursor_decode(cursor, &w->from) == -1) {
		t->bad = "cursor must be a next_cursor value from an earlier "
		    "answer, unchanged";
		return -1;
	}
	if (q != NULL) {
		if ((err = search_compile(&w->search, q)) == OMI_NOMEM) {
			t->oom = 1;
			return -1;
		}
		if (err != OMI_OK) {
			t->bad = "the search terms must be 1 to 8 terms (a "
			    "\"quoted phrase\" counts as one) in at most 200 "
			    "characters";
			return -1;
		}
		w->f.search = &w->search;
	}
	return 0;
}

static int
walk_fetch(struct tool_ctx *t, struct walk *w)
{
	enum omi_err err;

	if ((err = listing_fetch(t->r->s, t->r->uid, &w->h, &w->f, &w->from,
	    (size_t)w->limit, &w->pg)) != OMI_OK) {
		tool_store_fail(t, err);
		return -1;
	}
	/* Only a search that reached its budget (see api/list.c). */
	if (w->pg.stopped)
		log_msg("mcp list uid=%s n=%zu pages=%zu records=%zu stopped",
		    t->r->uid, json_array_size(w->pg.entries),
		    w->pg.pages_read, w->pg.records_read);
	return 0;
}

static json_t *
cursor_json(const struct listing_pos *p)
{
	char	*c = listing_cursor_encode(p);
	json_t	*j = c ? json_string(c) : NULL;

	free(c);
	return j;
}

/*
 * The next_cursor after the first n entries of the page (n smaller than
 * the page when the answer filled up), or null when nothing follows.
 */
static json_t *
next_cursor(const struct walk *w, size_t n, int *more)
{
	struct listing_pos	 p;

	*more = n < json_array_size(w->pg.entries) || w->pg.more ||
	    w->pg.stopped;
	if (!*more)
		return json_null();
	if (n == json_array_size(w->pg.entries) && w->pg.stopped)
		return cursor_json(&w->pg.resume);
	if (n == 0)
		return cursor_json(&w->from);
	listing_pos_after(&w->f, &w->from, w->pg.entries, n, &p);
	return cursor_json(&p);
}

static const char *
title_of(const json_t *e)
{
	const char *s = json_str(e, "title");

	return *s ? s : "Untitled conversation";
}

/*
 * search's speaker ("user": only the wearer's own words) and sort
 * ("newest", the default, or "relevance"); query is required there, so
 * both always narrow or order a text search.
 */
static int
search_mode(struct tool_ctx *t, struct walk *w)
{
	static const char *const speakers[] = { "user", NULL };
	static const char *const sorts[] = { "newest", "relevance", NULL };
	int	 speaker = -1, sort = 0;

	if (targ_enum(t, "speaker", speakers, &speaker, "speaker must be "
	    "\"user\" (only the user's own words), or left out") == -1 ||
	    targ_enum(t, "sort", sorts, &sort, "sort must be \"newest\" or "
	    "\"relevance\"") == -1)
		return -1;
	w->f.speaker_user = speaker == 0;
	w->f.by_relevance = sort == 1;
	/* A place in a ranking means nothing in date order, and back. */
	if (w->from.relevance != w->f.by_relevance &&
	    (w->from.relevance || w->from.after || w->from.skip)) {
		t->bad = w->f.by_relevance ? "this cursor continues a list "
		    "sorted by date: search again without it" : "this cursor "
		    "continues a search sorted by relevance: pass sort "
		    "\"relevance\" with it";
		return -1;
	}
	w->from.relevance = w->f.by_relevance;
	return 0;
}

json_t *
tool_search(struct tool_ctx *t)
{
	struct walk	 w;
	const json_t	*e;
	json_t		*res = NULL, *out = NULL;
	size_t		 i;

	if (walk_args(t, &w, "query") == -1 || search_mode(t, &w) == -1)
		goto out;
	w.limit = SEARCH_RESULTS;
	if (walk_fetch(t, &w) == -1 || (res = json_array()) == NULL)
		goto out;
	json_array_foreach(w.pg.entries, i, e)
		if (json_array_append_new(res, json_pack("{s:s, s:o, s:o}",
		    "id", json_str(e, "id"), "title", clip_text(title_of(e),
		    TOOL_TITLE_MAX, NULL), "url", tool_url(t->r->cfg,
		    json_str(e, "id")))) == -1)
			goto out;
	out = json_pack("{s:O}", "results", res);
out:
	if (out == NULL && t->bad == NULL && t->fail == NULL)
		t->oom = 1;
	json_decref(res);
	walk_free(&w);
	return out;
}

static json_t *
list_item(const struct config *cfg, const json_t *e)
{
	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:b, s:o}",
	    "id", json_str(e, "id"),
	    "title", clip_text(title_of(e), TOOL_TITLE_MAX, NULL),
	    "created_at", clip_text(json_str(e, "created_at"), 64, NULL),
	    "category", clip_text(json_str(e, "category"), 100, NULL),
	    "overview", clip_text(json_str(e, "overview"), TOOL_OVERVIEW_MAX,
	    NULL),
	    "emoji", clip_text(json_str(e, "emoji"), 16, NULL),
	    "discarded", json_is_true(json_object_get(e, "discarded")),
	    "url", tool_url(cfg, json_str(e, "id")));
}

json_t *
tool_list_conversations(struct tool_ctx *t)
{
	struct walk	 w;
	const json_t	*e;
	const char	*cat = NULL;
	json_t		*items = NULL, *item, *next, *out = NULL;
	size_t		 i, n = 0, size = 0;
	int		 more, disc = 0;

	if (walk_args(t, &w, "query") == -1 ||
	    targ_string(t, "category", 100, &cat,
	    "category must be 1 to 100 characters") == -1 ||
	    targ_bool(t, "include_discarded", &disc,
	    "include_discarded must be true or false") == -1)
		goto out;
	w.f.category = cat;
	w.f.include_discarded = disc;
	if (walk_fetch(t, &w) == -1 || (items = json_array()) == NULL)
		goto out;
	json_array_foreach(w.pg.entries, i, e) {
		if ((item = list_item(t->r->cfg, e)) == NULL)
			goto out;
		size += clip_json_size(item) + 1;
		if (size > TOOL_BUDGET - 1000) {
			json_decref(item);
			break;
		}
		json_array_append_new(items, item);
		n++;
	}
	if ((next = next_cursor(&w, n, &more)) != NULL)
		out = json_pack("{s:O, s:b, s:o}", "conversations", items,
		    "has_more", more, "next_cursor", next);
out:
	if (out == NULL && t->bad == NULL && t->fail == NULL)
		t->oom = 1;
	json_decref(items);
	walk_free(&w);
	return out;
}

/* Appends the conversation's action items that the status asks for. */
static int
add_items(struct tool_ctx *t, const json_t *e, int all, json_t *items)
{
	const json_t	*ai, *v;
	const char	*id = json_str(e, "id");
	enum omi_err	 err;
	json_t		*doc, *due;
	char		*raw = NULL;
	size_t		 len, i;
	int		 rc = 0;

	err = index_get(t->r->s, t->r->uid, id, &raw, &len);
	if (err == OMI_NOTFOUND)
		return 0;
	if (err != OMI_OK) {
		tool_store_fail(t, err);
		return -1;
	}
	doc = json_loadb(raw, len, 0, NULL);
	free(raw);
	ai = json_object_get(json_object_get(doc, "structured"),
	    "action_items");
	json_array_foreach(ai, i, v) {
		if (!json_is_object(v) || (!all &&
		    json_is_true(json_object_get(v, "completed"))))
			continue;
		due = json_string_value(json_object_get(v, "due_at")) ?
		    clip_text(json_str(v, "due_at"), 64, NULL) : json_null();
		if (json_array_append_new(items, json_pack("{s:o, s:b, s:o, "
		    "s:s, s:o, s:o, s:o}", "description",
		    clip_text(json_str(v, "description"), ITEM_TEXT_MAX, NULL),
		    "completed", json_is_true(json_object_get(v, "completed")),
		    "due_at", due, "conversation_id", id,
		    "conversation_title", clip_text(title_of(e),
		    TOOL_TITLE_MAX, NULL), "conversation_created_at",
		    clip_text(json_str(e, "created_at"), 64, NULL), "url",
		    tool_url(t->r->cfg, id))) == -1) {
			t->oom = 1;
			rc = -1;
			break;
		}
	}
	json_decref(doc);
	return rc;
}

json_t *
tool_list_action_items(struct tool_ctx *t)
{
	struct walk	 w;
	const json_t	*e;
	const char	*status = NULL;
	json_t		*items = NULL, *next, *out = NULL;
	size_t		 i, n = 0, mark;
	int		 more, all = 0;

	if (walk_args(t, &w, "query") == -1 ||
	    targ_string(t, "status", 8, &status,
	    "status must be open or all") == -1)
		goto out;
	if (status != NULL && strcmp(status, "all") == 0)
		all = 1;
	else if (status != NULL && strcmp(status, "open") != 0) {
		t->bad = "status must be open or all";
		goto out;
	}
	if (walk_fetch(t, &w) == -1 || (items = json_array()) == NULL)
		goto out;
	json_array_foreach(w.pg.entries, i, e) {
		mark = json_array_size(items);
		if (add_items(t, e, all, items) == -1)
			goto out;
		/* A conversation whose items do not fit starts the next page;
		 * the first one is cut instead, so that paging goes on. */
		if (clip_json_size(items) > TOOL_BUDGET - 1000) {
			if (n > 0)
				while (json_array_size(items) > mark)
					json_array_remove(items, mark);
			else
				while (json_array_size(items) > 0 &&
				    clip_json_size(items) > TOOL_BUDGET - 1000)
					json_array_remove(items,
					    json_array_size(items) - 1);
			if (n > 0)
				break;
		}
		n++;
	}
	if ((next = next_cursor(&w, n, &more)) != NULL)
		out = json_pack("{s:O, s:I, s:b, s:o}", "action_items", items,
		    "conversations_read", (json_int_t)n, "has_more", more,
		    "next_cursor", next);
out:
	if (out == NULL && t->bad == NULL && t->fail == NULL)
		t->oom = 1;
	json_decref(items);
	walk_free(&w);
	return out;
}
