/*
 * index-codec (codec_page_*, codec_head_*): the stored form of a user's
 * conversation index: its head (cidx:<uid>) and pages (cpage:<uid>:<p>), see
 * index.h.
 *
 * Every list request reads the head and a page and every webhook delivery
 * rewrites both, so their encoding is on every hot path: parsing them as
 * JSON with Jansson was over half of a list request's instructions (the head
 * of a user with 10,000 conversations is 10 KB). They are stored in a
 * compact binary form instead (lengths, then bytes: nothing to scan); pages
 * are still handed around as the JSON array of summary objects the rest of
 * the code uses. Records written as JSON by version 1.0 read as before.
 */
#ifndef OMI_CPAGE_H
#define OMI_CPAGE_H

#include <stddef.h>

#include <jansson.h>

#include "conv/index-head.h"
#include "conv/ingest.h"
#include "lib/buf.h"
#include "store/store.h"

/* Appends entries (an array of summary objects) to out: OMI_OK,
 * OMI_INVALID for an entry without its fields, OMI_NOMEM. */
enum omi_err	 codec_page_encode(const json_t *entries, struct buf *out);
/* A page's bounds and counts after codec_page_insert; the ids point into the
 * stored page or the summary, not NUL-terminated. */
struct codec_page_bounds {
	int64_t		 hi_t, lo_t;
	const char	*hi_id, *lo_id;
	size_t		 hi_len, lo_len;
	size_t		 n, visible;
};

/*
 * Appends to out the stored page (val, len) with c's entry inserted in key
 * order, and fills *b. OMI_OK done, OMI_NOTFOUND declined (no place for a
 * splice: the page is full at max entries, empty, in 1.0's JSON form or
 * damaged; decode it instead), OMI_NOMEM.
 */
enum omi_err	 codec_page_insert(const char *val, size_t len,
		    const struct conv_summary *c, size_t max, struct buf *out,
		    struct codec_page_bounds *b);
/* The entries of a stored page (binary or JSON) into *entries (a new
 * reference, NULL on failure): OMI_OK, OMI_CORRUPT when it is damaged,
 * OMI_NOMEM. */
enum omi_err	 codec_page_decode(const char *val, size_t len,
		    json_t **entries);

/*
 * A walk over a stored page that builds summary objects only for the
 * entries asked for: a list of 20 from a page of 64 used to decode all 64.
 * The keys come from the stored bytes. A page in 1.0's JSON form is decoded
 * whole at the start.
 */
struct codec_page_walk {
	const unsigned char	*p, *end;
	const unsigned char	*cur;		/* the entry next() returned */
	size_t			 left;
	json_t			*legacy;	/* 1.0's page */
	size_t			 at;
};
/* OMI_OK, OMI_CORRUPT when the page is damaged, OMI_NOMEM (a 1.0 page is
 * decoded whole). */
enum omi_err	 codec_page_walk_start(struct codec_page_walk *,
		    const char *val, size_t len);
/* The next entry's key and discarded flag: OMI_OK, OMI_NOTFOUND after the
 * last, OMI_CORRUPT when the page is damaged there (an id over CONV_ID_MAX
 * bytes or holding a NUL is damage too). */
enum omi_err	 codec_page_walk_next(struct codec_page_walk *, int64_t *t,
		    char id[CONV_ID_MAX + 1], int *discarded);
/* The entry next() returned as a summary object (a new reference), or NULL
 * when memory ran out. */
json_t	*codec_page_walk_entry(struct codec_page_walk *);
void	 codec_page_walk_end(struct codec_page_walk *);

/* Appends the head; -1 when out of memory. */
int		 codec_head_encode(const struct index_head *, struct buf *out);
/* Fills h (zeroed by the caller) from a stored head: OMI_CORRUPT when it
 * is damaged, OMI_NOMEM. */
enum omi_err	 codec_head_decode(const char *val, size_t len,
		    struct index_head *h);
/*
 * The head's delta (cidxd:<uid>, see index.c): its totals, the pages gone
 * since the stored head and the references marked dirty. Applying it to
 * the decoded stored head gives the current head, with those references
 * marked dirty again and those pages in h->gone. On an error h is left
 * for index_head_free().
 */
int		 codec_head_delta_encode(const struct index_head *, struct buf *);
enum omi_err	 codec_head_delta_apply(const char *val, size_t len,
		    struct index_head *h);
/* Removes reference i, noting its page in h->gone; -1 out of memory. */
int		 codec_head_gone(struct index_head *h, size_t i);
#endif
