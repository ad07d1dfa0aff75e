/*
 * listing (listing_*): walks one user's conversation index newest first, from
 * the top or from a position, applying the list filters, without ever
 * reading another user's records. The walk uses the page references in the
 * index head (each with its newest and oldest key and its counts) to skip
 * whole pages: pages newer than the position or than end_date, and, for an
 * offset, whole pages whose matches can be counted without opening them. It
 * opens only the pages it needs, and reads a conversation record only to
 * search its transcript, within a byte budget per request.
 *
 * A position is "after key (t, id), then skip n more matches". Resuming
 * after a key (rather than at an offset) is what makes cursor paging visit
 * every conversation exactly once while new ones keep arriving. Cursors
 * are that position as base64url text; they carry nothing secret and are
 * only ever applied to the caller's own index.
 */
#ifndef OMI_CONV_LISTING_H
#define OMI_CONV_LISTING_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "conv/index.h"
#include "conv/ingest.h"
#include "conv/search.h"
#include "store/store.h"

#define LISTING_CURSOR_MAX	256	/* characters of an encoded cursor */
#define LISTING_SKIP_MAX		1000000000ULL

struct listing_filter {
	int64_t		 since;		/* inclusive, µs; INT64_MIN: open */
	int64_t		 until;		/* inclusive, µs; INT64_MAX: open */
	const char	*category;	/* NULL: any (else ASCII case-insensitive) */
	int		 include_discarded;
	struct search	*search;	/* NULL: no text search */
	int		 speaker_user;	/* 1: the search looks only at the
					   wearer's own words: transcript
					   segments marked is_user (not the
					   title, not the overview) */
	int		 by_relevance;	/* 1: best match first (BM25), paged
					   by skip; 0: newest first */
	int		 full_scan;	/* 1: ignore the search index and read
					   every conversation (tests, check) */
	size_t		 scan_budget;	/* bytes of records one search may read
					   (the first record: all of it) */
};

struct listing_pos {
	int		 relevance;	/* a place in a ranking: skip only */
	int		 after;		/* 1: after (t, id); 0: from the newest */
	int64_t		 t;
	char		 id[CONV_ID_MAX + 1];
	uint64_t	 skip;		/* matches to pass over first */
};

struct listing_page {
	json_t		*entries;	/* matches, newest first (owned) */
	int		 more;		/* a match exists after the last entry */
	int		 stopped;	/* the search budget ran out first */
	struct listing_pos resume;	/* where to go on when stopped */
	size_t		 pages_read;	/* index pages opened */
	size_t		 records_read;	/* conversations read for the search */
	size_t		 bytes_read;	/* of records searched (of the one the
					   budget stopped in, up to there) */
};

/*
 * Collects up to limit matches from position from, and finds out whether
 * another one follows. Returns OMI_OK with pg filled (free it with
 * listing_page_free), or the store's error. The head is read into *h
 * (zeroed by the caller, freed by it with index_head_free) only when the
 * walk needs it: a search the search index answers does not, and at
 * 100,000 conversations the head is 170 KB.
 */
enum omi_err	 listing_fetch(struct store *, const char *uid,
		    struct index_head *, const struct listing_filter *,
		    const struct listing_pos *from, size_t limit,
		    struct listing_page *pg);
/*
 * Counts every match of a filter without a text search, opening only the
 * index pages that straddle a date bound (all pages in range when a
 * category is given).
 */
enum omi_err	 listing_total(struct store *, const char *uid,
		    const struct index_head *, const struct listing_filter *,
		    size_t *total);
void		 listing_page_free(struct listing_page *);

/*
 * The position after the first n of the entries a fetch from `from`
 * returned (n > 0): after the last one's key, or, in a ranking, n more
 * matches on.
 */
void		 listing_pos_after(const struct listing_filter *,
		    const struct listing_pos *from, const json_t *entries,
		    size_t n, struct listing_pos *out);

/* Encodes a position as a cursor; malloc'd, NULL when out of memory. */
char		*listing_cursor_encode(const struct listing_pos *);
/*
 * Decodes a cursor; 0, or -1 when it is not one this server made. A
 * ranking's cursor sets relevance: the caller refuses it for a list in
 * date order, and the other way round.
 */
int		 listing_cursor_decode(const char *, struct listing_pos *);
#endif
