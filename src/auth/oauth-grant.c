/*
 * oauth-grant: grants and their tokens. A grant is one sign-in of a user
 * into the client, made when a code is redeemed. It owns the access tokens
 * and the one live refresh token issued under it, so revoking it (code
 * replay, refresh token reuse, omi-admin revoke, RFC 7009) reaches every
 * token of the family at once. Revoked grants stay as tombstones for a
 * while so that omi-admin tokens can say what happened.
 *
 * Refresh tokens. Each refresh retires the presented token and issues the
 * next (RFC 9700 4.14.2), and a retired token presented again must still
 * find its grant to revoke it. So a refresh token is "<family>.<secret>":
 * the family part is drawn once per grant and names its one rt: record
 * (by keyed hash), which holds the keyed hash of the current token. A
 * token of the family with another hash is a retired one. Rotation thus
 * rewrites one record instead of leaving one behind per refresh, however
 * many refreshes a sign-in makes. The family part is as random as a
 * token, so only someone who held a token of the grant can name it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth/oauth-impl.h"
#include "auth/session.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/text.h"

void
oauth_tokens_free(struct oauth_tokens *t)
{
	free(t->scope);
	sodium_memzero(t, sizeof(*t));
}

static void
token_key(const struct config *c, const char *prefix, const char *label,
    const char *hash_or_token, int is_hash, char *key)
{
	if (is_hash)
		snprintf(key, OAUTH_KEY_MAX, "%s%s", prefix, hash_or_token);
	else
		oauth_key(c, prefix, label, hash_or_token, key);
}

int
oauth_refresh_key(const struct config *c, const char *token, char *key,
    char *family)
{
	size_t n = strlen(token);

	family[0] = '\0';
	if (n == SEC_TOKEN_LEN) {
		oauth_key(c, "rt:", OAUTH_L_REFRESH, token, key);
		return 0;
	}
	if (n != OAUTH_REFRESH_LEN || token[SEC_TOKEN_LEN] != '.')
		return -1;
	memcpy(family, token, SEC_TOKEN_LEN);
	family[SEC_TOKEN_LEN] = '\0';
	oauth_key(c, "rt:", OAUTH_L_FAMILY, family, key);
	return 1;
}

int
oauth_grant_expired(const struct oauth_grant_rec *g, int64_t now)
{
	if (g->revoked != 0)
		return now > g->revoked + OAUTH_REVOKED_KEEP;
	return now > g->exp;
}

/* Deletes the grant's live tokens (not the grant itself). */
static enum omi_err
grant_drop_tokens(struct store *s, struct oauth_grant_rec *g)
{
	char		 key[OAUTH_KEY_MAX];
	size_t		 i;
	enum omi_err	 err = OMI_OK;

	for (i = 0; i < g->nats; i++) {
		token_key(NULL, "at:", NULL, g->ats[i].h, 1, key);
		if ((err = store_del(s, key)) != OMI_OK)
			return err;
	}
	if (g->rt[0] != '\0') {
		token_key(NULL, "rt:", NULL, g->rt, 1, key);
		err = store_del(s, key);
	}
	g->nats = 0;
	g->rt[0] = '\0';
	return err;
}

enum omi_err
oauth_grant_revoke(struct store *s, const char *gid, const char *reason,
    int64_t now)
{
	char			 key[80];
	struct oauth_grant_rec	 g;
	enum omi_err		 err;

	if (oauth_grant_key(gid, key, sizeof(key)) != OMI_OK)
		return OMI_OK;
	if ((err = oauth_grant_load(s, key, &g)) != OMI_OK)
		return err == OMI_NOTFOUND ? OMI_OK : err;
	if (g.revoked == 0) {
		if ((err = grant_drop_tokens(s, &g)) == OMI_OK) {
			g.revoked = now;
			g.reason = reason;
			err = oauth_grant_save(s, key, &g);
		}
		log_msg("oauth: grant %s of uid %s revoked: %s", gid,
		    g.uid ? g.uid : "?", reason);
	}
	oauth_grant_free(&g);
	return err;
}

/* Loads the user's grant list (an empty one when there is none). */
static enum omi_err
ugrants_load(struct store *s, const char *uid, json_t **list)
{
	char key[160];

	*list = NULL;
	if (oauth_ugrants_key(uid, key, sizeof(key)) != OMI_OK)
		return OMI_NOTFOUND;
	return oauth_ugrants_load(s, key, list);
}

static enum omi_err
ugrants_save(struct store *s, const char *uid, const json_t *list)
{
	char key[160];

	if (oauth_ugrants_key(uid, key, sizeof(key)) != OMI_OK)
		return OMI_INVALID;
	return oauth_ugrants_save(s, key, list);
}

/* Deletes a grant and its tokens; the caller fixes the user's list. */
static enum omi_err
grant_delete(struct store *s, const char *gid, struct oauth_grant_rec *g)
{
	char		 key[80];
	enum omi_err	 err;

	if (oauth_grant_key(gid, key, sizeof(key)) != OMI_OK)
		return OMI_INVALID;
	if ((err = grant_drop_tokens(s, g)) != OMI_OK)
		return err;
	return store_del(s, key);
}

enum omi_err
oauth_grant_purge(struct store *s, const char *gid)
{
	char			 key[80];
	struct oauth_grant_rec	 g;
	json_t			*list = NULL;
	size_t			 i;
	enum omi_err		 err;

	if (oauth_grant_key(gid, key, sizeof(key)) != OMI_OK)
		return OMI_OK;
	if ((err = oauth_grant_load(s, key, &g)) != OMI_OK)
		return err == OMI_NOTFOUND ? OMI_OK : err;
	if ((err = grant_delete(s, gid, &g)) != OMI_OK || g.uid == NULL)
		goto out;
	if ((err = ugrants_load(s, g.uid, &list)) != OMI_OK)
		goto out;
	for (i = json_array_size(list); i > 0; i--)
		if (strcmp(json_string_value(json_array_get(list, i - 1)),
		    gid) == 0)
			json_array_remove(list, i - 1);
	err = ugrants_save(s, g.uid, list);
out:
	json_decref(list);
	oauth_grant_free(&g);
	return err;
}

/* A live grant of a user's list: its id (borrowed from the list), its
 * record (held) and when it was last used. */
struct live_grant {
	json_t			*id;
	struct oauth_grant_rec	 rec;
	int64_t			 used;
};

static int
by_use(const void *a, const void *b)
{
	const struct live_grant *x = a, *y = b;

	return x->used < y->used ? -1 : x->used > y->used;
}

/*
 * Drops the least recently used of the user's n live grants (live[], ids
 * borrowed from list) until the one about to be added fits under
 * OAUTH_USER_GRANTS_MAX. They are deleted, not revoked: a tombstone would
 * stay in the list and every later sign-in would read it.
 */
static enum omi_err
ugrants_evict(struct store *s, const char *uid, json_t *list,
    struct live_grant *live, size_t n)
{
	const char	*gid;
	size_t		 i, k, drop;
	enum omi_err	 err = OMI_OK;

	if (n < OAUTH_USER_GRANTS_MAX)
		return OMI_OK;
	drop = n - OAUTH_USER_GRANTS_MAX + 1;
	qsort(live, n, sizeof(*live), by_use);
	for (i = 0; i < drop && err == OMI_OK; i++) {
		gid = json_string_value(live[i].id);
		log_msg("oauth: grant %s of uid %s dropped: more than %d "
		    "sign-ins, this one the least recently used", gid, uid,
		    OAUTH_USER_GRANTS_MAX);
		err = grant_delete(s, gid, &live[i].rec);
		for (k = json_array_size(list); err == OMI_OK && k > 0; k--)
			if (json_array_get(list, k - 1) == live[i].id) {
				json_array_remove(list, k - 1);
				break;
			}
	}
	return err;
}

enum omi_err
oauth_ugrants_add(struct store *s, const char *uid, const char *gid, int64_t now)
{
	char			 key[80];
	json_t			*list;
	struct oauth_grant_rec	 g;
	const char		*id;
	struct live_grant	*live = NULL;
	size_t			 i, n = 0;
	enum omi_err		 err;

	if ((err = ugrants_load(s, uid, &list)) != OMI_OK)
		return err;
	if (json_array_size(list) > 0 && (live = calloc(json_array_size(list),
	    sizeof(*live))) == NULL)
		err = OMI_NOMEM;
	for (i = json_array_size(list); i > 0 && err == OMI_OK; i--) {
		id = json_string_value(json_array_get(list, i - 1));
		if (oauth_grant_key(id, key, sizeof(key)) != OMI_OK) {
			json_array_remove(list, i - 1);
			continue;
		}
		if ((err = oauth_grant_load(s, key, &g)) == OMI_NOTFOUND) {
			json_array_remove(list, i - 1);
			err = OMI_OK;
			continue;
		}
		if (err != OMI_OK)
			break;
		if (oauth_grant_expired(&g, now)) {
			err = grant_delete(s, id, &g);
			json_array_remove(list, i - 1);
		} else if (g.revoked == 0) {
			live[n].id = json_array_get(list, i - 1);
			live[n].used = g.used != 0 ? g.used : g.created;
			/* The record moves into live[]. */
			live[n++].rec = g;
			continue;
		}
		oauth_grant_free(&g);
	}
	if (err == OMI_OK)
		err = ugrants_evict(s, uid, list, live, n);
	for (i = 0; i < n; i++)
		oauth_grant_free(&live[i].rec);
	free(live);
	if (err == OMI_OK && json_array_append_new(list, json_string(gid)))
		err = OMI_NOMEM;
	if (err == OMI_OK)
		err = ugrants_save(s, uid, list);
	json_decref(list);
	return err;
}

/* Deletes access token i of a grant and its record. */
static enum omi_err
drop_access(struct store *s, struct oauth_grant_rec *g, size_t i)
{
	char key[OAUTH_KEY_MAX];

	token_key(NULL, "at:", NULL, g->ats[i].h, 1, key);
	oauth_grant_at_del(g, i);
	return store_del(s, key);
}

enum omi_err
oauth_tokens_issue(const struct config *c, struct store *s,
    struct oauth_grant_rec *g, const char *gid, const char *family,
    const char *scope, int64_t res, int64_t now, struct oauth_tokens *t)
{
	char			 ah[SEC_HASH_HEX + 1], rh[SEC_HASH_HEX + 1];
	char			 fam[SEC_TOKEN_LEN + 1];
	char			 secret[SEC_TOKEN_LEN + 1];
	char			 key[OAUTH_KEY_MAX];
	int64_t			 attl = c->access_ttl > 0 ? c->access_ttl :
				    3600;
	int64_t			 idle = c->refresh_idle > 0 ?
				    c->refresh_idle : 90 * 86400;
	struct oauth_rt_rec	 rt;
	struct oauth_at_rec	 at;
	size_t			 i;
	enum omi_err		 err = OMI_OK;

	memset(t, 0, sizeof(*t));
	sec_token(t->access);
	if (family != NULL && strlen(family) == SEC_TOKEN_LEN)
		memcpy(fam, family, sizeof(fam));
	else
		sec_token(fam);
	sec_token(secret);
	snprintf(t->refresh, sizeof(t->refresh), "%s.%s", fam, secret);
	sodium_memzero(secret, sizeof(secret));
	t->expires_in = attl;
	if ((t->scope = strdup(scope)) == NULL)
		return OMI_NOMEM;
	sec_keyed_hash(c->key, OAUTH_L_ACCESS, t->access, SEC_TOKEN_LEN, ah);
	sec_keyed_hash(c->key, OAUTH_L_REFRESH, t->refresh, OAUTH_REFRESH_LEN,
	    rh);
	oauth_key(c, "rt:", OAUTH_L_FAMILY, fam, key);
	sodium_memzero(fam, sizeof(fam));

	/* Expired ones go; then the oldest (the list is in issue order) while
	 * the new token would exceed the cap. */
	for (i = g->nats; i > 0 && err == OMI_OK; i--)
		if (g->ats[i - 1].exp <= now)
			err = drop_access(s, g, i - 1);
	while (err == OMI_OK && g->nats >= OAUTH_GRANT_ACCESS_MAX)
		err = drop_access(s, g, 0);
	if (err != OMI_OK)
		return err;

	/* The family's record, rewritten: the presented token is retired
	 * by no longer being the hash it holds. */
	memset(&rt, 0, sizeof(rt));
	rt.gid = gid;
	rt.exp = now + idle;
	rt.h = rh;
	if ((err = oauth_rt_save(s, key, &rt)) != OMI_OK)
		return err;
	/* The record's name: the key without its "rt:". */
	memcpy(g->rt, key + 3, SEC_HASH_HEX);
	g->rt[SEC_HASH_HEX] = '\0';
	memset(&at, 0, sizeof(at));
	at.gid = gid;
	at.uid = g->uid;
	at.scope = scope;
	at.res = res;
	at.exp = now + attl;
	token_key(c, "at:", NULL, ah, 1, key);
	if ((err = oauth_at_save(s, key, &at)) != OMI_OK ||
	    (err = oauth_grant_at_add(g, ah, now + attl)) != OMI_OK)
		return err;
	g->used = now;
	g->exp = now + idle;
	return OMI_OK;
}

/*
 * Calls fn for each existing grant record of a user (its id and record,
 * borrowed); stops at the first error fn returns. OMI_NOTFOUND when the
 * user has no grant list at all.
 */
static enum omi_err
each_user_grant(struct store *s, const char *uid,
    enum omi_err (*fn)(struct store *, const char *,
    struct oauth_grant_rec *, void *), void *ctx)
{
	char			 key[80];
	json_t			*list, *e;
	struct oauth_grant_rec	 rec;
	const char		*gid;
	size_t			 i;
	enum omi_err		 err;

	if ((err = ugrants_load(s, uid, &list)) != OMI_OK)
		return err;
	json_array_foreach(list, i, e) {
		gid = json_string_value(e);
		if (oauth_grant_key(gid, key, sizeof(key)) != OMI_OK)
			continue;
		if ((err = oauth_grant_load(s, key, &rec)) == OMI_NOTFOUND)
			continue;
		if (err != OMI_OK)
			break;
		err = fn(s, gid, &rec, ctx);
		oauth_grant_free(&rec);
		if (err != OMI_OK)
			break;
	}
	json_decref(list);
	return err == OMI_NOTFOUND ? OMI_OK : err;
}

struct revoke_ctx {
	const char	*reason;
	size_t		 n;
};

static enum omi_err
revoke_one(struct store *s, const char *gid, struct oauth_grant_rec *rec,
    void *ctx)
{
	struct revoke_ctx *r = ctx;

	if (rec->revoked != 0)
		return OMI_OK;
	r->n++;
	return oauth_grant_revoke(s, gid, r->reason, now_unix());
}

enum omi_err
oauth_revoke_user(struct store *s, const char *uid, const char *reason,
    size_t *n)
{
	struct revoke_ctx	 r = { reason, 0 };
	enum omi_err		 err;

	err = each_user_grant(s, uid, revoke_one, &r);
	*n = r.n;
	if (err == OMI_NOTFOUND)
		err = OMI_OK;
	/* The conversation pages' sign-ins end with the tokens. */
	return err == OMI_OK ? session_end_all(s, uid) : err;
}

static enum omi_err
forget_one(struct store *s, const char *gid, struct oauth_grant_rec *rec,
    void *ctx)
{
	(void)ctx;
	return grant_delete(s, gid, rec);
}

enum omi_err
oauth_forget_user(struct store *s, const char *uid)
{
	enum omi_err	 err;
	json_t		*empty;

	if ((err = session_forget(s, uid)) != OMI_OK)
		return err;
	if ((err = each_user_grant(s, uid, forget_one, NULL)) != OMI_OK)
		return err == OMI_NOTFOUND ? OMI_OK : err;
	empty = json_array();
	err = empty ? ugrants_save(s, uid, empty) : OMI_NOMEM;
	json_decref(empty);
	return err;
}

static void
copy_str(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

struct list_ctx {
	void	 (*fn)(void *, const struct oauth_grant_info *);
	void	*ctx;
	int64_t	 now;
};

static enum omi_err
list_one(struct store *s, const char *gid, struct oauth_grant_rec *rec,
    void *ctx)
{
	struct list_ctx		*l = ctx;
	struct oauth_grant_info	 gi;
	size_t			 k;

	(void)s;
	memset(&gi, 0, sizeof(gi));
	copy_str(gi.gid, sizeof(gi.gid), gid);
	copy_str(gi.client_id, sizeof(gi.client_id), rec->cid);
	copy_str(gi.scope, sizeof(gi.scope), rec->scope);
	copy_str(gi.reason, sizeof(gi.reason), rec->reason);
	gi.created = rec->created;
	gi.used = rec->used;
	gi.exp = rec->exp;
	gi.revoked = rec->revoked;
	for (k = 0; k < rec->nats; k++)
		if (rec->ats[k].exp > l->now)
			gi.live_access++;
	l->fn(l->ctx, &gi);
	return OMI_OK;
}

enum omi_err
oauth_grants_list(struct store *s, const char *uid,
    void (*fn)(void *, const struct oauth_grant_info *), void *ctx)
{
	struct list_ctx	 l = { fn, ctx, now_unix() };
	enum omi_err	 err;

	err = each_user_grant(s, uid, list_one, &l);
	return err == OMI_NOTFOUND ? OMI_OK : err;
}
