/*
 * sindex-impl.h: what the search index's files share (see sindex.h);
 * nobody else includes it.
 */
#ifndef OMI_SINDEX_IMPL_H
#define OMI_SINDEX_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/err.h"
#include "store/store.h"

#define SINDEX_WORD_MAX		48	/* bytes; longer words share "" */
#define SINDEX_ST_CHUNK		64	/* docnos per st: record */
#define SINDEX_ST_ENTRY		12	/* t (8), words (4) */
#define SINDEX_TAIL_MAX		256	/* bytes of postings in a head */
#define SINDEX_CHUNK_MAX	4096	/* bytes of a sealed chunk */
#define SINDEX_HEAD_ALIGN	16	/* a head's size is a multiple */
#define SINDEX_VOCAB_MAX	2048	/* bytes of a vocabulary chunk */
#define SGRAM_BUCKETS		256	/* sg: records of a user */
#define SINDEX_INLINE_MAX	24	/* postings bytes of a word kept in sq: */
#define SINDEX_WBUCKETS		4096	/* sq: records of a user */
#define SINDEX_DBUCKETS		1024	/* sn: records of a user */
#define SINDEX_EXCEPT_MAX	4096	/* out-of-order docnos kept apart */
#define SINDEX_PENDING		32	/* conversations whose postings wait */
#define SINDEX_SAT_MIN		1024	/* a word in fewer is never saturated */

/*
 * A word in more than a quarter of a user's conversations (and in at least
 * SINDEX_SAT_MIN) is saturated: its postings are dropped and no more are
 * kept, only its count. A search never reads such a list (it would narrow
 * nothing: see sindex-query.c), and the commonest words are most of the
 * postings a delivery writes and of the index's bytes.
 */
#define SINDEX_SATURATED(df, live) \
	((df) >= SINDEX_SAT_MIN && (df) > (live) / 4)
#define SINDEX_T_DELETED	INT64_MIN

/* sh:<uid> */
struct sindex_head {
	unsigned	 version;
	uint64_t	 next;		/* the next docno */
	uint64_t	 live;		/* conversations indexed */
	uint64_t	 words;		/* their total word count */
	uint64_t	 nvocab;	/* vocabulary chunks */
	int		 disordered;	/* more exceptions than sx: holds */
	int64_t		 max_t;		/* the newest key ever added in order */
	char		 max_id[129];
};

/* One posting. */
struct spost {
	uint64_t	 docno;
	unsigned	 user;		/* 1: in a segment marked is_user */
	unsigned	 wtf;		/* weighted count, 1..255 */
};

/* A word's head, decoded; tail points into the record. */
struct sword_head {
	uint64_t		 vchunk;
	uint64_t		 df;		/* conversations holding the word */
	uint64_t		 nsealed;
	uint64_t		 saturated;	/* 1: too common to keep postings */
	const unsigned char	*tail;
	size_t			 tail_len;
	int			 where;		/* WHEAD_*: where it is stored */
};
#define WHEAD_NEW	0	/* nowhere yet */
#define WHEAD_SW	1	/* sw:<uid>:<word> */
#define WHEAD_BUCKET	2	/* among others in sq: (sindex-whead.c) */

/* sindex-codec.c */
int	 sv_put(struct buf *, uint64_t);
int	 sv_get(const unsigned char **, const unsigned char *, uint64_t *);
int	 spost_put(struct buf *, uint64_t *prev, const struct spost *);
/* 1 with *e filled, 0 at the end, -1 for a malformed list. */
int	 spost_next(const unsigned char **, const unsigned char *,
	    uint64_t *prev, struct spost *);
int	 sword_head_decode(const char *, size_t, struct sword_head *);
int	 sword_head_encode(struct buf *, const struct sword_head *,
	    const void *tail, size_t tail_len);
int	 shead_decode(const char *, struct sindex_head *);
/*
 * A vocabulary chunk is "\nword\n...word\n" then zeros to
 * SINDEX_VOCAB_MAX bytes (kept at one size, so rewritten in place); the
 * bytes up to its last newline.
 */
size_t	 vocab_used(const char *, size_t);
int	 shead_encode(struct buf *, const struct sindex_head *);

/* keys (malloc'd; NULL when out of memory) */
char	*skey(const char *prefix, const char *uid);
char	*skey_s(const char *prefix, const char *uid, const char *s);
char	*skey_n(const char *prefix, const char *uid, uint64_t n);
char	*skey_sn(const char *prefix, const char *uid, const char *s,
	    uint64_t n);

/* sindex-words.c: the words of one conversation */
struct sword {
	char		*w;		/* "" for the words too long to index */
	unsigned	 wtf;
	unsigned	 user;
};

struct swords {
	struct sword	*v;		/* open addressing, n of cap used */
	size_t		 n, cap;
	uint64_t	 count;		/* words seen, repeats included */
	int		 count_only;	/* count them, keep none (no v) */
	struct buf	 fold;
};

enum omi_err	 swords_collect(struct swords *, const char *raw,
		    size_t len);
/* Adds the words of one folded text. */
enum omi_err	 swords_text(struct swords *, const char *text, size_t len,
		    unsigned weight, unsigned user);
void		 swords_free(struct swords *);
/* Cuts a folded query term into its pieces (NUL-separated into out). */
size_t		 swords_pieces(const char *term, struct buf *out);
/* The hash every table of the index uses (FNV-1a, folded). */
size_t		 sword_hash(const char *, size_t);

/* sindex-docs.c: docno to id (si:) and back (sn:) */
/* The id of docno (malloc'd); OMI_NOTFOUND when it has none. */
enum omi_err	 sdoc_id(struct store *, const char *uid, uint64_t docno,
		    char **id);
enum omi_err	 sdoc_find(struct store *, const char *uid, const char *id,
		    uint64_t *docno);
enum omi_err	 sdoc_set(struct store *, const char *uid, const char *id,
		    uint64_t docno);
/* Forgets id both ways; OMI_NOTFOUND when it was not there. */
enum omi_err	 sdoc_unset(struct store *, const char *uid, const char *id);
/* Slot (0..63) of an si: record: its id, "" for none; -1 malformed. */
int		 sdoc_slot(const char *val, size_t len, unsigned slot,
		    const char **id, size_t *idlen);
/* The entries of an sn: bucket; -1 when malformed. */
int		 sdoc_bucket_count(const char *val, size_t len, size_t *n);

/* sindex-whead.c: where a word's head lives */
/*
 * The head of word (OMI_NOTFOUND: none); *val holds the bytes its tail
 * points into (the caller frees it, whatever the result).
 */
enum omi_err	 whead_get(struct store *, const char *uid, const char *word,
		    struct sword_head *, char **val);
/* Stores a word's head where it belongs now, moving it if need be. */
enum omi_err	 whead_put(struct store *, const char *uid, const char *word,
		    const struct sword_head *, const void *tail,
		    size_t tail_len);
enum omi_err	 whead_del(struct store *, const char *uid, const char *word,
		    const struct sword_head *);
/* Calls fn with each head of a bucket record; -1 when malformed. */
int		 sbucket_walk(const char *val, size_t len,
		    int (*fn)(void *, const char *word,
		    const struct sword_head *, const char *entry,
		    size_t entry_len), void *ctx);

/* sindex-gram.c: the n-grams of the sealed vocabulary chunks */
/* Lists a full vocabulary chunk's n-grams under its number. */
enum omi_err	 sgram_seal(struct store *, const char *uid, uint64_t chunk,
		    const char *vocab, size_t len);
/*
 * Takes chunk out of the lists of word's n-grams that no word left in the
 * chunk (vocab, as rewritten without word) has: a deleted word leaves no
 * fragment of itself behind.
 */
enum omi_err	 sgram_unlist(struct store *, const char *uid, uint64_t chunk,
		    const char *word, const char *vocab, size_t len);
/*
 * The sealed chunks (ascending, malloc'd) whose words may hold piece;
 * OMI_NOTFOUND when the piece is one byte, too short to look up.
 */
enum omi_err	 sgram_chunks(struct store *, const char *uid,
		    const char *piece, uint64_t **chunks, size_t *n);
/* Calls fn with each n-gram of each word of a vocabulary chunk. */
int		 sgram_collect(const char *vocab, size_t len,
		    int (*fn)(void *, const unsigned char *, size_t),
		    void *ctx);
/* All of a user's n-gram lists in memory, for omi-admin check. */
struct sgram_map;
enum omi_err	 sgram_map_load(struct store *, const char *uid,
		    uint64_t sealed, struct sgram_map **, int *malformed);
/* 1 when the list of n-gram g holds chunk. */
int		 sgram_map_has(const struct sgram_map *,
		    const unsigned char *g, size_t glen, uint64_t chunk);
void		 sgram_map_free(struct sgram_map *);
/* Calls fn with each n-gram and its chunks; stops when fn returns -1. */
int		 sgram_map_each(const struct sgram_map *,
		    int (*fn)(void *, const unsigned char *g, size_t glen,
		    const uint64_t *chunks, size_t n), void *ctx);
/* Calls fn with each entry of a bucket record; -1 when malformed. */
int		 sgram_bucket_walk(const char *val, size_t len,
		    int (*fn)(void *, const unsigned char *g, size_t glen,
		    uint64_t count, const unsigned char *list,
		    size_t list_len), void *ctx);

/* sindex.c */
/* Deletes key and frees it (OMI_NOMEM when key is NULL: skey failed). */
enum omi_err	 del_key(struct store *, char *key);
/* sindex.c, for the query side */
/* sx:<uid> or sp:<uid>: a sorted list of docnos (malloc'd). */
enum omi_err	 dlist_load(struct store *, const char *prefix,
		    const char *uid, uint64_t **, size_t *);
enum omi_err	 shead_load(struct store *, const char *uid,
		    struct sindex_head *);
enum omi_err	 st_load(struct store *, const char *uid, uint64_t chunk,
		    char **val, size_t *len);
#endif
