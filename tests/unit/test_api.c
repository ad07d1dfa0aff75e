/*
 * test_api: the list and detail handlers run in-process against a real
 * store (no web server, no token): cursor and offset paging across index
 * pages, each filter and its total, search through the transcripts with a
 * budget that runs out, transcript parts that reassemble exactly, the
 * 100,000-character ceiling on hostile content, and the 400s that name
 * their parameter. The end-to-end suite repeats the main cases over HTTP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "auth/account.h"
#include "auth/oauth.h"
#include "conv/index.h"
#include "conv/ingest.h"
#include "conv/listing.h"
#include "conv/transcript.h"
#include "lib/config.h"
#include "lib/sec.h"
#include "store/store.h"
#include "unit.h"

static char dir[] = "/tmp/omi-test-api.XXXXXX";

#define T0	INT64_C(1750000000)	/* seconds; conversation i at T0 + 60 i */

static void
put(struct store *s, const char *uid, const char *doc)
{
	struct conv_summary	 sum;
	struct conv_error	 e;
	int			 replaced;

	if (conv_ingest(doc, strlen(doc), &sum, NULL, &e) != OMI_OK) {
		fprintf(stderr, "bad doc: %s (%s)\n", e.message, doc);
		CHECK(0);
		return;
	}
	CHECK(index_put(s, uid, &sum, doc, strlen(doc), &replaced) ==
	    OMI_OK);
	conv_summary_free(&sum);
}

static char *
iso(int64_t secs)
{
	static char	 out[8][40];
	static int	 k;
	time_t		 t = (time_t)secs;
	struct tm	 tm;

	k = (k + 1) % 8;
	gmtime_r(&t, &tm);
	strftime(out[k], sizeof(out[k]), "%Y-%m-%dT%H:%M:%S+00:00", &tm);
	return out[k];
}

/* Conversation i: category by i % 3, discarded when i % 10 == 9. */
static void
put_numbered(struct store *s, const char *uid, int i)
{
	static const char *cats[] = { "work", "personal", "Health" };
	char doc[1024];

	snprintf(doc, sizeof(doc), "{\"id\":\"c%03d\",\"created_at\":\"%s\","
	    "\"structured\":{\"title\":\"Conversation %d\",\"overview\":"
	    "\"Overview %d\",\"category\":\"%s\",\"emoji\":\"x\"},"
	    "\"discarded\":%s,\"transcript_segments\":[{\"text\":\"word%d "
	    "%s\",\"speaker\":\"SPEAKER_01\",\"start\":1,\"end\":2}]}",
	    i, iso(T0 + 60 * i), i, i, cats[i % 3], i % 10 == 9 ? "true" :
	    "false", i, i % 7 == 0 ? "Pineapple" : "apple");
	put(s, uid, doc);
}

/* Runs a handler; returns the parsed body and sets *status. */
static json_t *
call(const char *uid, const char *id, const char *query, int *status)
{
	struct app	 a;
	struct store	*s;
	json_t		*j = NULL;

	memset(&a, 0, sizeof(a));
	resp_init(&a.resp);
	a.req.method = "GET";
	a.cfg.datadir = dir;
	if (params_decode(&a.req.query, query, strlen(query)) != OMI_OK) {
		fprintf(stderr, "bad query %s\n", query);
		*status = -1;
		return NULL;
	}
	if (store_open(&s, dir, STORE_READ, 2000) != OMI_OK) {
		*status = -2;
		params_free(&a.req.query);
		return NULL;
	}
	if (id == NULL)
		api_list(&a, s, uid);
	else
		api_detail(&a, s, uid, id);
	store_close(s);
	*status = a.resp.failed ? 500 : a.resp.status;
	if (a.resp.body.len > 0)
		j = json_loadb(a.resp.body.data, a.resp.body.len, 0, NULL);
	if (a.resp.body.len > API_MAX_RESPONSE) {
		fprintf(stderr, "response of %zu bytes\n", a.resp.body.len);
		CHECK(0);
	}
	resp_free(&a.resp);
	params_free(&a.req.query);
	return j;
}

static const char *
jstr(const json_t *j, const char *k)
{
	const char *s = json_string_value(json_object_get(j, k));

	return s ? s : "";
}

static json_int_t
jint(const json_t *j, const char *k)
{
	json_t *v = json_object_get(j, k);

	return json_is_integer(v) ? json_integer_value(v) : -1;
}

/* The number in an id "c%03d"; 299 for any other. */
static int
idnum(const json_t *e)
{
	const char	*id = jstr(e, "id");
	char		*end;
	long		 v;

	if (id[0] != 'c')
		return 299;
	v = strtol(id + 1, &end, 10);
	return *end == '\0' && v >= 0 && v < 299 ? (int)v : 299;
}

/* Pages through with cursors; fills seen[] with how often each id came. */
static int
walk(const char *uid, const char *filters, int limit, int *seen, int nseen,
    int *pages)
{
	char	 q[1024], *cursor = NULL;
	json_t	*j, *e;
	size_t	 k;
	int	 status, n = 0, prev = 1 << 30, ok = 1, i;

	*pages = 0;
	do {
		snprintf(q, sizeof(q), "limit=%d%s%s%s", limit, filters,
		    cursor ? "&cursor=" : "", cursor ? cursor : "");
		free(cursor);
		cursor = NULL;
		if ((j = call(uid, NULL, q, &status)) == NULL || status != 200)
			return -1;
		(*pages)++;
		json_array_foreach(json_object_get(j, "conversations"), k, e) {
			i = idnum(e);
			if (i >= 0 && i < nseen)
				seen[i]++;
			ok &= i < prev;		/* newest first */
			prev = i;
			n++;
		}
		if (json_is_true(json_object_get(j, "has_more")))
			cursor = strdup(jstr(j, "next_cursor"));
		json_decref(j);
	} while (cursor != NULL && *pages < 1000);
	return ok ? n : -2;
}

static void
test_paging(void)
{
	struct store	*s;
	json_t		*j;
	int		 seen[300], pages, i, n, status, ok;
	char		 q[128];

	memset(seen, 0, sizeof(seen));
	n = walk("alice", "&include_discarded=true", 7, seen, 300, &pages);
	CHECK(n == 200);
	CHECK(pages == 29);
	for (i = 0, ok = 1; i < 200; i++)
		ok &= seen[i] == 1;
	CHECK(ok);

	/* Discarded ones are hidden by default. */
	memset(seen, 0, sizeof(seen));
	CHECK(walk("alice", "", 9, seen, 300, &pages) == 180);
	for (i = 0, ok = 1; i < 200; i++)
		ok &= seen[i] == (i % 10 != 9);
	CHECK(ok);

	/* New conversations arriving between pages: no repeat, no gap. */
	j = call("alice", NULL, "limit=50&include_discarded=true", &status);
	CHECK(status == 200 && jint(j, "total") == 200);
	snprintf(q, sizeof(q), "limit=100&include_discarded=true&cursor=%s",
	    jstr(j, "next_cursor"));
	CHECK(store_open(&s, dir, STORE_WRITE, 2000) == OMI_OK);
	for (i = 200; i < 230; i++)	/* newer than everything */
		put_numbered(s, "alice", i);
	put_numbered(s, "alice", 230);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	json_decref(j);
	j = call("alice", NULL, q, &status);
	CHECK(status == 200 && json_array_size(json_object_get(j,
	    "conversations")) == 100);
	CHECK(strcmp(jstr(json_array_get(json_object_get(j, "conversations"),
	    0), "id"), "c149") == 0);
	CHECK(json_is_true(json_object_get(j, "has_more")));
	snprintf(q, sizeof(q), "limit=100&include_discarded=true&cursor=%s",
	    jstr(j, "next_cursor"));
	json_decref(j);
	j = call("alice", NULL, q, &status);
	CHECK(status == 200 && json_array_size(json_object_get(j,
	    "conversations")) == 50);
	CHECK(strcmp(jstr(json_array_get(json_object_get(j, "conversations"),
	    49), "id"), "c000") == 0);
	CHECK(!json_is_true(json_object_get(j, "has_more")));
	CHECK(json_is_null(json_object_get(j, "next_cursor")));
	json_decref(j);

	/* Offsets, also jumping whole index pages unread. */
	for (i = 0; i < 231; i += 37) {
		snprintf(q, sizeof(q), "limit=3&offset=%d&include_discarded=true",
		    i);
		j = call("alice", NULL, q, &status);
		CHECK(status == 200);
		CHECK(strcmp(jstr(json_array_get(json_object_get(j,
		    "conversations"), 0), "id"), (snprintf(q, sizeof(q),
		    "c%03d", 230 - i), q)) == 0);
		CHECK(jint(j, "next_offset") == i + 3);
		json_decref(j);
	}
	j = call("alice", NULL, "offset=231&include_discarded=true", &status);
	CHECK(status == 200 && json_array_size(json_object_get(j,
	    "conversations")) == 0 && jint(j, "total") == 231);
	CHECK(!json_is_true(json_object_get(j, "has_more")));
	json_decref(j);
	/* Visible-only offsets count only visible ones: 10 per 10 minus 1. */
	j = call("alice", NULL, "limit=1&offset=9", &status);
	/* newest: 230..221 of which 229 and 219 discarded: 230,228,...,221 */
	CHECK(strcmp(jstr(json_array_get(json_object_get(j, "conversations"),
	    0), "id"), "c220") == 0);
	json_decref(j);

	/* Another user sees nothing of alice's. */
	j = call("bob", NULL, "", &status);
	CHECK(status == 200 && jint(j, "total") == 1);
	CHECK(strcmp(jstr(json_array_get(json_object_get(j, "conversations"),
	    0), "id"), "b1") == 0);
	json_decref(j);
	j = call("bob", "c001", "", &status);
	CHECK(status == 404 && strcmp(jstr(j, "error"), "not_found") == 0);
	json_decref(j);
	j = call("alice", "nope", "", &status);
	CHECK(status == 404);
	json_decref(j);
}

static void
test_filters(void)
{
	json_t	*j;
	int	 seen[300], pages, i, n, want, ok, status;
	char	 f[256];

	/* category, case-insensitive; total agrees with the walk. */
	memset(seen, 0, sizeof(seen));
	n = walk("alice", "&category=health", 4, seen, 300, &pages);
	for (i = 0, want = 0, ok = 1; i < 231; i++) {
		int in = i % 3 == 2 && i % 10 != 9;
		want += in;
		ok &= seen[i] == in;
	}
	CHECK(n == want && ok);
	j = call("alice", NULL, "category=HEALTH", &status);
	CHECK(jint(j, "total") == want);
	json_decref(j);

	/* Dates: conversation i is at T0 + 60 i. */
	snprintf(f, sizeof(f), "&include_discarded=true&start_date=%s"
	    "&end_date=%s", iso(T0 + 60 * 50), iso(T0 + 60 * 120));
	for (i = 0; f[i] != '\0'; i++)
		if (f[i] == '+')
			memmove(f + i + 2, f + i, strlen(f + i) + 1),
			    memcpy(f + i, "%2B", 3), i += 2;
	memset(seen, 0, sizeof(seen));
	n = walk("alice", f, 8, seen, 300, &pages);
	for (i = 0, ok = 1; i < 231; i++)
		ok &= seen[i] == (i >= 50 && i <= 120);
	CHECK(n == 71 && ok);
	j = call("alice", NULL, f + 1, &status);
	CHECK(status == 200 && jint(j, "total") == 71);
	json_decref(j);

	/* A date-only end_date takes in the whole day (UTC). */
	snprintf(f, sizeof(f), "include_discarded=true&end_date=%.10s",
	    iso(T0));
	j = call("alice", NULL, f, &status);
	/* T0 is 2025-06-15T15:06:40Z: the rest of that day, 533 minutes. */
	CHECK(status == 200 && jint(j, "total") == 231);
	json_decref(j);
	snprintf(f, sizeof(f), "include_discarded=true&start_date=%.10s",
	    iso(T0 + 86400));
	j = call("alice", NULL, f, &status);
	CHECK(status == 200 && jint(j, "total") == 0);
	json_decref(j);

	/* Combined with a category and an offset. */
	j = call("alice", NULL, "category=work&limit=2&offset=1", &status);
	/* work: i % 3 == 0, visible: 228, 225, 222 ... (219 discarded) */
	CHECK(strcmp(jstr(json_array_get(json_object_get(j, "conversations"),
	    0), "id"), "c225") == 0);
	json_decref(j);
}

static void
test_search(void)
{
	struct store		*s;
	struct index_head	 h;
	struct listing_filter	 f;
	struct listing_pos	 from;
	struct listing_page	 pg;
	struct search		 sr;
	json_t			*j, *e;
	size_t			 k;
	int			 seen[300], pages, i, n, ok, status, rounds;

	/* Transcript hits: "pineapple" in every 7th (visible) one. */
	memset(seen, 0, sizeof(seen));
	n = walk("alice", "&q=PINEAPPLE", 5, seen, 300, &pages);
	for (i = 0, ok = 1; i < 231; i++)
		ok &= seen[i] == (i % 7 == 0 && i % 10 != 9);
	CHECK(ok && n > 20);
	j = call("alice", NULL, "q=pineapple", &status);
	CHECK(status == 200 && json_is_null(json_object_get(j, "total")));
	json_decref(j);
	/* Terms from the title and the transcript together. */
	j = call("alice", NULL, "q=conversation%20214%20word214", &status);
	CHECK(status == 200 && json_array_size(json_object_get(j,
	    "conversations")) == 1);
	json_decref(j);
	j = call("alice", NULL, "q=%22overview%2077%22", &status);
	CHECK(json_array_size(json_object_get(j, "conversations")) == 1);
	json_decref(j);
	j = call("alice", NULL, "q=mango", &status);
	CHECK(status == 200 && json_array_size(json_object_get(j,
	    "conversations")) == 0 && !json_is_true(json_object_get(j,
	    "has_more")));
	json_decref(j);
	/* Bob's word is not found in alice's conversations. */
	j = call("alice", NULL, "q=bobsecret", &status);
	CHECK(json_array_size(json_object_get(j, "conversations")) == 0);
	json_decref(j);

	/* A budget that runs out: resuming still finds each match once. */
	memset(seen, 0, sizeof(seen));
	CHECK(search_compile(&sr, "pineapple") == OMI_OK);
	memset(&f, 0, sizeof(f));
	f.since = INT64_MIN;
	f.until = INT64_MAX;
	f.include_discarded = 1;
	f.search = &sr;
	f.scan_budget = 1500;	/* a few records per call */
	/* The walk that reads every conversation: its budget is what this
	 * tests (an indexed search reads only its candidates). */
	f.full_scan = 1;
	memset(&from, 0, sizeof(from));
	CHECK(store_open(&s, dir, STORE_READ, 2000) == OMI_OK);
	CHECK(index_head_load(s, "alice", &h) == OMI_OK);
	for (rounds = 0, ok = 1; rounds < 500; rounds++) {
		CHECK(listing_fetch(s, "alice", &h, &f, &from, 3, &pg) ==
		    OMI_OK);
		ok &= pg.records_read <= 8;
		json_array_foreach(pg.entries, k, e)
			seen[idnum(e)]++;
		if (pg.stopped)
			from = pg.resume;
		else if (pg.more) {
			e = json_array_get(pg.entries, 2);
			from.after = 1;
			from.skip = 0;
			from.t = json_integer_value(json_object_get(e, "t"));
			snprintf(from.id, sizeof(from.id), "%s", jstr(e, "id"));
		} else {
			listing_page_free(&pg);
			break;
		}
		listing_page_free(&pg);
	}
	CHECK(ok && rounds > 20 && rounds < 500);
	for (i = 0, ok = 1; i < 231; i++)
		ok &= seen[i] == (i % 7 == 0);
	CHECK(ok);
	index_head_free(&h);
	store_close(s);
	search_free(&sr);
}

/*
 * The search budget holds within a record: 12 records of 40 segments, the
 * word in the last segment of every third. A request stops in the record
 * that crosses its budget (never reading past it) and the next resumes at
 * that record, so each match comes exactly once; a budget smaller than
 * one record still gets on, one record a request.
 */
static void
test_search_budget(void)
{
	static const size_t	 budgets[] = { 5000, 1000 };
	struct store		*s;
	struct index_head	 h;
	struct listing_filter	 f;
	struct listing_pos	 from;
	struct listing_page	 pg;
	struct search		 sr;
	struct buf		 doc = { 0 };
	json_t			*e;
	size_t			 b, k;
	int			 i, seg, seen[12], rounds, ok, within, partial;

	if (store_open(&s, dir, STORE_WRITE, 2000) != OMI_OK) {
		CHECK(0);
		return;
	}
	for (i = 0; i < 12; i++) {
		buf_reset(&doc);
		buf_printf(&doc, "{\"id\":\"c%03d\",\"created_at\":\"%s\","
		    "\"transcript_segments\":[", i, iso(T0 + 60 * i));
		for (seg = 0; seg < 40; seg++)
			buf_printf(&doc, "%s{\"text\":\"segment %d %s\"}",
			    seg ? "," : "", seg, seg == 39 && i % 3 == 0 ?
			    "needle" : "hay");
		buf_puts(&doc, "]}");
		put(s, "dave", doc.data);
	}
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	buf_free(&doc);
	CHECK(search_compile(&sr, "needle") == OMI_OK);
	for (b = 0; b < sizeof(budgets) / sizeof(budgets[0]); b++) {
		memset(seen, 0, sizeof(seen));
		memset(&f, 0, sizeof(f));
		f.since = INT64_MIN;
		f.until = INT64_MAX;
		f.search = &sr;
		f.scan_budget = budgets[b];
		f.full_scan = 1;
		memset(&from, 0, sizeof(from));
		CHECK(store_open(&s, dir, STORE_READ, 2000) == OMI_OK);
		CHECK(index_head_load(s, "dave", &h) == OMI_OK);
		within = 1;
		partial = 0;
		for (rounds = 0; rounds < 100; rounds++) {
			CHECK(listing_fetch(s, "dave", &h, &f, &from, 10,
			    &pg) == OMI_OK);
			if (pg.records_read > 1 && pg.bytes_read > budgets[b]) {
				fprintf(stderr, "budget %zu: read %zu bytes of "
				    "%zu records\n", budgets[b], pg.bytes_read,
				    pg.records_read);
				within = 0;
			}
			partial |= pg.stopped && pg.records_read > 1;
			json_array_foreach(pg.entries, k, e)
				seen[idnum(e) % 12]++;
			if (!pg.stopped) {
				CHECK(!pg.more);
				listing_page_free(&pg);
				break;
			}
			from = pg.resume;
			listing_page_free(&pg);
		}
		CHECK(within);
		CHECK(b == 1 || partial);
		CHECK(rounds < 100);
		for (i = 0, ok = 1; i < 12; i++)
			ok &= seen[i] == (i % 3 == 0);
		CHECK(ok);
		index_head_free(&h);
		store_close(s);
	}
	search_free(&sr);
}

static void
test_cursor(void)
{
	struct listing_pos	 p, q;
	char			*c;
	static const char	*bad[] = { "", "x", "MTo", "!!!!",
	    "MToxOi0xOmE6Yg", "MjowOjE6YQ", "MTotMToxOmE", "MTow Og" };
	size_t			 i;

	memset(&p, 0, sizeof(p));
	p.after = 1;
	p.t = -5;
	p.skip = 3;
	snprintf(p.id, sizeof(p.id), "a.b-c_d");
	c = listing_cursor_encode(&p);
	CHECK(c != NULL && listing_cursor_decode(c, &q) == 0 && q.after &&
	    q.t == -5 && q.skip == 3 && strcmp(q.id, "a.b-c_d") == 0);
	free(c);
	p.after = 0;
	c = listing_cursor_encode(&p);
	CHECK(c != NULL && listing_cursor_decode(c, &q) == 0 && !q.after &&
	    q.skip == 3);
	free(c);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(listing_cursor_decode(bad[i], &q) == -1);
}

static void
test_errors(void)
{
	static const struct {
		const char	*id, *query, *param;
	} rows[] = {
		{ NULL, "limit=0", "limit" },
		{ NULL, "limit=101", "limit" },
		{ NULL, "limit=-1", "limit" },
		{ NULL, "limit=abc", "limit" },
		{ NULL, "limit=1&limit=2", "limit" },
		{ NULL, "offset=-3", "offset" },
		{ NULL, "offset=1&cursor=MTow", "offset" },
		{ NULL, "cursor=garbage", "cursor" },
		{ NULL, "start_date=yesterday", "start_date" },
		{ NULL, "end_date=2025-02-30", "end_date" },
		{ NULL, "start_date=2025-02-02&end_date=2025-02-01",
		    "start_date" },
		{ NULL, "include_discarded=yes", "include_discarded" },
		{ NULL, "q=%22unclosed", "q" },
		{ NULL, "sort=asc", "sort" },
		{ NULL, "q=x&sort=Relevance", "sort" },
		{ NULL, "sort=relevance", "sort" },
		{ NULL, "q=x&sort=newest&sort=relevance", "sort" },
		{ NULL, "q=x&speaker=all", "speaker" },
		{ NULL, "q=x&speaker=USER", "speaker" },
		{ NULL, "speaker=user", "speaker" },
		{ NULL, "speaker=user&sort=relevance", "speaker" },
		{ NULL, "%3Cscript%3E=1", "" },
		{ "c001", "max_chars=0", "max_chars" },
		{ "c001", "max_chars=90001", "max_chars" },
		{ "c001", "transcript_offset=x", "transcript_offset" },
		{ "c001", "transcript_offset=99999", "transcript_offset" },
		{ "c001", "limit=5", "limit" },
	};
	json_t	*j;
	size_t	 i;
	int	 status;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		j = call("alice", rows[i].id, rows[i].query, &status);
		CHECK(status == 400);
		CHECK(strcmp(jstr(j, "error"), "invalid_parameter") == 0);
		CHECK(strcmp(jstr(j, "parameter"), rows[i].param) == 0);
		CHECK(*jstr(j, "message") != '\0');
		if (status != 400 || strcmp(jstr(j, "parameter"),
		    rows[i].param) != 0)
			fprintf(stderr, "  row %zu: %d %s\n", i, status,
			    jstr(j, "parameter"));
		json_decref(j);
	}
	/* Empty values count as absent. */
	j = call("alice", NULL, "q=&category=&limit=&cursor=", &status);
	CHECK(status == 200 && json_array_size(json_object_get(j,
	    "conversations")) == 20);
	json_decref(j);
	/*
	 * speaker and sort with q; sort=newest (the default) also without.
	 * alice's segments carry no is_user: her own words hold nothing.
	 */
	j = call("alice", NULL, "q=pineapple&speaker=user", &status);
	CHECK(status == 200 && json_array_size(json_object_get(j,
	    "conversations")) == 0);
	json_decref(j);
	j = call("alice", NULL, "sort=newest&speaker=", &status);
	CHECK(status == 200 && json_array_size(json_object_get(j,
	    "conversations")) == 20);
	json_decref(j);
	j = call("alice", NULL, "q=pineapple&sort=relevance", &status);
	CHECK(status == 200);
	json_decref(j);
}

/* A transcript read in parts reassembles exactly. */
static void
read_parts(const char *id, const char *extra, size_t *nparts, int *ok)
{
	struct buf	 all = { 0 };
	json_t		*j, *whole;
	json_int_t	 off = 0;
	char		 q[128];
	int		 status;

	*nparts = 0;
	*ok = 1;
	whole = call("alice", id, "max_chars=90000", &status);
	do {
		snprintf(q, sizeof(q), "transcript_offset=%lld%s",
		    (long long)off, extra);
		if ((j = call("alice", id, q, &status)) == NULL ||
		    status != 200) {
			*ok = 0;
			break;
		}
		buf_puts(&all, jstr(j, "transcript"));
		*ok &= jint(j, "transcript_offset") == off;
		*ok &= jint(j, "transcript_length") ==
		    jint(whole, "transcript_length");
		off = jint(j, "next_transcript_offset");
		*ok &= json_is_true(json_object_get(j,
		    "transcript_truncated")) == (off != -1);
		json_decref(j);
		(*nparts)++;
	} while (off != -1 && *nparts < 1000);
	/* The whole transcript, rendered without parts, for comparison. */
	{
		struct store	*s;
		char		*raw;
		json_t		*doc;
		struct buf	 t = { 0 };

		store_open(&s, dir, STORE_READ, 2000);
		index_get(s, "alice", id, &raw, NULL);
		doc = json_loads(raw, 0, NULL);
		transcript_render(json_object_get(doc, "transcript_segments"),
		    &t);
		*ok &= all.data != NULL && t.data != NULL &&
		    strcmp(all.data, t.data) == 0;
		buf_free(&t);
		json_decref(doc);
		free(raw);
		store_close(s);
	}
	json_decref(whole);
	buf_free(&all);
}

/*
 * A page of long summaries is cut to fit the answer's size limit (call()
 * checks the size): the cut page says has_more, and its cursor goes on at
 * the first summary left out, so paging still sees each one once.
 */
static void
test_list_budget(void)
{
	struct store	*s;
	struct buf	 doc = { 0 }, text = { 0 };
	json_t		*j;
	int		 i, seen[100] = { 0 }, pages, n, status;

	for (i = 0; i < 400; i++)
		buf_puts(&text, "\xc3\xa9t\xc3\xa9 ");	/* 1,200 code points */
	if (store_open(&s, dir, STORE_WRITE, 2000) != OMI_OK) {
		CHECK(0);
		return;
	}
	for (i = 0; i < 100; i++) {
		buf_reset(&doc);
		buf_printf(&doc, "{\"id\":\"c%03d\",\"created_at\":\"%s\","
		    "\"structured\":{\"title\":\"%s\",\"overview\":\"%s\"}}",
		    i, iso(T0 + 60 * i), text.data, text.data);
		put(s, "carol", doc.data);
	}
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	j = call("carol", NULL, "limit=100", &status);
	CHECK(status == 200);
	n = (int)json_array_size(json_object_get(j, "conversations"));
	CHECK(n > 10 && n < 100);
	CHECK(json_is_true(json_object_get(j, "has_more")));
	CHECK(jint(j, "next_offset") == n);
	CHECK(jint(j, "total") == 100);
	json_decref(j);
	CHECK(walk("carol", "", 100, seen, 100, &pages) == 100);
	CHECK(pages > 1);
	for (i = 0; i < 100; i++)
		CHECK(seen[i] == 1);
	buf_free(&doc);
	buf_free(&text);
}

static void
test_detail(void)
{
	struct store	*s;
	struct buf	 doc = { 0 };
	json_t		*j;
	size_t		 i, parts;
	int		 status, ok;

	/* 5,000 segments, with quotes, tabs and 4-byte characters. */
	buf_printf(&doc, "{\"id\":\"long\",\"created_at\":\"2025-01-01T00:00:00Z\","
	    "\"structured\":{\"title\":\"Long\",\"overview\":\"o\",\"action_items\":"
	    "[{\"description\":\"d\",\"completed\":false}]},"
	    "\"transcript_segments\":[");
	for (i = 0; i < 5000; i++)
		buf_printf(&doc, "%s{\"text\":\"Segment %zu says \\\"hi\\\"\\t"
		    "\\u00e4 \\ud83d\\ude00 and \\u0001 more\",\"speaker\":"
		    "\"SPEAKER_%02zu\",\"start\":%zu,\"end\":%zu.5}",
		    i ? "," : "", i, i % 13, i * 2, i * 2);
	buf_puts(&doc, "]}");
	/* Hostile sizes everywhere else. */
	buf_puts(&doc, "");
	CHECK(store_open(&s, dir, STORE_WRITE, 2000) == OMI_OK);
	put(s, "alice", doc.data);
	buf_reset(&doc);
	buf_puts(&doc, "{\"id\":\"huge\",\"created_at\":\"2025-01-02T00:00:00Z\","
	    "\"started_at\":\"");
	for (i = 0; i < 3000; i++)
		buf_puts(&doc, "x");
	buf_puts(&doc, "\",\"structured\":{\"title\":\"");
	for (i = 0; i < 20000; i++)
		buf_puts(&doc, "\\ud83d\\ude00");
	buf_puts(&doc, "\",\"overview\":\"");
	for (i = 0; i < 50000; i++)
		buf_puts(&doc, "\\u0001");
	buf_puts(&doc, "\",\"action_items\":[");
	for (i = 0; i < 2000; i++)
		buf_printf(&doc, "%s{\"description\":\"%0100zu\"}", i ? "," : "",
		    i);
	buf_puts(&doc, "],\"events\":[");
	for (i = 0; i < 2000; i++)
		buf_printf(&doc, "%s{\"title\":\"%0100zu\"}", i ? "," : "", i);
	buf_puts(&doc, "]},\"transcript_segments\":[");
	for (i = 0; i < 3000; i++)
		buf_printf(&doc, "%s{\"text\":\"\\u0002\\\"\\ud83d\\ude00\"}",
		    i ? "," : "");
	buf_puts(&doc, "]}");
	put(s, "alice", doc.data);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	buf_free(&doc);

	read_parts("long", "", &parts, &ok);
	CHECK(ok && parts >= 4);
	read_parts("long", "&max_chars=2777", &parts, &ok);
	CHECK(ok && parts > 40);
	read_parts("huge", "", &parts, &ok);
	CHECK(ok && parts >= 2);

	j = call("alice", "huge", "", &status);
	CHECK(status == 200);
	CHECK(json_is_true(json_object_get(j, "structured_truncated")));
	json_decref(j);
	j = call("alice", "long", "max_chars=10", &status);
	CHECK(status == 200 && strcmp(jstr(j, "transcript"),
	    "[0:00:00 -") == 0 && jint(j, "next_transcript_offset") == 10);
	CHECK(json_array_size(json_object_get(json_object_get(j,
	    "structured"), "action_items")) == 1);
	CHECK(json_object_get(json_object_get(j, "structured"), "events") ==
	    NULL);
	CHECK(json_is_null(json_object_get(j, "started_at")));
	json_decref(j);
	/* The end is a valid offset, with nothing after it. */
	j = call("alice", "c000", "", &status);
	{
		char q[64];
		json_int_t len = jint(j, "transcript_length");

		json_decref(j);
		snprintf(q, sizeof(q), "transcript_offset=%lld",
		    (long long)len);
		j = call("alice", "c000", q, &status);
		CHECK(status == 200 && strcmp(jstr(j, "transcript"), "") == 0 &&
		    json_is_null(json_object_get(j, "next_transcript_offset")));
		json_decref(j);
	}
}

/* Issues a real access token for uid with scope, as the token endpoint does. */
static int
issue_token(struct config *cfg, const char *uid, const char *scope,
    char *access)
{
	struct oauth_request	 req;
	struct oauth_tokens	 t;
	struct oauth_fail	 f = { 0 };
	struct store		*s;
	struct account		 acct;
	char			 code[SEC_TOKEN_LEN + 1];
	int			 rc = -1;

	memset(&req, 0, sizeof(req));
	memset(&t, 0, sizeof(t));
	req.client_id = cfg->client_id;
	req.redirect_uri = "https://chatgpt.com/aip/g-1/oauth/callback";
	req.scope = (char *)scope;
	if (store_open(&s, dir, STORE_WRITE, 2000) != OMI_OK)
		return -1;
	/* Codes are redeemed only for existing accounts. */
	memset(&acct, 0, sizeof(acct));
	acct.uid = (char *)uid;
	acct.pwhash = "$y$j9T$unused$unused";
	acct.webhook_key = "00";
	if (account_save(s, &acct) == OMI_OK &&
	    oauth_code_issue(cfg, s, &req, uid, code) == OMI_OK &&
	    oauth_code_redeem(cfg, s, code, cfg->client_id, req.redirect_uri,
	    NULL, 0, &t, &f) == 0 && store_commit(s) == OMI_OK) {
		snprintf(access, SEC_TOKEN_LEN + 1, "%s", t.access);
		rc = 0;
	} else
		fprintf(stderr, "issue_token: %s\n", f.desc ? f.desc : "(store)");
	oauth_tokens_free(&t);
	store_close(s);
	return rc;
}

/* api_authorize with a header value; returns the status, 0 when it passed. */
static int
authorize(struct config *cfg, const char *header, char **uid,
    char **challenge)
{
	struct app		 a;
	struct store		*s;
	struct oauth_bearer	 b;
	int			 status;
	char			*h;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	resp_init(&a.resp);
	a.cfg = *cfg;
	a.req.method = "GET";
	a.req.authorization = header;
	*uid = *challenge = NULL;
	if (store_open(&s, dir, STORE_READ, 2000) != OMI_OK)
		return -2;
	status = api_authorize(&a, s, &b) == 0 ? 0 : a.resp.status;
	store_close(s);
	if (status == 0)
		*uid = strdup(b.uid);
	if (a.resp.head.data != NULL &&
	    (h = strstr(a.resp.head.data, "WWW-Authenticate: ")) != NULL)
		*challenge = strndup(h + 18, strcspn(h + 18, "\r"));
	oauth_bearer_free(&b);
	resp_free(&a.resp);
	return status;
}

static void
test_auth(void)
{
	struct config	 cfg;
	char		 good[SEC_TOKEN_LEN + 1], narrow[SEC_TOKEN_LEN + 1];
	char		 hdr[128], *uid, *ch;

	memset(&cfg, 0, sizeof(cfg));
	config_defaults(&cfg);
	sec_random(cfg.key, sizeof(cfg.key));
	cfg.client_id = "test-client";
	cfg.datadir = dir;
	CHECK(issue_token(&cfg, "alice", OAUTH_SCOPE_READ, good) == 0);
	CHECK(issue_token(&cfg, "alice", "profile", narrow) == 0);

	snprintf(hdr, sizeof(hdr), "Bearer %s", good);
	CHECK(authorize(&cfg, hdr, &uid, &ch) == 0);
	CHECK(uid != NULL && strcmp(uid, "alice") == 0 && ch == NULL);
	free(uid);
	free(ch);

	/* A valid token without read:memories: 403 insufficient_scope. */
	snprintf(hdr, sizeof(hdr), "Bearer %s", narrow);
	CHECK(authorize(&cfg, hdr, &uid, &ch) == 403);
	CHECK(uid == NULL && ch != NULL && strcmp(ch, "Bearer realm=\"omi\", "
	    "error=\"insufficient_scope\", error_description=\"the token "
	    "lacks the read:memories scope\", scope=\"read:memories\"") == 0);
	free(ch);

	CHECK(authorize(&cfg, NULL, &uid, &ch) == 401);
	CHECK(ch != NULL && strcmp(ch, "Bearer realm=\"omi\"") == 0);
	free(ch);
	CHECK(authorize(&cfg, "Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	    &uid, &ch) == 401);
	CHECK(ch != NULL && strncmp(ch, "Bearer realm=\"omi\", "
	    "error=\"invalid_token\"", 38) == 0);
	free(ch);
	/* The token of another server key is nobody's. */
	sec_random(cfg.key, sizeof(cfg.key));
	snprintf(hdr, sizeof(hdr), "Bearer %s", good);
	CHECK(authorize(&cfg, hdr, &uid, &ch) == 401);
	free(ch);
}

int
main(void)
{
	struct store	*s;
	int		 i;

	if (sec_init() == -1 || mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	if (store_open(&s, dir, STORE_WRITE, 2000) != OMI_OK)
		return 1;
	/* Out of order on purpose, so the index splits pages. */
	for (i = 0; i < 200; i++)
		put_numbered(s, "alice", (i * 37) % 200);
	put(s, "bob", "{\"id\":\"b1\",\"created_at\":\"2025-01-01T00:00:00Z\","
	    "\"transcript_segments\":[{\"text\":\"bobsecret\"}]}");
	if (store_commit(s) != OMI_OK)
		return 1;
	store_close(s);
	test_cursor();
	test_paging();
	test_filters();
	test_search();
	test_search_budget();
	test_errors();
	test_detail();
	test_list_budget();
	test_auth();
	unit_rmtree(dir);
	return unit_done("test_api");
}
