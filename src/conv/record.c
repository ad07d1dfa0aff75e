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

static const unsigned char zstd_magic[4] = { 0x28, 0xb5, 0x2f, 0xfd };

/* One context each way for the life of the process (FastCGI reuses them). */
static ZSTD_CCtx	*cctx;
static ZSTD_DCtx	*dctx;

void
conv_rec_encode(struct buf *b, int64_t t, const char *raw, size_t len)
{
	size_t	 cap, n;
	char	*z;

	if (buf_printf(b, "%lld\n", (long long)t) != 0)
		return;
	cap = ZSTD_compressBound(len);
	if ((cctx == NULL && (cctx = ZSTD_createCCtx()) == NULL) ||
	    (z = malloc(cap)) == NULL) {
		b->failed = 1;
		return;
	}
	n = ZSTD_compressCCtx(cctx, z, cap, raw, len, LEVEL);
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
