/*
 * index-head: the in-memory form of a user's conversation index head (see
 * index.h): the page references with their bounds and counts, and the key
 * order (t, id) that index.c, its stored form (index-codec.c) and the
 * listing all use. It sits below both index.c and index-codec.c, so neither
 * calls the other for it.
 */
#ifndef OMI_CONV_INDEX_HEAD_H
#define OMI_CONV_INDEX_HEAD_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct index_ref {
	int64_t	 page;
	int64_t	 hi_t, lo_t;
	char	*hi_id, *lo_id;
	size_t	 n;		/* conversations on the page */
	size_t	 visible;	/* of which not discarded */
	int	 dirty;		/* differs from the stored cidx */
};

struct index_head {
	size_t			 n, visible;
	int64_t			 next;	/* the next free page number */
	struct index_ref	*refs;
	size_t			 nrefs;
	int64_t			*gone;	/* pages dropped since cidx */
	size_t			 ngone;
	int			 based;	/* cidx exists */
	int			 loaded;	/* index_head_load filled it */
	/* The ids decoded from the stored head, each NUL-terminated: one
	 * allocation instead of two per reference (index-codec.c). */
	char			*ids;
	size_t			 ids_len;
};

void		 index_head_free(struct index_head *);
/* Frees r's ids unless they live in h->ids, and clears them. */
void		 index_ref_ids_free(const struct index_head *h,
		    struct index_ref *r);
/* A summary object's key: its t (0 when absent) and id ("" when absent). */
int64_t		 index_entry_t(const json_t *);
const char	*index_entry_id(const json_t *);
/* Compares keys (t, id): >0 when a is newer than b. */
int		 index_keycmp(int64_t at, const char *aid, int64_t bt,
		    const char *bid);
#endif
