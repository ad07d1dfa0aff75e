/*
 * test_index_codec: conv/index-codec.c, the stored form of a user's index
 * pages and head: encode/decode round trips, the head's delta, the lazy page
 * walk and the in-place insert against decode-insert-encode, and every
 * truncated or damaged form refused, never misread. No store is involved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conv/index-codec.h"
#include "conv/index-head.h"
#include "conv/index.h"
#include "conv/ingest.h"
#include "lib/buf.h"
#include "unit.h"

/* A head with these totals over refs (the caller's, not to be freed). */
static struct index_head
head_of(struct index_ref *refs, size_t nrefs, size_t n, size_t visible,
    int64_t next)
{
	struct index_head h = { 0 };

	h.n = n;
	h.visible = visible;
	h.next = next;
	h.refs = refs;
	h.nrefs = nrefs;
	return h;
}

/* Head round trip, and its damaged forms refused. */
static void
test_chead(void)
{
	struct index_ref	 refs[2] = {
		{ 3, 1749922862000000, 1749000000000000, "b-9", "b-1", 64, 60, 0 },
		{ 1, -5, -2177452800000000, "a", "", 1, 0, 0 },
	};
	struct index_head	 h = head_of(refs, 2, 65, 60, 4), d;
	struct buf		 b = { 0 };
	size_t			 cut;
	int			 refused = 1;

	CHECK(codec_head_encode(&h, &b) == 0);
	memset(&d, 0, sizeof(d));
	CHECK(codec_head_decode(b.data, b.len, &d) == OMI_OK);
	CHECK(d.n == 65 && d.visible == 60 && d.next == 4 && d.nrefs == 2);
	CHECK(d.nrefs == 2 && d.refs[1].lo_t == -2177452800000000 &&
	    strcmp(d.refs[0].hi_id, "b-9") == 0 &&
	    strcmp(d.refs[1].lo_id, "") == 0 && d.refs[0].visible == 60 &&
	    d.refs[1].hi_t == -5 && d.refs[0].page == 3);
	index_head_free(&d);
	for (cut = 0; cut < b.len; cut++) {
		memset(&d, 0, sizeof(d));
		refused &= codec_head_decode(b.data, cut, &d) == OMI_CORRUPT &&
		    d.refs == NULL;
	}
	CHECK(refused);
	buf_putc(&b, 0);
	memset(&d, 0, sizeof(d));
	CHECK(codec_head_decode(b.data, b.len, &d) == OMI_CORRUPT);
	memset(&d, 0, sizeof(d));
	CHECK(codec_head_decode("{\"n\":1}", 7, &d) == OMI_CORRUPT);
	buf_free(&b);
}

/* A copy of ref r of h, strings duplicated. */
static struct index_ref
ref_copy(const struct index_ref *r)
{
	struct index_ref c = *r;

	c.hi_id = strdup(r->hi_id);
	c.lo_id = strdup(r->lo_id);
	return c;
}

/*
 * The head's delta: the stored head plus the delta is the current head,
 * whatever changed (a reference updated, a page gone, a page added between
 * others, the totals); damaged deltas are refused.
 */
static void
test_chead_delta(void)
{
	struct index_ref	 base[3] = {
		{ 7, 900, 800, "c", "b", 10, 9, 0 },
		{ 5, 700, 600, "b", "a", 64, 64, 0 },
		{ 2, 500, 100, "z", "a", 64, 60, 0 },
	};
	struct index_head	 h = head_of(base, 3, 138, 133, 8);
	struct index_head	 cur = { 0 }, d = { 0 };
	struct buf		 b = { 0 }, db = { 0 };
	size_t			 i, cut;
	int			 same = 1, refused = 1;

	CHECK(codec_head_encode(&h, &b) == 0);
	/* Now: page 7 grew, page 2 is gone, page 8 split off between 7
	 * and 5, page 9 is the oldest. */
	cur.refs = calloc(4, sizeof(*cur.refs));
	cur.refs[0] = ref_copy(&base[0]);
	cur.refs[0].n = 11;
	cur.refs[0].dirty = 1;
	cur.refs[1] = ref_copy(&(struct index_ref){ 8, 790, 750, "x", "w",
	    3, 3, 1 });
	cur.refs[2] = ref_copy(&base[1]);
	cur.refs[3] = ref_copy(&(struct index_ref){ 9, 50, 10, "q", "p",
	    2, 1, 1 });
	cur.nrefs = 4;
	cur.n = 80;
	cur.visible = 79;
	cur.next = 10;
	cur.gone = malloc(sizeof(*cur.gone));
	cur.gone[0] = 2;
	cur.ngone = 1;
	CHECK(codec_head_delta_encode(&cur, &db) == 0);
	CHECK(codec_head_decode(b.data, b.len, &d) == OMI_OK);
	CHECK(codec_head_delta_apply(db.data, db.len, &d) == OMI_OK);
	CHECK(d.n == 80 && d.visible == 79 && d.next == 10 && d.nrefs == 4);
	for (i = 0; i < 4 && d.nrefs == 4; i++)
		same &= d.refs[i].page == cur.refs[i].page &&
		    d.refs[i].n == cur.refs[i].n &&
		    d.refs[i].hi_t == cur.refs[i].hi_t &&
		    strcmp(d.refs[i].lo_id, cur.refs[i].lo_id) == 0 &&
		    d.refs[i].dirty == cur.refs[i].dirty;
	CHECK(same);
	CHECK(d.ngone == 1 && d.gone[0] == 2);
	index_head_free(&d);
	for (cut = 0; cut < db.len; cut++) {
		memset(&d, 0, sizeof(d));
		refused &= codec_head_decode(b.data, b.len, &d) == OMI_OK &&
		    codec_head_delta_apply(db.data, cut, &d) == OMI_CORRUPT;
		index_head_free(&d);
	}
	CHECK(refused);
	buf_putc(&db, 0);
	memset(&d, 0, sizeof(d));
	CHECK(codec_head_delta_apply(db.data, db.len, &d) == OMI_CORRUPT);
	index_head_free(&d);
	/* A delta naming a page twice is damaged (none is written so). */
	cur.refs[3].page = 8;
	buf_reset(&db);
	CHECK(codec_head_delta_encode(&cur, &db) == 0);
	memset(&d, 0, sizeof(d));
	CHECK(codec_head_delta_apply(db.data, db.len, &d) == OMI_CORRUPT);
	index_head_free(&d);
	index_head_free(&cur);
	buf_free(&b);
	buf_free(&db);
}

/* The sizes of u1's stored head and its delta (0 when absent). */

static void
test_cpage(void)
{
	struct buf	 b = { 0 };
	json_t		*a, *d;
	size_t		 cut;
	int		 refused = 1;

	a = json_pack("[{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:b},"
	    " {s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:b}]",
	    "id", "a-1", "created_at", "2025-06-14T17:41:02Z", "t",
	    (json_int_t)1749922862000000, "title", "Kitchen \u00e9 \"plan\"",
	    "overview", "Line one\nline two \xf0\x9f\x94\xa8", "category",
	    "work", "emoji", "\xf0\x9f\x94\xa8", "discarded", 0,
	    "id", "b", "created_at", "1901-01-01T00:00:00Z", "t",
	    (json_int_t)-2177452800000000, "title", "", "overview", "",
	    "category", "", "emoji", "", "discarded", 1);
	CHECK(a != NULL && codec_page_encode(a, &b) == OMI_OK);
	CHECK(b.len > 8 && b.data[0] != '[');
	CHECK(codec_page_decode(b.data, b.len, &d) == OMI_OK);
	CHECK(d != NULL && json_equal(a, d));
	json_decref(d);
	for (cut = 0; cut < b.len; cut++) {
		refused &= codec_page_decode(b.data, cut, &d) == OMI_CORRUPT;
		refused &= d == NULL;
		json_decref(d);
	}
	CHECK(refused);
	buf_putc(&b, 'x');
	CHECK(codec_page_decode(b.data, b.len, &d) == OMI_CORRUPT && d == NULL);
	json_decref(d);
	b.data[0] = 'X';
	CHECK(codec_page_decode(b.data, b.len - 1, &d) == OMI_CORRUPT &&
	    d == NULL);
	json_decref(d);
	json_object_del(json_array_get(a, 1), "emoji");
	buf_free(&b);
	/* An entry without its fields. */
	CHECK(codec_page_encode(a, &b) == OMI_INVALID);
	buf_free(&b);
	/* 1.0's JSON pages */
	CHECK(codec_page_decode("[{\"id\":\"x\"}]", 12, &d) == OMI_OK);
	CHECK(d != NULL && json_array_size(d) == 1);
	json_decref(d);
	CHECK(codec_page_decode("{}", 2, &d) == OMI_CORRUPT && d == NULL);
	json_decref(a);
}

/* A random summary entry; strings from a small alphabet with UTF-8. */
static json_t *
random_entry(int64_t t, int serial)
{
	static const char *const words[] = { "", "a", "Kitchen", "\xc3\xa9t\xc3\xa9",
	    "\xf0\x9f\x94\xa8 plan", "line\nbreak", "b-7" };
	char id[32];

	snprintf(id, sizeof(id), "%c%d", 'a' + rand() % 3, serial);
	return json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:b}", "id", id,
	    "created_at", words[rand() % 7], "t", (json_int_t)t,
	    "title", words[rand() % 7], "overview", words[rand() % 7],
	    "category", words[rand() % 7], "emoji", words[rand() % 7],
	    "discarded", rand() % 4 == 0);
}

/*
 * Walks a stored page as the pager does, asking for every entry: 1 when
 * the keys, flags and objects equal what codec_page_decode gives, 0 when they
 * differ, -1 when the walk (or its start) found damage.
 */
static int
walk_equals_decode(const char *val, size_t len)
{
	struct codec_page_walk	 w;
	json_t			*d, *e, *got;
	char			 id[CONV_ID_MAX + 1];
	int64_t			 t;
	size_t			 i = 0;
	enum omi_err		 rc;
	int			 discarded, same = 1;

	if (codec_page_walk_start(&w, val, len) != OMI_OK)
		return -1;
	/* d stays NULL when the page is damaged. */
	(void)codec_page_decode(val, len, &d);
	while ((rc = codec_page_walk_next(&w, &t, id, &discarded)) ==
	    OMI_OK) {
		e = json_array_get(d, i++);
		got = codec_page_walk_entry(&w);
		same &= e != NULL && got != NULL && json_equal(e, got) &&
		    t == json_integer_value(json_object_get(e, "t")) &&
		    strcmp(id, json_string_value(json_object_get(e, "id"))) ==
		    0 && discarded == json_is_true(json_object_get(e,
		    "discarded"));
		json_decref(got);
	}
	same &= rc == OMI_CORRUPT || i == json_array_size(d);
	json_decref(d);
	codec_page_walk_end(&w);
	return rc == OMI_CORRUPT ? -1 : same;
}

/* The pager's lazy walk reads what codec_page_decode reads, and stops at every
 * damage codec_page_decode refuses. */
static void
test_cpage_walk(void)
{
	struct buf	 b = { 0 };
	json_t		*a;
	char		 longid[CONV_ID_MAX + 2];
	size_t		 cut, i;
	int		 refused = 1;

	a = json_array();
	for (i = 0; i < 40; i++)
		json_array_append_new(a, random_entry(
		    (int64_t)(1000 - i) * 1000000, (int)i));
	CHECK(codec_page_encode(a, &b) == OMI_OK);
	CHECK(walk_equals_decode(b.data, b.len) == 1);
	for (cut = 0; cut < b.len; cut++)
		refused &= walk_equals_decode(b.data, cut) == -1;
	CHECK(refused);
	buf_putc(&b, 'x');		/* bytes past the last entry */
	CHECK(walk_equals_decode(b.data, b.len) == -1);
	buf_free(&b);
	/* 1.0's JSON pages walk the same. */
	b.data = json_dumps(a, JSON_COMPACT);
	CHECK(b.data != NULL && walk_equals_decode(b.data,
	    strlen(b.data)) == 1);
	free(b.data);
	memset(&b, 0, sizeof(b));
	/* An id longer than any the webhook takes is damage. */
	memset(longid, 'x', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	json_object_set_new(json_array_get(a, 3), "id", json_string(longid));
	CHECK(codec_page_encode(a, &b) == OMI_OK);
	CHECK(walk_equals_decode(b.data, b.len) == -1);
	buf_free(&b);
	json_decref(a);
}

static int
bounds_match(const struct codec_page_bounds *b, json_t *entries)
{
	json_t		*hi = json_array_get(entries, 0);
	json_t		*lo = json_array_get(entries, json_array_size(entries) - 1);
	const char	*hid = json_string_value(json_object_get(hi, "id"));
	const char	*lid = json_string_value(json_object_get(lo, "id"));
	size_t		 i, visible = 0;

	for (i = 0; i < json_array_size(entries); i++)
		visible += !json_is_true(json_object_get(json_array_get(entries,
		    i), "discarded"));
	return b->n == json_array_size(entries) && b->visible == visible &&
	    b->hi_t == json_integer_value(json_object_get(hi, "t")) &&
	    b->lo_t == json_integer_value(json_object_get(lo, "t")) &&
	    b->hi_len == strlen(hid) && memcmp(b->hi_id, hid, b->hi_len) == 0 &&
	    b->lo_len == strlen(lid) && memcmp(b->lo_id, lid, b->lo_len) == 0;
}

/*
 * codec_page_insert splices an entry into a stored page: the result is byte for
 * byte what decoding, inserting in key order and encoding again gives, at
 * every position, and it declines what it must not splice.
 */
static void
test_cpage_insert(void)
{
	struct conv_summary	 c;
	struct codec_page_bounds	 b;
	struct buf		 page = { 0 }, got = { 0 }, want = { 0 };
	json_t			*entries, *e, *ne;
	int64_t			 t;
	size_t			 n, k, i;
	int			 round, same = 1, bounds = 1, rc;

	srand(777);
	for (round = 0; round < 400; round++) {
		n = 1 + (size_t)rand() % (INDEX_PAGE_MAX - 1);
		entries = json_array();
		for (i = 0, t = 5000; i < n; i++) {
			t -= rand() % 3;	/* equal times: ordered by id */
			json_array_append_new(entries, random_entry(t,
			    rand() % 50));
		}
		/* Sorted newest first by (t, id), as pages are kept. */
		for (i = 1; i < n; i++)
			for (k = i; k > 0; k--) {
				json_t *x = json_array_get(entries, k - 1);
				json_t *y = json_array_get(entries, k);
				if (index_keycmp(json_integer_value(
				    json_object_get(y, "t")), json_string_value(
				    json_object_get(y, "id")), json_integer_value(
				    json_object_get(x, "t")), json_string_value(
				    json_object_get(x, "id"))) <= 0)
					break;
				json_incref(y);
				json_array_remove(entries, k);
				json_array_insert_new(entries, k - 1, y);
			}
		ne = random_entry(5000 - rand() % (int)(n + 4) + 1, 1000 + round);
		c.id = (char *)json_string_value(json_object_get(ne, "id"));
		c.created_at = (char *)json_string_value(json_object_get(ne,
		    "created_at"));
		c.t = json_integer_value(json_object_get(ne, "t"));
		c.title = (char *)json_string_value(json_object_get(ne, "title"));
		c.overview = (char *)json_string_value(json_object_get(ne,
		    "overview"));
		c.category = (char *)json_string_value(json_object_get(ne,
		    "category"));
		c.emoji = (char *)json_string_value(json_object_get(ne, "emoji"));
		c.discarded = json_is_true(json_object_get(ne, "discarded"));
		buf_free(&page);
		buf_free(&got);
		buf_free(&want);
		codec_page_encode(entries, &page);
		rc = codec_page_insert(page.data, page.len, &c, INDEX_PAGE_MAX, &got,
		    &b);
		for (k = 0; k < n; k++) {
			e = json_array_get(entries, k);
			if (index_keycmp(c.t, c.id, json_integer_value(
			    json_object_get(e, "t")), json_string_value(
			    json_object_get(e, "id"))) > 0)
				break;
		}
		json_array_insert(entries, k, ne);
		codec_page_encode(entries, &want);
		same &= rc == OMI_OK && got.len == want.len &&
		    memcmp(got.data, want.data, got.len) == 0;
		bounds &= rc == OMI_OK && bounds_match(&b, entries);
		json_decref(ne);
		json_decref(entries);
	}
	CHECK(same);
	CHECK(bounds);
	/* A full page is split elsewhere; 1.0's JSON and damage are decoded. */
	c.id = "zz";
	c.created_at = c.title = c.overview = c.category = c.emoji = "";
	c.t = 9999;
	entries = json_array();
	for (i = 0; i < INDEX_PAGE_MAX; i++)
		json_array_append_new(entries, random_entry(5000 - (int64_t)i,
		    (int)i));
	buf_free(&page);
	buf_free(&got);
	codec_page_encode(entries, &page);
	CHECK(codec_page_insert(page.data, page.len, &c, INDEX_PAGE_MAX, &got,
	    &b) == OMI_NOTFOUND && got.len == 0);
	json_array_remove(entries, 0);
	buf_free(&page);
	codec_page_encode(entries, &page);
	CHECK(codec_page_insert(page.data, page.len, &c, INDEX_PAGE_MAX, &got,
	    &b) == OMI_OK && b.n == INDEX_PAGE_MAX);
	buf_free(&got);
	for (i = 0, rc = 1; i < page.len; i++)
		rc &= codec_page_insert(page.data, i, &c, INDEX_PAGE_MAX, &got,
		    &b) == OMI_NOTFOUND;
	CHECK(rc && got.len == 0);
	buf_putc(&page, 'x');
	CHECK(codec_page_insert(page.data, page.len, &c, INDEX_PAGE_MAX, &got,
	    &b) == OMI_NOTFOUND);
	CHECK(codec_page_insert("[{\"id\":\"x\"}]", 12, &c, INDEX_PAGE_MAX, &got,
	    &b) == OMI_NOTFOUND && got.len == 0);
	json_decref(entries);
	buf_free(&page);
	buf_free(&got);
	buf_free(&want);
}


int
main(void)
{
	test_cpage();
	test_cpage_walk();
	test_cpage_insert();
	test_chead();
	test_chead_delta();
	return unit_done("test_index_codec");
}
