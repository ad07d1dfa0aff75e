/*
 * oauth-client: clients that register themselves (RFC 7591), such as the
 * MCP clients of ChatGPT's connectors and Claude, beside the one client
 * the configuration names (the custom GPT).
 *
 * A registration is anonymous: anyone may make one, so everything about it
 * is bounded. The body is at most OAUTH_DCR_BODY_MAX bytes of JSON; a
 * client has 1 to OAUTH_DCR_URIS_MAX redirect URIs of at most
 * OAUTH_DCR_URI_MAX bytes, each https or http on a loopback address, with
 * no fragment (RFC 6749 3.1.2) and no user info; its name is at most
 * OAUTH_DCR_NAME_MAX bytes without control characters (C0, C1 or bidi) or
 * line separators. A source address
 * may register OAUTH_DCR_SOURCE_MAX clients per throttle window (the
 * sign-in throttle's buckets, oauth-throttle.c), and a registration that
 * no sign-in ever used expires after OAUTH_DCR_UNUSED_TTL, one that did
 * after OAUTH_DCR_IDLE_TTL without a code or refresh.
 *
 * Registered redirect URIs are compared as exact strings: they hold no
 * patterns, so a '*' in one is just a character. A confidential client's
 * secret is stored only as its keyed hash, like every token.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth/oauth-impl.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/text.h"

#define L_SECRET	"oauth-client-secret"

/* Redirect URIs ---------------------------------------------------------- */

static int
digits(const char *p, size_t n)
{
	size_t i;

	if (n == 0 || n > 5)
		return 0;
	for (i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

/* 1 when the authority a (n bytes) is host[:port] with a well-formed host
 * of at most 253 bytes: a DNS name or IPv4 address, or an IPv6 literal in
 * brackets. */
static int
authority_ok(const char *a, size_t n, size_t *hostlen)
{
	size_t h, i;

	if (n == 0)
		return 0;
	if (a[0] == '[') {
		for (h = 1; h < n && a[h] != ']'; h++)
			if (strchr("0123456789abcdefABCDEF:.", a[h]) == NULL)
				return 0;
		if (h == n || h == 1)
			return 0;
		h++;
	} else {
		for (h = 0; h < n && a[h] != ':'; h++)
			if (strchr("abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-", a[h]) ==
			    NULL)
				return 0;
		if (h == 0)
			return 0;
	}
	/* RFC 1035 2.3.4: a name is at most 253 bytes. This also keeps the
	 * origin within what the consent page shows (authorize.c). */
	if (h > 253 ||
	    (h < n && (a[h] != ':' || !digits(a + h + 1, n - h - 1))))
		return 0;
	for (i = 0; i < h; i++)
		if (a[i] == '.' && (i == 0 || a[i - 1] == '.'))
			return 0;
	*hostlen = h;
	return 1;
}

static int
loopback(const char *host, size_t n)
{
	return (n == 9 && memcmp(host, "127.0.0.1", 9) == 0) ||
	    (n == 5 && memcmp(host, "[::1]", 5) == 0) ||
	    (n == 9 && memcmp(host, "localhost", 9) == 0);
}

int
oauth_dcr_redirect_ok(const char *uri)
{
	const char	*a;
	size_t		 len, n, hostlen, i;
	int		 https;

	if (uri == NULL || (len = strlen(uri)) == 0 || len > OAUTH_DCR_URI_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)uri[i];

		/* No fragment (RFC 6749 3.1.2), no white space, controls or
		 * anything outside ASCII (an exact match needs one form). */
		if (ch <= 0x20 || ch >= 0x7f || ch == '#' || ch == '\\' ||
		    ch == '"' || ch == '<' || ch == '>')
			return 0;
	}
	if (strncmp(uri, "https://", 8) == 0)
		https = 1;
	else if (strncmp(uri, "http://", 7) == 0)
		https = 0;
	else
		return 0;
	a = uri + (https ? 8 : 7);
	n = strcspn(a, "/?");
	/* No user info: https://good.example@evil.example/ misleads. */
	if (memchr(a, '@', n) != NULL || !authority_ok(a, n, &hostlen))
		return 0;
	/* RFC 8252 7.3 and RFC 9700 2.1: http only on the loopback
	 * interface, where nothing travels over a network. */
	if (!https && !loopback(a, hostlen))
		return 0;
	return 1;
}

/* The registration body --------------------------------------------------- */

void
oauth_dcr_free(struct oauth_dcr *d)
{
	size_t i;

	if (d == NULL)
		return;
	free(d->name);
	for (i = 0; i < d->nuris; i++)
		free(d->uris[i]);
	free(d->uris);
	free(d->scope);
	memset(d, 0, sizeof(*d));
}

static int
dfail(struct oauth_fail *f, const char *error, const char *desc)
{
	f->status = 400;
	f->error = error;
	f->desc = desc;
	f->err = OMI_OK;
	return -1;
}

static int
dnomem(struct oauth_fail *f)
{
	f->status = 500;
	f->error = "server_error";
	f->desc = "out of memory";
	f->err = OMI_NOMEM;
	return -1;
}

/* 1 when every entry of the array a is one of the NULL-ended allowed. */
static int
strings_in(const json_t *a, const char *const *allowed, const char *must)
{
	const json_t	*v;
	size_t		 i, k;
	int		 has = must == NULL;

	if (!json_is_array(a) || json_array_size(a) == 0 ||
	    json_array_size(a) > 8)
		return 0;
	json_array_foreach(a, i, v) {
		if (!json_is_string(v))
			return 0;
		for (k = 0; allowed[k] != NULL; k++)
			if (strcmp(json_string_value(v), allowed[k]) == 0)
				break;
		if (allowed[k] == NULL)
			return 0;
		if (must != NULL && strcmp(json_string_value(v), must) == 0)
			has = 1;
	}
	return has;
}

/*
 * 1 when the code point c may appear in a name others are shown. Refused:
 * C0 and C1 controls (U+009B is a terminal's CSI, and omi-admin client list
 * prints the name), the bidi controls (an override in the name reverses
 * the " (unverified)" the consent page puts after it, RFC 7591 5: the
 * name is the client's own claim and must not hide that), and the line and
 * paragraph separators.
 */
static int
name_char_ok(uint32_t c)
{
	return !(c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x61c ||
	    c == 0x200e || c == 0x200f || (c >= 0x2028 && c <= 0x202e) ||
	    (c >= 0x2066 && c <= 0x2069));
}

/* s is valid UTF-8 (the JSON parser checked it). */
static int
name_ok(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, k, len, n = strlen(s);
	uint32_t		 c;

	if (n == 0 || n > OAUTH_DCR_NAME_MAX)
		return 0;
	for (i = 0; i < n; i += len) {
		len = p[i] < 0x80 ? 1 : p[i] < 0xe0 ? 2 : p[i] < 0xf0 ? 3 : 4;
		if (n - i < len)
			return 0;
		c = len == 1 ? p[i] : p[i] & (0x7f >> len);
		for (k = 1; k < len; k++)
			c = c << 6 | (p[i + k] & 0x3f);
		if (!name_char_ok(c))
			return 0;
	}
	return 1;
}

int
oauth_dcr_parse(const char *body, size_t len, struct oauth_dcr *d,
    struct oauth_fail *f)
{
	static const char *const grants[] = { "authorization_code",
	    "refresh_token", NULL };
	static const char *const responses[] = { "code", NULL };
	json_error_t	 jerr;
	json_t		*j = NULL, *v;
	const char	*auth = "client_secret_basic";
	size_t		 i;
	int		 oom, rc = -1, unknown;

	memset(d, 0, sizeof(*d));
	memset(f, 0, sizeof(*f));
	if (len > OAUTH_DCR_BODY_MAX) {
		rc = dfail(f, "invalid_client_metadata", "the registration "
		    "is too large");
		f->status = 413;
		goto out;
	}
	j = json_loadb_checked(body, len, JSON_REJECT_DUPLICATES, &jerr, &oom);
	if (oom) {
		rc = dnomem(f);
		goto out;
	}
	if (j == NULL || !json_is_object(j)) {
		rc = dfail(f, "invalid_client_metadata", "the registration "
		    "must be a JSON object without repeated members");
		goto out;
	}
	/* RFC 7591 2: redirect_uris, required for the code grant. */
	v = json_object_get(j, "redirect_uris");
	if (!json_is_array(v) || json_array_size(v) == 0 ||
	    json_array_size(v) > OAUTH_DCR_URIS_MAX) {
		rc = dfail(f, "invalid_redirect_uri", "redirect_uris must "
		    "hold 1 to 8 URIs");
		goto out;
	}
	if ((d->uris = calloc(json_array_size(v), sizeof(*d->uris))) ==
	    NULL) {
		rc = dnomem(f);
		goto out;
	}
	for (i = 0; i < json_array_size(v); i++) {
		const json_t *u = json_array_get(v, i);

		if (!json_is_string(u) ||
		    strlen(json_string_value(u)) != json_string_length(u) ||
		    !oauth_dcr_redirect_ok(json_string_value(u))) {
			rc = dfail(f, "invalid_redirect_uri", "a redirect URI "
			    "must be https (or http on a loopback address), "
			    "without a fragment or user info");
			goto out;
		}
		if ((d->uris[d->nuris++] = strdup(json_string_value(u))) ==
		    NULL) {
			rc = dnomem(f);
			goto out;
		}
	}
	if ((v = json_object_get(j, "token_endpoint_auth_method")) != NULL) {
		if (!json_is_string(v) || (strcmp(json_string_value(v),
		    "none") != 0 && strcmp(json_string_value(v),
		    "client_secret_basic") != 0 && strcmp(json_string_value(v),
		    "client_secret_post") != 0)) {
			rc = dfail(f, "invalid_client_metadata",
			    "token_endpoint_auth_method must be none, "
			    "client_secret_basic or client_secret_post");
			goto out;
		}
		auth = json_string_value(v);
	}
	snprintf(d->auth, sizeof(d->auth), "%s", auth);
	if ((v = json_object_get(j, "grant_types")) != NULL &&
	    !strings_in(v, grants, "authorization_code")) {
		rc = dfail(f, "invalid_client_metadata", "grant_types may "
		    "hold authorization_code and refresh_token only");
		goto out;
	}
	if ((v = json_object_get(j, "response_types")) != NULL &&
	    !strings_in(v, responses, "code")) {
		rc = dfail(f, "invalid_client_metadata", "response_types "
		    "may hold code only");
		goto out;
	}
	if ((v = json_object_get(j, "client_name")) != NULL) {
		if (!json_is_string(v) ||
		    strlen(json_string_value(v)) != json_string_length(v) ||
		    !name_ok(json_string_value(v))) {
			rc = dfail(f, "invalid_client_metadata", "client_name "
			    "must be 1 to 100 bytes of text");
			goto out;
		}
		if ((d->name = strdup(json_string_value(v))) == NULL) {
			rc = dnomem(f);
			goto out;
		}
	}
	if ((v = json_object_get(j, "scope")) != NULL) {
		if (!json_is_string(v) ||
		    strlen(json_string_value(v)) != json_string_length(v) ||
		    json_string_length(v) > 256) {
			rc = dfail(f, "invalid_client_metadata", "scope must "
			    "be a string");
			goto out;
		}
		if ((d->scope = oauth_scope_normalise(json_string_value(v),
		    &unknown)) == NULL) {
			rc = unknown ? dfail(f, "invalid_client_metadata",
			    "the scope is unknown") : dnomem(f);
			goto out;
		}
	}
	/* Other members (logo_uri, client_uri, contacts, ...) are ignored
	 * (RFC 7591 2): nothing the bridge shows comes from them. */
	rc = 0;
out:
	json_decref(j);
	if (rc != 0)
		oauth_dcr_free(d);
	return rc;
}

/* Registered clients in the store ----------------------------------------- */

int
oauth_dcr_id_shaped(const char *id)
{
	size_t n;

	if (id == NULL || strncmp(id, OAUTH_DCR_ID_PREFIX,
	    strlen(OAUTH_DCR_ID_PREFIX)) != 0)
		return 0;
	id += strlen(OAUTH_DCR_ID_PREFIX);
	for (n = 0; id[n] != '\0'; n++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789_-", id[n]) == NULL)
			return 0;
	return n == OAUTH_DCR_ID_RAND;
}

static enum omi_err
client_key(const char *id, char *key, size_t n)
{
	if (!oauth_dcr_id_shaped(id) ||
	    (size_t)snprintf(key, n, "dclient:%s", id) >= n)
		return OMI_INVALID;
	return OMI_OK;
}

enum omi_err
oauth_dcr_register(const struct config *c, struct store *s,
    const struct oauth_dcr *d, int64_t now, char *id, char *secret)
{
	struct oauth_dclient_rec r;
	unsigned char	 raw[16];
	char		 key[OAUTH_KEY_MAX], h[SEC_HASH_HEX + 1];
	size_t		 i;
	enum omi_err	 err;

	memset(&r, 0, sizeof(r));
	sec_random(raw, sizeof(raw));
	memcpy(id, OAUTH_DCR_ID_PREFIX, strlen(OAUTH_DCR_ID_PREFIX));
	sec_b64url(id + strlen(OAUTH_DCR_ID_PREFIX), OAUTH_DCR_ID_RAND + 1,
	    raw, sizeof(raw));
	secret[0] = '\0';
	if ((err = client_key(id, key, sizeof(key))) != OMI_OK)
		return err;
	if (strcmp(d->auth, "none") != 0) {
		sec_token(secret);
		sec_keyed_hash(c->key, L_SECRET, secret, strlen(secret), h);
		r.sh = h;
	}
	r.name = d->name;
	r.auth = d->auth;
	r.created = now;
	r.exp = now + OAUTH_DCR_UNUSED_TTL;
	if ((r.ruris = json_array()) == NULL)
		return OMI_NOMEM;
	for (i = 0; i < d->nuris; i++)
		if (json_array_append_new(r.ruris,
		    json_string(d->uris[i])) == -1) {
			json_decref(r.ruris);
			return OMI_NOMEM;
		}
	err = oauth_dclient_save(s, key, &r);
	json_decref(r.ruris);
	return err;
}

void
oauth_client_free(struct oauth_client *cl)
{
	size_t i;

	if (cl == NULL)
		return;
	free(cl->name);
	for (i = 0; i < cl->nuris; i++)
		free(cl->uris[i]);
	free(cl->uris);
	memset(cl, 0, sizeof(*cl));
}

/* Copies a loaded record into cl; OMI_CORRUPT when it lacks what every
 * registration has. */
static enum omi_err
client_fill(const struct oauth_dclient_rec *r, struct oauth_client *cl)
{
	const json_t	*u;
	size_t		 i;

	if (r->auth == NULL || !json_is_array(r->ruris) ||
	    json_array_size(r->ruris) == 0 ||
	    json_array_size(r->ruris) > OAUTH_DCR_URIS_MAX ||
	    (strcmp(r->auth, "none") != 0 && (r->sh == NULL ||
	    strlen(r->sh) != SEC_HASH_HEX)))
		return OMI_CORRUPT;
	snprintf(cl->auth, sizeof(cl->auth), "%s", r->auth);
	if (r->sh != NULL)
		snprintf(cl->sh, sizeof(cl->sh), "%s", r->sh);
	cl->created = r->created;
	cl->used = r->used;
	cl->exp = r->exp;
	if ((r->name != NULL && (cl->name = strdup(r->name)) == NULL) ||
	    (cl->uris = calloc(json_array_size(r->ruris),
	    sizeof(*cl->uris))) == NULL)
		return OMI_NOMEM;
	json_array_foreach(r->ruris, i, u) {
		if (!json_is_string(u))
			return OMI_CORRUPT;
		if ((cl->uris[cl->nuris++] = strdup(json_string_value(u))) ==
		    NULL)
			return OMI_NOMEM;
	}
	return OMI_OK;
}

enum omi_err
oauth_client_get(struct store *s, const char *id, int64_t now,
    struct oauth_client *cl)
{
	struct oauth_dclient_rec r;
	char		 key[OAUTH_KEY_MAX];
	enum omi_err	 err;

	memset(cl, 0, sizeof(*cl));
	if (client_key(id, key, sizeof(key)) != OMI_OK)
		return OMI_NOTFOUND;
	if ((err = oauth_dclient_load(s, key, &r)) != OMI_OK)
		return err;
	/* An expired registration is gone, whether or not gc ran. */
	if (r.exp <= now)
		err = OMI_NOTFOUND;
	else
		err = client_fill(&r, cl);
	oauth_dclient_free(&r);
	if (err != OMI_OK)
		oauth_client_free(cl);
	return err;
}

/*
 * An http URI on a loopback host split around its port: *pre is the
 * length of "http://host", *post where the path begins. 0 when uri is no
 * such URI or its port is not 1 to 65535.
 */
static int
loopback_split(const char *uri, size_t *pre, const char **post)
{
	const char	*host, *end, *p;
	size_t		 h;
	long		 port = 0;

	if (strncmp(uri, "http://", 7) != 0)
		return 0;
	host = uri + 7;
	end = host + strcspn(host, "/?");
	if (*host == '[')
		h = (p = memchr(host, ']', (size_t)(end - host))) == NULL ? 0 :
		    (size_t)(p - host) + 1;
	else
		h = strcspn(host, ":/?");
	if (h == 0 || !loopback(host, h))
		return 0;
	p = host + h;
	if (p < end) {
		if (*p++ != ':' || p == end || end - p > 5)
			return 0;
		for (; p < end; p++) {
			if (*p < '0' || *p > '9')
				return 0;
			port = port * 10 + (*p - '0');
		}
		if (port < 1 || port > 65535)
			return 0;
	}
	*pre = 7 + h;
	*post = end;
	return 1;
}

/*
 * RFC 8252 7.3: a native client listens on whatever loopback port it can
 * get when it signs in, so for a loopback redirect URI any port matches;
 * scheme, host, path and query still match exactly.
 */
static int
loopback_match(const char *reg, const char *uri)
{
	const char	*rpost, *upost;
	size_t		 rpre, upre;

	return loopback_split(reg, &rpre, &rpost) &&
	    loopback_split(uri, &upre, &upost) && rpre == upre &&
	    strncmp(reg, uri, rpre) == 0 && strcmp(rpost, upost) == 0;
}

int
oauth_client_redirect_ok(const struct oauth_client *cl, const char *uri)
{
	size_t i;

	/* RFC 9700 2.1: exact string matching, but for a loopback port. */
	for (i = 0; uri != NULL && i < cl->nuris; i++)
		if (strcmp(cl->uris[i], uri) == 0 ||
		    loopback_match(cl->uris[i], uri))
			return 1;
	return 0;
}

int
oauth_client_secret_ok(const struct config *c, const struct oauth_client *cl,
    const char *secret)
{
	char h[SEC_HASH_HEX + 1];

	if (strcmp(cl->auth, "none") == 0)
		return secret == NULL;
	if (secret == NULL || cl->sh[0] == '\0')
		return 0;
	sec_keyed_hash(c->key, L_SECRET, secret, strlen(secret), h);
	return sec_streq(h, cl->sh);
}

enum omi_err
oauth_client_touch(struct store *s, const char *id, int64_t now)
{
	struct oauth_dclient_rec r;
	char		 key[OAUTH_KEY_MAX];
	enum omi_err	 err;

	if (client_key(id, key, sizeof(key)) != OMI_OK)
		return OMI_NOTFOUND;
	if ((err = oauth_dclient_load(s, key, &r)) != OMI_OK)
		return err;
	/* One write a day at most: a refresh every hour need not rewrite
	 * the record each time. */
	if (r.used == 0 || now - r.used >= 86400) {
		r.used = now;
		r.exp = now + OAUTH_DCR_IDLE_TTL;
		err = oauth_dclient_save(s, key, &r);
	}
	oauth_dclient_free(&r);
	return err;
}

/* Listing and removal (omi-admin) ----------------------------------------- */

/* Keys collected by a scan, so records are read and changed after it. */
struct keylist {
	char	**v;
	size_t	 n, cap;
	int	 failed;
};

static int
keylist_add(void *ctx, const char *key)
{
	struct keylist	*k = ctx;
	char		**nv;

	if (k->n == k->cap) {
		if ((nv = reallocarray(k->v, k->cap ? 2 * k->cap : 16,
		    sizeof(*nv))) == NULL) {
			k->failed = 1;
			return 1;
		}
		k->v = nv;
		k->cap = k->cap ? 2 * k->cap : 16;
	}
	if ((k->v[k->n] = strdup(key)) == NULL) {
		k->failed = 1;
		return 1;
	}
	k->n++;
	return 0;
}

static void
keylist_free(struct keylist *k)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		free(k->v[i]);
	free(k->v);
	memset(k, 0, sizeof(*k));
}

static enum omi_err
keylist_scan(struct store *s, const char *prefix, struct keylist *k)
{
	enum omi_err err;

	memset(k, 0, sizeof(*k));
	if ((err = store_foreach(s, prefix, keylist_add, k)) == OMI_OK &&
	    k->failed)
		err = OMI_NOMEM;
	return err;
}

enum omi_err
oauth_dcr_room(struct store *s, int64_t now, int *room)
{
	struct keylist		 k;
	struct oauth_dclient_rec r;
	size_t			 i, unused = 0;
	enum omi_err		 err;

	*room = 0;
	if ((err = keylist_scan(s, "dclient:", &k)) != OMI_OK)
		goto out;
	for (i = 0; i < k.n && err == OMI_OK; i++) {
		err = oauth_dclient_load(s, k.v[i], &r);
		if (err == OMI_OK && now >= r.exp)
			err = store_del(s, k.v[i]);
		else if (err == OMI_OK && r.used == 0)
			unused++;
		else if (err == OMI_CORRUPT || err == OMI_NOTFOUND)
			err = OMI_OK;	/* omi-admin check and gc see to it */
		oauth_dclient_free(&r);
	}
	if (err == OMI_OK)
		*room = unused < OAUTH_DCR_UNUSED_MAX;
out:
	keylist_free(&k);
	return err;
}

enum omi_err
oauth_clients_list(struct store *s, int64_t now,
    void (*fn)(void *, const char *, const struct oauth_client *),
    void *ctx)
{
	struct keylist		 k;
	struct oauth_client	 cl;
	size_t			 i;
	enum omi_err		 err;

	if ((err = keylist_scan(s, "dclient:", &k)) != OMI_OK)
		goto out;
	for (i = 0; i < k.n; i++) {
		const char *id = k.v[i] + strlen("dclient:");

		err = oauth_client_get(s, id, now, &cl);
		if (err == OMI_NOTFOUND) {	/* expired, not yet collected */
			err = OMI_OK;
			continue;
		}
		if (err == OMI_CORRUPT) {
			log_msg("oauth: client record %s is damaged", id);
			err = OMI_OK;
			continue;
		}
		if (err != OMI_OK)
			break;
		fn(ctx, id, &cl);
		oauth_client_free(&cl);
	}
out:
	keylist_free(&k);
	return err;
}

enum omi_err
oauth_client_remove(struct store *s, const char *id, int64_t now,
    size_t *revoked)
{
	struct keylist		 k;
	struct oauth_grant_rec	 g;
	struct oauth_dclient_rec r;
	char			 key[OAUTH_KEY_MAX];
	size_t			 i;
	enum omi_err		 err;

	*revoked = 0;
	memset(&k, 0, sizeof(k));
	if (client_key(id, key, sizeof(key)) != OMI_OK)
		return OMI_NOTFOUND;
	/* An expired or damaged record is removed all the same. */
	err = oauth_dclient_load(s, key, &r);
	oauth_dclient_free(&r);
	if (err != OMI_OK && err != OMI_CORRUPT)
		return err;
	if ((err = store_del(s, key)) != OMI_OK)
		return err;
	/* Its sign-ins end with it: a removed client's tokens must not
	 * outlive it (the GPT client's are never touched here). */
	if ((err = keylist_scan(s, "grant:", &k)) != OMI_OK)
		goto out;
	for (i = 0; i < k.n && err == OMI_OK; i++) {
		if ((err = oauth_grant_load(s, k.v[i], &g)) != OMI_OK) {
			if (err == OMI_NOTFOUND || err == OMI_CORRUPT)
				err = OMI_OK;
			continue;
		}
		if (g.revoked == 0 && g.cid != NULL && strcmp(g.cid, id) == 0) {
			err = oauth_grant_revoke(s, k.v[i] + strlen("grant:"),
			    "client removed", now);
			if (err == OMI_OK)
				(*revoked)++;
		}
		oauth_grant_free(&g);
	}
out:
	keylist_free(&k);
	return err;
}
