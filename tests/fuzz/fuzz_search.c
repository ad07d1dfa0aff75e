/*
 * fuzz_search: the API's text search, compiling a client's query
 * (search_compile: terms, quoted phrases, limits) and scanning a text with
 * it (search_scan: Unicode case folding, then substring search). The input
 * is "QUERY\nTEXT", or a query alone. Promises checked: a query compiles
 * to 1 to SEARCH_MAX_TERMS terms or is refused; a scan reports only terms
 * that exist; and a query (valid UTF-8, as the API passes it on) finds all
 * of its own terms in its own text. search_free releases everything on
 * every path.
 */
#include "conv/search.h"
#include "fuzz.h"
#include "lib/text.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct search	 s;
	char		*in, *nl, *text = NULL;
	size_t		 tlen = 0;
	int		 rc, found;

	in = fuzz_cstring(data, size);
	if ((nl = memchr(in, '\n', size)) != NULL) {
		*nl = '\0';
		text = nl + 1;
		tlen = size - (size_t)(text - in);	/* NULs included */
	}
	rc = search_compile(&s, in);
	FUZZ_ASSERT(rc == 0 || rc == 1);	/* -1 only without memory */
	if (rc == 0) {
		FUZZ_ASSERT(s.nterms >= 1 && s.nterms <= SEARCH_MAX_TERMS);
		if (text != NULL) {
			found = search_scan(&s, text, tlen, 0);
			FUZZ_ASSERT(found >= 0 && ((unsigned)found & ~s.all) == 0);
		}
		if (valid_utf8(in, strlen(in)))
			FUZZ_ASSERT(search_scan(&s, in, strlen(in), 0) ==
			    (int)s.all);
	}
	search_free(&s);
	free(in);
	return 0;
}
