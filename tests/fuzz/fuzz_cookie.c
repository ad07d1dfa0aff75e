/*
 * fuzz_cookie: finding a cookie in a Cookie header (cgi_cookie). The input
 * is "NAME\nHEADER" (a name chosen by the fuzzer, the empty one included);
 * without a newline it is the header and the name is the OAuth page's
 * request cookie. Promises checked: the value found is a copy that holds
 * no ';' and no trailing space, and it was in the header.
 */
#include "fuzz.h"
#include "http/cgi.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*in, *nl, *v;
	const char	*name, *header;
	size_t		 n;

	in = fuzz_cstring(data, size);
	if ((nl = strchr(in, '\n')) != NULL) {
		*nl = '\0';
		name = in;
		header = nl + 1;
	} else {
		name = "omi_req";
		header = in;
	}
	if ((v = cgi_cookie(header, name)) != NULL) {
		n = strlen(v);
		FUZZ_ASSERT(strchr(v, ';') == NULL);
		FUZZ_ASSERT(n == 0 || v[n - 1] != ' ');
		FUZZ_ASSERT(strstr(header, v) != NULL);
		free(v);
	}
	free(in);
	return 0;
}
