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
    "rt:", "grant:", "ugrants:", "fail:", "dfail:", "lfail:", NULL };

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
grant_gone(struct store *s, const json_t *rec, int64_t now)
{
	char		 key[80];
	json_t		*g;
	const char	*gid = oauth_rec_str(rec, "gid");
	int		 gone;

	if (gid == NULL || oauth_grant_key(gid, key, sizeof(key)) == -1)
		return 1;
	if (oauth_rec_get(s, key, &g) != OMI_OK)
		return 1;
	gone = oauth_grant_expired(g, now);
	json_decref(g);
	return gone;
}

/* Decides whether one record has expired. */
static int
expired(struct store *s, const char *key, const json_t *rec, int64_t now)
{
	int64_t exp = oauth_rec_int(rec, "exp", 0);

	if (strncmp(key, "spent:", 6) == 0 || strncmp(key, "pend:", 5) == 0 ||
	    strncmp(key, "at:", 3) == 0)
		return now > exp;
	if (strncmp(key, "code:", 5) == 0)
		return json_object_get(rec, "used") != NULL ?
		    grant_gone(s, rec, now) : now > exp;
	if (strncmp(key, "rt:", 3) == 0)
		return now > exp || grant_gone(s, rec, now);
	if (strncmp(key, "lfail:", 6) == 0)
		return oauth_throttle_stale(rec, now);
	/* Counters of older versions, one record per uid or browser. */
	if (strncmp(key, "fail:", 5) == 0 || strncmp(key, "dfail:", 6) == 0)
		return now > oauth_rec_int(rec, "until", 0) &&
		    now - oauth_rec_int(rec, "since", 0) > 15 * 60;
	return 0;
}

enum omi_err
oauth_gc(struct store *s, int64_t now, struct oauth_gc_stats *st)
{
	struct keys	 k = { 0 };
	json_t		*rec;
	size_t		 i;
	enum omi_err	 err;

	memset(st, 0, sizeof(*st));
	if ((err = store_foreach(s, "", collect, &k)) == OMI_OK && k.failed)
		err = OMI_NOMEM;
	/* Grants first: their tokens go with them. */
	for (i = 0; i < k.n && err == OMI_OK; i++) {
		if (strncmp(k.v[i], "grant:", 6) != 0)
			continue;
		st->scanned++;
		if ((err = oauth_rec_get(s, k.v[i], &rec)) == OMI_NOTFOUND ||
		    err == OMI_CORRUPT) {
			err = OMI_OK;
			continue;
		}
		if (err == OMI_OK && oauth_grant_expired(rec, now)) {
			err = oauth_grant_purge(s, k.v[i] + 6);
			st->removed++;
		}
		json_decref(rec);
	}
	for (i = 0; i < k.n && err == OMI_OK; i++) {
		if (strncmp(k.v[i], "grant:", 6) == 0 ||
		    strncmp(k.v[i], "ugrants:", 8) == 0)
			continue;
		st->scanned++;
		err = oauth_rec_get(s, k.v[i], &rec);
		if (err == OMI_NOTFOUND) {	/* went with its grant */
			err = OMI_OK;
			continue;
		}
		if (err == OMI_CORRUPT || (err == OMI_OK &&
		    expired(s, k.v[i], rec, now))) {
			err = store_del(s, k.v[i]);
			st->removed++;
		}
		json_decref(rec);
	}
	for (i = 0; i < k.n; i++)
		free(k.v[i]);
	free(k.v);
	return err;
}
