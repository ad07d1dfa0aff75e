/*
 * fuzz_utf8: the UTF-8 check (valid_utf8) that every decoded parameter
 * passes, tested against a second opinion: Jansson's own validator, which
 * refuses the same things (overlong forms, surrogates, values past
 * U+10FFFF, truncated sequences). valid_utf8 also refuses NUL, which
 * Jansson's length-counted strings allow, so the NUL case is compared
 * separately. The input is the bytes.
 */
#include <jansson.h>

#include "fuzz.h"
#include "lib/text.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*s = (const char *)data;
	json_t		*j;
	int		 ours, theirs;

	ours = valid_utf8(s, size);
	j = json_stringn(s, size);	/* NULL for invalid UTF-8 */
	theirs = j != NULL && memchr(s, '\0', size) == NULL;
	json_decref(j);
	if (ours != theirs) {
		fprintf(stderr, "valid_utf8 says %d, Jansson %d\n", ours,
		    theirs);
		abort();
	}
	return 0;
}
