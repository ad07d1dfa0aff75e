/*
 * oauth: the bearer-token check, scopes and the key helpers the other
 * oauth-*.c files share (see oauth.h for the key layout).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/oauth-impl.h"
#include "http/cgi.h"
#include "lib/buf.h"
#include "lib/clock.h"
#include "lib/text.h"

void
oauth_key(const struct config *c, const char *prefix, const char *label,
    const char *secret, char *key)
{
	char h[SEC_HASH_HEX + 1];

	sec_keyed_hash(c->key, label, secret, strlen(secret), h);
	snprintf(key, OAUTH_KEY_MAX, "%s%s", prefix, h);
}

enum omi_err
oauth_grant_key(const char *gid, char *key, size_t n)
{
	int k = snprintf(key, n, "grant:%s", gid);

	return k < 0 || (size_t)k >= n || !valid_ident(gid, 64) ?
	    OMI_INVALID : OMI_OK;
}

enum omi_err
oauth_ugrants_key(const char *uid, char *key, size_t n)
{
	int k = snprintf(key, n, "ugrants:%s", uid);

	return k < 0 || (size_t)k >= n || !valid_ident(uid, 128) ?
	    OMI_INVALID : OMI_OK;
}

int64_t
oauth_code_ttl(const struct config *c)
{
	if (c->code_ttl <= 0 || c->code_ttl > OAUTH_CODE_TTL_MAX)
		return OAUTH_CODE_TTL_MAX;
	return c->code_ttl;
}

/* Scopes ----------------------------------------------------------------- */

static const char *const known_scopes[] = { OAUTH_SCOPE_READ, NULL };

static int
scope_known(const char *s, size_t n)
{
	size_t i;

	for (i = 0; known_scopes[i] != NULL; i++)
		if (strlen(known_scopes[i]) == n &&
		    memcmp(known_scopes[i], s, n) == 0)
			return 1;
	return 0;
}

/* 1 when the scope list (NULL for none) has the entry s (n bytes). */
static int
scope_has(const char *list, const char *s, size_t n)
{
	size_t k;

	while (list != NULL && *list != '\0') {
		list += strspn(list, " ");
		k = strcspn(list, " ");
		if (k == n && memcmp(list, s, n) == 0)
			return 1;
		list += k;
	}
	return 0;
}

char *
oauth_scope_normalise(const char *req, int *unknown)
{
	struct buf	 b = { 0 };
	const char	*p;
	size_t		 i, n;

	*unknown = 0;
	if (req == NULL || req[strspn(req, " ")] == '\0')
		return strdup(OAUTH_SCOPE_READ);
	/* RFC 6749 3.3: space-delimited, case-sensitive entries. */
	for (p = req; *p != '\0'; p += n) {
		p += strspn(p, " ");
		n = strcspn(p, " ");
		if (n > 0 && !scope_known(p, n)) {
			*unknown = 1;
			return NULL;
		}
	}
	/* Canonical: known scopes in table order, each once. */
	for (i = 0; known_scopes[i] != NULL; i++) {
		if (!scope_has(req, known_scopes[i], strlen(known_scopes[i])))
			continue;
		if (b.len > 0)
			buf_putc(&b, ' ');
		buf_puts(&b, known_scopes[i]);
	}
	return buf_take(&b);
}

int
oauth_scope_subset(const char *want, const char *have)
{
	size_t n;

	while (*want != '\0') {
		want += strspn(want, " ");
		if ((n = strcspn(want, " ")) > 0 && !scope_has(have, want, n))
			return 0;
		want += n;
	}
	return 1;
}

/* Bearer tokens (RFC 6750) ----------------------------------------------- */

/* The resource bits of one resource URI, 0 when it is not ours. */
static int64_t
resource_bits(const char *base, const char *uri)
{
	static const struct {
		const char	*path;
		int64_t		 bits;
	} t[] = {
		{ "", OAUTH_RES_ALL }, { "/", OAUTH_RES_ALL },
		{ "/mcp", OAUTH_RES_MCP },
		{ "/api", OAUTH_RES_API }, { "/api/conversations", OAUTH_RES_API },
	};
	size_t	 i, n;

	/* RFC 8707 2: an absolute URI without a fragment; compared as
	 * strings with the configured base (never with Host). */
	n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		n--;
	if (n == 0 || strncmp(uri, base, n) != 0)
		return 0;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(uri + n, t[i].path) == 0)
			return t[i].bits;
	return 0;
}

int
oauth_resource_parse(const struct config *c, const struct params *p,
    int64_t *res)
{
	int64_t	 bits;
	size_t	 i;

	*res = 0;
	for (i = 0; i < p->n; i++) {
		if (strcmp(p->v[i].name, "resource") != 0)
			continue;
		if (c->base_url == NULL || (bits = resource_bits(c->base_url,
		    p->v[i].value)) == 0)
			return -1;
		*res |= bits;
	}
	return 0;
}

static int
bearer_reject(struct oauth_bearer *b, int status, const char *error,
    const char *desc)
{
	b->error = error;
	b->description = desc;
	return status;
}

int
oauth_bearer_check(const struct config *c, struct store *s,
    const char *authorization, int resource, struct oauth_bearer *b)
{
	char			 key[OAUTH_KEY_MAX], gkey[80];
	const char		*token;
	struct oauth_at_rec	 at;
	struct oauth_grant_rec	 grant;
	enum omi_err		 err;
	int			 rc;

	memset(b, 0, sizeof(*b));
	memset(&at, 0, sizeof(at));
	memset(&grant, 0, sizeof(grant));
	if ((rc = cgi_auth_bearer(authorization, &token)) == 1) {
		b->no_credentials = 1;
		return bearer_reject(b, 401, "invalid_request",
		    "an access token is required");
	}
	if (rc == -1)
		return bearer_reject(b, 400, "invalid_request",
		    "the Authorization header is not a well-formed bearer "
		    "token");
	/* Ours are all this long; others need no lookup to be refused. */
	if (strlen(token) != SEC_TOKEN_LEN)
		return bearer_reject(b, 401, "invalid_token",
		    "the access token is invalid, expired or revoked");
	oauth_key(c, "at:", OAUTH_L_ACCESS, token, key);
	if ((err = oauth_at_load(s, key, &at)) == OMI_NOTFOUND) {
		rc = bearer_reject(b, 401, "invalid_token",
		    "the access token is invalid, expired or revoked");
		goto out;
	}
	if (err != OMI_OK)
		goto unavailable;
	if (at.exp <= now_unix() || at.gid == NULL || at.uid == NULL ||
	    at.scope == NULL || oauth_grant_key(at.gid, gkey,
	    sizeof(gkey)) != OMI_OK) {
		rc = bearer_reject(b, 401, "invalid_token",
		    "the access token is invalid, expired or revoked");
		goto out;
	}
	/* Belt and braces: revoking a grant deletes its tokens as well. */
	if ((err = oauth_grant_load(s, gkey, &grant)) == OMI_NOTFOUND ||
	    (err == OMI_OK && (grant.revoked != 0 || grant.uid == NULL ||
	    strcmp(grant.uid, at.uid) != 0))) {
		rc = bearer_reject(b, 401, "invalid_token",
		    "the access token is invalid, expired or revoked");
		goto out;
	}
	if (err != OMI_OK)
		goto unavailable;
	/* RFC 8707: a token bound to other resources is not for this one
	 * (RFC 9068 4 and the MCP specification: audience validation). */
	if (at.res != 0 && (at.res & resource) == 0) {
		rc = bearer_reject(b, 401, "invalid_token",
		    "the access token was issued for another resource");
		goto out;
	}
	if ((b->uid = strdup(at.uid)) == NULL ||
	    (b->scope = strdup(at.scope)) == NULL)
		goto unavailable;
	rc = 0;
	goto out;
unavailable:
	oauth_bearer_free(b);
	rc = bearer_reject(b, 503, "temporarily_unavailable",
	    "the token store is unavailable; try again later");
out:
	oauth_at_free(&at);
	oauth_grant_free(&grant);
	return rc;
}

void
oauth_bearer_free(struct oauth_bearer *b)
{
	free(b->uid);
	free(b->scope);
	memset(b, 0, sizeof(*b));
}
