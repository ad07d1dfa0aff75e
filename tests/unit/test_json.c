/*
 * test_json: lib/json.c, parsing that tells a document that is not JSON
 * from a failed allocation. A table of documents, valid and invalid side
 * by side, parsed with allocations watched: the valid ones load (and equal
 * what plain Jansson makes of them), the invalid ones fail with an error
 * text and without the out-of-memory flag, which would tell the sender to
 * retry a document that can never load.
 */
#include <string.h>

#include <jansson.h>

#include "lib/json.h"
#include "unit.h"

static void
test_loadb(void)
{
	static const struct {
		const char	*text;
		size_t		 flags;
		int		 ok;
	} rows[] = {
		{ "{}", 0, 1 },
		{ "[1, 2.5, \"x\", null, true]", 0, 1 },
		{ "{\"a\":{\"b\":[\"\\u00e9\\ud83d\\ude00\"]}}", 0, 1 },
		{ "{\"a\":1,\"a\":2}", 0, 1 },
		{ "{\"a\":1,\"a\":2}", JSON_REJECT_DUPLICATES, 0 },
		{ "", 0, 0 },
		{ "{", 0, 0 },
		{ "{\"a\":}", 0, 0 },
		{ "[1,]", 0, 0 },
		{ "\"\\ud800\"", 0, 0 },		/* lone surrogate */
		{ "\"\xc3\"", 0, 0 },			/* invalid UTF-8 */
		{ "{\"a\":1} x", 0, 0 },
		{ "nul", 0, 0 },
	};
	json_error_t	 err;
	json_t		*j, *plain;
	size_t		 i;
	int		 oom;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		oom = -1;
		memset(&err, 0, sizeof(err));
		j = json_loadb_checked(rows[i].text, strlen(rows[i].text),
		    rows[i].flags | JSON_DECODE_ANY, &err, &oom);
		if ((j != NULL) != rows[i].ok)
			fprintf(stderr, "row %zu: %s\n", i, err.text);
		CHECK((j != NULL) == rows[i].ok && oom == 0);
		if (j != NULL) {
			plain = json_loads(rows[i].text, JSON_DECODE_ANY, NULL);
			CHECK(plain != NULL && json_equal(j, plain));
			json_decref(plain);
		} else
			CHECK(err.text[0] != '\0');
		json_decref(j);
	}
	/* The length bounds the document: a NUL inside it is refused. */
	j = json_loadb_checked("[1]\0[2]", 7, 0, &err, &oom);
	CHECK(j == NULL && oom == 0);
	j = json_loadb_checked("[1]xyz", 3, 0, &err, &oom);
	CHECK(j != NULL && json_array_size(j) == 1 && oom == 0);
	json_decref(j);
}

int
main(void)
{
	json_alloc_watch();
	test_loadb();
	return unit_done("test_json");
}
