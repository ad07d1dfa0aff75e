/*
 * session: the sealed sign-in cookie of the conversation pages (see
 * session.h). A cookie is base64url(nonce || secretbox(plain)), where
 * plain is a version byte, the expiry as 8 bytes big-endian, the binding
 * and the uid. The secretbox key is a keyed hash of a label under the
 * server key, so it is never the key the keyed hashes of tokens use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "auth/session.h"
#include "lib/sec.h"

#define SESSION_VERSION	1
#define PLAIN_HEAD	(1 + 8 + SESSION_BIND_LEN)
#define PLAIN_MAX	(PLAIN_HEAD + ACCOUNT_UID_MAX)
#define SEALED_MAX	(crypto_secretbox_NONCEBYTES + \
			    crypto_secretbox_MACBYTES + PLAIN_MAX)

static void
box_key(const struct config *c, unsigned char *k)
{
	static const char label[] = "omi view session seal";

	crypto_generichash(k, crypto_secretbox_KEYBYTES,
	    (const unsigned char *)label, sizeof(label) - 1, c->key,
	    SEC_KEY_LEN);
}

int
session_seal(const struct config *c, const char *uid,
    const unsigned char *bind, int64_t exp, char *out)
{
	unsigned char	 plain[PLAIN_MAX], sealed[SEALED_MAX];
	unsigned char	 k[crypto_secretbox_KEYBYTES];
	size_t		 ulen, plen, i;
	uint64_t	 e = (uint64_t)exp;

	if (!account_valid_uid(uid))
		return -1;
	ulen = strlen(uid);
	plain[0] = SESSION_VERSION;
	for (i = 0; i < 8; i++)
		plain[1 + i] = (unsigned char)(e >> (56 - 8 * i));
	memcpy(plain + 9, bind, SESSION_BIND_LEN);
	memcpy(plain + PLAIN_HEAD, uid, ulen);
	plen = PLAIN_HEAD + ulen;
	randombytes_buf(sealed, crypto_secretbox_NONCEBYTES);
	box_key(c, k);
	crypto_secretbox_easy(sealed + crypto_secretbox_NONCEBYTES, plain,
	    plen, sealed, k);
	sec_b64url(out, SESSION_COOKIE_MAX, sealed,
	    crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plen);
	sodium_memzero(k, sizeof(k));
	sodium_memzero(plain, sizeof(plain));
	return 0;
}

enum omi_err
session_open(const struct config *c, const char *cookie, int64_t now,
    char *uid, unsigned char *bind)
{
	unsigned char	 plain[PLAIN_MAX], sealed[SEALED_MAX];
	unsigned char	 k[crypto_secretbox_KEYBYTES];
	size_t		 n, plen, i;
	uint64_t	 e = 0;
	enum omi_err	 err = OMI_NOTFOUND;

	uid[0] = '\0';
	if (cookie == NULL || strlen(cookie) >= SESSION_COOKIE_MAX ||
	    sodium_base642bin(sealed, sizeof(sealed), cookie, strlen(cookie),
	    NULL, &n, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    n < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES +
	    PLAIN_HEAD + 1)
		return OMI_NOTFOUND;
	plen = n - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
	box_key(c, k);
	if (crypto_secretbox_open_easy(plain, sealed +
	    crypto_secretbox_NONCEBYTES, n - crypto_secretbox_NONCEBYTES,
	    sealed, k) != 0 || plain[0] != SESSION_VERSION)
		goto out;
	for (i = 0; i < 8; i++)
		e = e << 8 | plain[1 + i];
	if ((int64_t)e <= now)
		goto out;
	memcpy(uid, plain + PLAIN_HEAD, plen - PLAIN_HEAD);
	uid[plen - PLAIN_HEAD] = '\0';
	if (!account_valid_uid(uid)) {
		uid[0] = '\0';
		goto out;
	}
	memcpy(bind, plain + 9, SESSION_BIND_LEN);
	err = OMI_OK;
out:
	sodium_memzero(k, sizeof(k));
	sodium_memzero(plain, sizeof(plain));
	return err;
}

static int
epoch_key(const char *uid, char *key, size_t n)
{
	int k = snprintf(key, n, "sess:%s", uid);

	return k < 0 || (size_t)k >= n ? -1 : 0;
}

/* uid's epoch: 0 when it has none yet. */
static enum omi_err
epoch_get(struct store *s, const char *uid, json_int_t *epoch)
{
	char		 key[ACCOUNT_UID_MAX + 8], *val = NULL;
	size_t		 len;
	json_t		*j;
	enum omi_err	 err;

	*epoch = 0;
	if (epoch_key(uid, key, sizeof(key)) == -1)
		return OMI_INVALID;
	if ((err = store_get(s, key, &val, &len)) == OMI_NOTFOUND)
		return OMI_OK;
	if (err != OMI_OK)
		return err;
	j = json_loadb(val, len, 0, NULL);
	free(val);
	if (j == NULL || json_unpack(j, "{s:I}", "epoch", epoch) == -1)
		err = OMI_CORRUPT;
	json_decref(j);
	return err;
}

enum omi_err
session_bind(const struct config *c, struct store *s, const char *uid,
    unsigned char *bind)
{
	static const char		 label[] = "omi view session bind";
	crypto_generichash_state	 st;
	struct account			 a;
	json_int_t			 epoch;
	unsigned char			 num[16];
	enum omi_err			 err;
	size_t				 i;

	if ((err = account_load(s, uid, &a)) != OMI_OK)
		return err;
	if ((err = epoch_get(s, uid, &epoch)) != OMI_OK)
		goto out;
	for (i = 0; i < 8; i++) {
		num[i] = (unsigned char)((uint64_t)a.created >> (56 - 8 * i));
		num[8 + i] = (unsigned char)((uint64_t)epoch >> (56 - 8 * i));
	}
	crypto_generichash_init(&st, c->key, SEC_KEY_LEN, SESSION_BIND_LEN);
	crypto_generichash_update(&st, (const unsigned char *)label,
	    sizeof(label));
	crypto_generichash_update(&st, (const unsigned char *)uid,
	    strlen(uid) + 1);
	crypto_generichash_update(&st, (const unsigned char *)a.pwhash,
	    strlen(a.pwhash) + 1);
	crypto_generichash_update(&st, num, sizeof(num));
	crypto_generichash_final(&st, bind, SESSION_BIND_LEN);
out:
	account_free(&a);
	return err;
}

enum omi_err
session_issue(const struct config *c, struct store *s, const char *uid,
    int64_t now, char *out)
{
	unsigned char	 bind[SESSION_BIND_LEN];
	enum omi_err	 err;

	if ((err = session_bind(c, s, uid, bind)) != OMI_OK)
		return err;
	return session_seal(c, uid, bind, now + SESSION_TTL, out) == 0 ?
	    OMI_OK : OMI_NOTFOUND;
}

enum omi_err
session_check(const struct config *c, struct store *s, const char *cookie,
    int64_t now, char *uid)
{
	unsigned char	 got[SESSION_BIND_LEN], want[SESSION_BIND_LEN];
	enum omi_err	 err;

	if ((err = session_open(c, cookie, now, uid, got)) != OMI_OK)
		return err;
	if ((err = session_bind(c, s, uid, want)) == OMI_OK &&
	    sodium_memcmp(got, want, SESSION_BIND_LEN) != 0)
		err = OMI_NOTFOUND;
	if (err != OMI_OK)
		uid[0] = '\0';
	return err;
}

enum omi_err
session_end_all(struct store *s, const char *uid)
{
	char		 key[ACCOUNT_UID_MAX + 8], *text;
	json_int_t	 epoch;
	json_t		*j;
	enum omi_err	 err;

	if (epoch_key(uid, key, sizeof(key)) == -1)
		return OMI_OK;		/* no such uid has sessions */
	/* A damaged record is replaced: ending sessions must not fail. */
	if ((err = epoch_get(s, uid, &epoch)) == OMI_CORRUPT)
		epoch = 0;
	else if (err != OMI_OK)
		return err;
	if ((j = json_pack("{s:I}", "epoch", epoch + 1)) == NULL ||
	    (text = json_dumps(j, JSON_COMPACT)) == NULL) {
		json_decref(j);
		return OMI_NOMEM;
	}
	err = store_put(s, key, text, strlen(text));
	free(text);
	json_decref(j);
	return err;
}

enum omi_err
session_forget(struct store *s, const char *uid)
{
	char		 key[ACCOUNT_UID_MAX + 8];
	enum omi_err	 err;

	if (epoch_key(uid, key, sizeof(key)) == -1)
		return OMI_OK;
	err = store_del(s, key);
	return err == OMI_NOTFOUND ? OMI_OK : err;
}
