/*
 * search: query terms and matching that ignores case and diacritics (see
 * search.h). Both the terms and each text are folded once (lib/ufold),
 * then compared with memmem(), so a search costs one pass over the text
 * per term.
 */
#include <stdlib.h>
#include <string.h>

#include "conv/search.h"
#include "lib/ufold.h"
#include "lib/ustr.h"

static enum omi_err
add_term(struct search *s, const char *t, size_t n)
{
	struct buf b = { 0 };

	if (n == 0)
		return OMI_OK;
	if (s->nterms == SEARCH_MAX_TERMS)
		return OMI_INVALID;
	if (ufold_text(t, n, &b) == -1) {
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
	size_t i, n;

	if (*found == s->all)
		return OMI_OK;
	if (ufold_text(text, len, &s->scratch) == -1)
		return OMI_NOMEM;
	for (i = 0; i < s->nterms; i++) {
		if (*found & (1u << i))
			continue;
		/*
		 * A term that folds to nothing (combining accents alone, which
		 * folding removes from the text too) is found in every text,
		 * even an empty one, so it still finds what it found before
		 * folding dropped them, and a text finds the same terms folded
		 * or not.
		 */
		n = strlen(s->terms[i]);
		if (n == 0 || memmem(s->scratch.data, s->scratch.len,
		    s->terms[i], n) != NULL)
			*found |= 1u << i;
	}
	return OMI_OK;
}

void
search_free(struct search *s)
{
	size_t i;

	for (i = 0; i < s->nterms; i++)
		free(s->terms[i]);
	buf_free(&s->scratch);
	memset(s, 0, sizeof(*s));
}
