/*
 * util: small helpers every module shares: a growable byte buffer, a
 * range-checked integer parser, identifier validation and the wall clock.
 * Nothing here allocates behind the caller's back except struct buf, whose
 * one owner frees it with buf_free().
 */
#ifndef OMI_UTIL_H
#define OMI_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <string.h>

#include <jansson.h>

/* A NUL-terminated growable buffer. A zeroed struct is a valid empty one. */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
	int	 failed;	/* set once an append ran out of memory */
};

int	 buf_append(struct buf *, const void *, size_t);
int	 buf_puts(struct buf *, const char *);
int	 buf_putc(struct buf *, char);
int	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_reset(struct buf *);
void	 buf_free(struct buf *);
/* Hands the data over to the caller (never NULL on success) and empties b. */
char	*buf_take(struct buf *);
/* The value of one hex digit, or -1. */
int	 hex_digit(int c);
/* Cuts b back to its first len bytes (len <= b->len). */
void	 buf_truncate(struct buf *, size_t len);
/* Appends j as JSON text (Jansson's dump flags); -1 when out of memory. */
int	 buf_put_json(struct buf *, const json_t *, size_t flags);

/*
 * Parses a whole string of decimal digits (no sign, no spaces) into *out.
 * Returns 0 on success, -1 when the text is not a number, 1 when it is a
 * number above max.
 */
int	 parse_u64(const char *, uint64_t max, uint64_t *out);

/* 1 when s is 1..maxlen characters of [A-Za-z0-9._-] and not "." or "..". */
int	 valid_ident(const char *s, size_t maxlen);

/* 1 when s (of length n) contains a control character (< 0x20 or 0x7f). */
int	 has_ctl(const char *s, size_t n);

/* 1 when the n bytes are valid UTF-8 with no NUL. */
int	 valid_utf8(const char *s, size_t n);

/* Seconds since the epoch. */
int64_t	 now_unix(void);

char	*xstrdup(const char *);

/* Little-endian integers of n bytes (n <= 8), as the store's binary
 * records (journal, index) keep them. Inline, and one load for the usual
 * widths where the CPU is little-endian: decoding a big index head reads
 * seven of them a reference. */
static inline uint64_t
le_get(const unsigned char *p, int n)
{
	uint64_t	 v = 0;
	uint32_t	 w;
	int		 i;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (n == 8) {
		memcpy(&v, p, 8);
		return v;
	}
	if (n == 4) {
		memcpy(&w, p, 4);
		return w;
	}
#endif
	(void)w;
	for (i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static inline void
le_put(unsigned char *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

int	 buf_put_le(struct buf *, uint64_t v, int n);

/* Appends a whole file to b; -1 with errno set on failure. */
int	 buf_read_file(struct buf *b, const char *path);


/*
 * Parses an ISO 8601 / RFC 3339 date ("2025-06-14") or date-time
 * ("2025-06-14T18:03:27.412345+00:00", 'Z' or no zone meaning UTC, ' ' or
 * 'T' between) into microseconds since the epoch. Returns 0, or -1 when the
 * text is not such a date. *date_only tells which form it was (may be NULL).
 */
int	 parse_iso8601(const char *, int64_t *us, int *date_only);

/* "2025-06-14T18:03:27Z" (sep between date and time) for t seconds since
 * the epoch, in UTC (years outside 0-9999 are clamped). */
#define UTC_LEN	21
void	 format_utc(int64_t t, char sep, char out[UTC_LEN]);

/* Routes Jansson's allocations through a counter of failures (call once). */
void	 json_alloc_watch(void);
/* json_loadb that tells a failed allocation (*oom set: not the sender's
 * fault) from a document that is not JSON (NULL, *oom clear, err says why). */
json_t	*json_loadb_checked(const char *, size_t, size_t flags, json_error_t *,
	    int *oom);
#endif
