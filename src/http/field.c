/* field: parameter tables and their one checker (see field.h). */
#include <string.h>

#include "http/field.h"

/* How often name occurs in p; *value is its last value. */
static size_t
occurs(const struct params *p, const char *name, const char **value)
{
	size_t i, n = 0;

	*value = NULL;
	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i].name, name) == 0) {
			*value = p->v[i].value;
			n++;
		}
	return n;
}

static size_t
lookup(const struct field *t, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			break;
	return i;
}

static enum field_why
failed(struct field_fail *fail, enum field_why why, const char *name,
    size_t index)
{
	fail->why = why;
	fail->name = name;
	fail->index = index;
	return why;
}

/* The checks of one value of a field given at most once. */
static enum field_why
check_one(const struct field *f, const char *v)
{
	if (v != NULL && f->max > 0 && strlen(v) > f->max)
		return FIELD_TOOLONG;
	if (v == NULL && (f->flags & FIELD_REQUIRED))
		return FIELD_MISSING;
	if (v != NULL && f->valid != NULL && !f->valid(v))
		return FIELD_INVALID;
	return FIELD_OK;
}

enum field_why
field_check(const struct params *p, const struct field *t, size_t n,
    int flags, const char **values, struct field_fail *fail)
{
	enum field_why	 why = FIELD_OK;
	const char	*v;
	size_t		 i, k;

	fail->why = FIELD_OK;
	fail->name = NULL;
	fail->index = n;
	if (flags & FIELD_STRICT)
		for (i = 0; i < p->n && why == FIELD_OK; i++) {
			if ((k = lookup(t, n, p->v[i].name)) == n)
				why = failed(fail, FIELD_UNKNOWN,
				    p->v[i].name, n);
			else if (occurs(p, t[k].name, &v) > 1)
				why = failed(fail, FIELD_REPEATED,
				    t[k].name, k);
		}
	for (i = 0; i < n && why == FIELD_OK; i++)
		if (occurs(p, t[i].name, &v) > 1)
			why = failed(fail, FIELD_REPEATED, t[i].name, i);
	for (i = 0; i < n && why == FIELD_OK; i++) {
		occurs(p, t[i].name, &v);
		if (v != NULL && *v == '\0')
			v = NULL;
		if ((why = check_one(&t[i], v)) != FIELD_OK)
			failed(fail, why, t[i].name, i);
		else if (values != NULL)
			values[i] = v;
	}
	/* A handler never sees a value of a request that failed. */
	if (why != FIELD_OK && values != NULL)
		for (i = 0; i < n; i++)
			values[i] = NULL;
	return why;
}
