/*
 * oauth-login: the consent page's password check with lockout. Three
 * steps, so the ~80 ms yescrypt verification never holds the store lock:
 * a read session learns the stored hash and whether the uid is locked, the
 * hash is verified with no session open, and an exclusive session re-reads
 * the counters and records the outcome (read-check-write in one session,
 * so parallel guesses are all counted).
 *
 * A uid without an account is treated like one with: the time spent is one
 * verification, the answer is the same, and its failures are counted under
 * fail:<keyed hash of the uid> so that it locks after as many guesses.
 *
 * A browser with a known-device cookie for the uid (oauth-device.c) has
 * counters of its own, under dfail:<keyed hash of the cookie>: the uid's
 * lockout does not stop it, and its failures lock only itself.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "account.h"
#include "log.h"
#include "oauth-impl.h"
#include "record.h"
#include "util.h"

/*
 * The counters that apply to an attempt: the account's, or those of the
 * fail: or dfail: record under fkey (in acct's fail_* and locked_until).
 */
struct login_state {
	struct account	 acct;
	int		 exists;
	int		 own;		/* the account holds the counters */
	char		 fkey[OAUTH_KEY_MAX];
};

/* device: a known-device cookie valid for uid, or NULL. */
static enum store_err
state_load(const struct config *c, struct store *s, const char *uid,
    const char *device, struct login_state *st)
{
	enum store_err	 err;
	json_t		*j;

	memset(st, 0, sizeof(*st));
	if (device != NULL)
		oauth_key(c, "dfail:", OAUTH_L_DFAIL, device, st->fkey);
	else
		oauth_key(c, "fail:", OAUTH_L_FAIL, uid, st->fkey);
	if ((err = account_load(s, uid, &st->acct)) == STORE_OK) {
		st->exists = 1;
		st->own = device == NULL;
		if (st->own)
			return STORE_OK;
		st->acct.fail_since = st->acct.fail_count = 0;
		st->acct.locked_until = 0;
	} else if (err != STORE_NOTFOUND)
		return err;
	if ((err = oauth_rec_get(s, st->fkey, &j)) == STORE_NOTFOUND)
		return STORE_OK;
	if (err != STORE_OK)
		return err;
	st->acct.fail_since = oauth_rec_int(j, "since", 0);
	st->acct.fail_count = oauth_rec_int(j, "count", 0);
	st->acct.locked_until = oauth_rec_int(j, "until", 0);
	json_decref(j);
	return STORE_OK;
}

static enum store_err
state_save(struct store *s, struct login_state *st)
{
	enum store_err	 err;
	json_t		*j;

	if (st->own)
		return account_save(s, &st->acct);
	if (st->acct.fail_count == 0 && st->acct.locked_until == 0)
		return store_del(s, st->fkey);
	j = json_pack("{s:I, s:I, s:I}", "since",
	    (json_int_t)st->acct.fail_since, "count",
	    (json_int_t)st->acct.fail_count, "until",
	    (json_int_t)st->acct.locked_until);
	err = j == NULL ? STORE_NOMEM : record_put(s, st->fkey, j);
	json_decref(j);
	return err;
}

int
oauth_login(const struct config *c, const char *uid, const char *password,
    const char *device, enum store_err *errp)
{
	struct login_state	 st;
	struct store		*s = NULL;
	enum store_err		 err = STORE_OK;
	char			*hash = NULL;
	int			 ok, rc = -1, valid = account_valid_uid(uid);
	int64_t			 now = now_unix();

	memset(&st, 0, sizeof(st));
	if (valid && !oauth_device_valid(c, uid, device))
		device = NULL;
	if (valid) {
		if ((err = store_open(&s, c->datadir, STORE_READ,
		    c->lock_timeout_ms)) != STORE_OK ||
		    (err = state_load(c, s, uid, device, &st)) != STORE_OK)
			goto out;
		store_close(s);
		s = NULL;
		if (account_locked(&st.acct, now)) {
			rc = OAUTH_LOGIN_LOCKED;
			goto out;
		}
		hash = xstrdup(st.acct.pwhash);
		account_free(&st.acct);
	}
	/* Same cost whether or not the uid exists (NULL hash: a dummy). */
	ok = account_check_password(hash, password) && valid && hash != NULL;
	if (!valid) {
		rc = OAUTH_LOGIN_BAD;
		goto out;
	}
	if ((err = store_open(&s, c->datadir, STORE_WRITE,
	    c->lock_timeout_ms)) != STORE_OK ||
	    (err = state_load(c, s, uid, device, &st)) != STORE_OK)
		goto out;
	now = now_unix();
	if (account_locked(&st.acct, now)) {
		rc = OAUTH_LOGIN_LOCKED;
		goto out;
	}
	/* The account may have changed while we hashed: same hash only. */
	if (ok && (!st.exists || hash == NULL ||
	    strcmp(st.acct.pwhash, hash) != 0))
		ok = 0;
	if (ok) {
		if (st.acct.fail_count == 0 && st.acct.locked_until == 0) {
			rc = OAUTH_LOGIN_OK;
			goto out;
		}
		account_login_ok(&st.acct);
	} else
		account_login_failed(&st.acct, now);
	if ((err = state_save(s, &st)) != STORE_OK ||
	    (err = store_commit(s)) != STORE_OK)
		goto out;
	if (ok)
		rc = OAUTH_LOGIN_OK;
	else if (account_locked(&st.acct, now)) {
		log_msg("oauth: uid %s locked after repeated failed logins%s",
		    uid, device ? " from a known device (that device only)" :
		    "");
		rc = OAUTH_LOGIN_LOCKED;
	} else
		rc = OAUTH_LOGIN_BAD;
out:
	if (rc == -1)
		*errp = err;
	if (hash != NULL) {
		sodium_memzero(hash, strlen(hash));
		free(hash);
	}
	account_free(&st.acct);
	store_close(s);
	return rc;
}
