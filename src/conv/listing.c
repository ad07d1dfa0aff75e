/*
 * listing (listing_*): filtered, resumable walks over a user's paged
 * index (see listing.h). Keys compare as (t, id) with index_keycmp, the
 * index's own order, so "after the cursor" here and "newer" in the index
 * always agree.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "conv/index-codec.h"
#include "conv/listing.h"
#include "conv/sindex.h"
#include "conv/transcript-scan.h"
#include "lib/buf.h"
#include "lib/log.h"
#include "lib/text.h"

#define CURSOR_VERSION	"1"
#define CURSOR_RANKED	"2"	/* sort=relevance: a count of matches */

struct walk {
	struct store		*s;
	const char		*uid;
	const struct listing_filter *f;
	const struct listing_pos	*from;
	struct listing_page	*pg;
	uint64_t		 skip;
	struct listing_pos	 last;		/* the last entry examined */
	size_t			 limit;
	int			 done;
	int			 ranked;	/* not in key order */
	struct buf		 text;		/* a transcript text, decoded */
	/* the record of the entry being visited, when already read */
	const char		*raw;
	size_t			 raw_len;
};

/*
 * A search over one conversation's texts: the terms found so far, and how
 * far into the record the budget lets it read.
 */
struct text_scan {
	struct search	*sr;
	int		 speaker_user;	/* only segments marked is_user */
	unsigned	 found;
	enum omi_err	 err;		/* OMI_NOMEM stops the scan */
	size_t		 left;		/* bytes of the record within budget */
	size_t		 at;		/* bytes of it searched so far */
	int		 over;		/* stopped at left, undecided */
};

/* Entries at or newer than the position are behind the reader. */
static int
behind(const struct listing_pos *from, int64_t t, const char *id)
{
	return from->after && index_keycmp(t, id, from->t, from->id) >= 0;
}

static void
set_pos(struct listing_pos *p, int64_t t, const char *id)
{
	p->after = 1;
	p->t = t;
	snprintf(p->id, sizeof(p->id), "%s", id);
}

static int
summary_match(const struct listing_filter *f, const json_t *e)
{
	const char *cat;

	if (!f->include_discarded && json_is_true(json_object_get(e,
	    "discarded")))
		return 0;
	if (f->category != NULL) {
		cat = json_string_value(json_object_get(e, "category"));
		if (cat == NULL || strcasecmp(cat, f->category) != 0)
			return 0;
	}
	return 1;
}

/*
 * Looks for the terms in one segment's text, which ends at byte at of the
 * record (a segment of others' words counts for nothing when the search
 * is narrowed to the wearer's); nonzero when the search is decided or the
 * budget ends before the text.
 */
static int
scan_text(void *ctx, const char *text, size_t len, int is_user, size_t at)
{
	struct text_scan *x = ctx;

	if (at > x->left) {
		x->over = 1;
		return 1;
	}
	x->at = at;
	if (x->speaker_user && !is_user)
		return 0;
	x->err = search_scan(x->sr, text, len, &x->found);
	return x->err != OMI_OK || x->found == x->sr->all;
}

/* The same search through Jansson, for what tscan declines. */
static enum omi_err
scan_parsed(const char *raw, size_t len, struct text_scan *x)
{
	json_t	*doc, *seg, *text;
	size_t	 i;

	if ((doc = json_loadb(raw, len, 0, NULL)) == NULL)
		return OMI_CORRUPT;
	json_array_foreach(json_object_get(doc, "transcript_segments"), i,
	    seg) {
		text = json_object_get(seg, "text");
		if (json_is_string(text) && scan_text(x,
		    json_string_value(text), json_string_length(text),
		    json_is_true(json_object_get(seg, "is_user")), 0))
			break;
	}
	json_decref(doc);
	return OMI_OK;
}

/*
 * Searches the transcript text of one conversation; *match 1 or 0. The
 * budget holds within the record too: the scan stops at the first segment
 * that ends past it and sets w->pg->stopped, so that the next request
 * resumes at this record. A request's first record is read whole, so
 * every request gets on, however large a record.
 */
static enum omi_err
text_match(struct walk *w, const json_t *e, unsigned found, int *match)
{
	struct text_scan	 x;
	enum omi_err		 err;
	char			*raw;
	size_t			 len;

	*match = 0;
	memset(&x, 0, sizeof(x));
	x.sr = w->f->search;
	x.speaker_user = w->f->speaker_user;
	x.found = found;
	x.left = w->pg->records_read == 0 ? SIZE_MAX :
	    w->f->scan_budget - w->pg->bytes_read;
	if (w->raw != NULL) {
		raw = (char *)w->raw;
		len = w->raw_len;
	} else if ((err = index_get(w->s, w->uid, index_entry_id(e), &raw,
	    &len)) == OMI_NOTFOUND)
		return OMI_OK;	/* the index is ahead of the record */
	else if (err != OMI_OK)
		return err;
	w->pg->records_read++;
	switch (tscan_segments(raw, len, &w->text, scan_text, &x)) {
	case OMI_OK:
		break;
	case OMI_NOTFOUND:
		/* Jansson cannot stop halfway: all of it, or none. */
		if (len > x.left)
			x.over = 1;
		else
			err = scan_parsed(raw, len, &x);
		break;
	default:
		err = OMI_NOMEM;
		break;
	}
	if (raw != w->raw)
		free(raw);
	if (x.over) {
		w->pg->bytes_read += x.at;
		w->pg->stopped = 1;
		return err;
	}
	w->pg->bytes_read += len;
	if (err == OMI_OK)
		err = x.err;
	*match = err == OMI_OK && x.found == w->f->search->all;
	return err;
}

/*
 * Decides whether e matches. Sets w->pg->stopped instead when the answer
 * needs a record and the budget is spent. A search narrowed to the
 * wearer's words skips the title and overview: nobody said them.
 */
static enum omi_err
entry_match(struct walk *w, const json_t *e, int *match)
{
	struct search	*sr = w->f->search;
	const json_t	*v;
	enum omi_err	 err;
	unsigned	 found = 0;

	*match = summary_match(w->f, e);
	if (!*match || sr == NULL)
		return OMI_OK;
	if (!w->f->speaker_user) {
		v = json_object_get(e, "title");
		err = search_scan(sr, json_string_value(v) ?
		    json_string_value(v) : "", json_string_length(v), &found);
		v = json_object_get(e, "overview");
		if (err == OMI_OK)
			err = search_scan(sr, json_string_value(v) ?
			    json_string_value(v) : "", json_string_length(v),
			    &found);
		if (err != OMI_OK)
			return err;
		if (found == sr->all)
			return OMI_OK;
	}
	if (w->pg->bytes_read >= w->f->scan_budget) {
		w->pg->stopped = 1;
		*match = 0;
		return OMI_OK;
	}
	return text_match(w, e, found, match);
}

/*
 * Takes or passes over one entry, in walk order. *ep is the entry's
 * summary when the caller has it; load(lctx) makes it otherwise (a plain
 * list needs nothing from an entry but its key and discarded flag until
 * the entry is taken: only filters look inside first). Returns 1 when the
 * walk is over: done, or failed with *err set.
 */
static int
visit(struct walk *w, int64_t t, const char *id, int discarded, json_t **ep,
    json_t *(*load)(void *), void *lctx, enum omi_err *err)
{
	int match;

	if (behind(w->from, t, id) || t > w->f->until)
		return 0;
	if (t < w->f->since) {
		/* Walks by rank see older ones after newer ones. */
		if (w->ranked)
			return 0;
		w->done = 1;
		return 1;
	}
	if (discarded && !w->f->include_discarded)
		match = 0;
	else if (w->f->category == NULL && w->f->search == NULL)
		match = 1;
	else if ((*ep == NULL && (*ep = load(lctx)) == NULL) ||
	    (*err = entry_match(w, *ep, &match)) != OMI_OK) {
		if (*ep == NULL)
			*err = OMI_NOMEM;
		return 1;
	}
	if (w->pg->stopped) {
		w->done = 1;
		return 1;
	}
	if (!match) {
		set_pos(&w->last, t, id);
		return 0;
	}
	if (w->skip > 0) {
		w->skip--;
		set_pos(&w->last, t, id);
		return 0;
	}
	if (json_array_size(w->pg->entries) == w->limit) {
		w->pg->more = 1;
		w->done = 1;
		return 1;
	}
	if ((*ep == NULL && (*ep = load(lctx)) == NULL) ||
	    json_array_append_new(w->pg->entries, *ep) == -1) {
		*ep = NULL;
		*err = OMI_NOMEM;
		return 1;
	}
	*ep = NULL;
	set_pos(&w->last, t, id);
	return 0;
}

static json_t *
page_entry(void *pw)
{
	return codec_page_walk_entry(pw);
}

static enum omi_err
walk_page(struct walk *w, const struct index_ref *r)
{
	struct codec_page_walk	 pw;
	enum omi_err		 err;
	char			*val, id[CONV_ID_MAX + 1];
	size_t			 len;
	int64_t			 t;
	json_t			*e = NULL;
	enum omi_err		 step;
	int			 discarded;

	if ((err = index_page_get(w->s, w->uid, r->page, &val, &len)) !=
	    OMI_OK)
		return err == OMI_NOTFOUND ? OMI_CORRUPT : err;
	w->pg->pages_read++;
	if ((err = codec_page_walk_start(&pw, val, len)) != OMI_OK) {
		free(val);
		return err;
	}
	while ((step = codec_page_walk_next(&pw, &t, id, &discarded)) ==
	    OMI_OK) {
		json_decref(e);
		e = NULL;
		if (visit(w, t, id, discarded, &e, page_entry, &pw, &err))
			break;
	}
	if (step == OMI_CORRUPT && err == OMI_OK)
		err = OMI_CORRUPT;
	json_decref(e);
	codec_page_walk_end(&pw);
	free(val);
	return err;
}

/*
 * The walk over the search index's candidates (see sindex.h). Each
 * candidate's record is read for the exact check anyway, so its summary
 * comes from it too: no index head or page is read, which would cost
 * more the more conversations there are.
 */
static enum omi_err
walk_index(struct walk *w, struct sindex_query *q)
{
	struct sindex_hit	 hit;
	enum omi_err		 err, step = OMI_OK;
	json_t			*e;
	char			*raw;
	const char		*id = w->from->id;
	size_t			 len;
	int64_t			 t = w->from->t;
	int			 stop, after = w->from->after;

	/* Newer than until: as if the cursor stood just above it. */
	if (w->f->until < INT64_MAX && !w->ranked && (!after ||
	    index_keycmp(w->f->until + 1, "", t, id) < 0)) {
		t = w->f->until + 1;
		id = "";
		after = 1;
	}
	if ((err = sindex_start(q, after, t, id)) != OMI_OK)
		return err;
	while (!w->done && (step = sindex_next(q, &hit)) == OMI_OK) {
		err = index_get(w->s, w->uid, hit.id, &raw, &len);
		if (err == OMI_NOTFOUND)
			continue;	/* cannot be: they commit together */
		if (err == OMI_OK) {
			err = index_summary(raw, len, hit.id, hit.t, &e);
			if (err != OMI_OK)
				free(raw);
		}
		if (err != OMI_OK)
			return err;
		w->raw = raw;
		w->raw_len = len;
		stop = visit(w, hit.t, hit.id, json_is_true(json_object_get(e,
		    "discarded")), &e, NULL, NULL, &err);
		w->raw = NULL;
		free(raw);
		json_decref(e);
		if (stop)
			return err;
	}
	return w->done || step == OMI_NOTFOUND ? OMI_OK : step;
}

/* 1 when every entry of the page is past the position and within dates. */
static int
page_inside(const struct walk *w, const struct index_ref *r)
{
	return !behind(w->from, r->hi_t, r->hi_id) && r->hi_t <= w->f->until &&
	    r->lo_t >= w->f->since;
}

enum omi_err
listing_fetch(struct store *s, const char *uid, struct index_head *h,
    const struct listing_filter *f, const struct listing_pos *from,
    size_t limit, struct listing_page *pg)
{
	struct walk		 w;
	const struct index_ref	*r;
	struct sindex_query	*q;
	enum omi_err		 err = OMI_OK;
	size_t			 i, count;

	memset(pg, 0, sizeof(*pg));
	if ((pg->entries = json_array()) == NULL)
		return OMI_NOMEM;
	memset(&w, 0, sizeof(w));
	w.s = s;
	w.uid = uid;
	w.f = f;
	w.from = from;
	w.pg = pg;
	w.skip = from->skip;
	w.last = *from;
	w.limit = limit;
	if (f->search != NULL && !f->full_scan) {
		err = sindex_query(s, uid, f->search, f->speaker_user,
		    f->by_relevance, &q);
		/*
		 * Terms too common to narrow anything: newest first through
		 * the search index all the same, which needs no listing head.
		 * A category is in the pages, not in the index: the pages
		 * skip other categories without reading their records.
		 */
		if (err == OMI_NOTFOUND && !f->by_relevance &&
		    f->category == NULL)
			err = sindex_all(s, uid, &q);
		if (err == OMI_OK) {
			w.ranked = f->by_relevance;
			err = walk_index(&w, q);
			sindex_query_free(q);
			goto out;
		}
		if (err == OMI_CORRUPT)
			log_msg("listing: search index of %s unreadable: "
			    "reading every conversation", uid);
		else if (err != OMI_NOTFOUND)
			goto out;
		err = OMI_OK;
	}
	if (!h->loaded && (err = index_head_load(s, uid, h)) != OMI_OK)
		goto out;
	for (i = 0; i < h->nrefs && !w.done && err == OMI_OK; i++) {
		r = &h->refs[i];
		if (behind(from, r->lo_t, r->lo_id) || r->lo_t > f->until)
			continue;
		if (r->hi_t < f->since)
			break;
		count = f->include_discarded ? r->n : r->visible;
		if (f->category == NULL && f->search == NULL &&
		    w.skip >= count && page_inside(&w, r)) {
			/* Every entry of the page matches: skip it unread. */
			w.skip -= count;
			set_pos(&w.last, r->lo_t, r->lo_id);
			continue;
		}
		err = walk_page(&w, r);
	}
out:
	if (err == OMI_OK && pg->stopped) {
		pg->resume = w.last;
		pg->resume.skip = w.skip;
		if (f->by_relevance) {
			memset(&pg->resume, 0, sizeof(pg->resume));
			pg->resume.relevance = 1;
			pg->resume.skip = from->skip +
			    json_array_size(pg->entries);
		}
	}
	buf_free(&w.text);
	return err;
}

enum omi_err
listing_total(struct store *s, const char *uid, const struct index_head *h,
    const struct listing_filter *f, size_t *total)
{
	const struct index_ref	*r;
	enum omi_err		 err;
	json_t			*entries, *e;
	size_t			 i, k;

	*total = 0;
	if (f->category == NULL && f->since == INT64_MIN &&
	    f->until == INT64_MAX) {
		*total = f->include_discarded ? h->n : h->visible;
		return OMI_OK;
	}
	for (i = 0; i < h->nrefs; i++) {
		r = &h->refs[i];
		if (r->lo_t > f->until)
			continue;
		if (r->hi_t < f->since)
			break;
		if (f->category == NULL && r->hi_t <= f->until &&
		    r->lo_t >= f->since) {
			*total += f->include_discarded ? r->n : r->visible;
			continue;
		}
		if ((err = index_page_load(s, uid, r->page, &entries)) !=
		    OMI_OK)
			return err == OMI_NOTFOUND ? OMI_CORRUPT : err;
		json_array_foreach(entries, k, e)
			if (index_entry_t(e) >= f->since &&
			    index_entry_t(e) <= f->until &&
			    summary_match(f, e))
				(*total)++;
		json_decref(entries);
	}
	return OMI_OK;
}

void
listing_page_free(struct listing_page *pg)
{
	json_decref(pg->entries);
	memset(pg, 0, sizeof(*pg));
}

void
listing_pos_after(const struct listing_filter *f,
    const struct listing_pos *from, const json_t *entries, size_t n,
    struct listing_pos *out)
{
	const json_t *e = json_array_get(entries, n - 1);

	memset(out, 0, sizeof(*out));
	if (f->by_relevance) {
		out->relevance = 1;
		out->skip = from->skip + n;
		return;
	}
	set_pos(out, index_entry_t(e), index_entry_id(e));
}

char *
listing_cursor_encode(const struct listing_pos *p)
{
	struct buf	 b = { 0 };
	char		*out;
	size_t		 n;

	if (p->relevance)
		buf_printf(&b, CURSOR_RANKED ":%llu",
		    (unsigned long long)p->skip);
	else
		buf_printf(&b, CURSOR_VERSION ":%llu",
		    (unsigned long long)p->skip);
	if (p->after && !p->relevance)
		buf_printf(&b, ":%lld:%s", (long long)p->t, p->id);
	if (b.failed) {
		buf_free(&b);
		return NULL;
	}
	n = sodium_base64_ENCODED_LEN(b.len,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	if ((out = malloc(n)) != NULL)
		sodium_bin2base64(out, n, (unsigned char *)b.data, b.len,
		    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	buf_free(&b);
	return out;
}

/* Parses an optionally negative decimal int64 that ends at ':'. */
static int
parse_t(const char *s, size_t n, int64_t *t)
{
	char		 num[24];
	uint64_t	 v;
	int		 neg = n > 0 && s[0] == '-';

	if (n == 0 || n >= sizeof(num))
		return -1;
	memcpy(num, s, n);
	num[n] = '\0';
	if (parse_u64(num + neg, INT64_MAX, &v) != 0)
		return -1;
	*t = neg ? -(int64_t)v : (int64_t)v;
	return 0;
}

int
listing_cursor_decode(const char *cursor, struct listing_pos *p)
{
	unsigned char	 raw[LISTING_CURSOR_MAX];
	char		 text[LISTING_CURSOR_MAX + 1], *f[4], *c;
	size_t		 len, nf = 0;

	memset(p, 0, sizeof(*p));
	if (strlen(cursor) > LISTING_CURSOR_MAX ||
	    sodium_base642bin(raw, sizeof(raw), cursor, strlen(cursor), NULL,
	    &len, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return -1;
	memcpy(text, raw, len);
	text[len] = '\0';
	if (strlen(text) != len)
		return -1;
	for (c = text; nf < 4; c++) {
		f[nf++] = c;
		if ((c = strchr(c, ':')) == NULL)
			break;
		*c = '\0';
	}
	if (c == NULL && nf == 2 && strcmp(f[0], CURSOR_RANKED) == 0 &&
	    parse_u64(f[1], LISTING_SKIP_MAX, &p->skip) == 0) {
		p->relevance = 1;
		return 0;
	}
	if (c != NULL || strcmp(f[0], CURSOR_VERSION) != 0 ||
	    (nf != 2 && nf != 4) ||
	    parse_u64(f[1], LISTING_SKIP_MAX, &p->skip) != 0)
		return -1;
	if (nf == 2)
		return 0;
	if (parse_t(f[2], strlen(f[2]), &p->t) == -1 ||
	    !valid_ident(f[3], CONV_ID_MAX))
		return -1;
	p->after = 1;
	snprintf(p->id, sizeof(p->id), "%s", f[3]);
	return 0;
}
