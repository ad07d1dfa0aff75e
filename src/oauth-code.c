/*
 * oauth-code: pending authorization requests (the state between showing
 * the consent page and its POST) and issuing authorization codes. A
 * pending request is found by the keyed hash of the form's hidden handle
 * and is honoured only when the browser also presents the cookie it was
 * bound to, so a cross-site POST cannot use someone else's request (RFC
 * 6749 10.12).
 */
#include <stdlib.h>
#include <string.h>

#include "oauth-impl.h"
#include "record.h"
#include "util.h"

void
oauth_request_free(struct oauth_request *r)
{
	free(r->client_id);
	free(r->redirect_uri);
	free(r->scope);
	free(r->state);
	free(r->challenge);
	free(r->method);
	memset(r, 0, sizeof(*r));
}

/* The request's members as a new JSON object, or NULL. */
static json_t *
request_json(const struct oauth_request *r)
{
	json_t *j;

	j = json_pack("{s:s, s:s, s:s, s:I}", "cid", r->client_id,
	    "ruri", r->redirect_uri, "scope", r->scope, "exp",
	    (json_int_t)r->exp);
	if (j == NULL)
		return NULL;
	if ((r->state != NULL && json_object_set_new(j, "state",
	    json_string(r->state)) == -1) ||
	    (r->challenge != NULL && (json_object_set_new(j, "cc",
	    json_string(r->challenge)) == -1 || json_object_set_new(j, "ccm",
	    json_string(r->method)) == -1))) {
		json_decref(j);
		return NULL;
	}
	return j;
}

static int
request_from_json(const json_t *j, struct oauth_request *r)
{
	memset(r, 0, sizeof(*r));
	r->client_id = xstrdup(oauth_rec_str(j, "cid"));
	r->redirect_uri = xstrdup(oauth_rec_str(j, "ruri"));
	r->scope = xstrdup(oauth_rec_str(j, "scope"));
	r->state = xstrdup(oauth_rec_str(j, "state"));
	r->challenge = xstrdup(oauth_rec_str(j, "cc"));
	r->method = xstrdup(oauth_rec_str(j, "ccm"));
	r->exp = oauth_rec_int(j, "exp", 0);
	if (r->client_id == NULL || r->redirect_uri == NULL ||
	    r->scope == NULL || (oauth_rec_str(j, "state") && !r->state) ||
	    (r->challenge == NULL) != (r->method == NULL)) {
		oauth_request_free(r);
		return -1;
	}
	return 0;
}

enum store_err
oauth_pending_put(const struct config *c, struct store *s,
    const struct oauth_request *r, const char *cookie, char *handle)
{
	char		 key[OAUTH_KEY_MAX], ck[SEC_HASH_HEX + 1];
	json_t		*j;
	enum store_err	 err;

	sec_token(handle);
	oauth_key(c, "pend:", OAUTH_L_PENDING, handle, key);
	sec_keyed_hash(c->key, OAUTH_L_COOKIE, cookie, strlen(cookie), ck);
	if ((j = request_json(r)) == NULL ||
	    json_object_set_new(j, "ck", json_string(ck)) == -1)
		err = STORE_NOMEM;
	else
		err = record_put(s, key, j);
	json_decref(j);
	return err;
}

enum store_err
oauth_pending_get(const struct config *c, struct store *s,
    const char *handle, const char *cookie, struct oauth_request *r)
{
	char		 key[OAUTH_KEY_MAX], ck[SEC_HASH_HEX + 1];
	const char	*stored;
	json_t		*j;
	enum store_err	 err;

	memset(r, 0, sizeof(*r));
	if (strlen(handle) != SEC_TOKEN_LEN)
		return STORE_NOTFOUND;
	oauth_key(c, "pend:", OAUTH_L_PENDING, handle, key);
	if ((err = oauth_rec_get(s, key, &j)) != STORE_OK)
		return err;
	if (oauth_rec_int(j, "exp", 0) <= now_unix()) {
		(void)store_del(s, key);	/* fails harmlessly when reading */
		err = STORE_NOTFOUND;
		goto out;
	}
	/* The cookie's hash is compared, so its timing tells nothing. */
	stored = oauth_rec_str(j, "ck");
	if (cookie != NULL)
		sec_keyed_hash(c->key, OAUTH_L_COOKIE, cookie, strlen(cookie),
		    ck);
	if (cookie == NULL || stored == NULL || !sec_streq(ck, stored)) {
		err = STORE_NOTFOUND;
		goto out;
	}
	err = request_from_json(j, r) == 0 ? STORE_OK : STORE_CORRUPT;
out:
	json_decref(j);
	return err;
}

enum store_err
oauth_pending_del(const struct config *c, struct store *s,
    const char *handle)
{
	char key[OAUTH_KEY_MAX];

	oauth_key(c, "pend:", OAUTH_L_PENDING, handle, key);
	return store_del(s, key);
}

enum store_err
oauth_code_issue(const struct config *c, struct store *s,
    const struct oauth_request *r, const char *uid, char *code)
{
	struct oauth_request	 cr = *r;
	char			 key[OAUTH_KEY_MAX];
	json_t			*j;
	enum store_err		 err;

	/* The state stays with the client; the code does not need it. */
	cr.state = NULL;
	cr.exp = now_unix() + oauth_code_ttl(c);
	sec_token(code);
	oauth_key(c, "code:", OAUTH_L_CODE, code, key);
	if ((j = request_json(&cr)) == NULL ||
	    json_object_set_new(j, "uid", json_string(uid)) == -1)
		err = STORE_NOMEM;
	else
		err = record_put(s, key, j);
	json_decref(j);
	return err;
}
