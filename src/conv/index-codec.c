/*
 * index-codec: the index's stored forms (see index-codec.h). Integers are
 * little-endian; a string is a u32 length and that many bytes (UTF-8,
 * checked when the summary was made; the journal's checksum covers the
 * bytes since).
 *
 * Page: "OPG1", the entry count (u32), then per entry: t (i64), flags (u8:
 * bit 0 discarded), and the strings id, created_at, title, overview,
 * category, emoji.
 * Head: "OIX1", n (u64), visible (u64), next (i64), the page count (u32),
 * then per page: page (i64), hi_t (i64), lo_t (i64), n (u32), visible
 * (u32), and the strings hi_id, lo_id.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conv/index-codec.h"
#include "lib/json.h"

#define CPAGE_MAGIC	"OPG1"
#define CHEAD_MAGIC	"OIX1"
#define CDELTA_MAGIC	"OIXD"
#define HEAD_SPARE	8

static const char *const fields[] = {
	"id", "created_at", "title", "overview", "category", "emoji"
};
#define NFIELDS	(sizeof(fields) / sizeof(fields[0]))

/* One entry: t, the discarded flag and the strings in fields[] order. */
static void
put_entry(struct buf *out, int64_t t, int discarded,
    const char *const val[NFIELDS], const size_t len[NFIELDS])
{
	size_t f;

	buf_put_le(out, (uint64_t)t, 8);
	buf_putc(out, discarded != 0);
	for (f = 0; f < NFIELDS; f++) {
		buf_put_le(out, len[f], 4);
		buf_append(out, val[f], len[f]);
	}
}

enum omi_err
codec_page_encode(const json_t *entries, struct buf *out)
{
	const json_t	*e, *v;
	const char	*val[NFIELDS];
	size_t		 i, f, len[NFIELDS];

	if (!json_is_array(entries) || json_array_size(entries) > UINT32_MAX)
		return OMI_INVALID;
	buf_append(out, CPAGE_MAGIC, 4);
	buf_put_le(out, json_array_size(entries), 4);
	json_array_foreach(entries, i, e) {
		if (!json_is_integer(json_object_get(e, "t")))
			return OMI_INVALID;
		for (f = 0; f < NFIELDS; f++) {
			if ((v = json_object_get(e, fields[f])) == NULL ||
			    !json_is_string(v))
				return OMI_INVALID;
			val[f] = json_string_value(v);
			len[f] = json_string_length(v);
		}
		put_entry(out, json_integer_value(json_object_get(e, "t")),
		    json_is_true(json_object_get(e, "discarded")), val, len);
	}
	return out->failed ? OMI_NOMEM : OMI_OK;
}

/* An entry's key and flag, read in place. */
struct entry_key {
	int64_t		 t;
	int		 discarded;
	const char	*id;
	size_t		 idlen;
};

/* Steps *p over one entry, reading its key; -1 when it runs past end. */
static int
skip_entry(const unsigned char **p, const unsigned char *end,
    struct entry_key *k)
{
	size_t f, n;

	if (end - *p < 9)
		return -1;
	k->t = (int64_t)le_get(*p, 8);
	k->discarded = (*p)[8] & 1;
	*p += 9;
	for (f = 0; f < NFIELDS; f++) {
		if (end - *p < 4 ||
		    (n = le_get(*p, 4)) > (size_t)(end - *p - 4))
			return -1;
		if (f == 0) {
			k->id = (const char *)*p + 4;
			k->idlen = n;
		}
		*p += 4 + n;
	}
	return 0;
}

/* index_keycmp with the stored id in place: >0 when (t, id) is newer. */
static int
keycmp_stored(int64_t t, const char *id, const struct entry_key *k)
{
	size_t	 n = strlen(id);
	int	 c;

	if (t != k->t)
		return t > k->t ? 1 : -1;
	if ((c = memcmp(id, k->id, n < k->idlen ? n : k->idlen)) != 0)
		return c;
	return n < k->idlen ? -1 : n > k->idlen;
}

enum omi_err
codec_page_insert(const char *val, size_t len, const struct conv_summary *c,
    size_t max, struct buf *out, struct codec_page_bounds *b)
{
	const unsigned char	*p = (const unsigned char *)val, *end = p + len;
	const unsigned char	*at = NULL, *start;
	const char		*v[NFIELDS];
	struct entry_key	 k = { 0 }, first = { 0 }, last = { 0 };
	size_t			 lens[NFIELDS], f, i, n;

	if (len < 8 || memcmp(val, CPAGE_MAGIC, 4) != 0 ||
	    (n = le_get(p + 4, 4)) + 1 > max)
		return OMI_NOTFOUND;
	memset(b, 0, sizeof(*b));
	p += 8;
	for (i = 0; i < n; i++) {
		start = p;
		if (skip_entry(&p, end, &k) == -1)
			return OMI_NOTFOUND;
		if (at == NULL && keycmp_stored(c->t, c->id, &k) > 0)
			at = start;
		if (i == 0)
			first = k;
		last = k;
		b->visible += !k.discarded;
	}
	if (p != end || n == 0)
		return OMI_NOTFOUND;
	if (at == NULL)
		at = end;
	v[0] = c->id;
	v[1] = c->created_at;
	v[2] = c->title;
	v[3] = c->overview;
	v[4] = c->category;
	v[5] = c->emoji;
	for (f = 0; f < NFIELDS; f++)
		lens[f] = strlen(v[f]);
	buf_append(out, CPAGE_MAGIC, 4);
	buf_put_le(out, n + 1, 4);
	buf_append(out, val + 8, (size_t)(at - (const unsigned char *)val) - 8);
	put_entry(out, c->t, c->discarded, v, lens);
	buf_append(out, at, (size_t)(end - at));
	if (out->failed)
		return OMI_NOMEM;
	b->n = n + 1;
	b->visible += !c->discarded;
	b->hi_t = first.t;
	b->hi_id = first.id;
	b->hi_len = first.idlen;
	b->lo_t = last.t;
	b->lo_id = last.id;
	b->lo_len = last.idlen;
	if (at == (const unsigned char *)val + 8) {
		b->hi_t = c->t;
		b->hi_id = c->id;
		b->hi_len = lens[0];
	}
	if (at == end) {
		b->lo_t = c->t;
		b->lo_id = c->id;
		b->lo_len = lens[0];
	}
	return OMI_OK;
}

/* One entry at *p (advanced past it) into *out: OMI_CORRUPT when it runs
 * past end, OMI_NOMEM. */
static enum omi_err
decode_entry(const unsigned char **p, const unsigned char *end, json_t **out)
{
	json_t		*e;
	uint64_t	 t;
	size_t		 f, n;
	int		 discarded;
	enum omi_err	 err = OMI_OK;

	*out = NULL;
	if (end - *p < 9)
		return OMI_CORRUPT;
	t = le_get(*p, 8);
	discarded = (*p)[8] & 1;
	*p += 9;
	if ((e = json_object()) == NULL)
		return OMI_NOMEM;
	if (json_object_set_new_nocheck(e, "t", json_integer((json_int_t)t)))
		err = OMI_NOMEM;
	for (f = 0; f < NFIELDS && err == OMI_OK; f++) {
		if (end - *p < 4 || (n = le_get(*p, 4)) > (size_t)(end - *p - 4)) {
			err = OMI_CORRUPT;
			break;
		}
		if (json_object_set_new_nocheck(e, fields[f],
		    json_stringn_nocheck((const char *)*p + 4, n)))
			err = OMI_NOMEM;
		*p += 4 + n;
	}
	if (err == OMI_OK && json_object_set_new_nocheck(e, "discarded",
	    json_boolean(discarded)))
		err = OMI_NOMEM;
	if (err != OMI_OK) {
		json_decref(e);
		return err;
	}
	*out = e;
	return OMI_OK;
}

enum omi_err
codec_page_decode(const char *val, size_t len, json_t **entries)
{
	const unsigned char	*p = (const unsigned char *)val, *end = p + len;
	json_error_t		 jerr;
	json_t			*a, *e;
	uint64_t		 n, i;
	enum omi_err		 err = OMI_OK;
	int			 oom;

	*entries = NULL;
	if (len > 0 && val[0] == '[') {		/* written by 1.0 */
		a = json_loadb_checked(val, len, JSON_REJECT_DUPLICATES,
		    &jerr, &oom);
		if (a != NULL && json_is_array(a)) {
			*entries = a;
			return OMI_OK;
		}
		json_decref(a);
		return oom ? OMI_NOMEM : OMI_CORRUPT;
	}
	if (len < 8 || memcmp(val, CPAGE_MAGIC, 4) != 0)
		return OMI_CORRUPT;
	n = le_get(p + 4, 4);
	p += 8;
	if ((a = json_array()) == NULL)
		return OMI_NOMEM;
	for (i = 0; i < n && err == OMI_OK; i++)
		if ((err = decode_entry(&p, end, &e)) == OMI_OK &&
		    json_array_append_new(a, e) == -1)
			err = OMI_NOMEM;
	if (err == OMI_OK && p != end)
		err = OMI_CORRUPT;
	if (err != OMI_OK) {
		json_decref(a);
		return err;
	}
	*entries = a;
	return OMI_OK;
}

enum omi_err
codec_page_walk_start(struct codec_page_walk *w, const char *val, size_t len)
{
	json_error_t	 jerr;
	int		 oom;

	memset(w, 0, sizeof(*w));
	if (len > 0 && val[0] == '[') {		/* written by 1.0 */
		w->legacy = json_loadb_checked(val, len,
		    JSON_REJECT_DUPLICATES, &jerr, &oom);
		if (w->legacy != NULL && json_is_array(w->legacy))
			return OMI_OK;
		json_decref(w->legacy);
		w->legacy = NULL;
		return oom ? OMI_NOMEM : OMI_CORRUPT;
	}
	if (len < 8 || memcmp(val, CPAGE_MAGIC, 4) != 0)
		return OMI_CORRUPT;
	w->left = le_get((const unsigned char *)val + 4, 4);
	w->p = (const unsigned char *)val + 8;
	w->end = (const unsigned char *)val + len;
	return OMI_OK;
}

enum omi_err
codec_page_walk_next(struct codec_page_walk *w, int64_t *t,
    char id[CONV_ID_MAX + 1], int *discarded)
{
	struct entry_key	 k;
	json_t			*e;

	if (w->legacy != NULL) {
		if (w->at == json_array_size(w->legacy))
			return OMI_NOTFOUND;
		e = json_array_get(w->legacy, w->at++);
		k.t = index_entry_t(e);
		k.discarded = json_is_true(json_object_get(e, "discarded"));
		k.id = index_entry_id(e);
		k.idlen = strlen(k.id);
	} else {
		if (w->left == 0)
			return w->p == w->end ? OMI_NOTFOUND : OMI_CORRUPT;
		w->cur = w->p;
		if (skip_entry(&w->p, w->end, &k) == -1 ||
		    memchr(k.id, '\0', k.idlen) != NULL)
			return OMI_CORRUPT;
		w->left--;
	}
	if (k.idlen > CONV_ID_MAX)
		return OMI_CORRUPT;
	memcpy(id, k.id, k.idlen);
	id[k.idlen] = '\0';
	*t = k.t;
	*discarded = k.discarded;
	return OMI_OK;
}

json_t *
codec_page_walk_entry(struct codec_page_walk *w)
{
	const unsigned char	*p = w->cur;
	json_t			*e;

	if (w->legacy != NULL)
		return json_incref(json_array_get(w->legacy, w->at - 1));
	/* next() has checked the entry's bounds: only memory can fail. */
	return decode_entry(&p, w->end, &e) == OMI_OK ? e : NULL;
}

void
codec_page_walk_end(struct codec_page_walk *w)
{
	json_decref(w->legacy);
	memset(w, 0, sizeof(*w));
}

/* Head ------------------------------------------------------------------ */

static void
put_str(struct buf *b, const char *s)
{
	buf_put_le(b, strlen(s), 4);
	buf_puts(b, s);
}

static void
put_ref(struct buf *out, const struct index_ref *r)
{
	buf_put_le(out, (uint64_t)r->page, 8);
	buf_put_le(out, (uint64_t)r->hi_t, 8);
	buf_put_le(out, (uint64_t)r->lo_t, 8);
	buf_put_le(out, r->n, 4);
	buf_put_le(out, r->visible, 4);
	put_str(out, r->hi_id);
	put_str(out, r->lo_id);
}

/* The totals that start a head and its delta. */
static void
put_totals(struct buf *out, const char *magic, const struct index_head *h)
{
	buf_append(out, magic, 4);
	buf_put_le(out, h->n, 8);
	buf_put_le(out, h->visible, 8);
	buf_put_le(out, (uint64_t)h->next, 8);
}

int
codec_head_encode(const struct index_head *h, struct buf *out)
{
	size_t i;

	put_totals(out, CHEAD_MAGIC, h);
	buf_put_le(out, h->nrefs, 4);
	for (i = 0; i < h->nrefs; i++)
		put_ref(out, &h->refs[i]);
	return out->failed ? -1 : 0;
}

int
codec_head_delta_encode(const struct index_head *h, struct buf *out)
{
	size_t i, dirty = 0;

	for (i = 0; i < h->nrefs; i++)
		dirty += h->refs[i].dirty;
	put_totals(out, CDELTA_MAGIC, h);
	buf_put_le(out, h->ngone, 4);
	buf_put_le(out, dirty, 4);
	for (i = 0; i < h->ngone; i++)
		buf_put_le(out, (uint64_t)h->gone[i], 8);
	for (i = 0; i < h->nrefs; i++)
		if (h->refs[i].dirty)
			put_ref(out, &h->refs[i]);
	return out->failed ? -1 : 0;
}

/*
 * A string at *p (advancing *p) as a C string: copied to *ids (advanced
 * past its NUL) when ids is given, else newly allocated. NULL on damage.
 */
static char *
get_str(const unsigned char **p, const unsigned char *end, char **ids,
    int *nomem)
{
	size_t	 n;
	char	*s;

	if (end - *p < 4 || (n = le_get(*p, 4)) > (size_t)(end - *p - 4) ||
	    memchr(*p + 4, '\0', n) != NULL)
		return NULL;
	if (ids != NULL) {
		s = *ids;
		memcpy(s, *p + 4, n);
		s[n] = '\0';
		*ids += n + 1;
	} else if ((s = strndup((const char *)*p + 4, n)) == NULL)
		*nomem = 1;
	*p += 4 + n;
	return s;
}

/* One reference at *p (advancing *p): 0, or -1 on damage (*nomem set when
 * memory ran out). Its ids go to *ids as get_str says; those allocated are
 * in r, for the caller to free. */
static int
get_ref(const unsigned char **p, const unsigned char *end, char **ids,
    struct index_ref *r, int *nomem)
{
	const unsigned char *q = *p;

	if (end - q < 32)
		return -1;
	r->page = (int64_t)le_get(q, 8);
	r->hi_t = (int64_t)le_get(q + 8, 8);
	r->lo_t = (int64_t)le_get(q + 16, 8);
	r->n = le_get(q + 24, 4);
	r->visible = le_get(q + 28, 4);
	*p = q + 32;
	if ((r->hi_id = get_str(p, end, ids, nomem)) == NULL ||
	    (r->lo_id = get_str(p, end, ids, nomem)) == NULL)
		return -1;
	return 0;
}

/* The head as version 1.0 stored it: {"n","v","next","pages":[[...]]}. */
static enum omi_err
head_from_json(const char *val, size_t len, struct index_head *h)
{
	json_t		*j, *pages, *p;
	json_int_t	 n = 0, v = 0, next = 1;
	size_t		 i;

	if ((j = json_loadb(val, len, JSON_REJECT_DUPLICATES, NULL)) == NULL ||
	    json_unpack(j, "{s:I, s:I, s:I, s:o}", "n", &n, "v", &v,
	    "next", &next, "pages", &pages) == -1 || !json_is_array(pages)) {
		json_decref(j);
		return OMI_CORRUPT;
	}
	if ((h->refs = calloc(json_array_size(pages) + 1,
	    sizeof(*h->refs))) == NULL) {
		json_decref(j);
		return OMI_NOMEM;
	}
	h->n = (size_t)n;
	h->visible = (size_t)v;
	h->next = next;
	json_array_foreach(pages, i, p) {
		struct index_ref	*r = &h->refs[i];
		const char		*hi, *lo;
		json_int_t		 pn, ht, lt, rn, rv;

		if (json_unpack(p, "[I, I, s, I, s, I, I]", &pn, &ht, &hi, &lt,
		    &lo, &rn, &rv) == -1)
			break;
		r->page = pn;
		r->hi_t = ht;
		r->lo_t = lt;
		r->n = (size_t)rn;
		r->visible = (size_t)rv;
		h->nrefs++;
		if ((r->hi_id = strdup(hi)) == NULL ||
		    (r->lo_id = strdup(lo)) == NULL) {
			json_decref(j);
			return OMI_NOMEM;
		}
	}
	i = json_array_size(pages);
	json_decref(j);
	return h->nrefs == i ? OMI_OK : OMI_CORRUPT;
}

enum omi_err
codec_head_decode(const char *val, size_t len, struct index_head *h)
{
	const unsigned char	*p = (const unsigned char *)val, *end = p + len;
	enum omi_err		 err = OMI_CORRUPT;
	uint64_t		 nrefs, i;
	char			*ids;
	int			 nomem = 0;

	if (len > 0 && val[0] == '{')		/* written by 1.0 */
		err = head_from_json(val, len, h);
	else if (len >= 32 && memcmp(val, CHEAD_MAGIC, 4) == 0) {
		h->n = le_get(p + 4, 8);
		h->visible = le_get(p + 12, 8);
		h->next = (int64_t)le_get(p + 20, 8);
		nrefs = le_get(p + 28, 4);
		p += 32;
		/*
		 * Each reference takes at least 40 bytes: no huge calloc. The
		 * ids, each with its NUL instead of its 4-byte length, fit in
		 * what is left of the record. Room for HEAD_SPARE references
		 * more: the delta's new pages and a split's are then placed
		 * without realloc copying the array (a user with 14,000
		 * conversations has 220 references, 14 KB, fresh pages each
		 * time in a new process).
		 */
		h->ids_len = (size_t)(end - p);
		if (nrefs <= (uint64_t)(end - p) / 40 &&
		    ((h->refs = calloc(nrefs + 1 + HEAD_SPARE,
		    sizeof(*h->refs))) == NULL ||
		    (h->ids = malloc(h->ids_len + 1)) == NULL))
			nomem = 1;
		ids = h->ids;
		for (i = 0; h->ids != NULL && i < nrefs; i++) {
			h->nrefs++;
			if (get_ref(&p, end, &ids, &h->refs[i], &nomem) == -1)
				break;
		}
		if (nomem)
			err = OMI_NOMEM;
		else if (h->refs != NULL && i == nrefs && p == end)
			err = OMI_OK;
	}
	if (err != OMI_OK)
		index_head_free(h);
	return err;
}

/* Where page sits in h's references, or -1. */
static ssize_t
ref_index(const struct index_head *h, int64_t page)
{
	size_t i;

	for (i = 0; i < h->nrefs; i++)
		if (h->refs[i].page == page)
			return (ssize_t)i;
	return -1;
}

static int
gone_add(struct index_head *h, int64_t page)
{
	int64_t *nv;

	if ((nv = reallocarray(h->gone, h->ngone + 1, sizeof(*nv))) == NULL)
		return -1;
	h->gone = nv;
	h->gone[h->ngone++] = page;
	return 0;
}

int
codec_head_gone(struct index_head *h, size_t i)
{
	if (gone_add(h, h->refs[i].page) == -1)
		return -1;
	index_ref_ids_free(h, &h->refs[i]);
	memmove(&h->refs[i], &h->refs[i + 1],
	    (h->nrefs - i - 1) * sizeof(*h->refs));
	h->nrefs--;
	return 0;
}

/* Puts r (its strings taken over) in its place: over the reference to the
 * same page, else before the first older page. 0, -1 out of memory, 1 when
 * the delta named the page already (no delta written here does). */
static int
ref_place(struct index_head *h, struct index_ref *r)
{
	struct index_ref	*nv;
	ssize_t			 at;
	size_t			 i;

	r->dirty = 1;
	if ((at = ref_index(h, r->page)) != -1) {
		if (h->refs[at].dirty)
			return 1;
		index_ref_ids_free(h, &h->refs[at]);
		h->refs[at] = *r;
		return 0;
	}
	for (i = 0; i < h->nrefs; i++)
		if (index_keycmp(r->hi_t, r->hi_id, h->refs[i].hi_t,
		    h->refs[i].hi_id) > 0)
			break;
	if ((nv = reallocarray(h->refs, h->nrefs + 1, sizeof(*nv))) == NULL)
		return -1;
	h->refs = nv;
	memmove(&h->refs[i + 1], &h->refs[i], (h->nrefs - i) * sizeof(*nv));
	h->refs[i] = *r;
	h->nrefs++;
	return 0;
}

enum omi_err
codec_head_delta_apply(const char *val, size_t len, struct index_head *h)
{
	const unsigned char	*p = (const unsigned char *)val, *end = p + len;
	struct index_ref	 r;
	uint64_t		 ngone, nrefs, i;
	ssize_t			 at;
	int			 nomem = 0, rc;

	if (len < 36 || memcmp(val, CDELTA_MAGIC, 4) != 0)
		return OMI_CORRUPT;
	h->n = le_get(p + 4, 8);
	h->visible = le_get(p + 12, 8);
	h->next = (int64_t)le_get(p + 20, 8);
	ngone = le_get(p + 28, 4);
	nrefs = le_get(p + 32, 4);
	p += 36;
	if (ngone > (uint64_t)(end - p) / 8)
		return OMI_CORRUPT;
	for (i = 0; i < ngone; i++, p += 8) {
		at = ref_index(h, (int64_t)le_get(p, 8));
		if ((at == -1 ? gone_add(h, (int64_t)le_get(p, 8)) :
		    codec_head_gone(h, (size_t)at)) == -1)
			return OMI_NOMEM;
	}
	for (i = 0; i < nrefs; i++) {
		memset(&r, 0, sizeof(r));
		if (get_ref(&p, end, NULL, &r, &nomem) == -1) {
			free(r.hi_id);
			free(r.lo_id);
			return nomem ? OMI_NOMEM : OMI_CORRUPT;
		}
		if ((rc = ref_place(h, &r)) != 0) {
			free(r.hi_id);
			free(r.lo_id);
			return rc == -1 ? OMI_NOMEM : OMI_CORRUPT;
		}
	}
	return p == end ? OMI_OK : OMI_CORRUPT;
}
