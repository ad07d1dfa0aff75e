/*
 * detail (conv_detail_*): a stored conversation read to be shown whole, as
 * api/, mcp/ and web/ show one: the members they show and its transcript
 * as text (conv/transcript.h).
 *
 * The transcript is most of a conversation, and a Jansson tree of it cost
 * a detail request more than everything else it did. So the segments are
 * read straight from the JSON (tscan_transcript) and only the other
 * members shown are parsed with Jansson; a document the scanner declines
 * is parsed whole, with the same result.
 */
#ifndef OMI_CONV_DETAIL_H
#define OMI_CONV_DETAIL_H

#include <jansson.h>

#include "lib/buf.h"
#include "lib/err.h"

struct conv_detail {
	/*
	 * An object with the conversation's top-level "created_at",
	 * "started_at", "finished_at", "discarded" and "structured" (those
	 * it has; perhaps other members too).
	 */
	json_t		*doc;
	struct buf	 transcript;	/* rendered; data NULL when empty */
};

/*
 * OMI_OK, OMI_CORRUPT (not a JSON document), OMI_NOMEM. A document the
 * scanner reads is checked for its structure, not for what Jansson would
 * refuse in members nobody reads (a lone surrogate, a number out of
 * range): the webhook stores Jansson's own dump, so only a record damaged
 * on disk can hold one, and it is then shown rather than refused.
 */
enum omi_err	 conv_detail_load(const char *raw, size_t len,
		    struct conv_detail *);
void		 conv_detail_free(struct conv_detail *);
#endif
