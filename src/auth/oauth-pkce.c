/*
 * oauth-pkce: Proof Key for Code Exchange (RFC 7636). The challenge is
 * compared with the transformed verifier in constant time; SHA-256 comes
 * from libsodium.
 */
#include <string.h>

#include <sodium.h>

#include "auth/oauth.h"
#include "lib/sec.h"

int
oauth_pkce_syntax_ok(const char *s)
{
	size_t n;

	/* RFC 7636 4.1: 43*128 of ALPHA / DIGIT / "-" / "." / "_" / "~". */
	for (n = 0; s[n] != '\0'; n++) {
		char c = s[n];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~'))
			return 0;
	}
	return n >= 43 && n <= 128;
}

void
oauth_pkce_s256(const char *verifier, char *out)
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)verifier,
	    strlen(verifier));
	sec_b64url(out, 44, h, sizeof(h));
}

int
oauth_pkce_verify(const char *method, const char *challenge,
    const char *verifier)
{
	char t[44];

	if (!oauth_pkce_syntax_ok(verifier))
		return 0;
	if (strcmp(method, "S256") == 0) {
		oauth_pkce_s256(verifier, t);
		return sec_streq(t, challenge);
	}
	if (strcmp(method, "plain") == 0)
		return sec_streq(verifier, challenge);
	return 0;
}
