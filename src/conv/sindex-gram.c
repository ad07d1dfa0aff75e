/*
 * sindex-gram: which vocabulary chunks may hold a query piece, so that a
 * search reads those chunks and not the whole vocabulary (89,000 words,
 * about a megabyte, at 100,000 conversations: most of a search's time).
 *
 * For every chunk but the last (the one new words go to, which every
 * search reads), the index keeps the chunk's n-grams: each byte trigram
 * and bigram of each of its words is listed with the chunks that hold it.
 * A word that holds a piece holds every n-gram of the piece, so the chunks
 * listed under all of the piece's n-grams are a superset of those holding
 * it; vocabulary matching then runs on those chunks only. A chunk is
 * indexed once, when it is full (sealed): words are only ever appended to
 * the last chunk. A word taken out of a sealed chunk takes the chunk out
 * of the lists of its n-grams that no other word of the chunk has, so no
 * fragment of a deleted word stays (omi-admin check verifies both ways).
 *
 *   sg:<uid>:<b>   the n-grams hashing to bucket b (of SGRAM_BUCKETS),
 *                  each as its length (2 or 3), its bytes, a count and
 *                  the chunk numbers ascending, as varint gaps
 */
#include <stdlib.h>
#include <string.h>

#include "conv/sindex-impl.h"

#define SGRAM_QUERY_MAX	6	/* trigrams of a piece looked up */

struct gram {
	unsigned char	 g[3];
	unsigned char	 len;
};

/* One bucket, decoded: each gram with its list (gaps, as stored). */
struct gentry {
	struct gram	 gram;
	uint64_t	 count, last;
	struct buf	 list;
};

struct gbucket {
	struct gentry	*v;
	size_t		 n;
};

static unsigned
gram_bucket(const struct gram *g)
{
	return (unsigned)(sword_hash((const char *)g->g, g->len) %
	    SGRAM_BUCKETS);
}

static void
gbucket_free(struct gbucket *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		buf_free(&b->v[i].list);
	free(b->v);
	memset(b, 0, sizeof(*b));
}

/* Decodes a bucket record; -1 when malformed or out of memory. */
int
sgram_bucket_walk(const char *val, size_t len,
    int (*fn)(void *, const unsigned char *g, size_t glen, uint64_t count,
    const unsigned char *list, size_t list_len), void *ctx)
{
	const unsigned char	*p = (const unsigned char *)val, *end = p + len;
	const unsigned char	*g, *list;
	uint64_t		 count, i, v;
	size_t			 glen;

	while (p < end) {
		glen = *p++;
		if ((glen != 2 && glen != 3) || (size_t)(end - p) < glen)
			return -1;
		g = p;
		p += glen;
		if (sv_get(&p, end, &count) == -1 || count == 0 ||
		    count > (uint64_t)(end - p))
			return -1;
		list = p;
		for (i = 0; i < count; i++)
			if (sv_get(&p, end, &v) == -1 || (i > 0 && v == 0))
				return -1;
		if (fn(ctx, g, glen, count, list, (size_t)(p - list)) == -1)
			return -1;
	}
	return 0;
}

static int
gbucket_add_entry(void *ctx, const unsigned char *g, size_t glen,
    uint64_t count, const unsigned char *list, size_t list_len)
{
	struct gbucket		*b = ctx;
	struct gentry		*e, *nv;
	const unsigned char	*p = list, *end = list + list_len;
	uint64_t		 v, i;

	if ((nv = reallocarray(b->v, b->n + 1, sizeof(*nv))) == NULL)
		return -1;
	b->v = nv;
	e = &b->v[b->n++];
	memset(e, 0, sizeof(*e));
	memcpy(e->gram.g, g, glen);
	e->gram.len = (unsigned char)glen;
	e->count = count;
	for (i = 0; i < count; i++) {
		sv_get(&p, end, &v);
		e->last += v;
	}
	return buf_append(&e->list, list, list_len);
}

static enum omi_err
gbucket_load(struct store *s, const char *uid, unsigned k, struct gbucket *b)
{
	enum omi_err	 err;
	char		*key, *val;
	size_t		 len;

	memset(b, 0, sizeof(*b));
	if ((key = skey_n("sg", uid, k)) == NULL)
		return OMI_NOMEM;
	err = store_get(s, key, &val, &len);
	free(key);
	if (err == OMI_NOTFOUND)
		return OMI_OK;
	if (err != OMI_OK)
		return err;
	if (sgram_bucket_walk(val, len, gbucket_add_entry, b) == -1)
		err = OMI_CORRUPT;
	free(val);
	if (err != OMI_OK)
		gbucket_free(b);
	return err;
}

static enum omi_err
gbucket_save(struct store *s, const char *uid, unsigned k,
    const struct gbucket *b)
{
	struct buf	 out = { 0 };
	enum omi_err	 err;
	char		*key;
	size_t		 i;

	for (i = 0; i < b->n; i++) {
		buf_putc(&out, (char)b->v[i].gram.len);
		buf_append(&out, b->v[i].gram.g, b->v[i].gram.len);
		sv_put(&out, b->v[i].count);
		buf_append(&out, b->v[i].list.data, b->v[i].list.len);
	}
	if (out.failed || (key = skey_n("sg", uid, k)) == NULL) {
		buf_free(&out);
		return OMI_NOMEM;
	}
	err = store_put(s, key, out.data, out.len);
	free(key);
	buf_free(&out);
	return err;
}

/* Adds chunk to the list of g in b (chunks come in ascending order). */
static int
gbucket_append(struct gbucket *b, const struct gram *g, uint64_t chunk)
{
	struct gentry	*e = NULL, *nv;
	size_t		 i;

	for (i = 0; i < b->n && e == NULL; i++)
		if (b->v[i].gram.len == g->len &&
		    memcmp(b->v[i].gram.g, g->g, g->len) == 0)
			e = &b->v[i];
	if (e == NULL) {
		if ((nv = reallocarray(b->v, b->n + 1, sizeof(*nv))) == NULL)
			return -1;
		b->v = nv;
		e = &b->v[b->n++];
		memset(e, 0, sizeof(*e));
		e->gram = *g;
		e->count = 1;
		e->last = chunk;
		return sv_put(&e->list, chunk);
	}
	if (chunk <= e->last && e->count > 0)
		return 0;	/* listed already */
	sv_put(&e->list, chunk - e->last);
	e->last = chunk;
	e->count++;
	return e->list.failed ? -1 : 0;
}

/* The distinct n-grams of the words of a vocabulary chunk. */
struct gset {
	struct gram	*v;
	size_t		 n, cap;	/* open addressing */
};

static int
gset_add(struct gset *gs, const unsigned char *p, size_t len)
{
	struct gram	 g, *nv;
	size_t		 i, j;

	memset(&g, 0, sizeof(g));
	memcpy(g.g, p, len);
	g.len = (unsigned char)len;
	if (2 * (gs->n + 1) > gs->cap) {
		size_t cap = gs->cap ? gs->cap * 2 : 1024;

		if ((nv = calloc(cap, sizeof(*nv))) == NULL)
			return -1;
		for (i = 0; i < gs->cap; i++) {
			if (gs->v[i].len == 0)
				continue;
			for (j = sword_hash((const char *)gs->v[i].g,
			    gs->v[i].len) & (cap - 1); nv[j].len != 0;
			    j = (j + 1) & (cap - 1))
				;
			nv[j] = gs->v[i];
		}
		free(gs->v);
		gs->v = nv;
		gs->cap = cap;
	}
	for (j = sword_hash((const char *)g.g, g.len) & (gs->cap - 1);
	    gs->v[j].len != 0; j = (j + 1) & (gs->cap - 1))
		if (gs->v[j].len == g.len && memcmp(gs->v[j].g, g.g, len) == 0)
			return 0;
	gs->v[j] = g;
	gs->n++;
	return 0;
}

int
sgram_collect(const char *vocab, size_t len,
    int (*fn)(void *, const unsigned char *, size_t), void *ctx)
{
	const unsigned char	*p = (const unsigned char *)vocab;
	const unsigned char	*end = p + vocab_used(vocab, len), *e;
	size_t			 i, n;

	while (p < end) {
		if ((e = memchr(p, '\n', (size_t)(end - p))) == NULL)
			e = end;
		n = (size_t)(e - p);
		for (i = 0; i + 2 <= n; i++)
			if (fn(ctx, p + i, 2) == -1 ||
			    (i + 3 <= n && fn(ctx, p + i, 3) == -1))
				return -1;
		p = e + 1;
	}
	return 0;
}

static int
gset_collect(void *ctx, const unsigned char *p, size_t len)
{
	return gset_add(ctx, p, len);
}

enum omi_err
sgram_seal(struct store *s, const char *uid, uint64_t chunk,
    const char *vocab, size_t len)
{
	struct gset	 gs = { 0 };
	struct gbucket	 b;
	enum omi_err	 err = OMI_OK;
	unsigned char	 used[SGRAM_BUCKETS];
	unsigned	 k;
	size_t		 i;

	if (sgram_collect(vocab, len, gset_collect, &gs) == -1) {
		free(gs.v);
		return OMI_NOMEM;
	}
	memset(used, 0, sizeof(used));
	for (i = 0; i < gs.cap; i++)
		if (gs.v[i].len != 0)
			used[gram_bucket(&gs.v[i])] = 1;
	for (k = 0; k < SGRAM_BUCKETS && err == OMI_OK; k++) {
		if (!used[k])
			continue;
		if ((err = gbucket_load(s, uid, k, &b)) != OMI_OK)
			break;
		for (i = 0; i < gs.cap && err == OMI_OK; i++)
			if (gs.v[i].len != 0 && gram_bucket(&gs.v[i]) == k &&
			    gbucket_append(&b, &gs.v[i], chunk) == -1)
				err = OMI_NOMEM;
		if (err == OMI_OK)
			err = gbucket_save(s, uid, k, &b);
		gbucket_free(&b);
	}
	free(gs.v);
	return err;
}

/*
 * Takes chunk out of the list of g in b (and g out, if it was the last):
 * 1 when it was there, -1 when out of memory.
 */
static int
gbucket_remove(struct gbucket *b, const struct gram *g, uint64_t chunk)
{
	const unsigned char	*p, *end;
	struct gentry		*e = NULL;
	struct buf		 list = { 0 };
	uint64_t		 v, at = 0, prev = 0, count = 0, j;
	size_t			 i;
	int			 found;

	for (i = 0; i < b->n && e == NULL; i++)
		if (b->v[i].gram.len == g->len &&
		    memcmp(b->v[i].gram.g, g->g, g->len) == 0)
			e = &b->v[i];
	if (e == NULL)
		return 0;
	found = 0;
	p = (const unsigned char *)e->list.data;
	end = p + e->list.len;
	for (j = 0; j < e->count; j++) {
		sv_get(&p, end, &v);
		at += v;
		if (at == chunk) {
			found = 1;
			continue;
		}
		sv_put(&list, at - prev);
		prev = at;
		count++;
	}
	if (list.failed) {
		buf_free(&list);
		return -1;
	}
	if (!found) {
		buf_free(&list);
		return 0;
	}
	buf_free(&e->list);
	if (count == 0) {
		*e = b->v[--b->n];
		return 1;
	}
	e->list = list;
	e->count = count;
	e->last = prev;
	return 1;
}

enum omi_err
sgram_unlist(struct store *s, const char *uid, uint64_t chunk,
    const char *word, const char *vocab, size_t len)
{
	struct gset	 gs = { 0 };
	struct gbucket	 b;
	struct buf	 one = { 0 };
	enum omi_err	 err = OMI_OK;
	unsigned	 k;
	size_t		 i;
	int		 r;

	/* The word's n-grams: sgram_collect over a one-word chunk. */
	buf_putc(&one, '\n');
	buf_puts(&one, word);
	buf_putc(&one, '\n');
	if (one.failed || sgram_collect(one.data, one.len, gset_collect,
	    &gs) == -1) {
		buf_free(&one);
		free(gs.v);
		return OMI_NOMEM;
	}
	buf_free(&one);
	for (i = 0; i < gs.cap && err == OMI_OK; i++) {
		if (gs.v[i].len == 0 || memmem(vocab, vocab_used(vocab, len),
		    gs.v[i].g, gs.v[i].len) != NULL)
			continue;	/* another word of the chunk has it */
		k = gram_bucket(&gs.v[i]);
		if ((err = gbucket_load(s, uid, k, &b)) != OMI_OK)
			break;
		if ((r = gbucket_remove(&b, &gs.v[i], chunk)) == -1)
			err = OMI_NOMEM;
		else if (r == 0)
			;	/* not listed: the chunk is the open one */
		else if (b.n == 0)
			err = del_key(s, skey_n("sg", uid, k));
		else
			err = gbucket_save(s, uid, k, &b);
		gbucket_free(&b);
	}
	free(gs.v);
	return err;
}

/* The chunk list of g, decoded (ascending); *n 0 when none holds it. */
static enum omi_err
gram_chunks(struct store *s, const char *uid, const struct gram *g,
    uint64_t **out, size_t *n)
{
	struct gbucket		 b;
	const unsigned char	*p, *end;
	enum omi_err		 err;
	uint64_t		 v, at = 0;
	size_t			 i, j;

	*out = NULL;
	*n = 0;
	if ((err = gbucket_load(s, uid, gram_bucket(g), &b)) != OMI_OK)
		return err;
	for (i = 0; i < b.n; i++) {
		if (b.v[i].gram.len != g->len ||
		    memcmp(b.v[i].gram.g, g->g, g->len) != 0)
			continue;
		if ((*out = calloc(b.v[i].count, sizeof(**out))) == NULL) {
			err = OMI_NOMEM;
			break;
		}
		p = (const unsigned char *)b.v[i].list.data;
		end = p + b.v[i].list.len;
		for (j = 0; j < b.v[i].count; j++) {
			sv_get(&p, end, &v);
			(*out)[j] = at += v;
		}
		*n = b.v[i].count;
		break;
	}
	gbucket_free(&b);
	return err;
}

/* a = a ∩ b (both ascending). */
static size_t
chunks_and(uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
	size_t i = 0, j = 0, n = 0;

	while (i < na && j < nb) {
		if (a[i] < b[j])
			i++;
		else if (a[i] > b[j])
			j++;
		else {
			a[n++] = a[i++];
			j++;
		}
	}
	return n;
}

enum omi_err
sgram_chunks(struct store *s, const char *uid, const char *piece,
    uint64_t **out, size_t *n)
{
	struct gram	 g;
	enum omi_err	 err = OMI_OK;
	uint64_t	*set = NULL, *more;
	size_t		 len = strlen(piece), ng, i, at, nmore;

	*out = NULL;
	*n = 0;
	if (len < 2)
		return OMI_NOTFOUND;
	/* A bigram for two bytes; else trigrams spread over the piece, the
	 * first and the last among them. */
	ng = len == 2 ? 1 : len - 2 < SGRAM_QUERY_MAX ? len - 2 :
	    SGRAM_QUERY_MAX;
	for (i = 0; i < ng && err == OMI_OK; i++) {
		memset(&g, 0, sizeof(g));
		g.len = len == 2 ? 2 : 3;
		at = ng == 1 ? 0 : i * (len - g.len) / (ng - 1);
		memcpy(g.g, piece + at, g.len);
		if ((err = gram_chunks(s, uid, &g, &more, &nmore)) != OMI_OK)
			break;
		if (i == 0) {
			set = more;
			*n = nmore;
		} else {
			*n = chunks_and(set, *n, more, nmore);
			free(more);
		}
		if (*n == 0)
			break;
	}
	if (err != OMI_OK) {
		free(set);
		*n = 0;
		return err;
	}
	*out = set;
	return OMI_OK;
}

/* ---- omi-admin check: every n-gram of a sealed chunk lists it ---- */

struct sgram_map {
	struct gram	*g;		/* open addressing, cap slots */
	uint64_t	**list;		/* each gram's chunks, ascending */
	size_t		*n;
	size_t		 cap;
	uint64_t	 sealed;
	unsigned	 bucket;	/* the one being read */
	int		 malformed;
};

static int
map_slot(const struct sgram_map *m, const unsigned char *g, size_t glen,
    size_t *at)
{
	size_t j;

	for (j = sword_hash((const char *)g, glen) & (m->cap - 1);
	    m->g[j].len != 0; j = (j + 1) & (m->cap - 1))
		if (m->g[j].len == glen && memcmp(m->g[j].g, g, glen) == 0) {
			*at = j;
			return 1;
		}
	*at = j;
	return 0;
}

static int
map_count(void *ctx, const unsigned char *g, size_t glen, uint64_t count,
    const unsigned char *list, size_t list_len)
{
	(void)g;
	(void)glen;
	(void)count;
	(void)list;
	(void)list_len;
	(*(size_t *)ctx)++;
	return 0;
}

static int
map_add(void *ctx, const unsigned char *g, size_t glen, uint64_t count,
    const unsigned char *list, size_t list_len)
{
	struct sgram_map	*m = ctx;
	const unsigned char	*p = list, *end = list + list_len;
	uint64_t		 v, at = 0, i;
	size_t			 j;

	if (map_slot(m, g, glen, &j) || m->bucket != (unsigned)(sword_hash(
	    (const char *)g, glen) % SGRAM_BUCKETS)) {
		m->malformed = 1;	/* listed twice, or where no search looks */
		return 0;
	}
	if ((m->list[j] = calloc(count, sizeof(uint64_t))) == NULL)
		return -1;
	memcpy(m->g[j].g, g, glen);
	m->g[j].len = (unsigned char)glen;
	m->n[j] = count;
	for (i = 0; i < count; i++) {
		sv_get(&p, end, &v);
		m->list[j][i] = at += v;
		if (at >= m->sealed)
			m->malformed = 1;	/* not a sealed chunk */
	}
	return 0;
}

void
sgram_map_free(struct sgram_map *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->cap; i++)
		free(m->list[i]);
	free(m->g);
	free(m->list);
	free(m->n);
	free(m);
}

enum omi_err
sgram_map_load(struct store *s, const char *uid, uint64_t sealed,
    struct sgram_map **out, int *malformed)
{
	struct sgram_map	*m;
	enum omi_err		 err = OMI_OK;
	char			*key, *val[SGRAM_BUCKETS];
	size_t			 len[SGRAM_BUCKETS], total = 0;
	unsigned		 k;

	*out = NULL;
	*malformed = 0;
	memset(val, 0, sizeof(val));
	for (k = 0; k < SGRAM_BUCKETS && err == OMI_OK; k++) {
		if ((key = skey_n("sg", uid, k)) == NULL) {
			err = OMI_NOMEM;
			break;
		}
		err = store_get(s, key, &val[k], &len[k]);
		free(key);
		if (err == OMI_NOTFOUND) {
			err = OMI_OK;
			val[k] = NULL;
		} else if (err == OMI_OK && sgram_bucket_walk(val[k], len[k],
		    map_count, &total) == -1) {
			*malformed = 1;
			free(val[k]);
			val[k] = NULL;
		}
	}
	if (err == OMI_OK && (m = calloc(1, sizeof(*m))) == NULL)
		err = OMI_NOMEM;
	if (err == OMI_OK) {
		for (m->cap = 1024; m->cap < 2 * total + 2; m->cap *= 2)
			;
		m->sealed = sealed;
		m->g = calloc(m->cap, sizeof(*m->g));
		m->list = calloc(m->cap, sizeof(*m->list));
		m->n = calloc(m->cap, sizeof(*m->n));
		if (m->g == NULL || m->list == NULL || m->n == NULL)
			err = OMI_NOMEM;
		for (k = 0; k < SGRAM_BUCKETS && err == OMI_OK; k++) {
			m->bucket = k;
			if (val[k] != NULL && sgram_bucket_walk(val[k], len[k],
			    map_add, m) == -1)
				err = OMI_NOMEM;
		}
		*malformed |= m->malformed;
		if (err == OMI_OK)
			*out = m;
		else
			sgram_map_free(m);
	}
	for (k = 0; k < SGRAM_BUCKETS; k++)
		free(val[k]);
	return err;
}

int
sgram_map_has(const struct sgram_map *m, const unsigned char *g,
    size_t glen, uint64_t chunk)
{
	size_t	 j, lo, hi, mid;

	if (!map_slot(m, g, glen, &j))
		return 0;
	for (lo = 0, hi = m->n[j]; lo < hi;) {
		mid = lo + (hi - lo) / 2;
		if (m->list[j][mid] < chunk)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->n[j] && m->list[j][lo] == chunk;
}

int
sgram_map_each(const struct sgram_map *m,
    int (*fn)(void *, const unsigned char *g, size_t glen,
    const uint64_t *chunks, size_t n), void *ctx)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		if (m->g[i].len != 0 && fn(ctx, m->g[i].g, m->g[i].len,
		    m->list[i], m->n[i]) == -1)
			return -1;
	return 0;
}
