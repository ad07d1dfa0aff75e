/*
 * fuzz_sindex: the stored forms of the search index (conv/sindex-codec.c)
 * and its word cutter (conv/sindex-words.c), read back from the database.
 * The input is a stored value, tried as a run of varints, as a list of
 * postings, as a word head with its postings, as the index head, and as
 * a text to cut into words. Promises checked: every read stays inside the
 * value (ASan) and damage is refused, never misread; a list or word head
 * that decodes to its end encodes again to the same bytes when each of its
 * varints was in its shortest form (the only form the encoder writes)
 * and a word head's zero padding was the shortest to a multiple of
 * SINDEX_HEAD_ALIGN, and to the same values in any case; a word head's
 * padding is zeros, a saturated one has no postings; a head that decodes
 * encodes to a head that decodes to the same fields; a vocabulary chunk's
 * used part ends at its last newline; an n-gram bucket hands out only
 * entries inside it, each list exactly as long as its count says; a
 * bucket of small words' heads tiles its value with its entries; the id
 * records hand out only slots and entries inside them.
 */
#include <string.h>

#include "conv/sindex-impl.h"
#include "conv/sindex.h"
#include "fuzz.h"
#include "lib/buf.h"

/* The bytes sv_put writes for v. */
static size_t
sv_len(uint64_t v)
{
	size_t n = 1;

	while (v >>= 7)
		n++;
	return n;
}

static void
varints(const unsigned char *data, size_t size)
{
	const unsigned char	*p = data, *end = data + size, *at;
	struct buf		 b = { 0 };
	uint64_t		 v, again;

	while (p < end) {
		at = p;
		if (sv_get(&p, end, &v) == -1)
			break;
		FUZZ_ASSERT(p > at && p <= end && (size_t)(p - at) <= 10);
		FUZZ_ASSERT((size_t)(p - at) >= sv_len(v));
		buf_reset(&b);
		FUZZ_ASSERT(sv_put(&b, v) == 0 && b.len == sv_len(v));
		if (b.len == (size_t)(p - at))
			FUZZ_ASSERT(memcmp(b.data, at, b.len) == 0);
		at = (const unsigned char *)b.data;
		FUZZ_ASSERT(sv_get(&at, at + b.len, &again) == 0 &&
		    again == v);
	}
	buf_free(&b);
}

/*
 * Decodes a list of postings; when it decodes to its end, encodes it
 * again and compares. Returns 1 when the list decoded fully.
 */
static int
postings(const unsigned char *data, size_t size)
{
	const unsigned char	*p = data, *end = data + size, *at;
	struct buf		 b = { 0 };
	struct spost		 e, *v = NULL, *nv;
	uint64_t		 prev = 0, wprev = 0, last = 0, gap;
	size_t			 n = 0, i;
	int			 r, minimal = 1;

	while ((r = spost_next(&p, end, &prev, &e)) == 1) {
		FUZZ_ASSERT(p <= end);
		FUZZ_ASSERT(e.wtf >= 1 && e.wtf <= 255 && e.user <= 1);
		FUZZ_ASSERT(n == 0 || e.docno >= last);
		last = e.docno;
		if ((nv = realloc(v, (n + 1) * sizeof(*v))) == NULL)
			abort();
		v = nv;
		v[n++] = e;
	}
	FUZZ_ASSERT(r == 0 || r == -1);
	if (r == -1) {
		free(v);
		return 0;
	}
	FUZZ_ASSERT(p == end);
	/* Encoded again: the same values, and the same bytes when every
	 * varint was as short as sv_put makes it. */
	p = data;
	prev = 0;
	for (i = 0; i < n; i++) {
		at = p;
		FUZZ_ASSERT(spost_next(&p, end, &prev, &e) == 1);
		gap = v[i].docno - (i ? v[i - 1].docno : 0);
		if ((size_t)(p - at) != sv_len(gap << 2 |
		    (uint64_t)(v[i].wtf > 1) << 1 | v[i].user) +
		    (v[i].wtf > 1))
			minimal = 0;
		FUZZ_ASSERT(spost_put(&b, &wprev, &v[i]) == 0);
	}
	FUZZ_ASSERT(!b.failed);
	if (minimal)
		FUZZ_ASSERT(b.len == size && (size == 0 ||
		    memcmp(b.data, data, size) == 0));
	/* (an empty buf has no data: NULL + 0 is undefined) */
	p = b.len ? (const unsigned char *)b.data : data;
	end = p + b.len;
	prev = 0;
	for (i = 0; i < n; i++) {
		FUZZ_ASSERT(spost_next(&p, end, &prev, &e) == 1);
		FUZZ_ASSERT(e.docno == v[i].docno && e.user == v[i].user &&
		    e.wtf == v[i].wtf);
	}
	FUZZ_ASSERT(spost_next(&p, end, &prev, &e) == 0);
	buf_free(&b);
	free(v);
	return 1;
}

static void
word_head(const uint8_t *data, size_t size)
{
	struct sword_head	 wh, again;
	struct buf		 b = { 0 };
	const uint8_t		*p;
	size_t			 hlen, used, padded;

	if (sword_head_decode((const char *)data, size, &wh) == -1)
		return;
	/* The tail inside the record, then only zeros. */
	FUZZ_ASSERT(wh.tail >= data && wh.tail + wh.tail_len <= data + size);
	for (p = wh.tail + wh.tail_len; p < data + size; p++)
		FUZZ_ASSERT(*p == 0);
	FUZZ_ASSERT(wh.saturated <= 1);
	if (wh.saturated)
		FUZZ_ASSERT(wh.nsealed == 0 && wh.tail_len == 0);
	hlen = (size_t)(wh.tail - data);
	used = hlen + wh.tail_len;
	if (!postings(wh.tail, wh.tail_len))
		return;
	FUZZ_ASSERT(sword_head_encode(&b, &wh, wh.tail, wh.tail_len) == 0);
	/* Padded to the next multiple (nothing added at one already). */
	FUZZ_ASSERT(b.len % SINDEX_HEAD_ALIGN == 0 &&
	    b.len - (sv_len(wh.vchunk) + sv_len(wh.df) + sv_len(wh.nsealed) +
	    sv_len(wh.saturated) + sv_len(wh.tail_len) + wh.tail_len) <
	    SINDEX_HEAD_ALIGN);
	padded = (used + SINDEX_HEAD_ALIGN - 1) / SINDEX_HEAD_ALIGN *
	    SINDEX_HEAD_ALIGN;
	if (hlen == sv_len(wh.vchunk) + sv_len(wh.df) + sv_len(wh.nsealed) +
	    sv_len(wh.saturated) + sv_len(wh.tail_len) && size == padded)
		FUZZ_ASSERT(b.len == size && memcmp(b.data, data, size) == 0);
	FUZZ_ASSERT(sword_head_decode(b.data, b.len, &again) == 0);
	FUZZ_ASSERT(again.vchunk == wh.vchunk && again.df == wh.df &&
	    again.nsealed == wh.nsealed && again.saturated == wh.saturated &&
	    again.tail_len == wh.tail_len &&
	    memcmp(again.tail, wh.tail, wh.tail_len) == 0);
	buf_free(&b);
}

static void
head(const uint8_t *data, size_t size)
{
	struct sindex_head	 h, again;
	struct buf		 b = { 0 };
	char			*s = fuzz_cstring(data, size);

	if (shead_decode(s, &h) == 0) {
		FUZZ_ASSERT(h.live <= h.next && h.disordered <= 1 &&
		    strlen(h.max_id) <= 128);
		FUZZ_ASSERT(shead_encode(&b, &h) == 0 && !b.failed);
		FUZZ_ASSERT(shead_decode(b.data, &again) == 0);
		FUZZ_ASSERT(again.version == h.version &&
		    again.next == h.next && again.live == h.live &&
		    again.words == h.words && again.nvocab == h.nvocab &&
		    again.disordered == h.disordered &&
		    again.max_t == h.max_t &&
		    strcmp(again.max_id, h.max_id) == 0);
	}
	buf_free(&b);
	free(s);
}

static void
vocab(const uint8_t *data, size_t size)
{
	size_t used = vocab_used((const char *)data, size), i;

	FUZZ_ASSERT(used <= size);
	FUZZ_ASSERT(used == 0 || data[used - 1] == '\n');
	for (i = used; i < size; i++)
		FUZZ_ASSERT(data[i] != '\n');
}

/* Words: non-empty, at most SINDEX_WORD_MAX bytes (or "" for longer). */
static void
words(const uint8_t *data, size_t size)
{
	struct swords	 ws;
	size_t		 i, n = 0, len;

	memset(&ws, 0, sizeof(ws));
	if (swords_text(&ws, (const char *)data, size, 1, size & 1) !=
	    OMI_OK) {
		swords_free(&ws);
		return;
	}
	for (i = 0; i < ws.cap; i++) {
		if (ws.v[i].w == NULL)
			continue;
		n++;
		len = strlen(ws.v[i].w);
		FUZZ_ASSERT(len <= SINDEX_WORD_MAX);
		FUZZ_ASSERT(ws.v[i].wtf >= 1 && ws.v[i].user == (size & 1));
	}
	FUZZ_ASSERT(n == ws.n && ws.count >= n);
	swords_free(&ws);
}

/*
 * An n-gram bucket (sindex-gram.c): every entry handed out lies inside the
 * value, with a gram of 2 or 3 bytes and a list of exactly count varints,
 * none but the first zero (chunks ascend strictly).
 */
struct gram_seen {
	const unsigned char	*data, *end;
	size_t			 entries;
};

static int
gram_entry(void *ctx, const unsigned char *g, size_t glen, uint64_t count,
    const unsigned char *list, size_t list_len)
{
	struct gram_seen	*gs = ctx;
	const unsigned char	*p = list, *end = list + list_len;
	uint64_t		 v, i;

	FUZZ_ASSERT(glen == 2 || glen == 3);
	FUZZ_ASSERT(g >= gs->data && g + glen <= gs->end);
	FUZZ_ASSERT(list >= g + glen && end <= gs->end && count >= 1);
	for (i = 0; i < count; i++) {
		FUZZ_ASSERT(sv_get(&p, end, &v) == 0);
		FUZZ_ASSERT(i == 0 || v > 0);
	}
	FUZZ_ASSERT(p == end);
	gs->entries++;
	return 0;
}

static void
gram_bucket(const uint8_t *data, size_t size)
{
	struct gram_seen gs = { data, data + size, 0 };

	if (sgram_bucket_walk((const char *)data, size, gram_entry, &gs) == 0)
		FUZZ_ASSERT(size == 0 || gs.entries > 0);
}

/*
 * A bucket of small words' heads (sindex-whead.c): each entry handed out
 * lies inside the value, its word a string of at most SINDEX_WORD_MAX
 * bytes, its postings inside the entry and no longer than
 * SINDEX_INLINE_MAX; the entries tile the value.
 */
struct bucket_seen {
	const char	*data, *next;
};

static int
bucket_entry(void *ctx, const char *word, const struct sword_head *wh,
    const char *at, size_t len)
{
	struct bucket_seen *bs = ctx;

	FUZZ_ASSERT(at == bs->next && word == at);
	FUZZ_ASSERT(strlen(word) <= SINDEX_WORD_MAX && strlen(word) < len);
	FUZZ_ASSERT(wh->where == WHEAD_BUCKET && wh->df > 0);
	FUZZ_ASSERT(wh->tail_len <= SINDEX_INLINE_MAX);
	FUZZ_ASSERT((const char *)wh->tail > word &&
	    (const char *)wh->tail + wh->tail_len == at + len);
	bs->next = at + len;
	return 0;
}

static void
word_bucket(const uint8_t *data, size_t size)
{
	struct bucket_seen bs = { (const char *)data, (const char *)data };

	if (sbucket_walk((const char *)data, size, bucket_entry, &bs) == 0)
		FUZZ_ASSERT(bs.next == (const char *)data + size);
}

/*
 * The id records (sindex-docs.c): a slot of an si: record lies inside it
 * and holds no NUL; an sn: bucket decodes or is refused whole.
 */
static void
id_records(const uint8_t *data, size_t size)
{
	const char	*v = (const char *)data, *id;
	size_t		 n, len, entries = 0;
	unsigned	 i;

	for (i = 0; i < SINDEX_ST_CHUNK; i++) {
		if (sdoc_slot(v, size, i, &id, &len) == -1)
			break;
		if (len > 0) {
			FUZZ_ASSERT(id >= v && id + len < v + size);
			FUZZ_ASSERT(memchr(id, '\0', len) == NULL &&
			    id[len] == '\0');
		}
	}
	if (sdoc_bucket_count(v, size, &entries) == 0) {
		n = entries;
		FUZZ_ASSERT(n * 5 <= size && (size == 0) == (n == 0));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	varints(data, size);
	postings(data, size);
	word_head(data, size);
	head(data, size);
	vocab(data, size);
	words(data, size);
	gram_bucket(data, size);
	word_bucket(data, size);
	id_records(data, size);
	return 0;
}
