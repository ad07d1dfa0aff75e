/*
 * oauth-throttle: failed-login counters for subjects that have no record
 * of their own (a source address, a known-device cookie, a uid without an
 * account), in a table whose size does not depend on the traffic.
 *
 * Anyone can make up addresses (IPv6 hands out 2^64 per customer) and
 * uids, so one record per subject would let an anonymous client grow the
 * data file without end. Instead a subject's keyed hash picks one of
 * OAUTH_THROTTLE_BUCKETS records, lfail:<2 hex digits>, and a 64-bit tag
 * from the same hash names its entry there: {"e": [[tag, since, count,
 * until], ...]}, at most OAUTH_THROTTLE_WAYS entries. Every write of a
 * bucket drops the entries that have run out; when the bucket is still
 * full, an entry that only counts makes room (the lowest count, then the
 * one that runs out first), and a lock only when all are locks. So the table never
 * holds more than BUCKETS x WAYS entries (about 100 KB), and the only
 * writes are the ones a failed login makes anyway.
 *
 * Eviction forgets a live counter only when WAYS subjects in one bucket
 * failed within one window, and a lock only when WAYS locks share one:
 * a client that makes that happen needs that many addresses already, and
 * each of them is throttled on its own.
 */
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/oauth-impl.h"

#define TAG_HEX		16

void
oauth_count_fail(struct oauth_count *k, int64_t now, int64_t limit)
{
	if (now - k->since > OAUTH_THROTTLE_WINDOW) {
		k->since = now;
		k->count = 0;
	}
	if (++k->count >= limit) {
		k->until = now + OAUTH_THROTTLE_LOCK;
		k->count = 0;
		k->since = now;
	}
}

int
oauth_count_locked(const struct oauth_count *k, int64_t now)
{
	return k->until > now;
}

int
oauth_count_failed(const struct oauth_count *k, int64_t now)
{
	return k->until > now ||
	    (k->count > 0 && now - k->since <= OAUTH_THROTTLE_WINDOW);
}

/* 1 when an entry no longer says anything at now. */
static int
count_stale(const struct oauth_count *k, int64_t now)
{
	return !oauth_count_failed(k, now);
}

/* When an entry runs out. */
static int64_t
count_end(const struct oauth_count *k)
{
	int64_t w = k->since + OAUTH_THROTTLE_WINDOW;

	return k->until > w ? k->until : w;
}

/*
 * 1 when a is a better entry to push out of a full bucket than b: an entry
 * that only counts before a lock, the lowest count first, then the one
 * that runs out soonest. A lock goes last: otherwise failures under new
 * made-up uids, which land in any bucket, would push an address's lock out
 * and free it.
 */
static int
evict_before(const struct oauth_count *a, const struct oauth_count *b,
    int64_t now)
{
	int la = oauth_count_locked(a, now), lb = oauth_count_locked(b, now);

	if (la != lb)
		return lb;
	if (a->count != b->count)
		return a->count < b->count;
	return count_end(a) < count_end(b);
}

/* The bucket's key and the subject's tag. */
static void
subject(const struct config *c, enum oauth_subject kind, const char *value,
    char *key, char *tag)
{
	static const char *const labels[] = { "oauth-throttle-addr",
	    "oauth-throttle-uid", "oauth-throttle-device",
	    "oauth-throttle-register" };
	char h[SEC_HASH_HEX + 1];

	sec_keyed_hash(c->key, labels[kind], value, strlen(value), h);
	snprintf(key, OAUTH_KEY_MAX, "lfail:%.2s", h);
	memcpy(tag, h + 2, TAG_HEX);
	tag[TAG_HEX] = '\0';
}

/* Reads entry i of a bucket; -1 when it is malformed. */
static int
entry_get(const json_t *e, const char **tag, struct oauth_count *k)
{
	if (!json_is_array(e) || json_array_size(e) != 4 ||
	    !json_is_string(json_array_get(e, 0)) ||
	    !json_is_integer(json_array_get(e, 1)) ||
	    !json_is_integer(json_array_get(e, 2)) ||
	    !json_is_integer(json_array_get(e, 3)))
		return -1;
	*tag = json_string_value(json_array_get(e, 0));
	k->since = json_integer_value(json_array_get(e, 1));
	k->count = json_integer_value(json_array_get(e, 2));
	k->until = json_integer_value(json_array_get(e, 3));
	return 0;
}

/* The bucket (its entries NULL when there are none). */
static enum omi_err
bucket_load(struct store *s, const char *key, struct oauth_bucket_rec *b)
{
	enum omi_err err;

	if ((err = oauth_bucket_load(s, key, b)) == OMI_CORRUPT) {
		/* A damaged bucket is only counters: start it again. */
		memset(b, 0, sizeof(*b));
		return OMI_OK;
	}
	return err == OMI_NOTFOUND ? OMI_OK : err;
}

enum omi_err
oauth_throttle_get(const struct config *c, struct store *s,
    enum oauth_subject kind, const char *value, struct oauth_count *out)
{
	char			 key[OAUTH_KEY_MAX], tag[TAG_HEX + 1];
	const char		*t;
	struct oauth_bucket_rec	 b;
	json_t			*e;
	struct oauth_count	 k;
	size_t			 i;
	enum omi_err		 err;

	memset(out, 0, sizeof(*out));
	subject(c, kind, value, key, tag);
	if ((err = bucket_load(s, key, &b)) != OMI_OK)
		return err;
	json_array_foreach(b.e, i, e) {
		if (entry_get(e, &t, &k) == 0 && strcmp(t, tag) == 0) {
			*out = k;
			break;
		}
	}
	oauth_bucket_free(&b);
	return OMI_OK;
}

enum omi_err
oauth_throttle_put(const struct config *c, struct store *s,
    enum oauth_subject kind, const char *value, const struct oauth_count *in,
    int64_t now)
{
	char			 key[OAUTH_KEY_MAX], tag[TAG_HEX + 1];
	const char		*t;
	struct oauth_bucket_rec	 b;
	json_t			*e, *keep = NULL;
	struct oauth_count	 k;
	size_t			 i, victim;
	enum omi_err		 err;

	subject(c, kind, value, key, tag);
	if ((err = bucket_load(s, key, &b)) != OMI_OK)
		return err;
	err = OMI_NOMEM;
	if ((keep = json_array()) == NULL)
		goto out;
	/* The others' live entries, then this subject's (when live). */
	json_array_foreach(b.e, i, e) {
		if (entry_get(e, &t, &k) == -1 || strcmp(t, tag) == 0 ||
		    count_stale(&k, now))
			continue;
		if (json_array_append(keep, e) == -1)
			goto out;
	}
	if (!count_stale(in, now)) {
		while (json_array_size(keep) >= OAUTH_THROTTLE_WAYS) {
			victim = 0;
			json_array_foreach(keep, i, e) {
				struct oauth_count v;

				(void)entry_get(json_array_get(keep, victim),
				    &t, &v);
				(void)entry_get(e, &t, &k);
				if (evict_before(&k, &v, now))
					victim = i;
			}
			json_array_remove(keep, victim);
		}
		if (json_array_append_new(keep, json_pack("[s, I, I, I]", tag,
		    (json_int_t)in->since, (json_int_t)in->count,
		    (json_int_t)in->until)) == -1)
			goto out;
	}
	/* No bucket and nothing to keep: nothing to write either. */
	if (json_array_size(keep) == 0 && b.doc == NULL)
		err = OMI_OK;
	else
		err = oauth_bucket_save(s, key, keep);
out:
	json_decref(keep);
	oauth_bucket_free(&b);
	return err;
}

int
oauth_throttle_stale(const struct oauth_bucket_rec *b, int64_t now)
{
	json_t			*e;
	const char		*t;
	struct oauth_count	 k;
	size_t			 i;

	json_array_foreach(b->e, i, e)
		if (entry_get(e, &t, &k) == 0 && !count_stale(&k, now))
			return 0;
	return 1;
}

void
oauth_client_addr(const char *remote, const char *xff, const char *trusted,
    char *out, size_t n)
{
	unsigned char	 b[16];
	char		 one[INET6_ADDRSTRLEN + 1];
	const char	*a = remote, *p;
	size_t		 len;

	/* The proxy appends the address it saw: the last entry is the one
	 * nobody but the proxy wrote. */
	if (remote != NULL && trusted != NULL && xff != NULL &&
	    strcmp(remote, trusted) == 0) {
		p = strrchr(xff, ',');
		a = p != NULL ? p + 1 : xff;
	}
	a = a != NULL ? a + strspn(a, " \t") : "";
	len = strcspn(a, " \t");
	if (len >= sizeof(one)) {
		snprintf(out, n, "?");
		return;
	}
	memcpy(one, a, len);
	one[len] = '\0';
	if (inet_pton(AF_INET, one, b) == 1)
		snprintf(out, n, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	else if (inet_pton(AF_INET6, one, b) == 1) {
		static const unsigned char v4map[12] = { 0, 0, 0, 0, 0, 0, 0,
		    0, 0, 0, 0xff, 0xff };

		if (memcmp(b, v4map, sizeof(v4map)) == 0)
			snprintf(out, n, "%u.%u.%u.%u", b[12], b[13], b[14],
			    b[15]);
		else	/* One customer's /64 is one source. */
			snprintf(out, n, "%02x%02x:%02x%02x:%02x%02x:%02x%02x"
			    "::/64", b[0], b[1], b[2], b[3], b[4], b[5], b[6],
			    b[7]);
	} else
		snprintf(out, n, "?");
}
