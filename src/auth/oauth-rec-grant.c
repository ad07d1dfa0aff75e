/*
 * oauth-rec-grant: the grant record, whose access tokens are a list of
 * [hash, expiry] pairs, and the user's list of grant ids (see
 * oauth-rec.h). Both are read through the codec's one path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/oauth-rec.h"
#include "store/record.h"

/* The grant without its lists; rt and ats are done by hand. */
struct grant_flat {
	const char	*uid, *cid, *scope, *reason, *rt;
	int64_t		 created, used, exp, revoked, res;
	json_t		*ats;
};

#define G(m, t)	OAUTH_FIELD(struct grant_flat, m, t)

static const struct oauth_field grant_fields[] = {
	G(uid, OAUTH_F_STR), G(cid, OAUTH_F_STR), G(scope, OAUTH_F_STR),
	G(created, OAUTH_F_INT), G(used, OAUTH_F_INT), G(exp, OAUTH_F_INT),
	G(rt, OAUTH_F_STR), G(ats, OAUTH_F_ARRAY), G(revoked, OAUTH_F_INT),
	G(reason, OAUTH_F_STR), G(res, OAUTH_F_INT), { NULL, 0, 0 }
};

void
oauth_grant_free(struct oauth_grant_rec *g)
{
	free(g->ats);
	json_decref(g->doc);
	memset(g, 0, sizeof(*g));
}

/* The [hash, expiry] pairs into g->ats; OMI_CORRUPT for another shape. */
static enum omi_err
ats_decode(const json_t *ats, struct oauth_grant_rec *g)
{
	const json_t	*e, *h, *exp;
	size_t		 i;

	if (json_array_size(ats) == 0)
		return OMI_OK;
	if ((g->ats = calloc(json_array_size(ats), sizeof(*g->ats))) == NULL)
		return OMI_NOMEM;
	json_array_foreach(ats, i, e) {
		h = json_array_get(e, 0);
		exp = json_array_get(e, 1);
		if (!json_is_array(e) || json_array_size(e) != 2 ||
		    !json_is_string(h) || !json_is_integer(exp) ||
		    strlen(json_string_value(h)) > SEC_HASH_HEX)
			return OMI_CORRUPT;
		snprintf(g->ats[i].h, sizeof(g->ats[i].h), "%s",
		    json_string_value(h));
		g->ats[i].exp = json_integer_value(exp);
	}
	g->nats = json_array_size(ats);
	return OMI_OK;
}

enum omi_err
oauth_grant_load(struct store *s, const char *key, struct oauth_grant_rec *g)
{
	struct grant_flat	 f;
	enum omi_err		 err;

	memset(g, 0, sizeof(*g));
	memset(&f, 0, sizeof(f));
	if ((err = oauth_rec_load(s, key, grant_fields, &f, &g->doc)) !=
	    OMI_OK)
		return err;
	g->uid = f.uid;
	g->cid = f.cid;
	g->scope = f.scope;
	g->reason = f.reason;
	g->created = f.created;
	g->used = f.used;
	g->exp = f.exp;
	g->revoked = f.revoked;
	g->res = f.res;
	if (f.rt != NULL && strlen(f.rt) > SEC_HASH_HEX)
		err = OMI_CORRUPT;
	else {
		snprintf(g->rt, sizeof(g->rt), "%s", f.rt ? f.rt : "");
		err = ats_decode(f.ats, g);
	}
	if (err != OMI_OK)
		oauth_grant_free(g);
	return err;
}

enum omi_err
oauth_grant_save(struct store *s, const char *key,
    const struct oauth_grant_rec *g)
{
	struct grant_flat	 f;
	json_t			*e;
	size_t			 i;
	enum omi_err		 err = OMI_NOMEM;

	memset(&f, 0, sizeof(f));
	f.uid = g->uid;
	f.cid = g->cid;
	f.scope = g->scope;
	f.reason = g->reason;
	f.rt = g->rt[0] != '\0' ? g->rt : NULL;
	f.created = g->created;
	f.used = g->used;
	f.exp = g->exp;
	f.revoked = g->revoked;
	f.res = g->res;
	if (g->nats > 0 && (f.ats = json_array()) == NULL)
		return OMI_NOMEM;
	for (i = 0; i < g->nats; i++) {
		e = json_pack("[s, I]", g->ats[i].h, (json_int_t)g->ats[i].exp);
		if (json_array_append_new(f.ats, e) == -1)
			goto out;
	}
	err = oauth_rec_save(s, key, grant_fields, &f);
out:
	json_decref(f.ats);
	return err;
}

enum omi_err
oauth_grant_at_add(struct oauth_grant_rec *g, const char *h, int64_t exp)
{
	struct oauth_grant_at *v;

	if ((v = reallocarray(g->ats, g->nats + 1, sizeof(*v))) == NULL)
		return OMI_NOMEM;
	g->ats = v;
	snprintf(v[g->nats].h, sizeof(v[g->nats].h), "%s", h);
	v[g->nats++].exp = exp;
	return OMI_OK;
}

void
oauth_grant_at_del(struct oauth_grant_rec *g, size_t i)
{
	memmove(&g->ats[i], &g->ats[i + 1], (g->nats - i - 1) *
	    sizeof(*g->ats));
	g->nats--;
}

enum omi_err
oauth_ugrants_load(struct store *s, const char *key, json_t **list)
{
	const json_t	*e;
	size_t		 i;
	enum omi_err	 err;

	if ((err = record_get(s, key, list)) == OMI_NOTFOUND)
		return (*list = json_array()) == NULL ? OMI_NOMEM : OMI_OK;
	if (err != OMI_OK)
		return err;
	if (!json_is_array(*list))
		err = OMI_CORRUPT;
	json_array_foreach(*list, i, e)
		if (!json_is_string(e))
			err = OMI_CORRUPT;
	if (err != OMI_OK) {
		json_decref(*list);
		*list = NULL;
	}
	return err;
}

enum omi_err
oauth_ugrants_save(struct store *s, const char *key, const json_t *list)
{
	if (json_array_size(list) == 0)
		return store_del(s, key);
	return record_put(s, key, list);
}
