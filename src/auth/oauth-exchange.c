/*
 * oauth-exchange: what the token endpoint does with a code or a refresh
 * token, and RFC 7009 revocation. Each runs in the caller's exclusive
 * store session: check, retire and issue happen all at once or not at all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth/account.h"
#include "auth/oauth-impl.h"
#include "lib/clock.h"
#include "lib/log.h"

static int
fail(struct oauth_fail *f, int status, const char *error, const char *desc)
{
	f->status = status;
	f->error = error;
	f->desc = desc;
	return -1;
}

static int
fail_store(struct oauth_fail *f, enum omi_err err)
{
	log_msg("oauth: store: %s", omi_strerror(err));
	f->err = err;
	return fail(f, 503, "server_error",
	    "the token store is unavailable; try again later");
}

static int
bad_grant(struct oauth_fail *f, const char *desc)
{
	return fail(f, 400, "invalid_grant", desc);
}

/*
 * The resources of a new access token: what the request asks (want, 0
 * for none) within what was granted (have, 0 for unbound). Returns 0 with
 * *res set, or -1 with f filled (RFC 8707 2.2: invalid_target).
 */
static int
resource_narrow(int64_t want, int64_t have, int64_t *res,
    struct oauth_fail *f)
{
	if (want != 0 && have != 0 && (want & ~have) != 0)
		return fail(f, 400, "invalid_target", "the requested resource "
		    "was not part of the authorization");
	*res = want != 0 ? want : have;
	return 0;
}

static int
code_checks(const struct oauth_code_rec *code, const char *client_id,
    const char *redirect_uri, const char *verifier, struct oauth_fail *f)
{
	const char *cid = code->cid, *ruri = code->ruri;
	const char *cc = code->cc, *ccm = code->ccm;

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
    int64_t res, struct oauth_tokens *t, struct oauth_fail *f)
{
	unsigned char		 raw[16];
	char			 key[OAUTH_KEY_MAX], gkey[80], gid[33];
	struct oauth_code_rec	 rec;
	struct oauth_grant_rec	 g;
	struct account		 acct;
	int64_t			 now = now_unix();
	enum omi_err		 err;
	int			 rc = -1;
	int64_t			 at_res;
	int			 configured = c->client_id != NULL &&
	    sec_streq(client_id, c->client_id);

	memset(t, 0, sizeof(*t));
	memset(&g, 0, sizeof(g));
	if (strlen(code) != SEC_TOKEN_LEN)
		return bad_grant(f, "the authorization code is invalid, "
		    "expired or used");
	oauth_key(c, "code:", OAUTH_L_CODE, code, key);
	if ((err = oauth_code_load(s, key, &rec)) == OMI_NOTFOUND)
		return bad_grant(f, "the authorization code is invalid, "
		    "expired or used");
	if (err != OMI_OK)
		return fail_store(f, err);
	if (rec.used != 0) {
		/* RFC 6749 4.1.2: a replayed code revokes what it made. */
		if (rec.gid != NULL && (err = oauth_grant_revoke(s, rec.gid,
		    "authorization code replayed", now)) != OMI_OK)
			rc = fail_store(f, err);
		else
			rc = bad_grant(f, "the authorization code is invalid, "
			    "expired or used");
		goto out;
	}
	if (rec.exp <= now) {
		(void)store_del(s, key);
		rc = bad_grant(f, "the authorization code is invalid, "
		    "expired or used");
		goto out;
	}
	if (code_checks(&rec, client_id, redirect_uri, verifier, f) == -1 ||
	    resource_narrow(res, rec.res, &at_res, f) == -1)
		goto out;
	/* A registered (MCP) client's code always carries an S256
	 * challenge; authorize refuses others, and this holds if it did not. */
	if (!configured && (rec.cc == NULL || rec.ccm == NULL ||
	    strcmp(rec.ccm, "S256") != 0)) {
		rc = bad_grant(f, "the authorization code has no S256 code "
		    "challenge");
		goto out;
	}
	/* RFC 9700 2.1: a code sent to another GPT than the pinned one (two
	 * GPTs may both hold codes before the first exchange pins one). The
	 * pin is the configured client's; a registered one has exact URIs. */
	if (configured && (err = oauth_pin_check(c, s, redirect_uri)) !=
	    OMI_OK) {
		rc = err == OMI_NOTFOUND ? bad_grant(f, "the authorization "
		    "code was issued for another GPT") : fail_store(f, err);
		goto out;
	}
	/* The account may have been deleted since the code was issued. */
	if (rec.uid == NULL || rec.scope == NULL ||
	    (err = account_load(s, rec.uid, &acct)) == OMI_NOTFOUND) {
		rc = bad_grant(f, "the user of this code no longer exists");
		goto out;
	}
	if (err != OMI_OK) {
		rc = fail_store(f, err);
		goto out;
	}
	account_free(&acct);

	sec_random(raw, sizeof(raw));
	sodium_bin2hex(gid, sizeof(gid), raw, sizeof(raw));
	g.uid = rec.uid;
	g.cid = client_id;
	g.scope = rec.scope;
	g.res = rec.res;
	g.created = now;
	if (oauth_grant_key(gid, gkey, sizeof(gkey)) != OMI_OK) {
		rc = fail_store(f, OMI_ERROR);
		goto out;
	}
	if ((err = oauth_tokens_issue(c, s, &g, gid, NULL, rec.scope, at_res,
	    now, t)) != OMI_OK ||
	    (err = oauth_grant_save(s, gkey, &g)) != OMI_OK ||
	    (err = oauth_ugrants_add(s, rec.uid, gid, now)) != OMI_OK) {
		rc = fail_store(f, err);
		goto out;
	}
	/* Keep the code as a tombstone: a second use revokes this grant. */
	rec.used = now;
	rec.gid = gid;
	err = oauth_code_save(s, key, &rec);
	/* Trust on first use: this exchange had the client secret. */
	if (err == OMI_OK && configured)
		err = oauth_pin_set(c, s, redirect_uri, now);
	if (err != OMI_OK) {
		rc = fail_store(f, err);
		goto out;
	}
	log_msg("oauth: code redeemed for uid %s, grant %s", rec.uid, gid);
	rc = 0;
out:
	if (rc != 0)
		oauth_tokens_free(t);
	oauth_code_free(&rec);
	oauth_grant_free(&g);
	return rc;
}

int
oauth_refresh(const struct config *c, struct store *s, const char *refresh,
    const char *client_id, const char *scope, int64_t res,
    struct oauth_tokens *t, struct oauth_fail *f)
{
	char			 key[OAUTH_KEY_MAX], gkey[80], *want = NULL;
	char			 family[SEC_TOKEN_LEN + 1], h[SEC_HASH_HEX + 1];
	struct oauth_rt_rec	 rt;
	struct oauth_grant_rec	 g;
	int64_t			 now = now_unix(), at_res;
	enum omi_err		 err;
	int			 rc = -1, unknown, fam, reused;

	memset(t, 0, sizeof(*t));
	memset(&g, 0, sizeof(g));
	if ((fam = oauth_refresh_key(c, refresh, key, family)) == -1)
		return bad_grant(f, "the refresh token is invalid, expired or "
		    "revoked");
	if ((err = oauth_rt_load(s, key, &rt)) == OMI_NOTFOUND)
		return bad_grant(f, "the refresh token is invalid, expired or "
		    "revoked");
	if (err != OMI_OK)
		return fail_store(f, err);
	if (rt.gid == NULL ||
	    oauth_grant_key(rt.gid, gkey, sizeof(gkey)) != OMI_OK ||
	    (err = oauth_grant_load(s, gkey, &g)) == OMI_NOTFOUND ||
	    (err == OMI_OK && g.revoked != 0)) {
		(void)store_del(s, key);
		rc = bad_grant(f, "the refresh token is invalid, expired or "
		    "revoked");
		goto out;
	}
	if (err != OMI_OK) {
		rc = fail_store(f, err);
		goto out;
	}
	/*
	 * RFC 9700 4.14.2: a retired token came back; one of its two holders
	 * is not the client. Revoke the whole family. A token of this version
	 * is retired when its family's record holds another token's hash.
	 * One of an older version is retired when the grant names another
	 * record as its current one ("rt"), or when its record carries
	 * "rotated" (older still). (Every live grant names its record.)
	 */
	reused = rt.rotated || (g.rt[0] != '\0' && !sec_streq(g.rt, key + 3));
	if (fam == 1) {
		sec_keyed_hash(c->key, OAUTH_L_REFRESH, refresh,
		    OAUTH_REFRESH_LEN, h);
		reused |= rt.h == NULL || !sec_streq(rt.h, h);
	}
	if (reused) {
		if ((err = oauth_grant_revoke(s, rt.gid, "refresh token reused",
		    now)) != OMI_OK)
			rc = fail_store(f, err);
		else
			rc = bad_grant(f, "the refresh token is invalid, "
			    "expired or revoked");
		goto out;
	}
	if (rt.exp <= now) {
		if ((err = oauth_grant_purge(s, rt.gid)) == OMI_OK)
			err = store_del(s, key);
		rc = err != OMI_OK ? fail_store(f, err) : bad_grant(f,
		    "the refresh token is invalid, expired or revoked");
		goto out;
	}
	if (g.cid == NULL || !sec_streq(g.cid, client_id)) {
		rc = bad_grant(f, "the refresh token was issued to another "
		    "client");
		goto out;
	}
	/* RFC 6749 6: the scope may only narrow. */
	if (scope != NULL && *scope != '\0') {
		if ((want = oauth_scope_normalise(scope, &unknown)) == NULL ||
		    !oauth_scope_subset(want, g.scope ? g.scope : "")) {
			rc = want == NULL && !unknown ? fail_store(f,
			    OMI_NOMEM) : fail(f, 400, "invalid_scope",
			    "the requested scope exceeds the granted scope");
			goto out;
		}
	}
	if (resource_narrow(res, g.res, &at_res, f) == -1)
		goto out;
	/* A token of an older version starts the grant's family; its own
	 * record stays, retired, until it expires. */
	if ((err = oauth_tokens_issue(c, s, &g, rt.gid, family, want ? want :
	    g.scope, at_res, now, t)) != OMI_OK ||
	    (err = oauth_grant_save(s, gkey, &g)) != OMI_OK) {
		rc = fail_store(f, err);
		goto out;
	}
	rc = 0;
out:
	if (rc != 0)
		oauth_tokens_free(t);
	sodium_memzero(family, sizeof(family));
	free(want);
	oauth_rt_free(&rt);
	oauth_grant_free(&g);
	return rc;
}

/* The grant id of token record key (a refresh token's when is_refresh,
 * else an access token's) when the grant belongs to client_id. */
static enum omi_err
token_grant(struct store *s, const char *key, int is_refresh,
    const char *client_id, char **gid)
{
	char			 gkey[80];
	struct oauth_at_rec	 at;
	struct oauth_rt_rec	 rt;
	struct oauth_grant_rec	 g;
	const char		*id;
	enum omi_err		 err;

	*gid = NULL;
	memset(&at, 0, sizeof(at));
	memset(&rt, 0, sizeof(rt));
	err = is_refresh ? oauth_rt_load(s, key, &rt) :
	    oauth_at_load(s, key, &at);
	id = is_refresh ? rt.gid : at.gid;
	if (err == OMI_OK && (id == NULL ||
	    oauth_grant_key(id, gkey, sizeof(gkey)) != OMI_OK))
		err = OMI_NOTFOUND;
	if (err == OMI_OK && (err = oauth_grant_load(s, gkey, &g)) ==
	    OMI_OK) {
		/* RFC 7009 2.1: only the client the token was issued to. */
		if (g.cid != NULL && sec_streq(g.cid, client_id))
			err = (*gid = strdup(id)) == NULL ? OMI_NOMEM : OMI_OK;
		else
			err = OMI_NOTFOUND;
		oauth_grant_free(&g);
	}
	oauth_at_free(&at);
	oauth_rt_free(&rt);
	return err;
}

enum omi_err
oauth_revoke_token(const struct config *c, struct store *s,
    const char *token, const char *hint, const char *client_id)
{
	char		 key[OAUTH_KEY_MAX], family[SEC_TOKEN_LEN + 1], *gid;
	int		 refresh_first, i, is_refresh;
	enum omi_err	 err;

	/* RFC 7009 2.1: the hint orders the lookups; unknown hints are
	 * ignored. */
	refresh_first = hint != NULL && strcmp(hint, "refresh_token") == 0;
	for (i = 0; i < 2; i++) {
		is_refresh = refresh_first ? i == 0 : i == 1;
		/* Any token of a family revokes it: a retired one came
		 * from the client too, or from whoever took it. */
		if (is_refresh) {
			if (oauth_refresh_key(c, token, key, family) == -1)
				continue;
		} else if (strlen(token) == SEC_TOKEN_LEN)
			oauth_key(c, "at:", OAUTH_L_ACCESS, token, key);
		else
			continue;
		err = token_grant(s, key, is_refresh, client_id, &gid);
		if (err == OMI_NOTFOUND)
			continue;
		if (err != OMI_OK)
			return err;
		/* RFC 7009 2.1: a refresh token takes its access tokens
		 * with it; an access token goes alone. */
		err = is_refresh ? oauth_grant_revoke(s, gid,
		    "revoked by the client", now_unix()) : store_del(s, key);
		free(gid);
		return err;
	}
	return OMI_OK;
}
