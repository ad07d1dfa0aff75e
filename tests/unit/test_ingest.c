/*
 * test_ingest: conv/ingest.c, OMI payload validation (which field a bad
 * payload names) and the id derived from the content when none is given.
 */
#include <stdio.h>
#include <string.h>

#include "conv/ingest.h"
#include "unit.h"

static void
test_ingest(void)
{
	static const struct {
		const char	*json;
		int		 rc;
		const char	*field;
	} rows[] = {
		{ "{\"created_at\":\"2025-01-01T00:00:00Z\"}", 0, "" },
		{ "{\"created_at\":\"2025-01-01T00:00:00Z\",\"x\":{\"y\":[1,2]}}", 0, "" },
		{ "{}", 1, "created_at" },
		{ "[]", 1, "" },
		{ "{\"created_at\":5}", 1, "created_at" },
		{ "{\"created_at\":\"soon\"}", 1, "created_at" },
		{ "{\"created_at\":\"2025-01-01\",\"structured\":{\"title\":1}}", 1,
		    "structured.title" },
		{ "{\"created_at\":\"2025-01-01\",\"structured\":{\"overview\":[]}}",
		    1, "structured.overview" },
		{ "{\"created_at\":\"2025-01-01\",\"transcript_segments\":\"x\"}", 1,
		    "transcript_segments" },
		{ "{\"created_at\":\"2025-01-01\",\"transcript_segments\":[{\"text\":2}]}",
		    1, "transcript_segments[0].text" },
		{ "{\"created_at\":\"2025-01-01\",\"transcript_segments\":[{\"text\":\"a\","
		    "\"speakerId\":\"0\"}]}", 1, "transcript_segments[0].speakerId" },
		{ "{\"created_at\":\"2025-01-01\",\"transcript_segments\":[{\"text\":\"a\","
		    "\"start\":null,\"end\":null,\"speaker\":null}]}", 0, "" },
		{ "{\"created_at\":\"2025-01-01\",\"id\":\"../etc\"}", 1, "id" },
		{ "{\"created_at\":\"2025-01-01\",\"id\":7}", 1, "id" },
		{ "{\"created_at\":\"2025-01-01\",\"discarded\":\"no\"}", 1, "discarded" },
		{ "{\"created_at\":\"2025-01-01\",\"created_at\":\"2025-01-02\"}", 1, "" },
		{ "{\"created_at\":\"2025-01-01\"", 1, "" },
		{ "{\"created_at\":\"\\u0000\"}", 1, "" },
	};
	struct conv_summary	 s;
	struct conv_error	 e;
	size_t			 i;
	int			 rc;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		rc = conv_ingest(rows[i].json, strlen(rows[i].json), &s, NULL, &e);
		CHECK(rc == rows[i].rc);
		if (rc == 1 && strcmp(e.field, rows[i].field) != 0)
			fprintf(stderr, "row %zu: field '%s'\n", i, e.field);
		CHECK(rc != 1 || strcmp(e.field, rows[i].field) == 0);
		conv_summary_free(&s);
	}
	/* Without an id, the same content gets the same derived id. */
	{
		const char *a = "{\"created_at\":\"2025-01-01\",\"b\":1,\"a\":2}";
		const char *b = "{ \"a\": 2, \"created_at\": \"2025-01-01\", \"b\": 1 }";
		const char *c = "{\"created_at\":\"2025-01-01\",\"b\":2,\"a\":2}";
		struct conv_summary sa, sb, sc;

		CHECK(conv_ingest(a, strlen(a), &sa, NULL, &e) == 0);
		CHECK(conv_ingest(b, strlen(b), &sb, NULL, &e) == 0);
		CHECK(conv_ingest(c, strlen(c), &sc, NULL, &e) == 0);
		CHECK(strcmp(sa.id, sb.id) == 0);
		CHECK(strcmp(sa.id, sc.id) != 0);
		conv_summary_free(&sa);
		conv_summary_free(&sb);
		conv_summary_free(&sc);
	}
}

int
main(void)
{
	test_ingest();
	return unit_done("test_ingest");
}
