/*
 * oauth-rec: the OAuth records of the store (key layout in oauth.h) as C
 * structs, one load/save pair per kind. Every load goes through one path,
 * oauth_rec_decode: the value is parsed with duplicate keys rejected
 * (record_get), must be an object, and each member the kind knows must
 * have its type, or the record is OMI_CORRUPT. Members a kind does not
 * know are ignored, and absent ones read as NULL or 0, so records of older
 * versions load as they are; saving writes the same member names and
 * types and leaves out what is NULL or 0.
 *
 * The strings of a loaded record are borrowed from its parsed document
 * (doc), which the kind's _free releases; a record built to be saved may
 * point its strings anywhere that outlives the save.
 */
#ifndef OMI_OAUTH_REC_H
#define OMI_OAUTH_REC_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "lib/sec.h"
#include "store/store.h"

/* The generic codec ------------------------------------------------------ */

enum oauth_ftype {
	OAUTH_F_STR,	/* const char * */
	OAUTH_F_INT,	/* int64_t */
	OAUTH_F_ARRAY,	/* json_t * (an array, borrowed) */
	OAUTH_F_FLAG	/* int: 1 when the member is there, any type */
};

struct oauth_field {
	const char		*name;
	enum oauth_ftype	 type;
	size_t			 off;
};

#define OAUTH_FIELD(type, member, ftype) \
	{ #member, (ftype), offsetof(type, member) }

/* Fills rec (zeroed by the caller) from the object doc by table f (ended
 * by a NULL name); OMI_CORRUPT when doc is no object or a member has the
 * wrong type. Strings are borrowed from doc. */
enum omi_err	 oauth_rec_decode(const json_t *doc, const struct oauth_field *,
		    void *rec);
/* Reads key and decodes it into rec (zeroed here); *doc owns the strings
 * (NULL unless OMI_OK). */
enum omi_err	 oauth_rec_load(struct store *, const char *key,
		    const struct oauth_field *, void *rec, json_t **doc);
/* The object the table makes of rec (NULL, 0 and unset flags left out),
 * or NULL when out of memory. */
json_t		*oauth_rec_encode(const struct oauth_field *, const void *rec);
/* Encodes rec and queues it under key. */
enum omi_err	 oauth_rec_save(struct store *, const char *key,
		    const struct oauth_field *, const void *rec);

/* Records ---------------------------------------------------------------- */

/* code:<h>, an authorization code and, once redeemed, its tombstone. */
struct oauth_code_rec {
	const char	*cid, *ruri, *scope, *uid;
	const char	*cc, *ccm;	/* PKCE challenge and method, or NULL */
	int64_t		 res;		/* OAUTH_RES_* bits, 0: unbound */
	int64_t		 exp;
	int64_t		 used;		/* when redeemed, 0 before */
	const char	*gid;		/* the grant it made, once used */
	json_t		*doc;
};

/* at:<h>, an access token. */
struct oauth_at_rec {
	const char	*gid, *uid, *scope;
	int64_t		 res;		/* OAUTH_RES_* bits, 0: unbound */
	int64_t		 exp;
	json_t		*doc;
};

/* rt:<f> (or rt:<h> of older versions), a grant's refresh token. */
struct oauth_rt_rec {
	const char	*gid;
	int64_t		 exp;
	const char	*h;		/* the live token's hash; NULL: older */
	int		 rotated;	/* retired (older versions) */
	json_t		*doc;
};

/* spent:<h> (and pend:<h> of older versions): only its expiry counts. */
struct oauth_spent_rec {
	int64_t		 exp;
	json_t		*doc;
};

/* client:pin, the GPT the client is pinned to. */
struct oauth_pin_rec {
	const char	*cid, *gpt, *uri;
	int64_t		 set;
	json_t		*doc;
};

/* dclient:<id>, a client that registered itself (RFC 7591). */
struct oauth_dclient_rec {
	const char	*name;		/* client_name, or NULL */
	const char	*auth;		/* token_endpoint_auth_method */
	const char	*sh;		/* keyed hash of the secret, or NULL */
	json_t		*ruris;		/* its redirect URIs (strings) */
	int64_t		 created, used, exp;
	json_t		*doc;
};

/* lfail:<xx>, a throttle bucket; e holds [tag, since, count, until]
 * entries, which oauth-throttle.c reads one by one. */
struct oauth_bucket_rec {
	json_t		*e;
	json_t		*doc;
};

/* fail:<h> and dfail:<h>, counters of older versions (only collected). */
struct oauth_oldfail_rec {
	int64_t		 since, until;
	json_t		*doc;
};

/* An access token of a grant: its hash and expiry. */
struct oauth_grant_at {
	char		 h[SEC_HASH_HEX + 1];
	int64_t		 exp;
};

/* grant:<gid>, one sign-in of a user into the client. */
struct oauth_grant_rec {
	const char		*uid, *cid, *scope;
	int64_t			 res;		/* OAUTH_RES_* bits */
	int64_t			 created, used, exp;
	int64_t			 revoked;	/* when, 0 while live */
	const char		*reason;	/* why, once revoked */
	char			 rt[SEC_HASH_HEX + 1];	/* "" for none */
	struct oauth_grant_at	*ats;		/* malloc'd, in issue order */
	size_t			 nats;
	json_t			*doc;
};

enum omi_err	 oauth_code_load(struct store *, const char *key,
		    struct oauth_code_rec *);
enum omi_err	 oauth_code_save(struct store *, const char *key,
		    const struct oauth_code_rec *);
void		 oauth_code_free(struct oauth_code_rec *);

enum omi_err	 oauth_at_load(struct store *, const char *key,
		    struct oauth_at_rec *);
enum omi_err	 oauth_at_save(struct store *, const char *key,
		    const struct oauth_at_rec *);
void		 oauth_at_free(struct oauth_at_rec *);

enum omi_err	 oauth_rt_load(struct store *, const char *key,
		    struct oauth_rt_rec *);
enum omi_err	 oauth_rt_save(struct store *, const char *key,
		    const struct oauth_rt_rec *);
void		 oauth_rt_free(struct oauth_rt_rec *);

enum omi_err	 oauth_spent_load(struct store *, const char *key,
		    struct oauth_spent_rec *);
enum omi_err	 oauth_spent_save(struct store *, const char *key,
		    const struct oauth_spent_rec *);
void		 oauth_spent_free(struct oauth_spent_rec *);

enum omi_err	 oauth_pin_load(struct store *, const char *key,
		    struct oauth_pin_rec *);
enum omi_err	 oauth_pin_save(struct store *, const char *key,
		    const struct oauth_pin_rec *);
void		 oauth_pin_free(struct oauth_pin_rec *);

enum omi_err	 oauth_dclient_load(struct store *, const char *key,
		    struct oauth_dclient_rec *);
enum omi_err	 oauth_dclient_save(struct store *, const char *key,
		    const struct oauth_dclient_rec *);
void		 oauth_dclient_free(struct oauth_dclient_rec *);

/* The bucket's save takes the entry array; an empty one deletes it. */
enum omi_err	 oauth_bucket_load(struct store *, const char *key,
		    struct oauth_bucket_rec *);
enum omi_err	 oauth_bucket_save(struct store *, const char *key,
		    json_t *entries);
void		 oauth_bucket_free(struct oauth_bucket_rec *);

enum omi_err	 oauth_oldfail_load(struct store *, const char *key,
		    struct oauth_oldfail_rec *);
void		 oauth_oldfail_free(struct oauth_oldfail_rec *);

/* In oauth-rec-grant.c, with the user's grant list. */
enum omi_err	 oauth_grant_load(struct store *, const char *key,
		    struct oauth_grant_rec *);
enum omi_err	 oauth_grant_save(struct store *, const char *key,
		    const struct oauth_grant_rec *);
void		 oauth_grant_free(struct oauth_grant_rec *);
/* Appends an access token to g; OMI_NOMEM when it cannot grow. */
enum omi_err	 oauth_grant_at_add(struct oauth_grant_rec *, const char *h,
		    int64_t exp);
/* Removes access token i of g. */
void		 oauth_grant_at_del(struct oauth_grant_rec *, size_t i);

/* ugrants:<uid>, the user's grant ids: a JSON array of strings, loaded as
 * one (an empty array when there is none; OMI_CORRUPT when it holds
 * anything but strings). The save deletes an empty list. */
enum omi_err	 oauth_ugrants_load(struct store *, const char *key,
		    json_t **list);
enum omi_err	 oauth_ugrants_save(struct store *, const char *key,
		    const json_t *list);
#endif
