/*
 * sindex-docs: which conversation each docno is, and the reverse (see
 * sindex.h).
 *
 * A record per conversation each way (keyed by the 36-character id one
 * way) cost about 180 bytes on disk per conversation, a fifth of the
 * index. So the ids sit 64 to a record in docno order, next to st:, and
 * the way back is a hash table in buckets of a few bytes per entry: the
 * id's hash and its docno, the id itself read from si: to confirm.
 *
 *   si:<uid>:<k>   ids of docnos 64k..64k+63, each NUL-terminated, ""
 *                  for a docno without one (deleted: no trace of its id)
 *   sn:<uid>:<b>   for each id hashing to bucket b: 4 bytes of its hash,
 *                  then its docno as a varint
 */
#include <stdlib.h>
#include <string.h>

#include "conv/sindex-impl.h"
#include "lib/text.h"

static uint32_t
id_tag(const char *id)
{
	return (uint32_t)(sword_hash(id, strlen(id)) >> 32);
}

static char *
bucket_key(const char *uid, const char *id)
{
	return skey_n("sn", uid, sword_hash(id, strlen(id)) % SINDEX_DBUCKETS);
}

int
sdoc_slot(const char *val, size_t len, unsigned slot, const char **id,
    size_t *idlen)
{
	const char	*p = val, *end = val + len, *nul;
	unsigned	 i;

	*id = "";
	*idlen = 0;
	for (i = 0; p < end; i++) {
		if ((nul = memchr(p, '\0', (size_t)(end - p))) == NULL ||
		    i >= SINDEX_ST_CHUNK)
			return -1;
		if (i == slot) {
			*id = p;
			*idlen = (size_t)(nul - p);
		}
		p = nul + 1;
	}
	return 0;
}

/* Chunk k of si: with slot set to id ("" clears it). */
static enum omi_err
slot_set(struct store *s, const char *uid, uint64_t docno, const char *id)
{
	struct buf	 b = { 0 };
	enum omi_err	 err;
	const char	*cur;
	char		*key, *val = NULL;
	size_t		 len = 0, curlen, keep = 0;
	unsigned	 i, slot = (unsigned)(docno % SINDEX_ST_CHUNK);

	if ((key = skey_n("si", uid, docno / SINDEX_ST_CHUNK)) == NULL)
		return OMI_NOMEM;
	err = store_get(s, key, &val, &len);
	if (err == OMI_NOTFOUND)
		err = OMI_OK;
	if (err != OMI_OK)
		goto out;
	for (i = 0; i < SINDEX_ST_CHUNK && err == OMI_OK; i++) {
		if (i == slot) {
			cur = id;
			curlen = strlen(id);
		} else if (sdoc_slot(val, len, i, &cur, &curlen) == -1) {
			err = OMI_CORRUPT;
			break;
		}
		buf_append(&b, cur, curlen);
		buf_putc(&b, '\0');
		if (curlen > 0)
			keep = b.len;	/* empty slots at the end go */
	}
	if (err != OMI_OK)
		goto out;
	if (b.failed)
		err = OMI_NOMEM;
	else if (keep == 0)
		err = val != NULL ? store_del(s, key) : OMI_OK;
	else
		err = store_put(s, key, b.data, keep);
out:
	free(key);
	free(val);
	buf_free(&b);
	return err;
}

enum omi_err
sdoc_id(struct store *s, const char *uid, uint64_t docno, char **id)
{
	enum omi_err	 err;
	const char	*at;
	char		*key, *val;
	size_t		 len, n;

	*id = NULL;
	if ((key = skey_n("si", uid, docno / SINDEX_ST_CHUNK)) == NULL)
		return OMI_NOMEM;
	err = store_get(s, key, &val, &len);
	free(key);
	if (err != OMI_OK)
		return err;
	if (sdoc_slot(val, len, (unsigned)(docno % SINDEX_ST_CHUNK), &at,
	    &n) == -1)
		err = OMI_CORRUPT;
	else if (n == 0)
		err = OMI_NOTFOUND;
	else if ((*id = strndup(at, n)) == NULL)
		err = OMI_NOMEM;
	free(val);
	return err;
}

/* Each entry of a bucket: fn(ctx, tag, docno, entry bytes). */
static int
bucket_walk(const char *val, size_t len,
    int (*fn)(void *, uint32_t, uint64_t, const char *, size_t), void *ctx)
{
	const unsigned char	*p = (const unsigned char *)val, *end = p + len;
	const unsigned char	*at;
	uint64_t		 docno;
	uint32_t		 tag;

	while (p < end) {
		at = p;
		if (end - p < 4)
			return -1;
		tag = (uint32_t)le_get(p, 4);
		p += 4;
		if (sv_get(&p, end, &docno) == -1)
			return -1;
		if (fn(ctx, tag, docno, (const char *)at, (size_t)(p - at)))
			return 1;
	}
	return 0;
}

struct lookup {
	struct store	*s;
	const char	*uid, *id;
	uint32_t	 tag;
	uint64_t	 docno;
	const char	*at;
	size_t		 len;
	enum omi_err	 err;
};

static int
lookup_entry(void *ctx, uint32_t tag, uint64_t docno, const char *at,
    size_t len)
{
	struct lookup	*l = ctx;
	char		*id;

	if (tag != l->tag)
		return 0;
	if ((l->err = sdoc_id(l->s, l->uid, docno, &id)) == OMI_NOTFOUND) {
		l->err = OMI_OK;
		return 0;
	}
	if (l->err != OMI_OK)
		return 1;
	if (strcmp(id, l->id) == 0) {
		l->docno = docno;
		l->at = at;
		l->len = len;
	}
	free(id);
	return l->at != NULL;
}

/* Finds id in its bucket (val); l->at set when found. */
static enum omi_err
lookup(struct lookup *l, struct store *s, const char *uid, const char *id,
    const char *val, size_t len)
{
	memset(l, 0, sizeof(*l));
	l->s = s;
	l->uid = uid;
	l->id = id;
	l->tag = id_tag(id);
	if (bucket_walk(val, len, lookup_entry, l) == -1)
		return OMI_CORRUPT;
	return l->err;
}

enum omi_err
sdoc_find(struct store *s, const char *uid, const char *id, uint64_t *docno)
{
	struct lookup	 l;
	enum omi_err	 err;
	char		*key, *val;
	size_t		 len;

	if ((key = bucket_key(uid, id)) == NULL)
		return OMI_NOMEM;
	err = store_get(s, key, &val, &len);
	free(key);
	if (err != OMI_OK)
		return err;
	err = lookup(&l, s, uid, id, val, len);
	free(val);
	if (err == OMI_OK && l.at == NULL)
		err = OMI_NOTFOUND;
	if (err == OMI_OK)
		*docno = l.docno;
	return err;
}

enum omi_err
sdoc_set(struct store *s, const char *uid, const char *id, uint64_t docno)
{
	struct buf	 b = { 0 };
	unsigned char	 tag[4];
	enum omi_err	 err;
	char		*key, *val = NULL;
	size_t		 len = 0;

	if ((err = slot_set(s, uid, docno, id)) != OMI_OK)
		return err;
	if ((key = bucket_key(uid, id)) == NULL)
		return OMI_NOMEM;
	err = store_get(s, key, &val, &len);
	if (err == OMI_NOTFOUND)
		err = OMI_OK;
	le_put(tag, id_tag(id), 4);
	buf_append(&b, val, len);
	buf_append(&b, tag, 4);
	sv_put(&b, docno);
	if (err == OMI_OK)
		err = b.failed ? OMI_NOMEM : store_put(s, key, b.data, b.len);
	free(key);
	free(val);
	buf_free(&b);
	return err;
}

enum omi_err
sdoc_unset(struct store *s, const char *uid, const char *id)
{
	struct lookup	 l;
	struct buf	 b = { 0 };
	enum omi_err	 err;
	char		*key, *val = NULL;
	size_t		 len;

	if ((key = bucket_key(uid, id)) == NULL)
		return OMI_NOMEM;
	if ((err = store_get(s, key, &val, &len)) != OMI_OK ||
	    (err = lookup(&l, s, uid, id, val, len)) != OMI_OK)
		goto out;
	if (l.at == NULL) {
		err = OMI_NOTFOUND;
		goto out;
	}
	buf_append(&b, val, (size_t)(l.at - val));
	buf_append(&b, l.at + l.len, len - (size_t)(l.at - val) - l.len);
	if (b.failed)
		err = OMI_NOMEM;
	else if (b.len == 0)
		err = store_del(s, key);
	else
		err = store_put(s, key, b.data, b.len);
	if (err == OMI_OK)
		err = slot_set(s, uid, l.docno, "");
out:
	free(key);
	free(val);
	buf_free(&b);
	return err;
}

static int
count_entry(void *ctx, uint32_t tag, uint64_t docno, const char *at,
    size_t len)
{
	(void)tag;
	(void)docno;
	(void)at;
	(void)len;
	(*(size_t *)ctx)++;
	return 0;
}

int
sdoc_bucket_count(const char *val, size_t len, size_t *n)
{
	return bucket_walk(val, len, count_entry, n) == -1 ? -1 : 0;
}
