/*
 * account: user records (see account.h). Stored as JSON under user:<uid>.
 */
#include <stdlib.h>
#include <string.h>

#include <crypt.h>
#include <jansson.h>
#include <sodium.h>

#include "auth/account.h"
#include "lib/buf.h"
#include "lib/sec.h"
#include "lib/text.h"


int
account_valid_uid(const char *uid)
{
	return valid_ident(uid, ACCOUNT_UID_MAX);
}

static char *
user_key(const char *uid)
{
	struct buf b = { 0 };

	buf_printf(&b, "user:%s", uid);
	return buf_take(&b);
}

void
account_free(struct account *a)
{
	free(a->uid);
	free(a->pwhash);
	free(a->webhook_key);
	memset(a, 0, sizeof(*a));
}

enum omi_err
account_load(struct store *s, const char *uid, struct account *a)
{
	enum omi_err	 err;
	json_t		*j;
	char		*key, *val;
	size_t		 len;
	const char	*pw, *wk;
	json_int_t	 created = 0, since = 0, count = 0, until = 0;

	memset(a, 0, sizeof(*a));
	if (!account_valid_uid(uid))
		return OMI_NOTFOUND;
	if ((key = user_key(uid)) == NULL)
		return OMI_NOMEM;
	err = store_get(s, key, &val, &len);
	free(key);
	if (err != OMI_OK)
		return err;
	j = json_loadb(val, len, 0, NULL);
	free(val);
	if (j == NULL || json_unpack(j, "{s:s, s:s, s?I, s?I, s?I, s?I}",
	    "pw", &pw, "wk", &wk, "created", &created, "fail_since", &since,
	    "fail_count", &count, "locked_until", &until) == -1) {
		json_decref(j);
		return OMI_CORRUPT;
	}
	a->uid = strdup(uid);
	a->pwhash = strdup(pw);
	a->webhook_key = strdup(wk);
	a->created = created;
	a->fail.since = since;
	a->fail.count = count;
	a->fail.until = until;
	json_decref(j);
	if (!a->uid || !a->pwhash || !a->webhook_key) {
		account_free(a);
		return OMI_NOMEM;
	}
	return OMI_OK;
}

enum omi_err
account_save(struct store *s, const struct account *a)
{
	enum omi_err	 err;
	json_t		*j;
	char		*key, *text = NULL;

	j = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I}", "uid", a->uid,
	    "pw", a->pwhash, "wk", a->webhook_key,
	    "created", (json_int_t)a->created,
	    "fail_since", (json_int_t)a->fail.since,
	    "fail_count", (json_int_t)a->fail.count,
	    "locked_until", (json_int_t)a->fail.until);
	key = user_key(a->uid);
	if (j == NULL || key == NULL ||
	    (text = json_dumps(j, JSON_COMPACT)) == NULL)
		err = OMI_NOMEM;
	else
		err = store_put(s, key, text, strlen(text));
	free(text);
	free(key);
	json_decref(j);
	return err;
}

enum omi_err
account_delete(struct store *s, const char *uid)
{
	enum omi_err	 err;
	char		*key;

	if ((key = user_key(uid)) == NULL)
		return OMI_NOMEM;
	err = store_del(s, key);
	free(key);
	return err;
}

/*
 * The setting (method, cost, fresh salt) of a new hash at the site's
 * password_cost; 0 is the library's default cost. A NULL prefix is the
 * library's preferred method (yescrypt here). 0, or -1 when the library
 * refuses the cost.
 */
static int
hash_setting(const struct config *c, char *setting, size_t size)
{
	return crypt_gensalt_rn(NULL, (unsigned long)c->password_cost, NULL, 0,
	    setting, (int)size) == NULL ? -1 : 0;
}

char *
account_hash_password(const struct config *c, const char *password)
{
	char			 setting[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data	*cd;
	const char		*h;
	char			*out = NULL;

	if (hash_setting(c, setting, sizeof(setting)) == -1)
		return NULL;
	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		return NULL;
	h = crypt_rn(password, setting, cd, sizeof(*cd));
	if (h != NULL && h[0] != '*')
		out = strdup(h);
	sodium_memzero(cd, sizeof(*cd));
	free(cd);
	return out;
}

int
account_check_password(const struct config *c, const char *hash,
    const char *password)
{
	char			 setting[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data	*cd;
	const char		*h, *against = hash;
	int			 ok = 0;

	/*
	 * No account: hash against a fresh setting of the configured cost,
	 * which costs what verifying a hash made at that cost does (the
	 * cost is in the setting, not in the hash part). A fixed dummy of
	 * one cost would answer an unknown uid faster or slower than a
	 * known one once password_cost differs from it: a uid oracle.
	 */
	if (hash == NULL) {
		if (hash_setting(c, setting, sizeof(setting)) == -1)
			return 0;
		against = setting;
	}
	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		return 0;
	h = crypt_rn(password, against, cd, sizeof(*cd));
	if (hash != NULL && h != NULL && h[0] != '*')
		ok = sec_streq(h, hash);
	sodium_memzero(cd, sizeof(*cd));
	free(cd);
	return ok;
}

int
account_new_webhook_key(const struct config *c, struct account *a,
    char *key_out)
{
	char hash[SEC_HASH_HEX + 1];

	sec_token(key_out);
	sec_keyed_hash(c->key, "webhook-key", key_out, strlen(key_out), hash);
	free(a->webhook_key);
	return (a->webhook_key = strdup(hash)) == NULL ? -1 : 0;
}

int
account_check_webhook_key(const struct config *c, const struct account *a,
    const char *key)
{
	char hash[SEC_HASH_HEX + 1];

	sec_keyed_hash(c->key, "webhook-key", key, strlen(key), hash);
	return sec_streq(hash, a->webhook_key);
}

void
account_login_ok(struct account *a)
{
	memset(&a->fail, 0, sizeof(a->fail));
}
