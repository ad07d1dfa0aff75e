/*
 * fuzz_auth: the Authorization header, both schemes: cgi_auth_basic (base64,
 * then two form-urlencoded halves, RFC 6749 2.3.1) and cgi_auth_bearer
 * (RFC 6750 b64token). The input is the header value. Promises checked:
 * Basic gives two allocated valid UTF-8 strings or none at all; a Bearer
 * token is a non-empty tail of the header holding only b64token
 * characters, so it can never carry CR/LF into a response.
 */
#include <ctype.h>

#include "fuzz.h"
#include "http/cgi.h"
#include "lib/text.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*h, *id, *secret;
	const char	*tok, *c;
	size_t		 len;
	enum omi_err	 err;

	h = fuzz_cstring(data, size);
	len = strlen(h);

	err = cgi_auth_basic(h, &id, &secret);
	FUZZ_ASSERT(err == OMI_OK || err == OMI_NOTFOUND ||
	    err == OMI_INVALID);	/* or OMI_NOMEM */
	if (err == OMI_OK) {
		FUZZ_ASSERT(id != NULL && secret != NULL);
		FUZZ_ASSERT(valid_utf8(id, strlen(id)));
		FUZZ_ASSERT(valid_utf8(secret, strlen(secret)));
		FUZZ_ASSERT(strlen(id) + strlen(secret) < len);
	} else
		FUZZ_ASSERT(id == NULL && secret == NULL);
	free(id);
	free(secret);

	tok = NULL;
	if (cgi_auth_bearer(h, &tok) == 0) {
		FUZZ_ASSERT(tok > h && tok < h + len && *tok != '\0');
		for (c = tok; *c != '\0'; c++)
			FUZZ_ASSERT(isalnum((unsigned char)*c) ||
			    strchr("-._~+/=", *c) != NULL);
	}
	free(h);
	return 0;
}
