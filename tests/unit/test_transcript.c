/*
 * test_transcript: the transcript format on the shared fixtures and on the
 * edge cases, against expected strings written by hand from the rules in
 * conv/transcript.h (never produced by the code under test).
 */
#include <stdlib.h>
#include <string.h>

#include "conv/transcript.h"
#include "lib/ustr.h"
#include "unit.h"

/* A whole file, NUL-terminated, or NULL. */
static char *
read_file(const char *path, size_t *len)
{
	struct buf	 b = { 0 };
	char		 chunk[4096];
	size_t		 n;
	FILE		*f;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return b.failed ? NULL : buf_take(&b);
}

/*
 * Both ways of rendering: the Jansson tree's transcript_render, and
 * transcript_render_doc reading the stored JSON doc without one. Every
 * document here is one the scanner reads, and both must agree.
 */
static char *
render_both(json_t *segments, const char *doc, size_t len)
{
	struct buf	 b = { 0 }, d = { 0 };
	enum omi_err	 err;

	if (transcript_render(segments, &b) == -1)
		buf_puts(&b, "<render failed>");
	err = transcript_render_doc(doc, len, NULL, 0, NULL, &d);
	CHECK(err == OMI_OK);
	CHECK(b.len == d.len && (b.len == 0 || memcmp(b.data, d.data,
	    b.len) == 0));
	if (err == OMI_OK && (b.len != d.len || (b.len > 0 &&
	    memcmp(b.data, d.data, b.len) != 0)))
		fprintf(stderr, "  tree: \"%s\"\n  scan: \"%s\"\n",
		    b.data ? b.data : "", d.data ? d.data : "");
	buf_free(&d);
	if (b.data == NULL)
		buf_puts(&b, "");
	return buf_take(&b);
}

static char *
render(const char *segments_json)
{
	json_t		*j;
	struct buf	 doc = { 0 };
	char		*out;

	j = json_loads(segments_json, JSON_DECODE_ANY, NULL);
	if (j == NULL) {
		fprintf(stderr, "bad test JSON: %s\n", segments_json);
		return strdup("<bad test JSON>");
	}
	buf_printf(&doc, "{\"id\": \"x\", \"transcript_segments\": %s}",
	    segments_json);
	out = render_both(j, doc.data, doc.len);
	json_decref(j);
	buf_free(&doc);
	return out;
}

static char *
render_fixture(const char *name)
{
	char		 path[256];
	json_t		*doc;
	const char	*dir = getenv("OMI_FIXTURES");
	char		*raw, *out;
	size_t		 len;

	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir :
	    "tests/fixtures", name);
	if ((doc = json_load_file(path, JSON_REJECT_DUPLICATES, NULL)) ==
	    NULL || (raw = read_file(path, &len)) == NULL) {
		fprintf(stderr, "cannot load %s\n", path);
		json_decref(doc);
		return strdup("<missing fixture>");
	}
	out = render_both(json_object_get(doc, "transcript_segments"), raw,
	    len);
	json_decref(doc);
	free(raw);
	return out;
}

#define EXPECT(got, want) do {						\
	char *g_ = (got);						\
	CHECK(g_ != NULL && strcmp(g_, (want)) == 0);			\
	if (g_ != NULL && strcmp(g_, (want)) != 0)			\
		fprintf(stderr, "  got:  \"%s\"\n  want: \"%s\"\n",	\
		    g_, (want));					\
	free(g_);							\
} while (0)

static void
test_fixtures(void)
{
	EXPECT(render_fixture("omi-current.json"),
	    "[0:00:00 - 0:00:02] User: So what's the earliest you could "
	    "start?\n\n"
	    "[0:00:03 - 0:00:08] Speaker 1: Realistically the first week of "
	    "July, and it takes about six weeks.\n\n"
	    "[0:00:08 - 0:00:11] User: Okay. Let's keep it under eighteen "
	    "thousand.");
	EXPECT(render_fixture("omi-legacy.json"),
	    "[0:00:10 - 0:00:15] Speaker 0: Let's discuss the project "
	    "timeline.\n\n"
	    "[0:00:16 - 0:00:18] User: Agreed, let's start with iOS.");
	/* 5.9-9.4 and 8.7-12.1 overlap: no timestamps anywhere. */
	EXPECT(render_fixture("omi-edge-cases.json"),
	    "Speaker 12: Guten Morgen, wie geht's?\n\n"
	    "User: Gut, danke. Tab\there and a \"quote\" and a backslash \\ "
	    "too.\n\n"
	    "Speaker 0: Bis morgen.");
}

static void
test_times(void)
{
	/* Hours past 9 and past 24, unpadded; seconds truncated. */
	EXPECT(render("[{\"text\":\"a\",\"speaker\":\"SPEAKER_01\","
	    "\"start\":36000.99,\"end\":36059.999},"
	    "{\"text\":\"b\",\"speaker\":\"SPEAKER_02\",\"start\":90061.5,"
	    "\"end\":90064}]"),
	    "[10:00:00 - 10:00:59] Speaker 1: a\n\n"
	    "[25:01:01 - 25:01:04] Speaker 2: b");
	/* Integers and reals alike; 59.9999 stays 0:00:59. */
	EXPECT(render("[{\"text\":\"x\",\"start\":0,\"end\":59.9999}]"),
	    "[0:00:00 - 0:00:59] Speaker 0: x");
	EXPECT(render("[{\"text\":\"x\",\"start\":3599.5,\"end\":3600}]"),
	    "[0:59:59 - 1:00:00] Speaker 0: x");
	/* Touching segments (end == next start) do not overlap. */
	EXPECT(render("[{\"text\":\"a\",\"start\":1,\"end\":2},"
	    "{\"text\":\"b\",\"start\":2,\"end\":3}]"),
	    "[0:00:01 - 0:00:02] Speaker 0: a\n\n"
	    "[0:00:02 - 0:00:03] Speaker 0: b");
	/* Overlap between non-neighbours, segments out of order. */
	EXPECT(render("[{\"text\":\"a\",\"start\":0,\"end\":10},"
	    "{\"text\":\"b\",\"start\":20,\"end\":30},"
	    "{\"text\":\"c\",\"start\":9,\"end\":9.5}]"),
	    "Speaker 0: a\n\nSpeaker 0: b\n\nSpeaker 0: c");
	/* Out of order but disjoint: times kept, order kept. */
	EXPECT(render("[{\"text\":\"b\",\"start\":5,\"end\":6},"
	    "{\"text\":\"a\",\"start\":1,\"end\":2}]"),
	    "[0:00:05 - 0:00:06] Speaker 0: b\n\n"
	    "[0:00:01 - 0:00:02] Speaker 0: a");
	/* Zero-length segments: inside another overlaps, at an edge not. */
	EXPECT(render("[{\"text\":\"a\",\"start\":1,\"end\":3},"
	    "{\"text\":\"b\",\"start\":2,\"end\":2}]"),
	    "Speaker 0: a\n\nSpeaker 0: b");
	EXPECT(render("[{\"text\":\"a\",\"start\":1,\"end\":3},"
	    "{\"text\":\"b\",\"start\":3,\"end\":3},"
	    "{\"text\":\"c\",\"start\":1,\"end\":1}]"),
	    "[0:00:01 - 0:00:03] Speaker 0: a\n\n"
	    "[0:00:03 - 0:00:03] Speaker 0: b\n\n"
	    "[0:00:01 - 0:00:01] Speaker 0: c");
	/* Identical spans overlap. */
	EXPECT(render("[{\"text\":\"a\",\"start\":1,\"end\":2},"
	    "{\"text\":\"b\",\"start\":1,\"end\":2}]"),
	    "Speaker 0: a\n\nSpeaker 0: b");
	/* A null, absent, negative or reversed time drops every timestamp. */
	EXPECT(render("[{\"text\":\"a\",\"start\":1,\"end\":2},"
	    "{\"text\":\"b\",\"start\":null,\"end\":4}]"),
	    "Speaker 0: a\n\nSpeaker 0: b");
	EXPECT(render("[{\"text\":\"a\",\"start\":1,\"end\":2},"
	    "{\"text\":\"b\",\"start\":3}]"),
	    "Speaker 0: a\n\nSpeaker 0: b");
	EXPECT(render("[{\"text\":\"a\",\"start\":-1,\"end\":2}]"),
	    "Speaker 0: a");
	EXPECT(render("[{\"text\":\"a\",\"start\":5,\"end\":4}]"),
	    "Speaker 0: a");
	EXPECT(render("[{\"text\":\"a\",\"start\":0,\"end\":1e300}]"),
	    "Speaker 0: a");
}

static void
test_labels(void)
{
	EXPECT(render("[{\"text\":\"a\",\"speaker\":\"SPEAKER_12\","
	    "\"start\":0,\"end\":1}]"), "[0:00:00 - 0:00:01] Speaker 12: a");
	EXPECT(render("[{\"text\":\"a\",\"speaker\":\"SPEAKER_00\"}]"),
	    "Speaker 0: a");
	EXPECT(render("[{\"text\":\"a\",\"speaker\":\"SPEAKER_007\"}]"),
	    "Speaker 7: a");
	/* is_user wins over the speaker. */
	EXPECT(render("[{\"text\":\"a\",\"speaker\":\"SPEAKER_03\","
	    "\"is_user\":true}]"), "User: a");
	EXPECT(render("[{\"text\":\"a\",\"speaker\":\"SPEAKER_03\","
	    "\"is_user\":false}]"), "Speaker 3: a");
	/* Null, absent or unrecognised speakers are Speaker 0. */
	EXPECT(render("[{\"text\":\"a\",\"speaker\":null,\"speaker_id\":4}]"),
	    "Speaker 0: a");
	EXPECT(render("[{\"text\":\"a\"}]"), "Speaker 0: a");
	EXPECT(render("[{\"text\":\"a\",\"speaker\":\"Alice\"}]"),
	    "Speaker 0: a");
	EXPECT(render("[{\"text\":\"a\",\"speaker\":\"SPEAKER_\"}]"),
	    "Speaker 0: a");
	EXPECT(render("[{\"text\":\"a\",\"speaker\":\"SPEAKER_1x\"}]"),
	    "Speaker 0: a");
	EXPECT(render("[{\"text\":\"a\",\"speaker\":\"SPEAKER_-1\"}]"),
	    "Speaker 0: a");
	EXPECT(render("[{\"text\":\"a\",\"speaker\":\"SPEAKER_1234567890\"}]"),
	    "Speaker 0: a");
	EXPECT(render("[{\"text\":\"a\",\"speaker\":\"SPEAKER_123456789\"}]"),
	    "Speaker 123456789: a");
}

static void
test_text(void)
{
	/* ASCII and Unicode whitespace trimmed, inner whitespace kept. */
	EXPECT(render("[{\"text\":\" \\t\\n hello  world \\r\\n\"}]"),
	    "Speaker 0: hello  world");
	EXPECT(render("[{\"text\":\"\\u00a0\\u3000Hallo\\u2003\\u00a0\"}]"),
	    "Speaker 0: Hallo");
	EXPECT(render("[{\"text\":\"line one\\nline two\"}]"),
	    "Speaker 0: line one\nline two");
	/* Non-ASCII passes through unchanged (not trimmed: not spaces). */
	EXPECT(render("[{\"text\":\"\\u00c4rger \\u2014 \\ud83d\\ude00\"}]"),
	    "Speaker 0: \xc3\x84rger \xe2\x80\x94 \xf0\x9f\x98\x80");
	EXPECT(render("[{\"text\":\"\\u200bzero width\\u200b\"}]"),
	    "Speaker 0: \xe2\x80\x8bzero width\xe2\x80\x8b");
	/* Empty, blank, null or missing text: the block ends at the colon. */
	EXPECT(render("[{\"text\":\"\",\"is_user\":true}]"), "User:");
	EXPECT(render("[{\"text\":\"   \",\"is_user\":true,\"start\":1,"
	    "\"end\":2}]"), "[0:00:01 - 0:00:02] User:");
	EXPECT(render("[{\"text\":null}, {}]"), "Speaker 0:\n\nSpeaker 0:");
	/* No segments, or none at all. */
	EXPECT(render("[]"), "");
	EXPECT(render("null"), "");
	/* Non-object entries are skipped without a stray separator. */
	EXPECT(render("[1, {\"text\":\"a\"}, \"x\", {\"text\":\"b\"}]"),
	    "Speaker 0: a\n\nSpeaker 0: b");
}

static void
test_utf8(void)
{
	const char	*s = "a\xc3\xa4\xe2\x82\xac\xf0\x9f\x98\x80z";
	uint32_t	 cp;
	int		 cut;
	char		 out[4];

	CHECK(ustr_count(s, strlen(s)) == 5);
	CHECK(ustr_offset(s, strlen(s), 2) == 3);
	CHECK(ustr_offset(s, strlen(s), 4) == 10);
	CHECK(ustr_offset(s, strlen(s), 99) == strlen(s));
	CHECK(ustr_prefix(s, strlen(s), 3, &cut) == 6 && cut == 1);
	CHECK(ustr_prefix(s, strlen(s), 5, &cut) == 11 && cut == 0);
	CHECK(ustr_decode("\xe2\x82\xac", 3, &cp) == 3 && cp == 0x20ac);
	CHECK(ustr_decode("\xe2\x82", 2, &cp) == 1 && cp == 0xfffd);
	CHECK(ustr_decode("\xc0\x80", 2, &cp) == 1 && cp == 0xfffd);
	CHECK(ustr_decode("\xed\xa0\x80", 3, &cp) == 1 && cp == 0xfffd);
	CHECK(ustr_encode(0x1f600, out) == 4 && memcmp(out,
	    "\xf0\x9f\x98\x80", 4) == 0);
	CHECK(ustr_encode(0xe4, out) == 2 && memcmp(out, "\xc3\xa4", 2) == 0);
}

static void
test_large(void)
{
	json_t		*segs = json_array();
	struct buf	 b = { 0 };
	size_t		 i, blocks = 0;
	char		*p;

	for (i = 0; i < 5000; i++)
		json_array_append_new(segs, json_pack("{s:s, s:s, s:f, s:f}",
		    "text", "word", "speaker", "SPEAKER_01", "start",
		    (double)i * 2, "end", (double)i * 2 + 1.5));
	CHECK(transcript_render(segs, &b) == 0);
	for (p = b.data; (p = strstr(p, "\n\n")) != NULL; p += 2)
		blocks++;
	CHECK(blocks == 4999);
	CHECK(strncmp(b.data, "[0:00:00 - 0:00:01] Speaker 1: word\n\n", 37)
	    == 0);
	/* Segment 4999: 9998 s = 2:46:38, ends 9999.5 s = 2:46:39. */
	CHECK(strstr(b.data, "\n\n[2:46:38 - 2:46:39] Speaker 1: word") !=
	    NULL && b.data[b.len - 1] == 'd');
	buf_free(&b);
	json_decref(segs);
}

int
main(void)
{
	test_fixtures();
	test_times();
	test_labels();
	test_text();
	test_utf8();
	test_large();
	return unit_done("test_transcript");
}
