/*
 * search: the API's text search. A query is split into terms at whitespace
 * ("double quotes" keep a phrase together); a conversation matches when
 * every term occurs as a substring of its title, its overview or the text
 * of one of its transcript segments (terms may be found in different
 * places), ignoring case and diacritics. Both sides are folded per code
 * point by lib/ufold: Unicode simple case folding (which holds the C
 * library's towlower), accents removed and a few letters spelled out (ß -> ss, æ -> ae, ø -> o, ł -> l, ...). So
 * "KÜCHE" and "kuche" find "Küche", "strasse" finds "Straße", "cafe" finds
 * "café" (precomposed or with a combining accent) and "café" finds "cafe".
 * Folding only adds matches to what towlower alone found. A term made only
 * of combining accents folds to nothing and is found in every text.
 */
#ifndef OMI_SEARCH_H
#define OMI_SEARCH_H

#include <stddef.h>

#include "lib/buf.h"
#include "lib/err.h"

#define SEARCH_MAX_TERMS	8
#define SEARCH_MAX_QUERY	200	/* code points */

struct search {
	char		*terms[SEARCH_MAX_TERMS];	/* folded */
	size_t		 nterms;
	unsigned	 all;		/* the mask with every term found */
	struct buf	 scratch;	/* the folded text being searched */
};

/*
 * Compiles a query. Returns OMI_OK, OMI_INVALID when the query is unusable
 * (no terms, more than SEARCH_MAX_TERMS, longer than SEARCH_MAX_QUERY, an
 * unclosed quote), OMI_NOMEM. Free with search_free() in every case.
 */
enum omi_err	 search_compile(struct search *, const char *q);
/*
 * Looks for the terms not yet in *found (a bit per term) in text and adds
 * the terms it holds to *found. Returns OMI_OK or OMI_NOMEM (*found is then
 * unchanged).
 */
enum omi_err	 search_scan(struct search *, const char *text, size_t len,
		    unsigned *found);
void	 search_free(struct search *);
#endif
