/*
 * index (index_*): one user's conversations in the store, with a paged
 * index so that listing newest-first reads a few small records of that user
 * only, never the conversations themselves nor anybody else's data.
 *
 *   conv:<uid>:<id>     "<t>\n" then the raw OMI JSON as received
 *   cidx:<uid>          head: totals and the page list, newest page first
 *   cidxd:<uid>         the head's delta: what changed since cidx was written
 *   cpage:<uid>:<p>     page p: up to INDEX_PAGE_MAX summaries, newest first
 *
 * Order is (t, id) descending, t being created_at in microseconds. Each page
 * reference in the head carries the page's highest and lowest key and its
 * counts, so a reader finds the page holding any position or key without
 * opening the others. New conversations normally arrive newest-first and
 * open a fresh page at the front instead of splitting a full one.
 */
#ifndef OMI_CONV_INDEX_H
#define OMI_CONV_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "conv/index-head.h"
#include "conv/ingest.h"
#include "lib/buf.h"
#include "store/store.h"

#define INDEX_PAGE_MAX	64
/*
 * The front page (the newest) holds up to INDEX_FRONT_MAX: every delivery
 * rewrites it whole, so a small one keeps the bytes each delivery writes
 * (to the journal, the database and the scrub of the old value) small.
 * When it is full, a newer arrival moves its other entries into the next
 * page if they fit there, so pages behind it still fill to INDEX_PAGE_MAX.
 */
#define INDEX_FRONT_MAX	16

/* Stores (or replaces, by id) one conversation; *replaced tells which. */
enum omi_err	 index_put(struct store *, const char *uid,
		    const struct conv_summary *, const char *raw, size_t len,
		    int *replaced);
/*
 * index_put in two steps, for a writer that holds the lock no longer than
 * it must: what the conversation alone gives (its compressed record and
 * its count of words, about half a delivery's work in the index) is made
 * before the session, and the session then only reads and writes records.
 */
struct index_prep {
	struct buf	 rec;		/* the record to store (conv/record.h) */
	uint64_t	 words;		/* sindex_count_words */
};
/* doc: raw parsed (conv_ingest gives it), or NULL. */
enum omi_err	 index_prepare(const struct conv_summary *, const char *raw,
		    size_t len, const json_t *doc, struct index_prep *);
enum omi_err	 index_put_prepared(struct store *, const char *uid,
		    const struct conv_summary *, const struct index_prep *,
		    int *replaced);
void		 index_prep_free(struct index_prep *);
/* The raw OMI JSON of one conversation (malloc'd, NUL-terminated). */
enum omi_err	 index_get(struct store *, const char *uid, const char *id,
		    char **raw, size_t *len);
enum omi_err	 index_del(struct store *, const char *uid, const char *id);
/*
 * The summary object of a stored conversation (raw as index_get gives
 * it), the same as its page entry: what a search that found it by the
 * search index shows, without reading the head and page for it.
 */
enum omi_err	 index_summary(const char *raw, size_t len, const char *id,
		    int64_t t, json_t **entry);
/* Removes every conversation of a user; *count says how many. */
enum omi_err	 index_del_user(struct store *, const char *uid,
		    size_t *count);

/* Reads the head (an empty head when the user has nothing stored). */
enum omi_err	 index_head_load(struct store *, const char *uid,
		    struct index_head *);
/*
 * Reads one page as a JSON array of summary objects, newest first:
 * {"id","created_at","t","title","overview","category","emoji","discarded"}.
 * The caller owns the returned reference.
 */
enum omi_err	 index_page_load(struct store *, const char *uid,
		    int64_t page, json_t **entries);
/* The stored page itself (malloc'd), for codec_page_walk_start(). */
enum omi_err	 index_page_get(struct store *, const char *uid,
		    int64_t page, char **val, size_t *len);
#endif
