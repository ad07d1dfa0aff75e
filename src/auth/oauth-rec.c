/*
 * oauth-rec: the one path every OAuth record is read through, and the
 * records that are flat objects of strings and integers (see oauth-rec.h;
 * grants and the user's grant lists are in oauth-rec-grant.c).
 */
#include <string.h>

#include "auth/oauth-rec.h"
#include "store/record.h"

enum omi_err
oauth_rec_decode(const json_t *doc, const struct oauth_field *f, void *rec)
{
	const json_t	*v;
	char		*p;

	if (!json_is_object(doc))
		return OMI_CORRUPT;
	for (; f->name != NULL; f++) {
		if ((v = json_object_get(doc, f->name)) == NULL)
			continue;
		p = (char *)rec + f->off;
		switch (f->type) {
		case OAUTH_F_STR:
			if (!json_is_string(v))
				return OMI_CORRUPT;
			*(const char **)(void *)p = json_string_value(v);
			break;
		case OAUTH_F_INT:
			if (!json_is_integer(v))
				return OMI_CORRUPT;
			*(int64_t *)(void *)p = json_integer_value(v);
			break;
		case OAUTH_F_ARRAY:
			if (!json_is_array(v))
				return OMI_CORRUPT;
			*(const json_t **)(void *)p = v;
			break;
		case OAUTH_F_FLAG:
			*(int *)(void *)p = 1;
			break;
		}
	}
	return OMI_OK;
}

enum omi_err
oauth_rec_load(struct store *s, const char *key, const struct oauth_field *f,
    void *rec, json_t **doc)
{
	enum omi_err err;

	if ((err = record_get(s, key, doc)) == OMI_OK &&
	    (err = oauth_rec_decode(*doc, f, rec)) != OMI_OK) {
		json_decref(*doc);
		*doc = NULL;
	}
	return err;
}

json_t *
oauth_rec_encode(const struct oauth_field *f, const void *rec)
{
	json_t		*j, *v;
	const char	*p, *str;
	int64_t		 n;

	if ((j = json_object()) == NULL)
		return NULL;
	for (; f->name != NULL; f++) {
		p = (const char *)rec + f->off;
		v = NULL;
		switch (f->type) {
		case OAUTH_F_STR:
			if ((str = *(const char *const *)(const void *)p) ==
			    NULL)
				continue;
			v = json_string(str);
			break;
		case OAUTH_F_INT:
			if ((n = *(const int64_t *)(const void *)p) == 0)
				continue;
			v = json_integer(n);
			break;
		case OAUTH_F_ARRAY:
			if ((v = *(json_t *const *)(const void *)p) == NULL)
				continue;
			json_incref(v);
			break;
		case OAUTH_F_FLAG:
			/* What older versions wrote; new records never. */
			if (*(const int *)(const void *)p == 0)
				continue;
			v = json_integer(1);
			break;
		}
		if (json_object_set_new(j, f->name, v) == -1) {
			json_decref(j);
			return NULL;
		}
	}
	return j;
}

enum omi_err
oauth_rec_save(struct store *s, const char *key, const struct oauth_field *f,
    const void *rec)
{
	json_t		*j;
	enum omi_err	 err;

	if ((j = oauth_rec_encode(f, rec)) == NULL)
		return OMI_NOMEM;
	err = record_put(s, key, j);
	json_decref(j);
	return err;
}

/* Each flat kind: its table and its load, save and free. */
#define OAUTH_REC_KIND(kind, table)					\
enum omi_err								\
oauth_##kind##_load(struct store *s, const char *key,			\
    struct oauth_##kind##_rec *r)					\
{									\
	json_t		*doc;						\
	enum omi_err	 err;						\
									\
	memset(r, 0, sizeof(*r));					\
	if ((err = oauth_rec_load(s, key, table, r, &doc)) != OMI_OK)	\
		memset(r, 0, sizeof(*r));				\
	else								\
		r->doc = doc;						\
	return err;							\
}									\
									\
void									\
oauth_##kind##_free(struct oauth_##kind##_rec *r)			\
{									\
	json_decref(r->doc);						\
	memset(r, 0, sizeof(*r));					\
}

#define F(kind, m, t)	OAUTH_FIELD(struct oauth_##kind##_rec, m, t)

static const struct oauth_field code_fields[] = {
	F(code, cid, OAUTH_F_STR), F(code, ruri, OAUTH_F_STR),
	F(code, scope, OAUTH_F_STR), F(code, uid, OAUTH_F_STR),
	F(code, cc, OAUTH_F_STR), F(code, ccm, OAUTH_F_STR),
	F(code, exp, OAUTH_F_INT), F(code, used, OAUTH_F_INT),
	F(code, gid, OAUTH_F_STR), F(code, res, OAUTH_F_INT), { NULL, 0, 0 }
};

static const struct oauth_field at_fields[] = {
	F(at, gid, OAUTH_F_STR), F(at, uid, OAUTH_F_STR),
	F(at, scope, OAUTH_F_STR), F(at, exp, OAUTH_F_INT),
	F(at, res, OAUTH_F_INT), { NULL, 0, 0 }
};

static const struct oauth_field rt_fields[] = {
	F(rt, gid, OAUTH_F_STR), F(rt, exp, OAUTH_F_INT),
	F(rt, h, OAUTH_F_STR), F(rt, rotated, OAUTH_F_FLAG), { NULL, 0, 0 }
};

static const struct oauth_field spent_fields[] = {
	F(spent, exp, OAUTH_F_INT), { NULL, 0, 0 }
};

static const struct oauth_field pin_fields[] = {
	F(pin, cid, OAUTH_F_STR), F(pin, gpt, OAUTH_F_STR),
	F(pin, uri, OAUTH_F_STR), F(pin, set, OAUTH_F_INT), { NULL, 0, 0 }
};

static const struct oauth_field dclient_fields[] = {
	F(dclient, name, OAUTH_F_STR), F(dclient, auth, OAUTH_F_STR),
	F(dclient, sh, OAUTH_F_STR), F(dclient, ruris, OAUTH_F_ARRAY),
	F(dclient, created, OAUTH_F_INT), F(dclient, used, OAUTH_F_INT),
	F(dclient, exp, OAUTH_F_INT), { NULL, 0, 0 }
};

static const struct oauth_field bucket_fields[] = {
	F(bucket, e, OAUTH_F_ARRAY), { NULL, 0, 0 }
};

static const struct oauth_field oldfail_fields[] = {
	F(oldfail, since, OAUTH_F_INT), F(oldfail, until, OAUTH_F_INT),
	{ NULL, 0, 0 }
};

OAUTH_REC_KIND(code, code_fields)
OAUTH_REC_KIND(at, at_fields)
OAUTH_REC_KIND(rt, rt_fields)
OAUTH_REC_KIND(spent, spent_fields)
OAUTH_REC_KIND(pin, pin_fields)
OAUTH_REC_KIND(dclient, dclient_fields)
OAUTH_REC_KIND(bucket, bucket_fields)
OAUTH_REC_KIND(oldfail, oldfail_fields)

enum omi_err
oauth_code_save(struct store *s, const char *key,
    const struct oauth_code_rec *r)
{
	return oauth_rec_save(s, key, code_fields, r);
}

enum omi_err
oauth_at_save(struct store *s, const char *key, const struct oauth_at_rec *r)
{
	return oauth_rec_save(s, key, at_fields, r);
}

enum omi_err
oauth_rt_save(struct store *s, const char *key, const struct oauth_rt_rec *r)
{
	return oauth_rec_save(s, key, rt_fields, r);
}

enum omi_err
oauth_spent_save(struct store *s, const char *key,
    const struct oauth_spent_rec *r)
{
	return oauth_rec_save(s, key, spent_fields, r);
}

enum omi_err
oauth_pin_save(struct store *s, const char *key,
    const struct oauth_pin_rec *r)
{
	return oauth_rec_save(s, key, pin_fields, r);
}

enum omi_err
oauth_dclient_save(struct store *s, const char *key,
    const struct oauth_dclient_rec *r)
{
	return oauth_rec_save(s, key, dclient_fields, r);
}

enum omi_err
oauth_bucket_save(struct store *s, const char *key, json_t *entries)
{
	struct oauth_bucket_rec r = { entries, NULL };

	if (json_array_size(entries) == 0)
		return store_del(s, key);
	return oauth_rec_save(s, key, bucket_fields, &r);
}
