/* sec: libsodium wrappers (see sec.h). */
#include <string.h>

#include <sodium.h>

#include "lib/sec.h"

int
sec_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

void
sec_random(void *buf, size_t n)
{
	randombytes_buf(buf, n);
}

void
sec_b64url(char *out, size_t outlen, const void *in, size_t n)
{
	sodium_bin2base64(out, outlen, in, n,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void
sec_token(char *out)
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	sec_b64url(out, SEC_TOKEN_LEN + 1, raw, sizeof(raw));
	sodium_memzero(raw, sizeof(raw));
}

int
sec_token_shaped(const char *s)
{
	size_t n;

	for (n = 0; s[n] != '\0'; n++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789_-", s[n]) == NULL)
			return 0;
	return n == SEC_TOKEN_LEN;
}

void
sec_keyed_hash(const unsigned char *key, const char *label, const void *data,
    size_t n, char *out)
{
	crypto_generichash_state	 st;
	unsigned char			 h[32];

	crypto_generichash_init(&st, key, SEC_KEY_LEN, sizeof(h));
	crypto_generichash_update(&st, (const unsigned char *)label,
	    strlen(label) + 1);
	crypto_generichash_update(&st, data, n);
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_bin2hex(out, SEC_HASH_HEX + 1, h, sizeof(h));
}

int
sec_streq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la != lb)
		return 0;
	return sodium_memcmp(a, b, la) == 0;
}
