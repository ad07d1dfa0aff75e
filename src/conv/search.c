/*
 * search: query terms and case-insensitive matching (see search.h). Both
 * the terms and each text are folded into lower case once, then compared
 * with memmem(), so a search costs one pass over the text per term.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "conv/search.h"
#include "lib/swar.h"
#include "lib/ustr.h"

static int
fold(const struct search *s, const char *text, size_t n, struct buf *out)
{
	size_t		 i = 0, len, k;
	uint64_t	 v;
	uint32_t	 cp;
	char		 enc[4];

	buf_reset(out);
	while (i < n) {
		if ((unsigned char)text[i] < 0x80) {
			/* A run of ASCII at once: most text is. */
			for (len = 1; n - i - len >= 8 &&
			    !swar_high(swar_load(text + i + len)); len += 8)
				;
			for (; i + len < n &&
			    (unsigned char)text[i + len] < 0x80; len++)
				;
			k = out->len;
			if (buf_append(out, text + i, len) == -1)
				break;
			for (; out->len - k >= 8; k += 8) {
				v = swar_lower(swar_load(out->data + k));
				memcpy(out->data + k, &v, sizeof(v));
			}
			for (; k < out->len; k++)
				if (out->data[k] >= 'A' && out->data[k] <= 'Z')
					out->data[k] += 'a' - 'A';
			i += len;
			continue;
		}
		/* Not ASCII: cp >= 0x80 (U+FFFD for a bad byte). */
		len = ustr_decode(text + i, n - i, &cp);
		if (s->loc != (locale_t)0)
			cp = (uint32_t)towlower_l((wint_t)cp, s->loc);
		buf_append(out, enc, ustr_encode(cp, enc));
		i += len;
	}
	/* An empty text still needs a NUL-terminated buffer. */
	buf_append(out, "", 0);
	return out->failed ? -1 : 0;
}

static enum omi_err
add_term(struct search *s, const char *t, size_t n)
{
	struct buf b = { 0 };

	if (n == 0)
		return OMI_OK;
	if (s->nterms == SEARCH_MAX_TERMS)
		return OMI_INVALID;
	if (fold(s, t, n, &b) == -1) {
		buf_free(&b);
		return OMI_NOMEM;
	}
	s->terms[s->nterms++] = buf_take(&b);
	return OMI_OK;
}

enum omi_err
search_compile(struct search *s, const char *q)
{
	const char	*p = q, *start;
	enum omi_err	 err;

	memset(s, 0, sizeof(*s));
	s->loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	if (ustr_count(q, strlen(q)) > SEARCH_MAX_QUERY)
		return OMI_INVALID;
	while (*p != '\0') {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			p++;
			continue;
		}
		if (*p == '"') {
			start = ++p;
			if ((p = strchr(start, '"')) == NULL)
				return OMI_INVALID;
			err = add_term(s, start, (size_t)(p - start));
			p++;
		} else {
			start = p;
			p += strcspn(p, " \t\r\n\"");
			err = add_term(s, start, (size_t)(p - start));
		}
		if (err != OMI_OK)
			return err;
	}
	if (s->nterms == 0)
		return OMI_INVALID;
	s->all = (1u << s->nterms) - 1;
	return OMI_OK;
}

enum omi_err
search_scan(struct search *s, const char *text, size_t len, unsigned *found)
{
	size_t i;

	if (*found == s->all || len == 0)
		return OMI_OK;
	if (fold(s, text, len, &s->scratch) == -1)
		return OMI_NOMEM;
	for (i = 0; i < s->nterms; i++)
		if (!(*found & (1u << i)) && memmem(s->scratch.data,
		    s->scratch.len, s->terms[i], strlen(s->terms[i])) != NULL)
			*found |= 1u << i;
	return OMI_OK;
}

void
search_free(struct search *s)
{
	size_t i;

	for (i = 0; i < s->nterms; i++)
		free(s->terms[i]);
	if (s->loc != (locale_t)0)
		freelocale(s->loc);
	buf_free(&s->scratch);
	memset(s, 0, sizeof(*s));
}
