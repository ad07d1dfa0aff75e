/*
 * session (session_*): the sign-in of a person to the conversation pages
 * (/c/), carried in a sealed cookie. The cookie holds the uid, an expiry
 * and a binding to the account's current state, encrypted and
 * authenticated with libsodium's secretbox under a key derived from the
 * server key, so nothing in it can be read or changed by the browser and a
 * server with another key opens none.
 *
 * The binding is a keyed hash of the account's password hash, its creation
 * time and the user's session epoch (record sess:<uid>, {"epoch": n}).
 * oauth_revoke_user (omi-admin revoke, user passwd) raises the epoch, a new
 * password changes the hash and a deleted and re-added account its
 * creation time: each ends every session without a list of sessions on
 * the server.
 */
#ifndef OMI_SESSION_H
#define OMI_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "auth/account.h"
#include "lib/config.h"
#include "store/store.h"

#define SESSION_TTL		(12 * 3600)	/* seconds a sign-in lasts */
#define SESSION_BIND_LEN	16
/* The longest cookie value (nonce, MAC, expiry, binding and a 128-byte
 * uid as base64url) plus its NUL. */
#define SESSION_COOKIE_MAX	300

/*
 * Seals uid, bind and exp into out (SESSION_COOKIE_MAX bytes) as base64url.
 * Returns 0, or -1 when uid is not a valid uid.
 */
int		 session_seal(const struct config *, const char *uid,
		    const unsigned char *bind, int64_t exp, char *out);
/*
 * Opens a cookie value sealed by session_seal under this server's key.
 * Returns OMI_OK with uid (ACCOUNT_UID_MAX + 1 bytes) and bind filled, or
 * OMI_NOTFOUND for anything else: malformed, tampered with, sealed under
 * another key, or expired at now.
 */
enum omi_err	 session_open(const struct config *, const char *cookie,
		    int64_t now, char *uid, unsigned char *bind);
/*
 * The binding of uid's current state (read session). OMI_NOTFOUND when uid
 * has no account, or a store error.
 */
enum omi_err	 session_bind(const struct config *, struct store *,
		    const char *uid, unsigned char *bind);
/*
 * A new session cookie value for uid, valid from now for SESSION_TTL, into
 * out (SESSION_COOKIE_MAX bytes). Returns OMI_OK, OMI_NOTFOUND when uid has
 * no account, or a store error.
 */
enum omi_err	 session_issue(const struct config *, struct store *,
		    const char *uid, int64_t now, char *out);
/*
 * Checks a cookie value (may be NULL) against the store: OMI_OK with uid
 * (ACCOUNT_UID_MAX + 1 bytes) filled when it is one of ours, unexpired
 * and bound to the account as it is now; OMI_NOTFOUND when not; or a
 * store error.
 */
enum omi_err	 session_check(const struct config *, struct store *,
		    const char *cookie, int64_t now, char *uid);
/* Ends every session of uid (a write session): raises its epoch. */
enum omi_err	 session_end_all(struct store *, const char *uid);
/* Removes uid's epoch record (for account deletion). */
enum omi_err	 session_forget(struct store *, const char *uid);
#endif
