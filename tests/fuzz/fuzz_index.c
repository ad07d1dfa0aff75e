/*
 * fuzz_index: the stored forms of a user's conversation index (cpage.c),
 * read back from the database. The input is a stored value, tried as a page,
 * as a head and as a head's delta. Promises checked: damage is refused, never misread; a page
 * or head that decodes encodes again and decodes to the same thing.
 */
#include <string.h>

#include "cpage.h"
#include "util.h"
#include "fuzz.h"

static void
page(const char *val, size_t len)
{
	struct buf	 b = { 0 };
	json_t		*e, *again;

	if ((e = cpage_decode(val, len)) == NULL)
		return;
	FUZZ_ASSERT(json_is_array(e));
	/* 1.0's JSON pages may lack fields; binary ones never do. */
	if (cpage_encode(e, &b) == 0) {
		FUZZ_ASSERT((again = cpage_decode(b.data, b.len)) != NULL);
		FUZZ_ASSERT(json_array_size(again) == json_array_size(e));
		json_decref(again);
	} else
		FUZZ_ASSERT(len > 0 && val[0] == '[');
	buf_free(&b);
	json_decref(e);
}

/* A head decoded again from its own encoding is the same head. */
static void
same_head(const struct convdb_head *h, const struct convdb_head *again)
{
	size_t i;

	FUZZ_ASSERT(again->nrefs == h->nrefs && again->n == h->n &&
	    again->visible == h->visible && again->next == h->next);
	for (i = 0; i < h->nrefs; i++)
		FUZZ_ASSERT(again->refs[i].page == h->refs[i].page &&
		    again->refs[i].hi_t == h->refs[i].hi_t &&
		    strcmp(again->refs[i].hi_id, h->refs[i].hi_id) == 0 &&
		    strcmp(again->refs[i].lo_id, h->refs[i].lo_id) == 0);
}

static void
head(const char *val, size_t len)
{
	struct convdb_head	 h, again;
	struct buf		 b = { 0 };

	memset(&h, 0, sizeof(h));
	if (chead_decode(val, len, &h) != STORE_OK) {
		FUZZ_ASSERT(h.refs == NULL && h.nrefs == 0);
		return;
	}
	FUZZ_ASSERT(chead_encode(&h, &b) == 0);
	memset(&again, 0, sizeof(again));
	FUZZ_ASSERT(chead_decode(b.data, b.len, &again) == STORE_OK);
	same_head(&h, &again);
	convdb_head_free(&again);
	convdb_head_free(&h);
	buf_free(&b);
}

/* A delta applied to an empty head: refused, or encoded again (all of
 * its references are dirty) to the same references. */
static void
delta(const char *val, size_t len)
{
	struct convdb_head	 h, again;
	struct buf		 b = { 0 };
	size_t			 i;

	memset(&h, 0, sizeof(h));
	if (chead_delta_apply(val, len, &h) != STORE_OK) {
		convdb_head_free(&h);
		return;
	}
	for (i = 0; i < h.nrefs; i++)
		FUZZ_ASSERT(h.refs[i].dirty);
	FUZZ_ASSERT(chead_delta_encode(&h, &b) == 0);
	memset(&again, 0, sizeof(again));
	FUZZ_ASSERT(chead_delta_apply(b.data, b.len, &again) == STORE_OK);
	same_head(&h, &again);
	convdb_head_free(&again);
	convdb_head_free(&h);
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	page((const char *)data, size);
	head((const char *)data, size);
	delta((const char *)data, size);
	return 0;
}
