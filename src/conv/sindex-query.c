/*
 * sindex-query: a search's candidates from the index (see sindex.h).
 *
 * Each term is cut into pieces; a piece's candidates are the postings of
 * every vocabulary word that holds it (plus the words too long to keep in
 * the vocabulary), a term's the intersection of its pieces', the query's
 * the intersection of its terms'. A piece held by words of more than a
 * quarter of the conversations (or by very many words) is not worth
 * reading: it narrows nothing the exact check would not, so it is left to
 * that check; a query all of whose pieces are like that is answered by
 * walking the conversations newest first, where matches are dense.
 *
 * Newest first: docnos are handed out in arrival order, and a
 * conversation that arrived newer than all before it keeps docno order
 * equal to (t, id) order. The few that did not are listed in sx:; they
 * are looked up and merged in by key. So a page of results costs the
 * lookups of that page, not of every candidate.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "conv/index-head.h"
#include "conv/index.h"
#include "conv/sindex-impl.h"
#include "conv/sindex.h"
#include "lib/text.h"

#define DENSE_WORDS	512	/* vocabulary words one piece may match */
#define VOCAB_SCAN_MAX	8	/* chunks a one-byte piece is looked for in */
#define RELEVANCE_MAX	(1u << 20)	/* postings a ranking may read */

/*
 * A piece in more than 1 / sindex_dense_share of the conversations is too
 * common to read, but never below sindex_dense_min postings.
 */
uint64_t	sindex_dense_share = 4;
uint64_t	sindex_dense_min = 512;
/* Out-of-order conversations a walk over all looks up, at most. */
uint64_t	sindex_all_except_max = 64;
/* The first window: about this many postings of the rarest piece. */
uint64_t	sindex_window_postings = 512;
uint64_t	sindex_window_min = 1024;	/* docnos of a window, at least */

struct cand {
	uint64_t	 docno;
	double		 tf;		/* summed weighted counts */
};

struct cset {
	struct cand	*v;
	size_t		 n;
};

struct term_set {
	struct cset	 set;
	double		 idf;
	const char	*term;
};

struct sindex_query {
	struct store		*s;
	const struct search	*sr;
	char			*uid;
	struct sindex_head	 h;
	int			 relevance;
	struct cset		 cands;		/* ascending docno */
	int			 all;		/* every docno below h.next */
	/*
	 * Newest first, by windows of docnos going down: the pieces to
	 * read, the one that makes the set, and how far down it is read.
	 */
	struct piece		*pcs;
	size_t			 npc, best;
	int			 windowed, speaker_user;
	uint64_t		 win_lo, win;
	int			 after;		/* the walk's bound */
	int64_t			 bound_t;
	char			*bound_id;
	uint64_t		*pend;		/* sp:, sorted: no postings
						   yet, scored from text */
	size_t			 npend;
	struct term_set		 terms[SEARCH_MAX_TERMS];
	size_t			 nterms;
	/* newest first */
	uint64_t		*exc;		/* sx:, sorted */
	size_t			 nexc;
	size_t			 ri;		/* regular candidates left:
						   cands.v[0..ri) */
	struct sindex_hit	*eh;		/* exception hits, newest first */
	size_t			 neh, ei;
	struct sindex_hit	 rhead;		/* the next regular one */
	int			 rhead_ok;
	/* relevance: candidates ranked */
	size_t			*rank;
	size_t			 next;
	/* the last st: and si: chunks read */
	uint64_t		 st_chunk, si_chunk;
	char			*st_val, *si_val;
	size_t			 st_len, si_len;
	/* the vocabulary chunks read (pieces of one query share many) */
	struct vchunk		*vc;
	size_t			 nvc;
};

struct vchunk {
	uint64_t	 k;
	char		*val;	/* NULL: no such record */
	size_t		 len;	/* used bytes */
};

static int
cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	return x->docno < y->docno ? -1 : x->docno > y->docno;
}

/*
 * Sorts a set made of ascending runs (each word's postings come in docno
 * order, one word after the other) by merging neighbouring runs, pass
 * after pass: a piece held by one word needs no pass at all, where a
 * general sort cost a common word's search most of its time.
 */
static void
cset_sort(struct cset *c)
{
	struct cand	*tmp, *a, *b, *sw;
	size_t		*run, nrun = 1, nw, r, i, j, k, lo, mid, hi;

	for (i = 1; i < c->n; i++)
		nrun += c->v[i].docno < c->v[i - 1].docno;
	if (nrun == 1)
		return;
	run = calloc(nrun + 1, sizeof(*run));
	tmp = reallocarray(NULL, c->n, sizeof(*tmp));
	if (run == NULL || tmp == NULL) {
		free(run);
		free(tmp);
		qsort(c->v, c->n, sizeof(*c->v), cand_cmp);
		return;
	}
	for (i = 1, k = 1; i < c->n; i++)
		if (c->v[i].docno < c->v[i - 1].docno)
			run[k++] = i;
	run[nrun] = c->n;
	a = c->v;
	b = tmp;
	while (nrun > 1) {
		for (r = 0, nw = 0; r < nrun; r += 2) {
			lo = run[r];
			mid = run[r + 1];
			hi = r + 2 <= nrun ? run[r + 2] : mid;
			for (i = lo, j = mid, k = lo; k < hi; k++)
				b[k] = j >= hi || (i < mid &&
				    a[i].docno <= a[j].docno) ? a[i++] : a[j++];
			run[nw++] = lo;
		}
		run[nw] = c->n;
		nrun = nw;
		sw = a;
		a = b;
		b = sw;
	}
	if (a != c->v)
		memcpy(c->v, a, c->n * sizeof(*c->v));
	free(run);
	free(tmp);
}

/* Sorts and merges duplicates (a docno found through several words). */
static void
cset_normalise(struct cset *c)
{
	size_t i, k = 0;

	if (c->n == 0)
		return;
	cset_sort(c);
	for (i = 1; i < c->n; i++) {
		if (c->v[i].docno == c->v[k].docno)
			c->v[k].tf += c->v[i].tf;
		else
			c->v[++k] = c->v[i];
	}
	c->n = k + 1;
}

/* a &= b; the term frequencies kept are a's plus b's. */
static void
cset_and(struct cset *a, const struct cset *b)
{
	size_t i = 0, j = 0, k = 0;

	while (i < a->n && j < b->n) {
		if (a->v[i].docno < b->v[j].docno)
			i++;
		else if (a->v[i].docno > b->v[j].docno)
			j++;
		else {
			a->v[k] = a->v[i];
			a->v[k++].tf += b->v[j].tf;
			i++;
			j++;
		}
	}
	a->n = k;
}

static int
cset_add(struct cset *c, size_t *cap, const struct spost *e)
{
	struct cand *nv;

	if (c->n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		if ((nv = reallocarray(c->v, *cap, sizeof(*nv))) == NULL)
			return -1;
		c->v = nv;
	}
	c->v[c->n].docno = e->docno;
	c->v[c->n].tf = e->wtf;
	c->n++;
	return 0;
}

/* Adds the postings with docnos in [lo, hi). */
static enum omi_err
add_postings(struct cset *c, size_t *cap, const char *val, size_t len,
    int speaker_user, uint64_t lo, uint64_t hi)
{
	const unsigned char	*p = (const unsigned char *)val, *end = p + len;
	struct spost		 e;
	uint64_t		 prev = 0;
	int			 r;

	while ((r = spost_next(&p, end, &prev, &e)) == 1) {
		if (e.docno >= hi)
			return OMI_OK;
		if (e.docno >= lo && (!speaker_user || e.user) &&
		    cset_add(c, cap, &e) == -1)
			return OMI_NOMEM;
	}
	return r == -1 ? OMI_CORRUPT : OMI_OK;
}

/* Vocabulary chunk k, read once per query. */
static enum omi_err
vchunk_get(struct sindex_query *q, uint64_t k, const struct vchunk **out)
{
	struct vchunk	*nv, *c;
	enum omi_err	 err;
	char		*key;
	size_t		 i;

	for (i = 0; i < q->nvc; i++)
		if (q->vc[i].k == k) {
			*out = &q->vc[i];
			return OMI_OK;
		}
	if ((nv = reallocarray(q->vc, q->nvc + 1, sizeof(*nv))) == NULL)
		return OMI_NOMEM;
	q->vc = nv;
	c = &q->vc[q->nvc];
	memset(c, 0, sizeof(*c));
	c->k = k;
	if ((key = skey_n("sv", q->uid, k)) == NULL)
		return OMI_NOMEM;
	err = store_get(q->s, key, &c->val, &c->len);
	free(key);
	if (err == OMI_NOTFOUND) {
		c->val = NULL;
		c->len = 0;
	} else if (err != OMI_OK)
		return err;
	else
		c->len = vocab_used(c->val, c->len);
	q->nvc++;
	*out = c;
	return OMI_OK;
}

/* Appends to out (NUL-separated) the words of a chunk that hold piece. */
static size_t
vocab_match(const struct vchunk *c, const char *piece, struct buf *out)
{
	const char	*p = c->val, *end = p + c->len, *at, *s, *e;
	size_t		 n = 0, plen = strlen(piece);

	while (p < end && (at = memmem(p, (size_t)(end - p), piece,
	    plen)) != NULL) {
		for (s = at; s > c->val && s[-1] != '\n'; s--)
			;
		if ((e = memchr(at, '\n', (size_t)(end - at))) == NULL)
			e = end;
		if (e > s) {
			buf_append(out, s, (size_t)(e - s));
			buf_putc(out, '\0');
			n++;
		}
		p = e;
	}
	return n;
}

/*
 * The words of the vocabulary that hold piece (NUL-separated in out);
 * more than DENSE_WORDS: the count only says so. Reads the chunks the
 * n-gram index names (sindex-gram.c) and the last one; a one-byte piece
 * has no n-gram, and in a vocabulary of more than a few chunks it is in
 * more words than are worth reading anyway.
 */
static enum omi_err
vocab_words(struct sindex_query *q, const char *piece, struct buf *out,
    size_t *nw)
{
	const struct vchunk	*c;
	enum omi_err		 err;
	uint64_t		*ks = NULL, k, last;
	size_t			 n = 0, i;

	*nw = 0;
	if (q->h.nvocab == 0)
		return OMI_OK;
	last = q->h.nvocab - 1;
	err = sgram_chunks(q->s, q->uid, piece, &ks, &n);
	if (err == OMI_NOTFOUND) {
		if (q->h.nvocab > VOCAB_SCAN_MAX) {
			*nw = DENSE_WORDS + 1;
			return OMI_OK;
		}
		err = OMI_OK;
		for (k = 0; k < last && err == OMI_OK; k++)
			if ((err = vchunk_get(q, k, &c)) == OMI_OK)
				*nw += vocab_match(c, piece, out);
	} else
		for (i = 0; i < n && err == OMI_OK && *nw <= DENSE_WORDS; i++)
			if (ks[i] < last &&
			    (err = vchunk_get(q, ks[i], &c)) == OMI_OK)
				*nw += vocab_match(c, piece, out);
	free(ks);
	if (err == OMI_OK && *nw <= DENSE_WORDS &&
	    (err = vchunk_get(q, last, &c)) == OMI_OK)
		*nw += vocab_match(c, piece, out);
	if (err == OMI_OK && out->failed)
		err = OMI_NOMEM;
	return err;
}

/*
 * What one piece of a term reads: the vocabulary words that hold it (the
 * long words' "" last) with their heads, and how many postings they have.
 * dense when the piece is not worth reading (see above).
 */
struct wdir {
	uint64_t	*first;		/* each sealed chunk's first docno */
	size_t		 n;
	int		 state;		/* DIR_* */
};
#define DIR_UNREAD	0
#define DIR_READ	1
#define DIR_NONE	2	/* missing or not matching: read every chunk */

struct piece {
	struct buf		 words;		/* NUL-separated */
	size_t			 nw;
	struct sword_head	*wh;
	char			**heads;	/* wh[i]'s record */
	struct wdir		*dirs;
	uint64_t		 df;		/* postings, all words */
	int			 dense;
};

static void
piece_free(struct piece *pc)
{
	size_t i;

	for (i = 0; pc->heads != NULL && i < pc->nw; i++)
		free(pc->heads[i]);
	for (i = 0; pc->dirs != NULL && i < pc->nw; i++)
		free(pc->dirs[i].first);
	free(pc->heads);
	free(pc->dirs);
	free(pc->wh);
	buf_free(&pc->words);
	memset(pc, 0, sizeof(*pc));
}

/* The words of a piece and their heads: the counts, no postings yet. */
static enum omi_err
piece_plan(struct sindex_query *q, const char *piece, struct piece *pc)
{
	enum omi_err	 err;
	const char	*w;
	size_t		 i;
	uint64_t	 limit;

	memset(pc, 0, sizeof(*pc));
	if ((err = vocab_words(q, piece, &pc->words, &pc->nw)) != OMI_OK)
		return err;
	if (pc->nw > DENSE_WORDS) {
		pc->dense = 1;
		pc->nw = 0;
		return OMI_OK;
	}
	buf_putc(&pc->words, '\0');
	pc->nw++;
	if (pc->words.failed)
		return OMI_NOMEM;
	limit = q->h.live / (sindex_dense_share ? sindex_dense_share : 1);
	if (limit < sindex_dense_min)
		limit = sindex_dense_min;
	if (q->relevance)
		limit = RELEVANCE_MAX;
	pc->heads = calloc(pc->nw, sizeof(*pc->heads));
	pc->wh = calloc(pc->nw, sizeof(*pc->wh));
	pc->dirs = calloc(pc->nw, sizeof(*pc->dirs));
	if (pc->heads == NULL || pc->wh == NULL || pc->dirs == NULL)
		return OMI_NOMEM;
	for (i = 0, w = pc->words.data; i < pc->nw; i++, w += strlen(w) + 1) {
		err = whead_get(q->s, q->uid, w, &pc->wh[i], &pc->heads[i]);
		if (err == OMI_NOTFOUND) {
			pc->wh[i].where = WHEAD_NEW;
			continue;
		}
		if (err != OMI_OK)
			return err;
		if (pc->wh[i].saturated || (pc->df += pc->wh[i].df) > limit) {
			pc->dense = 1;
			return OMI_OK;
		}
	}
	return OMI_OK;
}

/* A word's chunk directory (swd:), read once. */
static enum omi_err
dir_load(struct sindex_query *q, const char *w, const struct sword_head *wh,
    struct wdir *d)
{
	const unsigned char	*p, *end;
	enum omi_err		 err;
	char			*key, *val;
	size_t			 len;

	if (d->state != DIR_UNREAD)
		return OMI_OK;
	d->state = DIR_NONE;
	if ((key = skey_s("swd", q->uid, w)) == NULL)
		return OMI_NOMEM;
	err = store_get(q->s, key, &val, &len);
	free(key);
	if (err != OMI_OK)
		return err == OMI_NOTFOUND ? OMI_OK : err;
	if ((d->first = reallocarray(NULL, len + 1, sizeof(*d->first))) ==
	    NULL) {
		free(val);
		return OMI_NOMEM;
	}
	p = (const unsigned char *)val;
	end = p + len;
	while (p < end && sv_get(&p, end, &d->first[d->n]) == 0)
		d->n++;
	if (p == end && d->n == wh->nsealed)
		d->state = DIR_READ;
	free(val);
	return OMI_OK;
}

/*
 * Calls fn with each run of postings of the piece's words that may hold
 * docnos in [lo, hi): chunk k holds [first[k], first[k + 1]).
 */
static enum omi_err
piece_walk(struct sindex_query *q, struct piece *pc, uint64_t lo,
    uint64_t hi, enum omi_err (*fn)(void *, const char *, size_t),
    void *ctx)
{
	enum omi_err	 err = OMI_OK;
	struct wdir	*d;
	const char	*w;
	char		*key, *val;
	size_t		 i, len;
	uint64_t	 k;

	for (i = 0, w = pc->words.data; i < pc->nw && err == OMI_OK;
	    i++, w += strlen(w) + 1) {
		if (pc->wh[i].where == WHEAD_NEW)
			continue;
		d = &pc->dirs[i];
		if (pc->wh[i].nsealed > 0 && (lo > 0 || hi < q->h.next) &&
		    (err = dir_load(q, w, &pc->wh[i], d)) != OMI_OK)
			break;
		for (k = 0; k < pc->wh[i].nsealed && err == OMI_OK; k++) {
			if (d->state == DIR_READ && (d->first[k] >= hi ||
			    (k + 1 < d->n && d->first[k + 1] <= lo)))
				continue;
			if ((key = skey_sn("sc", q->uid, w, k)) == NULL)
				return OMI_NOMEM;
			err = store_get(q->s, key, &val, &len);
			free(key);
			if (err == OMI_NOTFOUND) {
				err = OMI_OK;
				continue;
			}
			if (err == OMI_OK) {
				err = fn(ctx, val, len);
				free(val);
			}
		}
		if (err == OMI_OK)
			err = fn(ctx, (const char *)pc->wh[i].tail,
			    pc->wh[i].tail_len);
	}
	return err;
}

struct collect {
	struct cset	*c;
	size_t		 cap;
	int		 speaker_user;
	uint64_t	 lo, hi;
};

static enum omi_err
collect_postings(void *ctx, const char *val, size_t len)
{
	struct collect *x = ctx;

	return add_postings(x->c, &x->cap, val, len, x->speaker_user, x->lo,
	    x->hi);
}

/* A piece's candidates in [lo, hi), sorted, into c (which it replaces). */
static enum omi_err
piece_read(struct sindex_query *q, struct piece *pc, int speaker_user,
    uint64_t lo, uint64_t hi, struct cset *c)
{
	struct collect	 x = { c, 0, speaker_user, lo, hi };
	enum omi_err	 err;
	uint64_t	 want = pc->df;

	memset(c, 0, sizeof(*c));
	/* The heads' counts size it (for all docnos): no growing. */
	if (lo > 0 || hi < q->h.next)
		want = 0;
	if (want > 0 && want < RELEVANCE_MAX &&
	    (c->v = reallocarray(NULL, want, sizeof(*c->v))) != NULL)
		x.cap = want;
	if ((err = piece_walk(q, pc, lo, hi, collect_postings, &x)) ==
	    OMI_OK)
		cset_normalise(c);
	else {
		free(c->v);
		memset(c, 0, sizeof(*c));
	}
	return err;
}

/* Candidates a piece's postings were seen for (filter). */
struct mark {
	const struct cset	*c;
	unsigned char		*seen;
	int			 speaker_user;
};

static enum omi_err
mark_postings(void *ctx, const char *val, size_t len)
{
	struct mark		*x = ctx;
	const unsigned char	*p = (const unsigned char *)val, *end = p + len;
	const struct cand	*v = x->c->v;
	struct spost		 e;
	uint64_t		 prev = 0;
	size_t			 lo = 0, hi = x->c->n, mid, j;
	int			 r;

	if ((r = spost_next(&p, end, &prev, &e)) != 1)
		return r == -1 ? OMI_CORRUPT : OMI_OK;
	/* A run rises: find where its first docno would be, then walk on. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (v[mid].docno < e.docno)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (j = lo; r == 1; r = spost_next(&p, end, &prev, &e)) {
		while (j < x->c->n && v[j].docno < e.docno)
			j++;
		if (j == x->c->n)
			return OMI_OK;
		if (v[j].docno == e.docno && (!x->speaker_user || e.user))
			x->seen[j] = 1;
	}
	return r == -1 ? OMI_CORRUPT : OMI_OK;
}

/*
 * c &= the piece's candidates, without building the piece's set: a
 * phrase of two words of one conversation in ten read both words' sets,
 * pages that cost more than the postings.
 */
static enum omi_err
piece_filter(struct sindex_query *q, struct piece *pc, int speaker_user,
    struct cset *c)
{
	struct mark	 x = { c, NULL, speaker_user };
	enum omi_err	 err;
	size_t		 i, k;

	if (c->n == 0)
		return OMI_OK;
	if ((x.seen = calloc(c->n, 1)) == NULL)
		return OMI_NOMEM;
	if ((err = piece_walk(q, pc, c->v[0].docno, c->v[c->n - 1].docno + 1,
	    mark_postings, &x)) == OMI_OK) {
		for (i = k = 0; i < c->n; i++)
			if (x.seen[i])
				c->v[k++] = c->v[i];
		c->n = k;
	}
	free(x.seen);
	return err;
}

/* One term's candidates (relevance): the intersection of its pieces'. */
static enum omi_err
term_set(struct sindex_query *q, const char *term,
    int speaker_user, struct cset *c, int *dense)
{
	struct buf	 pieces = { 0 };
	struct piece	 pc;
	struct cset	 ps;
	enum omi_err	 err = OMI_OK;
	const char	*p;
	size_t		 n, i;
	int		 have = 0;

	memset(c, 0, sizeof(*c));
	n = swords_pieces(term, &pieces);
	if (pieces.failed) {
		buf_free(&pieces);
		return OMI_NOMEM;
	}
	for (i = 0, p = pieces.data; i < n && err == OMI_OK;
	    i++, p += strlen(p) + 1) {
		if ((err = piece_plan(q, p, &pc)) == OMI_OK && !pc.dense &&
		    (err = piece_read(q, &pc, speaker_user, 0, UINT64_MAX,
		    &ps)) == OMI_OK) {
			if (!have) {
				*c = ps;
				have = 1;
			} else {
				cset_and(c, &ps);
				free(ps.v);
			}
		}
		piece_free(&pc);
	}
	buf_free(&pieces);
	*dense = !have;
	if (err != OMI_OK) {
		free(c->v);
		memset(c, 0, sizeof(*c));
	}
	return err;
}

/* The relevance query's candidates: each term's set, kept for scoring. */
static enum omi_err
query_ranked(struct sindex_query *q, int speaker_user)
{
	const struct search	*sr = q->sr;
	struct cset		 c;
	enum omi_err		 err = OMI_OK;
	size_t			 i;
	int			 dense;

	for (i = 0; i < sr->nterms && err == OMI_OK; i++) {
		if ((err = term_set(q, sr->terms[i], speaker_user, &c,
		    &dense)) != OMI_OK || dense)
			continue;
		q->terms[q->nterms].term = sr->terms[i];
		q->terms[q->nterms].set = c;
		q->terms[q->nterms++].idf = log(1.0 + ((double)q->h.live -
		    (double)c.n + 0.5) / ((double)c.n + 0.5));
	}
	if (err != OMI_OK)
		return err;
	if (q->nterms == 0)
		return OMI_NOTFOUND;
	q->cands.n = q->terms[0].set.n;
	if ((q->cands.v = reallocarray(NULL, q->cands.n + 1,
	    sizeof(*q->cands.v))) == NULL)
		return OMI_NOMEM;
	if (q->cands.n > 0)	/* set.v may be NULL */
		memcpy(q->cands.v, q->terms[0].set.v,
		    q->cands.n * sizeof(*q->cands.v));
	for (i = 1; i < q->nterms; i++)
		cset_and(&q->cands, &q->terms[i].set);
	return OMI_OK;
}

/*
 * Newest first, only which conversations hold every piece counts: the
 * piece with the fewest postings makes the set, and the others' postings
 * only strike from it, so a query costs the memory of its rarest piece.
 * And only as far down as a page needs: the set is made window by window
 * of docnos, the newest first (window_next), each window twice the last.
 * Here: the pieces' words and counts, and the first window's size.
 */
static enum omi_err
query_filtered(struct sindex_query *q, int speaker_user)
{
	const struct search	*sr = q->sr;
	struct buf		 pieces = { 0 };
	struct piece		*nv;
	enum omi_err		 err = OMI_OK;
	const char		*p;
	size_t			 i, j, n;

	q->best = SIZE_MAX;
	for (i = 0; i < sr->nterms && err == OMI_OK; i++) {
		buf_reset(&pieces);
		n = swords_pieces(sr->terms[i], &pieces);
		if (pieces.failed) {
			err = OMI_NOMEM;
			break;
		}
		for (j = 0, p = pieces.data; j < n && err == OMI_OK;
		    j++, p += strlen(p) + 1) {
			if ((nv = reallocarray(q->pcs, q->npc + 1,
			    sizeof(*nv))) == NULL) {
				err = OMI_NOMEM;
				break;
			}
			q->pcs = nv;
			err = piece_plan(q, p, &q->pcs[q->npc++]);
		}
	}
	buf_free(&pieces);
	for (i = 0; i < q->npc && err == OMI_OK; i++)
		if (!q->pcs[i].dense && (q->best == SIZE_MAX ||
		    q->pcs[i].df < q->pcs[q->best].df))
			q->best = i;
	if (err == OMI_OK && q->best == SIZE_MAX)
		err = OMI_NOTFOUND;
	if (err != OMI_OK)
		return err;
	q->windowed = 1;
	q->speaker_user = speaker_user;
	q->win_lo = q->h.next;
	/* About sindex_window_postings of the set's piece in the first. */
	q->win = q->h.next;
	if (q->pcs[q->best].df > sindex_window_postings)
		q->win = q->h.next / (q->pcs[q->best].df /
		    sindex_window_postings);
	if (q->win < sindex_window_min)
		q->win = sindex_window_min;
	if (q->win == 0)	/* every window must go down */
		q->win = 1;
	return dlist_load(q->s, "sp", q->uid, &q->pend, &q->npend);
}

static int
in_sorted(const uint64_t *v, size_t n, uint64_t x)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (v[mid] == x)
			return 1;
		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* How many candidates, and the docno of one (all: each docno is one). */
static size_t
ncands(const struct sindex_query *q)
{
	return q->all ? q->h.next : q->cands.n;
}

static uint64_t
cand_docno(const struct sindex_query *q, size_t i)
{
	return q->all ? i : q->cands.v[i].docno;
}

/*
 * The conversations whose postings are not written yet (sindex.c's batch)
 * are candidates for any query: the exact check decides.
 */
static enum omi_err
add_pending(struct sindex_query *q)
{
	struct spost	 e = { 0, 1, 0 };
	enum omi_err	 err;
	size_t		 i, cap = q->cands.n;

	if ((err = dlist_load(q->s, "sp", q->uid, &q->pend, &q->npend)) !=
	    OMI_OK)
		return err;
	for (i = 0; i < q->npend; i++) {
		e.docno = q->pend[i];
		if (cset_add(&q->cands, &cap, &e) == -1)
			return OMI_NOMEM;
	}
	cset_normalise(&q->cands);
	return OMI_OK;
}

static enum omi_err
query_new(struct store *s, const char *uid, const struct search *sr,
    int by_relevance, struct sindex_query **out)
{
	struct sindex_query	*q;
	enum omi_err		 err;

	*out = NULL;
	if ((q = calloc(1, sizeof(*q))) == NULL ||
	    (q->uid = strdup(uid)) == NULL) {
		free(q);
		return OMI_NOMEM;
	}
	q->s = s;
	q->sr = sr;
	q->relevance = by_relevance;
	q->st_chunk = q->si_chunk = UINT64_MAX;
	*out = q;
	if ((err = shead_load(s, uid, &q->h)) != OMI_OK)
		return err;
	return q->h.version == SINDEX_VERSION ? OMI_OK : OMI_NOTFOUND;
}

enum omi_err
sindex_query(struct store *s, const char *uid, const struct search *sr,
    int speaker_user, int by_relevance, struct sindex_query **out)
{
	struct sindex_query	*q;
	enum omi_err		 err;

	if ((err = query_new(s, uid, sr, by_relevance, &q)) == OMI_OK)
		err = by_relevance ? query_ranked(q, speaker_user) :
		    query_filtered(q, speaker_user);
	if (err == OMI_OK && by_relevance)
		err = add_pending(q);
	if (q != NULL)
		q->ri = q->cands.n;
	*out = NULL;
	if (err != OMI_OK) {
		sindex_query_free(q);
		return err;
	}
	*out = q;
	return OMI_OK;
}

enum omi_err
sindex_all(struct store *s, const char *uid, struct sindex_query **out)
{
	struct sindex_query	*q;
	enum omi_err		 err;

	err = query_new(s, uid, NULL, 0, &q);
	*out = NULL;
	if (err == OMI_OK)
		err = dlist_load(s, "sx", uid, &q->exc, &q->nexc);
	/*
	 * Each exception is looked up before the walk: past a few, the
	 * listing's pages cost less.
	 */
	if (err == OMI_OK && (q->h.disordered ||
	    q->nexc > sindex_all_except_max))
		err = OMI_NOTFOUND;
	if (err != OMI_OK) {
		sindex_query_free(q);
		return err;
	}
	q->all = 1;
	q->ri = ncands(q);
	*out = q;
	return OMI_OK;
}

size_t
sindex_count(const struct sindex_query *q)
{
	return q->all ? q->h.live : q->cands.n;
}


/* created_at and word count of a docno (t SINDEX_T_DELETED if none). */
static enum omi_err
doc_stat(struct sindex_query *q, uint64_t docno, int64_t *t, uint32_t *words)
{
	enum omi_err	 err;
	uint64_t	 chunk = docno / SINDEX_ST_CHUNK;
	size_t		 at = (docno % SINDEX_ST_CHUNK) * SINDEX_ST_ENTRY;

	if (chunk != q->st_chunk) {
		free(q->st_val);
		q->st_val = NULL;
		q->st_len = 0;
		q->st_chunk = UINT64_MAX;
		err = st_load(q->s, q->uid, chunk, &q->st_val, &q->st_len);
		if (err != OMI_OK && err != OMI_NOTFOUND)
			return err;
		q->st_chunk = chunk;
	}
	*t = SINDEX_T_DELETED;
	*words = 0;
	if (at + SINDEX_ST_ENTRY <= q->st_len) {
		*t = (int64_t)le_get((unsigned char *)q->st_val + at, 8);
		*words = (uint32_t)le_get((unsigned char *)q->st_val + at + 8,
		    4);
	}
	return OMI_OK;
}

/* Fills h for docno: t, and id from sd:. OMI_NOTFOUND if it is gone. */
static enum omi_err
hit_fill(struct sindex_query *q, uint64_t docno, struct sindex_hit *h)
{
	enum omi_err	 err;
	uint32_t	 words;
	uint64_t	 chunk = docno / SINDEX_ST_CHUNK;
	const char	*id;
	char		*key;
	size_t		 n;

	memset(h, 0, sizeof(*h));
	h->docno = docno;
	if ((err = doc_stat(q, docno, &h->t, &words)) != OMI_OK)
		return err;
	if (h->t == SINDEX_T_DELETED)
		return OMI_NOTFOUND;
	if (chunk != q->si_chunk) {
		free(q->si_val);
		q->si_val = NULL;
		q->si_len = 0;
		q->si_chunk = UINT64_MAX;
		if ((key = skey_n("si", q->uid, chunk)) == NULL)
			return OMI_NOMEM;
		err = store_get(q->s, key, &q->si_val, &q->si_len);
		free(key);
		if (err != OMI_OK)
			return err == OMI_NOTFOUND ? OMI_CORRUPT : err;
		q->si_chunk = chunk;
	}
	if (sdoc_slot(q->si_val, q->si_len, (unsigned)(docno %
	    SINDEX_ST_CHUNK), &id, &n) == -1 || n == 0 ||
	    n >= sizeof(h->id))
		return OMI_CORRUPT;
	memcpy(h->id, id, n);
	h->id[n] = '\0';
	return valid_ident(h->id, sizeof(h->id) - 1) ? OMI_OK : OMI_CORRUPT;
}

static int
is_exception(const struct sindex_query *q, uint64_t docno)
{
	return q->h.disordered || in_sorted(q->exc, q->nexc, docno);
}

static int
hit_cmp_desc(const void *a, const void *b)
{
	const struct sindex_hit *x = a, *y = b;

	return -index_keycmp(x->t, x->id, y->t, y->id);
}

/*
 * The regular candidates below the bound: a binary search on their keys,
 * which rise with docno.
 */
static enum omi_err
regular_bound(struct sindex_query *q, int64_t t, const char *id)
{
	struct sindex_hit	 h;
	enum omi_err		 err;
	size_t			 lo = 0, hi = ncands(q), mid, m;

	/* Invariant: every regular candidate at [hi, n) is at or above. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		/* The nearest regular, live candidate at or after mid. */
		for (m = mid; m < hi; m++) {
			if (is_exception(q, cand_docno(q, m)))
				continue;
			err = hit_fill(q, cand_docno(q, m), &h);
			if (err == OMI_OK)
				break;
			if (err != OMI_NOTFOUND)
				return err;
		}
		if (m == hi) {
			hi = mid;
			continue;
		}
		if (index_keycmp(h.t, h.id, t, id) < 0)
			lo = m + 1;
		else
			hi = mid;
	}
	q->ri = lo;
	return OMI_OK;
}

static enum omi_err
rank(struct sindex_query *q);

/* An exception among the candidates, for the merge by key. */
static enum omi_err
exc_add(struct sindex_query *q, uint64_t docno)
{
	struct sindex_hit	 h, *nv;
	enum omi_err		 err;

	if ((err = hit_fill(q, docno, &h)) != OMI_OK)
		return err == OMI_NOTFOUND ? OMI_OK : err;
	if (q->after && index_keycmp(h.t, h.id, q->bound_t, q->bound_id) >= 0)
		return OMI_OK;
	if ((nv = reallocarray(q->eh, q->neh + 1, sizeof(*nv))) == NULL)
		return OMI_NOMEM;
	q->eh = nv;
	q->eh[q->neh++] = h;
	return OMI_OK;
}

/* The exceptions not handed out yet, newest first. */
static void
exc_sort(struct sindex_query *q)
{
	/* qsort's array may not be NULL, even empty (UBSan aborts). */
	if (q->neh - q->ei > 1)
		qsort(q->eh + q->ei, q->neh - q->ei, sizeof(*q->eh),
		    hit_cmp_desc);
}

/*
 * The candidates of the next window of docnos down, [lo, win_lo): the
 * set piece's postings there, struck by the others', and the pending
 * conversations there. An exception among them joins the merge by key;
 * one in a window not read yet is older than every regular candidate
 * above it (a regular one is newer than all that arrived before), so it
 * is never needed before its window is.
 */
static enum omi_err
window_next(struct sindex_query *q)
{
	struct spost	 e = { 0, 1, 0 };
	enum omi_err	 err;
	uint64_t	 lo, hi = q->win_lo;
	size_t		 i, cap;

	lo = hi > q->win ? hi - q->win : 0;
	free(q->cands.v);
	memset(&q->cands, 0, sizeof(q->cands));
	err = piece_read(q, &q->pcs[q->best], q->speaker_user, lo, hi,
	    &q->cands);
	for (i = 0; i < q->npc && err == OMI_OK && q->cands.n > 0; i++)
		if (i != q->best && !q->pcs[i].dense)
			err = piece_filter(q, &q->pcs[i], q->speaker_user,
			    &q->cands);
	cap = q->cands.n;
	for (i = 0; i < q->npend && err == OMI_OK; i++) {
		e.docno = q->pend[i];
		if (e.docno >= lo && e.docno < hi &&
		    cset_add(&q->cands, &cap, &e) == -1)
			err = OMI_NOMEM;
	}
	if (err != OMI_OK)
		return err;
	cset_normalise(&q->cands);
	q->win_lo = lo;
	q->win = q->win > q->h.next ? q->win : q->win * 2;
	q->ri = q->cands.n;
	if (q->after && (err = regular_bound(q, q->bound_t, q->bound_id)) !=
	    OMI_OK)
		return err;
	for (i = 0; i < q->cands.n && err == OMI_OK; i++)
		if (is_exception(q, q->cands.v[i].docno))
			err = exc_add(q, q->cands.v[i].docno);
	exc_sort(q);
	return err;
}

enum omi_err
sindex_start(struct sindex_query *q, int after, int64_t t, const char *id)
{
	enum omi_err		 err = OMI_OK;
	size_t			 i, n;
	uint64_t		 docno;

	if (q->relevance)
		return rank(q);
	if (!q->all && (err = dlist_load(q->s, "sx", q->uid, &q->exc,
	    &q->nexc)) != OMI_OK)
		return err;
	q->after = after;
	q->bound_t = t;
	if (after && (q->bound_id = strdup(id)) == NULL)
		return OMI_NOMEM;
	/* The windows are read as the walk gets to them. */
	if (q->windowed)
		return OMI_OK;
	q->ri = ncands(q);
	if (after && (err = regular_bound(q, t, id)) != OMI_OK)
		return err;
	/* Every exception is a candidate of a walk over all. */
	n = q->all ? q->nexc : q->cands.n;
	for (i = 0; i < n && err == OMI_OK; i++) {
		docno = q->all ? q->exc[i] : q->cands.v[i].docno;
		if (q->all || is_exception(q, docno))
			err = exc_add(q, docno);
	}
	exc_sort(q);
	return err;
}

/* The next regular candidate, newest first, into q->rhead. */
static enum omi_err
regular_next(struct sindex_query *q)
{
	enum omi_err err;

	for (;;) {
		while (!q->rhead_ok && q->ri > 0) {
			q->ri--;
			if (is_exception(q, cand_docno(q, q->ri)))
				continue;
			err = hit_fill(q, cand_docno(q, q->ri), &q->rhead);
			if (err == OMI_OK)
				q->rhead_ok = 1;
			else if (err != OMI_NOTFOUND)
				return err;
		}
		if (q->rhead_ok || !q->windowed || q->win_lo == 0)
			return OMI_OK;
		if ((err = window_next(q)) != OMI_OK)
			return err;
	}
}

enum omi_err
sindex_next(struct sindex_query *q, struct sindex_hit *h)
{
	enum omi_err	 err;
	size_t		 i;

	if (q->relevance) {
		while (q->next < q->cands.n) {
			i = q->rank[q->next++];
			err = hit_fill(q, q->cands.v[i].docno, h);
			if (err == OMI_NOTFOUND)
				continue;
			if (err == OMI_OK)
				h->score = q->cands.v[i].tf;
			return err;
		}
		return OMI_NOTFOUND;
	}
	if ((err = regular_next(q)) != OMI_OK)
		return err;
	if (q->rhead_ok && (q->ei == q->neh || index_keycmp(q->rhead.t,
	    q->rhead.id, q->eh[q->ei].t, q->eh[q->ei].id) > 0)) {
		*h = q->rhead;
		q->rhead_ok = 0;
		return OMI_OK;
	}
	if (q->ei < q->neh) {
		*h = q->eh[q->ei++];
		return OMI_OK;
	}
	return OMI_NOTFOUND;
}

/*
 * Relevance: BM25 (k1 1.2, b 0.75) over the weighted counts, title 3,
 * overview 2, transcript 1, summed per term across the words holding it.
 * Terms too common to read add nothing to the score, as their IDF would
 * be near zero anyway. Ties go to the newer conversation (higher docno).
 */
static const struct sindex_query *rank_q;

static int
rank_cmp(const void *a, const void *b)
{
	const struct cand *x = &rank_q->cands.v[*(const size_t *)a];
	const struct cand *y = &rank_q->cands.v[*(const size_t *)b];

	if (x->tf != y->tf)
		return x->tf > y->tf ? -1 : 1;
	return x->docno > y->docno ? -1 : x->docno < y->docno;
}

static double
term_tf(const struct cset *c, uint64_t docno)
{
	size_t lo = 0, hi = c->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c->v[mid].docno == docno)
			return c->v[mid].tf;
		if (c->v[mid].docno < docno)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* A pending conversation's counts of one term, read from its words. */
static double
text_tf(const struct swords *ws, const char *term)
{
	struct buf	 pieces = { 0 };
	const char	*p;
	double		 tf = 0;
	size_t		 n, i, j;

	n = swords_pieces(term, &pieces);
	for (i = 0, p = pieces.data; i < n; i++, p += strlen(p) + 1)
		for (j = 0; j < ws->cap; j++)
			if (ws->v[j].w != NULL && strstr(ws->v[j].w, p) != NULL)
				tf += ws->v[j].wtf;
	buf_free(&pieces);
	return tf;
}

static double
bm25(double idf, double tf, double dl, double avgdl)
{
	return idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * dl / avgdl));
}

/* The score of a conversation whose postings are still pending. */
static enum omi_err
pending_score(struct sindex_query *q, uint64_t docno, double avgdl,
    double *score)
{
	struct sindex_hit	 h;
	struct swords		 ws;
	enum omi_err		 err;
	char			*raw;
	size_t			 len, k;

	*score = 0;
	if ((err = hit_fill(q, docno, &h)) != OMI_OK)
		return err == OMI_NOTFOUND ? OMI_OK : err;
	if ((err = index_get(q->s, q->uid, h.id, &raw, &len)) != OMI_OK)
		return err == OMI_NOTFOUND ? OMI_OK : err;
	memset(&ws, 0, sizeof(ws));
	err = swords_collect(&ws, raw, len);
	free(raw);
	for (k = 0; k < q->nterms && err == OMI_OK; k++)
		*score += bm25(q->terms[k].idf, text_tf(&ws, q->terms[k].term),
		    (double)ws.count, avgdl);
	swords_free(&ws);
	return err;
}

static enum omi_err
rank(struct sindex_query *q)
{
	enum omi_err	 err;
	double		 avgdl, dl, tf, score;
	int64_t		 t;
	uint32_t	 words;
	size_t		 i, k;

	if ((q->rank = reallocarray(NULL, q->cands.n + 1,
	    sizeof(*q->rank))) == NULL)
		return OMI_NOMEM;
	avgdl = q->h.live ? (double)q->h.words / (double)q->h.live : 1;
	if (avgdl < 1)
		avgdl = 1;
	for (i = 0; i < q->cands.n; i++) {
		q->rank[i] = i;
		if (in_sorted(q->pend, q->npend, q->cands.v[i].docno)) {
			if ((err = pending_score(q, q->cands.v[i].docno, avgdl,
			    &q->cands.v[i].tf)) != OMI_OK)
				return err;
			continue;
		}
		if ((err = doc_stat(q, q->cands.v[i].docno, &t, &words)) !=
		    OMI_OK)
			return err;
		dl = words;
		score = 0;
		for (k = 0; k < q->nterms; k++) {
			tf = term_tf(&q->terms[k].set, q->cands.v[i].docno);
			score += bm25(q->terms[k].idf, tf, dl, avgdl);
		}
		q->cands.v[i].tf = score;
		q->rank[i] = i;
	}
	rank_q = q;
	if (q->cands.n > 1)
		qsort(q->rank, q->cands.n, sizeof(*q->rank), rank_cmp);
	rank_q = NULL;
	return OMI_OK;
}

void
sindex_query_free(struct sindex_query *q)
{
	size_t i;

	if (q == NULL)
		return;
	for (i = 0; i < q->nterms; i++)
		free(q->terms[i].set.v);
	for (i = 0; i < q->npc; i++)
		piece_free(&q->pcs[i]);
	free(q->pcs);
	free(q->bound_id);
	free(q->cands.v);
	free(q->pend);
	free(q->exc);
	free(q->eh);
	free(q->rank);
	free(q->st_val);
	free(q->si_val);
	for (i = 0; i < q->nvc; i++)
		free(q->vc[i].val);
	free(q->vc);
	free(q->uid);
	free(q);
}
