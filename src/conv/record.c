/* record: the stored form of one conversation (see record.h). */
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "conv/record.h"
#include "lib/text.h"

/*
 * Level 1: 15 µs for a 4 KB transcript here, and within a few per cent of
 * level 3's size on OMI's JSON (measured on 10,000 conversations: 2.59x
 * against 2.61x).
 */
#define LEVEL	1
/*
 * Up to this size a conversation is compressed with a match table of 1,024
 * entries (hashLog 10, 4 KB) instead of level 1's own, which zstd sizes
 * for inputs up to 16 KB at 32 KB: the smaller table is fewer fresh pages
 * for a new process to clear, 0.09 ms of a CGI delivery here, and the
 * output grows by about 1% (1,203 bytes against 1,209 for a 3 KB delivery,
 * 3,379 against 3,417 for 22 KB).
 */
#define SMALL_INPUT	(32u << 10)
#define SMALL_HASHLOG	10

static const unsigned char zstd_magic[4] = { 0x28, 0xb5, 0x2f, 0xfd };

/*
 * A decompression context lives as long as the process (FastCGI reuses
 * it). A compression context is made for each record and freed at once:
 * a delivery compresses one record, and the memory it frees (about 40 KB)
 * is then reused by the store session that follows instead of fresh pages,
 * each a page fault in a new process; a warm process pays a few µs.
 */
static ZSTD_DCtx	*dctx;

void
conv_rec_encode(struct buf *b, int64_t t, const char *raw, size_t len)
{
	ZSTD_CCtx	*cctx;
	size_t		 cap, n;
	char		*z;

	if (buf_printf(b, "%lld\n", (long long)t) != 0)
		return;
	cap = ZSTD_compressBound(len);
	if ((z = malloc(cap)) == NULL) {
		b->failed = 1;
		return;
	}
	if ((cctx = ZSTD_createCCtx()) == NULL) {
		free(z);
		b->failed = 1;
		return;
	}
	n = ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, LEVEL);
	if (!ZSTD_isError(n))
		n = ZSTD_CCtx_setParameter(cctx, ZSTD_c_hashLog,
		    len <= SMALL_INPUT ? SMALL_HASHLOG : 0);
	if (!ZSTD_isError(n))
		n = ZSTD_compress2(cctx, z, cap, raw, len);
	ZSTD_freeCCtx(cctx);
	if (ZSTD_isError(n))
		b->failed = 1;
	else
		buf_append(b, z, n);
	free(z);
}

/* The bytes after the "<t>\n" prefix, or NULL if there is none. */
static const char *
body(const char *val, size_t vlen, size_t *blen)
{
	const char	*nl;

	if ((nl = memchr(val, '\n', vlen)) == NULL)
		return NULL;
	*blen = vlen - (size_t)(nl + 1 - val);
	return nl + 1;
}

/*
 * A frame, or what is left of one: no JSON text starts with the magic's
 * first byte ('('), so a value cut inside the magic is damage, not JSON.
 */
static int
is_frame(const char *p, size_t n)
{
	return n > 0 && (unsigned char)p[0] == zstd_magic[0];
}

enum omi_err
conv_rec_raw_len(const char *val, size_t vlen, size_t *len)
{
	const char		*p;
	size_t			 n;
	unsigned long long	 c;

	*len = 0;
	if ((p = body(val, vlen, &n)) == NULL)
		return OMI_CORRUPT;
	if (n == 0)
		return OMI_CORRUPT;
	if (!is_frame(p, n)) {
		*len = n;
		return OMI_OK;
	}
	c = ZSTD_getFrameContentSize(p, n);
	if (c == ZSTD_CONTENTSIZE_UNKNOWN || c == ZSTD_CONTENTSIZE_ERROR ||
	    c > CONV_REC_RAW_MAX)
		return OMI_CORRUPT;
	*len = (size_t)c;
	return OMI_OK;
}

enum omi_err
conv_rec_decode(const char *val, size_t vlen, char **raw, size_t *len)
{
	const char	*p;
	char		*out;
	size_t		 n = 0, want, got;
	enum omi_err	 err;

	*raw = NULL;
	if ((err = conv_rec_raw_len(val, vlen, &want)) != OMI_OK)
		return err;
	p = body(val, vlen, &n);
	if ((out = malloc(want + 1)) == NULL)
		return OMI_NOMEM;
	if (!is_frame(p, n))
		memcpy(out, p, n);
	else if ((dctx == NULL && (dctx = ZSTD_createDCtx()) == NULL) ||
	    (got = ZSTD_decompressDCtx(dctx, out, want, p, n),
	    ZSTD_isError(got) || got != want)) {
		free(out);
		return dctx == NULL ? OMI_NOMEM : OMI_CORRUPT;
	}
	out[want] = '\0';
	*raw = out;
	if (len)
		*len = want;
	return OMI_OK;
}

enum omi_err
conv_rec_t(const char *val, size_t vlen, int64_t *t)
{
	const char	*nl;
	char		 num[24];
	size_t		 n;
	uint64_t	 v;
	int		 neg;

	if ((nl = memchr(val, '\n', vlen)) == NULL ||
	    (n = (size_t)(nl - val)) == 0 || n >= sizeof(num))
		return OMI_CORRUPT;
	memcpy(num, val, n);
	num[n] = '\0';
	neg = num[0] == '-';
	if (parse_u64(num + neg, INT64_MAX, &v) != 0)
		return OMI_CORRUPT;
	*t = neg ? -(int64_t)v : (int64_t)v;
	return OMI_OK;
}
