/*
 * index (index_*): conversation records and the per-user paged index (see
 * index.h). All changes of one operation go into one store session, so a
 * conversation and its index entry appear, move or vanish together.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "conv/index-codec.h"
#include "conv/index.h"
#include "conv/record.h"
#include "conv/sindex.h"
#include "conv/transcript-scan.h"
#include "lib/buf.h"
#include "lib/json.h"
#include "lib/text.h"
#include "store/record.h"

static char *
key2(const char *prefix, const char *uid)
{
	struct buf b = { 0 };

	buf_printf(&b, "%s:%s", prefix, uid);
	return buf_take(&b);
}

static char *
key3(const char *prefix, const char *uid, const char *id)
{
	struct buf b = { 0 };

	buf_printf(&b, "%s:%s:%s", prefix, uid, id);
	return buf_take(&b);
}

static char *
page_key(const char *uid, int64_t page)
{
	struct buf b = { 0 };

	buf_printf(&b, "cpage:%s:%lld", uid, (long long)page);
	return buf_take(&b);
}

/*
 * The head lists every page with its bounds and counts, so it grows with
 * the user's conversations (66 KB at 27,000), and every delivery changes
 * one or two of its references. Writing it whole each time made it most
 * of a delivery's journal and hashing. So a change is stored as a delta
 * (cidxd:<uid>): the totals, the references that differ from the stored
 * head and the pages gone from it. The head is written whole again, and
 * the delta dropped, once the delta would hold more than INDEX_DELTA_MAX
 * of them or more than a quarter of the head's references (a small head
 * is cheap to write). Reading the head reads both.
 */
#define INDEX_DELTA_MAX	32

enum omi_err
index_head_load(struct store *s, const char *uid, struct index_head *h)
{
	enum omi_err	 err;
	char		*key, *dkey, *val = NULL;
	size_t		 len;

	memset(h, 0, sizeof(*h));
	h->next = 1;
	key = key2("cidx", uid);
	dkey = key2("cidxd", uid);
	if (key == NULL || dkey == NULL) {
		err = OMI_NOMEM;
		goto out;
	}
	err = store_get(s, key, &val, &len);
	if (err == OMI_OK) {
		h->based = 1;
		err = codec_head_decode(val, len, h);
	} else if (err == OMI_NOTFOUND)
		err = OMI_OK;
	free(val);
	val = NULL;
	if (err == OMI_OK && (err = store_get(s, dkey, &val, &len)) ==
	    OMI_OK)
		err = codec_head_delta_apply(val, len, h);
	else if (err == OMI_NOTFOUND)
		err = OMI_OK;
	if (err != OMI_OK)
		index_head_free(h);
	else
		h->loaded = 1;
out:
	free(val);
	free(key);
	free(dkey);
	return err;
}

static enum omi_err
head_save(struct store *s, const char *uid, const struct index_head *h)
{
	struct buf	 b = { 0 };
	enum omi_err	 err, derr;
	char		*key, *dkey;
	size_t		 i, changed = h->ngone;

	for (i = 0; i < h->nrefs; i++)
		changed += h->refs[i].dirty;
	key = key2("cidx", uid);
	dkey = key2("cidxd", uid);
	if (key == NULL || dkey == NULL)
		err = OMI_NOMEM;
	else if (h->based && changed <= INDEX_DELTA_MAX &&
	    changed * 4 <= h->nrefs) {
		err = codec_head_delta_encode(h, &b) == -1 ? OMI_NOMEM :
		    store_put(s, dkey, b.data, b.len);
		goto out;
	} else if (h->nrefs == 0)
		err = store_del(s, key);
	else if (codec_head_encode(h, &b) == -1)
		err = OMI_NOMEM;
	else
		err = store_put(s, key, b.data, b.len);
	if (err == OMI_NOTFOUND)
		err = OMI_OK;
	/* The whole head written (or gone): no delta on top of it. */
	if (err == OMI_OK && (derr = store_del(s, dkey)) != OMI_OK &&
	    derr != OMI_NOTFOUND)
		err = derr;
out:
	buf_free(&b);
	free(key);
	free(dkey);
	return err;
}

enum omi_err
index_page_get(struct store *s, const char *uid, int64_t page, char **val,
    size_t *len)
{
	enum omi_err	 err;
	char		*key;

	*val = NULL;
	if ((key = page_key(uid, page)) == NULL)
		return OMI_NOMEM;
	err = store_get(s, key, val, len);
	free(key);
	return err;
}

enum omi_err
index_page_load(struct store *s, const char *uid, int64_t page,
    json_t **entries)
{
	enum omi_err	 err;
	char		*val;
	size_t		 len;

	*entries = NULL;
	err = index_page_get(s, uid, page, &val, &len);
	if (err == OMI_OK)
		err = codec_page_decode(val, len, entries);
	free(val);
	return err;
}

/* Recomputes a reference's bounds and counts from its page's entries. */
static int
ref_update(const struct index_head *h, struct index_ref *r,
    json_t *entries)
{
	size_t	 n = json_array_size(entries), i;
	json_t	*first = json_array_get(entries, 0);
	json_t	*last = json_array_get(entries, n - 1);

	index_ref_ids_free(h, r);
	r->hi_t = index_entry_t(first);
	r->lo_t = index_entry_t(last);
	r->hi_id = strdup(index_entry_id(first));
	r->lo_id = strdup(index_entry_id(last));
	r->n = n;
	r->visible = 0;
	r->dirty = 1;
	for (i = 0; i < n; i++)
		if (!json_is_true(json_object_get(json_array_get(entries, i),
		    "discarded")))
			r->visible++;
	return r->hi_id && r->lo_id ? 0 : -1;
}

static enum omi_err
page_save(struct store *s, const char *uid, int64_t page, json_t *entries)
{
	struct buf	 b = { 0 };
	enum omi_err	 err;
	char		*key;

	if ((key = page_key(uid, page)) == NULL)
		return OMI_NOMEM;
	if (json_array_size(entries) == 0)
		err = store_del(s, key);
	else if ((err = codec_page_encode(entries, &b)) != OMI_OK)
		err = err == OMI_NOMEM ? OMI_NOMEM : OMI_ERROR;
	else
		err = store_put(s, key, b.data, b.len);
	buf_free(&b);
	free(key);
	return err == OMI_NOTFOUND ? OMI_OK : err;
}

/* Inserts an empty reference at position at. */
static struct index_ref *
ref_insert(struct index_head *h, size_t at)
{
	struct index_ref *nv;

	nv = reallocarray(h->refs, h->nrefs + 1, sizeof(*nv));
	if (nv == NULL)
		return NULL;
	h->refs = nv;
	memmove(&h->refs[at + 1], &h->refs[at],
	    (h->nrefs - at) * sizeof(*nv));
	memset(&h->refs[at], 0, sizeof(*nv));
	h->refs[at].page = h->next++;
	h->refs[at].dirty = 1;
	h->nrefs++;
	return &h->refs[at];
}

/* The page that holds key (t, id), or -1. */
static ssize_t
ref_find(const struct index_head *h, int64_t t, const char *id)
{
	size_t i;

	for (i = 0; i < h->nrefs; i++)
		if (index_keycmp(t, id, h->refs[i].lo_t, h->refs[i].lo_id) >= 0)
			return index_keycmp(t, id, h->refs[i].hi_t,
			    h->refs[i].hi_id) <= 0 ? (ssize_t)i : -1;
	return -1;
}

static enum omi_err
index_remove(struct store *s, const char *uid, struct index_head *h,
    int64_t t, const char *id)
{
	enum omi_err	 err;
	json_t		*entries;
	ssize_t		 i;
	size_t		 k;

	if ((i = ref_find(h, t, id)) < 0)
		return OMI_CORRUPT;
	if ((err = index_page_load(s, uid, h->refs[i].page, &entries)) !=
	    OMI_OK)
		return err;
	for (k = 0; k < json_array_size(entries); k++)
		if (strcmp(index_entry_id(json_array_get(entries, k)), id) == 0)
			break;
	if (k == json_array_size(entries)) {
		json_decref(entries);
		return OMI_CORRUPT;
	}
	if (!json_is_true(json_object_get(json_array_get(entries, k),
	    "discarded")))
		h->visible--;
	h->n--;
	json_array_remove(entries, k);
	err = page_save(s, uid, h->refs[i].page, entries);
	if (json_array_size(entries) == 0) {
		if (codec_head_gone(h, (size_t)i) == -1)
			err = OMI_NOMEM;
	} else if (ref_update(h, &h->refs[i], entries) == -1)
		err = OMI_NOMEM;
	json_decref(entries);
	return err;
}

/* Moves entries [from, n) to the start of dst, in their order: 0, or -1
 * when memory ran out. */
static int
move_tail(json_t *entries, size_t from, json_t *dst)
{
	size_t n = json_array_size(entries), k;

	for (k = from; k < n; k++)
		if (json_array_insert(dst, k - from,
		    json_array_get(entries, k)) == -1)
			return -1;
	for (k = n; k > from; k--)
		json_array_remove(entries, k - 1);
	return 0;
}

/* Moves entries [from, n) of page i into a new page right after it. */
static enum omi_err
split(struct store *s, const char *uid, struct index_head *h, size_t i,
    json_t *entries, size_t from, size_t at)
{
	struct index_ref	*r;
	json_t			*tail;
	enum omi_err		 err;

	if ((tail = json_array()) == NULL)
		return OMI_NOMEM;
	if (move_tail(entries, from, tail) == -1 ||
	    (r = ref_insert(h, at)) == NULL || ref_update(h, r, tail) == -1) {
		json_decref(tail);
		return OMI_NOMEM;
	}
	err = page_save(s, uid, r->page, tail);
	json_decref(tail);
	(void)i;
	return err;
}

/* How many entries page i may hold (see INDEX_FRONT_MAX). */
static size_t
page_cap(size_t i)
{
	return i == 0 ? INDEX_FRONT_MAX : INDEX_PAGE_MAX;
}

/*
 * The full front page (entries) took a newest arrival at entries[0]. The
 * others, all newer than page 1's, move to the start of page 1 when they
 * fit there, else to a page of their own after the front; the arrival
 * stays alone in front.
 */
static enum omi_err
fold_front(struct store *s, const char *uid, struct index_head *h,
    json_t *entries)
{
	enum omi_err	 err;
	json_t		*next;
	size_t		 n = json_array_size(entries);

	if (h->nrefs < 2 || h->refs[1].n + (n - 1) > INDEX_PAGE_MAX)
		return split(s, uid, h, 0, entries, 1, 1);
	if ((err = index_page_load(s, uid, h->refs[1].page, &next)) != OMI_OK)
		return err;
	if (next == NULL)
		return OMI_NOMEM;
	if (move_tail(entries, 1, next) == -1)
		err = OMI_NOMEM;
	if (err == OMI_OK)
		err = page_save(s, uid, h->refs[1].page, next);
	if (err == OMI_OK && ref_update(h, &h->refs[1], next) == -1)
		err = OMI_NOMEM;
	json_decref(next);
	return err;
}

/* The page a new key (t, id) goes into: the first whose lowest key is not
 * newer than it, else the last. The head has at least one page. */
static size_t
page_for(const struct index_head *h, int64_t t, const char *id)
{
	size_t i;

	for (i = 0; i + 1 < h->nrefs; i++)
		if (index_keycmp(t, id, h->refs[i].lo_t, h->refs[i].lo_id) >= 0)
			break;
	return i;
}

static enum omi_err
index_add(struct store *s, const char *uid, struct index_head *h,
    json_t *entry, int64_t t, const char *id)
{
	enum omi_err	 err;
	json_t		*entries;
	size_t		 i, k, n;

	if (h->nrefs == 0) {
		if (ref_insert(h, 0) == NULL)
			return OMI_NOMEM;
		i = 0;
		entries = json_array();
	} else {
		i = page_for(h, t, id);
		if ((err = index_page_load(s, uid, h->refs[i].page,
		    &entries)) != OMI_OK)
			return err;
	}
	if (entries == NULL)
		return OMI_NOMEM;
	n = json_array_size(entries);
	for (k = 0; k < n; k++) {
		json_t *e = json_array_get(entries, k);
		if (index_keycmp(t, id, index_entry_t(e), index_entry_id(e)) > 0)
			break;
	}
	json_array_insert(entries, k, entry);
	h->n++;
	if (!json_is_true(json_object_get(entry, "discarded")))
		h->visible++;
	err = OMI_OK;
	if (n + 1 > page_cap(i)) {
		/* Newest (or oldest) arrivals start a fresh page; others split. */
		if (k == 0 && i == 0)
			err = fold_front(s, uid, h, entries);
		else if (k == n && i == h->nrefs - 1)
			err = split(s, uid, h, i, entries, n, i + 1);
		else
			err = split(s, uid, h, i, entries, (n + 1) / 2, i + 1);
	}
	if (err == OMI_OK)
		err = page_save(s, uid, h->refs[i].page, entries);
	if (err == OMI_OK && ref_update(h, &h->refs[i], entries) == -1)
		err = OMI_NOMEM;
	json_decref(entries);
	return err;
}

/*
 * The common delivery: a conversation into a page with room. The stored
 * page is spliced as it is, without building the JSON entries that
 * index_add decodes and encodes again (a quarter of a delivery's
 * instructions). *done stays 0 where index_add must do it: no page yet, a
 * full page (a split), or a page in 1.0's form.
 */
static enum omi_err
index_add_spliced(struct store *s, const char *uid, struct index_head *h,
    const struct conv_summary *c, int *done)
{
	struct codec_page_bounds	 b;
	struct index_ref	*r;
	struct buf		 page = { 0 };
	enum omi_err		 err;
	char			*key, *val = NULL, *hi = NULL, *lo = NULL;
	size_t			 len, i;

	*done = 0;
	if (h->nrefs == 0)
		return OMI_OK;
	i = page_for(h, c->t, c->id);
	r = &h->refs[i];
	if ((key = page_key(uid, r->page)) == NULL)
		return OMI_NOMEM;
	if ((err = store_get(s, key, &val, &len)) != OMI_OK)
		goto out;
	err = codec_page_insert(val, len, c, page_cap(i), &page, &b);
	if (err == OMI_NOTFOUND) {
		err = OMI_OK;
		goto out;
	}
	if (err != OMI_OK || (hi = strndup(b.hi_id, b.hi_len)) == NULL ||
	    (lo = strndup(b.lo_id, b.lo_len)) == NULL) {
		err = OMI_NOMEM;
		goto out;
	}
	if ((err = store_put(s, key, page.data, page.len)) != OMI_OK)
		goto out;
	index_ref_ids_free(h, r);
	r->hi_id = hi;
	r->lo_id = lo;
	hi = lo = NULL;
	r->hi_t = b.hi_t;
	r->lo_t = b.lo_t;
	r->n = b.n;
	r->visible = b.visible;
	r->dirty = 1;
	h->n++;
	h->visible += !c->discarded;
	*done = 1;
out:
	free(hi);
	free(lo);
	free(val);
	free(key);
	buf_free(&page);
	return err;
}

static json_t *
summary_entry(const struct conv_summary *c)
{
	return json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:b}",
	    "id", c->id, "created_at", c->created_at, "t", (json_int_t)c->t,
	    "title", c->title, "overview", c->overview,
	    "category", c->category, "emoji", c->emoji,
	    "discarded", c->discarded);
}

/*
 * Leniently: a record stored by an older version may hold what today's
 * ingest.c refuses (a duplicate key, an odd is_user), and it must still
 * be listed; for what ingest.c accepts, the result is its summary.
 */
enum omi_err
index_summary(const char *raw, size_t len, const char *id, int64_t t,
    json_t **entry)
{
	struct tscan_summary	 ts;
	struct conv_summary	 c;
	const json_t		*st;
	json_t			*doc = NULL;
	enum omi_err		 err;

	*entry = NULL;
	c.id = (char *)id;
	c.t = t;
	memset(&ts, 0, sizeof(ts));
	/* The scanner first: Jansson's whole tree costs more than a check. */
	if ((err = tscan_summary(raw, len, &ts)) == OMI_OK) {
		c.created_at = ts.created_at.data;
		c.title = ts.title.data;
		c.overview = ts.overview.data;
		c.category = ts.category.data;
		c.emoji = ts.emoji.data;
		c.discarded = ts.discarded;
	} else if (err != OMI_NOTFOUND) {
		tscan_summary_free(&ts);
		return err;
	} else if ((doc = json_loadb(raw, len, 0, NULL)) == NULL) {
		tscan_summary_free(&ts);
		return OMI_CORRUPT;
	} else {
		st = json_object_get(doc, "structured");
		c.created_at = (char *)json_str(doc, "created_at");
		c.title = (char *)json_str(st, "title");
		c.overview = (char *)json_str(st, "overview");
		c.category = (char *)json_str(st, "category");
		c.emoji = (char *)json_str(st, "emoji");
		c.discarded = json_is_true(json_object_get(doc, "discarded"));
	}
	*entry = summary_entry(&c);
	json_decref(doc);
	tscan_summary_free(&ts);
	return *entry != NULL ? OMI_OK : OMI_NOMEM;
}

/* Reads the stored key (t) of an existing conversation; OMI_NOTFOUND if none. */
static enum omi_err
stored_t(struct store *s, const char *ckey, int64_t *t)
{
	enum omi_err	 err;
	char		*val;
	size_t		 len;

	if ((err = store_get(s, ckey, &val, &len)) != OMI_OK)
		return err;
	err = conv_rec_t(val, len, t);
	free(val);
	return err;
}

/* Takes a stored conversation's words out of the search index. */
static enum omi_err
unsearch(struct store *s, const char *uid, const char *id)
{
	enum omi_err	 err;
	char		*raw;
	size_t		 len;

	if ((err = index_get(s, uid, id, &raw, &len)) != OMI_OK)
		return err;
	err = sindex_remove(s, uid, id, raw, len);
	free(raw);
	return err;
}

enum omi_err
index_prepare(const struct conv_summary *c, const char *raw, size_t len,
    const json_t *doc, struct index_prep *p)
{
	enum omi_err err;

	memset(p, 0, sizeof(*p));
	conv_rec_encode(&p->rec, c->t, raw, len);
	if (p->rec.failed)
		err = OMI_NOMEM;
	else
		err = sindex_count_words(raw, len, doc, &p->words);
	if (err != OMI_OK)
		index_prep_free(p);
	return err;
}

void
index_prep_free(struct index_prep *p)
{
	buf_free(&p->rec);
	memset(p, 0, sizeof(*p));
}

enum omi_err
index_put(struct store *s, const char *uid, const struct conv_summary *c,
    const char *raw, size_t len, int *replaced)
{
	struct index_prep	 p;
	enum omi_err		 err;

	*replaced = 0;
	if ((err = index_prepare(c, raw, len, NULL, &p)) != OMI_OK)
		return err;
	err = index_put_prepared(s, uid, c, &p, replaced);
	index_prep_free(&p);
	return err;
}

enum omi_err
index_put_prepared(struct store *s, const char *uid,
    const struct conv_summary *c, const struct index_prep *p, int *replaced)
{
	struct index_head	 h;
	enum omi_err		 err;
	json_t			*entry = NULL;
	char			*ckey;
	int64_t			 old_t;
	int			 done, was_empty;

	*replaced = 0;
	if ((ckey = key3("conv", uid, c->id)) == NULL)
		return OMI_NOMEM;
	if ((err = index_head_load(s, uid, &h)) != OMI_OK)
		goto out;
	was_empty = h.n == 0;
	err = stored_t(s, ckey, &old_t);
	if (err == OMI_OK) {
		*replaced = 1;
		if ((err = index_remove(s, uid, &h, old_t, c->id)) != OMI_OK ||
		    (err = unsearch(s, uid, c->id)) != OMI_OK)
			goto out;
	} else if (err != OMI_NOTFOUND)
		goto out;
	if ((err = index_add_spliced(s, uid, &h, c, &done)) != OMI_OK)
		goto out;
	if (!done && (entry = summary_entry(c)) == NULL) {
		err = OMI_NOMEM;
		goto out;
	}
	if (!done && (err = index_add(s, uid, &h, entry, c->t, c->id)) !=
	    OMI_OK)
		goto out;
	if ((err = store_put(s, ckey, p->rec.data, p->rec.len)) != OMI_OK ||
	    (err = sindex_add(s, uid, c->id, c->t, p->words, was_empty)) !=
	    OMI_OK)
		goto out;
	err = head_save(s, uid, &h);
out:
	json_decref(entry);
	index_head_free(&h);
	free(ckey);
	return err;
}

enum omi_err
index_get(struct store *s, const char *uid, const char *id, char **raw,
    size_t *len)
{
	enum omi_err	 err;
	char		*ckey, *val;
	size_t		 vlen;

	*raw = NULL;
	if ((ckey = key3("conv", uid, id)) == NULL)
		return OMI_NOMEM;
	err = store_get(s, ckey, &val, &vlen);
	free(ckey);
	if (err != OMI_OK)
		return err;
	err = conv_rec_decode(val, vlen, raw, len);
	free(val);
	return err;
}

enum omi_err
index_del(struct store *s, const char *uid, const char *id)
{
	struct index_head	 h;
	enum omi_err		 err;
	char			*ckey;
	int64_t			 t;

	if ((ckey = key3("conv", uid, id)) == NULL)
		return OMI_NOMEM;
	if ((err = stored_t(s, ckey, &t)) != OMI_OK) {
		free(ckey);
		return err;
	}
	if ((err = index_head_load(s, uid, &h)) == OMI_OK &&
	    (err = index_remove(s, uid, &h, t, id)) == OMI_OK &&
	    (err = unsearch(s, uid, id)) == OMI_OK &&
	    (err = store_del(s, ckey)) == OMI_OK)
		err = head_save(s, uid, &h);
	index_head_free(&h);
	free(ckey);
	return err;
}

struct del_user {
	struct store	*s;
	size_t		 count;
	int		 convs;		/* counting conv: keys */
	enum omi_err	 err;
};

static int
del_key(void *ctx, const char *key)
{
	struct del_user *d = ctx;

	if ((d->err = store_del(d->s, key)) != OMI_OK)
		return 1;
	d->count += d->convs;
	return 0;
}

/*
 * Deletes by key prefix rather than by walking the index: whatever a
 * damaged or stale index says, every record of the user goes, and so does
 * the index itself (head and delta), so that an account made again with
 * the same uid starts from nothing. A full scan: an administrator's
 * command, run rarely.
 */
enum omi_err
index_del_user(struct store *s, const char *uid, size_t *count)
{
	static const char *const prefixes[] = { "conv", "cpage" };
	static const char *const heads[] = { "cidx", "cidxd" };
	struct del_user	 d = { s, 0, 0, OMI_OK };
	enum omi_err	 err = OMI_OK;
	char		*key;
	size_t		 i;

	*count = 0;
	for (i = 0; i < 2 && err == OMI_OK; i++) {
		if ((key = key3(prefixes[i], uid, "")) == NULL)
			return OMI_NOMEM;
		d.convs = i == 0;
		err = store_foreach(s, key, del_key, &d);
		free(key);
		if (err == OMI_OK)
			err = d.err;
	}
	for (i = 0; i < 2 && err == OMI_OK; i++) {
		if ((key = key2(heads[i], uid)) == NULL)
			return OMI_NOMEM;
		err = store_del(s, key);
		free(key);
	}
	if (err == OMI_OK)
		err = sindex_drop_user(s, uid);
	*count = d.count;
	return err;
}
