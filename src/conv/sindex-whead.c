/*
 * sindex-whead: where a word's head lives (see sindex.h).
 *
 * Most words of a vocabulary are rare (a name, a typo, a number said
 * once): at 10,000 conversations, 33,000 of 37,000 words have a posting
 * or two. Each in a record of its own cost a key, a padded head and the
 * store's own bookkeeping, about 120 bytes on disk for 4 of postings,
 * and made the index most of a transcript's size. So a word whose
 * postings fit in SINDEX_INLINE_MAX bytes, unsealed and not saturated,
 * keeps its head in a bucket record shared with the other such words
 * hashing there; it moves to sw:<uid>:<word> when it grows past that
 * (and back, when deletions shrink it).
 *
 *   sq:<uid>:<b>   the heads of the small words hashing to b, each as the
 *                  word, a NUL, then vchunk, df, the postings' length (as
 *                  varints) and the postings
 */
#include <stdlib.h>
#include <string.h>

#include "conv/sindex-impl.h"

static char *
bucket_key(const char *uid, const char *word)
{
	return skey_n("sq", uid, sword_hash(word, strlen(word)) %
	    SINDEX_WBUCKETS);
}

int
sbucket_walk(const char *val, size_t len,
    int (*fn)(void *, const char *word, const struct sword_head *,
    const char *at, size_t entry_len), void *ctx)
{
	const unsigned char	*p = (const unsigned char *)val, *end = p + len;
	const unsigned char	*w, *nul;
	struct sword_head	 wh;
	uint64_t		 tail_len;

	while (p < end) {
		w = p;
		if ((nul = memchr(p, '\0', (size_t)(end - p))) == NULL ||
		    (size_t)(nul - w) > SINDEX_WORD_MAX)
			return -1;
		p = nul + 1;
		memset(&wh, 0, sizeof(wh));
		if (sv_get(&p, end, &wh.vchunk) == -1 ||
		    sv_get(&p, end, &wh.df) == -1 || wh.df == 0 ||
		    sv_get(&p, end, &tail_len) == -1 ||
		    tail_len > SINDEX_INLINE_MAX ||
		    tail_len > (uint64_t)(end - p))
			return -1;
		wh.tail = p;
		wh.tail_len = (size_t)tail_len;
		wh.where = WHEAD_BUCKET;
		p += tail_len;
		if (fn(ctx, (const char *)w, &wh, (const char *)w,
		    (size_t)(p - w)) == -1)
			return -1;
	}
	return 0;
}

struct find {
	const char		*word;
	struct sword_head	*wh;
	const char		*at;	/* the entry, when found */
	size_t			 len;
};

static int
find_entry(void *ctx, const char *word, const struct sword_head *wh,
    const char *at, size_t len)
{
	struct find *f = ctx;

	if (f->at == NULL && strcmp(word, f->word) == 0) {
		*f->wh = *wh;
		f->at = at;
		f->len = len;
	}
	return 0;
}

enum omi_err
whead_get(struct store *s, const char *uid, const char *word,
    struct sword_head *wh, char **val)
{
	struct find	 f;
	enum omi_err	 err;
	char		*key;
	size_t		 len;

	*val = NULL;
	memset(wh, 0, sizeof(*wh));
	if ((key = skey_s("sw", uid, word)) == NULL)
		return OMI_NOMEM;
	err = store_get(s, key, val, &len);
	free(key);
	if (err == OMI_OK) {
		if (sword_head_decode(*val, len, wh) == -1)
			err = OMI_CORRUPT;
		wh->where = WHEAD_SW;
		return err;
	}
	if (err != OMI_NOTFOUND)
		return err;
	if ((key = bucket_key(uid, word)) == NULL)
		return OMI_NOMEM;
	err = store_get(s, key, val, &len);
	free(key);
	if (err != OMI_OK)
		return err;
	memset(&f, 0, sizeof(f));
	f.word = word;
	f.wh = wh;
	if (sbucket_walk(*val, len, find_entry, &f) == -1)
		return OMI_CORRUPT;
	return f.at != NULL ? OMI_OK : OMI_NOTFOUND;
}

/* The bucket of word with word's entry replaced by entry (or dropped). */
static enum omi_err
bucket_set(struct store *s, const char *uid, const char *word,
    const struct buf *entry)
{
	struct sword_head	 wh;
	struct buf		 out = { 0 };
	struct find		 f;
	enum omi_err		 err;
	char			*key, *val = NULL;
	size_t			 len = 0;

	if ((key = bucket_key(uid, word)) == NULL)
		return OMI_NOMEM;
	err = store_get(s, key, &val, &len);
	if (err == OMI_NOTFOUND)
		err = OMI_OK;
	if (err != OMI_OK)
		goto out;
	memset(&f, 0, sizeof(f));
	f.word = word;
	f.wh = &wh;
	if (val != NULL && sbucket_walk(val, len, find_entry, &f) == -1) {
		err = OMI_CORRUPT;
		goto out;
	}
	if (f.at != NULL) {
		buf_append(&out, val, (size_t)(f.at - val));
		buf_append(&out, f.at + f.len, len - (size_t)(f.at - val) -
		    f.len);
	} else
		buf_append(&out, val, len);
	if (entry != NULL)
		buf_append(&out, entry->data, entry->len);
	if (out.failed)
		err = OMI_NOMEM;
	else if (out.len == 0)
		err = val != NULL ? store_del(s, key) : OMI_OK;
	else
		err = store_put(s, key, out.data, out.len);
out:
	free(key);
	free(val);
	buf_free(&out);
	return err;
}

enum omi_err
whead_put(struct store *s, const char *uid, const char *word,
    const struct sword_head *wh, const void *tail, size_t tail_len)
{
	struct buf	 b = { 0 };
	enum omi_err	 err;
	char		*key;

	if (!wh->saturated && wh->nsealed == 0 &&
	    tail_len <= SINDEX_INLINE_MAX) {
		buf_append(&b, word, strlen(word) + 1);
		sv_put(&b, wh->vchunk);
		sv_put(&b, wh->df);
		sv_put(&b, tail_len);
		buf_append(&b, tail, tail_len);
		err = b.failed ? OMI_NOMEM : bucket_set(s, uid, word, &b);
		if (err == OMI_OK && wh->where == WHEAD_SW)
			err = del_key(s, skey_s("sw", uid, word));	/* it moves back */
		buf_free(&b);
		return err;
	}
	if (sword_head_encode(&b, wh, tail, tail_len) == -1 ||
	    (key = skey_s("sw", uid, word)) == NULL) {
		buf_free(&b);
		return OMI_NOMEM;
	}
	err = store_put(s, key, b.data, b.len);
	free(key);
	buf_free(&b);
	if (err == OMI_OK && wh->where == WHEAD_BUCKET)
		err = bucket_set(s, uid, word, NULL);	/* it moves out */
	return err;
}

enum omi_err
whead_del(struct store *s, const char *uid, const char *word,
    const struct sword_head *wh)
{
	if (wh->where == WHEAD_BUCKET)
		return bucket_set(s, uid, word, NULL);
	if (wh->where == WHEAD_SW)
		return del_key(s, skey_s("sw", uid, word));
	return OMI_OK;
}
