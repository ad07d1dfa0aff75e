/*
 * oauth-impl: helpers shared by the oauth-*.c files and nobody else: record
 * keys from secrets, the records themselves (oauth-rec.h), and the hash
 * labels that keep one kind of secret from ever being looked up as another.
 */
#ifndef OMI_OAUTH_IMPL_H
#define OMI_OAUTH_IMPL_H

#include "auth/oauth-rec.h"
#include "auth/oauth.h"
#include "lib/sec.h"

#define OAUTH_L_PENDING	"oauth-pending"	/* a spent handle's id */
#define OAUTH_L_SEAL	"oauth-seal"	/* a handle's seal */
#define OAUTH_L_CODE	"oauth-code"
#define OAUTH_L_ACCESS	"oauth-access"
#define OAUTH_L_REFRESH	"oauth-refresh"
#define OAUTH_L_FAMILY	"oauth-refresh-family"
#define OAUTH_L_FAIL	"oauth-login-fail"
#define OAUTH_L_DEVICE	"oauth-device"
#define OAUTH_L_DFAIL	"oauth-device-fail"

#define OAUTH_KEY_MAX	(16 + SEC_HASH_HEX + 1)

/* "prefix" + keyed hash of secret under label, into key (OAUTH_KEY_MAX). */
void		 oauth_key(const struct config *, const char *prefix,
		    const char *label, const char *secret, char *key);

/* grant:<gid> and ugrants:<uid> keys (uids and gids are identifiers);
 * OMI_INVALID when the id is not one or the key does not fit. */
enum omi_err	 oauth_grant_key(const char *gid, char *key, size_t n);
enum omi_err	 oauth_ugrants_key(const char *uid, char *key, size_t n);
/* Revokes the grant (deletes its tokens, keeps a tombstone); OMI_OK
 * when the grant is gone or already revoked. */
enum omi_err	 oauth_grant_revoke(struct store *, const char *gid,
		    const char *reason, int64_t now);
/* Deletes the grant with its tokens and drops it from its user's list. */
enum omi_err	 oauth_grant_purge(struct store *, const char *gid);
/* 1 when a grant record can be dropped at now. */
int		 oauth_grant_expired(const struct oauth_grant_rec *,
		    int64_t now);

/*
 * The rt: record key of a refresh token into key (OAUTH_KEY_MAX) and, for
 * one of this version, its family part into family (SEC_TOKEN_LEN + 1).
 * Returns 1 for a token of this version, 0 for one of an older version
 * (its own record; family is then ""), -1 when it has neither shape.
 */
int		 oauth_refresh_key(const struct config *, const char *token,
		    char *key, char *family);
/*
 * Issues an access and a refresh token under grant g (updated in place,
 * the caller saves it): the new refresh token becomes the grant's live one
 * and restarts the idle clock; expired access tokens leave the list. The
 * refresh token continues family (from the presented token) or, when it
 * is NULL or "", starts the grant's family. The access token is bound to
 * the resources res (OAUTH_RES_* bits; 0 binds it to none, as tokens were
 * before RFC 8707).
 */
enum omi_err	 oauth_tokens_issue(const struct config *, struct store *,
		    struct oauth_grant_rec *g, const char *gid,
		    const char *family, const char *scope, int64_t res,
		    int64_t now, struct oauth_tokens *);
/* Adds gid to the user's list, dropping the user's expired grants. */
enum omi_err	 oauth_ugrants_add(struct store *, const char *uid,
		    const char *gid, int64_t now);

/* Pins the client to uri's GPT when nothing is pinned yet and uri came
 * through a '*' pattern (a write session). */
enum omi_err	 oauth_pin_set(const struct config *, struct store *,
		    const char *uri, int64_t now);

/* 1 when no entry of an lfail: bucket record counts any more. */
int		 oauth_throttle_stale(const struct oauth_bucket_rec *,
		    int64_t now);

/* The configured code lifetime, capped at OAUTH_CODE_TTL_MAX. */
int64_t		 oauth_code_ttl(const struct config *);
#endif
