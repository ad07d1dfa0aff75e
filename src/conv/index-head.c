/* index-head: the index head in memory and the key order (see index-head.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conv/index-head.h"

int
index_keycmp(int64_t at, const char *aid, int64_t bt, const char *bid)
{
	if (at != bt)
		return at > bt ? 1 : -1;
	return strcmp(aid, bid);
}

static void
id_free(const struct index_head *h, char *id)
{
	uintptr_t at = (uintptr_t)id, ids = (uintptr_t)h->ids;

	if (h->ids == NULL || at < ids || at - ids >= h->ids_len)
		free(id);
}

void
index_ref_ids_free(const struct index_head *h, struct index_ref *r)
{
	id_free(h, r->hi_id);
	id_free(h, r->lo_id);
	r->hi_id = r->lo_id = NULL;
}

void
index_head_free(struct index_head *h)
{
	size_t i;

	for (i = 0; i < h->nrefs; i++)
		index_ref_ids_free(h, &h->refs[i]);
	free(h->refs);
	free(h->gone);
	free(h->ids);
	memset(h, 0, sizeof(*h));
}

int64_t
index_entry_t(const json_t *e)
{
	return json_integer_value(json_object_get(e, "t"));
}

const char *
index_entry_id(const json_t *e)
{
	const char *id = json_string_value(json_object_get(e, "id"));

	return id ? id : "";
}
