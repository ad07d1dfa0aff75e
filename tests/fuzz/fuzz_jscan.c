/*
 * fuzz_jscan: tscan_segment_texts, the search's scanner of stored
 * conversations, against Jansson. The input is a document. Promises checked:
 * the scanner answers 0 or 1 (memory does not run out here); every text it
 * hands out is valid UTF-8; and where Jansson parses the document and the
 * scanner reads it (does not decline), both give the same texts in the same
 * order, so a search finds what it found when it parsed with Jansson.
 * And tscan_limits, the webhook's bound, finds a syntax error only where
 * Jansson finds one too.
 */
#include <stdint.h>

#include <jansson.h>

#include "conv/transcript-scan.h"
#include "fuzz.h"
#include "lib/buf.h"
#include "lib/text.h"

static int
collect(void *ctx, const char *text, size_t len, size_t at)
{
	struct buf *out = ctx;

	(void)at;
	FUZZ_ASSERT(len == 0 || valid_utf8(text, len));
	buf_printf(out, "%zu:", len);
	buf_append(out, text, len);
	buf_putc(out, ';');
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf	 scan = { 0 }, tree = { 0 }, scratch = { 0 };
	json_t		*j, *seg, *text;
	size_t		 i;
	enum omi_err	 err;
	int		 rc;

	err = tscan_segment_texts((const char *)data, size, &scratch, collect,
	    &scan);
	/* OMI_NOMEM only without memory */
	FUZZ_ASSERT(err == OMI_OK || err == OMI_NOTFOUND);
	FUZZ_ASSERT(!scan.failed && !scratch.failed);
	if (err == OMI_OK && (j = json_loadb((const char *)data, size, 0,
	    NULL)) != NULL) {
		json_array_foreach(json_object_get(j, "transcript_segments"), i,
		    seg)
			if (json_is_string(text = json_object_get(seg, "text")))
				collect(&tree, json_string_value(text),
				    json_string_length(text), 0);
		json_decref(j);
		FUZZ_ASSERT(scan.len == tree.len);
		FUZZ_ASSERT(scan.len == 0 ||
		    memcmp(scan.data, tree.data, scan.len) == 0);
	}
	/*
	 * tscan_limits, the webhook's bound before Jansson: a document it
	 * calls a syntax error is answered 400 without Jansson, so Jansson
	 * must refuse it too, or the document holds a NUL byte (which
	 * Jansson reads past after a number, and the webhook refuses).
	 * Where Jansson refuses, the bound may pass it on. Jansson's own
	 * depth limit is 2048; the webhook's 64 (depth 1000 here).
	 */
	rc = tscan_limits((const char *)data, size, 1000, SIZE_MAX, &i);
	FUZZ_ASSERT(rc == 0 || rc == 1 || rc == TSCAN_TOO_DEEP);
	FUZZ_ASSERT(i <= size);
	if (rc == 1 && memchr(data, '\0', size) == NULL && (j = json_loadb(
	    (const char *)data, size, JSON_DECODE_ANY, NULL)) != NULL) {
		json_decref(j);
		FUZZ_ASSERT(0);
	}
	buf_free(&scan);
	buf_free(&tree);
	buf_free(&scratch);
	return 0;
}
