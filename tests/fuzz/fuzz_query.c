/*
 * fuzz_query: query string and form body decoding (params_decode), the
 * first parser every request goes through. The input is the raw bytes, not
 * NUL-terminated, as a form body arrives. Promises checked: a decoded name
 * or value is valid UTF-8 without a NUL and never longer than its source;
 * a parameter that was decoded can be looked up (once, or refused as a
 * duplicate); the caller's params_free releases everything, also after a
 * failure half-way through.
 */
#include "fuzz.h"
#include "http/cgi.h"
#include "lib/text.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct params	 p = { 0 };
	const char	*v;
	enum omi_err	 err;
	size_t		 i;
	int		 rc;

	err = params_decode(&p, (const char *)data, size);
	FUZZ_ASSERT(err == OMI_OK || err == OMI_INVALID);	/* or OMI_NOMEM */
	for (i = 0; i < p.n; i++) {
		FUZZ_ASSERT(strlen(p.v[i].name) <= size);
		FUZZ_ASSERT(strlen(p.v[i].value) <= size);
		FUZZ_ASSERT(valid_utf8(p.v[i].name, strlen(p.v[i].name)));
		FUZZ_ASSERT(valid_utf8(p.v[i].value, strlen(p.v[i].value)));
		/* A few lookups: each is linear, all of them would be quadratic. */
		if (i < 16) {
			rc = params_get(&p, p.v[i].name, &v);
			FUZZ_ASSERT(rc == 1 || rc == -1);
		}
	}
	params_free(&p);
	FUZZ_ASSERT(p.v == NULL && p.n == 0);
	return 0;
}
