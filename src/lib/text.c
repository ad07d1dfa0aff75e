/* text: see text.h. */
#include <stdlib.h>
#include <string.h>

#include "lib/swar.h"
#include "lib/text.h"

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

char *
xstrdup(const char *s)
{
	return s == NULL ? NULL : strdup(s);
}
