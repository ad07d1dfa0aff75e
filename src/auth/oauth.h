/*
 * oauth: the OAuth 2.0 authorization server's state: pending authorization
 * requests, authorization codes, grants with their access and refresh
 * tokens, and the bearer-token check the conversations API uses.
 *
 * Secrets. Every code and token, and every consent form's handle id, is 32
 * bytes from libsodium's randombytes (the kernel's getrandom) as unpadded
 * base64url, and is stored only as its keyed hash (sec_keyed_hash with the
 * server key and a label per kind), so a stolen data file holds nothing a
 * client could present.
 *
 * Key layout (JSON values; <h> is a keyed hash in hex):
 *   spent:<h>    a consent form's handle that was used (<h> from its id);
 *                {exp}. The pending request itself is in the handle (see
 *                oauth-code.c); pend:<h> records of older versions are only
 *                collected
 *   code:<h>     an authorization code; {cid, ruri, scope, uid, cc?, ccm?,
 *                exp} and, once redeemed, {used, gid}: the tombstone that
 *                lets a replay revoke the grant (RFC 6749 4.1.2)
 *   grant:<gid>  one sign-in of a user into the client; {uid, cid, scope,
 *                created, used, exp, rt, ats: [[<h>, exp]...]} and, once
 *                revoked, {revoked, reason} with the tokens gone
 *   at:<h>       an access token; {gid, uid, scope, exp, res?}, res the
 *                resources it is for (RFC 8707, OAUTH_RES_* bits; absent:
 *                any, as before). code: and grant: records carry the
 *                res their request asked for
 *   rt:<f>       a grant's refresh tokens, one record per grant (<f> from
 *                the family part of the token, see oauth-grant.c); {gid,
 *                exp, h}, h the keyed hash of the current token. A token of
 *                the family whose hash is not h was retired: presenting it
 *                revokes the grant (RFC 9700 4.14.2). Tokens of older
 *                versions have one record each, rt:<h> {gid, exp}, retired
 *                once their grant's rt names another record (or once they
 *                hold {rotated}); they go when they expire
 *   ugrants:<uid> the user's grant ids, ["gid", ...]
 *   client:pin   the GPT the client is pinned to; {cid, gpt, uri, set}
 *   dclient:<id> a client that registered itself (RFC 7591,
 *                oauth-client.c); {name?, auth, sh?, ruris, created,
 *                used?, exp}, sh the keyed hash of its secret
 *   lfail:<xx>   failed-login counters of addresses, known browsers and
 *                uids without an account: 256 buckets of at most 8
 *                entries (oauth-throttle.c). fail:<h> and dfail:<h>
 *                records of older versions are only collected
 *
 * Concurrency. Every read-check-write (code redemption, refresh rotation,
 * login counters) runs inside one exclusive store session, so twenty
 * parallel redemptions of one code yield one success. Expired records are
 * purged when met, per user when a grant is made, now and then by the
 * authorize program, and all at once by oauth_gc (omi-admin gc).
 */
#ifndef OMI_OAUTH_H
#define OMI_OAUTH_H

#include <stddef.h>
#include <stdint.h>

#include "lib/config.h"
#include "lib/sec.h"
#include "store/store.h"

#define OAUTH_SCOPE_READ	"read:memories"

#define OAUTH_STATE_MAX		1024	/* longest state we carry back */
#define OAUTH_URI_MAX		2048	/* longest redirect_uri we consider */
#define OAUTH_CODE_TTL_MAX	600	/* RFC 6749 4.1.2: at most 10 minutes */
#define OAUTH_REVOKED_KEEP	(30 * 86400)	/* revoked grants stay listed */
/* Live access tokens one grant keeps: each refresh issues one, and the older
 * ones stay valid until they expire, so without a cap a client refreshing
 * in a loop grows the grant record (rewritten on every refresh) without end.
 * A refresh beyond the cap retires the oldest. */
#define OAUTH_GRANT_ACCESS_MAX	4
/* Live sign-ins (grants) one user keeps: every redeemed code makes one, and
 * each later redemption reads them all to drop the expired ones. A sign-in
 * beyond the cap ends the least recently used (its tokens stop working). */
#define OAUTH_USER_GRANTS_MAX	20

/*
 * Resources (RFC 8707): what a token may be presented to. A request names
 * them by URI: <base>/mcp, <base>/api (or <base>/api/conversations, the
 * GPT's API) or <base> (the bridge as a whole: both).
 */
#define OAUTH_RES_API		1	/* the conversations API */
#define OAUTH_RES_MCP		2	/* the MCP endpoint */
#define OAUTH_RES_ALL		(OAUTH_RES_API | OAUTH_RES_MCP)

/*
 * The resources the "resource" parameters of p name (RFC 8707 2: it may
 * be repeated) into *res: 0 when there is none. Returns 0, or -1 when one
 * is not a resource of this bridge (invalid_target) or is empty.
 */
struct params;
int	 oauth_resource_parse(const struct config *, const struct params *p,
	    int64_t *res);

struct oauth_bearer {
	char	*uid;		/* the user the token was issued for */
	char	*scope;		/* space-separated scopes */
	const char *error;	/* RFC 6750 error code when rejected */
	const char *description;
	int	 no_credentials; /* no bearer token at all: a bare challenge */
};

/*
 * Checks an Authorization header value (may be NULL) holding a bearer
 * token, inside the caller's store session (a read session suffices).
 * Returns 0 with b->uid and b->scope set (free with oauth_bearer_free) when
 * the token is valid, unexpired and not revoked. Otherwise returns the HTTP
 * status to answer with b->error set (RFC 6750 3.1): 401 "invalid_request"
 * with b->no_credentials when there is no header or another scheme (the
 * challenge then carries no error code), 400 "invalid_request" for a
 * malformed Bearer header, 401 "invalid_token", or 503 when the store
 * failed. The caller sends WWW-Authenticate: Bearer realm="omi"[, error=].
 * resource is the caller's OAUTH_RES_* bit: a token bound to other
 * resources only (RFC 8707) is 401 "invalid_token".
 */
int	 oauth_bearer_check(const struct config *, struct store *,
	    const char *authorization, int resource, struct oauth_bearer *b);
void	 oauth_bearer_free(struct oauth_bearer *);

/*
 * An OAuth failure: the HTTP status, the RFC 6749 error code and a fixed
 * description (ASCII without '"' or '\', RFC 6749 5.2). Functions below
 * fill one when they return non-zero; all strings are static. When the
 * store failed, err says how (OMI_OK otherwise) and the program answers
 * with app_store_error(), which every program uses for store errors.
 */
struct oauth_fail {
	int		 status;
	const char	*error;
	const char	*desc;
	enum omi_err	 err;
};

/* Redirect URIs (oauth-redirect.c) ------------------------------------- */

/*
 * 1 when uri matches pattern: an exact string comparison (RFC 9700 2.1)
 * except that each '*' in the pattern stands for 1 to 128 characters of
 * [A-Za-z0-9_-] (one path segment's worth, such as a GPT's g-... id). A
 * pattern with more than two '*' never matches (the cost of matching
 * grows as 128 to the power of their number).
 */
int	 oauth_redirect_match(const char *pattern, const char *uri);
/* 1 when uri is acceptable and matches one of the client's patterns. */
int	 oauth_redirect_allowed(const struct config *, const char *uri);
/* The longest GPT id (what the '*'s of a pattern matched) plus one. */
#define OAUTH_PIN_MAX		(2 * 128 + 2)
/*
 * What the '*'s of the first pattern that uri matches stood for (a GPT
 * id; two '*'s give both parts joined by '/') into out (OAUTH_PIN_MAX
 * bytes). Returns 1 then, 0 when uri is registered as it is (no '*'), -1
 * when it is not allowed at all.
 */
int	 oauth_redirect_star(const struct config *, const char *uri,
	    char *out, size_t outlen);
/*
 * 1 when pattern may be registered: an absolute https URI (http only for
 * localhost and loopback addresses), no user info, no fragment, no white
 * space or control characters, and '*' only after the host, twice at most.
 */
int	 oauth_redirect_pattern_ok(const char *pattern);
/*
 * Appends "?name=value" or "&name=value" pairs (URL-encoded) to uri and
 * returns the new string (malloc'd) or NULL. names and values alternate in
 * the NULL-terminated list; a pair with a NULL or empty value is skipped.
 */
char	*oauth_redirect_build(const char *uri, ...);
/* Writes "scheme://host[:port]" of uri into out; -1 when it has none. */
int	 oauth_redirect_origin(const char *uri, char *out, size_t outlen);
/*
 * 1 when suffix, what a request's path has after a well-known name
 * (/.well-known/oauth-authorization-server and the like), names one of
 * the bridge's own documents: "" (<base_url>/.well-known/NAME, the only
 * URL a bridge under a path of a shared host can serve) or base_url's
 * path (/.well-known/NAME/omi, the path-inserted form of RFC 8414 3.1 and
 * RFC 9728 3.1, for a server that owns the domain's root).
 */
int	 oauth_wellknown_suffix(const char *base_url, const char *suffix);

/* Registered clients, RFC 7591 (oauth-client.c) ------------------------ */

#define OAUTH_DCR_BODY_MAX	8192	/* bytes of a registration */
#define OAUTH_DCR_URIS_MAX	8	/* redirect URIs of one client */
#define OAUTH_DCR_URI_MAX	512	/* bytes of one */
#define OAUTH_DCR_NAME_MAX	100	/* bytes of client_name */
#define OAUTH_DCR_SOURCE_MAX	10	/* registrations per source and
					   throttle window, then locked */
#define OAUTH_DCR_UNUSED_TTL	(24 * 3600)	/* never signed in with */
#define OAUTH_DCR_UNUSED_MAX	200	/* never-used registrations at once */
#define OAUTH_DCR_IDLE_TTL	(180 * 86400)	/* no code or refresh */
#define OAUTH_DCR_ID_PREFIX	"dcr-"
#define OAUTH_DCR_ID_RAND	22	/* base64url of 16 random bytes */
#define OAUTH_DCR_ID_MAX	(sizeof(OAUTH_DCR_ID_PREFIX) + OAUTH_DCR_ID_RAND)

/* A registration request's metadata, checked (oauth_dcr_parse). */
struct oauth_dcr {
	char	*name;		/* client_name, NULL when absent */
	char	**uris;		/* redirect_uris */
	size_t	 nuris;
	char	 auth[24];	/* token_endpoint_auth_method */
	char	*scope;		/* normalised, NULL when absent */
};

/*
 * 1 when uri may be registered: at most OAUTH_DCR_URI_MAX bytes of
 * printable ASCII, https with a well-formed host, or http on 127.0.0.1,
 * [::1] or localhost (RFC 8252 7.3); no fragment and no user info.
 */
int	 oauth_dcr_redirect_ok(const char *uri);
/*
 * Parses and checks a registration body (RFC 7591 2 and 3.2.2). Returns
 * 0 with d filled (free with oauth_dcr_free), or -1 with f filled: 400
 * invalid_redirect_uri or invalid_client_metadata, 413 for a body over
 * OAUTH_DCR_BODY_MAX, or f->err OMI_NOMEM.
 */
int	 oauth_dcr_parse(const char *body, size_t len, struct oauth_dcr *d,
	    struct oauth_fail *f);
void	 oauth_dcr_free(struct oauth_dcr *);
/* 1 when id has the shape of a registered client's id. */
int	 oauth_dcr_id_shaped(const char *id);
/*
 * Anyone may register, so registrations are bounded as a whole too, not
 * only per source: collects the expired ones (as oauth_gc does) and sets
 * *room to 0 when OAUTH_DCR_UNUSED_MAX never-used ones wait already. The
 * caller commits either way.
 */
enum omi_err	 oauth_dcr_room(struct store *, int64_t now, int *room);

/*
 * Stores d as a new client (a write session): its id into id
 * (OAUTH_DCR_ID_MAX bytes) and, unless it is a public client, a new
 * secret into secret (SEC_TOKEN_LEN + 1 bytes; "" for a public one).
 */
enum omi_err	 oauth_dcr_register(const struct config *, struct store *,
		    const struct oauth_dcr *d, int64_t now, char *id,
		    char *secret);

/* A registered client as the endpoints see it. */
struct oauth_client {
	char	*name;		/* NULL when it gave none */
	char	 auth[24];	/* none, client_secret_basic or _post */
	char	 sh[SEC_HASH_HEX + 1];	/* its secret's hash, "" if public */
	char	**uris;
	size_t	 nuris;
	int64_t	 created, used, exp;
};

/* OMI_OK with cl filled (free with oauth_client_free), OMI_NOTFOUND
 * when id names no live registration, or a store error. */
enum omi_err	 oauth_client_get(struct store *, const char *id, int64_t now,
		    struct oauth_client *cl);
void		 oauth_client_free(struct oauth_client *);
/* 1 when uri is one of cl's redirect URIs, compared exactly, except
 * that a loopback one (http on 127.0.0.1, [::1] or localhost) matches
 * with any port (RFC 8252 7.3). */
int		 oauth_client_redirect_ok(const struct oauth_client *,
		    const char *uri);
/* 1 when secret authenticates cl: none for a public client, else the
 * one issued at registration (compared by keyed hash in constant time). */
int		 oauth_client_secret_ok(const struct config *,
		    const struct oauth_client *, const char *secret);
/* Marks the client used at now (a write session), which keeps it from
 * expiring for OAUTH_DCR_IDLE_TTL. */
enum omi_err	 oauth_client_touch(struct store *, const char *id,
		    int64_t now);

/* Calls fn for every live registered client (a read session suffices). */
enum omi_err	 oauth_clients_list(struct store *, int64_t now,
		    void (*fn)(void *, const char *id,
		    const struct oauth_client *), void *ctx);
/* Removes a registered client and revokes its sign-ins (a write session);
 * *revoked counts them. OMI_NOTFOUND when there is no such client. */
enum omi_err	 oauth_client_remove(struct store *, const char *id,
		    int64_t now, size_t *revoked);

/* The GPT pin (oauth-pin.c) --------------------------------------------- */

/*
 * The patterns' '*' lets any GPT's callback in; the pin narrows that to
 * one GPT (RFC 9700 2.1, exact matching). The first code exchanged with
 * the client secret records the GPT id its callback carried (trust on
 * first use); from then on only that GPT's callbacks, on any registered
 * host, are accepted, until omi-admin client reset-redirect.
 */
struct oauth_pin {
	char	 gpt[OAUTH_PIN_MAX];	/* what the '*'s matched */
	char	 uri[OAUTH_URI_MAX + 1];	/* the callback that set it */
	int64_t	 set;			/* when */
};

/* OMI_OK with p filled when the client is pinned, OMI_NOTFOUND when
 * not, or a store error. */
enum omi_err	 oauth_pin_get(const struct config *, struct store *,
		    struct oauth_pin *p);
/*
 * Whether uri may be used as far as the pin goes (the patterns are
 * checked by oauth_redirect_allowed): OMI_OK when it did not come
 * through a '*', when nothing is pinned or when its GPT id is the pinned
 * one; OMI_NOTFOUND when another GPT is pinned; or a store error.
 * A read session suffices.
 */
enum omi_err	 oauth_pin_check(const struct config *, struct store *,
		    const char *uri);
/* Removes the pin (a write session); OMI_OK also when there was none. */
enum omi_err	 oauth_pin_reset(struct store *);

/* PKCE, RFC 7636 (oauth-pkce.c) ---------------------------------------- */

/* 1 when s is 43 to 128 characters of [A-Za-z0-9-._~] (RFC 7636 4.1). */
int	 oauth_pkce_syntax_ok(const char *s);
/* 1 when verifier matches challenge under method ("S256" or "plain"). */
int	 oauth_pkce_verify(const char *method, const char *challenge,
	    const char *verifier);
/* BASE64URL(SHA256(verifier)) into out (at least 44 bytes). */
void	 oauth_pkce_s256(const char *verifier, char *out);

/* Scopes ----------------------------------------------------------------- */

/*
 * Normalises a requested scope: NULL or empty becomes the default; every
 * space-separated entry must be a scope we know. Returns a malloc'd
 * canonical scope string, or NULL with *unknown set (NULL and *unknown
 * unset means out of memory).
 */
char	*oauth_scope_normalise(const char *requested, int *unknown);
/* 1 when every scope in want also appears in have (NULL for none). */
int	 oauth_scope_subset(const char *want, const char *have);

/* Pending authorization requests and codes (oauth-code.c) --------------- */

struct oauth_request {
	char	*client_id;
	char	*redirect_uri;
	char	*scope;
	char	*state;			/* NULL when absent */
	char	*challenge;		/* PKCE, NULL when absent */
	char	*method;		/* "S256" or "plain" with a challenge */
	char	*client_name;		/* a registered client's, not sealed */
	int64_t	 res;			/* OAUTH_RES_* bits, 0: unbound */
	int64_t	 exp;
};

void	 oauth_request_free(struct oauth_request *);

/*
 * Seals a pending request into a new handle bound to cookie (the value of
 * the browser's cookie): a malloc'd string for the form, NULL when out of
 * memory. Nothing is stored (see oauth-code.c).
 */
char		*oauth_pending_seal(const struct config *,
		    const struct oauth_request *, const char *cookie);
/*
 * Opens handle: checks that this server sealed it for cookie (NULL: no
 * cookie was sent), that it is unexpired and, when s is set, that it was
 * not spent. Returns OMI_OK with the request filled, OMI_NOTFOUND for a
 * forged, foreign, expired or spent handle, or a store error.
 */
enum omi_err	 oauth_pending_get(const struct config *, struct store *,
		    const char *handle, const char *cookie,
		    struct oauth_request *);
/* OMI_OK when the store has no spent mark for handle (one that
 * oauth_pending_get() opened), OMI_NOTFOUND when it has, or an error. */
enum omi_err	 oauth_pending_unspent(const struct config *, struct store *,
		    const char *handle);
/* Marks handle (opened as r) spent, until it would have expired anyway. */
enum omi_err	 oauth_pending_spend(const struct config *, struct store *,
		    const char *handle, const struct oauth_request *r);

/* Issues a code for uid from the request; code_out gets SEC_TOKEN_LEN + 1. */
enum omi_err	 oauth_code_issue(const struct config *, struct store *,
		    const struct oauth_request *, const char *uid,
		    char *code_out);

/* Tokens and grants (oauth-exchange.c, oauth-grant.c) -------------------- */

/* A refresh token: "<family>.<secret>", each SEC_TOKEN_LEN characters. */
#define OAUTH_REFRESH_LEN	(2 * SEC_TOKEN_LEN + 1)

struct oauth_tokens {
	char	 access[SEC_TOKEN_LEN + 1];
	char	 refresh[OAUTH_REFRESH_LEN + 1];
	char	*scope;
	int64_t	 expires_in;
};

void	 oauth_tokens_free(struct oauth_tokens *);

/*
 * The authorization_code grant (RFC 6749 4.1.3), in the caller's write
 * session: checks the code against client_id, redirect_uri and the PKCE
 * verifier (may be NULL), then makes a grant with its first tokens and
 * marks the code used. A used code revokes the grant it made. res (0: as
 * the code) narrows the resources of the access token (RFC 8707 2.2); one
 * the code was not for is 400 invalid_target. Returns 0, or -1 with f
 * filled; the caller commits in both cases (a failure may have revoked a
 * grant or purged a record).
 */
int	 oauth_code_redeem(const struct config *, struct store *,
	    const char *code, const char *client_id, const char *redirect_uri,
	    const char *verifier, int64_t res, struct oauth_tokens *,
	    struct oauth_fail *f);
/*
 * The refresh_token grant (RFC 6749 6) with rotation: the presented token
 * is retired and a new pair issued. A retired token presented again
 * revokes the grant. scope may be NULL; res narrows as in
 * oauth_code_redeem. Returns like oauth_code_redeem.
 */
int	 oauth_refresh(const struct config *, struct store *,
	    const char *refresh, const char *client_id, const char *scope,
	    int64_t res, struct oauth_tokens *, struct oauth_fail *f);
/*
 * RFC 7009 revocation of an access or refresh token issued to client_id
 * (hint may be NULL). A refresh token revokes its grant; an access token
 * only itself. Unknown tokens are not an error. Returns a store error.
 */
enum omi_err	 oauth_revoke_token(const struct config *, struct store *,
		    const char *token, const char *hint, const char *client_id);
/* Revokes every grant of uid, and ends its sign-ins to the conversation
 * pages (auth/session.h); *n counts the grants revoked. */
enum omi_err	 oauth_revoke_user(struct store *, const char *uid,
		    const char *reason, size_t *n);
/* Removes every OAuth record of uid, and its session epoch (for account
 * deletion). */
enum omi_err	 oauth_forget_user(struct store *, const char *uid);
/* Removes uid's login failure counters and its codes not yet redeemed
 * (for account deletion, with oauth_forget_user). */
enum omi_err	 oauth_forget_sign_ins(const struct config *, struct store *,
		    const char *uid);

struct oauth_grant_info {
	char	 gid[33];
	char	 client_id[129];
	char	 scope[64];
	int64_t	 created, used, exp, revoked;
	char	 reason[64];
	size_t	 live_access;	/* unexpired access tokens */
};

/* Calls fn for each grant of uid (newest last). Returns a store error. */
enum omi_err	 oauth_grants_list(struct store *, const char *uid,
		    void (*fn)(void *, const struct oauth_grant_info *),
		    void *ctx);

/* Failed logins (oauth-login.c, oauth-throttle.c) ----------------------- */

/*
 * Throttling. Guesses are counted per source (the client's address, or a
 * browser's known-device cookie) and per uid, separately:
 * - a source with OAUTH_SOURCE_FAILS failures within the window is locked,
 *   whatever uid it tries;
 * - a uid with OAUTH_UID_FAILS failures within the window (from anywhere)
 *   is locked only for sources that failed within the window themselves:
 *   a source that has not failed, such as the owner at another address in
 *   a new browser, still signs in with the right password;
 * - a browser with a known-device cookie for the uid is counted on its own
 *   and neither the address's nor the uid's lock stops it.
 * A locked attempt costs no password hash and writes nothing.
 */
#define OAUTH_THROTTLE_WINDOW	(15 * 60)	/* seconds failures count */
#define OAUTH_THROTTLE_LOCK	(15 * 60)	/* seconds locked */
#define OAUTH_SOURCE_FAILS	5
#define OAUTH_UID_FAILS		10
#define OAUTH_THROTTLE_BUCKETS	256		/* lfail:00 .. lfail:ff */
#define OAUTH_THROTTLE_WAYS	8		/* entries per bucket */
#define OAUTH_ADDR_MAX		64

struct oauth_count {
	int64_t	 since;		/* start of the current window */
	int64_t	 count;		/* failures in it */
	int64_t	 until;		/* locked until */
};

enum oauth_subject {
	OAUTH_SUBJ_ADDR,	/* a client address (IPv6: its /64) */
	OAUTH_SUBJ_UID,		/* a uid that has no account */
	OAUTH_SUBJ_DEVICE,	/* a known-device cookie */
	OAUTH_SUBJ_REGISTER	/* an address registering clients */
};

enum oauth_login {
	OAUTH_LOGIN_OK,
	OAUTH_LOGIN_BAD,	/* wrong uid or password (one answer) */
	OAUTH_LOGIN_LOCKED	/* too many failures; try later */
};

/*
 * Checks uid and password from source address addr (oauth_client_addr).
 * The slow password hash runs outside any store session and only when the
 * attempt is not locked; the counters are read before and updated after in
 * one exclusive session, so concurrent attempts are all counted. Unknown
 * uids are counted like accounts, so neither the answer, its timing nor the
 * lockout reveals whether a uid exists; a uid that is not well formed is
 * refused at once (its shape is no secret). device is the browser's
 * known-device cookie (or NULL): when it holds for uid, the attempt counts
 * against that browser alone. Returns the outcome or -1 with *err set when
 * the store failed.
 */
int	 oauth_login(const struct config *, const char *uid,
	    const char *password, const char *device, const char *addr,
	    enum omi_err *err);

/*
 * The client's address for counting: REMOTE_ADDR, or the last
 * X-Forwarded-For entry when REMOTE_ADDR is the trusted proxy; IPv4-mapped
 * IPv6 as IPv4, other IPv6 as its /64; "?" when it is none of these. Into
 * out (OAUTH_ADDR_MAX bytes).
 */
void	 oauth_client_addr(const char *remote, const char *xff,
	    const char *trusted, char *out, size_t n);

/* Counters: a failure (locks at limit), locked, failed within the window. */
void	 oauth_count_fail(struct oauth_count *, int64_t now, int64_t limit);
int	 oauth_count_locked(const struct oauth_count *, int64_t now);
int	 oauth_count_failed(const struct oauth_count *, int64_t now);
/* A subject's counters (zero when none), and their update, which also
 * drops its bucket's stale entries (see oauth-throttle.c). */
enum omi_err	 oauth_throttle_get(const struct config *, struct store *,
		    enum oauth_subject, const char *value,
		    struct oauth_count *);
enum omi_err	 oauth_throttle_put(const struct config *, struct store *,
		    enum oauth_subject, const char *value,
		    const struct oauth_count *, int64_t now);

/* Known devices (oauth-device.c) ----------------------------------------- */

#define OAUTH_DEVICE_COOKIE	"omi_device"
#define OAUTH_DEVICE_MAX	(SEC_TOKEN_LEN + 1 + SEC_HASH_HEX + 1)
#define OAUTH_DEVICE_TTL	(365 * 86400)	/* seconds a cookie lasts */

/* A cookie value for a browser that signed in as uid, into out
 * (OAUTH_DEVICE_MAX bytes); -1 when out of memory. */
int	 oauth_device_make(const struct config *, const char *uid, char *out);
/* 1 when value is a cookie made here for uid (compared in constant time). */
int	 oauth_device_valid(const struct config *, const char *uid,
	    const char *value);

/* Expired records (oauth-gc.c) ------------------------------------------- */

struct oauth_gc_stats {
	size_t	 scanned, removed;
};

/* Purges every expired OAuth record in the caller's write session. */
enum omi_err	 oauth_gc(struct store *, int64_t now, struct oauth_gc_stats *);
#endif
