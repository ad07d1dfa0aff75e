/*
 * sindex: keeping the search index (see sindex.h) in step with the
 * conversations: a conversation's words go in when it is stored and come
 * out when it is replaced or deleted, in the caller's store session.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "conv/index.h"
#include "conv/sindex-impl.h"
#include "conv/sindex.h"
#include "lib/text.h"

enum omi_err
shead_load(struct store *s, const char *uid, struct sindex_head *h)
{
	enum omi_err	 err;
	char		*key, *val;

	memset(h, 0, sizeof(*h));
	if ((key = skey("sh", uid)) == NULL)
		return OMI_NOMEM;
	err = store_get(s, key, &val, NULL);
	free(key);
	if (err != OMI_OK)
		return err;
	if (shead_decode(val, h) == -1)
		err = OMI_CORRUPT;
	free(val);
	return err;
}

static enum omi_err
shead_save(struct store *s, const char *uid, const struct sindex_head *h)
{
	struct buf	 b = { 0 };
	enum omi_err	 err = OMI_NOMEM;
	char		*key;

	if ((key = skey("sh", uid)) != NULL && shead_encode(&b, h) == 0 &&
	    !b.failed)
		err = store_put(s, key, b.data, b.len);
	free(key);
	buf_free(&b);
	return err;
}

int
sindex_usable(struct store *s, const char *uid)
{
	struct sindex_head h;

	return shead_load(s, uid, &h) == OMI_OK &&
	    h.version == SINDEX_VERSION;
}

enum omi_err
st_load(struct store *s, const char *uid, uint64_t chunk, char **val,
    size_t *len)
{
	enum omi_err	 err;
	char		*key;

	if ((key = skey_n("st", uid, chunk)) == NULL)
		return OMI_NOMEM;
	err = store_get(s, key, val, len);
	free(key);
	return err;
}

/* Sets docno's entry in its st: chunk (t SINDEX_T_DELETED: gone). */
static enum omi_err
st_set(struct store *s, const char *uid, uint64_t docno, int64_t t,
    uint32_t words, uint32_t *old_words)
{
	struct buf	 b = { 0 };
	enum omi_err	 err;
	char		*key, *val = NULL;
	size_t		 len = 0, at = (docno % SINDEX_ST_CHUNK) * SINDEX_ST_ENTRY;
	unsigned char	 e[SINDEX_ST_ENTRY];

	if ((key = skey_n("st", uid, docno / SINDEX_ST_CHUNK)) == NULL)
		return OMI_NOMEM;
	err = store_get(s, key, &val, &len);
	if (err == OMI_NOTFOUND)
		err = OMI_OK;
	if (err != OMI_OK || len % SINDEX_ST_ENTRY != 0 ||
	    len > SINDEX_ST_CHUNK * SINDEX_ST_ENTRY) {
		err = err != OMI_OK ? err : OMI_CORRUPT;
		goto out;
	}
	if (old_words != NULL)
		*old_words = at + SINDEX_ST_ENTRY <= len ?
		    (uint32_t)le_get((unsigned char *)val + at + 8, 4) : 0;
	buf_append(&b, val, len);
	/* Docnos never handed out (a failed session) read as deleted. */
	le_put(e, (uint64_t)SINDEX_T_DELETED, 8);
	le_put(e + 8, 0, 4);
	/* Made whole at once, so that later writes keep its size. */
	while (b.len < SINDEX_ST_CHUNK * SINDEX_ST_ENTRY)
		buf_append(&b, e, sizeof(e));
	if (b.failed) {
		err = OMI_NOMEM;
		goto out;
	}
	le_put((unsigned char *)b.data + at, (uint64_t)t, 8);
	le_put((unsigned char *)b.data + at + 8, words, 4);
	err = store_put(s, key, b.data, b.len);
out:
	free(key);
	free(val);
	buf_free(&b);
	return err;
}

/* Appends word to the last vocabulary chunk (or a new one); *chunk says. */
static enum omi_err
vocab_add(struct store *s, const char *uid, struct sindex_head *h,
    const char *word, uint64_t *chunk)
{
	struct buf	 b = { 0 };
	enum omi_err	 err;
	char		*key = NULL, *val = NULL;
	size_t		 len = 0;

	if (h->nvocab > 0) {
		if ((key = skey_n("sv", uid, h->nvocab - 1)) == NULL)
			return OMI_NOMEM;
		if ((err = store_get(s, key, &val, &len)) != OMI_OK &&
		    err != OMI_NOTFOUND)
			goto out;
		len = val != NULL ? vocab_used(val, len) : 0;
		if (len + strlen(word) + 1 > SINDEX_VOCAB_MAX) {
			/* Full: no word is added to it again. */
			if ((err = sgram_seal(s, uid, h->nvocab - 1, val,
			    len)) != OMI_OK)
				goto out;
			free(key);
			free(val);
			key = val = NULL;
			len = 0;
		}
	}
	if (key == NULL) {
		if ((key = skey_n("sv", uid, h->nvocab++)) == NULL)
			return OMI_NOMEM;
	}
	*chunk = h->nvocab - 1;
	if (len == 0)
		buf_putc(&b, '\n');
	else
		buf_append(&b, val, len);
	buf_puts(&b, word);
	buf_putc(&b, '\n');
	while (b.len < SINDEX_VOCAB_MAX && !b.failed)
		buf_putc(&b, '\0');
	err = b.failed ? OMI_NOMEM : store_put(s, key, b.data, b.len);
out:
	free(key);
	free(val);
	buf_free(&b);
	return err;
}

/* Takes a word that no conversation holds any more out of the vocabulary. */
static enum omi_err
vocab_remove(struct store *s, const char *uid, uint64_t chunk,
    const char *word)
{
	struct buf	 b = { 0 }, needle = { 0 };
	enum omi_err	 err;
	char		*key, *val = NULL, *at;
	size_t		 len;

	if ((key = skey_n("sv", uid, chunk)) == NULL)
		return OMI_NOMEM;
	if ((err = store_get(s, key, &val, &len)) != OMI_OK) {
		free(key);
		return err == OMI_NOTFOUND ? OMI_OK : err;
	}
	buf_printf(&needle, "\n%s\n", word);
	len = vocab_used(val, len);
	if (!needle.failed && (at = memmem(val, len, needle.data,
	    needle.len)) != NULL) {
		buf_append(&b, val, (size_t)(at - val) + 1);
		buf_append(&b, at + needle.len, len - (size_t)(at - val) -
		    needle.len);
		/* The word's bytes become zeros: nothing of it stays. */
		while (b.len < SINDEX_VOCAB_MAX && !b.failed)
			buf_putc(&b, '\0');
		err = b.failed ? OMI_NOMEM : store_put(s, key, b.data, b.len);
		if (err == OMI_OK)
			err = sgram_unlist(s, uid, chunk, word, b.data, b.len);
	}
	free(key);
	free(val);
	buf_free(&b);
	buf_free(&needle);
	return err;
}

/* The last docno of a list of postings (0 when empty); -1 if malformed. */
static int
last_docno(const unsigned char *p, size_t n, uint64_t *last)
{
	const unsigned char	*end = p + n;
	struct spost		 e;
	uint64_t		 prev = 0;
	int			 r;

	*last = 0;
	while ((r = spost_next(&p, end, &prev, &e)) == 1)
		*last = e.docno;
	return r;
}

/*
 * Appends a full tail to the word's last sealed chunk while that stays
 * within SINDEX_CHUNK_MAX (*done 1): a search reads a word's chunks one
 * record each, and 256-byte chunks made a common word's postings dozens
 * of reads.
 */
static enum omi_err
seal_append(struct store *s, const char *uid, const char *word,
    const struct sword_head *wh, const struct buf *tail, int *done)
{
	const unsigned char	*p, *end;
	struct buf		 out = { 0 };
	struct spost		 e;
	enum omi_err		 err;
	uint64_t		 prev, rprev = 0;
	char			*key, *val = NULL;
	size_t			 len;
	int			 r;

	*done = 0;
	if (wh->nsealed == 0)
		return OMI_OK;
	if ((key = skey_sn("sc", uid, word, wh->nsealed - 1)) == NULL)
		return OMI_NOMEM;
	err = store_get(s, key, &val, &len);
	if (err != OMI_OK || len + tail->len + 8 > SINDEX_CHUNK_MAX) {
		err = err == OMI_NOTFOUND ? OMI_OK : err;
		goto out;
	}
	if (last_docno((const unsigned char *)val, len, &prev) == -1) {
		err = OMI_CORRUPT;
		goto out;
	}
	buf_append(&out, val, len);
	p = (const unsigned char *)tail->data;
	end = p + tail->len;
	while ((r = spost_next(&p, end, &rprev, &e)) == 1) {
		if (e.docno <= prev) {
			err = OMI_CORRUPT;
			goto out;
		}
		spost_put(&out, &prev, &e);
	}
	if (r == -1)
		err = OMI_CORRUPT;
	else if (out.failed)
		err = OMI_NOMEM;
	else if ((err = store_put(s, key, out.data, out.len)) == OMI_OK)
		*done = 1;
out:
	free(key);
	free(val);
	buf_free(&out);
	return err;
}

static enum omi_err
seal(struct store *s, const char *uid, const char *word,
    struct sword_head *wh, const struct buf *tail)
{
	const unsigned char	*p = (const unsigned char *)tail->data;
	struct buf		 dir = { 0 };
	struct spost		 first;
	enum omi_err		 err;
	uint64_t		 prev = 0;
	char			*ckey, *dkey, *val = NULL;
	size_t			 len = 0;
	int			 done;

	if ((err = seal_append(s, uid, word, wh, tail, &done)) != OMI_OK ||
	    done)
		return err;
	if (spost_next(&p, p + tail->len, &prev, &first) != 1)
		return OMI_CORRUPT;
	ckey = skey_sn("sc", uid, word, wh->nsealed);
	dkey = skey_s("swd", uid, word);
	if (ckey == NULL || dkey == NULL) {
		err = OMI_NOMEM;
		goto out;
	}
	if ((err = store_get(s, dkey, &val, &len)) != OMI_OK &&
	    err != OMI_NOTFOUND)
		goto out;
	buf_append(&dir, val, len);
	sv_put(&dir, first.docno);
	if (dir.failed) {
		err = OMI_NOMEM;
		goto out;
	}
	if ((err = store_put(s, dkey, dir.data, dir.len)) == OMI_OK &&
	    (err = store_put(s, ckey, tail->data, tail->len)) == OMI_OK)
		wh->nsealed++;
out:
	free(ckey);
	free(dkey);
	free(val);
	buf_free(&dir);
	return err;
}

/* Drops a word's postings (chunks, directory, tail) as it saturates. */
static enum omi_err
word_saturate(struct store *s, const char *uid, const char *word,
    struct sword_head *wh)
{
	enum omi_err	 err = OMI_OK;
	char		*key;
	uint64_t	 k;

	for (k = 0; k < wh->nsealed && err == OMI_OK; k++) {
		if ((key = skey_sn("sc", uid, word, k)) == NULL)
			return OMI_NOMEM;
		err = store_del(s, key);
		free(key);
	}
	if (err == OMI_OK && wh->nsealed > 0) {
		if ((key = skey_s("swd", uid, word)) == NULL)
			return OMI_NOMEM;
		err = store_del(s, key);
		free(key);
	}
	wh->nsealed = 0;
	wh->tail_len = 0;
	wh->saturated = 1;
	return err;
}

/* Appends n postings (docnos rising, above the word's) to a word. */
static enum omi_err
posting_add(struct store *s, const char *uid, struct sindex_head *h,
    const char *word, const struct spost *e, size_t n)
{
	struct sword_head	 wh;
	struct buf		 tail = { 0 };
	enum omi_err		 err;
	char			*val = NULL;
	size_t			 i;
	uint64_t		 prev;

	err = whead_get(s, uid, word, &wh, &val);
	if (err == OMI_NOTFOUND) {
		memset(&wh, 0, sizeof(wh));
		err = word[0] == '\0' ? OMI_OK :
		    vocab_add(s, uid, h, word, &wh.vchunk);
	}
	if (err != OMI_OK)
		goto out;
	if (last_docno(wh.tail, wh.tail_len, &prev) == -1 ||
	    (wh.tail_len > 0 && prev >= e[0].docno)) {
		err = OMI_CORRUPT;
		goto out;
	}
	buf_append(&tail, wh.tail, wh.tail_len);
	if (wh.tail_len == 0)
		prev = 0;
	for (i = 0; i < n && err == OMI_OK; i++) {
		if (!wh.saturated && SINDEX_SATURATED(wh.df + 1, h->live)) {
			err = word_saturate(s, uid, word, &wh);
			buf_reset(&tail);
		}
		wh.df++;
		if (wh.saturated || err != OMI_OK)
			continue;
		spost_put(&tail, &prev, &e[i]);
		if (tail.len > SINDEX_TAIL_MAX && !tail.failed) {
			if ((err = seal(s, uid, word, &wh, &tail)) != OMI_OK)
				break;
			buf_reset(&tail);
			prev = 0;
		}
	}
	if (err == OMI_OK)
		err = tail.failed ? OMI_NOMEM : whead_put(s, uid, word, &wh,
		    tail.data, tail.len);
out:
	free(val);
	buf_free(&tail);
	return err;
}

/* A list of postings without docno; *found says whether it was there. */
static int
drop_docno(const unsigned char *p, size_t n, uint64_t docno, struct buf *out,
    int *found)
{
	const unsigned char	*end = p + n;
	struct spost		 e;
	uint64_t		 prev = 0, wprev = 0;
	int			 r;

	*found = 0;
	while ((r = spost_next(&p, end, &prev, &e)) == 1) {
		if (e.docno == docno) {
			*found = 1;
			continue;
		}
		spost_put(out, &wprev, &e);
	}
	return r == -1 || out->failed ? -1 : 0;
}

/* Removes a whole word: its head, directory, chunks and vocabulary entry. */
static enum omi_err
word_drop(struct store *s, const char *uid, const char *word,
    const struct sword_head *wh)
{
	enum omi_err	 err = OMI_OK;
	char		*key;
	uint64_t	 k;

	for (k = 0; k < wh->nsealed && err == OMI_OK; k++) {
		if ((key = skey_sn("sc", uid, word, k)) == NULL)
			return OMI_NOMEM;
		err = store_del(s, key);
		free(key);
	}
	if (err == OMI_OK && wh->nsealed > 0) {
		if ((key = skey_s("swd", uid, word)) == NULL)
			return OMI_NOMEM;
		err = store_del(s, key);
		free(key);
	}
	if (err == OMI_OK)
		err = whead_del(s, uid, word, wh);
	if (err == OMI_OK && word[0] != '\0')
		err = vocab_remove(s, uid, wh->vchunk, word);
	return err;
}

/* Which sealed chunk may hold docno, from the word's directory. */
static enum omi_err
chunk_for(struct store *s, const char *uid, const char *word, uint64_t docno,
    uint64_t *chunk, int *none)
{
	const unsigned char	*p, *end;
	enum omi_err		 err;
	char			*key, *val;
	size_t			 len;
	uint64_t		 first, k;

	*none = 1;
	if ((key = skey_s("swd", uid, word)) == NULL)
		return OMI_NOMEM;
	err = store_get(s, key, &val, &len);
	free(key);
	if (err != OMI_OK)
		return err == OMI_NOTFOUND ? OMI_OK : err;
	p = (const unsigned char *)val;
	end = p + len;
	for (k = 0; p < end; k++) {
		if (sv_get(&p, end, &first) == -1) {
			free(val);
			return OMI_CORRUPT;
		}
		if (first > docno)
			break;
		*chunk = k;
		*none = 0;
	}
	free(val);
	return OMI_OK;
}

static enum omi_err
posting_remove(struct store *s, const char *uid, const char *word,
    uint64_t docno)
{
	struct sword_head	 wh;
	struct buf		 out = { 0 };
	enum omi_err		 err;
	char			*ckey = NULL, *val = NULL, *cval = NULL;
	size_t			 clen;
	uint64_t		 chunk = 0;
	int			 found = 0, none;

	if ((err = whead_get(s, uid, word, &wh, &val)) != OMI_OK) {
		/* Already gone: nothing of it to remove. */
		err = err == OMI_NOTFOUND ? OMI_OK : err;
		goto out;
	}
	if (wh.saturated) {
		/* Only its count to take down. */
		if (--wh.df == 0 || wh.df > UINT64_MAX / 2)
			err = word_drop(s, uid, word, &wh);
		else
			err = whead_put(s, uid, word, &wh, NULL, 0);
		goto out;
	}
	if (drop_docno(wh.tail, wh.tail_len, docno, &out, &found) == -1) {
		err = out.failed ? OMI_NOMEM : OMI_CORRUPT;
		goto out;
	}
	if (!found) {
		/* In a sealed chunk, if anywhere; the tail stays. */
		buf_reset(&out);
		buf_append(&out, wh.tail, wh.tail_len);
		if ((err = chunk_for(s, uid, word, docno, &chunk, &none)) !=
		    OMI_OK || none)
			goto out;
		if ((ckey = skey_sn("sc", uid, word, chunk)) == NULL) {
			err = OMI_NOMEM;
			goto out;
		}
		if ((err = store_get(s, ckey, &cval, &clen)) != OMI_OK) {
			err = err == OMI_NOTFOUND ? OMI_OK : err;
			goto out;
		}
		{
			struct buf rest = { 0 };

			if (drop_docno((unsigned char *)cval, clen, docno,
			    &rest, &found) == -1) {
				err = rest.failed ? OMI_NOMEM : OMI_CORRUPT;
				buf_free(&rest);
				goto out;
			}
			/* An emptied chunk keeps its place in the
			 * directory. */
			if (found)
				err = rest.len == 0 ? store_del(s, ckey) :
				    store_put(s, ckey, rest.data, rest.len);
			buf_free(&rest);
		}
		if (err != OMI_OK || !found)
			goto out;
	}
	if (out.failed) {
		err = OMI_NOMEM;
		goto out;
	}
	if (--wh.df == 0)
		err = word_drop(s, uid, word, &wh);
	else
		err = whead_put(s, uid, word, &wh, out.data, out.len);
out:
	free(ckey);
	free(val);
	free(cval);
	buf_free(&out);
	return err;
}

/*
 * Reads a sorted list of docnos: sx:<uid>, those that arrived out of
 * order, or sp:<uid>, those whose postings are not written yet.
 */
enum omi_err
dlist_load(struct store *s, const char *prefix, const char *uid, uint64_t **v,
    size_t *n)
{
	const unsigned char	*p, *end;
	enum omi_err		 err;
	char			*key, *val;
	size_t			 len;
	uint64_t		 d, prev = 0, *nv;

	*v = NULL;
	*n = 0;
	if ((key = skey(prefix, uid)) == NULL)
		return OMI_NOMEM;
	err = store_get(s, key, &val, &len);
	free(key);
	if (err != OMI_OK)
		return err == OMI_NOTFOUND ? OMI_OK : err;
	p = (const unsigned char *)val;
	end = p + len;
	while (p < end && err == OMI_OK) {
		if (sv_get(&p, end, &d) == -1 || d > UINT64_MAX - prev ||
		    (*n > 0 && d == 0))
			err = OMI_CORRUPT;
		else if ((nv = reallocarray(*v, *n + 1, sizeof(**v))) == NULL)
			err = OMI_NOMEM;
		else {
			*v = nv;
			prev += d;
			(*v)[(*n)++] = prev;
		}
	}
	free(val);
	if (err != OMI_OK) {
		free(*v);
		*v = NULL;
		*n = 0;
	}
	return err;
}

static enum omi_err
dlist_save(struct store *s, const char *prefix, const char *uid,
    const uint64_t *v, size_t n)
{
	struct buf	 b = { 0 };
	enum omi_err	 err;
	char		*key;
	uint64_t	 prev = 0;
	size_t		 i;

	if ((key = skey(prefix, uid)) == NULL)
		return OMI_NOMEM;
	for (i = 0; i < n; i++) {
		sv_put(&b, v[i] - prev);
		prev = v[i];
	}
	if (b.failed)
		err = OMI_NOMEM;
	else
		err = n == 0 ? store_del(s, key) :
		    store_put(s, key, b.data, b.len);
	free(key);
	buf_free(&b);
	return err;
}

/* Adds (add 1) or removes docno in the exceptions. */
static enum omi_err
except_change(struct store *s, const char *uid, struct sindex_head *h,
    uint64_t docno, int add)
{
	enum omi_err	 err;
	uint64_t	*v, *nv;
	size_t		 n, i;

	if ((err = dlist_load(s, "sx", uid, &v, &n)) != OMI_OK)
		return err;
	for (i = 0; i < n && v[i] < docno; i++)
		;
	if (add && n >= SINDEX_EXCEPT_MAX) {
		h->disordered = 1;
		goto out;
	}
	if (add) {
		/* docno is always the newest, so it goes last. */
		if ((nv = reallocarray(v, n + 1, sizeof(*v))) == NULL) {
			err = OMI_NOMEM;
			goto out;
		}
		v = nv;
		v[n++] = docno;
	} else if (i < n && v[i] == docno) {
		memmove(v + i, v + i + 1, (n - i - 1) * sizeof(*v));
		n--;
	} else
		goto out;
	err = dlist_save(s, "sx", uid, v, n);
out:
	free(v);
	return err;
}

/* The postings of many conversations, gathered by word before writing. */
struct mword {
	char		*w;
	struct spost	*v;
	size_t		 n, cap;
};

struct mwords {
	struct mword	*v;
	size_t		 n, cap;
};

static int
mwords_add(struct mwords *m, const char *w, const struct spost *e)
{
	struct mword	*nv, *x;
	struct spost	*pv;
	size_t		 i, j, cap;

	if ((m->n + 1) * 2 > m->cap) {
		cap = m->cap ? m->cap * 2 : 1024;
		if ((nv = calloc(cap, sizeof(*nv))) == NULL)
			return -1;
		for (i = 0; i < m->cap; i++) {
			if (m->v[i].w == NULL)
				continue;
			for (j = sword_hash(m->v[i].w, strlen(m->v[i].w)) &
			    (cap - 1); nv[j].w != NULL;
			    j = (j + 1) & (cap - 1))
				;
			nv[j] = m->v[i];
		}
		free(m->v);
		m->v = nv;
		m->cap = cap;
	}
	for (j = sword_hash(w, strlen(w)) & (m->cap - 1);;
	    j = (j + 1) & (m->cap - 1)) {
		x = &m->v[j];
		if (x->w == NULL) {
			if ((x->w = strdup(w)) == NULL)
				return -1;
			m->n++;
			break;
		}
		if (strcmp(x->w, w) == 0)
			break;
	}
	if (x->n == x->cap) {
		cap = x->cap ? x->cap * 2 : 4;
		if ((pv = reallocarray(x->v, cap, sizeof(*pv))) == NULL)
			return -1;
		x->v = pv;
		x->cap = cap;
	}
	x->v[x->n++] = *e;
	return 0;
}

static void
mwords_free(struct mwords *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++) {
		free(m->v[i].w);
		free(m->v[i].v);
	}
	free(m->v);
	memset(m, 0, sizeof(*m));
}

/*
 * Writes the postings of the pending conversations (docnos rising), each
 * word's head once for all of them: the words they share, the common ones,
 * are most of a conversation's, so a batch writes far fewer records than
 * one conversation at a time.
 */
static enum omi_err
merge(struct store *s, const char *uid, struct sindex_head *h,
    const uint64_t *docs, size_t n)
{
	struct mwords	 m;
	struct swords	 ws;
	struct spost	 e;
	enum omi_err	 err = OMI_OK;
	char		*id, *raw;
	size_t		 i, j, len;

	memset(&m, 0, sizeof(m));
	for (i = 0; i < n && err == OMI_OK; i++) {
		if ((err = sdoc_id(s, uid, docs[i], &id)) != OMI_OK)
			break;
		err = index_get(s, uid, id, &raw, &len);
		free(id);
		if (err != OMI_OK)
			break;
		memset(&ws, 0, sizeof(ws));
		err = swords_collect(&ws, raw, len);
		free(raw);
		for (j = 0; j < ws.cap && err == OMI_OK; j++) {
			if (ws.v[j].w == NULL)
				continue;
			e.docno = docs[i];
			e.user = ws.v[j].user;
			e.wtf = ws.v[j].wtf;
			if (mwords_add(&m, ws.v[j].w, &e) == -1)
				err = OMI_NOMEM;
		}
		swords_free(&ws);
	}
	for (i = 0; i < m.cap && err == OMI_OK; i++)
		if (m.v[i].w != NULL)
			err = posting_add(s, uid, h, m.v[i].w, m.v[i].v,
			    m.v[i].n);
	mwords_free(&m);
	return err == OMI_NOTFOUND ? OMI_CORRUPT : err;
}

enum omi_err
del_key(struct store *s, char *key)
{
	enum omi_err err;

	if (key == NULL)
		return OMI_NOMEM;
	err = store_del(s, key);
	free(key);
	return err;
}

/*
 * The add proper, for a head that exists (or is being made). A
 * conversation newer than every one added before keeps docno order equal
 * to (t, id) order; one that is not goes into sx:, so that a search can
 * still hand out candidates newest first without looking up every one.
 */
static enum omi_err
add_doc(struct store *s, const char *uid, struct sindex_head *h,
    const char *id, int64_t t, uint64_t words)
{
	enum omi_err	 err;
	uint64_t	 docno = h->next, *pv = NULL, *nv;
	size_t		 pn = 0;

	h->next++;
	h->live++;
	h->words += words;
	if ((err = sdoc_set(s, uid, id, docno)) != OMI_OK ||
	    (err = st_set(s, uid, docno, t, words > UINT32_MAX ?
	    UINT32_MAX : (uint32_t)words, NULL)) != OMI_OK)
		goto out;
	if (h->max_id[0] == '\0' || index_keycmp(t, id, h->max_t,
	    h->max_id) > 0) {
		h->max_t = t;
		snprintf(h->max_id, sizeof(h->max_id), "%s", id);
	} else if (!h->disordered &&
	    (err = except_change(s, uid, h, docno, 1)) != OMI_OK)
		goto out;
	/* Postings wait for a batch (see merge). */
	if ((err = dlist_load(s, "sp", uid, &pv, &pn)) != OMI_OK)
		goto out;
	if ((nv = reallocarray(pv, pn + 1, sizeof(*pv))) == NULL) {
		err = OMI_NOMEM;
		goto out;
	}
	pv = nv;
	pv[pn++] = docno;
	if (pn >= SINDEX_PENDING) {
		if ((err = merge(s, uid, h, pv, pn)) != OMI_OK)
			goto out;
		pn = 0;
	}
	err = dlist_save(s, "sp", uid, pv, pn);
out:
	free(pv);
	return err;
}

enum omi_err
sindex_add(struct store *s, const char *uid, const char *id, int64_t t,
    uint64_t words, int user_was_empty)
{
	struct sindex_head	 h;
	enum omi_err		 err;

	err = shead_load(s, uid, &h);
	if (err == OMI_NOTFOUND) {
		/*
		 * A user with conversations from before the index has none
		 * until omi-admin reindex builds it; search reads everything
		 * meanwhile, as it always did.
		 */
		if (!user_was_empty)
			return OMI_OK;
		memset(&h, 0, sizeof(h));
		h.version = SINDEX_VERSION;
		err = OMI_OK;
	}
	if (err != OMI_OK)
		return err;
	/* Another version's index is left alone until it is rebuilt. */
	if (h.version != SINDEX_VERSION && h.version != SINDEX_BUILDING)
		return OMI_OK;
	if ((err = add_doc(s, uid, &h, id, t, words)) != OMI_OK)
		return err;
	return shead_save(s, uid, &h);
}

enum omi_err
sindex_remove(struct store *s, const char *uid, const char *id,
    const char *raw, size_t len)
{
	struct sindex_head	 h;
	struct swords		 ws;
	enum omi_err		 err;
	uint64_t		 docno, *pv = NULL;
	uint32_t		 words;
	size_t			 i, pn = 0;

	memset(&ws, 0, sizeof(ws));
	if ((err = shead_load(s, uid, &h)) != OMI_OK)
		return err == OMI_NOTFOUND ? OMI_OK : err;
	if (h.version != SINDEX_VERSION && h.version != SINDEX_BUILDING)
		return OMI_OK;
	if ((err = sdoc_find(s, uid, id, &docno)) != OMI_OK)
		/* Not indexed (a rebuild has not reached it yet). */
		return err == OMI_NOTFOUND ? OMI_OK : err;
	if (docno >= h.next)
		return OMI_CORRUPT;
	if ((err = sdoc_unset(s, uid, id)) == OMI_OK)
		err = dlist_load(s, "sp", uid, &pv, &pn);
	for (i = 0; i < pn && pv[i] != docno; i++)
		;
	if (err == OMI_OK && i < pn) {
		/* Still pending: it has no postings to take out. */
		memmove(pv + i, pv + i + 1, (pn - i - 1) * sizeof(*pv));
		err = dlist_save(s, "sp", uid, pv, pn - 1);
	} else if (err == OMI_OK)
		err = swords_collect(&ws, raw, len);
	for (i = 0; i < ws.cap && err == OMI_OK; i++)
		if (ws.v[i].w != NULL)
			err = posting_remove(s, uid, ws.v[i].w, docno);
	if (err == OMI_OK)
		err = st_set(s, uid, docno, SINDEX_T_DELETED, 0, &words);
	if (err == OMI_OK)
		err = except_change(s, uid, &h, docno, 0);
	if (err == OMI_OK) {
		h.live = h.live > 0 ? h.live - 1 : 0;
		h.words = h.words > words ? h.words - words : 0;
		err = shead_save(s, uid, &h);
	}
	swords_free(&ws);
	free(pv);
	return err;
}

struct drop {
	struct store	*s;
	enum omi_err	 err;
};

static int
drop_key(void *ctx, const char *key)
{
	struct drop *d = ctx;

	return (d->err = store_del(d->s, key)) != OMI_OK;
}

/* The prefixes of a user's many records (sindex.h); the rest are one each. */
static const char *const many[] = {
	"sn", "si", "st", "sv", "sw", "swd", "sc", "sg", "sq",
	"sd"	/* before version 2: dropped by a reindex */
};
static const char *const single[] = { "sh", "sx", "sp" };

int
sindex_record(const char *key)
{
	size_t	 i, n;

	for (i = 0; i < sizeof(many) / sizeof(many[0]); i++)
		if (strncmp(key, many[i], n = strlen(many[i])) == 0 &&
		    key[n] == ':')
			return 1;
	for (i = 0; i < sizeof(single) / sizeof(single[0]); i++)
		if (strncmp(key, single[i], n = strlen(single[i])) == 0 &&
		    key[n] == ':')
			return 1;
	return 0;
}

enum omi_err
sindex_drop_user(struct store *s, const char *uid)
{
	struct drop	 d = { s, OMI_OK };
	enum omi_err	 err = OMI_OK;
	char		*key;
	size_t		 i;

	for (i = 0; i < sizeof(many) / sizeof(many[0]) && err == OMI_OK;
	    i++) {
		if ((key = skey_s(many[i], uid, "")) == NULL)
			return OMI_NOMEM;
		err = store_foreach(s, key, drop_key, &d);
		free(key);
		if (err == OMI_OK)
			err = d.err;
	}
	for (i = 0; i < sizeof(single) / sizeof(single[0]) && err == OMI_OK;
	    i++)
		err = del_key(s, skey(single[i], uid));
	return err;
}

enum omi_err
sindex_build_start(struct store *s, const char *uid)
{
	struct sindex_head	 h;
	enum omi_err		 err;

	if ((err = sindex_drop_user(s, uid)) != OMI_OK)
		return err;
	memset(&h, 0, sizeof(h));
	h.version = SINDEX_BUILDING;
	return shead_save(s, uid, &h);
}

enum omi_err
sindex_build_add(struct store *s, const char *uid, const char *id,
    int64_t t, const char *raw, size_t len)
{
	struct sindex_head	 h;
	enum omi_err		 err;
	uint64_t		 docno, words;

	if ((err = shead_load(s, uid, &h)) != OMI_OK)
		return err;
	if (h.version != SINDEX_BUILDING)
		return OMI_ERROR;
	err = sdoc_find(s, uid, id, &docno);
	if (err == OMI_OK)
		return OMI_OK;	/* a delivery during the rebuild did */
	if (err != OMI_NOTFOUND)
		return err;
	if ((err = sindex_count_words(raw, len, NULL, &words)) != OMI_OK ||
	    (err = add_doc(s, uid, &h, id, t, words)) != OMI_OK)
		return err;
	return shead_save(s, uid, &h);
}

enum omi_err
sindex_build_end(struct store *s, const char *uid)
{
	struct sindex_head	 h;
	enum omi_err		 err;

	if ((err = shead_load(s, uid, &h)) != OMI_OK)
		return err;
	if (h.version != SINDEX_BUILDING)
		return OMI_ERROR;
	h.version = SINDEX_VERSION;
	if ((err = shead_save(s, uid, &h)) != OMI_OK)
		return err;
	return sindex_flush(s, uid);
}

enum omi_err
sindex_flush(struct store *s, const char *uid)
{
	struct sindex_head	 h;
	enum omi_err		 err;
	uint64_t		*pv = NULL;
	size_t			 pn = 0;

	if ((err = shead_load(s, uid, &h)) != OMI_OK)
		return err == OMI_NOTFOUND ? OMI_OK : err;
	if ((err = dlist_load(s, "sp", uid, &pv, &pn)) != OMI_OK || pn == 0) {
		free(pv);
		return err;
	}
	if ((err = merge(s, uid, &h, pv, pn)) == OMI_OK &&
	    (err = dlist_save(s, "sp", uid, pv, 0)) == OMI_OK)
		err = shead_save(s, uid, &h);
	free(pv);
	return err;
}
