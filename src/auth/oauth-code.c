/*
 * oauth-code: pending authorization requests (the state between showing
 * the consent page and its POST) and issuing authorization codes. A
 * pending request travels in the form's hidden handle, sealed with a keyed
 * hash, so showing the page writes nothing: an anonymous visitor can make
 * the server neither sync the disk nor grow the database. The handle is
 * honoured only with the cookie it was bound to, so a cross-site POST
 * cannot use someone else's request (RFC 6749 10.12), and once only: the
 * POST that uses it records its id as spent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth/oauth-impl.h"
#include "lib/buf.h"
#include "lib/clock.h"
#include "lib/text.h"

void
oauth_request_free(struct oauth_request *r)
{
	free(r->client_id);
	free(r->redirect_uri);
	free(r->scope);
	free(r->state);
	free(r->challenge);
	free(r->method);
	free(r->client_name);
	memset(r, 0, sizeof(*r));
}

/* The request as the handle carries it: a record that is never stored but
 * goes through the same codec (oauth-rec.c). */
struct pending_rec {
	const char	*cid, *ruri, *scope, *state, *cc, *ccm;
	int64_t		 exp, res;
};

#define P(m, t)	OAUTH_FIELD(struct pending_rec, m, t)

static const struct oauth_field pending_fields[] = {
	P(cid, OAUTH_F_STR), P(ruri, OAUTH_F_STR), P(scope, OAUTH_F_STR),
	P(exp, OAUTH_F_INT), P(state, OAUTH_F_STR), P(cc, OAUTH_F_STR),
	P(ccm, OAUTH_F_STR), P(res, OAUTH_F_INT), { NULL, 0, 0 }
};

/* The request's members as a new JSON object, or NULL. */
static json_t *
request_json(const struct oauth_request *r)
{
	struct pending_rec p = { r->client_id, r->redirect_uri, r->scope,
	    r->state, r->challenge, r->challenge ? r->method : NULL, r->exp,
	    r->res };

	return oauth_rec_encode(pending_fields, &p);
}

/* The request of a handle's JSON: OMI_INVALID when it lacks a member or
 * one has the wrong type, OMI_NOMEM when a copy failed. */
static enum omi_err
request_from_json(const json_t *j, struct oauth_request *r)
{
	struct pending_rec p;

	memset(r, 0, sizeof(*r));
	memset(&p, 0, sizeof(p));
	if (oauth_rec_decode(j, pending_fields, &p) != OMI_OK ||
	    p.cid == NULL || p.ruri == NULL || p.scope == NULL ||
	    (p.cc == NULL) != (p.ccm == NULL))
		return OMI_INVALID;
	r->client_id = xstrdup(p.cid);
	r->redirect_uri = xstrdup(p.ruri);
	r->scope = xstrdup(p.scope);
	r->state = xstrdup(p.state);
	r->challenge = xstrdup(p.cc);
	r->method = xstrdup(p.ccm);
	r->exp = p.exp;
	r->res = p.res & OAUTH_RES_ALL;
	if (r->client_id == NULL || r->redirect_uri == NULL ||
	    r->scope == NULL || (p.state && !r->state) ||
	    (p.cc && (!r->challenge || !r->method))) {
		oauth_request_free(r);
		return OMI_NOMEM;
	}
	return OMI_OK;
}

/*
 * A handle is "id.body.mac": a random id (what makes it single-use), the
 * request as base64url JSON, and the keyed hash of id, the browser's
 * cookie and body. Nothing of it is secret (the request came in the page's
 * own URL); the hash keeps it from being changed or moved to another
 * browser, and only this server can make one.
 */
#define PENDING_BODY_MAX	65536	/* the form's POST is 64 KB at most */

static int
pending_mac(const struct config *c, const char *id, const char *cookie,
    const char *body, size_t blen, char *mac)
{
	struct buf b = { 0 };

	/* The NULs keep the three parts apart. */
	buf_puts(&b, id);
	buf_putc(&b, '\0');
	buf_puts(&b, cookie);
	buf_putc(&b, '\0');
	buf_append(&b, body, blen);
	if (!b.failed)
		sec_keyed_hash(c->key, OAUTH_L_SEAL, b.data, b.len, mac);
	buf_free(&b);
	return b.failed ? -1 : 0;
}

char *
oauth_pending_seal(const struct config *c, const struct oauth_request *r,
    const char *cookie)
{
	char	 id[SEC_TOKEN_LEN + 1], mac[SEC_HASH_HEX + 1];
	char	*doc = NULL, *out = NULL, *body = NULL;
	json_t	*j;
	size_t	 blen;

	if ((j = request_json(r)) == NULL ||
	    (doc = json_dumps(j, JSON_COMPACT)) == NULL)
		goto out;
	blen = sodium_base64_ENCODED_LEN(strlen(doc),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	if ((body = malloc(blen)) == NULL)
		goto out;
	sec_b64url(body, blen, doc, strlen(doc));
	sec_token(id);
	if (pending_mac(c, id, cookie, body, strlen(body), mac) == -1 ||
	    asprintf(&out, "%s.%s.%s", id, body, mac) == -1)
		out = NULL;
out:
	json_decref(j);
	free(doc);
	free(body);
	return out;
}

/* The handle's parts: 0, or -1 when it is not shaped like one. */
static int
pending_split(const char *handle, const char **body, size_t *blen,
    const char **mac)
{
	size_t n = strlen(handle);

	if (n < SEC_TOKEN_LEN + 2 + SEC_HASH_HEX ||
	    n > SEC_TOKEN_LEN + 2 + PENDING_BODY_MAX + SEC_HASH_HEX ||
	    handle[SEC_TOKEN_LEN] != '.' || handle[n - SEC_HASH_HEX - 1] != '.')
		return -1;
	*body = handle + SEC_TOKEN_LEN + 1;
	*blen = n - SEC_TOKEN_LEN - 2 - SEC_HASH_HEX;
	*mac = handle + n - SEC_HASH_HEX;
	return 0;
}

/* The handle's id, its first SEC_TOKEN_LEN characters (checked by
 * pending_split() or oauth_pending_get()). */
static void
pending_id(const char *handle, char *id)
{
	memcpy(id, handle, SEC_TOKEN_LEN);
	id[SEC_TOKEN_LEN] = '\0';
}

/* The key of the record that marks handle's id spent. */
static void
spent_key(const struct config *c, const char *handle, char *key)
{
	char id[SEC_TOKEN_LEN + 1];

	pending_id(handle, id);
	oauth_key(c, "spent:", OAUTH_L_PENDING, id, key);
}

enum omi_err
oauth_pending_unspent(const struct config *c, struct store *s,
    const char *handle)
{
	char		 key[OAUTH_KEY_MAX], *v = NULL;
	enum omi_err	 err;

	spent_key(c, handle, key);
	err = store_get(s, key, &v, NULL);
	free(v);
	return err == OMI_OK ? OMI_NOTFOUND :
	    err == OMI_NOTFOUND ? OMI_OK : err;
}

enum omi_err
oauth_pending_get(const struct config *c, struct store *s,
    const char *handle, const char *cookie, struct oauth_request *r)
{
	char		 id[SEC_TOKEN_LEN + 1], mac[SEC_HASH_HEX + 1];
	char		*doc = NULL;
	const char	*body, *hmac;
	size_t		 blen, dlen;
	json_t		*j = NULL;
	enum omi_err	 err = OMI_NOTFOUND;

	memset(r, 0, sizeof(*r));
	if (cookie == NULL || pending_split(handle, &body, &blen, &hmac) == -1)
		return OMI_NOTFOUND;
	pending_id(handle, id);
	if (pending_mac(c, id, cookie, body, blen, mac) == -1)
		return OMI_NOMEM;
	/* Compared in constant time: the mac is what a forger would guess. */
	if (!sec_streq(mac, hmac))
		return OMI_NOTFOUND;
	if ((doc = malloc(blen + 1)) == NULL)
		return OMI_NOMEM;
	if (sodium_base642bin((unsigned char *)doc, blen, body, blen, NULL,
	    &dlen, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    (j = json_loadb(doc, dlen, JSON_REJECT_DUPLICATES, NULL)) == NULL ||
	    (err = request_from_json(j, r)) == OMI_INVALID) {
		/* This server made it: only a change of format gets here. */
		err = OMI_NOTFOUND;
		goto out;
	}
	if (err != OMI_OK)
		goto out;
	if (r->exp <= now_unix()) {
		err = OMI_NOTFOUND;
		goto out;
	}
	err = s != NULL ? oauth_pending_unspent(c, s, handle) : OMI_OK;
out:
	if (err != OMI_OK)
		oauth_request_free(r);
	json_decref(j);
	free(doc);
	return err;
}

enum omi_err
oauth_pending_spend(const struct config *c, struct store *s,
    const char *handle, const struct oauth_request *r)
{
	char			 key[OAUTH_KEY_MAX];
	struct oauth_spent_rec	 sp = { r->exp, NULL };

	spent_key(c, handle, key);
	return oauth_spent_save(s, key, &sp);
}

enum omi_err
oauth_code_issue(const struct config *c, struct store *s,
    const struct oauth_request *r, const char *uid, char *code)
{
	char			 key[OAUTH_KEY_MAX];
	struct oauth_code_rec	 cr;

	/* The state stays with the client; the code does not need it. */
	memset(&cr, 0, sizeof(cr));
	cr.cid = r->client_id;
	cr.ruri = r->redirect_uri;
	cr.scope = r->scope;
	cr.uid = uid;
	if (r->challenge != NULL) {
		cr.cc = r->challenge;
		cr.ccm = r->method;
	}
	cr.res = r->res;
	cr.exp = now_unix() + oauth_code_ttl(c);
	sec_token(code);
	oauth_key(c, "code:", OAUTH_L_CODE, code, key);
	return oauth_code_save(s, key, &cr);
}

struct forget_codes {
	struct store	*s;
	const char	*uid;
	enum omi_err	 err;
};

static int
forget_code(void *ctx, const char *key)
{
	struct forget_codes	*f = ctx;
	struct oauth_code_rec	 r;

	if (oauth_code_load(f->s, key, &r) != OMI_OK)
		return 0;
	if (r.uid != NULL && strcmp(r.uid, f->uid) == 0)
		f->err = store_del(f->s, key);
	oauth_code_free(&r);
	return f->err != OMI_OK;
}

enum omi_err
oauth_forget_sign_ins(const struct config *c, struct store *s,
    const char *uid)
{
	struct forget_codes	 f = { s, uid, OMI_OK };
	char			 key[OAUTH_KEY_MAX];
	enum omi_err		 err;

	oauth_key(c, "fail:", OAUTH_L_FAIL, uid, key);
	if ((err = store_del(s, key)) != OMI_OK)
		return err;
	if ((err = store_foreach(s, "code:", forget_code, &f)) != OMI_OK)
		return err;
	return f.err;
}
