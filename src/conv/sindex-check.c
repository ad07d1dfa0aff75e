/*
 * sindex-check: omi-admin check's cross-check of a user's search index
 * against the conversations (see sindex.h). Every posting must name a
 * live docno, every conversation must hold as many postings as it has
 * distinct words, the counts in the heads must add up, and every word of
 * the vocabulary must have a head that points back at its chunk.
 */
#include <sys/types.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conv/index-codec.h"
#include "conv/index.h"
#include "conv/sindex-impl.h"
#include "conv/sindex.h"
#include "lib/text.h"

struct ck {
	struct store		*s;
	const char		*uid;
	struct sindex_head	 h;
	uint32_t		*want;		/* distinct words per docno */
	uint32_t		*have;		/* postings seen per docno */
	unsigned char		*live;
	uint64_t		*pend;		/* sp:, no postings yet */
	size_t			 npend;
	char			**sat;		/* saturated words, sorted */
	uint64_t		*sat_df;	/* conversations holding each */
	size_t			 nsat;
	void			(*problem)(void *, const char *, const char *);
	void			*ctx;
	size_t			 problems;
	size_t			 ids, id_entries;	/* in si:, sn: */
	int			 ids_bad;
	size_t			 bucketed;	/* heads found in sq: buckets */
	size_t			 entries;	/* heads the buckets hold */
	int			 bucket_bad;
};

static void
bad(struct ck *k, const char *what)
{
	k->problems++;
	k->problem(k->ctx, what, k->uid);
}

static int
bucket_count(void *ctx, const char *word, const struct sword_head *wh,
    const char *at, size_t len)
{
	(void)word;
	(void)wh;
	(void)at;
	(void)len;
	((struct ck *)ctx)->entries++;
	return 0;
}

/* Counts the heads of one sq: bucket. */
static int
bucket_key(void *ctx, const char *key)
{
	struct ck	*k = ctx;
	char		*val;
	size_t		 len;

	if (store_get(k->s, key, &val, &len) != OMI_OK) {
		k->bucket_bad = 1;
		return 0;
	}
	if (sbucket_walk(val, len, bucket_count, k) == -1)
		k->bucket_bad = 1;
	free(val);
	return 0;
}

/* Counts the ids of an si: record or the entries of an sn: bucket. */
static int
id_key(void *ctx, const char *key)
{
	struct ck	*k = ctx;
	const char	*id;
	char		*val;
	size_t		 len, n;
	unsigned	 i;

	if (store_get(k->s, key, &val, &len) != OMI_OK) {
		k->ids_bad = 1;
		return 0;
	}
	if (strncmp(key, "sn:", 3) == 0) {
		if (sdoc_bucket_count(val, len, &k->id_entries) == -1)
			k->ids_bad = 1;
	} else
		for (i = 0; i < SINDEX_ST_CHUNK; i++) {
			if (sdoc_slot(val, len, i, &id, &n) == -1) {
				k->ids_bad = 1;
				break;
			}
			k->ids += n > 0;
		}
	free(val);
	return 0;
}

/* A sealed vocabulary chunk's n-grams, each to be listed under it. */
struct gram_ck {
	const struct sgram_map	*map;
	uint64_t		 chunk;
	int			 missing;
};

/* The sealed chunks' texts, to see that each listed n-gram is in its chunk. */
struct gram_held {
	char		**text;
	size_t		*len;
	uint64_t	 n;
	int		 stray;
};

static int
gram_held(void *ctx, const unsigned char *g, size_t glen,
    const uint64_t *chunks, size_t n)
{
	struct gram_held	*gh = ctx;
	size_t			 i;

	for (i = 0; i < n; i++)
		if (chunks[i] >= gh->n || gh->text[chunks[i]] == NULL ||
		    memmem(gh->text[chunks[i]], gh->len[chunks[i]], g,
		    glen) == NULL)
			gh->stray = 1;
	return gh->stray ? -1 : 0;
}

static int
gram_listed(void *ctx, const unsigned char *g, size_t glen)
{
	struct gram_ck *gc = ctx;

	if (!sgram_map_has(gc->map, g, glen, gc->chunk))
		gc->missing = 1;
	return 0;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Index of w among the saturated words, or -1. */
static ssize_t
sat_find(const struct ck *k, const char *w)
{
	char	**at;

	if (k->nsat == 0)
		return -1;
	at = bsearch(&w, k->sat, k->nsat, sizeof(*k->sat), str_cmp);
	return at == NULL ? -1 : at - k->sat;
}

/* The saturated words, from the heads of the vocabulary's words. */
static enum omi_err
sat_collect(struct ck *k)
{
	struct sword_head	 wh;
	enum omi_err		 err = OMI_OK;
	char			*key, *val, *hv, *w, *nl, **nv;
	size_t			 len;
	uint64_t		 c;
	int			 last = 0;

	for (c = 0; c <= k->h.nvocab && err == OMI_OK; c++) {
		val = NULL;
		len = 0;
		if (c == k->h.nvocab) {
			/* and the long words' entry */
			if ((val = strdup("\n\n")) == NULL)
				return OMI_NOMEM;
			len = 2;
			last = 1;
		} else {
			if ((key = skey_n("sv", k->uid, c)) == NULL)
				return OMI_NOMEM;
			err = store_get(k->s, key, &val, &len);
			free(key);
			if (err == OMI_NOTFOUND) {
				err = OMI_OK;
				continue;
			}
			if (err != OMI_OK)
				break;
		}
		for (w = val + 1; err == OMI_OK && w < val + len &&
		    (nl = memchr(w, '\n', (size_t)(val + len - w))) != NULL;
		    w = nl + 1) {
			*nl = '\0';
			if (*w == '\0' && !last)
				continue;
			err = whead_get(k->s, k->uid, w, &wh, &hv);
			if (err == OMI_NOTFOUND || err == OMI_CORRUPT) {
				free(hv);
				err = OMI_OK;	/* check_word tells */
				continue;
			}
			if (err != OMI_OK)
				break;
			if (wh.saturated) {
				if ((nv = reallocarray(k->sat, k->nsat + 1,
				    sizeof(*nv))) == NULL ||
				    (nv[k->nsat] = strdup(w)) == NULL) {
					if (nv != NULL)
						k->sat = nv;
					err = OMI_NOMEM;
				} else {
					k->sat = nv;
					k->nsat++;
				}
			}
			free(hv);
		}
		free(val);
	}
	if (err == OMI_OK && k->nsat > 0) {
		qsort(k->sat, k->nsat, sizeof(*k->sat), str_cmp);
		if ((k->sat_df = calloc(k->nsat, sizeof(*k->sat_df))) == NULL)
			err = OMI_NOMEM;
	}
	return err;
}

/* One conversation: its docno records and its word count. */
static enum omi_err
check_conv(struct ck *k, const char *id, int64_t t, uint64_t *words)
{
	struct swords	 ws;
	enum omi_err	 err;
	char		*val, *raw;
	size_t		 len, i;
	ssize_t		 at;
	uint64_t	 docno;

	/* (sdoc_find confirms the docno by the id stored for it.) */
	err = sdoc_find(k->s, k->uid, id, &docno);
	if (err == OMI_NOTFOUND || err == OMI_CORRUPT) {
		bad(k, err == OMI_NOTFOUND ? "search index: a conversation is "
		    "not indexed" : "search index: an id record is malformed");
		return OMI_OK;
	}
	if (err != OMI_OK)
		return err;
	if (docno >= k->h.next) {
		bad(k, "search index: bad docno");
		return OMI_OK;
	}
	if (k->live[docno]++)
		bad(k, "search index: two conversations share a docno");
	if ((err = st_load(k->s, k->uid, docno / SINDEX_ST_CHUNK, &val,
	    &len)) != OMI_OK && err != OMI_NOTFOUND)
		return err;
	if (err == OMI_NOTFOUND || (docno % SINDEX_ST_CHUNK + 1) *
	    SINDEX_ST_ENTRY > len || (int64_t)le_get((unsigned char *)val +
	    (docno % SINDEX_ST_CHUNK) * SINDEX_ST_ENTRY, 8) != t)
		bad(k, "search index: a docno's date differs");
	free(val);
	if ((err = index_get(k->s, k->uid, id, &raw, &len)) != OMI_OK)
		return err == OMI_NOTFOUND ? OMI_OK : err;
	memset(&ws, 0, sizeof(ws));
	err = swords_collect(&ws, raw, len);
	free(raw);
	k->want[docno] = (uint32_t)ws.n;
	for (i = 0; i < k->npend && k->pend[i] != docno; i++)
		;
	if (i < k->npend) {
		k->want[docno] = 0;	/* its postings wait for a batch */
		*words += ws.count;
		swords_free(&ws);
		return err;
	}
	for (i = 0; i < ws.cap; i++)
		if (ws.v[i].w != NULL && (at = sat_find(k, ws.v[i].w)) != -1) {
			k->sat_df[at]++;
			k->want[docno]--;
		}
	*words += ws.count;
	swords_free(&ws);
	return err;
}

static enum omi_err
check_list(struct ck *k, const char *val, size_t len, uint64_t *count,
    int64_t *first)
{
	const unsigned char	*p = (const unsigned char *)val, *end = p + len;
	struct spost		 e;
	uint64_t		 prev = 0;
	int			 r;

	*first = -1;
	while ((r = spost_next(&p, end, &prev, &e)) == 1) {
		if (*first == -1)
			*first = (int64_t)e.docno;
		(*count)++;
		if (e.docno >= k->h.next || !k->live[e.docno]) {
			bad(k, "search index: a posting names no conversation");
			continue;
		}
		k->have[e.docno]++;
	}
	if (r == -1)
		bad(k, "search index: postings do not decode");
	return OMI_OK;
}

/* One word: its head, directory and chunks. */
static enum omi_err
check_word(struct ck *k, const char *w, uint64_t chunk, int in_vocab)
{
	struct sword_head	 wh;
	const unsigned char	*p = NULL, *end = NULL;
	enum omi_err		 err;
	char			*key, *val, *dir = NULL, *cv;
	size_t			 dlen = 0, clen;
	uint64_t		 count = 0, c, first_dir;
	int64_t			 first;

	err = whead_get(k->s, k->uid, w, &wh, &val);
	if (err == OMI_NOTFOUND) {
		if (in_vocab)
			bad(k, "search index: a word without postings");
		free(val);
		return OMI_OK;
	}
	if (err == OMI_CORRUPT) {
		bad(k, "search index: a word head does not decode");
		free(val);
		return OMI_OK;
	}
	if (err != OMI_OK)
		return err;
	if (in_vocab && wh.vchunk != chunk)
		bad(k, "search index: a word head names another chunk");
	if (wh.where == WHEAD_BUCKET)
		k->bucketed++;
	if (wh.saturated) {
		c = (uint64_t)sat_find(k, w);
		if (sat_find(k, w) == -1 || k->sat_df[c] != wh.df)
			bad(k, "search index: a common word's count differs");
		free(val);
		return OMI_OK;
	}
	if ((key = skey_s("swd", k->uid, w)) == NULL) {
		free(val);
		return OMI_NOMEM;
	}
	err = store_get(k->s, key, &dir, &dlen);
	free(key);
	if (err != OMI_OK && err != OMI_NOTFOUND) {
		free(val);
		return err;
	}
	/* A word that never sealed a chunk has no directory. */
	err = OMI_OK;
	p = (const unsigned char *)dir;
	end = p + dlen;
	for (c = 0; c < wh.nsealed; c++) {
		if (sv_get(&p, end, &first_dir) == -1) {
			bad(k, "search index: a chunk directory is short");
			break;
		}
		if ((key = skey_sn("sc", k->uid, w, c)) == NULL) {
			err = OMI_NOMEM;
			break;
		}
		err = store_get(k->s, key, &cv, &clen);
		free(key);
		if (err == OMI_NOTFOUND) {
			err = OMI_OK;
			continue;
		}
		if (err != OMI_OK)
			break;
		check_list(k, cv, clen, &count, &first);
		if (first != -1 && (uint64_t)first < first_dir)
			bad(k, "search index: a chunk starts before its place");
		free(cv);
	}
	if (err == OMI_OK) {
		check_list(k, (const char *)wh.tail, wh.tail_len, &count,
		    &first);
		if (count != wh.df)
			bad(k, "search index: a word's count differs");
		if (count == 0)
			bad(k, "search index: a word with no postings left");
	}
	free(dir);
	free(val);
	return err;
}

enum omi_err
sindex_check(struct store *s, const char *uid,
    void (*problem)(void *, const char *, const char *), void *ctx,
    struct sindex_stats *st)
{
	struct ck		 k;
	struct index_head	 ih;
	struct sgram_map	*gm = NULL;
	struct gram_ck		 gc;
	enum omi_err		 err;
	json_t			*entries, *e;
	char			*key, *val, *w, *nl;
	size_t			 i, j, len;
	uint64_t		 words = 0, n = 0, c, d;
	int			 malformed = 0;
	struct gram_held	 gh;

	memset(&k, 0, sizeof(k));
	memset(st, 0, sizeof(*st));
	k.s = s;
	k.uid = uid;
	k.problem = problem;
	k.ctx = ctx;
	if ((err = shead_load(s, uid, &k.h)) != OMI_OK)
		return err;
	st->version = k.h.version;
	if (k.h.version != SINDEX_VERSION)
		return OMI_OK;
	if (k.h.next > (uint64_t)1 << 32)
		return OMI_CORRUPT;
	k.want = calloc(k.h.next + 1, sizeof(*k.want));
	k.have = calloc(k.h.next + 1, sizeof(*k.have));
	k.live = calloc(k.h.next + 1, 1);
	if (k.want == NULL || k.have == NULL || k.live == NULL) {
		err = OMI_NOMEM;
		goto out;
	}
	if ((err = dlist_load(s, "sp", uid, &k.pend, &k.npend)) != OMI_OK ||
	    (err = sat_collect(&k)) != OMI_OK ||
	    (err = index_head_load(s, uid, &ih)) != OMI_OK)
		goto out;
	for (i = 0; i < ih.nrefs && err == OMI_OK; i++) {
		if ((err = index_page_load(s, uid, ih.refs[i].page,
		    &entries)) != OMI_OK) {
			err = err == OMI_NOTFOUND ? OMI_OK : err;
			continue;
		}
		json_array_foreach(entries, j, e) {
			if (err != OMI_OK)
				break;
			err = check_conv(&k, index_entry_id(e),
			    index_entry_t(e), &words);
			n++;
		}
		json_decref(entries);
	}
	index_head_free(&ih);
	if (err != OMI_OK)
		goto out;
	if (n != k.h.live)
		bad(&k, "search index: its count of conversations differs");
	if (words != k.h.words)
		bad(&k, "search index: its count of words differs");
	memset(&gh, 0, sizeof(gh));
	if (k.h.nvocab > 0 && (err = sgram_map_load(s, uid, k.h.nvocab - 1,
	    &gm, &malformed)) != OMI_OK)
		goto out;
	if (k.h.nvocab > 0) {
		gh.n = k.h.nvocab - 1;
		gh.text = calloc(gh.n + 1, sizeof(*gh.text));
		gh.len = calloc(gh.n + 1, sizeof(*gh.len));
		if (gh.text == NULL || gh.len == NULL) {
			err = OMI_NOMEM;
			goto out;
		}
	}
	if (malformed)
		bad(&k, "search index: an n-gram record is malformed");
	for (c = 0; c < k.h.nvocab && err == OMI_OK; c++) {
		if ((key = skey_n("sv", uid, c)) == NULL) {
			err = OMI_NOMEM;
			break;
		}
		err = store_get(s, key, &val, &len);
		free(key);
		if (err == OMI_NOTFOUND) {
			err = OMI_OK;
			continue;
		}
		if (err != OMI_OK)
			break;
		if (len == 0 || val[0] != '\n' || vocab_used(val, len) == 0 ||
		    memchr(val, '\0', vocab_used(val, len)) != NULL)
			bad(&k, "search index: a vocabulary chunk is malformed");
		for (i = vocab_used(val, len); i < len; i++)
			if (val[i] != '\0') {
				bad(&k, "search index: a vocabulary chunk is "
				    "malformed");
				break;
			}
		gc.map = gm;
		gc.chunk = c;
		gc.missing = 0;
		if (c + 1 < k.h.nvocab && (sgram_collect(val, len, gram_listed,
		    &gc) == -1 || gc.missing))
			bad(&k, "search index: a vocabulary chunk is missing "
			    "from the n-gram lists");
		if (c + 1 < k.h.nvocab) {
			gh.len[c] = vocab_used(val, len);
			if ((gh.text[c] = malloc(gh.len[c] + 1)) == NULL) {
				free(val);
				err = OMI_NOMEM;
				break;
			}
			memcpy(gh.text[c], val, gh.len[c]);
		}
		for (w = val + 1; err == OMI_OK && w < val + len &&
		    (nl = strchr(w, '\n')) != NULL; w = nl + 1) {
			*nl = '\0';
			if (*w == '\0' || strlen(w) > SINDEX_WORD_MAX) {
				bad(&k, "search index: a vocabulary word is "
				    "malformed");
				continue;
			}
			err = check_word(&k, w, c, 1);
			st->words++;
		}
		free(val);
	}
	if (err == OMI_OK && gm != NULL &&
	    sgram_map_each(gm, gram_held, &gh) == -1)
		bad(&k, "search index: an n-gram list names a chunk without "
		    "it (a deleted word's fragment)");
	if (err == OMI_OK)
		err = check_word(&k, "", 0, 0);
	if (err == OMI_OK && (key = skey_s("sq", uid, "")) == NULL)
		err = OMI_NOMEM;
	if (err == OMI_OK) {
		err = store_foreach(s, key, bucket_key, &k);
		free(key);
	}
	if (err == OMI_OK && (key = skey_s("si", uid, "")) == NULL)
		err = OMI_NOMEM;
	if (err == OMI_OK) {
		err = store_foreach(s, key, id_key, &k);
		free(key);
	}
	if (err == OMI_OK && (key = skey_s("sn", uid, "")) == NULL)
		err = OMI_NOMEM;
	if (err == OMI_OK) {
		err = store_foreach(s, key, id_key, &k);
		free(key);
	}
	if (err == OMI_OK && (k.ids_bad || k.ids != n || k.id_entries != n))
		bad(&k, "search index: ids of conversations it does not hold");
	if (err == OMI_OK && k.bucket_bad)
		bad(&k, "search index: a bucket of word heads is malformed");
	else if (err == OMI_OK && k.entries != k.bucketed)
		bad(&k, "search index: a bucket holds a word the vocabulary "
		    "does not");
	for (d = 0; d < k.h.next && err == OMI_OK; d++)
		if (k.live[d] && k.want[d] != k.have[d]) {
			bad(&k, "search index: a conversation's postings "
			    "differ from its words");
			break;
		}
	st->conversations = n;
out:
	st->problems = k.problems;
	sgram_map_free(gm);
	for (c = 0; gh.text != NULL && c < gh.n; c++)
		free(gh.text[c]);
	free(gh.text);
	free(gh.len);
	for (i = 0; i < k.nsat; i++)
		free(k.sat[i]);
	free(k.sat);
	free(k.sat_df);
	free(k.pend);
	free(k.want);
	free(k.have);
	free(k.live);
	return err;
}
