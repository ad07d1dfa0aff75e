/*
 * oauth-grant: grants and their tokens. A grant is one sign-in of a user
 * into the client, made when a code is redeemed. It owns the access tokens
 * and the one live refresh token issued under it, so revoking it (code
 * replay, refresh token reuse, omi-admin revoke, RFC 7009) reaches every
 * token of the family at once. Revoked grants stay as tombstones for a
 * while so that omi-admin tokens can say what happened.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "account.h"
#include "log.h"
#include "oauth-impl.h"
#include "util.h"

static int
fail(struct oauth_fail *f, int status, const char *error, const char *desc)
{
	f->status = status;
	f->error = error;
	f->desc = desc;
	return -1;
}

static int
fail_store(struct oauth_fail *f, enum store_err err)
{
	log_msg("oauth: store: %s", store_strerror(err));
	return fail(f, store_http_status(err) == 507 ? 503 :
	    store_http_status(err), "server_error",
	    "the token store is unavailable; try again later");
}

static int
bad_grant(struct oauth_fail *f, const char *desc)
{
	return fail(f, 400, "invalid_grant", desc);
}

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
oauth_grant_expired(const json_t *g, int64_t now)
{
	int64_t revoked = oauth_rec_int(g, "revoked", 0);

	if (revoked != 0)
		return now > revoked + OAUTH_REVOKED_KEEP;
	return now > oauth_rec_int(g, "exp", 0);
}

/* Deletes the grant's live tokens (not the grant itself). */
static enum store_err
grant_drop_tokens(struct store *s, json_t *g)
{
	char		 key[OAUTH_KEY_MAX];
	const char	*h;
	json_t		*e;
	size_t		 i;
	enum store_err	 err = STORE_OK;

	json_array_foreach(json_object_get(g, "ats"), i, e) {
		if ((h = json_string_value(json_array_get(e, 0))) == NULL)
			continue;
		token_key(NULL, "at:", NULL, h, 1, key);
		if ((err = store_del(s, key)) != STORE_OK)
			return err;
	}
	if ((h = oauth_rec_str(g, "rt")) != NULL) {
		token_key(NULL, "rt:", NULL, h, 1, key);
		err = store_del(s, key);
	}
	json_object_del(g, "ats");
	json_object_del(g, "rt");
	return err;
}

enum store_err
oauth_grant_revoke(struct store *s, const char *gid, const char *reason,
    int64_t now)
{
	char		 key[80];
	json_t		*g;
	enum store_err	 err;

	if (oauth_grant_key(gid, key, sizeof(key)) == -1)
		return STORE_OK;
	if ((err = oauth_rec_get(s, key, &g)) != STORE_OK)
		return err == STORE_NOTFOUND ? STORE_OK : err;
	if (json_object_get(g, "revoked") == NULL) {
		if ((err = grant_drop_tokens(s, g)) == STORE_OK &&
		    (json_object_set_new(g, "revoked", json_integer(now)) ||
		    json_object_set_new(g, "reason", json_string(reason))))
			err = STORE_NOMEM;
		if (err == STORE_OK)
			err = oauth_rec_put(s, key, g);
		log_msg("oauth: grant %s of uid %s revoked: %s", gid,
		    oauth_rec_str(g, "uid") ? oauth_rec_str(g, "uid") : "?",
		    reason);
	}
	json_decref(g);
	return err;
}

/* Loads the user's grant list (an empty one when there is none). */
static enum store_err
ugrants_load(struct store *s, const char *uid, json_t **list)
{
	char		 key[160], *val;
	size_t		 len;
	enum store_err	 err;

	*list = NULL;
	if (oauth_ugrants_key(uid, key, sizeof(key)) == -1)
		return STORE_NOTFOUND;
	err = store_get(s, key, &val, &len);
	if (err == STORE_NOTFOUND)
		return (*list = json_array()) == NULL ? STORE_NOMEM : STORE_OK;
	if (err != STORE_OK)
		return err;
	*list = json_loadb(val, len, 0, NULL);
	free(val);
	if (*list == NULL || !json_is_array(*list)) {
		json_decref(*list);
		*list = NULL;
		return STORE_CORRUPT;
	}
	return STORE_OK;
}

static enum store_err
ugrants_save(struct store *s, const char *uid, const json_t *list)
{
	char		 key[160], *text;
	enum store_err	 err;

	if (oauth_ugrants_key(uid, key, sizeof(key)) == -1)
		return STORE_ERROR;
	if (json_array_size(list) == 0)
		return store_del(s, key);
	if ((text = json_dumps(list, JSON_COMPACT)) == NULL)
		return STORE_NOMEM;
	err = store_put(s, key, text, strlen(text));
	free(text);
	return err;
}

/* Deletes a grant and its tokens; the caller fixes the user's list. */
static enum store_err
grant_delete(struct store *s, const char *gid, json_t *g)
{
	char		 key[80];
	enum store_err	 err;

	if (oauth_grant_key(gid, key, sizeof(key)) == -1)
		return STORE_ERROR;
	if ((err = grant_drop_tokens(s, g)) != STORE_OK)
		return err;
	return store_del(s, key);
}

enum store_err
oauth_grant_purge(struct store *s, const char *gid)
{
	char		 key[80], *uid = NULL;
	json_t		*g = NULL, *list = NULL;
	size_t		 i;
	enum store_err	 err;

	if (oauth_grant_key(gid, key, sizeof(key)) == -1)
		return STORE_OK;
	if ((err = oauth_rec_get(s, key, &g)) != STORE_OK)
		return err == STORE_NOTFOUND ? STORE_OK : err;
	uid = xstrdup(oauth_rec_str(g, "uid"));
	if ((err = grant_delete(s, gid, g)) != STORE_OK || uid == NULL)
		goto out;
	if ((err = ugrants_load(s, uid, &list)) != STORE_OK)
		goto out;
	for (i = json_array_size(list); i > 0; i--)
		if (json_string_value(json_array_get(list, i - 1)) != NULL &&
		    strcmp(json_string_value(json_array_get(list, i - 1)),
		    gid) == 0)
			json_array_remove(list, i - 1);
	err = ugrants_save(s, uid, list);
out:
	free(uid);
	json_decref(list);
	json_decref(g);
	return err;
}

/*
 * Adds gid to the user's list and, while at it, drops the user's grants
 * that have expired, so a user's records never pile up.
 */
static enum store_err
ugrants_add(struct store *s, const char *uid, const char *gid, int64_t now)
{
	char		 key[80];
	json_t		*list, *g;
	const char	*id;
	size_t		 i;
	enum store_err	 err;

	if ((err = ugrants_load(s, uid, &list)) != STORE_OK)
		return err;
	for (i = json_array_size(list); i > 0 && err == STORE_OK; i--) {
		if ((id = json_string_value(json_array_get(list, i - 1))) ==
		    NULL || oauth_grant_key(id, key, sizeof(key)) == -1) {
			json_array_remove(list, i - 1);
			continue;
		}
		if ((err = oauth_rec_get(s, key, &g)) == STORE_NOTFOUND) {
			json_array_remove(list, i - 1);
			err = STORE_OK;
			continue;
		}
		if (err == STORE_OK && oauth_grant_expired(g, now)) {
			err = grant_delete(s, id, g);
			json_array_remove(list, i - 1);
		}
		json_decref(g);
	}
	if (err == STORE_OK && json_array_append_new(list, json_string(gid)))
		err = STORE_NOMEM;
	if (err == STORE_OK)
		err = ugrants_save(s, uid, list);
	json_decref(list);
	return err;
}

/*
 * Issues an access and a refresh token under grant g (updated in place,
 * the caller saves it): the new refresh token becomes the grant's live one
 * and restarts the idle clock; expired access tokens leave the list.
 */
static enum store_err
tokens_issue(const struct config *c, struct store *s, json_t *g,
    const char *gid, const char *scope, int64_t now, struct oauth_tokens *t)
{
	char		 ah[SEC_HASH_HEX + 1], rh[SEC_HASH_HEX + 1];
	char		 key[OAUTH_KEY_MAX];
	int64_t		 attl = c->access_ttl > 0 ? c->access_ttl : 3600;
	int64_t		 idle = c->refresh_idle > 0 ? c->refresh_idle :
			    90 * 86400;
	json_t		*ats, *e, *rec;
	const char	*h;
	size_t		 i;
	enum store_err	 err = STORE_OK;

	memset(t, 0, sizeof(*t));
	sec_token(t->access);
	sec_token(t->refresh);
	t->expires_in = attl;
	if ((t->scope = strdup(scope)) == NULL)
		return STORE_NOMEM;
	sec_keyed_hash(c->key, OAUTH_L_ACCESS, t->access, SEC_TOKEN_LEN, ah);
	sec_keyed_hash(c->key, OAUTH_L_REFRESH, t->refresh, SEC_TOKEN_LEN, rh);

	if ((ats = json_object_get(g, "ats")) == NULL || !json_is_array(ats)) {
		if ((ats = json_array()) == NULL ||
		    json_object_set_new(g, "ats", ats) == -1)
			return STORE_NOMEM;
	}
	for (i = json_array_size(ats); i > 0 && err == STORE_OK; i--) {
		e = json_array_get(ats, i - 1);
		if (json_integer_value(json_array_get(e, 1)) > now)
			continue;
		if ((h = json_string_value(json_array_get(e, 0))) != NULL) {
			token_key(c, "at:", NULL, h, 1, key);
			err = store_del(s, key);
		}
		json_array_remove(ats, i - 1);
	}
	if (err != STORE_OK)
		return err;

	rec = json_pack("{s:s, s:s, s:s, s:I}", "gid", gid, "uid",
	    oauth_rec_str(g, "uid"), "scope", scope, "exp",
	    (json_int_t)(now + attl));
	token_key(c, "at:", NULL, ah, 1, key);
	err = rec == NULL ? STORE_NOMEM : oauth_rec_put(s, key, rec);
	json_decref(rec);
	if (err != STORE_OK)
		return err;
	rec = json_pack("{s:s, s:I}", "gid", gid, "exp",
	    (json_int_t)(now + idle));
	token_key(c, "rt:", NULL, rh, 1, key);
	err = rec == NULL ? STORE_NOMEM : oauth_rec_put(s, key, rec);
	json_decref(rec);
	if (err != STORE_OK)
		return err;
	if (json_array_append_new(ats, json_pack("[s, I]", ah,
	    (json_int_t)(now + attl))) == -1 ||
	    json_object_set_new(g, "rt", json_string(rh)) == -1 ||
	    json_object_set_new(g, "used", json_integer(now)) == -1 ||
	    json_object_set_new(g, "exp", json_integer(now + idle)) == -1)
		return STORE_NOMEM;
	return STORE_OK;
}

static int
code_checks(const json_t *code, const char *client_id,
    const char *redirect_uri, const char *verifier, struct oauth_fail *f)
{
	const char *cid = oauth_rec_str(code, "cid");
	const char *ruri = oauth_rec_str(code, "ruri");
	const char *cc = oauth_rec_str(code, "cc");
	const char *ccm = oauth_rec_str(code, "ccm");

	if (cid == NULL || !sec_streq(cid, client_id))
		return bad_grant(f, "the authorization code was issued to "
		    "another client");
	/* RFC 6749 4.1.3: required and identical, since we always have one. */
	if (redirect_uri == NULL)
		return fail(f, 400, "invalid_request",
		    "redirect_uri is required");
	if (ruri == NULL || strcmp(ruri, redirect_uri) != 0)
		return bad_grant(f, "redirect_uri differs from the one in the "
		    "authorization request");
	if (cc != NULL) {
		if (verifier == NULL)
			return bad_grant(f, "code_verifier is required");
		if (ccm == NULL || !oauth_pkce_verify(ccm, cc, verifier))
			return bad_grant(f, "code_verifier does not match the "
			    "code challenge");
	} else if (verifier != NULL)
		/* RFC 9700 4.8: a verifier without a challenge is a downgrade. */
		return bad_grant(f, "code_verifier sent but the authorization "
		    "request had no code challenge");
	return 0;
}

int
oauth_code_redeem(const struct config *c, struct store *s, const char *code,
    const char *client_id, const char *redirect_uri, const char *verifier,
    struct oauth_tokens *t, struct oauth_fail *f)
{
	unsigned char	 raw[16];
	char		 key[OAUTH_KEY_MAX], gkey[80], gid[33];
	const char	*uid, *scope;
	json_t		*rec = NULL, *g = NULL;
	struct account	 acct;
	int64_t		 now = now_unix();
	enum store_err	 err;
	int		 rc = -1;

	memset(t, 0, sizeof(*t));
	if (strlen(code) != SEC_TOKEN_LEN)
		return bad_grant(f, "the authorization code is invalid, "
		    "expired or used");
	oauth_key(c, "code:", OAUTH_L_CODE, code, key);
	if ((err = oauth_rec_get(s, key, &rec)) == STORE_NOTFOUND)
		return bad_grant(f, "the authorization code is invalid, "
		    "expired or used");
	if (err != STORE_OK)
		return fail_store(f, err);
	if (json_object_get(rec, "used") != NULL) {
		/* RFC 6749 4.1.2: a replayed code revokes what it made. */
		if (oauth_rec_str(rec, "gid") != NULL &&
		    (err = oauth_grant_revoke(s, oauth_rec_str(rec, "gid"),
		    "authorization code replayed", now)) != STORE_OK)
			rc = fail_store(f, err);
		else
			rc = bad_grant(f, "the authorization code is invalid, "
			    "expired or used");
		goto out;
	}
	if (oauth_rec_int(rec, "exp", 0) <= now) {
		(void)store_del(s, key);
		rc = bad_grant(f, "the authorization code is invalid, "
		    "expired or used");
		goto out;
	}
	if (code_checks(rec, client_id, redirect_uri, verifier, f) == -1)
		goto out;
	uid = oauth_rec_str(rec, "uid");
	scope = oauth_rec_str(rec, "scope");
	/* The account may have been deleted since the code was issued. */
	if (uid == NULL || scope == NULL ||
	    (err = account_load(s, uid, &acct)) == STORE_NOTFOUND) {
		rc = bad_grant(f, "the user of this code no longer exists");
		goto out;
	}
	if (err != STORE_OK) {
		rc = fail_store(f, err);
		goto out;
	}
	account_free(&acct);

	sec_random(raw, sizeof(raw));
	sodium_bin2hex(gid, sizeof(gid), raw, sizeof(raw));
	g = json_pack("{s:s, s:s, s:s, s:I}", "uid", uid, "cid", client_id,
	    "scope", scope, "created", (json_int_t)now);
	if (g == NULL || oauth_grant_key(gid, gkey, sizeof(gkey)) == -1) {
		rc = fail_store(f, STORE_NOMEM);
		goto out;
	}
	if ((err = tokens_issue(c, s, g, gid, scope, now, t)) != STORE_OK ||
	    (err = oauth_rec_put(s, gkey, g)) != STORE_OK ||
	    (err = ugrants_add(s, uid, gid, now)) != STORE_OK) {
		rc = fail_store(f, err);
		goto out;
	}
	/* Keep the code as a tombstone: a second use revokes this grant. */
	if (json_object_set_new(rec, "used", json_integer(now)) == -1 ||
	    json_object_set_new(rec, "gid", json_string(gid)) == -1)
		err = STORE_NOMEM;
	else
		err = oauth_rec_put(s, key, rec);
	if (err != STORE_OK) {
		rc = fail_store(f, err);
		goto out;
	}
	log_msg("oauth: code redeemed for uid %s, grant %s", uid, gid);
	rc = 0;
out:
	if (rc != 0)
		oauth_tokens_free(t);
	json_decref(rec);
	json_decref(g);
	return rc;
}

int
oauth_refresh(const struct config *c, struct store *s, const char *refresh,
    const char *client_id, const char *scope, struct oauth_tokens *t,
    struct oauth_fail *f)
{
	char		 key[OAUTH_KEY_MAX], gkey[80], *want = NULL, *gid = NULL;
	json_t		*rt = NULL, *g = NULL;
	int64_t		 now = now_unix();
	enum store_err	 err;
	int		 rc = -1, unknown;

	memset(t, 0, sizeof(*t));
	if (strlen(refresh) != SEC_TOKEN_LEN)
		return bad_grant(f, "the refresh token is invalid, expired or "
		    "revoked");
	oauth_key(c, "rt:", OAUTH_L_REFRESH, refresh, key);
	if ((err = oauth_rec_get(s, key, &rt)) == STORE_NOTFOUND)
		return bad_grant(f, "the refresh token is invalid, expired or "
		    "revoked");
	if (err != STORE_OK)
		return fail_store(f, err);
	if ((gid = xstrdup(oauth_rec_str(rt, "gid"))) == NULL ||
	    oauth_grant_key(gid, gkey, sizeof(gkey)) == -1 ||
	    (err = oauth_rec_get(s, gkey, &g)) == STORE_NOTFOUND ||
	    (err == STORE_OK && json_object_get(g, "revoked") != NULL)) {
		(void)store_del(s, key);
		rc = bad_grant(f, "the refresh token is invalid, expired or "
		    "revoked");
		goto out;
	}
	if (err != STORE_OK) {
		rc = fail_store(f, err);
		goto out;
	}
	if (json_object_get(rt, "rotated") != NULL) {
		/* RFC 9700 4.14.2: a retired token came back; one of its two
		 * holders is not the client. Revoke the whole family. */
		if ((err = oauth_grant_revoke(s, gid, "refresh token reused",
		    now)) != STORE_OK)
			rc = fail_store(f, err);
		else
			rc = bad_grant(f, "the refresh token is invalid, "
			    "expired or revoked");
		goto out;
	}
	if (oauth_rec_int(rt, "exp", 0) <= now) {
		if ((err = oauth_grant_purge(s, gid)) == STORE_OK)
			err = store_del(s, key);
		rc = err != STORE_OK ? fail_store(f, err) : bad_grant(f,
		    "the refresh token is invalid, expired or revoked");
		goto out;
	}
	if (oauth_rec_str(g, "cid") == NULL ||
	    !sec_streq(oauth_rec_str(g, "cid"), client_id)) {
		rc = bad_grant(f, "the refresh token was issued to another "
		    "client");
		goto out;
	}
	/* RFC 6749 6: the scope may only narrow. */
	if (scope != NULL && *scope != '\0') {
		if ((want = oauth_scope_normalise(scope, &unknown)) == NULL ||
		    !oauth_scope_subset(want, oauth_rec_str(g, "scope") ?
		    oauth_rec_str(g, "scope") : "")) {
			rc = want == NULL && !unknown ? fail_store(f,
			    STORE_NOMEM) : fail(f, 400, "invalid_scope",
			    "the requested scope exceeds the granted scope");
			goto out;
		}
	}
	if (json_object_set_new(rt, "rotated", json_integer(now)) == -1) {
		rc = fail_store(f, STORE_NOMEM);
		goto out;
	}
	if ((err = oauth_rec_put(s, key, rt)) != STORE_OK ||
	    (err = tokens_issue(c, s, g, gid, want ? want :
	    oauth_rec_str(g, "scope"), now, t)) != STORE_OK ||
	    (err = oauth_rec_put(s, gkey, g)) != STORE_OK) {
		rc = fail_store(f, err);
		goto out;
	}
	rc = 0;
out:
	if (rc != 0)
		oauth_tokens_free(t);
	free(want);
	free(gid);
	json_decref(rt);
	json_decref(g);
	return rc;
}

/* The grant id of token record key when the grant belongs to client_id. */
static enum store_err
token_grant(struct store *s, const char *key, const char *client_id,
    char **gid)
{
	char		 gkey[80];
	json_t		*rec, *g;
	enum store_err	 err;

	*gid = NULL;
	if ((err = oauth_rec_get(s, key, &rec)) != STORE_OK)
		return err;
	if (oauth_rec_str(rec, "gid") == NULL ||
	    oauth_grant_key(oauth_rec_str(rec, "gid"), gkey, sizeof(gkey)) ==
	    -1) {
		json_decref(rec);
		return STORE_NOTFOUND;
	}
	if ((err = oauth_rec_get(s, gkey, &g)) == STORE_OK) {
		/* RFC 7009 2.1: only the client the token was issued to. */
		if (oauth_rec_str(g, "cid") != NULL &&
		    sec_streq(oauth_rec_str(g, "cid"), client_id))
			*gid = xstrdup(oauth_rec_str(rec, "gid"));
		else
			err = STORE_NOTFOUND;
		json_decref(g);
	}
	json_decref(rec);
	return err == STORE_OK && *gid == NULL ? STORE_NOMEM : err;
}

enum store_err
oauth_revoke_token(const struct config *c, struct store *s,
    const char *token, const char *hint, const char *client_id)
{
	char		 key[OAUTH_KEY_MAX], *gid;
	int		 refresh_first, i, is_refresh;
	enum store_err	 err;

	if (strlen(token) != SEC_TOKEN_LEN)
		return STORE_OK;
	/* RFC 7009 2.1: the hint orders the lookups; unknown hints are
	 * ignored. */
	refresh_first = hint != NULL && strcmp(hint, "refresh_token") == 0;
	for (i = 0; i < 2; i++) {
		is_refresh = refresh_first ? i == 0 : i == 1;
		if (is_refresh)
			oauth_key(c, "rt:", OAUTH_L_REFRESH, token, key);
		else
			oauth_key(c, "at:", OAUTH_L_ACCESS, token, key);
		err = token_grant(s, key, client_id, &gid);
		if (err == STORE_NOTFOUND)
			continue;
		if (err != STORE_OK)
			return err;
		/* RFC 7009 2.1: a refresh token takes its access tokens
		 * with it; an access token goes alone. */
		err = is_refresh ? oauth_grant_revoke(s, gid,
		    "revoked by the client", now_unix()) : store_del(s, key);
		free(gid);
		return err;
	}
	return STORE_OK;
}

enum store_err
oauth_revoke_user(struct store *s, const char *uid, const char *reason,
    size_t *n)
{
	char		 key[80];
	json_t		*list, *g;
	const char	*gid;
	size_t		 i;
	enum store_err	 err;

	*n = 0;
	if ((err = ugrants_load(s, uid, &list)) != STORE_OK)
		return err == STORE_NOTFOUND ? STORE_OK : err;
	json_array_foreach(list, i, g) {
		if ((gid = json_string_value(g)) == NULL ||
		    oauth_grant_key(gid, key, sizeof(key)) == -1)
			continue;
		json_t *rec;
		if ((err = oauth_rec_get(s, key, &rec)) == STORE_NOTFOUND)
			continue;
		if (err != STORE_OK)
			break;
		if (json_object_get(rec, "revoked") == NULL) {
			err = oauth_grant_revoke(s, gid, reason, now_unix());
			(*n)++;
		}
		json_decref(rec);
		if (err != STORE_OK)
			break;
	}
	json_decref(list);
	return err == STORE_NOTFOUND ? STORE_OK : err;
}

enum store_err
oauth_forget_user(struct store *s, const char *uid)
{
	char		 key[80];
	json_t		*list, *g, *rec;
	const char	*gid;
	size_t		 i;
	enum store_err	 err;

	if ((err = ugrants_load(s, uid, &list)) != STORE_OK)
		return err == STORE_NOTFOUND ? STORE_OK : err;
	json_array_foreach(list, i, g) {
		if ((gid = json_string_value(g)) == NULL ||
		    oauth_grant_key(gid, key, sizeof(key)) == -1)
			continue;
		if ((err = oauth_rec_get(s, key, &rec)) == STORE_NOTFOUND)
			continue;
		if (err != STORE_OK)
			break;
		err = grant_delete(s, gid, rec);
		json_decref(rec);
		if (err != STORE_OK)
			break;
	}
	json_decref(list);
	if (err == STORE_OK || err == STORE_NOTFOUND) {
		json_t *empty = json_array();
		err = empty ? ugrants_save(s, uid, empty) : STORE_NOMEM;
		json_decref(empty);
	}
	return err;
}

static void
copy_str(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

enum store_err
oauth_grants_list(struct store *s, const char *uid,
    void (*fn)(void *, const struct oauth_grant_info *), void *ctx)
{
	struct oauth_grant_info	 gi;
	char			 key[80];
	json_t			*list, *g, *rec, *e;
	const char		*gid;
	size_t			 i, k;
	int64_t			 now = now_unix();
	enum store_err		 err;

	if ((err = ugrants_load(s, uid, &list)) != STORE_OK)
		return err == STORE_NOTFOUND ? STORE_OK : err;
	json_array_foreach(list, i, g) {
		if ((gid = json_string_value(g)) == NULL ||
		    oauth_grant_key(gid, key, sizeof(key)) == -1)
			continue;
		if ((err = oauth_rec_get(s, key, &rec)) == STORE_NOTFOUND)
			continue;
		if (err != STORE_OK)
			break;
		memset(&gi, 0, sizeof(gi));
		copy_str(gi.gid, sizeof(gi.gid), gid);
		copy_str(gi.client_id, sizeof(gi.client_id),
		    oauth_rec_str(rec, "cid"));
		copy_str(gi.scope, sizeof(gi.scope), oauth_rec_str(rec, "scope"));
		copy_str(gi.reason, sizeof(gi.reason),
		    oauth_rec_str(rec, "reason"));
		gi.created = oauth_rec_int(rec, "created", 0);
		gi.used = oauth_rec_int(rec, "used", 0);
		gi.exp = oauth_rec_int(rec, "exp", 0);
		gi.revoked = oauth_rec_int(rec, "revoked", 0);
		json_array_foreach(json_object_get(rec, "ats"), k, e)
			if (json_integer_value(json_array_get(e, 1)) > now)
				gi.live_access++;
		fn(ctx, &gi);
		json_decref(rec);
	}
	json_decref(list);
	return err == STORE_NOTFOUND ? STORE_OK : err;
}
