/*
 * ustr: decoding and encoding of UTF-8 text that is already known to be
 * valid (Jansson only hands out valid UTF-8, and cgi rejects invalid query
 * parameters). The API measures transcripts in Unicode code points, so
 * offsets given to the GPT never fall inside a character.
 */
#ifndef OMI_USTR_H
#define OMI_USTR_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decodes the character at s (n > 0 bytes available) into *cp and returns
 * its length in bytes (1-4). A malformed sequence decodes as U+FFFD of
 * length 1, so a caller always makes progress.
 */
size_t	 ustr_decode(const char *s, size_t n, uint32_t *cp);
/* Encodes cp into out (room for 4 bytes); returns the length. */
size_t	 ustr_encode(uint32_t cp, char *out);
/* The number of code points in the n bytes at s. */
size_t	 ustr_count(const char *s, size_t n);
/* The byte offset of code point number cps in s (n bytes), at most n. */
size_t	 ustr_offset(const char *s, size_t n, size_t cps);
/*
 * The number of bytes of s (n bytes) that hold at most max code points;
 * sets *cut when the text is longer than that.
 */
size_t	 ustr_prefix(const char *s, size_t n, size_t max, int *cut);
#endif
