/* buf: see buf.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/buf.h"

static int
buf_grow(struct buf *b, size_t extra)
{
	size_t	 need, ncap;
	char	*p;

	if (b->failed)
		return -1;
	if (extra > SIZE_MAX - b->len - 1)
		goto fail;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 256;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	if ((p = realloc(b->data, ncap)) == NULL)
		goto fail;
	b->data = p;
	b->cap = ncap;
	return 0;
fail:
	b->failed = 1;
	return -1;
}

int
buf_reserve(struct buf *b, size_t extra)
{
	return buf_grow(b, extra);
}

int
buf_append(struct buf *b, const void *p, size_t n)
{
	if (buf_grow(b, n) == -1)
		return -1;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int
buf_putc(struct buf *b, char c)
{
	return buf_append(b, &c, 1);
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || buf_grow(b, (size_t)n) == -1)
		return -1;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void
buf_truncate(struct buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->data[len] = '\0';
	}
}

void
buf_free(struct buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

char *
buf_take(struct buf *b)
{
	char	*p;

	if (b->failed || buf_grow(b, 0) == -1)
		return NULL;
	p = b->data;
	/* A buffer nothing was appended to has just been allocated. */
	p[b->len] = '\0';
	memset(b, 0, sizeof(*b));
	return p;
}

/*
 * A list answer's strings are written straight from the index's texts:
 * building a Jansson string of each (which checks its UTF-8 again) and
 * dumping it was most of a warm list request's own work.
 */
int
buf_put_jstring(struct buf *b, const char *s, size_t n)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			 u[6] = { '\\', 'u', '0', '0' };
	const char		*esc;
	size_t			 i, from = 0;
	unsigned char		 c;

	buf_putc(b, '"');
	for (i = 0; i < n; i++) {
		if ((c = (unsigned char)s[i]) >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_append(b, s + from, i - from);
		from = i + 1;
		switch (c) {
		case '"':
			esc = "\\\"";
			break;
		case '\\':
			esc = "\\\\";
			break;
		case '\b':
			esc = "\\b";
			break;
		case '\f':
			esc = "\\f";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\r':
			esc = "\\r";
			break;
		case '\t':
			esc = "\\t";
			break;
		default:
			u[4] = hex[c >> 4];
			u[5] = hex[c & 15];
			buf_append(b, u, sizeof(u));
			continue;
		}
		buf_append(b, esc, 2);
	}
	buf_append(b, s + from, n - from);
	buf_putc(b, '"');
	return b->failed ? -1 : 0;
}

int
buf_put_le(struct buf *b, uint64_t v, int n)
{
	unsigned char le[8];

	le_put(le, v, n);
	return buf_append(b, le, (size_t)n);
}

int
buf_read_file(struct buf *b, const char *path)
{
	char	 chunk[65536];
	ssize_t	 n;
	int	 fd, e;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		if (buf_append(b, chunk, (size_t)n) == -1)
			break;
	e = n < 0 ? errno : ENOMEM;
	close(fd);
	if (n < 0 || b->failed) {
		errno = e;
		return -1;
	}
	return 0;
}

/*
 * Dumps straight into the buffer's free room, growing it and dumping again
 * when the text does not fit: a callback per token (json_dump_callback)
 * costs more than the text itself.
 */
int
buf_put_json(struct buf *b, const json_t *j, size_t flags)
{
	size_t	 room, n;

	if (buf_grow(b, 1024) == -1)
		return -1;
	room = b->cap - b->len - 1;
	if ((n = json_dumpb(j, b->data + b->len, room, flags)) == 0)
		return -1;
	if (n > room && (buf_grow(b, n) == -1 ||
	    json_dumpb(j, b->data + b->len, n, flags) != n))
		return -1;
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}
