/*
 * record: JSON values stored under a key, the form every record but the raw
 * conversations takes. Reading rejects duplicate keys; a value that does not
 * decode is reported as OMI_CORRUPT.
 */
#ifndef OMI_RECORD_H
#define OMI_RECORD_H

#include <jansson.h>

#include "store/store.h"

/* Reads and decodes a record; the caller owns *out. */
enum omi_err	 record_get(struct store *, const char *key, json_t **out);
/* Encodes (compactly) and queues a record in the session. */
enum omi_err	 record_put(struct store *, const char *key, const json_t *);
#endif
