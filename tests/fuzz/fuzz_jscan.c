/*
 * fuzz_jscan: tscan_segment_texts and tscan_segments, the search's scanner
 * of stored conversations, against Jansson. The input is a document.
 * Promises checked: the scanner answers 0 or 1 (memory does not run out
 * here); every text it hands out is valid UTF-8; and where Jansson parses
 * the document and the scanner reads it (does not decline), both give the
 * same texts in the same order, and tscan_segments the same is_user flag
 * as json_is_true(json_object_get(seg, "is_user")), so a search (also one
 * narrowed to the wearer's words) finds what it found with Jansson. What
 * tscan_segment_texts declines, tscan_segments declines too.
 * tscan_summary, where Jansson parses and it does not decline, gives the
 * same members as json_object_get would (a search's hit shows them).
 * conv_detail_load, which a detail reads a conversation with (the
 * transcript scanned, only the members shown parsed), gives the same
 * members and the same rendered transcript as Jansson's whole tree and
 * transcript_render, wherever Jansson parses the document.
 * And tscan_limits, the webhook's bound, finds a syntax error only where
 * Jansson finds one too.
 */
#include <stdint.h>

#include <jansson.h>

#include "conv/detail.h"
#include "conv/transcript.h"
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

static int
collect_user(void *ctx, const char *text, size_t len, int is_user,
    size_t at)
{
	struct buf *out = ctx;

	FUZZ_ASSERT(is_user == 0 || is_user == 1);
	collect(out, text, len, at);
	buf_putc(out, is_user ? 'u' : '-');
	return 0;
}

/* Jansson's texts, with the is_user flags when user is set. */
static void
tree_texts(json_t *j, int user, struct buf *out)
{
	json_t	*seg, *text;
	size_t	 i;

	json_array_foreach(json_object_get(j, "transcript_segments"), i, seg) {
		if (!json_is_string(text = json_object_get(seg, "text")))
			continue;
		if (user)
			collect_user(out, json_string_value(text),
			    json_string_length(text), json_is_true(
			    json_object_get(seg, "is_user")), 0);
		else
			collect(out, json_string_value(text),
			    json_string_length(text), 0);
	}
}

static void
same(const struct buf *a, const struct buf *b)
{
	FUZZ_ASSERT(a->len == b->len);
	FUZZ_ASSERT(a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

/* A member as index_summary's Jansson path reads it: "" unless a string. */
static void
same_member(const struct buf *scanned, const json_t *obj, const char *name)
{
	const json_t	*v = json_object_get(obj, name);
	const char	*s = json_is_string(v) ? json_string_value(v) : "";
	size_t		 n = json_is_string(v) ? json_string_length(v) : 0;

	FUZZ_ASSERT(scanned->len == n + 1 && scanned->data[n] == '\0');
	FUZZ_ASSERT(memcmp(scanned->data, s, n) == 0);
}

static void
check_summary(const uint8_t *data, size_t size)
{
	struct tscan_summary	 ts = { 0 };
	enum omi_err		 err;
	const json_t		*st;
	json_t			*j;

	err = tscan_summary((const char *)data, size, &ts);
	FUZZ_ASSERT(err == OMI_OK || err == OMI_NOTFOUND);
	if (err == OMI_OK && (j = json_loadb((const char *)data, size, 0,
	    NULL)) != NULL) {
		st = json_object_get(j, "structured");
		same_member(&ts.created_at, j, "created_at");
		same_member(&ts.title, st, "title");
		same_member(&ts.overview, st, "overview");
		same_member(&ts.category, st, "category");
		same_member(&ts.emoji, st, "emoji");
		FUZZ_ASSERT(ts.discarded == json_is_true(json_object_get(j,
		    "discarded")));
		json_decref(j);
	}
	tscan_summary_free(&ts);
}

static void
check_detail(const uint8_t *data, size_t size)
{
	static const char *const shown[] = { "created_at", "started_at",
	    "finished_at", "discarded", "structured" };
	struct conv_detail	 d;
	struct buf		 t = { 0 };
	enum omi_err		 err;
	json_t			*j;
	size_t			 i;

	err = conv_detail_load((const char *)data, size, &d);
	FUZZ_ASSERT(err == OMI_OK || err == OMI_CORRUPT);
	if ((j = json_loadb((const char *)data, size, 0, NULL)) != NULL) {
		FUZZ_ASSERT(err == OMI_OK);
		for (i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
			FUZZ_ASSERT(json_equal(json_object_get(d.doc,
			    shown[i]), json_object_get(j, shown[i])) ||
			    (json_object_get(d.doc, shown[i]) == NULL &&
			    json_object_get(j, shown[i]) == NULL));
		FUZZ_ASSERT(transcript_render(json_object_get(j,
		    "transcript_segments"), &t) == 0);
		same(&t, &d.transcript);
		json_decref(j);
	}
	buf_free(&t);
	conv_detail_free(&d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf	 scan = { 0 }, tree = { 0 }, scratch = { 0 };
	struct buf	 uscan = { 0 }, utree = { 0 };
	json_t		*j;
	size_t		 i;
	enum omi_err	 err, uerr;
	int		 rc;

	err = tscan_segment_texts((const char *)data, size, &scratch, collect,
	    &scan);
	/* OMI_NOMEM only without memory */
	FUZZ_ASSERT(err == OMI_OK || err == OMI_NOTFOUND);
	FUZZ_ASSERT(!scan.failed && !scratch.failed);
	uerr = tscan_segments((const char *)data, size, &scratch, collect_user,
	    &uscan);
	FUZZ_ASSERT(uerr == OMI_OK || uerr == OMI_NOTFOUND);
	FUZZ_ASSERT(!uscan.failed && !scratch.failed);
	FUZZ_ASSERT(err == OMI_OK || uerr == OMI_NOTFOUND);
	if ((err == OMI_OK || uerr == OMI_OK) && (j = json_loadb(
	    (const char *)data, size, 0, NULL)) != NULL) {
		if (err == OMI_OK) {
			tree_texts(j, 0, &tree);
			same(&scan, &tree);
		}
		if (uerr == OMI_OK) {
			tree_texts(j, 1, &utree);
			same(&uscan, &utree);
		}
		json_decref(j);
	}
	check_summary(data, size);
	check_detail(data, size);
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
	buf_free(&uscan);
	buf_free(&utree);
	buf_free(&scratch);
	return 0;
}
