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
		enum omi_err	 rc;
		const char	*field;
	} rows[] = {
		{ "{\"created_at\":\"2025-01-01T00:00:00Z\"}", OMI_OK, "" },
		{ "{\"created_at\":\"2025-01-01T00:00:00Z\",\"x\":{\"y\":[1,2]}}", OMI_OK, "" },
		{ "{}", OMI_INVALID, "created_at" },
		{ "[]", OMI_INVALID, "" },
		{ "{\"created_at\":5}", OMI_INVALID, "created_at" },
		{ "{\"created_at\":\"soon\"}", OMI_INVALID, "created_at" },
		{ "{\"created_at\":\"2025-01-01\",\"structured\":{\"title\":1}}",
		    OMI_INVALID, "structured.title" },
		{ "{\"created_at\":\"2025-01-01\",\"structured\":{\"overview\":[]}}",
		    OMI_INVALID, "structured.overview" },
		{ "{\"created_at\":\"2025-01-01\",\"transcript_segments\":\"x\"}",
		    OMI_INVALID, "transcript_segments" },
		{ "{\"created_at\":\"2025-01-01\",\"transcript_segments\":[{\"text\":2}]}",
		    OMI_INVALID, "transcript_segments[0].text" },
		{ "{\"created_at\":\"2025-01-01\",\"transcript_segments\":[{\"text\":\"a\","
		    "\"speakerId\":\"0\"}]}", OMI_INVALID, "transcript_segments[0].speakerId" },
		{ "{\"created_at\":\"2025-01-01\",\"transcript_segments\":[{\"text\":\"a\","
		    "\"start\":null,\"end\":null,\"speaker\":null}]}", OMI_OK, "" },
		{ "{\"created_at\":\"2025-01-01\",\"id\":\"../etc\"}", OMI_INVALID, "id" },
		{ "{\"created_at\":\"2025-01-01\",\"id\":7}", OMI_INVALID, "id" },
		{ "{\"created_at\":\"2025-01-01\",\"discarded\":\"no\"}", OMI_INVALID, "discarded" },
		{ "{\"created_at\":\"2025-01-01\",\"created_at\":\"2025-01-02\"}", OMI_INVALID, "" },
		{ "{\"created_at\":\"2025-01-01\"", OMI_INVALID, "" },
		{ "{\"created_at\":\"\\u0000\"}", OMI_INVALID, "" },
	};
	struct conv_summary	 s;
	struct conv_error	 e;
	size_t			 i;
	enum omi_err		 rc;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		rc = conv_ingest(rows[i].json, strlen(rows[i].json), &s, NULL, &e);
		CHECK(rc == rows[i].rc);
		if (rc == OMI_INVALID && strcmp(e.field, rows[i].field) != 0)
			fprintf(stderr, "row %zu: field '%s'\n", i, e.field);
		CHECK(rc != OMI_INVALID || strcmp(e.field, rows[i].field) == 0);
		conv_summary_free(&s);
	}
	/* Without an id, the same content gets the same derived id. */
	{
		const char *a = "{\"created_at\":\"2025-01-01\",\"b\":1,\"a\":2}";
		const char *b = "{ \"a\": 2, \"created_at\": \"2025-01-01\", \"b\": 1 }";
		const char *c = "{\"created_at\":\"2025-01-01\",\"b\":2,\"a\":2}";
		struct conv_summary sa, sb, sc;

		CHECK(conv_ingest(a, strlen(a), &sa, NULL, &e) == OMI_OK);
		CHECK(conv_ingest(b, strlen(b), &sb, NULL, &e) == OMI_OK);
		CHECK(conv_ingest(c, strlen(c), &sc, NULL, &e) == OMI_OK);
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
