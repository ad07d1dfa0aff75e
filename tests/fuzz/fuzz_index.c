/*
 * fuzz_index: the stored forms of a user's conversation index
 * (conv/index-codec.c),
 * read back from the database. The input is a stored value, tried as a page,
 * as a head and as a head's delta. Promises checked: damage is refused, never
 * misread; a page or head that decodes encodes again and decodes to the same
 * thing; the pager's lazy walk over a page reads what the decode reads.
 */
#include <string.h>

#include "conv/index-codec.h"
#include "fuzz.h"
#include "lib/buf.h"

/* The walk ends cleanly exactly when the decode succeeds, with the same
 * entries; it may also stop at an id the webhook would never store. */
static void
walk(const char *val, size_t len, const json_t *decoded)
{
	struct codec_page_walk	 w;
	const json_t		*want;
	json_t			*got;
	char			 id[CONV_ID_MAX + 1];
	const char		*wid;
	int64_t			 t;
	size_t			 i = 0;
	enum omi_err		 rc;
	int			 discarded;

	if (codec_page_walk_start(&w, val, len) != OMI_OK) {
		FUZZ_ASSERT(decoded == NULL);
		return;
	}
	while ((rc = codec_page_walk_next(&w, &t, id, &discarded)) ==
	    OMI_OK) {
		FUZZ_ASSERT((got = codec_page_walk_entry(&w)) != NULL);
		if (decoded != NULL) {
			want = json_array_get(decoded, i);
			FUZZ_ASSERT(json_equal(got, want));
			FUZZ_ASSERT(t == json_integer_value(json_object_get(
			    want, "t")));
		}
		json_decref(got);
		i++;
	}
	FUZZ_ASSERT(rc == OMI_NOTFOUND || rc == OMI_CORRUPT);
	if (rc == OMI_NOTFOUND)
		FUZZ_ASSERT(decoded != NULL && i == json_array_size(decoded));
	else if (decoded != NULL) {
		want = json_object_get(json_array_get(decoded, i), "id");
		wid = json_string_value(want);
		FUZZ_ASSERT(wid != NULL && (json_string_length(want) >
		    CONV_ID_MAX || strlen(wid) != json_string_length(want)));
	}
	codec_page_walk_end(&w);
}

static void
page(const char *val, size_t len)
{
	struct buf	 b = { 0 };
	json_t		*e, *again;
	enum omi_err	 err;

	err = codec_page_decode(val, len, &e);
	/* OMI_NOMEM only without memory */
	FUZZ_ASSERT(err == OMI_OK || err == OMI_CORRUPT);
	FUZZ_ASSERT((err == OMI_OK) == (e != NULL));
	walk(val, len, e);
	if (e == NULL)
		return;
	FUZZ_ASSERT(json_is_array(e));
	/* 1.0's JSON pages may lack fields; binary ones never do. */
	if (codec_page_encode(e, &b) == OMI_OK) {
		FUZZ_ASSERT(codec_page_decode(b.data, b.len, &again) ==
		    OMI_OK && again != NULL);
		FUZZ_ASSERT(json_array_size(again) == json_array_size(e));
		json_decref(again);
	} else
		FUZZ_ASSERT(len > 0 && val[0] == '[');
	buf_free(&b);
	json_decref(e);
}

/* A head decoded again from its own encoding is the same head. */
static void
same_head(const struct index_head *h, const struct index_head *again)
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
	struct index_head	 h, again;
	struct buf		 b = { 0 };

	memset(&h, 0, sizeof(h));
	if (codec_head_decode(val, len, &h) != OMI_OK) {
		FUZZ_ASSERT(h.refs == NULL && h.nrefs == 0);
		return;
	}
	FUZZ_ASSERT(codec_head_encode(&h, &b) == 0);
	memset(&again, 0, sizeof(again));
	FUZZ_ASSERT(codec_head_decode(b.data, b.len, &again) == OMI_OK);
	same_head(&h, &again);
	index_head_free(&again);
	index_head_free(&h);
	buf_free(&b);
}

/* A delta applied to an empty head: refused, or encoded again (all of
 * its references are dirty) to the same references. */
static void
delta(const char *val, size_t len)
{
	struct index_head	 h, again;
	struct buf		 b = { 0 };
	size_t			 i;

	memset(&h, 0, sizeof(h));
	if (codec_head_delta_apply(val, len, &h) != OMI_OK) {
		index_head_free(&h);
		return;
	}
	for (i = 0; i < h.nrefs; i++)
		FUZZ_ASSERT(h.refs[i].dirty);
	FUZZ_ASSERT(codec_head_delta_encode(&h, &b) == 0);
	memset(&again, 0, sizeof(again));
	FUZZ_ASSERT(codec_head_delta_apply(b.data, b.len, &again) == OMI_OK);
	same_head(&h, &again);
	index_head_free(&again);
	index_head_free(&h);
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
