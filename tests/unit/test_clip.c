/*
 * test_clip: conv/clip.c's written texts, and lib/buf.c's JSON string
 * writer under them, against Jansson. The list answer is written straight
 * into its buffer (clip_put, buf_put_jstring) where it used to be a Jansson
 * object dumped; thousands of random texts of every kind of character
 * (quotes, backslashes, controls, NUL, DEL, 2-, 3- and 4-byte UTF-8), cut
 * at every limit around their length, must come out byte for byte as
 * Jansson's compact dump of clip_text().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "conv/clip.h"
#include "lib/buf.h"
#include "unit.h"

static const char *const pieces[] = {
	"a", "Z", " ", "/", "\"", "\\", "\b", "\f", "\n", "\r", "\t", "\x01",
	"\x1f", "\x7f", "\xc3\xa9", "\xe2\x80\xa8", "\xe2\x80\xa6",
	"\xf0\x9f\x98\x80",
};
#define NPIECES	(sizeof(pieces) / sizeof(pieces[0]))

/* A random valid UTF-8 text of up to max pieces into b (NUL-free). */
static void
random_text(struct buf *b, size_t max)
{
	size_t i, n = (size_t)rand() % (max + 1);

	buf_reset(b);
	for (i = 0; i < n; i++)
		buf_puts(b, pieces[(size_t)rand() % NPIECES]);
}

/* Jansson's compact text of j into b; 0 or -1. */
static int
dumped(struct buf *b, json_t *j)
{
	int rc;

	buf_reset(b);
	rc = j != NULL ? buf_put_json(b, j, JSON_COMPACT | JSON_ENCODE_ANY) :
	    -1;
	json_decref(j);
	return rc;
}

static void
test_jstring(void)
{
	struct buf	 t = { 0 }, want = { 0 }, got = { 0 };
	int		 i, bad = 0;

	for (i = 0; i < 3000; i++) {
		random_text(&t, 40);
		if (i % 7 == 0)
			buf_append(&t, "\0x\0", 3);	/* NULs inside */
		if (dumped(&want, json_stringn(t.data ? t.data : "", t.len)) ==
		    -1)
			bad++;
		buf_reset(&got);
		if (buf_put_jstring(&got, t.data ? t.data : "", t.len) == -1 ||
		    got.len != want.len || memcmp(got.data, want.data,
		    got.len) != 0) {
			if (bad++ == 0)
				fprintf(stderr, "test_jstring: %s != %s\n",
				    got.data, want.data);
		}
	}
	CHECK(bad == 0);
	buf_free(&t);
	buf_free(&want);
	buf_free(&got);
}

static void
test_clip_put(void)
{
	struct buf	 t = { 0 }, want = { 0 }, got = { 0 };
	size_t		 max, cps;
	int		 i, bad = 0, cut, cuts = 0;

	for (i = 0; i < 2000; i++) {
		random_text(&t, 30);
		cps = t.len;	/* at least the code points */
		for (max = 0; max <= cps + 1 && max <= 34; max++) {
			if (dumped(&want, clip_text(t.data ? t.data : "", max,
			    &cut)) == -1)
				bad++;
			cuts += cut;
			buf_reset(&got);
			buf_puts(&got, "x");	/* appends, after what is there */
			if (clip_put(&got, t.data ? t.data : "", max) == -1 ||
			    got.len != want.len + 1 || memcmp(got.data + 1,
			    want.data, want.len) != 0) {
				if (bad++ == 0)
					fprintf(stderr, "test_clip_put: max %zu: "
					    "%s != %s\n", max, got.data + 1,
					    want.data);
			}
		}
	}
	CHECK(bad == 0);
	CHECK(cuts > 1000);	/* the cut path ran, many times */
	buf_free(&t);
	buf_free(&want);
	buf_free(&got);
}

int
main(void)
{
	srand(7);
	test_jstring();
	test_clip_put();
	return unit_done("test_clip");
}
