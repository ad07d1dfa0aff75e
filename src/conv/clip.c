/* clip: cutting texts to what a response may hold (see clip.h). */
#include <stdint.h>
#include <string.h>

#include "conv/clip.h"
#include "lib/buf.h"
#include "lib/ustr.h"

/*
 * The bytes of s (n long) that a cut to max code points keeps, before the
 * "…" that ends a cut text (*cut set; counted in max).
 */
static size_t
clip_keep(const char *s, size_t n, size_t max, int *cut)
{
	int c;

	ustr_prefix(s, n, max, cut);
	if (!*cut)
		return n;
	return ustr_prefix(s, n, max > 0 ? max - 1 : 0, &c);
}

json_t *
clip_text(const char *s, size_t max, int *cut)
{
	struct buf	 b = { 0 };
	json_t		*j;
	size_t		 n = strlen(s), keep;
	int		 c;

	keep = clip_keep(s, n, max, &c);
	if (cut)
		*cut = c;
	if (!c)
		return json_stringn(s, n);
	buf_append(&b, s, keep);
	buf_puts(&b, "\xe2\x80\xa6");
	j = b.failed ? NULL : json_stringn(b.data, b.len);
	buf_free(&b);
	return j;
}

int
clip_put(struct buf *out, const char *s, size_t max)
{
	size_t	 keep;
	int	 c;

	keep = clip_keep(s, strlen(s), max, &c);
	if (buf_put_jstring(out, s, keep) == -1 || !c)
		return out->failed ? -1 : 0;
	/* The string's closing quote gives way to the ellipsis. */
	buf_truncate(out, out->len - 1);
	return buf_puts(out, "\xe2\x80\xa6\"");
}

/*
 * With the flags every answer is written with (http/resp.c): a real at
 * Jansson's default 17 digits can take a byte less than at 15, where
 * 1234567890123456.0 becomes 1.23456789012346e15.
 */
size_t
clip_json_size(const json_t *j)
{
	return json_dumpb(j, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY |
	    JSON_REAL_PRECISION(15));
}

/* Bytes that code point cp takes inside a JSON string as Jansson writes it. */
static size_t
json_cost(uint32_t cp, size_t len)
{
	if (cp == '"' || cp == '\\' || cp == '\b' || cp == '\f' ||
	    cp == '\n' || cp == '\r' || cp == '\t')
		return 2;
	if (cp < 0x20)
		return 6;
	return len;
}

size_t
clip_transcript(const char *t, size_t n, size_t b0, size_t max, size_t room)
{
	size_t		 i = b0, cps = 0, cost = 0, len, c, k;
	uint32_t	 cp;

	while (i < n && cps < max) {
		len = ustr_decode(t + i, n - i, &cp);
		c = json_cost(cp, len);
		if (cost + c > room)
			break;
		cost += c;
		i += len;
		cps++;
	}
	if (i >= n)
		return n;
	/* Prefer ending at a block boundary in the part's second half. */
	for (k = i; k >= 2 && k - 2 >= b0 + (i - b0) / 2; k--)
		if (t[k - 2] == '\n' && t[k - 1] == '\n')
			return k;
	return i;
}

json_t *
clip_array(const json_t *v, size_t budget, int *cut)
{
	json_t	*out = json_array(), *e;
	size_t	 i, size = 0, sz;

	if (out == NULL)
		return NULL;
	json_array_foreach(v, i, e) {
		sz = clip_json_size(e) + 1;
		if (size + sz > budget) {
			*cut = 1;
			break;
		}
		size += sz;
		json_array_append(out, e);
	}
	return out;
}
