/*
 * clip: sizing what a reader is sent. The conversations API and the MCP
 * tools both answer clients with a hard limit on a response's size
 * (ChatGPT's 100,000 characters), so both cut texts to a number of code
 * points, measure JSON in bytes and cut a transcript into parts that fit a
 * byte budget once written as a JSON string. Cuts never fall inside a
 * character.
 */
#ifndef OMI_CLIP_H
#define OMI_CLIP_H

#include <stddef.h>

#include <jansson.h>

#include "lib/buf.h"

/*
 * A JSON string of s cut to at most max code points; a cut text ends in
 * "…" (counted in max). *cut is set when it was cut (may be NULL).
 * NULL when out of memory.
 */
json_t	*clip_text(const char *s, size_t max, int *cut);
/* Appends clip_text(s, max)'s JSON text to out, with no Jansson string
 * between (s is valid UTF-8); -1 when out of memory. */
int	 clip_put(struct buf *out, const char *s, size_t max);
/* The compact serialised size of j in bytes, as an answer writes it. */
size_t	 clip_json_size(const json_t *);
/*
 * A new array of v's leading elements whose serialised sizes (plus a
 * separator each) fit in budget bytes; *cut is set when some were left
 * out. NULL when out of memory.
 */
json_t	*clip_array(const json_t *v, size_t budget, int *cut);
/*
 * The end (a byte offset) of the part of t (n bytes) that starts at byte
 * b0, holds at most max code points and costs at most room bytes inside a
 * JSON string as Jansson writes it. When the text goes on, the part ends
 * at a block boundary ("\n\n") if one lies in its second half.
 */
size_t	 clip_transcript(const char *t, size_t n, size_t b0, size_t max,
	    size_t room);
#endif
