/*
 * fuzz_transcript: the transcript renderer (transcript_render and
 * transcript_timed), which turns stored transcript_segments into the text
 * the GPT reads. The input is JSON: an object's transcript_segments, or an
 * array taken as the segments themselves (the renderer must cope with any
 * JSON, not only what the webhook stores). Promises checked: rendering
 * succeeds, its text is valid UTF-8 without NUL (it goes into a JSON
 * answer, which Jansson refuses otherwise), it is the same twice, and it
 * starts with a timestamp exactly when transcript_timed says so.
 */
#include <jansson.h>

#include "conv/transcript.h"
#include "fuzz.h"
#include "lib/buf.h"
#include "lib/text.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf	 a = { 0 }, b = { 0 };
	json_t		*doc, *segs;
	int		 timed;

	doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES,
	    NULL);
	if (doc == NULL)
		return 0;
	segs = json_is_object(doc) ?
	    json_object_get(doc, "transcript_segments") : doc;
	timed = transcript_timed(segs);
	FUZZ_ASSERT(timed == 0 || timed == 1);
	FUZZ_ASSERT(transcript_render(segs, &a) == 0);
	FUZZ_ASSERT(transcript_render(segs, &b) == 0);
	FUZZ_ASSERT(a.len == b.len &&
	    (a.len == 0 || memcmp(a.data, b.data, a.len) == 0));
	if (a.len > 0) {
		FUZZ_ASSERT(valid_utf8(a.data, a.len));
		/* A block starts with its timestamps or its label. */
		FUZZ_ASSERT((a.data[0] == '[') == timed);
	}
	buf_free(&a);
	buf_free(&b);
	json_decref(doc);
	return 0;
}
