/*
 * json: Jansson's allocations watched, parsing that tells a failed
 * allocation from a document that is not JSON, and a string member read
 * with "" for a missing one.
 */
#ifndef OMI_LIB_JSON_H
#define OMI_LIB_JSON_H

#include <stddef.h>

#include <jansson.h>

/* Routes Jansson's allocations through a counter of failures (call once). */
void	 json_alloc_watch(void);
/* json_loadb that tells a failed allocation (*oom set: not the sender's
 * fault) from a document that is not JSON (NULL, *oom clear, err says why). */
json_t	*json_loadb_checked(const char *, size_t, size_t flags, json_error_t *,
	    int *oom);
/* The string member key of obj, or "" when it is absent or not a string
 * (obj may be NULL). */
const char *json_str(const json_t *obj, const char *key);
#endif
