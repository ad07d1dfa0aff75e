/*
 * test_listing: conv/listing.c, the pager, against a real store holding a
 * few index pages of one user (and neighbours whose uids share its prefix),
 * checked against a plain model of the same conversations: every filter
 * (dates inclusive at both ends, category, discarded) walked by cursor at
 * several limits visits each match exactly once, newest first, with "more"
 * true exactly when a match follows; offsets land on the model's match;
 * listing_total counts what the walk finds; cursors round trip and the ones
 * this server did not make are refused.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "conv/index.h"
#include "conv/ingest.h"
#include "conv/listing.h"
#include "store/store.h"
#include "unit.h"

#define N	150	/* u1's conversations: three index pages and a bit */
#define SEC	1000000LL

static char dir[] = "/tmp/omi-test-listing.XXXXXX";

/* Conversation i of u1: a second apart, every 7th sharing its time with
 * the one before (ties are broken by id), categories in turn, every 10th
 * discarded. */
static int64_t
conv_t(int i)
{
	return (1700000000LL + i - (i % 7 == 6)) * SEC;
}

static const char *
conv_category(int i)
{
	static const char *cats[] = { "work", "personal", "Work", "" };

	return cats[i % 4];
}

static int
put(struct store *st, const char *uid, const char *id, int64_t t,
    const char *category, int discarded)
{
	struct conv_summary	 s = { 0 };
	char			 ca[32];
	int			 replaced;

	snprintf(ca, sizeof(ca), "t%lld", (long long)t);
	s.id = (char *)id;
	s.created_at = ca;
	s.t = t;
	s.title = s.overview = s.emoji = "";
	s.category = (char *)category;
	s.discarded = discarded;
	return index_put(st, uid, &s, "{}", 2, &replaced) == OMI_OK;
}

static int
fill(void)
{
	struct store	*st;
	char		 id[16];
	int		 i, ok = 1;

	if (store_open(&st, dir, STORE_WRITE, 2000) != OMI_OK)
		return 0;
	/* Out of order, as back-filled conversations arrive. */
	for (i = 0; i < N && ok; i++) {
		int k = (i * 37) % N;

		snprintf(id, sizeof(id), "c%03d", k);
		ok = put(st, "u1", id, conv_t(k), conv_category(k),
		    k % 10 == 0);
	}
	/* Neighbours: in u1's time range, never in u1's answers. */
	for (i = 0; i < 20 && ok; i++) {
		snprintf(id, sizeof(id), "n%03d", i);
		ok = put(st, "u10", id, conv_t(i * 5), "work", 0) &&
		    put(st, "u", id, conv_t(i * 5), "work", 0);
	}
	ok = ok && store_commit(st) == OMI_OK;
	store_close(st);
	return ok;
}

static int
model_match(int i, const struct listing_filter *f)
{
	if (conv_t(i) < f->since || conv_t(i) > f->until)
		return 0;
	if (f->category != NULL && strcasecmp(conv_category(i),
	    f->category) != 0)
		return 0;
	return f->include_discarded || i % 10 != 0;
}

/* The model's matches of f, newest first (ids into want). */
static size_t
model_list(const struct listing_filter *f, char want[][16])
{
	size_t	 n = 0;
	int	 i;

	/* Newest first: descending (t, id); i is ascending in both. */
	for (i = N - 1; i >= 0; i--)
		if (model_match(i, f))
			snprintf(want[n++], sizeof(want[0]), "c%03d", i);
	return n;
}

static void
filter_init(struct listing_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->since = INT64_MIN;
	f->until = INT64_MAX;
}

/* Walks every match of f by cursor, limit at a time, against the model. */
static void
walk(struct store *st, struct index_head *h,
    const struct listing_filter *f, size_t limit)
{
	static char		 want[N][16];
	struct listing_page	 pg;
	struct listing_pos	 pos, back;
	const json_t		*e;
	char			*cur;
	size_t			 n, seen = 0, total, k, calls = 0;
	int			 ok = 1, more = 1;

	n = model_list(f, want);
	memset(&pos, 0, sizeof(pos));
	while (more && ok && calls++ <= N + 1) {
		if (listing_fetch(st, "u1", h, f, &pos, limit, &pg) != OMI_OK) {
			ok = 0;
			break;
		}
		ok &= json_array_size(pg.entries) <= limit;
		json_array_foreach(pg.entries, k, e) {
			ok &= seen < n && strcmp(json_string_value(
			    json_object_get(e, "id")), want[seen]) == 0;
			seen++;
		}
		more = pg.more;
		/* "more" is true exactly when a match follows. */
		ok &= more == (seen < n);
		ok &= !pg.stopped;
		if (more && json_array_size(pg.entries) > 0) {
			e = json_array_get(pg.entries,
			    json_array_size(pg.entries) - 1);
			memset(&pos, 0, sizeof(pos));
			pos.after = 1;
			pos.t = json_integer_value(json_object_get(e, "t"));
			snprintf(pos.id, sizeof(pos.id), "%s",
			    json_string_value(json_object_get(e, "id")));
			/* Through a cursor, as a client carries it. */
			cur = listing_cursor_encode(&pos);
			ok &= cur != NULL && listing_cursor_decode(cur, &back) == 0 &&
			    back.after == 1 && back.t == pos.t &&
			    strcmp(back.id, pos.id) == 0 && back.skip == 0;
			free(cur);
			pos = back;
		} else if (more)
			ok = 0;
		listing_page_free(&pg);
	}
	if (!ok || seen != n)
		fprintf(stderr, "walk limit %zu: %zu of %zu\n", limit, seen, n);
	CHECK(ok && seen == n);
	CHECK(listing_total(st, "u1", h, f, &total) == OMI_OK && total == n);
}

static void
test_filters(void)
{
	static const struct {
		int		 lo, hi;	/* conversation bounds; -1: open */
		int64_t		 dlo, dhi;	/* added to the bound, µs */
		const char	*category;
		int		 discarded;
	} rows[] = {
		{ -1, -1, 0, 0, NULL, 0 },
		{ -1, -1, 0, 0, NULL, 1 },
		/* Inclusive at both ends. */
		{ 20, 90, 0, 0, NULL, 0 },
		{ 20, 90, 0, 0, NULL, 1 },
		{ 20, 90, 1, -1, NULL, 1 },
		{ 64, 64, 0, 0, NULL, 1 },
		{ 13, 13, 0, 0, NULL, 1 },	/* a tie: 13 and 12 */
		{ 100, -1, 0, 0, "WORK", 0 },
		{ -1, 40, 0, 0, "personal", 1 },
		{ -1, -1, 0, 0, "", 1 },
		{ -1, -1, 0, 0, "nosuch", 1 },
		/* Outside the data, and an empty range. */
		{ N + 5, -1, 0, 0, NULL, 1 },
		{ 50, 40, 0, 0, NULL, 1 },
	};
	static const size_t	 limits[] = { 1, 7, 64, 100, 500 };
	struct listing_filter	 f;
	struct index_head	 h;
	struct store		*st;
	size_t			 i, l;

	if (store_open(&st, dir, STORE_READ, 2000) != OMI_OK ||
	    index_head_load(st, "u1", &h) != OMI_OK) {
		CHECK(0);
		return;
	}
	CHECK(h.n == N && h.nrefs >= 3);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		filter_init(&f);
		if (rows[i].lo >= 0)
			f.since = (rows[i].lo < N ? conv_t(rows[i].lo) :
			    conv_t(N - 1) + (rows[i].lo - N + 1) * SEC) +
			    rows[i].dlo;
		if (rows[i].hi >= 0)
			f.until = conv_t(rows[i].hi) + rows[i].dhi;
		f.category = rows[i].category;
		f.include_discarded = rows[i].discarded;
		for (l = 0; l < sizeof(limits) / sizeof(limits[0]); l++)
			walk(st, &h, &f, limits[l]);
	}
	index_head_free(&h);
	store_close(st);
}

/* An offset (a position that skips matches) lands on the model's match. */
static void
test_offsets(void)
{
	static const uint64_t	 skips[] = { 0, 1, 63, 64, 65, 100, 134, 135,
	    1000 };
	static char		 want[N][16];
	struct listing_filter	 f;
	struct listing_pos	 pos;
	struct listing_page	 pg;
	struct index_head	 h;
	struct store		*st;
	size_t			 i, n, k;
	int			 ok;

	if (store_open(&st, dir, STORE_READ, 2000) != OMI_OK ||
	    index_head_load(st, "u1", &h) != OMI_OK) {
		CHECK(0);
		return;
	}
	filter_init(&f);
	n = model_list(&f, want);
	for (i = 0; i < sizeof(skips) / sizeof(skips[0]); i++) {
		memset(&pos, 0, sizeof(pos));
		pos.skip = skips[i];
		ok = listing_fetch(st, "u1", &h, &f, &pos, 10, &pg) == OMI_OK;
		if (ok) {
			for (k = 0; k < json_array_size(pg.entries); k++)
				ok &= skips[i] + k < n && strcmp(
				    json_string_value(json_object_get(
				    json_array_get(pg.entries, k), "id")),
				    want[skips[i] + k]) == 0;
			ok &= json_array_size(pg.entries) ==
			    (skips[i] >= n ? 0 : n - skips[i] < 10 ?
			    n - skips[i] : 10);
			ok &= pg.more == (skips[i] + 10 < n);
			listing_page_free(&pg);
		}
		if (!ok)
			fprintf(stderr, "offset %llu\n",
			    (unsigned long long)skips[i]);
		CHECK(ok);
	}
	/* After a key and then a skip, as a cursor with an offset. */
	memset(&pos, 0, sizeof(pos));
	pos.after = 1;
	pos.t = conv_t(100);
	snprintf(pos.id, sizeof(pos.id), "c100");
	pos.skip = 5;
	/* The model's sixth match older than c100 (whose time is its own). */
	for (k = 0, i = 100; i-- > 0 && k < 6; )
		k += model_match((int)i, &f);
	snprintf(want[0], sizeof(want[0]), "c%03d", (int)(i + 1) % 1000);
	CHECK(k == 6 && listing_fetch(st, "u1", &h, &f, &pos, 1, &pg) ==
	    OMI_OK && json_array_size(pg.entries) == 1 &&
	    strcmp(json_string_value(json_object_get(json_array_get(
	    pg.entries, 0), "id")), want[0]) == 0);
	listing_page_free(&pg);
	/* A user without conversations. */
	index_head_free(&h);
	CHECK(index_head_load(st, "u2", &h) == OMI_NOTFOUND ||
	    (h.n == 0 && h.nrefs == 0));
	store_close(st);
}

/* Cursor text: round trips, and what this server never made is refused. */
static void
test_cursors(void)
{
	static const struct {
		const char	*text;	/* before base64url */
		int		 ok;
	} rows[] = {
		{ "1:0", 1 },
		{ "1:25", 1 },
		{ "1:0:1700000000000000:c001", 1 },
		{ "1:3:-5:a-b_c.d", 1 },
		{ "1:1000000000", 1 },
		{ "1:1000000001", 0 },
		{ "2:0", 1 },	/* a ranking (sort=relevance): skip only */
		{ "2:0:5:c001", 0 },
		{ "2:x", 0 },
		{ "1", 0 },
		{ "1:", 0 },
		{ "1:-1", 0 },
		{ "1:x", 0 },
		{ "1:0:5", 0 },
		{ "1:0:5:", 0 },
		{ "1:0:x:c001", 0 },
		{ "1:0:5:a/b", 0 },
		{ "1:0:5:..", 0 },
		{ "1:0:5:c001:extra", 0 },
		{ "", 0 },
	};
	struct listing_pos	 p, q;
	char			 b64[512], *c;
	size_t			 i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		sodium_bin2base64(b64, sizeof(b64),
		    (const unsigned char *)rows[i].text, strlen(rows[i].text),
		    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		if ((listing_cursor_decode(b64, &p) == 0) != rows[i].ok)
			fprintf(stderr, "cursor \"%s\"\n", rows[i].text);
		CHECK((listing_cursor_decode(b64, &p) == 0) == rows[i].ok);
		if (!rows[i].ok)
			continue;
		/* Encoding what was decoded gives the same cursor. */
		c = listing_cursor_encode(&p);
		CHECK(c != NULL && strcmp(c, b64) == 0 &&
		    listing_cursor_decode(c, &q) == 0 && q.after == p.after &&
		    q.t == p.t && q.skip == p.skip && strcmp(q.id, p.id) == 0);
		free(c);
	}
	/* Not base64url, with padding, an embedded NUL, too long. */
	CHECK(listing_cursor_decode("not a cursor", &p) == -1);
	CHECK(listing_cursor_decode("MTow", &p) == 0);	/* "1:0" */
	CHECK(listing_cursor_decode("MTow=", &p) == -1);
	sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)"1:0\0",
	    4, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	CHECK(listing_cursor_decode(b64, &p) == -1);
	memset(b64, 'A', LISTING_CURSOR_MAX + 1);
	b64[LISTING_CURSOR_MAX + 1] = '\0';
	CHECK(listing_cursor_decode(b64, &p) == -1);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL || sodium_init() == -1)
		return 1;
	CHECK(fill());
	test_filters();
	test_offsets();
	test_cursors();
	unit_rmtree(dir);
	return unit_done("test_listing");
}
