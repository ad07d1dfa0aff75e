/*
 * sec: the cryptographic primitives, all from libsodium: randomness for
 * tokens and secrets, the keyed hash under which every token, code and
 * webhook key is stored (BLAKE2b keyed with the server key, domain-separated
 * by a label, so a stolen data file holds nothing a client could present),
 * and constant-time comparison.
 */
#ifndef OMI_SEC_H
#define OMI_SEC_H

#include <stddef.h>

#define SEC_KEY_LEN	32
#define SEC_TOKEN_LEN	43	/* 32 random bytes as unpadded base64url */
#define SEC_HASH_HEX	64	/* a 32-byte keyed hash as hex */

/* Initialises libsodium; -1 when the system has no usable randomness. */
int	 sec_init(void);
/* Writes SEC_TOKEN_LEN characters and a NUL into out (at least 44 bytes). */
void	 sec_token(char *out);
/* 1 when s has the shape sec_token writes (a cookie sent back to us). */
int	 sec_token_shaped(const char *s);
void	 sec_random(void *buf, size_t n);
/* Hex keyed hash of label || 0x00 || data into out (SEC_HASH_HEX + 1 bytes). */
void	 sec_keyed_hash(const unsigned char *key, const char *label,
	    const void *data, size_t n, char *out);
/* Constant-time equality of two NUL-terminated strings (lengths may leak). */
int	 sec_streq(const char *a, const char *b);
/* Unpadded base64url of n bytes into out (room for 4n/3 + 2). */
void	 sec_b64url(char *out, size_t outlen, const void *in, size_t n);
#endif
