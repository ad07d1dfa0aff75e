/*
 * fuzz_search: the API's text search, compiling a client's query
 * (search_compile: terms, quoted phrases, limits) and scanning a text with
 * it (search_scan: case and diacritic folding, then substring search). The
 * input is "QUERY\nTEXT", or a query alone. Promises checked: a query
 * compiles to 1 to SEARCH_MAX_TERMS terms or is refused; a scan reports
 * only terms that exist; the text already folded (lib/ufold) finds the
 * same terms as the text; and a query (valid UTF-8, as the API passes it
 * on) finds all of its own terms in its own text. search_free releases
 * everything on every path.
 */
#include "conv/search.h"
#include "fuzz.h"
#include "lib/text.h"
#include "lib/ufold.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct search	 s;
	char		*in, *nl, *text = NULL;
	size_t		 tlen = 0;
	enum omi_err	 rc;
	unsigned	 found, again;
	struct buf	 folded = { 0 };

	in = fuzz_cstring(data, size);
	if ((nl = memchr(in, '\n', size)) != NULL) {
		*nl = '\0';
		text = nl + 1;
		tlen = size - (size_t)(text - in);	/* NULs included */
	}
	rc = search_compile(&s, in);
	/* OMI_NOMEM only without memory */
	FUZZ_ASSERT(rc == OMI_OK || rc == OMI_INVALID);
	if (rc == OMI_OK) {
		FUZZ_ASSERT(s.nterms >= 1 && s.nterms <= SEARCH_MAX_TERMS);
		if (text != NULL) {
			found = 0;
			FUZZ_ASSERT(search_scan(&s, text, tlen, &found) ==
			    OMI_OK);
			FUZZ_ASSERT((found & ~s.all) == 0);
			/* Folding is idempotent: a folded text finds the same. */
			buf_reset(&folded);
			FUZZ_ASSERT(ufold_text(text, tlen, &folded) == 0);
			again = 0;
			FUZZ_ASSERT(search_scan(&s, folded.data, folded.len,
			    &again) == OMI_OK && again == found);
		}
		if (valid_utf8(in, strlen(in))) {
			found = 0;
			FUZZ_ASSERT(search_scan(&s, in, strlen(in), &found) ==
			    OMI_OK && found == s.all);
		}
	}
	search_free(&s);
	buf_free(&folded);
	free(in);
	return 0;
}
