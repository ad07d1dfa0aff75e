/*
 * transcript-scan (tscan_*): the texts of a stored conversation's
 * transcript segments, read straight from its JSON without building a
 * Jansson tree.
 *
 * A text search reads every conversation it cannot decide from the index
 * (up to LIST_SCAN_BUDGET bytes a request) only to look at those texts.
 * Jansson builds the whole tree first, at about 220 instructions a byte:
 * over 80% of a search request. The scanner checks the document's
 * structure in one pass, then decodes just the "text" strings of the
 * top-level "transcript_segments" array.
 *
 * It declines (returns OMI_NOTFOUND) whatever it does not read exactly
 * as Jansson would: a top level that is not an object, a key written with
 * escapes, a duplicate "transcript_segments", "text" or (when asked for)
 * "is_user", nesting deeper than TSCAN_MAX_DEPTH, \u0000, a lone
 * surrogate, invalid UTF-8 in a text, any syntax it does not expect. The
 * caller then parses with Jansson. Where Jansson accepts a document and
 * the scanner does not decline, both give the same texts in the same
 * order, with the same is_user flags (tests/fuzz/fuzz_jscan.c).
 */
#ifndef OMI_TRANSCRIPT_SCAN_H
#define OMI_TRANSCRIPT_SCAN_H

#include <stddef.h>

#include "lib/buf.h"
#include "lib/err.h"

#define TSCAN_MAX_DEPTH	64
#define TSCAN_TOO_DEEP	2
#define TSCAN_TOO_MANY	3

/*
 * Calls fn with each segment's text (decoded, valid UTF-8, in a buffer of
 * scratch that the next call reuses) and at, the bytes of doc up to the
 * end of that segment, until fn returns nonzero. Returns OMI_OK when the
 * document was read (fn stopped it or not), OMI_NOTFOUND when the scanner
 * declines it, OMI_NOMEM.
 */
enum omi_err	 tscan_segment_texts(const char *doc, size_t len,
		    struct buf *scratch, int (*fn)(void *ctx, const char *text,
		    size_t len, size_t at), void *ctx);

/*
 * tscan_segment_texts that also tells fn whether the segment's "is_user"
 * member is JSON true (1: the wearer's own words; 0 when it is false,
 * anything else, or absent), as json_is_true(json_object_get(seg,
 * "is_user")) would. It also declines a segment with "is_user" twice.
 */
enum omi_err	 tscan_segments(const char *doc, size_t len,
		    struct buf *scratch, int (*fn)(void *ctx, const char *text,
		    size_t len, int is_user, size_t at), void *ctx);

/*
 * One segment as the transcript's text is made of it (conv/transcript.h),
 * each member as Jansson would give it: text and speaker decoded (NULL
 * when absent or not a string), is_user 1 when it is JSON true, and start
 * and end when they are numbers (has_start, has_end), as
 * json_number_value reads them.
 */
struct tscan_seg {
	const char	*text, *speaker;
	size_t		 text_len, speaker_len;
	int		 is_user, has_start, has_end;
	double		 start, end;
};

/* The scratch space of tscan_transcript, reused from segment to segment. */
struct tscan_bufs {
	struct buf	 text, speaker;
};

/* Where a top-level member's value lies in the document (p NULL: absent). */
struct tscan_span {
	const char	*p;
	size_t		 len;
};

#define TSCAN_MAX_MEMBERS	8

/*
 * Calls fn with every object of the top-level "transcript_segments"
 * array, in order, until fn returns nonzero; the texts live in b until
 * the next call. Also sets spans[i] to the value of the top-level member
 * names[i] (n at most TSCAN_MAX_MEMBERS, none "transcript_segments"),
 * for the caller to parse with Jansson: a detail needs the conversation's
 * other members, not a tree of its thousands of segments. Declines like
 * tscan_segments, and also a name of names given twice, a segment with
 * "speaker", "start" or "end" twice, and a start or end that is a number
 * Jansson would refuse (or longer than 63 characters). OMI_OK,
 * OMI_NOTFOUND (declined), OMI_NOMEM or OMI_INVALID (too many names).
 */
enum omi_err	 tscan_transcript(const char *doc, size_t len,
		    const char *const *names, size_t n,
		    struct tscan_span *spans, struct tscan_bufs *b,
		    int (*fn)(void *ctx, const struct tscan_seg *), void *ctx);

/*
 * What index_summary shows of a stored conversation, read the same way:
 * the top-level "created_at" and "structured"'s "title", "overview",
 * "category" and "emoji", each decoded and NUL-terminated ("" when absent
 * or not a string, as json_string_value finds nothing), and "discarded"
 * (1 when it is JSON true). A search reads this of every conversation it
 * checks, where Jansson's tree of the whole record cost more than the
 * check itself. Declines like the texts' scan, and also a duplicate of
 * any of these members. tscan_summary_free frees it, declined or not.
 */
struct tscan_summary {
	struct buf	 created_at, title, overview, category, emoji;
	int		 discarded;
};

enum omi_err	 tscan_summary(const char *doc, size_t len,
		    struct tscan_summary *);
void		 tscan_summary_free(struct tscan_summary *);

/*
 * The webhook's bound on what a body may cost to parse, checked before
 * Jansson builds it (a tree costs about 240 bytes an empty object, so
 * 8 MiB of "[{},{},...]" took 660 MB). One pass, no allocation. Returns
 * 0 when doc is one JSON value nested at most max_depth containers deep
 * with at most max_values values (every object, array, string, number
 * and literal; keys do not count), TSCAN_TOO_DEEP or TSCAN_TOO_MANY when
 * it is not, and 1 for a syntax error; *at is where it stopped. The
 * caller must not hand a document with a syntax error to Jansson, which
 * reads on past some (a NUL after a number): tests/fuzz/fuzz_jscan.c.
 */
int	 tscan_limits(const char *doc, size_t len, int max_depth,
	    size_t max_values, size_t *at);
#endif
