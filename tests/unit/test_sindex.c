/*
 * test_sindex: conv/sindex*.c, the search index (issue 19), in a real
 * store: the codec's round trips and refusals; conversations delivered as
 * the webhook delivers them (conv_ingest, index_put) are found by word,
 * infix, title and speaker; a replacement and a deletion leave nothing of
 * the old words behind; deleting a user leaves no search record of it and
 * touches no neighbour whose uid shares its prefix; postings sealed into
 * chunks survive deletions in the middle and at the tail; out-of-order
 * arrivals page in the same order as the full scan; a user from before
 * the index waits for a rebuild, and a rebuild honours deliveries and
 * deletions made between its sessions; and the index commits (or
 * vanishes) in the conversation's own store session. sindex_check must
 * find nothing wrong after every step.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conv/index.h"
#include "conv/ingest.h"
#include "conv/listing.h"
#include "conv/search.h"
#include "conv/sindex-impl.h"
#include "conv/sindex.h"
#include "lib/buf.h"
#include "store/store.h"
#include "unit.h"

#define SEC	1000000LL
#define T0	1750000000LL	/* seconds */
#define NSEAL	340		/* conversations sharing one word */

static char dir[] = "/tmp/omi-test-sindex.XXXXXX";

/* sp: came with batched postings: a user owns it too (user_keys). */
static const char *const prefixes[] = {
	"sh", "sn", "sd", "st", "sx", "sp", "sv", "sw", "swd", "sc", "sg", "sq"
};
#define NPREFIX	(sizeof(prefixes) / sizeof(prefixes[0]))

/* ---- the codec ---- */

static int
sv_round(uint64_t v, size_t want_len)
{
	struct buf		 b = { 0 };
	const unsigned char	*p, *end;
	uint64_t		 got = 0;
	int			 ok;

	ok = sv_put(&b, v) == 0 && b.len == want_len;
	p = (const unsigned char *)b.data;
	end = p + b.len;
	ok = ok && sv_get(&p, end, &got) == 0 && got == v && p == end;
	/* Every proper prefix of it is refused. */
	if (ok && b.len > 1) {
		p = (const unsigned char *)b.data;
		ok = sv_get(&p, end - 1, &got) == -1;
	}
	buf_free(&b);
	return ok;
}

static int
sv_refused(const char *bytes, size_t n)
{
	const unsigned char	*p = (const unsigned char *)bytes;
	uint64_t		 v;

	return sv_get(&p, p + n, &v) == -1;
}

static void
test_codec(void)
{
	static const struct spost posts[] = {
		{ 0, 0, 1 }, { 1, 1, 3 }, { 2, 0, 255 }, { 130, 1, 7 },
		{ 1ULL << 40, 0, 2 }, { (1ULL << 61) + 5, 1, 9 }
	};
	struct sindex_head	 h, h2;
	struct sword_head	 wh, wh2;
	struct spost		 e;
	struct buf		 b = { 0 }, c = { 0 };
	const unsigned char	*p, *end;
	uint64_t		 prev, v;
	size_t			 i;
	int			 ok, r;
	char			 big[200];

	CHECK(sv_round(0, 1));
	CHECK(sv_round(1, 1));
	CHECK(sv_round(127, 1));
	CHECK(sv_round(128, 2));
	CHECK(sv_round(16383, 2));
	CHECK(sv_round(16384, 3));
	CHECK(sv_round(1ULL << 63, 10));
	CHECK(sv_round(UINT64_MAX, 10));
	CHECK(sv_refused("", 0));
	CHECK(sv_refused("\x80", 1));
	CHECK(sv_refused("\xff\xff", 2));
	/* An eleventh byte, or a tenth with more than the 64th bit. */
	CHECK(sv_refused("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10) ==
	    0);
	CHECK(sv_refused("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", 10));
	CHECK(sv_refused("\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x00",
	    11));
	CHECK(sv_refused("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x81\x00",
	    11));
	/* Reads stop at the value's end, not at the buffer's. */
	{
		static const unsigned char two[] = { 0x05, 0x06 };

		p = two;
		CHECK(sv_get(&p, two + 2, &v) == 0 && v == 5 && p == two + 1);
	}

	/* Postings: gaps, the wearer bit, the weight (a gap is shifted left
	 * by two, so gaps of 2^62 and more cannot be stored: docnos count
	 * deliveries and never get there). */
	prev = 0;
	ok = 1;
	for (i = 0; i < sizeof(posts) / sizeof(posts[0]); i++)
		ok &= spost_put(&b, &prev, &posts[i]) == 0;
	CHECK(ok && !b.failed);
	p = (const unsigned char *)b.data;
	end = p + b.len;
	prev = 0;
	for (i = 0; (r = spost_next(&p, end, &prev, &e)) == 1; i++)
		ok &= i < sizeof(posts) / sizeof(posts[0]) &&
		    e.docno == posts[i].docno && e.user == posts[i].user &&
		    e.wtf == posts[i].wtf;
	CHECK(ok && r == 0 && i == sizeof(posts) / sizeof(posts[0]));
	/* Cut anywhere inside the last posting: refused, not misread. */
	p = (const unsigned char *)b.data;
	prev = 0;
	for (i = 0; i < 5; i++)
		CHECK(spost_next(&p, end - 1, &prev, &e) == 1);
	CHECK(spost_next(&p, end - 1, &prev, &e) == -1);
	/* A zero weight, a weight of 1 written out (never written so), a
	 * weight missing, and a gap past UINT64_MAX. */
	p = (const unsigned char *)"\x02\x00";
	prev = 0;
	CHECK(spost_next(&p, p + 2, &prev, &e) == -1);
	p = (const unsigned char *)"\x02\x01";
	prev = 0;
	CHECK(spost_next(&p, p + 2, &prev, &e) == -1);
	p = (const unsigned char *)"\x06";
	prev = 0;
	CHECK(spost_next(&p, p + 1, &prev, &e) == -1);
	p = (const unsigned char *)"\x08";
	prev = UINT64_MAX - 1;
	CHECK(spost_next(&p, p + 1, &prev, &e) == -1);
	/* A weight of 1 costs no byte. */
	buf_reset(&c);
	prev = 0;
	e.docno = 3;
	e.user = 1;
	e.wtf = 1;
	CHECK(spost_put(&c, &prev, &e) == 0 && c.len == 1 &&
	    (unsigned char)c.data[0] == (3 << 2 | 1));
	buf_reset(&c);

	/* Word heads: the tail is the rest of the record, byte for byte. */
	memset(&wh, 0, sizeof(wh));
	wh.vchunk = 300;
	wh.df = 1ULL << 35;
	wh.nsealed = 7;
	CHECK(sword_head_encode(&c, &wh, b.data, b.len) == 0);
	CHECK(sword_head_decode(c.data, c.len, &wh2) == 0 &&
	    wh2.vchunk == 300 && wh2.df == 1ULL << 35 && wh2.nsealed == 7 &&
	    wh2.tail_len == b.len && memcmp(wh2.tail, b.data, b.len) == 0);
	CHECK(sword_head_decode(c.data, 0, &wh2) == -1);
	CHECK(sword_head_decode("\x01\x02", 2, &wh2) == -1);
	CHECK(sword_head_decode("\x01\x02\x80", 3, &wh2) == -1);
	/*
	 * A head without postings. Since heads carry the saturated flag and
	 * tail_len (design change), "\x01\x02\x03" alone is cut short; the
	 * same head today is five varints and zeros to 16 bytes.
	 */
	CHECK(sword_head_decode("\x01\x02\x03", 3, &wh2) == -1);
	CHECK(sword_head_decode("\x01\x02\x03\x00\x00"
	    "\0\0\0\0\0\0\0\0\0\0\0", 16, &wh2) == 0 &&
	    wh2.vchunk == 1 && wh2.df == 2 && wh2.nsealed == 3 &&
	    wh2.saturated == 0 && wh2.tail_len == 0);
	/* The padding: zeros, to a multiple of SINDEX_HEAD_ALIGN. */
	CHECK(c.len % SINDEX_HEAD_ALIGN == 0 && c.len >= b.len + 5);
	ok = 1;
	CHECK(sword_head_decode(c.data, c.len, &wh2) == 0);
	for (i = (size_t)(wh2.tail - (const unsigned char *)c.data) +
	    wh2.tail_len; i < c.len; i++)
		ok &= c.data[i] == 0;
	CHECK(ok);
	/* Every tail length from 0 to past SINDEX_HEAD_ALIGN pads right. */
	ok = 1;
	memset(big, 'x', sizeof(big));
	for (i = 0; i < 40; i++) {
		struct buf d = { 0 };
		size_t j, at;

		ok &= sword_head_encode(&d, &wh, big, i) == 0 &&
		    d.len % SINDEX_HEAD_ALIGN == 0 &&
		    sword_head_decode(d.data, d.len, &wh2) == 0 &&
		    wh2.tail_len == i;
		at = (size_t)(wh2.tail - (const unsigned char *)d.data) + i;
		ok &= d.len - at < SINDEX_HEAD_ALIGN;
		for (j = at; j < d.len; j++)
			ok &= d.data[j] == 0;
		buf_free(&d);
	}
	CHECK(ok);
	/* Padding that is not zero is refused; so is a tail_len past the
	 * record's end, and too many zeros are fine only as padding. */
	{
		char bad[64];

		CHECK(c.len <= sizeof(bad));
		memcpy(bad, c.data, c.len);
		/* This one has padding (the tail ends before the record). */
		CHECK(c.len > b.len + 11 && c.data[c.len - 1] == 0);
		bad[c.len - 1] = 1;
		CHECK(sword_head_decode(bad, c.len, &wh2) == -1);
		CHECK(sword_head_decode("\x01\x02\x03\x00\x00"
		    "\0\0\0\0\0\0\0\0\0\0\x01", 16, &wh2) == -1);
		/* tail_len 12, 11 bytes left; and tail_len 11 exactly. */
		CHECK(sword_head_decode("\x01\x02\x03\x00\x0c"
		    "\x02\x01\0\0\0\0\0\0\0\0\0", 16, &wh2) == -1);
		CHECK(sword_head_decode("\x01\x02\x03\x00\x0b"
		    "\x02\x01\0\0\0\0\0\0\0\0\0", 16, &wh2) == 0 &&
		    wh2.tail_len == 11);
		CHECK(sword_head_decode("\x01\x02\x03\x00\xff\x7f"
		    "\0\0\0\0\0\0\0\0\0\0", 16, &wh2) == -1);
	}
	/* Saturated: only the count; no postings, no sealed chunks. */
	{
		struct buf d = { 0 };

		memset(&wh, 0, sizeof(wh));
		wh.vchunk = 5;
		wh.df = 5000;
		wh.saturated = 1;
		CHECK(sword_head_encode(&d, &wh, NULL, 0) == 0 &&
		    d.len == SINDEX_HEAD_ALIGN &&
		    sword_head_decode(d.data, d.len, &wh2) == 0 &&
		    wh2.saturated == 1 && wh2.df == 5000 && wh2.vchunk == 5 &&
		    wh2.tail_len == 0 && wh2.nsealed == 0);
		buf_free(&d);
		CHECK(sword_head_decode("\x01\x02\x03\x01\x00"
		    "\0\0\0\0\0\0\0\0\0\0\0", 16, &wh2) == -1);
		CHECK(sword_head_decode("\x01\x02\x00\x01\x02\x02\x01"
		    "\0\0\0\0\0\0\0\0\0", 16, &wh2) == -1);
		CHECK(sword_head_decode("\x01\x02\x00\x02\x00"
		    "\0\0\0\0\0\0\0\0\0\0\0", 16, &wh2) == -1);
	}
	buf_free(&b);
	buf_free(&c);
	/* vocab_used: the chunk up to its last newline, padding not. */
	{
		char voc[SINDEX_VOCAB_MAX];

		memset(voc, 0, sizeof(voc));
		memcpy(voc, "\nab\ncd\n", 7);
		CHECK(vocab_used(voc, sizeof(voc)) == 7);
		CHECK(vocab_used(voc, 6) == 4);
		CHECK(vocab_used(voc, 0) == 0);
	}

	/* The index head. */
	memset(&h, 0, sizeof(h));
	h.version = SINDEX_VERSION;
	h.next = 1000;
	h.live = 990;
	h.words = 123456789012ULL;
	h.nvocab = 42;
	h.disordered = 1;
	h.max_t = -5 * SEC;
	snprintf(h.max_id, sizeof(h.max_id), "conv-9");
	CHECK(shead_encode(&b, &h) == 0 && !b.failed);
	CHECK(shead_decode(b.data, &h2) == 0 && h2.version == h.version &&
	    h2.next == h.next && h2.live == h.live && h2.words == h.words &&
	    h2.nvocab == h.nvocab && h2.disordered == 1 &&
	    h2.max_t == h.max_t && strcmp(h2.max_id, "conv-9") == 0);
	buf_free(&b);
	/* An empty head (no conversation yet) has no newest id. */
	memset(&h, 0, sizeof(h));
	CHECK(shead_encode(&b, &h) == 0 && shead_decode(b.data, &h2) == 0 &&
	    h2.max_id[0] == '\0' && h2.next == 0);
	buf_free(&b);
	CHECK(shead_decode("", &h2) == -1);
	CHECK(shead_decode("garbage", &h2) == -1);
	CHECK(shead_decode("1 2 3", &h2) == -1);
	/* live > next; disordered not 0 or 1; too many vocabulary chunks;
	 * ids that are not identifiers or are too long. */
	CHECK(shead_decode("1 10 11 0 0 0 0 ", &h2) == -1);
	CHECK(shead_decode("1 10 10 0 0 2 0 ", &h2) == -1);
	CHECK(shead_decode("1 10 5 0 100000 0 0 ", &h2) == -1);
	CHECK(shead_decode("1 10 5 0 0 0 0 a/b", &h2) == -1);
	CHECK(shead_decode("1 10 5 0 0 0 0 a:b", &h2) == -1);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "1 10 5 0 0 0 0 ", 15);
	CHECK(shead_decode(big, &h2) == -1);
	CHECK(shead_decode("1 10 5 0 0 0 0 ok-id", &h2) == 0 &&
	    strcmp(h2.max_id, "ok-id") == 0);
}

/* ---- conversations in a store ---- */

/* An OMI body: segments alternate wearer (even) and others (odd). */
static char *
body(const char *id, int64_t secs, const char *title, const char *overview,
    const char *user_said, const char *other_said)
{
	struct buf	 b = { 0 };
	struct tm	 tm;
	time_t		 tt = (time_t)secs;
	char		 ca[40];

	gmtime_r(&tt, &tm);
	strftime(ca, sizeof(ca), "%Y-%m-%dT%H:%M:%SZ", &tm);
	buf_printf(&b, "{\"id\":\"%s\",\"created_at\":\"%s\","
	    "\"structured\":{\"title\":\"%s\",\"overview\":\"%s\","
	    "\"category\":\"other\"},\"transcript_segments\":["
	    "{\"text\":\"%s\",\"speaker\":\"SPEAKER_00\",\"is_user\":true},"
	    "{\"text\":\"%s\",\"speaker\":\"SPEAKER_01\",\"is_user\":false}]}",
	    id, ca, title, overview, user_said, other_said);
	return buf_take(&b);
}

/*
 * Puts a body in an open write session, as the webhook does: the record
 * and the count of words prepared from the parsed body, which must count
 * what the stored JSON, parsed again, does.
 */
static int
put_in(struct store *st, const char *uid, const char *raw)
{
	struct conv_summary	 s;
	struct conv_error	 e;
	struct index_prep	 p;
	json_t			*doc;
	uint64_t		 words;
	int			 replaced, ok;

	memset(&s, 0, sizeof(s));
	if (conv_ingest(raw, strlen(raw), &s, &doc, &e) != OMI_OK) {
		fprintf(stderr, "ingest: %s: %s\n", e.field, e.message);
		return 0;
	}
	ok = index_prepare(&s, raw, strlen(raw), doc, &p) == OMI_OK &&
	    sindex_count_words(raw, strlen(raw), NULL, &words) == OMI_OK;
	CHECK(ok && words == p.words);
	ok = ok && index_put_prepared(st, uid, &s, &p, &replaced) == OMI_OK;
	index_prep_free(&p);
	json_decref(doc);
	conv_summary_free(&s);
	return ok;
}

/*
 * Puts a body in an open write session and writes the pending postings
 * (sindex_flush), for the tests that mean "postings written": without it
 * a conversation's postings wait for a batch of SINDEX_PENDING.
 */
static int
put_flush(struct store *st, const char *uid, const char *raw)
{
	return put_in(st, uid, raw) && sindex_flush(st, uid) == OMI_OK;
}

/* One delivery in its own session; flush: its postings written too. */
static int
deliver_how(int flush, const char *uid, const char *id, int64_t secs,
    const char *title, const char *overview, const char *user_said,
    const char *other_said)
{
	struct store	*st;
	char		*raw;
	int		 ok;

	raw = body(id, secs, title, overview, user_said, other_said);
	if (raw == NULL || store_open(&st, dir, STORE_WRITE, 5000) != OMI_OK) {
		free(raw);
		return 0;
	}
	ok = (flush ? put_flush(st, uid, raw) : put_in(st, uid, raw)) &&
	    store_commit(st) == OMI_OK;
	store_close(st);
	free(raw);
	return ok;
}

/* As the webhook delivers, then the pending postings written. */
static int
deliver(const char *uid, const char *id, int64_t secs, const char *title,
    const char *overview, const char *user_said, const char *other_said)
{
	return deliver_how(1, uid, id, secs, title, overview, user_said,
	    other_said);
}

/* Exactly as the webhook delivers: the postings may stay pending. */
static int
deliver_pending(const char *uid, const char *id, int64_t secs,
    const char *title, const char *overview, const char *user_said,
    const char *other_said)
{
	return deliver_how(0, uid, id, secs, title, overview, user_said,
	    other_said);
}

static int
del(const char *uid, const char *id)
{
	struct store	*st;
	int		 ok;

	if (store_open(&st, dir, STORE_WRITE, 5000) != OMI_OK)
		return 0;
	ok = index_del(st, uid, id) == OMI_OK && store_commit(st) == OMI_OK;
	store_close(st);
	return ok;
}

static void
problem(void *ctx, const char *what, const char *uid)
{
	(void)ctx;
	fprintf(stderr, "sindex_check %s: %s\n", uid, what);
}

static void
quiet(void *ctx, const char *what, const char *uid)
{
	(void)ctx;
	(void)what;
	(void)uid;
}

/* sindex_check finds nothing wrong (and the user has an index). */
static int
clean(const char *uid)
{
	struct sindex_stats	 ss;
	struct store		*st;
	enum omi_err		 err;

	if (store_open(&st, dir, STORE_READ, 5000) != OMI_OK)
		return 0;
	memset(&ss, 0, sizeof(ss));
	err = sindex_check(st, uid, problem, NULL, &ss);
	store_close(st);
	if (err != OMI_OK)
		fprintf(stderr, "sindex_check %s: %s\n", uid,
		    omi_strerror(err));
	return err == OMI_OK && ss.problems == 0;
}

static int
usable(const char *uid)
{
	struct store	*st;
	int		 u;

	if (store_open(&st, dir, STORE_READ, 5000) != OMI_OK)
		return -1;
	u = sindex_usable(st, uid);
	store_close(st);
	return u;
}

/*
 * The index's candidates for q, newest first, as "id id id" in out;
 * "-" when the index cannot narrow the search (OMI_NOTFOUND).
 */
static int
candidates(const char *uid, const char *query, int speaker_user, char *out,
    size_t outsz)
{
	struct sindex_query	*q = NULL;
	struct sindex_hit	 hit;
	struct search		 s;
	struct store		*st;
	enum omi_err		 err;
	size_t			 n = 0;
	int			 ok = 1;

	out[0] = '\0';
	memset(&s, 0, sizeof(s));
	if (search_compile(&s, query) != OMI_OK) {
		search_free(&s);
		return 0;
	}
	if (store_open(&st, dir, STORE_READ, 5000) != OMI_OK) {
		search_free(&s);
		return 0;
	}
	err = sindex_query(st, uid, &s, speaker_user, 0, &q);
	if (err == OMI_NOTFOUND)
		snprintf(out, outsz, "-");
	else if (err != OMI_OK || sindex_start(q, 0, 0, NULL) != OMI_OK)
		ok = 0;
	else {
		while ((err = sindex_next(q, &hit)) == OMI_OK) {
			n += (size_t)snprintf(out + n, n < outsz ? outsz - n :
			    0, "%s%s", n ? " " : "", hit.id);
			ok &= n < outsz;
		}
		ok &= err == OMI_NOTFOUND;
	}
	sindex_query_free(q);
	store_close(st);
	search_free(&s);
	return ok;
}

static int
cand_is(const char *uid, const char *query, int speaker_user,
    const char *want)
{
	char got[8192];

	if (!candidates(uid, query, speaker_user, got, sizeof(got)))
		return 0;
	if (strcmp(got, want) != 0)
		fprintf(stderr, "candidates(%s, \"%s\", %d): got \"%s\", "
		    "want \"%s\"\n", uid, query, speaker_user, got, want);
	return strcmp(got, want) == 0;
}

struct keyscan {
	struct store	*st;
	const char	*needle;	/* "\nword\n" in a vocabulary chunk */
	size_t		 n, hits;
};

static int
count_key(void *ctx, const char *key)
{
	struct keyscan	*k = ctx;
	char		*val;
	size_t		 len;

	(void)key;
	k->n++;
	if (k->needle != NULL && store_get(k->st, key, &val, &len) ==
	    OMI_OK) {
		k->hits += memmem(val, len, k->needle, strlen(k->needle)) !=
		    NULL;
		free(val);
	}
	return 0;
}

/* Keys starting with prefix; with needle, how many values hold it. */
static size_t
nkeys(const char *prefix, const char *needle, size_t *hits)
{
	struct keyscan	 k = { NULL, needle, 0, 0 };
	enum omi_err	 err;

	if (store_open(&k.st, dir, STORE_READ, 5000) != OMI_OK)
		return (size_t)-1;
	err = store_foreach(k.st, prefix, count_key, &k);
	store_close(k.st);
	if (hits != NULL)
		*hits = k.hits;
	return err == OMI_OK ? k.n : (size_t)-1;
}

/* Where the head of word is (WHEAD_NEW: nowhere; -1: unreadable). */
static int
word_where(const char *uid, const char *word)
{
	struct sword_head	 wh;
	struct store		*st;
	enum omi_err		 err;
	char			*val;

	if (store_open(&st, dir, STORE_READ, 5000) != OMI_OK)
		return -1;
	err = whead_get(st, uid, word, &wh, &val);
	free(val);
	store_close(st);
	return err == OMI_OK ? wh.where : err == OMI_NOTFOUND ? WHEAD_NEW : -1;
}

/* No trace of word in uid's index: no head, chunk, directory, vocabulary. */
static int
word_gone(const char *uid, const char *word)
{
	char	 key[128], needle[64];
	size_t	 hits = 1;

	snprintf(key, sizeof(key), "sw:%s:%s", uid, word);
	if (nkeys(key, NULL, NULL) != 0)	/* also catches sw:..:wordX */
		return 0;
	snprintf(key, sizeof(key), "swd:%s:%s", uid, word);
	if (nkeys(key, NULL, NULL) != 0)
		return 0;
	snprintf(key, sizeof(key), "sc:%s:%s:", uid, word);
	if (nkeys(key, NULL, NULL) != 0)
		return 0;
	snprintf(key, sizeof(key), "sv:%s:", uid);
	snprintf(needle, sizeof(needle), "\n%s\n", word);
	return nkeys(key, needle, &hits) != (size_t)-1 && hits == 0 &&
	    word_where(uid, word) == WHEAD_NEW;
}

static int
word_there(const char *uid, const char *word)
{
	return word_where(uid, word) != WHEAD_NEW;
}

/* Search records of uid, over every prefix. */
static size_t
user_keys(const char *uid)
{
	char	 key[128];
	size_t	 i, n = 0, k;

	for (i = 0; i < NPREFIX; i++) {
		/* sh:, sx: and sp: are one key each, without a trailing
		 * ':'. */
		if (strcmp(prefixes[i], "sh") == 0 ||
		    strcmp(prefixes[i], "sx") == 0 ||
		    strcmp(prefixes[i], "sp") == 0) {
			struct store	*st;
			char		*val;

			snprintf(key, sizeof(key), "%s:%s", prefixes[i], uid);
			if (store_open(&st, dir, STORE_READ, 5000) != OMI_OK)
				return (size_t)-1;
			if (store_get(st, key, &val, NULL) == OMI_OK) {
				n++;
				free(val);
			}
			store_close(st);
			continue;
		}
		snprintf(key, sizeof(key), "%s:%s:", prefixes[i], uid);
		if ((k = nkeys(key, NULL, NULL)) == (size_t)-1)
			return k;
		n += k;
	}
	return n;
}

static int
has_key(const char *key)
{
	struct store	*st;
	char		*val;
	int		 ok;

	if (store_open(&st, dir, STORE_READ, 5000) != OMI_OK)
		return -1;
	ok = store_get(st, key, &val, NULL) == OMI_OK;
	if (ok)
		free(val);
	store_close(st);
	return ok;
}

/* The st: entry of docno: its t. */
static int
st_t(const char *uid, uint64_t docno, int64_t *t)
{
	struct store	*st;
	char		*val;
	size_t		 len;
	int		 ok;

	if (store_open(&st, dir, STORE_READ, 5000) != OMI_OK)
		return 0;
	ok = st_load(st, uid, docno / SINDEX_ST_CHUNK, &val, &len) == OMI_OK;
	if (ok) {
		size_t off = (docno % SINDEX_ST_CHUNK) * SINDEX_ST_ENTRY;
		uint64_t u = 0;
		int i;

		ok = off + SINDEX_ST_ENTRY <= len;
		/* little-endian t, as sindex.c writes it (see st_set) */
		for (i = 7; ok && i >= 0; i--)
			u = u << 8 | (unsigned char)val[off + (size_t)i];
		*t = (int64_t)u;
		free(val);
	}
	store_close(st);
	return ok;
}

static uint64_t
docno_of(const char *uid, const char *id)
{
	struct store	*st;
	uint64_t	 d = UINT64_MAX;

	if (store_open(&st, dir, STORE_READ, 5000) != OMI_OK)
		return d;
	if (sdoc_find(st, uid, id, &d) != OMI_OK)
		d = UINT64_MAX;
	store_close(st);
	return d;
}

/* 1 when docno's id is want (NULL: it has none). */
static int
id_is(const char *uid, uint64_t docno, const char *want)
{
	struct store	*st;
	enum omi_err	 err;
	char		*id = NULL;
	int		 ok;

	if (store_open(&st, dir, STORE_READ, 5000) != OMI_OK)
		return 0;
	err = sdoc_id(st, uid, docno, &id);
	store_close(st);
	ok = want == NULL ? err == OMI_NOTFOUND : err == OMI_OK &&
	    strcmp(id, want) == 0;
	free(id);
	return ok;
}

/* ---- add, replace, delete ---- */

static void
test_add(void)
{
	CHECK(usable("u1") == 0);
	CHECK(deliver("u1", "a1", T0 + 1, "Kitchen renovation",
	    "Budget and cabinets", "we agreed on the budget",
	    "the contractor quoted eighteen thousand"));
	CHECK(usable("u1") == 1);
	CHECK(deliver("u1", "a2", T0 + 2, "Dentist", "Appointment moved",
	    "remind me about floss", "the receptionist said Tuesday"));
	CHECK(deliver("u1", "a3", T0 + 3, "Groceries", "Weekly shop",
	    "buy oat milk", "the budget is tight this week"));
	CHECK(clean("u1"));
	/* A word, an infix, a title-only word, by speaker. */
	CHECK(cand_is("u1", "budget", 0, "a3 a1"));
	CHECK(cand_is("u1", "udge", 0, "a3 a1"));
	CHECK(cand_is("u1", "BUDGET", 0, "a3 a1"));
	CHECK(cand_is("u1", "dentist", 0, "a2"));
	CHECK(cand_is("u1", "dentist", 1, ""));
	CHECK(cand_is("u1", "floss", 1, "a2"));
	CHECK(cand_is("u1", "receptionist", 0, "a2"));
	CHECK(cand_is("u1", "receptionist", 1, ""));
	/* a1's wearer said budget; a3's budget was someone else's. */
	CHECK(cand_is("u1", "budget", 1, "a1"));
	CHECK(cand_is("u1", "\"oat milk\"", 0, "a3"));
	CHECK(cand_is("u1", "budget tight", 0, "a3"));
	CHECK(cand_is("u1", "zebra", 0, ""));
	CHECK(word_there("u1", "floss"));
}

static void
test_replace(void)
{
	uint64_t d_old = docno_of("u1", "a2"), d_new;
	int64_t t;

	CHECK(deliver("u1", "a2", T0 + 2, "Dentist", "Appointment cancelled",
	    "remind me about toothpaste", "the receptionist said Friday"));
	CHECK(clean("u1"));
	/* Words only the old version had: gone everywhere. */
	CHECK(word_gone("u1", "floss"));
	CHECK(word_gone("u1", "moved"));
	CHECK(word_gone("u1", "tuesday"));
	CHECK(cand_is("u1", "floss", 0, ""));
	CHECK(cand_is("u1", "tuesday", 0, ""));
	CHECK(cand_is("u1", "toothpaste", 1, "a2"));
	CHECK(cand_is("u1", "friday", 0, "a2"));
	CHECK(cand_is("u1", "dentist", 0, "a2"));
	/* A new docno; the old one's records are gone, its st: entry
	 * marks it deleted. */
	d_new = docno_of("u1", "a2");
	CHECK(d_old != UINT64_MAX && d_new != UINT64_MAX && d_new > d_old);
	CHECK(id_is("u1", d_old, NULL) && id_is("u1", d_new, "a2"));
	CHECK(st_t("u1", d_old, &t) && t == SINDEX_T_DELETED);
	CHECK(st_t("u1", d_new, &t) && t == (T0 + 2) * SEC);
}

static void
test_delete(void)
{
	char	 key[64];
	uint64_t d = docno_of("u1", "a3");
	int64_t	 t;

	CHECK(del("u1", "a3"));
	CHECK(clean("u1"));
	CHECK(word_gone("u1", "groceries"));
	CHECK(word_gone("u1", "oat"));
	CHECK(word_gone("u1", "milk"));
	CHECK(word_gone("u1", "tight"));
	CHECK(word_there("u1", "budget"));	/* a1 still has it */
	CHECK(cand_is("u1", "budget", 0, "a1"));
	CHECK(cand_is("u1", "milk", 0, ""));
	CHECK(has_key("sn:u1:a3") == 0);
	snprintf(key, sizeof(key), "sd:u1:%llu", (unsigned long long)d);
	CHECK(has_key(key) == 0);
	CHECK(st_t("u1", d, &t) && t == SINDEX_T_DELETED);
	/* Deleting what is not there is refused and changes nothing. */
	{
		struct store *st;

		CHECK(store_open(&st, dir, STORE_WRITE, 5000) == OMI_OK);
		CHECK(index_del(st, "u1", "a3") == OMI_NOTFOUND);
		store_close(st);
	}
	CHECK(clean("u1"));
}

static void
test_del_user(void)
{
	struct store	*st;
	size_t		 count = 0, n3, n30;
	int		 ok;

	CHECK(deliver("u3", "x1", T0 + 1, "Shared words", "alpha beta",
	    "gamma", "delta"));
	CHECK(deliver("u3", "x2", T0 + 2, "Only three", "epsilon",
	    "zeta", "eta"));
	CHECK(deliver("u30", "x1", T0 + 1, "Shared words", "alpha beta",
	    "gamma", "delta"));
	CHECK(deliver("u30", "y1", T0 + 5, "Thirty", "theta", "iota", "kappa"));
	CHECK(deliver("u", "z1", T0 + 5, "Short uid", "lambda", "mu", "nu"));
	CHECK(clean("u3") && clean("u30") && clean("u"));
	n30 = user_keys("u30");
	n3 = user_keys("u3");
	CHECK(n3 > 0 && n30 > 0 && n3 != (size_t)-1);
	CHECK(store_open(&st, dir, STORE_WRITE, 5000) == OMI_OK);
	ok = index_del_user(st, "u3", &count) == OMI_OK &&
	    store_commit(st) == OMI_OK;
	store_close(st);
	CHECK(ok && count == 2);
	CHECK(user_keys("u3") == 0);
	CHECK(usable("u3") == 0);
	CHECK(user_keys("u30") == n30);
	CHECK(clean("u30") && clean("u") && clean("u1"));
	CHECK(cand_is("u30", "alpha", 0, "x1"));
	CHECK(cand_is("u", "lambda", 0, "z1"));
	/* Made again, the account starts a fresh index. */
	CHECK(deliver("u3", "x9", T0 + 9, "Again", "omega", "psi", "chi"));
	CHECK(usable("u3") == 1 && clean("u3"));
	CHECK(cand_is("u3", "alpha", 0, ""));
	CHECK(cand_is("u3", "omega", 0, "x9"));
}

/* ---- sealed chunks ---- */

static int
sealed_chunks(const char *uid, const char *word)
{
	char key[128];

	snprintf(key, sizeof(key), "sc:%s:%s:", uid, word);
	return (int)nkeys(key, NULL, NULL);
}

/* The bytes of sealed chunk k of a word (0: none). */
static size_t
chunk_bytes(const char *uid, const char *word, unsigned k)
{
	struct store	*st;
	char		 key[128], *val;
	size_t		 len = 0;

	snprintf(key, sizeof(key), "sc:%s:%s:%u", uid, word, k);
	if (store_open(&st, dir, STORE_READ, 5000) != OMI_OK)
		return 0;
	if (store_get(st, key, &val, &len) == OMI_OK)
		free(val);
	else
		len = 0;
	store_close(st);
	return len;
}

static void
test_seal(void)
{
	static char	 want[NSEAL * 8];
	static int	 live[NSEAL];
	struct store	*st;
	char		*raw, id[16], title[32];
	size_t		 n;
	int		 i, ok = 1, chunks;

	/* One session per delivery would be slow: a few batches. */
	for (i = 0; i < NSEAL && ok; i++) {
		if (i % 50 == 0)
			ok &= store_open(&st, dir, STORE_WRITE, 5000) == OMI_OK;
		snprintf(id, sizeof(id), "s%03d", i);
		snprintf(title, sizeof(title), "Note %d", i);
		/* Said twice: a weight byte, so that the postings seal. */
		raw = body(id, T0 + i, title, "", i % 2 ? "common word common" :
		    "common common", i % 3 ? "rare" : "other");
		ok &= raw != NULL && put_in(st, "u5", raw);
		free(raw);
		live[i] = 1;
		if (i % 50 == 49 || i == NSEAL - 1) {
			/* Postings written (not left pending). */
			ok &= sindex_flush(st, "u5") == OMI_OK;
			ok &= store_commit(st) == OMI_OK;
			store_close(st);
		}
	}
	CHECK(ok);
	CHECK(clean("u5"));
	/* Tails sealed one after the other into one chunk (seal_append:
	 * 680 bytes of postings, under SINDEX_CHUNK_MAX). */
	chunks = sealed_chunks("u5", "common");
	CHECK(chunks == 1 && chunk_bytes("u5", "common", 0) >
	    2 * SINDEX_TAIL_MAX);
	/* From the middle of the sealed chunk's first and second tails,
	 * from the first of all, and from the unsealed tail. */
	for (i = 0; i < NSEAL; i++)
		if (i == 0 || (i >= 20 && i < 40) || (i >= 150 && i < 160) ||
		    i == 200 || i >= NSEAL - 5) {
			snprintf(id, sizeof(id), "s%03d", i);
			ok &= del("u5", id);
			live[i] = 0;
		}
	CHECK(ok);
	CHECK(clean("u5"));
	for (n = 0, i = NSEAL; i-- > 0; )
		if (live[i])
			n += (size_t)snprintf(want + n, sizeof(want) - n,
			    "%ss%03d", n ? " " : "", i);
	CHECK(cand_is("u5", "common", 0, want));
	for (n = 0, i = NSEAL; i-- > 0; )
		if (live[i] && i % 2)
			n += (size_t)snprintf(want + n, sizeof(want) - n,
			    "%ss%03d", n ? " " : "", i);
	CHECK(cand_is("u5", "word", 1, want));
	/* Empty a whole sealed chunk: every conversation of chunk 0. */
	for (i = 0; i < 70; i++)
		if (live[i]) {
			snprintf(id, sizeof(id), "s%03d", i);
			ok &= del("u5", id);
			live[i] = 0;
		}
	CHECK(ok && clean("u5"));
	for (n = 0, i = NSEAL; i-- > 0; )
		if (live[i])
			n += (size_t)snprintf(want + n, sizeof(want) - n,
			    "%ss%03d", n ? " " : "", i);
	CHECK(cand_is("u5", "common", 0, want));
	/* And everything: the word leaves no trace. */
	for (i = 0; i < NSEAL; i++)
		if (live[i]) {
			snprintf(id, sizeof(id), "s%03d", i);
			ok &= del("u5", id);
			live[i] = 0;
		}
	CHECK(ok && clean("u5"));
	CHECK(word_gone("u5", "common") && word_gone("u5", "rare"));
	CHECK(cand_is("u5", "common", 0, ""));
}

/* ---- newest first with out-of-order arrivals ---- */

/*
 * Every id listing_fetch finds for q, paging by limit; and in dump, the
 * entries themselves (an indexed search makes them from the records, a
 * full scan reads them from the index pages: they must not differ).
 */
static int
listing_ids(const char *uid, const char *query, int full_scan,
    int speaker_user, size_t limit, char *out, size_t outsz, char *dump,
    size_t dumpsz)
{
	struct listing_filter	 f;
	struct listing_page	 pg;
	struct listing_pos	 pos, next;
	struct index_head	 h;
	struct search		 s;
	struct store		*st;
	json_t			*e;
	size_t			 k, n = 0, d = 0, calls = 0;
	char			*j;
	int			 ok = 1, more = 1;

	out[0] = '\0';
	dump[0] = '\0';
	memset(&s, 0, sizeof(s));
	memset(&f, 0, sizeof(f));
	f.since = INT64_MIN;
	f.until = INT64_MAX;
	f.include_discarded = 1;
	f.search = &s;
	f.speaker_user = speaker_user;
	f.full_scan = full_scan;
	f.scan_budget = (size_t)1 << 30;
	memset(&pos, 0, sizeof(pos));
	if (search_compile(&s, query) != OMI_OK ||
	    store_open(&st, dir, STORE_READ, 5000) != OMI_OK) {
		search_free(&s);
		return 0;
	}
	if (index_head_load(st, uid, &h) != OMI_OK) {
		store_close(st);
		search_free(&s);
		return 0;
	}
	while (ok && more && calls++ < 1000) {
		if (listing_fetch(st, uid, &h, &f, &pos, limit, &pg) !=
		    OMI_OK) {
			ok = 0;
			break;
		}
		ok &= !pg.stopped;
		json_array_foreach(pg.entries, k, e) {
			n += (size_t)snprintf(out + n, n < outsz ? outsz - n :
			    0, "%s%s", n ? " " : "", json_string_value(
			    json_object_get(e, "id")));
			ok &= n < outsz;
			j = json_dumps(e, JSON_COMPACT | JSON_SORT_KEYS);
			ok &= j != NULL;
			d += (size_t)snprintf(dump + d, d < dumpsz ? dumpsz - d :
			    0, "%s\n", j ? j : "");
			ok &= d < dumpsz;
			free(j);
		}
		more = pg.more;
		if (more && json_array_size(pg.entries) > 0) {
			listing_pos_after(&f, &pos, pg.entries,
			    json_array_size(pg.entries), &next);
			pos = next;
		} else if (more)
			ok = 0;
		listing_page_free(&pg);
	}
	index_head_free(&h);
	store_close(st);
	search_free(&s);
	return ok;
}

static int
same_listing(const char *uid, const char *query, int speaker_user,
    const char *want)
{
	static char	 idx[8192], full[8192], idx1[8192];
	static char	 didx[1 << 17], dfull[1 << 17], didx1[1 << 17];
	int		 ok;

	ok = listing_ids(uid, query, 0, speaker_user, 100, idx, sizeof(idx),
	    didx, sizeof(didx)) &&
	    listing_ids(uid, query, 0, speaker_user, 1, idx1, sizeof(idx1),
	    didx1, sizeof(didx1)) &&
	    listing_ids(uid, query, 1, speaker_user, 100, full, sizeof(full),
	    dfull, sizeof(dfull));
	if (ok && (strcmp(didx, dfull) != 0 || strcmp(didx1, dfull) != 0))
		fprintf(stderr, "listing(%s, \"%s\"): entries differ:\n"
		    "indexed:\n%sfull scan:\n%s", uid, query, didx, dfull);
	ok &= strcmp(didx, dfull) == 0 && strcmp(didx1, dfull) == 0;
	if (ok && (strcmp(idx, full) != 0 || strcmp(idx1, full) != 0 ||
	    (want != NULL && strcmp(full, want) != 0)))
		fprintf(stderr, "listing(%s, \"%s\"): indexed \"%s\", by one "
		    "\"%s\", full scan \"%s\", want \"%s\"\n", uid, query, idx,
		    idx1, full, want ? want : "(any)");
	return ok && strcmp(idx, full) == 0 && strcmp(idx1, full) == 0 &&
	    (want == NULL || strcmp(full, want) == 0);
}

static void
test_order(void)
{
	/* Arrival order (id, seconds): newest first, then older ones, and
	 * ties on created_at broken by id. */
	static const struct { const char *id; int64_t s; } arr[] = {
		{ "o5", 50 }, { "o9", 90 }, { "o1", 10 }, { "o7", 70 },
		{ "o3", 30 }, { "o8", 90 }, { "oa", 90 }, { "o6", 50 },
		{ "o4", 50 }, { "o2", 20 }, { "ob", 100 }, { "o0", 0 },
	};
	size_t	 i;
	int	 ok = 1;
	char	 key[32];

	for (i = 0; i < sizeof(arr) / sizeof(arr[0]); i++)
		ok &= deliver("u7", arr[i].id, T0 + arr[i].s, "Order test",
		    "", i % 2 ? "ping pong" : "ping", "tock");
	CHECK(ok && clean("u7"));
	/* The out-of-order arrivals are listed apart. */
	snprintf(key, sizeof(key), "sx:u7");
	CHECK(has_key(key) == 1);
	CHECK(same_listing("u7", "ping", 0,
	    "ob oa o9 o8 o7 o6 o5 o4 o3 o2 o1 o0"));
	CHECK(same_listing("u7", "pong", 0, "o9 o8 o7 o6 o2 o0"));
	CHECK(same_listing("u7", "pong", 1, "o9 o8 o7 o6 o2 o0"));
	CHECK(same_listing("u7", "ing", 0, NULL));
	CHECK(cand_is("u7", "pong", 0, "o9 o8 o7 o6 o2 o0"));
	/* Delete some out-of-order ones and a tie, then replace one with
	 * an older time (it becomes an exception). */
	CHECK(del("u7", "o1") && del("u7", "o8") && del("u7", "o4"));
	CHECK(deliver("u7", "o9", T0 + 5, "Order test", "", "ping pong",
	    "tock"));
	CHECK(clean("u7"));
	CHECK(same_listing("u7", "ping", 0,
	    "ob oa o7 o6 o5 o3 o2 o9 o0"));
	CHECK(same_listing("u7", "pong", 0, "o7 o6 o2 o9 o0"));
	CHECK(same_listing("u7", "ing", 1, NULL));
	CHECK(cand_is("u7", "pong", 0, "o7 o6 o2 o9 o0"));
}

/*
 * ---- the entries of an indexed search ----
 * They are made from the records, not read from the index pages, so each
 * field must come out as the pages hold it: odd titles, no structured
 * object, a discarded one, an offset date, and a record older versions
 * stored that today's webhook would refuse (is_user a string).
 */
static void
test_entries(void)
{
	static const struct { const char *clean, *raw; } docs[] = {
		{ "{\"id\":\"m1\",\"created_at\":\"2025-03-01T10:00:00Z\","
		  "\"structured\":{\"title\":\"D\\u00eener \\\"\\u00e0\\\" "
		  "Paris\",\"overview\":\"line\\none\",\"category\":\"social\","
		  "\"emoji\":\"\\ud83c\\udf77\"},\"discarded\":true,"
		  "\"transcript_segments\":[{\"text\":\"bonjour marker\","
		  "\"is_user\":true}]}", NULL },
		{ "{\"id\":\"m2\",\"created_at\":\"2025-03-02T10:00:00+02:00\","
		  "\"structured\":null,\"transcript_segments\":[{\"text\":"
		  "\"marker two\"}]}", NULL },
		{ "{\"id\":\"m3\",\"created_at\":\"2025-03-03T10:00:00Z\","
		  "\"structured\":{\"title\":\"Old\"},\"transcript_segments\":"
		  "[{\"text\":\"marker three\",\"is_user\":true}]}",
		  "{\"id\":\"m3\",\"created_at\":\"2025-03-03T10:00:00Z\","
		  "\"structured\":{\"title\":\"Old\"},\"transcript_segments\":"
		  "[{\"text\":\"marker three\",\"is_user\":\"true\"}]}" },
	};
	struct conv_summary	 sum;
	struct conv_error	 e;
	struct store		*st;
	const char		*raw;
	size_t			 i;
	int			 replaced, ok;

	if (store_open(&st, dir, STORE_WRITE, 5000) != OMI_OK) {
		CHECK(0);
		return;
	}
	ok = 1;
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		raw = docs[i].raw != NULL ? docs[i].raw : docs[i].clean;
		if (conv_ingest(docs[i].clean, strlen(docs[i].clean), &sum,
		    NULL, &e) != OMI_OK) {
			fprintf(stderr, "ingest: %s\n", e.message);
			ok = 0;
			continue;
		}
		ok &= index_put(st, "u10", &sum, raw, strlen(raw),
		    &replaced) == OMI_OK;
		conv_summary_free(&sum);
	}
	ok &= sindex_flush(st, "u10") == OMI_OK && store_commit(st) == OMI_OK;
	store_close(st);
	CHECK(ok && clean("u10"));
	CHECK(same_listing("u10", "marker", 0, "m3 m2 m1"));
	CHECK(same_listing("u10", "bonjour", 0, "m1"));
	CHECK(same_listing("u10", "marker", 1, "m1"));
}

/*
 * ---- speaker=user through the listing ----
 * listing.h: with speaker_user the search looks only at the wearer's own
 * words (segments marked is_user; not the title, not the overview). The
 * index narrows by the wearer bit, but the exact check after it, and the
 * full scan, look at every text: so these fail today (see the report of
 * commit "test_sindex"): the full scan returns conversations whose words
 * only others said, and the indexed walk returns one where the wearer
 * said both words of a phrase but not as the phrase.
 */
static void
test_speaker(void)
{
	int ok = 1;

	ok &= deliver("u15", "k1", T0 + 1, "Apple title", "", "pie apple",
	    "apple pie");
	ok &= deliver("u15", "k2", T0 + 2, "Other", "", "apple pie",
	    "nothing");
	ok &= deliver("u15", "k3", T0 + 3, "Other", "", "nothing",
	    "others say tock");
	CHECK(ok && clean("u15"));
	CHECK(same_listing("u15", "tock", 0, "k3"));
	CHECK(same_listing("u15", "\"apple pie\"", 0, "k2 k1"));
	/* The wearer said "apple pie" only in k2; "tock" never; "title"
	 * is in a title only. */
	CHECK(same_listing("u15", "\"apple pie\"", 1, "k2"));
	CHECK(same_listing("u15", "tock", 1, ""));
	CHECK(same_listing("u15", "title", 1, ""));
}

/*
 * ---- more exceptions than sx: holds ----
 * Reaching SINDEX_EXCEPT_MAX takes 4097 deliveries (minutes under
 * valgrind), so the head is marked disordered by hand after a few
 * out-of-order arrivals, the state add_doc leaves once sx: is full: later
 * out-of-order arrivals are not listed. The indexed walk must still page
 * in (t, id) order, as the full scan does.
 */
static int
set_disordered(const char *uid)
{
	struct sindex_head	 h;
	struct store		*st;
	struct buf		 b = { 0 };
	char			 key[64];
	int			 ok;

	snprintf(key, sizeof(key), "sh:%s", uid);
	if (store_open(&st, dir, STORE_WRITE, 5000) != OMI_OK)
		return 0;
	ok = shead_load(st, uid, &h) == OMI_OK;
	h.disordered = 1;
	ok = ok && shead_encode(&b, &h) == 0 && !b.failed &&
	    store_put(st, key, b.data, b.len) == OMI_OK &&
	    store_commit(st) == OMI_OK;
	store_close(st);
	buf_free(&b);
	return ok;
}

static void
test_disordered(void)
{
	struct sindex_head	 h;
	struct store		*st;
	char			*raw, id[16], said[32];
	int			 i, n = 120, ok = 1;

	ok &= deliver("u16", "newest", T0 + 100000, "Top", "", "w7 all",
	    "x");
	for (i = 0; i < n && ok; i++) {
		if (i == n / 2)
			ok &= set_disordered("u16");
		ok &= store_open(&st, dir, STORE_WRITE, 5000) == OMI_OK;
		snprintf(id, sizeof(id), "q%05d", (i * 37) % n);
		snprintf(said, sizeof(said), "w%d all", i % 5);
		/* Older than "newest", in no order, and ties. */
		raw = body(id, T0 + (i * 37) % n - i % 3, "Old", "", said, "x");
		ok &= raw != NULL && put_flush(st, "u16", raw);
		free(raw);
		ok &= store_commit(st) == OMI_OK;
		store_close(st);
	}
	CHECK(ok);
	CHECK(store_open(&st, dir, STORE_READ, 5000) == OMI_OK);
	CHECK(shead_load(st, "u16", &h) == OMI_OK && h.disordered == 1);
	store_close(st);
	CHECK(clean("u16"));
	CHECK(same_listing("u16", "w2", 0, NULL));
	CHECK(same_listing("u16", "w4", 1, NULL));
	CHECK(same_listing("u16", "all", 0, NULL));
	CHECK(del("u16", "q00007") && del("u16", "newest") &&
	    del("u16", "q00100"));
	CHECK(clean("u16"));
	CHECK(same_listing("u16", "w2", 0, NULL));
	CHECK(deliver("u16", "q00007", T0 + 50, "Old", "", "w2 all", "x"));
	CHECK(clean("u16") && same_listing("u16", "w2", 0, NULL));
	CHECK(same_listing("u16", "all", 0, NULL));
}


/* ---- postings batched in sp: ---- */

/* The docnos pending in sp:<uid>, as "d d d" ("" when none). */
static int
pending_is(const char *uid, const char *want)
{
	struct store	*st;
	uint64_t	*v = NULL;
	size_t		 n = 0, i, k = 0;
	char		 got[1024];
	int		 ok;

	got[0] = '\0';
	if (store_open(&st, dir, STORE_READ, 5000) != OMI_OK)
		return 0;
	ok = dlist_load(st, "sp", uid, &v, &n) == OMI_OK;
	store_close(st);
	for (i = 0; ok && i < n; i++) {
		k += (size_t)snprintf(got + k, k < sizeof(got) ?
		    sizeof(got) - k : 0, "%s%llu", i ? " " : "",
		    (unsigned long long)v[i]);
		ok &= k < sizeof(got);
	}
	free(v);
	if (ok && strcmp(got, want) != 0)
		fprintf(stderr, "sp:%s: got \"%s\", want \"%s\"\n", uid, got,
		    want);
	return ok && strcmp(got, want) == 0;
}

/* The head of a word, decoded (the record copied to rec, freed by the
 * caller). */
static int
word_head(const char *uid, const char *word, struct sword_head *wh,
    char **rec)
{
	struct store	*st;
	int		 ok;

	*rec = NULL;
	if (store_open(&st, dir, STORE_READ, 5000) != OMI_OK)
		return 0;
	ok = whead_get(st, uid, word, wh, rec) == OMI_OK;
	store_close(st);
	return ok;
}

/* 1 when docno has a posting in the word's head tail. */
static int
in_tail(const struct sword_head *wh, uint64_t docno)
{
	const unsigned char	*p = wh->tail, *end = p + wh->tail_len;
	struct spost		 e;
	uint64_t		 prev = 0;

	while (spost_next(&p, end, &prev, &e) == 1)
		if (e.docno == docno)
			return 1;
	return 0;
}

static int
do_flush(struct store *st, void *uid)
{
	return sindex_flush(st, uid) == OMI_OK;
}

static int session(int (*)(struct store *, void *), void *);

/* (a) pending conversations are candidates until their postings are. */
static void
test_pending(void)
{
	char key[64];

	CHECK(deliver_pending("u20", "n1", T0 + 1, "Pending one", "",
	    "alpha apple", "x"));
	CHECK(deliver_pending("u20", "n2", T0 + 2, "Pending two", "",
	    "beta", "x"));
	CHECK(deliver_pending("u20", "n3", T0 + 3, "Pending three", "",
	    "alpha", "y"));
	CHECK(usable("u20") == 1 && clean("u20"));
	CHECK(pending_is("u20", "0 1 2"));
	/* No postings yet: every pending one is a candidate, for any
	 * term, even one no conversation has. */
	CHECK(!word_there("u20", "alpha") && word_gone("u20", "alpha"));
	CHECK(cand_is("u20", "alpha", 0, "n3 n2 n1"));
	CHECK(cand_is("u20", "zebra", 0, "n3 n2 n1"));
	/* The exact check decides: the listing is right all the same. */
	CHECK(same_listing("u20", "alpha", 0, "n3 n1"));
	CHECK(same_listing("u20", "beta", 0, "n2"));
	CHECK(same_listing("u20", "zebra", 0, ""));
	/* Written: exactly the posting matches. */
	CHECK(session(do_flush, "u20"));
	CHECK(pending_is("u20", ""));
	snprintf(key, sizeof(key), "sp:u20");
	CHECK(has_key(key) == 0);
	CHECK(word_there("u20", "alpha") && clean("u20"));
	CHECK(cand_is("u20", "alpha", 0, "n3 n1"));
	CHECK(cand_is("u20", "apple", 1, "n1"));
	CHECK(cand_is("u20", "beta", 0, "n2"));
	CHECK(cand_is("u20", "zebra", 0, ""));
	CHECK(same_listing("u20", "alpha", 0, "n3 n1"));
	/* A flush with nothing pending changes nothing. */
	CHECK(session(do_flush, "u20") && clean("u20"));
	CHECK(cand_is("u20", "alpha", 0, "n3 n1"));
}

/* (b) the SINDEX_PENDING-th delivery (index_put) writes the batch. */
static void
test_batch(void)
{
	struct sword_head	 wh;
	char			 id[16], said[32], want[512], *rec;
	size_t			 n = 0;
	int			 i, ok = 1;

	for (i = 0; i < SINDEX_PENDING - 1; i++) {
		snprintf(id, sizeof(id), "b%02d", i);
		snprintf(said, sizeof(said), "batch w%d", i % 3);
		ok &= deliver_pending("u21", id, T0 + i, "Batch", "", said,
		    "x");
	}
	CHECK(ok && clean("u21"));
	for (i = 0; i < SINDEX_PENDING - 1; i++)
		n += (size_t)snprintf(want + n, sizeof(want) - n, "%s%d",
		    i ? " " : "", i);
	CHECK(pending_is("u21", want));
	CHECK(nkeys("sw:u21:", NULL, NULL) == 0);
	CHECK(nkeys("sv:u21:", NULL, NULL) == 0);
	/* The 32nd: one delivery writes all 32. */
	snprintf(id, sizeof(id), "b%02d", SINDEX_PENDING - 1);
	snprintf(said, sizeof(said), "batch w%d", (SINDEX_PENDING - 1) % 3);
	CHECK(deliver_pending("u21", id, T0 + SINDEX_PENDING - 1, "Batch",
	    "", said, "x"));
	CHECK(pending_is("u21", "") && has_key("sp:u21") == 0);
	CHECK(clean("u21"));
	CHECK(word_head("u21", "batch", &wh, &rec) &&
	    wh.df == SINDEX_PENDING && wh.saturated == 0);
	free(rec);
	/* w1: docnos 1, 4, .. 31 (i % 3 == 1 of 0..31). */
	CHECK(word_head("u21", "w1", &wh, &rec) &&
	    wh.df == (SINDEX_PENDING + 1) / 3 && in_tail(&wh, 1) &&
	    !in_tail(&wh, 0) && in_tail(&wh, SINDEX_PENDING - 1));
	free(rec);
	for (n = 0, i = SINDEX_PENDING; i-- > 0; )
		if (i % 3 == 2)
			n += (size_t)snprintf(want + n, sizeof(want) - n,
			    "%sb%02d", n ? " " : "", i);
	CHECK(cand_is("u21", "w2", 0, want));
	CHECK(same_listing("u21", "w2", 0, want));
	/* The next one waits again. */
	CHECK(deliver_pending("u21", "b99", T0 + 99, "Batch", "", "w2", "x"));
	snprintf(want, sizeof(want), "%d", SINDEX_PENDING);
	CHECK(pending_is("u21", want) && clean("u21"));
	CHECK(same_listing("u21", "w2", 0, NULL));
}

/* (c) a pending conversation deleted before its batch leaves no trace. */
static void
test_pending_del(void)
{
	struct sword_head	 wh;
	char			 id[16], want[512], *rec;
	size_t			 n = 0;
	uint64_t		 gone;
	int			 i, ok = 1;

	CHECK(deliver_pending("u22", "g0", T0, "Keep", "", "shared", "x"));
	CHECK(deliver_pending("u22", "g1", T0 + 1, "Gone", "",
	    "uniqueword shared", "x"));
	CHECK(deliver_pending("u22", "g2", T0 + 2, "Keep", "", "shared",
	    "x"));
	gone = docno_of("u22", "g1");
	CHECK(gone == 1 && pending_is("u22", "0 1 2"));
	CHECK(del("u22", "g1"));
	CHECK(pending_is("u22", "0 2") && clean("u22"));
	CHECK(docno_of("u22", "g1") == UINT64_MAX && has_key("sd:u22:1") ==
	    0);
	CHECK(cand_is("u22", "uniqueword", 0, "g2 g0"));
	CHECK(same_listing("u22", "uniqueword", 0, ""));
	/* Fill the batch: 2 pending, 30 more. */
	for (i = 3; i < SINDEX_PENDING + 1 && ok; i++) {
		snprintf(id, sizeof(id), "g%02d", i);
		ok &= deliver_pending("u22", id, T0 + i, "Keep", "", "shared",
		    "x");
	}
	CHECK(ok && pending_is("u22", "") && clean("u22"));
	/* Its words were never written; the shared one has every other. */
	CHECK(word_gone("u22", "uniqueword") && word_gone("u22", "gone"));
	CHECK(word_head("u22", "shared", &wh, &rec) &&
	    wh.df == SINDEX_PENDING && !in_tail(&wh, gone) &&
	    in_tail(&wh, 0) && in_tail(&wh, 2));
	free(rec);
	CHECK(cand_is("u22", "uniqueword", 0, ""));
	for (i = SINDEX_PENDING; i >= 3; i--)
		n += (size_t)snprintf(want + n, sizeof(want) - n, "%sg%02d",
		    n ? " " : "", i);
	n += (size_t)snprintf(want + n, sizeof(want) - n, " g2 g0");
	CHECK(cand_is("u22", "shared", 0, want));
}

/*
 * (d) saturation: a word in more than a quarter of the conversations and
 * in at least SINDEX_SAT_MIN keeps only its count. NSAT conversations
 * all have "everyword"; "tenth" is in every tenth, "k<i>" in one each.
 */
#define NSAT	(SINDEX_SAT_MIN + 6)
static void
test_saturate(void)
{
	struct sword_head	 wh;
	struct store		*st = NULL;
	char			*raw, id[16], said[64], *rec, key[64];
	uint64_t		 df;
	int			 i, ok = 1;

	for (i = 0; i < NSAT && ok; i++) {
		if (i % 200 == 0)
			ok &= store_open(&st, dir, STORE_WRITE, 5000) ==
			    OMI_OK;
		snprintf(id, sizeof(id), "t%04d", i);
		snprintf(said, sizeof(said), "everyword k%d%s", i,
		    i % 10 ? "" : " tenth");
		raw = body(id, T0 + i, "Sat", "", said, "x");
		ok &= raw != NULL && put_in(st, "u23", raw);
		free(raw);
		if (i % 200 == 199 || i == NSAT - 1) {
			ok &= store_commit(st) == OMI_OK;
			store_close(st);
		}
	}
	CHECK(ok);
	/* The batches have gone through SINDEX_SAT_MIN: saturated. */
	CHECK(word_head("u23", "everyword", &wh, &rec) && wh.saturated == 1 &&
	    wh.nsealed == 0 && wh.tail_len == 0);
	free(rec);
	CHECK(session(do_flush, "u23") && pending_is("u23", ""));
	CHECK(clean("u23"));
	CHECK(word_head("u23", "everyword", &wh, &rec) && wh.saturated == 1 &&
	    wh.df == NSAT && wh.nsealed == 0 && wh.tail_len == 0);
	free(rec);
	CHECK(nkeys("sc:u23:everyword:", NULL, NULL) == 0);
	CHECK(nkeys("swd:u23:everyword", NULL, NULL) == 0);
	/* Too common to narrow anything: the caller walks everything. */
	CHECK(cand_is("u23", "everyword", 0, "-"));
	CHECK(cand_is("u23", "k1000", 0, "t1000"));
	/* (k1007 is in no other word: k7 would be in k70..k799 too.) */
	CHECK(cand_is("u23", "everyword k1007", 0, "t1007"));
	CHECK(same_listing("u23", "k1000", 0, "t1000"));
	CHECK(same_listing("u23", "\"everyword k1029\"", 1, "t1029"));
	CHECK(same_listing("u23", "tenth", 0, NULL));
	CHECK(same_listing("u23", "tenth everyword", 0, NULL));
	/* Deletions take its count down. */
	CHECK(del("u23", "t0005") && del("u23", "t1000") &&
	    del("u23", "t1029"));
	CHECK(word_head("u23", "everyword", &wh, &rec) && wh.df == NSAT - 3);
	free(rec);
	df = wh.df;
	CHECK(clean("u23"));
	CHECK(cand_is("u23", "k1000", 0, ""));
	CHECK(same_listing("u23", "k1000", 0, ""));
	CHECK(same_listing("u23", "\"everyword k1029\"", 0, ""));
	CHECK(same_listing("u23", "tenth", 0, NULL));
	/* A new one adds to the count only. */
	CHECK(deliver("u23", "t9999", T0 + 9999, "Sat", "", "everyword new",
	    "x"));
	CHECK(word_head("u23", "everyword", &wh, &rec) && wh.df == df + 1 &&
	    wh.saturated == 1 && wh.tail_len == 0);
	free(rec);
	CHECK(clean("u23"));
	snprintf(key, sizeof(key), "sc:u23:everyword:0");
	CHECK(has_key(key) == 0);
}

/* ---- relevance: the title weighs most ---- */
static void
test_relevance(void)
{
	struct sindex_query	*q = NULL;
	struct sindex_hit	 hit;
	struct search		 s;
	struct store		*st;
	char			 got[256];
	size_t			 n = 0;
	int			 ok = 1;

	ok &= deliver("u17", "r1", T0 + 3, "Weather", "", "a word about rain",
	    "x");
	ok &= deliver("u17", "r2", T0 + 1, "Rain plans", "", "nothing", "x");
	ok &= deliver("u17", "r3", T0 + 2, "Other", "rain mentioned", "none",
	    "x");
	CHECK(ok && clean("u17"));
	memset(&s, 0, sizeof(s));
	got[0] = '\0';
	CHECK(search_compile(&s, "rain") == OMI_OK);
	CHECK(store_open(&st, dir, STORE_READ, 5000) == OMI_OK);
	CHECK(sindex_query(st, "u17", &s, 0, 1, &q) == OMI_OK);
	CHECK(q != NULL && sindex_start(q, 0, 0, NULL) == OMI_OK);
	while (q != NULL && sindex_next(q, &hit) == OMI_OK && n < 200)
		n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%s",
		    n ? " " : "", hit.id);
	CHECK(q != NULL && sindex_count(q) == 3);
	sindex_query_free(q);
	store_close(st);
	search_free(&s);
	if (strcmp(got, "r2 r3 r1") != 0)
		fprintf(stderr, "relevance: got \"%s\"\n", got);
	CHECK(strcmp(got, "r2 r3 r1") == 0);
}

/* ---- a user from before the index, and its rebuild ---- */

static int
session(int (*fn)(struct store *, void *), void *arg)
{
	struct store	*st;
	int		 ok;

	if (store_open(&st, dir, STORE_WRITE, 5000) != OMI_OK)
		return 0;
	ok = fn(st, arg) && store_commit(st) == OMI_OK;
	store_close(st);
	return ok;
}

static int
do_drop(struct store *st, void *uid)
{
	return sindex_drop_user(st, uid) == OMI_OK;
}

static int
do_start(struct store *st, void *uid)
{
	return sindex_build_start(st, uid) == OMI_OK;
}

static int
do_end(struct store *st, void *uid)
{
	return sindex_build_end(st, uid) == OMI_OK;
}

/* Adds the listed conversations to a rebuild, as omi-admin reindex does
 * (one deleted meanwhile is passed over). */
static int
do_build(struct store *st, void *arg)
{
	const char *const	*ids = arg;
	char			*raw;
	size_t			 len, i;
	enum omi_err		 err;
	int64_t			 t;
	int			 ok = 1;

	for (i = 0; ids[i] != NULL && ok; i++) {
		err = index_get(st, "u9", ids[i], &raw, &len);
		if (err == OMI_NOTFOUND)
			continue;
		t = (T0 + 10 * (ids[i][1] - '0')) * SEC;
		ok = err == OMI_OK && sindex_build_add(st, "u9", ids[i], t, raw,
		    len) == OMI_OK;
		free(raw);
	}
	return ok;
}

static void
test_rebuild(void)
{
	static const char *const first[] = { "p1", "p2", "p3", NULL };
	static const char *const rest[] = { "p4", "p5", "p6", "p7", NULL };
	struct store		*st;
	struct sindex_stats	 ss;
	enum omi_err		 err;
	int			 ok = 1, i;
	char			 id[16], said[32];

	for (i = 1; i <= 5; i++) {
		snprintf(id, sizeof(id), "p%d", i);
		snprintf(said, sizeof(said), "word%d shared", i);
		ok &= deliver("u9", id, T0 + 10 * i, "Legacy", "", said,
		    "other");
	}
	CHECK(ok && usable("u9") == 1);
	/* As if they had come before the index existed. */
	CHECK(session(do_drop, "u9"));
	CHECK(usable("u9") == 0 && user_keys("u9") == 0);
	CHECK(store_open(&st, dir, STORE_READ, 5000) == OMI_OK);
	memset(&ss, 0, sizeof(ss));
	err = sindex_check(st, "u9", problem, NULL, &ss);
	store_close(st);
	CHECK(err == OMI_NOTFOUND);
	/* Later deliveries make no index; search reads everything. */
	CHECK(deliver("u9", "p6", T0 + 60, "Legacy", "", "word6 shared",
	    "other"));
	CHECK(usable("u9") == 0 && user_keys("u9") == 0);
	CHECK(cand_is("u9", "shared", 0, "-"));
	CHECK(same_listing("u9", "shared", 0, "p6 p5 p4 p3 p2 p1"));
	/* The rebuild, in sessions, with a delivery, a replacement and
	 * deletions between them. */
	CHECK(session(do_start, "u9"));
	CHECK(usable("u9") == 0);
	CHECK(session(do_build, (void *)first));
	CHECK(usable("u9") == 0);
	/* p7 is delivered during the build (indexed now), p2 (added
	 * already) and p5 (not yet) are deleted, p3 (added) is replaced. */
	CHECK(deliver("u9", "p7", T0 + 70, "Legacy", "", "word7 shared",
	    "other"));
	CHECK(docno_of("u9", "p7") != UINT64_MAX);
	CHECK(del("u9", "p2") && del("u9", "p5"));
	CHECK(docno_of("u9", "p2") == UINT64_MAX);
	CHECK(deliver("u9", "p3", T0 + 30, "Legacy", "", "word3new shared",
	    "other"));
	CHECK(session(do_build, (void *)rest));
	CHECK(session(do_end, "u9"));
	CHECK(usable("u9") == 1);
	CHECK(clean("u9"));
	CHECK(cand_is("u9", "shared", 0, "p7 p6 p4 p3 p1"));
	CHECK(cand_is("u9", "word7", 0, "p7"));
	CHECK(cand_is("u9", "word2", 0, ""));
	CHECK(cand_is("u9", "word5", 0, ""));
	CHECK(cand_is("u9", "word3new", 0, "p3"));
	CHECK(word_gone("u9", "word2") && word_gone("u9", "word5"));
	CHECK(same_listing("u9", "shared", 0, "p7 p6 p4 p3 p1"));
	CHECK(same_listing("u9", "word", 0, "p7 p6 p4 p3 p1"));
}

/* ---- one session: the index commits or vanishes with the data ---- */

static void
test_session(void)
{
	struct store	*st;
	char		*raw, *val;
	int		 ok;

	raw = body("c1", T0, "Atomic", "one record", "all or nothing",
	    "both");
	CHECK(raw != NULL);
	/* Dropped: neither the conversation nor any search record. */
	CHECK(store_open(&st, dir, STORE_WRITE, 5000) == OMI_OK);
	ok = put_flush(st, "u11", raw);
	CHECK(ok);
	/* Queued in this session, visible to it, */
	CHECK(store_get(st, "sh:u11", &val, NULL) == OMI_OK);
	free(val);
	{
		struct sword_head wh;

		CHECK(whead_get(st, "u11", "atomic", &wh, &val) == OMI_OK);
		free(val);
	}
	store_close(st);		/* no commit: a crash before it */
	CHECK(store_open(&st, dir, STORE_READ, 5000) == OMI_OK);
	CHECK(index_get(st, "u11", "c1", &val, NULL) == OMI_NOTFOUND);
	store_close(st);
	CHECK(user_keys("u11") == 0);
	CHECK(nkeys("conv:u11:", NULL, NULL) == 0);
	/* Committed: both. */
	CHECK(store_open(&st, dir, STORE_WRITE, 5000) == OMI_OK);
	CHECK(put_flush(st, "u11", raw) && store_commit(st) == OMI_OK);
	store_close(st);
	CHECK(store_open(&st, dir, STORE_READ, 5000) == OMI_OK);
	CHECK(index_get(st, "u11", "c1", &val, NULL) == OMI_OK);
	free(val);
	store_close(st);
	CHECK(user_keys("u11") > 0 && clean("u11"));
	CHECK(cand_is("u11", "nothing", 1, "c1"));
	/* A deletion dropped before commit leaves both as they were. */
	CHECK(store_open(&st, dir, STORE_WRITE, 5000) == OMI_OK);
	CHECK(index_del(st, "u11", "c1") == OMI_OK);
	store_close(st);
	CHECK(clean("u11") && cand_is("u11", "nothing", 1, "c1"));
	free(raw);
}

/* ---- the check sees damage ---- */

static size_t
problems(const char *uid)
{
	struct sindex_stats	 ss;
	struct store		*st;
	enum omi_err		 err;

	if (store_open(&st, dir, STORE_READ, 5000) != OMI_OK)
		return 0;
	memset(&ss, 0, sizeof(ss));
	err = sindex_check(st, uid, quiet, NULL, &ss);
	store_close(st);
	return err == OMI_OK ? ss.problems : 0;
}

static int
damage(const char *key, const char *val, size_t len)
{
	struct store	*st;
	int		 ok;

	if (store_open(&st, dir, STORE_WRITE, 5000) != OMI_OK)
		return 0;
	ok = (val == NULL ? store_del(st, key) : store_put(st, key, val,
	    len)) == OMI_OK && store_commit(st) == OMI_OK;
	store_close(st);
	return ok;
}

static void
test_check_sees(void)
{
	char	 key[64];
	int	 ok = 1;

	/* A word's postings lost. */
	ok &= deliver("u12", "d1", T0 + 1, "Damaged", "", "apple banana",
	    "cherry");
	ok &= deliver("u12", "d2", T0 + 2, "Also", "", "apple", "date");
	CHECK(ok && clean("u12"));
	CHECK(word_where("u12", "banana") == WHEAD_BUCKET);
	snprintf(key, sizeof(key), "sq:u12:%zu", sword_hash("banana", 6) %
	    SINDEX_WBUCKETS);
	CHECK(damage(key, NULL, 0) && problems("u12") > 0);
	/* A bucket that does not decode. */
	ok &= deliver("u19", "d9", T0 + 9, "Damaged", "", "kiwi", "lime");
	CHECK(ok && clean("u19"));
	snprintf(key, sizeof(key), "sq:u19:%zu", sword_hash("kiwi", 4) %
	    SINDEX_WBUCKETS);
	CHECK(damage(key, "kiwi\0\x01", 6) && problems("u19") > 0);
	/* A head in a bucket for a word the vocabulary does not hold. */
	ok &= deliver("u42", "d10", T0 + 10, "Fine", "", "kiwi", "lime");
	CHECK(ok && clean("u42"));
	CHECK(sword_hash("nowhere", 7) % SINDEX_WBUCKETS != sword_hash("kiwi",
	    4) % SINDEX_WBUCKETS);
	snprintf(key, sizeof(key), "sq:u42:%zu", sword_hash("nowhere", 7) %
	    SINDEX_WBUCKETS);
	CHECK(nkeys(key, NULL, NULL) == 0);
	CHECK(damage(key, "nowhere\0\x00\x01\x00", 11) &&
	    problems("u42") > 0);
	/* A conversation unindexed. */
	ok &= deliver("u13", "d3", T0 + 3, "Damaged", "", "apple", "fig");
	CHECK(ok && clean("u13"));
	snprintf(key, sizeof(key), "sn:u13:%zu", sword_hash("d3", 2) %
	    SINDEX_DBUCKETS);
	CHECK(damage(key, NULL, 0) && problems("u13") > 0);
	/* An id left for a docno no conversation has. */
	ok &= deliver("u43", "d11", T0 + 11, "Fine", "", "kiwi", "lime");
	CHECK(ok && clean("u43"));
	CHECK(damage("si:u43:0", "d11\0stray", 10) && problems("u43") > 0);
	/* Postings of no conversation, and postings that do not decode. */
	ok &= deliver("u14", "d4", T0 + 4, "Damaged", "", "apple", "fig");
	CHECK(ok && clean("u14"));
	/* (In today's head form: vchunk 0, df 1, nsealed 0, saturated 0,
	 * tail_len, the tail, zeros to 16 bytes.) Docno 32: */
	/* Heads in the form before saturation and padding: malformed. */
	CHECK(damage("sw:u14:fig", "\x00\x01\x00\x40\x01", 5) &&
	    problems("u14") > 0);
	CHECK(damage("sw:u14:fig", "\x00\x01\x00\x80", 4) &&
	    problems("u14") > 0);
	CHECK(damage("sw:u14:fig", "\x00\x01\x00\x00\x02\x40\x01"
	    "\0\0\0\0\0\0\0\0\0", 16) && problems("u14") > 0);
	/* A posting cut inside its varint: */
	CHECK(damage("sw:u14:fig", "\x00\x01\x00\x00\x01\x80"
	    "\0\0\0\0\0\0\0\0\0\0", 16) && problems("u14") > 0);
	/* A head that does not decode. */
	CHECK(damage("sh:u14", "garbage", 7));
	{
		struct sindex_stats	 ss;
		struct store		*st;

		CHECK(store_open(&st, dir, STORE_READ, 5000) == OMI_OK);
		CHECK(sindex_check(st, "u14", quiet, NULL, &ss) ==
		    OMI_CORRUPT);
		store_close(st);
	}
}

/*
 * ---- a vocabulary of many chunks ----
 * A search reads only the vocabulary chunks the n-gram lists name (and the
 * last); a piece must still find a word in any chunk, at any place in the
 * word, one- and two-byte pieces included, and a word taken out of a
 * sealed chunk must not come back. omi-admin check sees a chunk missing
 * from the lists and a list that does not decode.
 */
#define NVOCAB_CONVS	120

static void
vocab_word(char *w, size_t wsz, size_t conv, size_t k)
{
	/* "v", (conv, k) in base 16 as the letters a to p, "qx": no word
	 * holds another's "v...q". */
	size_t	 v = conv * 40 + k, i = 0;

	w[i++] = 'v';
	do {
		w[i++] = (char)('a' + v % 16);
		v /= 16;
	} while (v > 0 && i + 4 < wsz);
	w[i++] = 'q';
	w[i++] = 'x';
	w[i] = '\0';
}

static void
test_vocab_chunks(void)
{
	struct sindex_head	 h;
	struct store		*st;
	struct buf		 said = { 0 };
	char			 id[16], w[32], first[32], mid[32], want[64];
	size_t			 c, k;
	int			 ok = 1;

	for (c = 0; c < NVOCAB_CONVS; c++) {
		buf_reset(&said);
		for (k = 0; k < 40; k++) {
			vocab_word(w, sizeof(w), c, k);
			buf_printf(&said, "%s%s", k ? " " : "", w);
		}
		snprintf(id, sizeof(id), "vc%02zu", c);
		ok &= !said.failed && deliver("u40", id, T0 + (int64_t)c,
		    "Chunks", "", said.data, c == 7 ? "9" : "");
	}
	buf_free(&said);
	CHECK(ok && clean("u40"));
	CHECK(store_open(&st, dir, STORE_READ, 5000) == OMI_OK &&
	    shead_load(st, "u40", &h) == OMI_OK);
	store_close(st);
	CHECK(h.nvocab > 10);	/* the test means many sealed chunks */
	vocab_word(first, sizeof(first), 0, 3);
	vocab_word(mid, sizeof(mid), 60, 17);
	CHECK(cand_is("u40", first, 0, "vc00"));
	CHECK(cand_is("u40", mid, 0, "vc60"));
	/* An infix, a two-byte piece, a one-byte one. */
	CHECK(cand_is("u40", mid + 1, 0, "vc60"));
	snprintf(want, sizeof(want), "%.2s", mid + 1);
	CHECK(same_listing("u40", want, 0, NULL));
	CHECK(same_listing("u40", "9", 0, "vc07"));
	CHECK(same_listing("u40", mid + 2, 0, NULL));
	CHECK(same_listing("u40", "nosuchword", 0, ""));
	/* The words of vc00 leave their (sealed) chunk. */
	CHECK(del("u40", "vc00") && clean("u40"));
	CHECK(cand_is("u40", first, 0, ""));
	CHECK(same_listing("u40", first, 0, ""));
	CHECK(same_listing("u40", mid, 0, "vc60"));
	/* A chunk missing from its n-grams' lists; a list that does not
	 * decode. */
	CHECK(damage("sg:u40:7", NULL, 0) && problems("u40") > 0);
	CHECK(damage("sg:u40:8", "\x03" "ab", 3) && problems("u40") > 0);
}

/*
 * ---- where a word's head lives ----
 * A word with few postings shares a bucket record with others; it moves
 * to a record of its own as it grows, and back as deletions shrink it,
 * and searches and omi-admin check find it wherever it is.
 */
static void
test_word_moves(void)
{
	char	 id[16], want[512];
	size_t	 i, n = 0;
	int	 ok = 1;

	for (i = 0; i < 3; i++) {
		snprintf(id, sizeof(id), "g%02zu", i);
		ok &= deliver("u41", id, T0 + (int64_t)i, "Grow", "", "grower",
		    "other");
	}
	CHECK(ok && clean("u41"));
	CHECK(word_where("u41", "grower") == WHEAD_BUCKET);
	for (; i < 40; i++) {
		snprintf(id, sizeof(id), "g%02zu", i);
		ok &= deliver("u41", id, T0 + (int64_t)i, "Grow", "", "grower",
		    "other");
	}
	CHECK(ok && clean("u41"));
	CHECK(word_where("u41", "grower") == WHEAD_SW);
	for (i = 2; i < 40; i++) {
		snprintf(id, sizeof(id), "g%02zu", i);
		ok &= del("u41", id);
	}
	CHECK(ok && clean("u41"));
	CHECK(word_where("u41", "grower") == WHEAD_BUCKET);
	CHECK(cand_is("u41", "grower", 0, "g01 g00"));
	CHECK(same_listing("u41", "rowe", 0, "g01 g00"));
	for (i = 40; i < 46; i++) {
		snprintf(id, sizeof(id), "g%02zu", i);
		ok &= deliver("u41", id, T0 + (int64_t)i, "Grow", "", "grower",
		    "other");
	}
	for (i = 45; i >= 40; i--)
		n += (size_t)snprintf(want + n, sizeof(want) - n, "g%02zu ", i);
	snprintf(want + n, sizeof(want) - n, "g01 g00");
	CHECK(ok && clean("u41") && cand_is("u41", "grower", 0, want));
	CHECK(del("u41", "g00") && del("u41", "g01") && clean("u41"));
	for (i = 40; i < 46; i++) {
		snprintf(id, sizeof(id), "g%02zu", i);
		ok &= del("u41", id);
	}
	CHECK(ok && clean("u41") && word_gone("u41", "grower"));
	CHECK(word_gone("u41", "other") && nkeys("sq:u41:", NULL, NULL) == 0);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_codec();
	test_add();
	test_replace();
	test_delete();
	test_del_user();
	test_seal();
	test_order();
	test_entries();
	test_vocab_chunks();
	test_word_moves();
	test_speaker();
	test_disordered();
	test_pending();
	test_batch();
	test_pending_del();
	test_saturate();
	test_relevance();
	test_rebuild();
	test_session();
	test_check_sees();
	CHECK(clean("u1") && clean("u5") && clean("u7") && clean("u9"));
	unit_rmtree(dir);
	return unit_done("test_sindex");
}
