/*
 * fuzz_cursor: the API's paging cursor (listing_cursor_decode), an opaque
 * base64url string the client hands back. The input is the cursor.
 * Promises checked: a cursor that decodes gives a position the pager can
 * use as it is (an id that is a valid store key, a skip within
 * LISTING_SKIP_MAX), and encoding that position and decoding it again gives
 * the same position.
 */
#include "conv/listing.h"
#include "fuzz.h"
#include "lib/text.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct listing_pos	 p, again;
	char			*s, *enc;

	s = fuzz_cstring(data, size);
	if (listing_cursor_decode(s, &p) == 0) {
		FUZZ_ASSERT(strlen(s) <= LISTING_CURSOR_MAX);
		FUZZ_ASSERT(p.skip <= LISTING_SKIP_MAX);
		FUZZ_ASSERT(p.after ? valid_ident(p.id, CONV_ID_MAX) :
		    p.id[0] == '\0');
		FUZZ_ASSERT((enc = listing_cursor_encode(&p)) != NULL);
		FUZZ_ASSERT(listing_cursor_decode(enc, &again) == 0);
		FUZZ_ASSERT(again.after == p.after && again.t == p.t &&
		    again.skip == p.skip && strcmp(again.id, p.id) == 0);
		free(enc);
	}
	free(s);
	return 0;
}
