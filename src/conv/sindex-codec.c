/*
 * sindex-codec: the stored forms of the search index's records (see
 * sindex.h): LEB128 varints, postings as (docno gap << 2 | heavy << 1 |
 * user, then the weight if heavy), the word heads and the index head.
 * Decoders trust nothing: every read is bounded by the record's end, and a
 * malformed record is an error, never a read past it
 * (tests/fuzz/fuzz_sindex.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conv/sindex-impl.h"
#include "conv/sindex.h"
#include "lib/text.h"

int
sv_put(struct buf *b, uint64_t v)
{
	unsigned char	 tmp[10];
	size_t		 n = 0;

	do {
		tmp[n] = v & 0x7f;
		v >>= 7;
		if (v)
			tmp[n] |= 0x80;
		n++;
	} while (v);
	return buf_append(b, tmp, n);
}

int
sv_get(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	uint64_t	 r = 0;
	unsigned	 shift = 0;

	while (*p < end) {
		unsigned char c = *(*p)++;

		if (shift == 63 && (c & 0x7e))
			return -1;
		r |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*v = r;
			return 0;
		}
		if ((shift += 7) > 63)
			return -1;
	}
	return -1;
}

/*
 * A posting is one varint, gap << 2 | (weight > 1) << 1 | user, then the
 * weight as a byte only when it is more than 1: most words occur once in
 * a conversation's transcript, and the byte was a third of the postings.
 */
int
spost_put(struct buf *b, uint64_t *prev, const struct spost *e)
{
	uint64_t	 gap = e->docno - *prev;
	unsigned	 wtf = e->wtf ? e->wtf : 1;

	*prev = e->docno;
	if (sv_put(b, gap << 2 | (wtf > 1) << 1 | (e->user & 1)) == -1)
		return -1;
	return wtf > 1 ? buf_putc(b, (char)wtf) : 0;
}

int
spost_next(const unsigned char **p, const unsigned char *end, uint64_t *prev,
    struct spost *e)
{
	uint64_t v;

	if (*p == end)
		return 0;
	if (sv_get(p, end, &v) == -1)
		return -1;
	if ((v >> 2) > UINT64_MAX - *prev)
		return -1;
	e->docno = *prev + (v >> 2);
	e->user = v & 1;
	e->wtf = 1;
	if (v & 2) {
		/* A weight of 1 would have had no byte: refused. */
		if (*p == end || **p < 2)
			return -1;
		e->wtf = *(*p)++;
	}
	*prev = e->docno;
	return 1;
}

/*
 * A word head is padded with zeros to a multiple of SINDEX_HEAD_ALIGN bytes:
 * a posting adds two or three bytes, and a value that keeps its size is
 * rewritten in place, where one that changes size costs the store a
 * scrub of the old copy and GDBM a new allocation (store/disk.c).
 */
int
sword_head_decode(const char *val, size_t len, struct sword_head *h)
{
	const unsigned char *p = (const unsigned char *)val, *end = p + len;
	uint64_t tail_len;

	memset(h, 0, sizeof(*h));
	if (sv_get(&p, end, &h->vchunk) == -1 ||
	    sv_get(&p, end, &h->df) == -1 ||
	    sv_get(&p, end, &h->nsealed) == -1 ||
	    sv_get(&p, end, &h->saturated) == -1 || h->saturated > 1 ||
	    sv_get(&p, end, &tail_len) == -1 ||
	    tail_len > (uint64_t)(end - p) ||
	    (h->saturated && (h->nsealed != 0 || tail_len != 0)))
		return -1;
	h->tail = p;
	h->tail_len = (size_t)tail_len;
	for (p += tail_len; p < end; p++)
		if (*p != 0)
			return -1;
	return 0;
}

int
sword_head_encode(struct buf *b, const struct sword_head *h,
    const void *tail, size_t tail_len)
{
	size_t start = b->len;

	sv_put(b, h->vchunk);
	sv_put(b, h->df);
	sv_put(b, h->nsealed);
	sv_put(b, h->saturated);
	sv_put(b, tail_len);
	buf_append(b, tail, tail_len);
	while ((b->len - start) % SINDEX_HEAD_ALIGN != 0 && !b->failed)
		buf_putc(b, '\0');
	return b->failed ? -1 : 0;
}

/* "v next live words nvocab disordered max_t max_id" */
int
shead_decode(const char *val, struct sindex_head *h)
{
	unsigned long long	 next, live, words, nvocab;
	long long		 max_t;
	unsigned		 version;
	int			 dis, n = 0;
	char			 id[129];	/* as max_id: 128 and the NUL */

	memset(h, 0, sizeof(*h));
	id[0] = '\0';
	if (sscanf(val, "%u %llu %llu %llu %llu %d %lld %n", &version, &next,
	    &live, &words, &nvocab, &dis, &max_t, &n) != 7 || n == 0)
		return -1;
	if (strlen(val + n) > 128)
		return -1;
	snprintf(id, sizeof(id), "%s", val + n);
	if (id[0] != '\0' && !valid_ident(id, 128))
		return -1;
	if (live > next || nvocab > next * 64 + 64 || (dis != 0 && dis != 1))
		return -1;
	h->version = version;
	h->next = next;
	h->live = live;
	h->words = words;
	h->nvocab = nvocab;
	h->disordered = dis;
	h->max_t = max_t;
	snprintf(h->max_id, sizeof(h->max_id), "%s", id);
	return 0;
}

int
shead_encode(struct buf *b, const struct sindex_head *h)
{
	return buf_printf(b, "%u %llu %llu %llu %llu %d %lld %s", h->version,
	    (unsigned long long)h->next, (unsigned long long)h->live,
	    (unsigned long long)h->words, (unsigned long long)h->nvocab,
	    h->disordered, (long long)h->max_t, h->max_id);
}

char *
skey(const char *prefix, const char *uid)
{
	struct buf b = { 0 };

	buf_printf(&b, "%s:%s", prefix, uid);
	return buf_take(&b);
}

char *
skey_s(const char *prefix, const char *uid, const char *s)
{
	struct buf b = { 0 };

	buf_printf(&b, "%s:%s:%s", prefix, uid, s);
	return buf_take(&b);
}

char *
skey_n(const char *prefix, const char *uid, uint64_t n)
{
	struct buf b = { 0 };

	buf_printf(&b, "%s:%s:%" PRIu64, prefix, uid, n);
	return buf_take(&b);
}

char *
skey_sn(const char *prefix, const char *uid, const char *s, uint64_t n)
{
	struct buf b = { 0 };

	buf_printf(&b, "%s:%s:%s:%" PRIu64, prefix, uid, s, n);
	return buf_take(&b);
}

size_t
vocab_used(const char *val, size_t len)
{
	while (len > 0 && val[len - 1] != '\n')
		len--;
	return len;
}
