/*
 * test_transcript_scan: the transcript texts that conv/transcript-scan.c reads from a document, against
 * the ones Jansson's tree gives (what the search read before), on the shared
 * fixtures and on documents made to trip a hand-written scanner: escapes and
 * surrogate pairs, nesting, duplicates, members out of place, broken syntax.
 */
#include <stdint.h>
#include <string.h>

#include "conv/transcript-scan.h"
#include "unit.h"

/* Texts joined as "len:text;" so that borders are part of the result. */
static int
collect(void *ctx, const char *text, size_t len, size_t at)
{
	struct buf *out = ctx;

	(void)at;
	buf_printf(out, "%zu:", len);
	buf_append(out, text, len);
	buf_putc(out, ';');
	return 0;
}

/* The same, with the segment's is_user flag: "len:text:u;". */
static int
collect_user(void *ctx, const char *text, size_t len, int is_user,
    size_t at)
{
	struct buf *out = ctx;

	(void)at;
	buf_printf(out, "%zu:", len);
	buf_append(out, text, len);
	buf_printf(out, ":%d;", is_user);
	return 0;
}

/*
 * Jansson's texts (with each segment's is_user flag when user is set); -1
 * when it does not parse the document.
 */
static int
tree_texts(const char *doc, size_t len, int user, struct buf *out)
{
	json_t	*j, *seg, *text;
	size_t	 i;

	if ((j = json_loadb(doc, len, 0, NULL)) == NULL)
		return -1;
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
	json_decref(j);
	return 0;
}

/*
 * One scanner on one document: tscan_segments when user is set, else
 * tscan_segment_texts. want: 0 read (with Jansson's texts), 1 declined.
 * Reports the document on a mismatch.
 */
static void
check_one(const char *doc, size_t len, int user, int want)
{
	struct buf	 a = { 0 }, b = { 0 }, scratch = { 0 };
	enum omi_err	 err;
	int		 rc, tree;

	err = user ? tscan_segments(doc, len, &scratch, collect_user, &b) :
	    tscan_segment_texts(doc, len, &scratch, collect, &b);
	/* The rows' codes: 0 read, 1 declined, -1 out of memory. */
	switch (err) {
	case OMI_OK:
		rc = 0;
		break;
	case OMI_NOTFOUND:
		rc = 1;
		break;
	default:
		rc = -1;
		break;
	}
	tree = tree_texts(doc, len, user, &a);
	if (rc != want || (rc == 0 && tree == 0 && (a.len != b.len ||
	    (a.len > 0 && memcmp(a.data, b.data, a.len) != 0))) ||
	    (want == 0 && tree != 0)) {
		fprintf(stderr, "jscan%s %d (want %d), jansson %d: %.*s\n"
		    "  jscan:   %s\n  jansson: %s\n", user ? " (is_user)" : "",
		    rc, want, tree, (int)len, doc, b.data ? b.data : "",
		    a.data ? a.data : "");
		CHECK(0);
	} else
		CHECK(1);
	buf_free(&a);
	buf_free(&b);
	buf_free(&scratch);
}

/* Both scanners: the texts alone, and with is_user (want_user). */
static void
check_both(const char *doc, size_t len, int want, int want_user)
{
	check_one(doc, len, 0, want);
	check_one(doc, len, 1, want_user);
}

static void
check_doc(const char *doc, size_t len, int want)
{
	check_both(doc, len, want, want);
}

static void
check(const char *doc, int want)
{
	check_doc(doc, strlen(doc), want);
}

/* A row where only tscan_segments declines (a duplicate "is_user"). */
static void
check_user_declined(const char *doc)
{
	check_both(doc, strlen(doc), 0, 1);
}

static void
test_fixtures(void)
{
	static const char *names[] = {
		"omi-current.json", "omi-legacy.json", "omi-edge-cases.json"
	};
	struct buf	 doc = { 0 }, out = { 0 }, scratch = { 0 };
	char		 path[256];
	size_t		 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "tests/fixtures/%s", names[i]);
		buf_reset(&doc);
		CHECK(buf_read_file(&doc, path) == 0);
		check_doc(doc.data, doc.len, 0);
		/* Real documents hold texts (the comparison is not empty). */
		buf_reset(&out);
		CHECK(tscan_segment_texts(doc.data, doc.len, &scratch, collect,
		    &out) == OMI_OK && out.len > 20);
		/* ... and the current shape marks the wearer's segments. */
		if (i == 0) {
			buf_reset(&out);
			CHECK(tscan_segments(doc.data, doc.len, &scratch,
			    collect_user, &out) == OMI_OK &&
			    memmem(out.data, out.len, ":1;", 3) != NULL &&
			    memmem(out.data, out.len, ":0;", 3) != NULL);
		}
	}
	buf_free(&doc);
	buf_free(&out);
	buf_free(&scratch);
}

/*
 * tscan_summary on doc: want 0 read, with its members joined as
 * "created_at|title|overview|category|emoji|discarded" equal to fields;
 * want 1 declined.
 */
static void
check_summary(const char *doc, int want, const char *fields)
{
	struct tscan_summary	 ts = { 0 };
	struct buf		 got = { 0 };
	enum omi_err		 err;

	err = tscan_summary(doc, strlen(doc), &ts);
	if (err == OMI_OK)
		buf_printf(&got, "%s|%s|%s|%s|%s|%d", ts.created_at.data,
		    ts.title.data, ts.overview.data, ts.category.data,
		    ts.emoji.data, ts.discarded);
	if ((err == OMI_OK) != !want || (fields != NULL && (got.data == NULL ||
	    strcmp(got.data, fields) != 0)))
		fprintf(stderr, "tscan_summary %s: %d %s\n", doc, err,
		    got.data ? got.data : "");
	CHECK((err == OMI_OK) == !want);
	CHECK(fields == NULL || (got.data != NULL &&
	    strcmp(got.data, fields) == 0));
	tscan_summary_free(&ts);
	buf_free(&got);
}

static void
test_summary(void)
{
	struct tscan_summary	 ts = { 0 };
	struct buf		 doc = { 0 };

	check_summary("{}", 0, "|||||0");
	check_summary("{\"created_at\":\"2026-01-02T03:04:05Z\","
	    "\"discarded\":true,\"structured\":{\"title\":\"Caf\\u00e9\","
	    "\"overview\":\"a\\\"b\",\"category\":\"work\",\"emoji\":"
	    "\"\\ud83d\\ude00\",\"x\":[{\"title\":\"deeper\"}]},"
	    "\"transcript_segments\":[{\"text\":\"t\"}]}", 0,
	    "2026-01-02T03:04:05Z|Caf\xc3\xa9|a\"b|work|\xf0\x9f\x98\x80|1");
	/* Not strings, not an object, not true: as json_*_value sees them. */
	check_summary("{\"created_at\":5,\"discarded\":\"true\","
	    "\"structured\":[{\"title\":\"x\"}]}", 0, "|||||0");
	check_summary("{\"structured\":{\"title\":null,\"emoji\":{}},"
	    "\"discarded\":false}", 0, "|||||0");
	/* Declined: duplicates, escaped keys, \u0000, broken syntax. */
	check_summary("{\"discarded\":true,\"discarded\":false}", 1, NULL);
	check_summary("{\"structured\":{\"title\":\"a\",\"title\":\"b\"}}",
	    1, NULL);
	check_summary("{\"structured\":{},\"structured\":{}}", 1, NULL);
	check_summary("{\"struc\\u0074ured\":{\"title\":\"a\"}}", 1, NULL);
	check_summary("{\"structured\":{\"title\":\"a\\u0000\"}}", 1, NULL);
	check_summary("{\"structured\":{\"title\":\"a\"}", 1, NULL);
	check_summary("[]", 1, NULL);
	/* The shared fixture: what the listing shows of it. */
	CHECK(buf_read_file(&doc, "tests/fixtures/omi-current.json") == 0);
	CHECK(tscan_summary(doc.data, doc.len, &ts) == OMI_OK &&
	    ts.title.len > 1 && ts.created_at.len > 1);
	tscan_summary_free(&ts);
	buf_free(&doc);
}

/* Keeps each text's at (ctx: size_t[4], the count first). */
static int
stop_at_second(void *ctx, const char *text, size_t len, size_t at)
{
	size_t *n = ctx;

	(void)text;
	(void)len;
	n[++n[0]] = at;
	return n[0] == 2;
}

int
main(void)
{
	static const char three[] = "{\"transcript_segments\":"
	    "[{\"text\":\"1\"},{\"text\":\"2\"},{\"text\":\"3\"}]}";
	struct buf	 deep = { 0 }, scratch = { 0 };
	size_t		 ats[4] = { 0 }, k;
	int		 i;

	test_fixtures();
	test_summary();

	/* Read, with the same texts as Jansson. */
	check("{}", 0);
	check(" \t\r\n{ } \n", 0);
	check("{\"transcript_segments\":[]}", 0);
	check("{\"transcript_segments\":[{\"text\":\"a\"},{\"text\":\"\"}]}", 0);
	check("{\"transcript_segments\":null}", 0);
	check("{\"transcript_segments\":{\"text\":\"not an array\"}}", 0);
	check("{\"transcript_segments\":\"text\"}", 0);
	check("{\"transcript_segments\":[1,\"x\",null,[{\"text\":\"deeper\"}],"
	    "{\"text\":2},{\"text\":[\"no\"]},{\"text\":{\"text\":\"no\"}},"
	    "{\"speaker\":\"SPEAKER_1\"},{\"text\":\"yes\",\"t\":{\"a\":[1,2]}}]}",
	    0);
	check("{\"a\":{\"transcript_segments\":[{\"text\":\"nested: no\"}]},"
	    "\"transcript_segments\":[{\"text\":\"top\"}],\"z\":[{},[],\"}\"]}",
	    0);
	check("{\"transcript_segments\":[{\"text\":\"q\\\" b\\\\ s\\/ "
	    "\\b\\f\\n\\r\\t end\"}]}", 0);
	check("{\"transcript_segments\":[{\"text\":\"\\u00e9t\\u00C9 "
	    "\\u20ac \\ud83d\\udd28 \\uD83E\\uDDE0 raw \xc3\xa9 \xf0\x9f\x94\xa8\"}]}",
	    0);
	check("{\"transcript_segments\":[{\"text\":\"\\u0041\\u007f\"}]}", 0);
	check("{\"textx\":1,\"transcript_segments\":[{\"tex\":\"no\","
	    "\"texts\":\"no\",\"text\":\"only\"}]}", 0);
	check("{\"transcript_segments\" : [ { \"text\" : \"spaced\" } , "
	    "{ \"text\":\"two\" } ] }", 0);
	check("{\"n\":[-1,2.5e10,0,1E-3,true,false,null],"
	    "\"transcript_segments\":[{\"text\":\"after numbers\"}]}", 0);

	/*
	 * is_user: only the literal true counts, wherever it sits among the
	 * segment's members; nested or misspelt ones do not.
	 */
	check("{\"transcript_segments\":[{\"text\":\"u\",\"is_user\":true},"
	    "{\"is_user\":true,\"text\":\"before\"},"
	    "{\"text\":\"f\",\"is_user\":false},{\"text\":\"none\"},"
	    "{\"is_user\":\"true\",\"text\":\"string\"},"
	    "{\"is_user\":1,\"text\":\"one\"},{\"is_user\":null,\"text\":\"n\"},"
	    "{\"is_user\":[true],\"text\":\"arr\"},"
	    "{\"is_user\":{\"is_user\":true},\"text\":\"obj\"},"
	    "{\"x\":{\"is_user\":true},\"text\":\"nested\"},"
	    "{\"is_users\":true,\"Is_user\":true,\"text\":\"misspelt\"},"
	    "{\"is_user\":true},{\"is_user\" : true , \"text\" : \"sp\" }]}",
	    0);
	check("{\"is_user\":true,\"transcript_segments\":[{\"text\":\"top\"}]}",
	    0);
	check("{\"transcript_segments\":[{\"text\":\"a\",\"is_user\":truex}]}",
	    1);
	check("{\"transcript_segments\":[{\"text\":\"a\",\"is_user\":tru}]}",
	    1);
	/* Escapes in a key decline, so "is\u005fuser" cannot pass for it. */
	check("{\"transcript_segments\":[{\"text\":\"a\","
	    "\"is\\u005fuser\":true}]}", 1);
	/* Twice: Jansson keeps the last; the scanner declines. */
	check_user_declined("{\"transcript_segments\":[{\"text\":\"a\","
	    "\"is_user\":false,\"is_user\":true}]}");
	check_user_declined("{\"transcript_segments\":[{\"is_user\":true,"
	    "\"text\":\"a\",\"is_user\":false}]}");
	check_user_declined("{\"transcript_segments\":[{\"is_user\":true,"
	    "\"is_user\":true}]}");

	/* Declined: Jansson decides (it may refuse the document). */
	check("", 1);
	check("[]", 1);
	check("\"text\"", 1);
	check("{\"transcript_segments\":[{\"text\":\"a\"}]", 1);
	check("{\"transcript_segments\":[{\"text\":\"a\"}]}x", 1);
	check("{\"transcript_segments\":[{\"text\":\"a\"}]}{}", 1);
	check("{\"transcript_segments\":[{\"text\":\"a\"},]}", 1);
	check("{\"transcript_segments\":[{\"text\":\"a\",}]}", 1);
	check("{,}", 1);
	check("{\"a\" 1}", 1);
	check("{\"a\":}", 1);
	check("{\"a\":tru}", 1);
	check("{\"a\":truex}", 1);
	check("{\"a\":\"tab\there\"}", 1);
	check("{\"a\":\"\\x\"}", 1);
	check("{\"a\":\"\\u12g4\"}", 1);
	check("{\"a\":\"\\u12\"}", 1);
	check("{\"a\":\"open}", 1);
	check("{\"transcript_segments\":[],\"transcript_segments\":"
	    "[{\"text\":\"last wins\"}]}", 1);
	check("{\"transcript_segments\":[{\"text\":\"a\",\"text\":\"b\"}]}", 1);
	check("{\"transcript_segments\":[{\"text\":1,\"text\":\"b\"}]}", 1);
	check("{\"transcript\\u005fsegments\":[{\"text\":\"escaped key\"}]}", 1);
	check("{\"transcript_segments\":[{\"te\\u0078t\":\"escaped key\"}]}", 1);
	check("{\"transcript_segments\":[{\"text\":\"nul \\u0000\"}]}", 1);
	check("{\"transcript_segments\":[{\"text\":\"lone \\ud83d\"}]}", 1);
	check("{\"transcript_segments\":[{\"text\":\"lone \\udd28\"}]}", 1);
	check("{\"transcript_segments\":[{\"text\":\"pair \\ud83d\\u0041\"}]}",
	    1);
	check("{\"transcript_segments\":[{\"text\":\"bad \xc3\x28\"}]}", 1);
	check("{\"transcript_segments\":[{\"text\":\"overlong \xc0\xaf\"}]}", 1);
	check_doc("{\"a\":\"\0\"}", 9, 1);

	/* Nesting: up to TSCAN_MAX_DEPTH read, deeper declined. */
	for (i = 0; i < TSCAN_MAX_DEPTH - 1; i++)
		buf_putc(&deep, '[');
	{
		struct buf ok = { 0 }, over = { 0 };

		buf_puts(&ok, "{\"a\":");
		buf_append(&ok, deep.data, deep.len);
		for (i = 0; i < TSCAN_MAX_DEPTH - 1; i++)
			buf_putc(&ok, ']');
		buf_puts(&ok, ",\"transcript_segments\":[{\"text\":\"t\"}]}");
		check_doc(ok.data, ok.len, 0);
		buf_puts(&over, "{\"a\":[");
		buf_append(&over, deep.data, deep.len);
		for (i = 0; i < TSCAN_MAX_DEPTH; i++)
			buf_putc(&over, ']');
		buf_puts(&over, "}");
		check_doc(over.data, over.len, 1);
		buf_free(&ok);
		buf_free(&over);
	}

	/*
	 * tscan_limits, the webhook's bound: values and depth at their edges,
	 * keys not counted, syntax errors left to Jansson.
	 */
	{
		static const struct {
			const char	*doc;
			int		 depth;
			size_t		 values;
			int		 want;
		} lim[] = {
			{ "{}", 1, 1, 0 },
			{ "{}", 0, 1, TSCAN_TOO_DEEP },
			{ "{\"a\":1,\"b\":\"x\"}", 1, 3, 0 },
			{ "{\"a\":1,\"b\":\"x\"}", 1, 2, TSCAN_TOO_MANY },
			{ "[[],{},null,true,false,-1.5e3,\"s\"]", 2, 8, 0 },
			{ "[[],{},null,true,false,-1.5e3,\"s\"]", 2, 7,
			    TSCAN_TOO_MANY },
			{ "[[],{},null,true,false,-1.5e3,\"s\"]", 1, 8,
			    TSCAN_TOO_DEEP },
			{ " [[[1]]] ", 3, 4, 0 },
			{ "[[[1]]]", 2, 4, TSCAN_TOO_DEEP },
			{ "[{},{},{}]", 2, 4, 0 },
			{ "[{},{},{}]", 2, 3, TSCAN_TOO_MANY },
			{ "[1,]", 5, 100, 1 },
			{ "{\"a\" 1}", 5, 100, 1 },
			{ "[1] x", 5, 100, 1 },
			{ "\"a\\u00zz\"", 5, 100, 1 },
			{ "", 5, 100, 1 },
		};

		for (i = 0; i < (int)(sizeof(lim) / sizeof(lim[0])); i++) {
			size_t	 at;
			int	 rc = tscan_limits(lim[i].doc,
			    strlen(lim[i].doc), lim[i].depth, lim[i].values,
			    &at);

			if (rc != lim[i].want)
				fprintf(stderr, "tscan_limits %s: %d, want %d\n",
				    lim[i].doc, rc, lim[i].want);
			CHECK(rc == lim[i].want);
		}
		/* 10,000 deep: stops at the limit, not the stack's end. */
		buf_reset(&deep);
		for (i = 0; i < 10000; i++)
			buf_putc(&deep, '[');
		CHECK(tscan_limits(deep.data, deep.len, TSCAN_MAX_DEPTH,
		    SIZE_MAX, &k) == TSCAN_TOO_DEEP && k == TSCAN_MAX_DEPTH);
		/* Jansson reads on past a NUL after a number; this does not. */
		CHECK(tscan_limits("[1\0,{}]", 7, 5, 100, &k) == 1 && k == 2);
	}

	/*
	 * fn stops the walk: no more texts after it asks. at is how far
	 * into the document each segment ends (the search's budget).
	 */
	CHECK(tscan_segment_texts(three, strlen(three), &scratch,
	    stop_at_second, ats) == OMI_OK && ats[0] == 2);
	CHECK(ats[1] == (size_t)(strstr(three, "\"1\"}") + 4 - three));
	CHECK(ats[2] == (size_t)(strstr(three, "\"2\"}") + 4 - three));
	buf_free(&deep);
	buf_free(&scratch);
	return unit_done("test_transcript_scan");
}
