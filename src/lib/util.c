/*
 * util: shared helpers. struct buf never overflows a size_t: every growth
 * is checked before it happens, and a failed allocation is sticky (failed
 * is set) so a caller may append many times and check once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/swar.h"
#include "lib/util.h"

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

int
hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void
buf_truncate(struct buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->data[len] = '\0';
	}
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

int
parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (s == NULL || *s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return 1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v > max)
		return 1;
	*out = v;
	return 0;
}

int
valid_ident(const char *s, size_t maxlen)
{
	size_t	 n;

	if (s == NULL)
		return 0;
	for (n = 0; s[n] != '\0'; n++) {
		char c = s[n];
		if (n >= maxlen)
			return 0;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return 0;
	}
	if (n == 0 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return 0;
	return 1;
}

int
has_ctl(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 1;
	return 0;
}

int
valid_utf8(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t	 i = 0, k, len;
	uint32_t cp;

	while (i < n) {
		unsigned char c = p[i];
		if (c == 0)
			return 0;
		if (c < 0x80) {
			/* ASCII eight bytes at a time while it lasts. */
			for (i++; n - i >= 8; i += 8) {
				uint64_t v = swar_load(p + i);
				if (swar_high(v) || swar_below(v, 1))
					break;
			}
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2; cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3; cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4; cp = c & 0x07;
		} else
			return 0;
		if (n - i < len)
			return 0;
		for (k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		/* Overlong forms, surrogates and values past U+10FFFF. */
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return 0;
		i += len;
	}
	return 1;
}

int64_t
now_unix(void)
{
	return (int64_t)time(NULL);
}

char *
xstrdup(const char *s)
{
	return s == NULL ? NULL : strdup(s);
}

static int
digits(const char **p, int n, int *out)
{
	int v = 0;

	while (n-- > 0) {
		if (**p < '0' || **p > '9')
			return -1;
		v = v * 10 + (*(*p)++ - '0');
	}
	*out = v;
	return 0;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/*
 * The inverse of days_from_civil. gmtime_r would do, but glibc's reads the
 * time zone file on its first call even for UTC: a file open per request.
 */
static void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static char *
put_digits(char *p, int64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
	return p + n;
}

void
format_utc(int64_t t, char sep, char out[UTC_LEN])
{
	int64_t	 days = (t >= 0 ? t : t - 86399) / 86400, secs = t - days * 86400;
	int64_t	 y;
	int	 m, d;
	char	*p = out;

	civil_from_days(days, &y, &m, &d);
	p = put_digits(p, y < 0 ? 0 : y > 9999 ? 9999 : y, 4);
	*p++ = '-';
	p = put_digits(p, m, 2);
	*p++ = '-';
	p = put_digits(p, d, 2);
	*p++ = sep;
	p = put_digits(p, secs / 3600, 2);
	*p++ = ':';
	p = put_digits(p, secs / 60 % 60, 2);
	*p++ = ':';
	p = put_digits(p, secs % 60, 2);
	*p++ = 'Z';
	*p = '\0';
}

int
parse_iso8601(const char *s, int64_t *us, int *date_only)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	const char	*p = s;
	int		 y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, sign;
	int64_t		 frac = 0, scale = 100000, t;

	if (date_only)
		*date_only = 0;
	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) ||
	    *p++ != '-' || digits(&p, 2, &d))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0))))
		return -1;
	if (*p == '\0') {
		if (date_only)
			*date_only = 1;
		goto done;
	}
	if (*p != 'T' && *p != 't' && *p != ' ')
		return -1;
	p++;
	if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
		return -1;
	if (*p == ':') {
		p++;
		if (digits(&p, 2, &sec))
			return -1;
		if (*p == '.' || *p == ',') {
			p++;
			if (*p < '0' || *p > '9')
				return -1;
			for (; *p >= '0' && *p <= '9'; p++) {
				frac += (*p - '0') * scale;
				scale /= 10;
			}
		}
	}
	if (h > 23 || mi > 59 || sec > 60)
		return -1;
	if (*p == 'Z' || *p == 'z')
		p++;
	else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (digits(&p, 2, &oh))
			return -1;
		if (*p == ':')
			p++;
		if (digits(&p, 2, &om) || oh > 23 || om > 59)
			return -1;
		oh *= sign;
		om *= sign;
	}
	if (*p != '\0')
		return -1;
done:
	t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
	    oh * 3600 - om * 60;
	*us = t * 1000000 + frac;
	return 0;
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
 * Jansson's allocations go through json_alloc, which notes a failure: Jansson
 * reports some of them as a syntax error ("invalid token" where a string
 * buffer could not grow), and a sender must not be told its valid document
 * is invalid because this process ran short of memory.
 */
static int json_alloc_failures;

static void *
json_alloc(size_t n)
{
	void *p = malloc(n);

	if (p == NULL)
		json_alloc_failures++;
	return p;
}

void
json_alloc_watch(void)
{
	json_set_alloc_funcs(json_alloc, free);
}

json_t *
json_loadb_checked(const char *text, size_t len, size_t flags,
    json_error_t *err, int *oom)
{
	json_t	*j;

	json_alloc_failures = 0;
	j = json_loadb(text, len, flags, err);
	/* A parse error always has a text; a failed allocation can leave
	 * json_loadb's initial, empty one, or pass for "invalid token". */
	*oom = j == NULL && (json_alloc_failures != 0 ||
	    json_error_code(err) == json_error_out_of_memory ||
	    err->text[0] == '\0');
	return j;
}
