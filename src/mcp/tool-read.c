/*
 * tool-read: the tools that read one conversation, fetch (OpenAI's
 * connector contract: id, title, text, url, metadata; text is the summary
 * and the transcript in the original plugin's format) and get_conversation
 * (the API's detail, with a url). The record is looked up under the
 * caller's uid only, so another user's id and an unknown one get the same
 * answer. A transcript longer than the answer may hold is cut at a block
 * boundary where one lies in the part's second half, and
 * next_transcript_offset (in code points) says where the next part starts;
 * the parts put together give back the whole transcript exactly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conv/clip.h"
#include "conv/detail.h"
#include "conv/index.h"
#include "lib/buf.h"
#include "lib/json.h"
#include "lib/text.h"
#include "lib/ustr.h"
#include "mcp/tool-impl.h"

#define READ_OVERVIEW_MAX	10000
#define READ_LIST_BUDGET	6000	/* bytes for action_items, events each */
#define READ_DEFAULT_CHARS	20000
#define READ_MAX_CHARS		30000

struct part {
	struct buf	 text;		/* the whole rendered transcript */
	size_t		 total;		/* its code points */
	size_t		 b0, b1;	/* the part, in bytes */
	size_t		 off;		/* the part's start, in code points */
	size_t		 next;		/* the next part's start, when more */
	int		 more;
};

/*
 * The stored conversation id of the caller, with its transcript rendered
 * into *text; NULL with t's state set.
 */
static json_t *
load(struct tool_ctx *t, const char **idp, struct buf *text)
{
	struct conv_detail	 d = { 0 };
	const char		*id = NULL;
	enum omi_err		 err;
	char			*raw = NULL;
	size_t			 len;

	if (targ_string(t, "id", CONV_ID_MAX, &id, "id must be a "
	    "conversation id (1 to 128 letters, digits, '.', '_' or '-')") ==
	    -1)
		return NULL;
	if (id == NULL || !valid_ident(id, CONV_ID_MAX)) {
		t->bad = "id must be a conversation id (1 to 128 letters, "
		    "digits, '.', '_' or '-')";
		return NULL;
	}
	err = index_get(t->r->s, t->r->uid, id, &raw, &len);
	if (err == OMI_NOTFOUND) {
		t->fail = "There is no conversation with this id.";
		return NULL;
	}
	if (err == OMI_OK)
		err = conv_detail_load(raw, len, &d);
	free(raw);
	if (err == OMI_NOMEM)
		t->oom = 1;
	else if (err != OMI_OK)
		tool_store_fail(t, err);
	if (err != OMI_OK) {
		conv_detail_free(&d);
		return NULL;
	}
	*text = d.transcript;
	*idp = id;
	return d.doc;
}

/* Picks the part of the rendered transcript from off (code points). */
static int
part_pick(struct tool_ctx *t, struct part *p, uint64_t off, size_t max,
    size_t room)
{
	const char *s;

	s = p->text.data ? p->text.data : "";
	p->total = ustr_count(s, p->text.len);
	if (off > p->total) {
		t->bad = "transcript_offset is past the end of the transcript "
		    "(see transcript_length)";
		return -1;
	}
	p->off = (size_t)off;
	p->b0 = ustr_offset(s, p->text.len, p->off);
	p->b1 = clip_transcript(s, p->text.len, p->b0, max, room);
	p->more = p->b1 < p->text.len;
	p->next = p->off + ustr_count(s + p->b0, p->b1 - p->b0);
	return 0;
}

static json_t *
time_or_null(const json_t *doc, const char *name)
{
	const char *s = json_string_value(json_object_get(doc, name));

	return s ? clip_text(s, 64, NULL) : json_null();
}

static const char *
title_of(const json_t *st)
{
	const char *s = json_str(st, "title");

	return *s ? s : "Untitled conversation";
}

json_t *
tool_fetch(struct tool_ctx *t)
{
	struct part	 p;
	struct buf	 text = { 0 };
	const json_t	*st;
	const char	*id = NULL;
	json_t		*doc, *j = NULL, *meta, *ov = NULL;
	size_t		 base;

	memset(&p, 0, sizeof(p));
	if ((doc = load(t, &id, &p.text)) == NULL)
		return NULL;
	st = json_object_get(doc, "structured");
	meta = json_pack("{s:o, s:o, s:o, s:o, s:o, s:b, s:I, s:i, s:b, s:n}",
	    "created_at", clip_text(json_str(doc, "created_at"), 64, NULL),
	    "started_at", time_or_null(doc, "started_at"),
	    "finished_at", time_or_null(doc, "finished_at"),
	    "category", clip_text(json_str(st, "category"), 100, NULL),
	    "emoji", clip_text(json_str(st, "emoji"), 16, NULL),
	    "discarded", json_is_true(json_object_get(doc, "discarded")),
	    "transcript_length", (json_int_t)UINT32_MAX,
	    "transcript_offset", 0, "transcript_truncated", 0,
	    "next_transcript_offset");
	ov = clip_text(json_str(st, "overview"), READ_OVERVIEW_MAX, NULL);
	j = json_pack("{s:s, s:o, s:s, s:o, s:o}", "id", id, "title",
	    clip_text(title_of(st), TOOL_TITLE_MAX, NULL), "text", "",
	    "url", tool_url(t->r->cfg, id), "metadata", meta);
	if (j == NULL || ov == NULL) {
		t->oom = 1;
		goto fail;
	}
	/* Measured with the largest numbers the metadata can hold. */
	base = clip_json_size(j) + clip_json_size(ov) + 32;
	if (base >= TOOL_BUDGET || part_pick(t, &p, 0, SIZE_MAX,
	    TOOL_BUDGET - base) == -1) {
		t->oom = t->bad == NULL;
		goto fail;
	}
	if (json_string_length(ov) > 0)
		buf_printf(&text, "%s\n\n", json_string_value(ov));
	buf_append(&text, p.text.data ? p.text.data + p.b0 : "", p.b1 - p.b0);
	meta = json_object_get(j, "metadata");
	if (text.failed ||
	    json_object_set_new(j, "text", json_stringn(text.data ?
	    text.data : "", text.len)) == -1 ||
	    json_object_set_new(meta, "transcript_length",
	    json_integer((json_int_t)p.total)) == -1 ||
	    json_object_set_new(meta, "transcript_truncated",
	    json_boolean(p.more)) == -1 ||
	    json_object_set_new(meta, "next_transcript_offset", p.more ?
	    json_integer((json_int_t)p.next) : json_null()) == -1) {
		t->oom = 1;
		goto fail;
	}
	goto out;
fail:
	json_decref(j);
	j = NULL;
out:
	json_decref(ov);
	json_decref(doc);
	buf_free(&text);
	buf_free(&p.text);
	return j;
}

json_t *
tool_get_conversation(struct tool_ctx *t)
{
	struct part	 p;
	const json_t	*st;
	const char	*id = NULL;
	json_t		*doc = NULL, *j = NULL;
	int64_t		 off = 0, max = READ_DEFAULT_CHARS;
	size_t		 base;
	int		 cut = 0;

	memset(&p, 0, sizeof(p));
	if (targ_int(t, "transcript_offset", 0, UINT32_MAX, &off,
	    "transcript_offset must be a whole number of characters (0 or a "
	    "next_transcript_offset)") == -1 ||
	    targ_int(t, "max_chars", 1, READ_MAX_CHARS, &max,
	    "max_chars must be a whole number from 1 to 30000") == -1 ||
	    (doc = load(t, &id, &p.text)) == NULL)
		return NULL;
	st = json_object_get(doc, "structured");
	j = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:o, "
	    "s:o, s:o, s:s, s:I, s:I, s:b, s:I}", "id", id,
	    "title", clip_text(title_of(st), TOOL_TITLE_MAX, NULL),
	    "overview", clip_text(json_str(st, "overview"), READ_OVERVIEW_MAX,
	    NULL),
	    "emoji", clip_text(json_str(st, "emoji"), 16, NULL),
	    "category", clip_text(json_str(st, "category"), 100, NULL),
	    "created_at", clip_text(json_str(doc, "created_at"), 64, NULL),
	    "started_at", time_or_null(doc, "started_at"),
	    "finished_at", time_or_null(doc, "finished_at"),
	    "discarded", json_is_true(json_object_get(doc, "discarded")),
	    "action_items", clip_array(json_object_get(st, "action_items"),
	    READ_LIST_BUDGET, &cut),
	    "events", clip_array(json_object_get(st, "events"),
	    READ_LIST_BUDGET, &cut),
	    "url", tool_url(t->r->cfg, id), "transcript", "",
	    "transcript_offset", (json_int_t)UINT32_MAX,
	    "transcript_length", (json_int_t)UINT32_MAX,
	    "transcript_truncated", 0,
	    "next_transcript_offset", (json_int_t)UINT32_MAX);
	if (j == NULL) {
		t->oom = 1;
		goto out;
	}
	if (cut)
		json_object_set_new(j, "lists_truncated", json_true());
	base = clip_json_size(j) + 32;
	if (base >= TOOL_BUDGET || part_pick(t, &p, (uint64_t)off,
	    (size_t)max, TOOL_BUDGET - base) == -1) {
		t->oom = t->bad == NULL;
		json_decref(j);
		j = NULL;
		goto out;
	}
	if (json_object_set_new(j, "transcript", json_stringn(p.text.data ?
	    p.text.data + p.b0 : "", p.b1 - p.b0)) == -1 ||
	    json_object_set_new(j, "transcript_offset",
	    json_integer((json_int_t)p.off)) == -1 ||
	    json_object_set_new(j, "transcript_length",
	    json_integer((json_int_t)p.total)) == -1 ||
	    json_object_set_new(j, "transcript_truncated",
	    json_boolean(p.more)) == -1 ||
	    json_object_set_new(j, "next_transcript_offset", p.more ?
	    json_integer((json_int_t)p.next) : json_null()) == -1) {
		t->oom = 1;
		json_decref(j);
		j = NULL;
	}
out:
	json_decref(doc);
	buf_free(&p.text);
	return j;
}
