/*
 * sindex (sindex_*): the search index, in the same store as the
 * conversations and changed in the same session as the conversation it
 * describes, so the two commit (or vanish) together: there is no moment,
 * crash or not, at which one is on disk without the other.
 *
 * A word index. Every text a search looks at (title, overview, each
 * transcript segment) is folded as search.c folds it and cut into words,
 * the runs of letters and digits; each word of a conversation gets a
 * posting: the conversation's number (docno, given in arrival order), a
 * bit saying whether the wearer said it (a segment with is_user), and its
 * weighted count (title 3, overview 2, transcript 1) for ranking. A query
 * term is folded and cut the same way; a conversation that contains the
 * term contains each of its pieces inside one of its words, so the
 * conversations of the words that hold a piece (found in the user's
 * vocabulary by substring) are a superset of the matches, and the exact
 * check then runs on those only. See docs/storage.md for the records.
 *
 *   sh:<uid>            head: version, next docno, live count, total words,
 *                       vocabulary chunks, newest key, order state
 *   si:<uid>:<k>        ids of docnos 64k..64k+63 (sindex-docs.c)
 *   sn:<uid>:<b>        docnos by the hash of their id, many to a record
 *   st:<uid>:<k>        docnos 64k..64k+63: created_at (t) and word count
 *   sx:<uid>            docnos that arrived out of (t, id) order
 *   sp:<uid>            docnos whose postings wait for a batch of
 *                       SINDEX_PENDING (every search checks them)
 *   sv:<uid>:<k>        vocabulary chunk: "\nword\nword\n"
 *   sg:<uid>:<b>        the vocabulary chunks holding each byte bigram
 *                       and trigram, for the full chunks (sindex-gram.c)
 *   sw:<uid>:<word>     postings head: vocabulary chunk, count, sealed
 *                       chunks, then the newest postings
 *   sq:<uid>:<b>        the heads of the words with few postings, many
 *                       to a record (sindex-whead.c)
 *   swd:<uid>:<word>    first docno of each sealed chunk
 *   sc:<uid>:<word>:<k> sealed chunk k of a word's postings
 */
#ifndef OMI_SINDEX_H
#define OMI_SINDEX_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "conv/search.h"
#include "lib/err.h"
#include "store/store.h"

#define SINDEX_VERSION	2
#define SINDEX_BUILDING	0	/* a head being rebuilt: not used yet */

/*
 * The number of words of a conversation (raw is the OMI JSON as stored;
 * doc, when not NULL, the same JSON already parsed), repeats included, as
 * the index counts them: what sindex_add needs of it, worked out before a
 * session takes the lock.
 */
enum omi_err	 sindex_count_words(const char *raw, size_t len,
		    const json_t *doc, uint64_t *count);
/*
 * Adds a stored conversation of words words (sindex_count_words) under a
 * new docno; its postings come in a later batch, from the stored record.
 * The caller has already removed the version it replaces. A user without
 * an index gets one only when user_was_empty (before this conversation):
 * one who had conversations before the index existed waits for omi-admin
 * reindex, and searches read everything meanwhile.
 */
enum omi_err	 sindex_add(struct store *, const char *uid, const char *id,
		    int64_t t, uint64_t words, int user_was_empty);
/* Removes a conversation, given the JSON it was indexed from. */
enum omi_err	 sindex_remove(struct store *, const char *uid, const char *id,
		    const char *raw, size_t len);
/*
 * Writes the postings still waiting in sp:<uid> now (a delivery does
 * that every SINDEX_PENDING conversations; a rebuild at its end).
 */
enum omi_err	 sindex_flush(struct store *, const char *uid);
/* Queues the deletion of every search record of a user (full key scan). */
enum omi_err	 sindex_drop_user(struct store *, const char *uid);
/*
 * A rebuild (omi-admin reindex), in as many sessions as it takes: start
 * drops the user's index and leaves a head marked as building (searches
 * read everything until end); build_add adds one conversation unless a
 * delivery meanwhile did; end puts the index to use.
 */
enum omi_err	 sindex_build_start(struct store *, const char *uid);
enum omi_err	 sindex_build_add(struct store *, const char *uid,
		    const char *id, int64_t t, const char *raw, size_t len);
enum omi_err	 sindex_build_end(struct store *, const char *uid);
/* 1 when key is one of the search index's records (of any user). */
int		 sindex_record(const char *key);
/* 1 when the user has an index of this version (0: search reads all). */
int		 sindex_usable(struct store *, const char *uid);

struct sindex_stats {
	unsigned	 version;	/* SINDEX_BUILDING: being rebuilt */
	uint64_t	 conversations, words;
	size_t		 problems;
};

/*
 * Cross-checks a user's index against the conversations, calling problem
 * with a description for each fault. OMI_NOTFOUND: the user has no index.
 */
enum omi_err	 sindex_check(struct store *, const char *uid,
		    void (*problem)(void *ctx, const char *what,
		    const char *uid), void *ctx, struct sindex_stats *);

/* One candidate conversation, in the order the caller asked for. */
struct sindex_hit {
	uint64_t	 docno;
	int64_t		 t;
	char		 id[129];
	double		 score;		/* relevance order only */
};

/*
 * A query's candidates. sindex_query() reads the postings once; then
 * sindex_next() yields candidates newest first (by (t, id), below the
 * bound set by sindex_start), or, for relevance, best first.
 */
struct sindex_query;

/*
 * Returns OMI_OK with *q set, OMI_NOTFOUND when the index cannot narrow
 * the search (no index, or every term too common to be worth it: the
 * caller walks the conversations as before), or the store's error.
 */
enum omi_err	 sindex_query(struct store *, const char *uid,
		    const struct search *, int speaker_user, int by_relevance,
		    struct sindex_query **q);
/*
 * Every indexed conversation as a candidate, newest first, for a search
 * whose terms the index cannot narrow: the walk needs no listing head
 * (which grows with the conversations). OMI_NOTFOUND when there is no
 * index or its order is lost (too many exceptions).
 */
enum omi_err	 sindex_all(struct store *, const char *uid,
		    struct sindex_query **q);
/*
 * A newest-first query reads its candidates by windows of docnos, the
 * first sized for about sindex_window_postings postings of its rarest
 * piece (sindex_window_min docnos at least), each next one twice as big.
 * A piece in more than 1 / sindex_dense_share of the conversations (4:
 * a quarter), and in at least sindex_dense_min, is too common to read.
 * sindex_all declines a user with more than sindex_all_except_max
 * conversations out of order. Variables so that a test can change them:
 * many windows, and many walks over all.
 */
extern uint64_t	 sindex_window_postings, sindex_window_min;
extern uint64_t	 sindex_dense_share, sindex_dense_min;
extern uint64_t	 sindex_all_except_max;
/* Newest first: candidates with key (t, id) below (t, id) (after == 1). */
enum omi_err	 sindex_start(struct sindex_query *, int after, int64_t t,
		    const char *id);
/* OMI_OK with *h filled, OMI_NOTFOUND at the end. */
enum omi_err	 sindex_next(struct sindex_query *, struct sindex_hit *h);
/*
 * The candidates held now: all of a relevance query's; a newest-first
 * query's current window; a walk over all, the conversations indexed.
 */
size_t		 sindex_count(const struct sindex_query *);
void		 sindex_query_free(struct sindex_query *);
#endif
