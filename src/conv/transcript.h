/*
 * transcript: renders a conversation's transcript_segments as the one text
 * the GPT reads, in the original plugin's format:
 *
 *   [H:MM:SS - H:MM:SS] Label: text
 *
 * one block per segment, in the order OMI sent them, joined by a blank
 * line ("\n\n"). The rules, precisely:
 *
 * Label   "User" when is_user is true. Otherwise "Speaker N", N being the
 *         number in a speaker of the form SPEAKER_<1 to 9 digits> written
 *         without leading zeros (SPEAKER_00 -> 0, SPEAKER_12 -> 12); any
 *         other speaker (absent, null, another text) gives "Speaker 0".
 *         speaker_id is not used: the label follows the speaker field.
 * Text    the segment's text with leading and trailing whitespace removed
 *         (the characters Python's str.strip() removes); absent or null is
 *         empty. A block whose text is empty ends with the colon ("User:").
 * Times   start and end in seconds, truncated to whole seconds, as hours
 *         (not padded, may exceed 23), minutes and seconds (two digits).
 * Omitted the timestamps are left out of every block ("Label: text") when
 *         any segment has no usable timing or when any two segments
 *         overlap. Usable timing: start and end are both numbers with
 *         0 <= start <= end <= TRANSCRIPT_MAX_SECONDS; null, absent or
 *         anything else is unusable. Two segments [s1, e1] and [s2, e2]
 *         overlap when s1 < e2 and s2 < e1: sharing only an end point
 *         (e1 == s2) is not an overlap, and a zero-length segment overlaps
 *         a segment that strictly contains its instant.
 *
 * Non-object segments (which the webhook never stores) are skipped.
 */
#ifndef OMI_TRANSCRIPT_H
#define OMI_TRANSCRIPT_H

#include <jansson.h>

#include "conv/transcript-scan.h"
#include "lib/buf.h"
#include "lib/err.h"

#define TRANSCRIPT_MAX_SECONDS	1e9

/*
 * Appends the rendered transcript of segments (an array, or NULL/anything
 * else for none) to out. Returns 0, or -1 when out of memory.
 */
int	 transcript_render(const json_t *segments, struct buf *out);
/*
 * transcript_render of the stored conversation doc, read without a
 * Jansson tree by tscan_transcript, which also sets spans[i] to the value
 * of the top-level member names[i] (see there). OMI_OK, OMI_NOTFOUND when
 * the scanner declines the document (parse it with Jansson then),
 * OMI_NOMEM.
 */
enum omi_err	 transcript_render_doc(const char *doc, size_t len,
		    const char *const *names, size_t n,
		    struct tscan_span *spans, struct buf *out);
/* 1 when the timestamps are shown (see above), 0 when not, -1 out of memory. */
int	 transcript_timed(const json_t *segments);
#endif
