/*
 * record (conv_rec_*): the stored form of one conversation, the value of
 * conv:<uid>:<id>:
 *
 *   "<t>\n" then the raw OMI JSON as received, compressed as one zstd frame
 *
 * t stays in the clear so that a replacement finds the old entry's place
 * without decompressing. Transcripts are text that repeats its own JSON
 * keys: compressed they take about 0.4 of their size, and so does every copy
 * the store keeps (database, journal, snapshot). A value written before
 * compression (the JSON itself after the newline, which starts with '{'
 * where a frame starts with zstd's magic number) is read as it is.
 */
#ifndef OMI_CONV_RECORD_H
#define OMI_CONV_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/err.h"

/* The largest JSON a stored record may expand to (a corrupt frame's claim). */
#define CONV_REC_RAW_MAX	(64u << 20)

/* Appends the stored form of (t, raw) to b (b->failed on error). */
void		 conv_rec_encode(struct buf *b, int64_t t, const char *raw,
		    size_t len);
/*
 * The JSON of a stored value: malloc'd and NUL-terminated in *raw, its
 * length in *len (if len). OMI_CORRUPT when the value is not one.
 */
enum omi_err	 conv_rec_decode(const char *val, size_t vlen, char **raw,
		    size_t *len);
/* t of a stored value, read from its clear prefix. */
enum omi_err	 conv_rec_t(const char *val, size_t vlen, int64_t *t);
/*
 * The JSON's length without decompressing it (the frame records it); 0
 * with OMI_CORRUPT when the value is not one.
 */
enum omi_err	 conv_rec_raw_len(const char *val, size_t vlen, size_t *len);
#endif
