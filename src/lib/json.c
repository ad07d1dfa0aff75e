/* json: see json.h. */
#include <stdlib.h>

#include <jansson.h>

#include "lib/json.h"

/*
 * Jansson's allocations go through json_alloc, which notes a failure: Jansson
 * reports some of them as a syntax error ("invalid token" where a string
 * buffer could not grow), and a sender must not be told its valid document
 * is invalid because this process ran short of memory.
 */
static int json_alloc_failures;

static void *
json_alloc(size_t n)
{
	void *p = malloc(n);

	if (p == NULL)
		json_alloc_failures++;
	return p;
}

void
json_alloc_watch(void)
{
	json_set_alloc_funcs(json_alloc, free);
}

json_t *
json_loadb_checked(const char *text, size_t len, size_t flags,
    json_error_t *err, int *oom)
{
	json_t	*j;

	json_alloc_failures = 0;
	j = json_loadb(text, len, flags, err);
	/* A parse error always has a text; a failed allocation can leave
	 * json_loadb's initial, empty one, or pass for "invalid token". */
	*oom = j == NULL && (json_alloc_failures != 0 ||
	    json_error_code(err) == json_error_out_of_memory ||
	    err->text[0] == '\0');
	return j;
}

const char *
json_str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s != NULL ? s : "";
}
