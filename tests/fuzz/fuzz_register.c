/*
 * fuzz_register: the body of a dynamic client registration (RFC 7591,
 * oauth_dcr_parse) and the redirect URI rule it applies. The input is the
 * request body. Promises checked: an accepted body yields 1 to
 * OAUTH_DCR_URIS_MAX redirect URIs, each one oauth_dcr_redirect_ok
 * accepts on its own, with no '#' and no byte outside printable ASCII; a
 * name of at most OAUTH_DCR_NAME_MAX bytes without control characters; a
 * known auth method. A refused one names an RFC 7591 error, leaves nothing
 * allocated, and is a 413 exactly when the body is over the cap.
 */
#include "fuzz.h"
#include "auth/oauth.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oauth_dcr	 d;
	struct oauth_fail	 f;
	char			*s;
	size_t			 i, j;

	if (oauth_dcr_parse((const char *)data, size, &d, &f) == 0) {
		FUZZ_ASSERT(size <= OAUTH_DCR_BODY_MAX);
		FUZZ_ASSERT(d.nuris >= 1 && d.nuris <= OAUTH_DCR_URIS_MAX);
		for (i = 0; i < d.nuris; i++) {
			FUZZ_ASSERT(oauth_dcr_redirect_ok(d.uris[i]));
			FUZZ_ASSERT(strlen(d.uris[i]) <= OAUTH_DCR_URI_MAX);
			for (j = 0; d.uris[i][j] != '\0'; j++)
				FUZZ_ASSERT(d.uris[i][j] > 0x20 &&
				    d.uris[i][j] < 0x7f && d.uris[i][j] != '#');
		}
		if (d.name != NULL) {
			FUZZ_ASSERT(strlen(d.name) >= 1 &&
			    strlen(d.name) <= OAUTH_DCR_NAME_MAX);
			for (j = 0; d.name[j] != '\0'; j++)
				FUZZ_ASSERT((unsigned char)d.name[j] >= 0x20 &&
				    d.name[j] != 0x7f);
		}
		FUZZ_ASSERT(strcmp(d.auth, "none") == 0 ||
		    strcmp(d.auth, "client_secret_basic") == 0 ||
		    strcmp(d.auth, "client_secret_post") == 0);
		oauth_dcr_free(&d);
	} else if (f.err == OMI_OK) {
		FUZZ_ASSERT(d.uris == NULL && d.name == NULL &&
		    d.scope == NULL);
		FUZZ_ASSERT((f.status == 413) == (size > OAUTH_DCR_BODY_MAX));
		FUZZ_ASSERT(f.status == 413 || f.status == 400);
		FUZZ_ASSERT(strcmp(f.error, "invalid_redirect_uri") == 0 ||
		    strcmp(f.error, "invalid_client_metadata") == 0);
	}
	/* The rule alone, on the input as a string. */
	s = fuzz_cstring(data, size);
	if (oauth_dcr_redirect_ok(s)) {
		/* No user info in the authority; an '@' in the path or
		 * query is only a character there (RFC 3986 3.3). */
		const char *auth = strstr(s, "://");

		FUZZ_ASSERT(auth != NULL);
		auth += 3;
		FUZZ_ASSERT(strchr(s, '#') == NULL &&
		    memchr(auth, '@', strcspn(auth, "/?")) == NULL &&
		    (strncmp(s, "https://", 8) == 0 ||
		    strncmp(s, "http://127.0.0.1", 16) == 0 ||
		    strncmp(s, "http://[::1]", 12) == 0 ||
		    strncmp(s, "http://localhost", 16) == 0));
	}
	free(s);
	return 0;
}
