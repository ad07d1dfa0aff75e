/*
 * oauth-gc: the full sweep behind omi-admin gc. The keys are collected
 * first and examined afterwards, so deletions (queued until commit anyway)
 * never disturb GDBM's iteration.
 */
#include <stdlib.h>
#include <string.h>

#include "auth/oauth-impl.h"

struct keys {
	char	**v;
	size_t	 n;
	int	 failed;
};

static const char *const prefixes[] = { "spent:", "pend:", "code:", "at:",
    "rt:", "grant:", "ugrants:", "fail:", "dfail:", "lfail:", "dclient:",
    NULL };

static int
collect(void *ctx, const char *key)
{
	struct keys	*k = ctx;
	char		**nv;
	size_t		 i;

	for (i = 0; prefixes[i] != NULL; i++)
		if (strncmp(key, prefixes[i], strlen(prefixes[i])) == 0)
			break;
	if (prefixes[i] == NULL)
		return 0;
	if ((nv = reallocarray(k->v, k->n + 1, sizeof(*nv))) == NULL ||
	    (nv[k->n] = strdup(key)) == NULL) {
		if (nv != NULL)
			k->v = nv;
		k->failed = 1;
		return 1;
	}
	k->v = nv;
	k->n++;
	return 0;
}

/* 1 when the grant a tombstone points at is gone or expired. */
static int
grant_gone(struct store *s, const char *gid, int64_t now)
{
	char			 key[80];
	struct oauth_grant_rec	 g;
	int			 gone;

	if (gid == NULL || oauth_grant_key(gid, key, sizeof(key)) != OMI_OK)
		return 1;
	if (oauth_grant_load(s, key, &g) != OMI_OK)
		return 1;
	gone = oauth_grant_expired(&g, now);
	oauth_grant_free(&g);
	return gone;
}

static int
has_prefix(const char *key, const char *prefix)
{
	return strncmp(key, prefix, strlen(prefix)) == 0;
}

/* Loads the record under key by its kind and sets *gone when it has
 * expired; or returns the load's error. */
static enum omi_err
expired(struct store *s, const char *key, int64_t now, int *gone)
{
	struct oauth_spent_rec		 sp;
	struct oauth_code_rec		 code;
	struct oauth_at_rec		 at;
	struct oauth_rt_rec		 rt;
	struct oauth_bucket_rec		 b;
	struct oauth_oldfail_rec	 of;
	struct oauth_dclient_rec	 dc;
	enum omi_err			 err;
	int				 rc = 0;

	if (has_prefix(key, "spent:") || has_prefix(key, "pend:")) {
		if ((err = oauth_spent_load(s, key, &sp)) == OMI_OK)
			rc = now > sp.exp;
		oauth_spent_free(&sp);
	} else if (has_prefix(key, "at:")) {
		if ((err = oauth_at_load(s, key, &at)) == OMI_OK)
			rc = now > at.exp;
		oauth_at_free(&at);
	} else if (has_prefix(key, "code:")) {
		if ((err = oauth_code_load(s, key, &code)) == OMI_OK)
			rc = code.used != 0 ? grant_gone(s, code.gid, now) :
			    now > code.exp;
		oauth_code_free(&code);
	} else if (has_prefix(key, "rt:")) {
		if ((err = oauth_rt_load(s, key, &rt)) == OMI_OK)
			rc = now > rt.exp || grant_gone(s, rt.gid, now);
		oauth_rt_free(&rt);
	} else if (has_prefix(key, "dclient:")) {
		/* Grants of an expired client stay until they expire too:
		 * without the client they can no longer be refreshed. */
		if ((err = oauth_dclient_load(s, key, &dc)) == OMI_OK)
			rc = now >= dc.exp;
		oauth_dclient_free(&dc);
	} else if (has_prefix(key, "lfail:")) {
		if ((err = oauth_bucket_load(s, key, &b)) == OMI_OK)
			rc = oauth_throttle_stale(&b, now);
		oauth_bucket_free(&b);
	} else {
		/* fail: and dfail:, counters of older versions, one record
		 * per uid or browser. */
		if ((err = oauth_oldfail_load(s, key, &of)) == OMI_OK)
			rc = now > of.until && now - of.since > 15 * 60;
		oauth_oldfail_free(&of);
	}
	*gone = rc;
	return err;
}

enum omi_err
oauth_gc(struct store *s, int64_t now, struct oauth_gc_stats *st)
{
	struct keys		 k = { 0 };
	struct oauth_grant_rec	 g;
	size_t			 i;
	enum omi_err		 err;
	int			 gone;

	memset(st, 0, sizeof(*st));
	if ((err = store_foreach(s, "", collect, &k)) == OMI_OK && k.failed)
		err = OMI_NOMEM;
	/* Grants first: their tokens go with them. */
	for (i = 0; i < k.n && err == OMI_OK; i++) {
		if (!has_prefix(k.v[i], "grant:"))
			continue;
		st->scanned++;
		if ((err = oauth_grant_load(s, k.v[i], &g)) == OMI_NOTFOUND ||
		    err == OMI_CORRUPT) {
			err = OMI_OK;
			continue;
		}
		if (err == OMI_OK && oauth_grant_expired(&g, now)) {
			err = oauth_grant_purge(s, k.v[i] + 6);
			st->removed++;
		}
		oauth_grant_free(&g);
	}
	for (i = 0; i < k.n && err == OMI_OK; i++) {
		if (has_prefix(k.v[i], "grant:") ||
		    has_prefix(k.v[i], "ugrants:"))
			continue;
		st->scanned++;
		err = expired(s, k.v[i], now, &gone);
		if (err == OMI_NOTFOUND) {	/* went with its grant */
			err = OMI_OK;
			continue;
		}
		if (err == OMI_CORRUPT || (err == OMI_OK && gone)) {
			err = store_del(s, k.v[i]);
			st->removed++;
		}
	}
	for (i = 0; i < k.n; i++)
		free(k.v[i]);
	free(k.v);
	return err;
}
