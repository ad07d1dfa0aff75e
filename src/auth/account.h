/*
 * account: users, keyed by OMI user id. A record holds a libxcrypt hash of
 * the password (yescrypt, the library's preferred method), the keyed hash of
 * the user's webhook key, and the uid's failed-login counters, which
 * oauth-login.c keeps by the rules in oauth.h. Password hashing is slow
 * (~80 ms at the library's default cost; password_cost in config.json sets
 * another) on purpose, so callers hash and verify outside the store lock.
 */
#ifndef OMI_ACCOUNT_H
#define OMI_ACCOUNT_H

#include <stdint.h>

#include "auth/oauth.h"
#include "lib/config.h"
#include "store/store.h"

#define ACCOUNT_UID_MAX		128
#define ACCOUNT_PASSWORD_MAX	1024

struct account {
	char	*uid;
	char	*pwhash;
	char	*webhook_key;	/* keyed hash (hex) of the webhook secret */
	int64_t	 created;
	/* The uid's failed sign-ins, counted by oauth_count_fail like every
	 * other subject's (see oauth.h); stored as fail_since, fail_count
	 * and locked_until. */
	struct oauth_count fail;
};

/* 1 when uid is an acceptable OMI user id. */
int		 account_valid_uid(const char *);
enum omi_err	 account_load(struct store *, const char *uid, struct account *);
enum omi_err	 account_save(struct store *, const struct account *);
/* Removes the account record only (see index_del_user for the data). */
enum omi_err	 account_delete(struct store *, const char *uid);
void		 account_free(struct account *);

/*
 * Hashes a password with a fresh salt at the site's password_cost; returns
 * a malloc'd hash or NULL.
 */
char		*account_hash_password(const struct config *,
		    const char *password);
/*
 * Checks a password against a stored hash in constant time, whatever cost
 * the hash was made at (it says so itself). With a NULL hash it still
 * spends the time of one verification at the site's password_cost, so an
 * unknown uid answers as slowly as a wrong password. Returns 1 on a match.
 */
int		 account_check_password(const struct config *,
		    const char *hash, const char *password);

/* Makes a new webhook key: writes it (SEC_TOKEN_LEN + 1) and sets a's hash. */
int		 account_new_webhook_key(const struct config *, struct account *,
		    char *key_out);
/* 1 when key matches the account's webhook key (constant time). */
int		 account_check_webhook_key(const struct config *,
		    const struct account *, const char *key);

/* Clears the failed sign-ins (and a lock) of the account. */
void		 account_login_ok(struct account *);
#endif
