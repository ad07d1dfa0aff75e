/*
 * buf: a NUL-terminated growable byte buffer. struct buf never overflows
 * a size_t: every growth is checked before it happens, and a failed
 * allocation is sticky (failed is set) so a caller may append many times and
 * check once. Its one owner frees it with buf_free(). Also appending a
 * value's JSON text, and the little-endian integers the store's binary
 * records keep.
 */
#ifndef OMI_LIB_BUF_H
#define OMI_LIB_BUF_H

#include <stddef.h>
#include <stdint.h>
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
/* Room for extra more bytes at once (appends then never move the data);
 * -1 when out of memory (b->failed). */
int	 buf_reserve(struct buf *, size_t extra);
int	 buf_puts(struct buf *, const char *);
int	 buf_putc(struct buf *, char);
int	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_reset(struct buf *);
void	 buf_free(struct buf *);
/* Hands the data over to the caller (never NULL on success) and empties b. */
char	*buf_take(struct buf *);
/* Cuts b back to its first len bytes (len <= b->len). */
void	 buf_truncate(struct buf *, size_t len);
/* Appends j as JSON text (Jansson's dump flags); -1 when out of memory. */
int	 buf_put_json(struct buf *, const json_t *, size_t flags);
/* Appends the n bytes of s, valid UTF-8, as a JSON string, escaped byte
 * for byte as Jansson's compact dump escapes it; -1 when out of memory. */
int	 buf_put_jstring(struct buf *, const char *s, size_t n);

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
#endif
