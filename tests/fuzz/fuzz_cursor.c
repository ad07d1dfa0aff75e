/*
 * fuzz_cursor: the API's paging cursor (pager_cursor_decode), an opaque
 * base64url string the client hands back. The input is the cursor.
 * Promises checked: a cursor that decodes gives a position the pager can
 * use as it is (an id that is a valid store key, a skip within
 * PAGER_SKIP_MAX), and encoding that position and decoding it again gives
 * the same position.
 */
#include "conv/listing.h"
#include "fuzz.h"
#include "lib/text.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pager_pos	 p, again;
	char			*s, *enc;

	s = fuzz_cstring(data, size);
	if (pager_cursor_decode(s, &p) == 0) {
		FUZZ_ASSERT(strlen(s) <= PAGER_CURSOR_MAX);
		FUZZ_ASSERT(p.skip <= PAGER_SKIP_MAX);
		FUZZ_ASSERT(p.after ? valid_ident(p.id, CONV_ID_MAX) :
		    p.id[0] == '\0');
		FUZZ_ASSERT((enc = pager_cursor_encode(&p)) != NULL);
		FUZZ_ASSERT(pager_cursor_decode(enc, &again) == 0);
		FUZZ_ASSERT(again.after == p.after && again.t == p.t &&
		    again.skip == p.skip && strcmp(again.id, p.id) == 0);
		free(enc);
	}
	free(s);
	return 0;
}
