/*
 * test_speaker: a search narrowed to the wearer's own words
 * (listing_filter.speaker_user) against a real store. A term counts only
 * in the text of a segment whose "is_user" is JSON true: not in others'
 * segments, unmarked ones, "is_user": "true" or 1, and never in the title
 * or overview. Both of listing.c's readers are covered: the scanner, and
 * Jansson for a record the scanner declines (a segment with "is_user"
 * twice, where Jansson keeps the last). The same queries without the
 * narrowing find the words everywhere, as before.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "conv/index.h"
#include "conv/ingest.h"
#include "conv/listing.h"
#include "conv/search.h"
#include "store/store.h"
#include "unit.h"

static char dir[] = "/tmp/omi-test-speaker.XXXXXX";

/*
 * Stores raw (NULL: clean) under the summary of clean: the webhook
 * rejects duplicate keys and an "is_user" that is not a boolean, but the
 * search must read older records and those the scanner declines right.
 */
static void
put(struct store *s, const char *clean, const char *raw)
{
	struct conv_summary	 sum;
	struct conv_error	 e;
	int			 replaced;

	if (raw == NULL)
		raw = clean;
	if (conv_ingest(clean, strlen(clean), &sum, NULL, &e) != OMI_OK) {
		fprintf(stderr, "bad doc: %s (%s)\n", e.message, clean);
		CHECK(0);
		return;
	}
	CHECK(index_put(s, "erin", &sum, raw, strlen(raw), &replaced) ==
	    OMI_OK);
	conv_summary_free(&sum);
}

static int
fill(void)
{
	struct store	*s;
	int		 ok;

	if (store_open(&s, dir, STORE_WRITE, 2000) != OMI_OK)
		return 0;
	put(s, "{\"id\":\"c0\",\"created_at\":\"2025-01-01T00:00:00Z\","
	    "\"structured\":{\"title\":\"titleword\",\"overview\":"
	    "\"overword\"},\"transcript_segments\":["
	    "{\"text\":\"mine alpha\",\"is_user\":true},"
	    "{\"text\":\"theirs beta\",\"is_user\":false},"
	    "{\"text\":\"unmarked iota\"}]}", NULL);
	put(s, "{\"id\":\"c1\",\"created_at\":\"2025-01-02T00:00:00Z\","
	    "\"transcript_segments\":[{\"text\":\"mine gamma\","
	    "\"is_user\":true},{\"text\":\"theirs delta\","
	    "\"is_user\":false}]}",
	    "{\"id\":\"c1\",\"created_at\":\"2025-01-02T00:00:00Z\","
	    "\"transcript_segments\":[{\"text\":\"mine gamma\","
	    "\"is_user\":false,\"is_user\":true},{\"text\":\"theirs delta\","
	    "\"is_user\":true,\"is_user\":false}]}");
	put(s, "{\"id\":\"c2\",\"created_at\":\"2025-01-03T00:00:00Z\"}",
	    "{\"id\":\"c2\",\"created_at\":\"2025-01-03T00:00:00Z\","
	    "\"transcript_segments\":[{\"text\":\"stringy epsilon\","
	    "\"is_user\":\"true\"},{\"text\":\"one kappa\",\"is_user\":1}]}");
	put(s, "{\"id\":\"c3\",\"created_at\":\"2025-01-04T00:00:00Z\","
	    "\"structured\":{\"title\":\"alpha\",\"overview\":\"\"},"
	    "\"transcript_segments\":[{\"text\":\"zeta\",\"is_user\":true},"
	    "{\"is_user\":true,\"text\":\"eta\"}]}", NULL);
	put(s, "{\"id\":\"c4\",\"created_at\":\"2025-01-05T00:00:00Z\","
	    "\"transcript_segments\":[{\"text\":\"caf\\u00e9 lambda\","
	    "\"is_user\":true}]}", NULL);
	ok = store_commit(s) == OMI_OK;
	store_close(s);
	return ok;
}

/* The ids a search finds, newest first, joined by spaces. */
static void
search(struct store *s, struct index_head *h, const char *q,
    int speaker_user, char *out, size_t outsz)
{
	struct listing_filter	 f;
	struct listing_pos	 from;
	struct listing_page	 pg;
	struct search		 sr;
	json_t			*e;
	size_t			 k, n = 0;

	out[0] = '\0';
	memset(&f, 0, sizeof(f));
	memset(&from, 0, sizeof(from));
	f.since = INT64_MIN;
	f.until = INT64_MAX;
	f.search = &sr;
	f.speaker_user = speaker_user;
	f.scan_budget = 1 << 20;
	CHECK(search_compile(&sr, q) == OMI_OK);
	CHECK(listing_fetch(s, "erin", h, &f, &from, 10, &pg) == OMI_OK);
	CHECK(!pg.stopped && !pg.more);
	json_array_foreach(pg.entries, k, e)
		n += snprintf(out + n, outsz - n, "%s%s", n ? " " : "",
		    json_string_value(json_object_get(e, "id")));
	listing_page_free(&pg);
	search_free(&sr);
}

int
main(void)
{
	static const struct {
		const char	*q;
		int		 speaker_user;
		const char	*want;
	} rows[] = {
		/* The wearer's words, and only those. */
		{ "alpha", 1, "c0" },
		{ "beta", 1, "" },
		{ "iota", 1, "" },
		{ "titleword", 1, "" },
		{ "overword", 1, "" },
		{ "epsilon", 1, "" },
		{ "kappa", 1, "" },
		{ "\"zeta eta\"", 1, "" },
		{ "zeta eta", 1, "c3" },
		{ "mine", 1, "c1 c0" },
		{ "alpha gamma", 1, "" },
		{ "CAFÉ", 1, "c4" },
		/* Through Jansson: the last "is_user" of a segment counts. */
		{ "gamma", 1, "c1" },
		{ "delta", 1, "" },
		/* Without the narrowing, everywhere as before. */
		{ "alpha", 0, "c3 c0" },
		{ "beta", 0, "c0" },
		{ "iota", 0, "c0" },
		{ "titleword", 0, "c0" },
		{ "overword", 0, "c0" },
		{ "epsilon", 0, "c2" },
		{ "delta", 0, "c1" },
		{ "gamma", 0, "c1" },
	};
	struct store		*s;
	struct index_head	 h;
	char			 got[256];
	size_t			 i;

	if (mkdtemp(dir) == NULL)
		return 1;
	CHECK(fill());
	CHECK(store_open(&s, dir, STORE_READ, 2000) == OMI_OK);
	CHECK(index_head_load(s, "erin", &h) == OMI_OK);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		search(s, &h, rows[i].q, rows[i].speaker_user, got,
		    sizeof(got));
		if (strcmp(got, rows[i].want) != 0)
			fprintf(stderr, "%s (speaker_user %d): \"%s\", want "
			    "\"%s\"\n", rows[i].q, rows[i].speaker_user, got,
			    rows[i].want);
		CHECK(strcmp(got, rows[i].want) == 0);
	}
	index_head_free(&h);
	store_close(s);
	unit_rmtree(dir);
	return unit_done("test_speaker");
}
