/*
 * oauth-login: the consent page's password check with throttling (the
 * rules are in oauth.h). Three steps, so the ~80 ms yescrypt verification
 * never holds the store lock: a read session learns the stored hash and
 * whether the attempt is locked (a locked one stops there, costing neither
 * a hash nor a write), the hash is verified with no session open, and an
 * exclusive session re-reads the counters and records the outcome
 * (read-check-write in one session, so parallel guesses are all counted).
 *
 * A uid without an account is treated like one with: the time spent is one
 * verification, the answer is the same, and its failures are counted in
 * the throttle table (oauth-throttle.c) so that it locks after as many.
 * Address and device counters live there too, so failures with made-up
 * uids from made-up addresses fill a table of fixed size and nothing more.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth/account.h"
#include "auth/oauth-impl.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/text.h"
#include "store/record.h"

/* The counters that apply to an attempt (see oauth.h for the rules). */
struct login_state {
	struct account		 acct;
	int			 exists;
	int			 known;		/* src is a known device's */
	struct oauth_count	 src;		/* the device's or address's */
	struct oauth_count	 uid;		/* the account's or lfail: */
};

/* device: a known-device cookie valid for uid, or NULL. */
static enum omi_err
state_load(const struct config *c, struct store *s, const char *uid,
    const char *device, const char *addr, struct login_state *st)
{
	enum omi_err err;

	account_free(&st->acct);
	memset(st, 0, sizeof(*st));
	st->known = device != NULL;
	if ((err = oauth_throttle_get(c, s, device ? OAUTH_SUBJ_DEVICE :
	    OAUTH_SUBJ_ADDR, device ? device : addr, &st->src)) != OMI_OK)
		return err;
	if ((err = account_load(s, uid, &st->acct)) == OMI_OK) {
		st->exists = 1;
		st->uid = st->acct.fail;
		return OMI_OK;
	}
	if (err != OMI_NOTFOUND)
		return err;
	return oauth_throttle_get(c, s, OAUTH_SUBJ_UID, uid, &st->uid);
}

/* 1 when the attempt may not even be tried. */
static int
state_locked(const struct login_state *st, int64_t now)
{
	if (oauth_count_locked(&st->src, now))
		return 1;
	/* The uid's lock stops only sources that failed themselves, so
	 * guesses from elsewhere cannot keep its owner out. */
	return !st->known && oauth_count_locked(&st->uid, now) &&
	    oauth_count_failed(&st->src, now);
}

/* Writes the counters back. */
static enum omi_err
state_save(const struct config *c, struct store *s, const char *uid,
    const char *device, const char *addr, struct login_state *st,
    int64_t now)
{
	enum omi_err err;

	if ((err = oauth_throttle_put(c, s, device ? OAUTH_SUBJ_DEVICE :
	    OAUTH_SUBJ_ADDR, device ? device : addr, &st->src, now)) !=
	    OMI_OK)
		return err;
	if (!st->exists)
		return oauth_throttle_put(c, s, OAUTH_SUBJ_UID, uid, &st->uid,
		    now);
	st->acct.fail = st->uid;
	return account_save(s, &st->acct);
}

int
oauth_login(const struct config *c, const char *uid, const char *password,
    const char *device, const char *addr, enum omi_err *errp)
{
	struct login_state	 st;
	struct store		*s = NULL;
	enum omi_err		 err = OMI_OK;
	char			*hash = NULL;
	int			 ok, rc = -1;
	int64_t			 now = now_unix();

	memset(&st, 0, sizeof(st));
	/* Its shape is public: refused before any work. */
	if (!account_valid_uid(uid))
		return OAUTH_LOGIN_BAD;
	if (!oauth_device_valid(c, uid, device))
		device = NULL;
	if ((err = store_open(&s, c->datadir, STORE_READ,
	    c->lock_timeout_ms)) != OMI_OK ||
	    (err = state_load(c, s, uid, device, addr, &st)) != OMI_OK)
		goto out;
	store_close(s);
	s = NULL;
	/* A locked attempt costs no hash and writes nothing. */
	if (state_locked(&st, now)) {
		rc = OAUTH_LOGIN_LOCKED;
		goto out;
	}
	hash = st.exists ? xstrdup(st.acct.pwhash) : NULL;
	if (st.exists && hash == NULL) {
		err = OMI_NOMEM;
		goto out;
	}
	/* Same cost whether or not the uid exists (NULL hash: a dummy). */
	ok = account_check_password(c, hash, password) && hash != NULL;
	if ((err = store_open(&s, c->datadir, STORE_WRITE,
	    c->lock_timeout_ms)) != OMI_OK ||
	    (err = state_load(c, s, uid, device, addr, &st)) != OMI_OK)
		goto out;
	now = now_unix();
	if (state_locked(&st, now)) {
		rc = OAUTH_LOGIN_LOCKED;
		goto out;
	}
	/* The account may have changed while we hashed: same hash only. */
	if (ok && (!st.exists || strcmp(st.acct.pwhash, hash) != 0))
		ok = 0;
	if (ok) {
		/* The owner signed in: the uid's counters (and a known
		 * browser's) start again. The address's stay, or a client
		 * with an account of its own could reset them between
		 * guesses at another uid. */
		if (!oauth_count_failed(&st.uid, now) &&
		    (!st.known || !oauth_count_failed(&st.src, now))) {
			rc = OAUTH_LOGIN_OK;
			goto out;
		}
		memset(&st.uid, 0, sizeof(st.uid));
		if (st.known)
			memset(&st.src, 0, sizeof(st.src));
	} else {
		oauth_count_fail(&st.src, now, OAUTH_SOURCE_FAILS);
		/* A known browser's failures are its own business. */
		if (!st.known)
			oauth_count_fail(&st.uid, now, OAUTH_UID_FAILS);
	}
	if ((err = state_save(c, s, uid, device, addr, &st, now)) !=
	    OMI_OK || (err = store_commit(s)) != OMI_OK)
		goto out;
	if (ok)
		rc = OAUTH_LOGIN_OK;
	else if (oauth_count_locked(&st.src, now)) {
		log_msg("oauth: %s locked after repeated failed logins",
		    device ? "a known browser of a uid" : "an address");
		rc = OAUTH_LOGIN_LOCKED;
	} else {
		if (!st.known && st.uid.until == now + OAUTH_THROTTLE_LOCK)
			log_msg("oauth: uid %s locked for sources that failed",
			    uid);
		rc = OAUTH_LOGIN_BAD;
	}
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
