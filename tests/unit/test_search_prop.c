/*
 * test_search_prop: the property test of the search index (issue 19). A
 * few thousand random conversations of three users are stored the way the
 * webhook and `omi-admin import` store them (conv_ingest, then index_put)
 * in many store sessions, arriving out of order, with ties in created_at;
 * then some are re-delivered with new text (some with a new created_at),
 * some deleted, one session is abandoned without its commit, and one user
 * is deleted whole and comes back with a few conversations under old ids;
 * another one's search index is rebuilt while deliveries go on.
 * For every random query, the search through the index (full_scan 0) must
 * answer exactly what the full scan answers (full_scan 1) (half of them
 * with the index read by windows of a few docnos, and with "too common"
 * starting at a fiftieth of the conversations): newest first,
 * the same ids page after page when both are walked by cursor at the same
 * random limits, and the same "more" flags (also when the index is paged
 * by offset, as the API's offset parameter does); by relevance, the same
 * set.
 *
 * The vocabulary is small, so that words collide, and holds non-ASCII
 * words with their case and accent variants, and punctuation. Queries are
 * words, prefixes, infixes, several words, "phrases" cut from stored texts
 * (across words, and across two segments, which must not match there),
 * words that only deleted or replaced versions held, 1- and 2-letter and
 * punctuation-only terms, with and without speaker_user and list filters.
 *
 * Comparing with the full scan rather than with a model of our own keeps
 * the matching rules (case folding, diacritics) in one place, search.c.
 * Two checks need no such rule and are also made against the model, so
 * that the comparison cannot pass by both sides finding nothing: a phrase
 * cut from a stored text finds its conversation, and a word that only dead
 * versions (or another user) held finds nothing.
 *
 *   OMI_PROP_SEED     the seed (decimal or 0x hex); printed on a failure
 *   OMI_PROP_CONVS    conversations to generate (tests/valgrind.sh: fewer)
 *   OMI_PROP_QUERIES  queries to run
 */
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <wctype.h>

#include <jansson.h>

#include "conv/index.h"
#include "conv/ingest.h"
#include "conv/listing.h"
#include "conv/search.h"
#include "conv/sindex.h"
#include "lib/buf.h"
#include "lib/ustr.h"
#include "store/store.h"
#include "unit.h"

#define SEED_DEFAULT	20261207ULL
/*
 * About 8 s of CPU in the plain build, most of it in the full scans. The
 * ASan build is several times slower, storing most of all; it looks for
 * memory errors, which a smaller store shows as well.
 */
#if defined(__SANITIZE_ADDRESS__)
#define CONVS_DEFAULT	600
#define QUERIES_DEFAULT	80
#else
#define CONVS_DEFAULT	2000
#define QUERIES_DEFAULT	260
#endif
#define SEC		1000000LL
#define BASE_T		(1750000000LL * SEC)
#define NUSERS		4	/* the last one never stores anything */
#define MAXSEG		8
#define LIMIT_MAX	25
#define SHOW		12	/* ids shown per list in a failure report */
#define REPORTS_MAX	10	/* failures described in full */

static char dir[] = "/tmp/omi-test-search-prop.XXXXXX";

/*
 * u1 is deleted whole and re-created; u10 has u1 as a prefix, so an index
 * keyed carelessly by prefix mixes them up; u3 never stores anything.
 */
static const char *users[NUSERS] = { "u1", "u10", "u2", "u3" };
/* Each user's own word: never in another user's conversations. */
static const char *own_word[NUSERS] = { "Wibblegamma", "Quuxalpha",
    "Zorbeta", "Plinkdelta" };

static const char *vocab[] = {
	/* ASCII, some inside others (a, an, and; ten, tent, often) */
	"budget", "kitchen", "contractor", "cabinet", "timeline", "meeting",
	"dinner", "garden", "invoice", "ticket", "train", "coffee", "doctor",
	"weekend", "project", "deadline", "tent", "ten", "often", "the",
	"and", "an", "a", "of", "to", "is", "we", "it", "on", "in", "us",
	"ok", "no",
	/* punctuation inside and around words */
	"e-mail", "don't", "3.5", "U.S.", "$18,000", "50%", "well...",
	"(maybe)", "#launch", "@home", "re:", "x/y", "---", "it's",
	/* not ASCII, with case and accent variants */
	"Straße", "STRASSE", "strasse", "café", "Café", "CAFÉ", "cafe",
	"Cafe\xcc\x81",		/* decomposed: e and a combining acute */
	"Zürich", "ZÜRICH", "Dîner", "naïve", "ΑΘΗΝΑ", "Αθήνα", "αθηνα",
	"Σοφία", "ΣΟΦΊΑΣ", "東京", "東京タワー", "🎉", "👍🏽", "İstanbul",
	"Ærø", "Øresund", "Łódź", "ﬁnance", "KÜCHE", "küche",
};
#define NVOCAB	(sizeof(vocab) / sizeof(vocab[0]))

/* Only in versions that get replaced or deleted: dead at the end. */
static const char *dead_word[] = { "Xylophonique", "Kwyjibo",
    "Vortigernium", "Шпионаж", "幽霊屋敷", "Ödlögg" };
#define NDEAD	(sizeof(dead_word) / sizeof(dead_word[0]))
/* Only in the session that is never committed. */
#define ABANDONED_WORD	"Phantasmagoria"

static const char *noaccent[] = { "cafe", "CAFE", "zurich", "Zurich",
    "strasse", "diner", "naive", "αθηνα", "σοφια", "ΣΟΦΙΑ", "istanbul",
    "aero", "oresund", "lodz", "finance", "kuche", "odlogg", "shpionazh" };
static const char *punct[] = { ".", "-", "'", "...", "$", "%", ",", "#",
    "/", "---", "(", ")", "@", ":", "\xe2\x80\x99", "?", "!", "'t",
    ".5", "s.", ".." };
static const char *categories[] = { "work", "personal", "Work",
    "education", "" };
static const char *cat_filters[] = { "work", "personal", "WORK",
    "education", "", "nosuch" };

enum fate { KEEP, REPLACE, REPLACE_MOVE, REPLACE_DELETE, DELETE };

struct version {
	char	*title, *overview;
	char	*seg[MAXSEG];
	int	 is_user[MAXSEG];
	int	 nseg;
	const char *category;
	int	 structured;	/* 0: "structured" is null */
	int	 discarded;
	int	 zone;		/* how created_at is written */
	int64_t	 t;
};

struct conv {
	int		 user;
	char		 id[24];
	enum fate	 fate;
	int		 steps;		/* of its fate done */
	int		 live;
	struct version	 v;		/* the stored version when live */
};

enum kind { K_WORD, K_PREFIX, K_INFIX, K_MULTI, K_PHRASE, K_ACROSS,
    K_DEAD, K_FOREIGN, K_NOACCENT, K_PUNCT, K_SHORT, K_CASE, K_NKINDS };
static const char *kind_name[K_NKINDS] = { "word", "prefix", "infix",
    "words", "phrase", "across-segments", "dead", "other-user",
    "no-accent", "punctuation", "short", "case" };

struct query {
	struct buf	 q;
	enum kind	 kind;
	int		 user;
	int		 speaker_user, by_relevance;
	int		 by_offset;	/* also page newest first by skip */
	int64_t		 since, until;
	const char	*category;
	int		 include_discarded;
	long		 want;		/* a conversation that must match, -1 */
	int		 none;		/* 1: nothing may match */
	uint64_t	 limits;	/* the seed of the page limits */
};

struct walk_out {
	char		**ids;
	int64_t		 *ts;
	size_t		  n, cap;
	size_t		 *page_n;	/* entries per page */
	unsigned char	 *page_more;
	size_t		  pages, pcap;
	int		  ok;
	char		  why[160];
};

static uint64_t	 seed, rng;
static struct conv *convs;
static size_t	 nconvs, convcap;
static locale_t	 loc;
static size_t	 nqueries, ninvalid, nhits, npages, nreports, nmodel;
static size_t	 ncand_queries, ncand_declined, ncands, ncand_matches;
/* The live conversations, by (user, id), for the candidate checks. */
static struct conv **live_sorted;
static size_t	 nlive_sorted;
static size_t	 kind_count[K_NKINDS];

static void	 run_queries(size_t, int);

static uint64_t
sm_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t
rn(uint32_t n)
{
	return n == 0 ? 0 : (uint32_t)(sm_next(&rng) % n);
}

static uint64_t
env_u64(const char *name, uint64_t def, uint64_t lo, uint64_t hi)
{
	const char		*s = getenv(name);
	char			*end;
	unsigned long long	 v;

	if (s == NULL || *s == '\0')
		return def;
	v = strtoull(s, &end, 0);
	if (*end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "test_search_prop: %s=%s ignored\n", name, s);
		return def;
	}
	return v;
}

/* Changes the case of s: 1 ASCII letters at random, 2 all up, 3 all down
 * (by code point, as towupper and towlower do it). */
static void
recase(struct buf *s, int mode)
{
	struct buf	 out = { 0 };
	uint32_t	 cp;
	size_t		 i, len;
	char		 enc[4];

	if (mode == 0 || s->len == 0)
		return;
	if (mode == 1 || loc == (locale_t)0) {
		for (i = 0; i < s->len; i++)
			if (((s->data[i] >= 'a' && s->data[i] <= 'z') ||
			    (s->data[i] >= 'A' && s->data[i] <= 'Z')) && rn(2))
				s->data[i] ^= 0x20;
		return;
	}
	for (i = 0; i < s->len; i += len) {
		len = ustr_decode(s->data + i, s->len - i, &cp);
		cp = (uint32_t)(mode == 2 ? towupper_l((wint_t)cp, loc) :
		    towlower_l((wint_t)cp, loc));
		buf_append(&out, enc, ustr_encode(cp, enc));
	}
	buf_reset(s);
	buf_append(s, out.data, out.len);
	buf_free(&out);
}

/* Appends code points [from, from + n) of s. */
static void
cp_sub(struct buf *b, const char *s, size_t from, size_t n)
{
	size_t len = strlen(s), a = ustr_offset(s, len, from);

	buf_append(b, s + a, ustr_offset(s + a, len - a, n));
}

static size_t
cp_len(const char *s)
{
	return ustr_count(s, strlen(s));
}

/* One word of a text: from the vocabulary, the user's own word or (in a
 * version that will die) a dead word, in a random case, maybe with a
 * punctuation mark after it. */
static void
gen_word(struct buf *b, int user, int doomed, int own_ok)
{
	struct buf	 w = { 0 };
	static const char *marks[] = { ",", ".", "?", "!", ";" };

	if (own_ok && rn(40) == 0)
		buf_puts(&w, own_word[user]);
	else if (doomed && rn(12) == 0)
		buf_puts(&w, dead_word[rn(NDEAD)]);
	else
		buf_puts(&w, vocab[rn(NVOCAB)]);
	recase(&w, rn(4) == 0 ? 1 : 0);
	buf_append(b, w.data, w.len);
	if (rn(10) == 0)
		buf_puts(b, marks[rn(5)]);
	buf_free(&w);
}

static char *
gen_text(int lo, int hi, int user, int doomed, int own_ok)
{
	struct buf	 b = { 0 };
	int		 i, n = lo + (int)rn((uint32_t)(hi - lo + 1));

	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(&b, ' ');
		gen_word(&b, user, doomed, own_ok);
	}
	return buf_take(&b);
}

static int64_t
gen_t(void)
{
	/* Few distinct seconds, so many conversations share one. */
	int64_t t = BASE_T + (int64_t)rn((uint32_t)(nconvs / 4 + 2)) * SEC;

	return rn(4) == 0 ? t + rn(1000000) : t;
}

static void
version_free(struct version *v)
{
	int i;

	free(v->title);
	free(v->overview);
	for (i = 0; i < v->nseg; i++)
		free(v->seg[i]);
	memset(v, 0, sizeof(*v));
}

/* A version that will die holds at least one dead word. */
static void
version_gen(struct version *v, int user, int doomed, int own_ok, int64_t t)
{
	struct buf	 b = { 0 };
	char		**field;
	int		 i;

	memset(v, 0, sizeof(*v));
	v->t = t;
	v->zone = (int)rn(4);
	v->structured = rn(20) != 0;
	v->category = categories[rn(5)];
	v->discarded = rn(10) == 0;
	if (v->structured) {
		v->title = gen_text(1, 5, user, doomed, own_ok);
		v->overview = gen_text(0, 14, user, doomed, own_ok);
	} else {
		v->title = strdup("");
		v->overview = strdup("");
		v->category = "";
	}
	v->nseg = (int)rn(MAXSEG + 1);
	for (i = 0; i < v->nseg; i++) {
		/* Now and then an empty segment. */
		v->seg[i] = rn(25) == 0 ? strdup("") :
		    gen_text(1, 12, user, doomed, own_ok);
		v->is_user[i] = rn(2);
	}
	/* Not in a title that "structured": null leaves out. */
	if (!doomed || (v->nseg == 0 && !v->structured))
		return;
	field = v->nseg > 0 && (!v->structured || rn(3)) ?
	    &v->seg[rn((uint32_t)v->nseg)] : &v->title;
	buf_puts(&b, *field);
	buf_printf(&b, "%s%s", b.len > 0 ? " " : "", dead_word[rn(NDEAD)]);
	free(*field);
	*field = buf_take(&b);
}

static void
iso8601(int64_t t, int zone, char *out, size_t n)
{
	static const char	*zones[] = { "Z", "+00:00", "+05:30", "" };
	struct tm		 tm;
	time_t			 s;
	size_t			 len;
	int64_t			 us = t % SEC;

	s = (time_t)(t / SEC) + (zone == 2 ? 5 * 3600 + 1800 : 0);
	gmtime_r(&s, &tm);
	len = strftime(out, n, "%Y-%m-%dT%H:%M:%S", &tm);
	if (us != 0)
		len += (size_t)snprintf(out + len, n - len, ".%06lld",
		    (long long)us);
	snprintf(out + len, n - len, "%s", zones[zone]);
}

/* The webhook body of one version, in the OMI shape. */
static char *
conv_json(const char *id, const struct version *v)
{
	json_t	*doc, *segs, *seg, *st;
	char	 ca[64], *text = NULL;
	int	 i;

	iso8601(v->t, v->zone, ca, sizeof(ca));
	if ((segs = json_array()) == NULL)
		return NULL;
	for (i = 0; i < v->nseg; i++) {
		seg = json_pack("{s:s, s:s, s:i, s:b, s:f, s:f}",
		    "text", v->seg[i],
		    "speaker", v->is_user[i] ? "SPEAKER_00" : "SPEAKER_01",
		    "speaker_id", !v->is_user[i], "is_user", v->is_user[i],
		    "start", i * 2.0, "end", i * 2.0 + 1.5);
		json_array_append_new(segs, seg);
	}
	st = v->structured ? json_pack("{s:s, s:s, s:s, s:s, s:[]}",
	    "title", v->title, "overview", v->overview, "emoji", "🔨",
	    "category", v->category, "action_items") : json_null();
	doc = json_pack("{s:s, s:s, s:s, s:o, s:o, s:b}", "id", id,
	    "created_at", ca, "language", "en", "structured", st,
	    "transcript_segments", segs, "discarded", v->discarded);
	if (doc != NULL)
		text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	return text;
}

/* Delivers a version through ingest, as the webhook does; 1 when stored
 * and index_put said "replaced" as expected. */
static int
deliver(struct store *st, const struct conv *c, const struct version *v,
    int want_replaced)
{
	struct conv_summary	 sum;
	struct conv_error	 e;
	char			*text;
	int			 replaced = -1, ok = 0;

	if ((text = conv_json(c->id, v)) == NULL)
		return 0;
	if (conv_ingest(text, strlen(text), &sum, NULL, &e) == OMI_OK) {
		ok = sum.t == v->t && strcmp(sum.id, c->id) == 0 &&
		    index_put(st, users[c->user], &sum, text, strlen(text),
		    &replaced) == OMI_OK && replaced == want_replaced;
		conv_summary_free(&sum);
	} else
		fprintf(stderr, "ingest: %s: %s\n", e.field, e.message);
	if (!ok)
		fprintf(stderr, "deliver %s:%s failed (replaced %d)\n",
		    users[c->user], c->id, replaced);
	free(text);
	return ok;
}

static struct conv *
conv_new(int user)
{
	static unsigned	 serial[NUSERS];
	struct conv	*c;
	unsigned	 k;

	if (nconvs == convcap) {
		convcap = convcap ? convcap * 2 : 1024;
		if ((convs = reallocarray(convs, convcap,
		    sizeof(*convs))) == NULL)
			abort();
	}
	c = &convs[nconvs++];
	memset(c, 0, sizeof(*c));
	c->user = user;
	/* The same ids in every user; shapes that sort unlike numbers. */
	k = serial[user]++;
	snprintf(c->id, sizeof(c->id), k % 3 == 0 ? "c%04u" : k % 3 == 1 ?
	    "c-%u" : "Conv_%u.x", k);
	return c;
}

static void
shuffle(size_t *a, size_t n)
{
	size_t i, j, x;

	for (i = n; i > 1; i--) {
		j = rn((uint32_t)i);
		x = a[i - 1];
		a[i - 1] = a[j];
		a[j] = x;
	}
}

static int
pick_user(void)
{
	uint32_t r = rn(100);

	return r < 20 ? 0 : r < 62 ? 1 : 2;
}

/* The first deliveries, out of order, in sessions of 50 to 400. */
static void
phase_fill(size_t n)
{
	struct store	*st;
	struct conv	*c;
	size_t		*order, i, j, end;
	uint32_t	 r;
	int		 ok;

	for (i = 0; i < n; i++) {
		c = conv_new(pick_user());
		r = rn(100);
		c->fate = c->user == 0 || r < 70 ? KEEP : r < 82 ? REPLACE :
		    r < 88 ? REPLACE_MOVE : r < 92 ? REPLACE_DELETE : DELETE;
		version_gen(&c->v, c->user, c->fate != KEEP, 1, gen_t());
	}
	if ((order = calloc(n, sizeof(*order))) == NULL)
		abort();
	for (i = 0; i < n; i++)
		order[i] = i;
	shuffle(order, n);
	for (i = 0; i < n; i = end) {
		end = i + 50 + rn(351);
		end = end > n ? n : end;
		ok = store_open(&st, dir, STORE_WRITE, 5000) == OMI_OK;
		for (j = i; j < end && ok; j++) {
			c = &convs[order[j]];
			ok = deliver(st, c, &c->v, 0);
			c->live = ok;
		}
		ok = ok && store_commit(st) == OMI_OK;
		store_close(st);
		CHECK(ok);
	}
	free(order);
}

/*
 * A session that is closed without its commit, as when the process dies:
 * re-deliveries holding a word nobody else has, deletions and new
 * conversations. None of it may show.
 */
static void
abandoned_session(void)
{
	struct version	 v;
	struct conv	 tmp;
	struct store	*st;
	size_t		 i;
	int		 ok;

	if (store_open(&st, dir, STORE_WRITE, 5000) != OMI_OK) {
		CHECK(0);
		return;
	}
	ok = 1;
	for (i = 0; i < nconvs && ok; i++) {
		if (!convs[i].live || rn(30) != 0)
			continue;
		if (rn(2)) {
			ok = index_del(st, users[convs[i].user],
			    convs[i].id) == OMI_OK;
			continue;
		}
		version_gen(&v, convs[i].user, 0, 1, gen_t());
		free(v.title);
		v.title = strdup(ABANDONED_WORD);
		ok = deliver(st, &convs[i], &v, 1);
		version_free(&v);
	}
	for (i = 0; i < 20 && ok; i++) {
		memset(&tmp, 0, sizeof(tmp));
		tmp.user = 1 + (int)rn(2);
		snprintf(tmp.id, sizeof(tmp.id), "abandoned%zu", i);
		version_gen(&v, tmp.user, 0, 1, gen_t());
		free(v.overview);
		v.overview = strdup("an " ABANDONED_WORD " overview");
		ok = deliver(st, &tmp, &v, 0);
		version_free(&v);
	}
	CHECK(ok);
	store_close(st);
}

/* One step of a conversation's fate; 0 on failure. */
static int
fate_step(struct store *st, struct conv *c)
{
	struct version	 v;
	int		 step = c->steps++;

	if (c->fate == DELETE || (c->fate == REPLACE_DELETE && step == 1)) {
		c->live = 0;
		version_free(&c->v);
		return index_del(st, users[c->user], c->id) == OMI_OK;
	}
	/* A re-delivery: new text, the old created_at unless it moves. */
	version_gen(&v, c->user, c->fate == REPLACE_DELETE, 1,
	    c->fate == REPLACE_MOVE ? gen_t() : c->v.t);
	version_free(&c->v);
	c->v = v;
	return deliver(st, c, &c->v, 1);
}

/* Re-deliveries, deletions and new conversations, mixed, in sessions. */
static void
phase_change(void)
{
	struct store	*st;
	struct conv	*c;
	size_t		*ops, nops = 0, i, j, end, fresh, n0 = nconvs;
	int		 ok, abandoned = 0;

	fresh = n0 / 20 + 1;
	if ((ops = calloc(2 * n0 + fresh, sizeof(*ops))) == NULL)
		abort();
	for (i = 0; i < n0; i++) {
		if (convs[i].fate != KEEP && convs[i].live)
			ops[nops++] = i;
		if (convs[i].fate == REPLACE_DELETE && convs[i].live)
			ops[nops++] = i;
	}
	for (i = 0; i < fresh; i++) {
		c = conv_new(pick_user());
		c->fate = KEEP;
		c->steps = -1;		/* not yet delivered */
		version_gen(&c->v, c->user, 0, 1, gen_t());
		ops[nops++] = nconvs - 1;
	}
	shuffle(ops, nops);
	for (i = 0; i < nops; i = end) {
		if (!abandoned && i >= nops / 2) {
			abandoned_session();
			abandoned = 1;
		}
		end = i + 20 + rn(200);
		end = end > nops ? nops : end;
		ok = store_open(&st, dir, STORE_WRITE, 5000) == OMI_OK;
		for (j = i; j < end && ok; j++) {
			c = &convs[ops[j]];
			if (c->steps == -1) {
				c->steps = 0;
				ok = c->live = deliver(st, c, &c->v, 0);
			} else
				ok = fate_step(st, c);
		}
		ok = ok && store_commit(st) == OMI_OK;
		store_close(st);
		CHECK(ok);
	}
	free(ops);
}

/* Deletes u1 whole, then u1 comes back with a few old ids, new text. */
static void
phase_user(void)
{
	struct store	*st;
	size_t		 i, live = 0, count = 0, back = 0;
	int		 ok;

	for (i = 0; i < nconvs; i++)
		live += convs[i].user == 0 && convs[i].live;
	if (store_open(&st, dir, STORE_WRITE, 5000) != OMI_OK) {
		CHECK(0);
		return;
	}
	ok = index_del_user(st, users[0], &count) == OMI_OK && count == live;
	for (i = 0; i < nconvs; i++)
		if (convs[i].user == 0 && convs[i].live) {
			convs[i].live = 0;
			version_free(&convs[i].v);
		}
	for (i = 0; i < nconvs && ok && back < 25; i++) {
		if (convs[i].user != 0 || rn(4) != 0)
			continue;
		/* No Wibblegamma any more: u1's old word is dead now. */
		version_gen(&convs[i].v, 0, 0, 0, gen_t());
		ok = convs[i].live = deliver(st, &convs[i], &convs[i].v, 0);
		back++;
	}
	ok = ok && store_commit(st) == OMI_OK;
	store_close(st);
	if (!ok)
		fprintf(stderr, "user delete: %zu of %zu\n", count, live);
	CHECK(ok);
}

/* A few deliveries for user in a session of their own. */
static void
user_deliveries(int user)
{
	struct store	*st;
	struct conv	*c;
	size_t		 i;
	int		 ok, k;

	if (store_open(&st, dir, STORE_WRITE, 5000) != OMI_OK) {
		CHECK(0);
		return;
	}
	ok = 1;
	for (i = 0, k = 0; i < nconvs && ok && k < 6; i++) {
		c = &convs[i];
		if (c->user != user || !c->live || rn(40) != 0)
			continue;
		c->fate = k % 3 == 0 ? DELETE : k % 3 == 1 ? REPLACE :
		    REPLACE_MOVE;
		ok = fate_step(st, c);
		k++;
	}
	for (k = 0; k < 2 && ok; k++) {
		c = conv_new(user);
		version_gen(&c->v, user, 0, 1, gen_t());
		ok = c->live = deliver(st, c, &c->v, 0);
	}
	ok = ok && store_commit(st) == OMI_OK;
	store_close(st);
	CHECK(ok);
}

/*
 * Rebuilds u2's search index the way omi-admin reindex does it with
 * conv/sindex.h: start, every conversation added in sessions of its own,
 * end, while deliveries for u2 keep arriving in between (they index
 * themselves; build_add leaves what a delivery indexed alone). Half way,
 * a few queries: a half-built index must not be used.
 */
static void
phase_reindex(size_t nq)
{
	struct store	*st;
	size_t		*snap, n = 0, i, end;
	char		*raw;
	size_t		 len;
	int		 ok, mid = 0;

	if ((snap = calloc(nconvs + 1, sizeof(*snap))) == NULL)
		abort();
	for (i = 0; i < nconvs; i++)
		if (convs[i].user == 2 && convs[i].live)
			snap[n++] = i;
	ok = store_open(&st, dir, STORE_WRITE, 5000) == OMI_OK &&
	    sindex_build_start(st, users[2]) == OMI_OK &&
	    store_commit(st) == OMI_OK;
	store_close(st);
	CHECK(ok);
	for (i = 0; i < n && ok; i = end) {
		user_deliveries(2);
		if (!mid && i >= n / 2) {
			run_queries(nq, 1);
			mid = 1;
		}
		/* A fifth or so a session: several, at any size. */
		end = i + 1 + n / 5 + rn((uint32_t)(n / 5 + 1));
		end = end > n ? n : end;
		ok = store_open(&st, dir, STORE_WRITE, 5000) == OMI_OK;
		for (; i < end && ok; i++) {
			/* What was deleted meanwhile is not there to add. */
			if (!convs[snap[i]].live)
				continue;
			raw = NULL;
			ok = index_get(st, users[2], convs[snap[i]].id, &raw,
			    &len) == OMI_OK && sindex_build_add(st, users[2],
			    convs[snap[i]].id, convs[snap[i]].v.t, raw, len) ==
			    OMI_OK;
			free(raw);
		}
		ok = ok && store_commit(st) == OMI_OK;
		store_close(st);
		CHECK(ok);
	}
	user_deliveries(2);
	ok = store_open(&st, dir, STORE_WRITE, 5000) == OMI_OK &&
	    sindex_build_end(st, users[2]) == OMI_OK &&
	    store_commit(st) == OMI_OK;
	store_close(st);
	CHECK(ok);
	free(snap);
}

/* A random live conversation of user, or -1. */
static long
pick_live(int user)
{
	size_t i, k, n = 0;

	for (i = 0; i < nconvs; i++)
		n += convs[i].live && convs[i].user == user;
	if (n == 0)
		return -1;
	k = rn((uint32_t)n);
	for (i = 0; i < nconvs; i++)
		if (convs[i].live && convs[i].user == user && k-- == 0)
			return (long)i;
	return -1;
}

/*
 * A text of conversation c: the title, the overview or segment *seg
 * (then *seg >= 0); NULL when it has none worth cutting from.
 */
static const char *
pick_text(const struct conv *c, int *seg)
{
	const char *s;

	*seg = -1;
	if (c->v.nseg > 0 && rn(4) != 0)
		s = c->v.seg[*seg = (int)rn((uint32_t)c->v.nseg)];
	else
		s = rn(2) ? c->v.title : c->v.overview;
	return s != NULL && *s != '\0' ? s : NULL;
}

/* A random-length piece of s, in code points, often across a space. */
static void
cut_phrase(struct buf *b, const char *s)
{
	size_t n = cp_len(s), from, len;

	from = rn((uint32_t)n);
	len = 1 + rn(24);
	if (from + len > n)
		len = n - from;
	cp_sub(b, s, from, len);
}

static void
gen_term(struct buf *b)
{
	const char	*w = vocab[rn(NVOCAB)];
	size_t		 n = cp_len(w), from;

	switch (rn(3)) {
	case 0:
		buf_puts(b, w);
		break;
	case 1:
		cp_sub(b, w, 0, 1 + rn((uint32_t)n));
		break;
	default:
		from = rn((uint32_t)n);
		cp_sub(b, w, from, 1 + rn((uint32_t)(n - from)));
		break;
	}
}

/* The filters, and whether a conversation passes them. */
static void
gen_filters(struct query *q)
{
	long a, b;

	q->since = INT64_MIN;
	q->until = INT64_MAX;
	if (rn(10) >= 3)
		return;
	if (rn(3) == 0)
		q->category = cat_filters[rn(6)];
	q->include_discarded = rn(2);
	if (rn(2) && (a = pick_live(q->user)) >= 0 &&
	    (b = pick_live(q->user)) >= 0) {
		q->since = convs[a].v.t < convs[b].v.t ? convs[a].v.t :
		    convs[b].v.t;
		q->until = convs[a].v.t < convs[b].v.t ? convs[b].v.t :
		    convs[a].v.t;
		q->since += (int64_t)rn(3) - 1;
		q->until += (int64_t)rn(3) - 1;
		if (rn(4) == 0)
			q->since = INT64_MIN;
		else if (rn(4) == 0)
			q->until = INT64_MAX;
	}
}

static int
passes(const struct query *q, const struct conv *c)
{
	return c->v.t >= q->since && c->v.t <= q->until &&
	    (q->category == NULL || strcasecmp(c->v.category,
	    q->category) == 0) && (q->include_discarded || !c->v.discarded);
}

static void
query_gen(struct query *q, int late)
{
	const struct conv	*c;
	const char		*s;
	uint32_t		 r = rn(100);
	size_t			 from;
	long			 ci;
	int			 seg = -1, other;
	struct buf		 keep = q->q;

	memset(q, 0, sizeof(*q));
	q->q = keep;
	buf_reset(&q->q);
	q->want = -1;
	q->user = rn(20) == 0 ? 3 : rn(5) == 0 ? 0 : 1 + (int)rn(2);
	q->speaker_user = rn(10) < 3;
	q->by_relevance = rn(4) == 0;
	q->by_offset = rn(4) == 0;
	q->limits = sm_next(&rng);
	gen_filters(q);
	ci = pick_live(q->user);
	c = ci >= 0 ? &convs[ci] : NULL;
	q->kind = r < 12 ? K_WORD : r < 19 ? K_PREFIX : r < 26 ? K_INFIX :
	    r < 36 ? K_MULTI : r < 52 ? K_PHRASE : r < 60 ? K_ACROSS :
	    r < 68 ? K_DEAD : r < 72 ? K_FOREIGN : r < 80 ? K_NOACCENT :
	    r < 85 ? K_PUNCT : r < 93 ? K_SHORT : K_CASE;
	switch (q->kind) {
	case K_WORD:
		buf_puts(&q->q, rn(8) == 0 ? own_word[q->user] :
		    vocab[rn(NVOCAB)]);
		recase(&q->q, (int)rn(2));
		break;
	case K_PREFIX:
	case K_INFIX:
		s = vocab[rn(NVOCAB)];
		if (q->kind == K_PREFIX)
			cp_sub(&q->q, s, 0, 1 + rn((uint32_t)cp_len(s)));
		else {
			from = rn((uint32_t)cp_len(s));
			cp_sub(&q->q, s, from,
			    1 + rn((uint32_t)(cp_len(s) - from)));
		}
		recase(&q->q, (int)rn(2));
		break;
	case K_MULTI:
		/* Words of one text, unquoted: found in that conversation. */
		if (c != NULL && rn(2) && (s = pick_text(c, &seg)) != NULL) {
			cut_phrase(&q->q, s);
			q->want = ci;
		} else {
			gen_term(&q->q);
			buf_putc(&q->q, ' ');
			gen_term(&q->q);
			if (rn(2)) {
				buf_putc(&q->q, ' ');
				gen_term(&q->q);
			}
		}
		recase(&q->q, (int)rn(2));
		break;
	case K_PHRASE:
		buf_putc(&q->q, '"');
		if (c != NULL && (s = pick_text(c, &seg)) != NULL) {
			cut_phrase(&q->q, s);
			q->want = ci;
		} else
			buf_puts(&q->q, "budget often");
		recase(&q->q, (int)rn(2));
		buf_putc(&q->q, '"');
		break;
	case K_ACROSS:
		/* The end of one segment and the start of the next. */
		buf_putc(&q->q, '"');
		if (c != NULL && c->v.nseg >= 2) {
			seg = (int)rn((uint32_t)c->v.nseg - 1);
			s = c->v.seg[seg];
			cp_sub(&q->q, s, cp_len(s) - (cp_len(s) < 6 ? cp_len(s) :
			    1 + rn(6)), 6);
			if (rn(2))
				buf_putc(&q->q, ' ');
			cp_sub(&q->q, c->v.seg[seg + 1], 0, 1 + rn(6));
			seg = -1;
		} else
			buf_puts(&q->q, "ten budget");
		buf_putc(&q->q, '"');
		break;
	case K_DEAD:
		/* Late, all are gone; before the changes, the abandoned
		 * session's word, and u1's own word for another user. */
		other = (int)rn(NDEAD + 2);
		buf_puts(&q->q, other < (int)NDEAD ? dead_word[other] :
		    other == NDEAD ? own_word[0] : ABANDONED_WORD);
		q->none = late || other == NDEAD + 1 ||
		    (other == NDEAD && q->user != 0);
		recase(&q->q, (int)rn(2));
		break;
	case K_FOREIGN:
		other = (q->user + 1 + (int)rn(NUSERS - 1)) % NUSERS;
		buf_puts(&q->q, own_word[other]);
		q->none = 1;
		break;
	case K_NOACCENT:
		buf_puts(&q->q, noaccent[rn(sizeof(noaccent) /
		    sizeof(noaccent[0]))]);
		break;
	case K_PUNCT:
		buf_puts(&q->q, punct[rn(sizeof(punct) / sizeof(punct[0]))]);
		if (rn(4) == 0)
			buf_printf(&q->q, " %s",
			    punct[rn(sizeof(punct) / sizeof(punct[0]))]);
		break;
	case K_SHORT:
		s = vocab[rn(NVOCAB)];
		cp_sub(&q->q, s, rn((uint32_t)cp_len(s)), 1 + rn(2));
		if (rn(3) == 0) {
			buf_putc(&q->q, ' ');
			s = vocab[rn(NVOCAB)];
			cp_sub(&q->q, s, rn((uint32_t)cp_len(s)), 1 + rn(2));
		}
		recase(&q->q, (int)rn(2));
		break;
	default:
		/* Up or down by code point: no promise of a match. */
		if (c != NULL && rn(2) && (s = pick_text(c, &seg)) != NULL) {
			buf_putc(&q->q, '"');
			cut_phrase(&q->q, s);
			buf_putc(&q->q, '"');
		} else
			buf_puts(&q->q, vocab[rn(NVOCAB)]);
		recase(&q->q, 2 + (int)rn(2));
		break;
	}
	/* Another term now and then: all terms must be found. */
	if (rn(8) == 0) {
		buf_putc(&q->q, ' ');
		gen_term(&q->q);
		q->want = -1;
	}
	/* The wearer's own words only: a title or overview is not one. */
	if (q->want >= 0 && ((q->speaker_user && (seg < 0 ||
	    !convs[q->want].v.is_user[seg])) || !passes(q, &convs[q->want])))
		q->want = -1;
}

static void
walk_free(struct walk_out *o)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		free(o->ids[i]);
	free(o->ids);
	free(o->ts);
	free(o->page_n);
	free(o->page_more);
	memset(o, 0, sizeof(*o));
}

static int
walk_add_page(struct walk_out *o, size_t n, int more)
{
	if (o->pages == o->pcap) {
		o->pcap = o->pcap ? o->pcap * 2 : 16;
		if ((o->page_n = reallocarray(o->page_n, o->pcap,
		    sizeof(*o->page_n))) == NULL ||
		    (o->page_more = realloc(o->page_more, o->pcap)) == NULL)
			return -1;
	}
	o->page_n[o->pages] = n;
	o->page_more[o->pages++] = (unsigned char)more;
	return 0;
}

static int
walk_add_id(struct walk_out *o, const char *id, int64_t t)
{
	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 64;
		if ((o->ids = reallocarray(o->ids, o->cap,
		    sizeof(*o->ids))) == NULL ||
		    (o->ts = reallocarray(o->ts, o->cap,
		    sizeof(*o->ts))) == NULL)
			return -1;
	}
	o->ts[o->n] = t;
	return (o->ids[o->n++] = strdup(id)) == NULL ? -1 : 0;
}

/*
 * Walks every page of a query, as a client does: each page from the
 * cursor of the one before (listing_pos_after, as the API makes it),
 * through listing_cursor_encode and _decode; or, as the API's offset
 * does, skipping the matches seen so far. Newest first, the entries must come
 * in strictly descending (t, id).
 */
static void
walk(struct store *st, struct index_head *h, const struct query *q,
    struct search *sr, int full, int relevance, int by_skip,
    size_t maxpages, struct walk_out *o)
{
	struct listing_filter	 f;
	struct listing_page	 pg;
	struct listing_pos	 pos, next;
	const json_t		*e;
	enum omi_err		 err;
	uint64_t		 ls = q->limits;
	int64_t			 pt = INT64_MAX, t;
	char			 pid[CONV_ID_MAX + 1] = "\x7f", *cur;
	const char		*id;
	size_t			 limit, k;

	memset(o, 0, sizeof(*o));
	o->ok = 1;
	memset(&f, 0, sizeof(f));
	f.since = q->since;
	f.until = q->until;
	f.category = q->category;
	f.include_discarded = q->include_discarded;
	f.search = sr;
	f.speaker_user = q->speaker_user;
	f.by_relevance = relevance;
	f.full_scan = full;
	f.scan_budget = SIZE_MAX / 2;	/* a scan never stops */
	memset(&pos, 0, sizeof(pos));
	while (o->ok) {
		if (o->pages > maxpages) {
			snprintf(o->why, sizeof(o->why), "more than %zu pages",
			    maxpages);
			o->ok = 0;
			break;
		}
		limit = 1 + sm_next(&ls) % LIMIT_MAX;
		if ((err = listing_fetch(st, users[q->user], h, &f, &pos,
		    limit, &pg)) != OMI_OK) {
			snprintf(o->why, sizeof(o->why), "page %zu: %s",
			    o->pages, omi_strerror(err));
			o->ok = 0;
			break;
		}
		npages++;
		json_array_foreach(pg.entries, k, e) {
			id = json_string_value(json_object_get(e, "id"));
			t = json_integer_value(json_object_get(e, "t"));
			if (id == NULL || walk_add_id(o, id, t) == -1) {
				snprintf(o->why, sizeof(o->why), "bad entry");
				o->ok = 0;
				break;
			}
			if (!relevance && index_keycmp(t, id, pt, pid) >= 0) {
				snprintf(o->why, sizeof(o->why), "%s not older"
				    " than %s", id, pid);
				o->ok = 0;
			}
			pt = t;
			snprintf(pid, sizeof(pid), "%s", id);
		}
		if (walk_add_page(o, json_array_size(pg.entries), pg.more) ==
		    -1 || pg.stopped || json_array_size(pg.entries) > limit ||
		    (pg.more && json_array_size(pg.entries) == 0)) {
			if (o->ok)
				snprintf(o->why, sizeof(o->why), "page %zu: %zu"
				    " entries, limit %zu, more %d, stopped %d",
				    o->pages, json_array_size(pg.entries),
				    limit, pg.more, pg.stopped);
			o->ok = 0;
		}
		if (!o->ok || !pg.more) {
			listing_page_free(&pg);
			break;
		}
		/* The API's next cursor; an offset is the API's next_offset. */
		if (by_skip) {
			memset(&next, 0, sizeof(next));
			next.skip = o->n;
		} else
			listing_pos_after(&f, &pos, pg.entries,
			    json_array_size(pg.entries), &next);
		listing_page_free(&pg);
		cur = listing_cursor_encode(&next);
		if (cur == NULL || listing_cursor_decode(cur, &pos) == -1 ||
		    pos.relevance != relevance || (!relevance && !by_skip &&
		    (pos.t != pt || strcmp(pos.id, pid) != 0))) {
			snprintf(o->why, sizeof(o->why), "cursor after %s",
			    cur ? cur : "(none)");
			o->ok = 0;
		}
		free(cur);
	}
}

/* Index of the first difference of two walks (ids or pages), or -1. */
static long
walk_diff(const struct walk_out *a, const struct walk_out *b)
{
	size_t i;

	for (i = 0; i < a->n && i < b->n; i++)
		if (strcmp(a->ids[i], b->ids[i]) != 0)
			return (long)i;
	if (a->n != b->n)
		return (long)i;
	if (a->pages != b->pages)
		return (long)a->n;
	for (i = 0; i < a->pages; i++)
		if (a->page_n[i] != b->page_n[i] ||
		    a->page_more[i] != b->page_more[i])
			return (long)a->n;
	return -1;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 1 when b holds the ids of a, each once, in any order. */
static int
same_set(const struct walk_out *a, const struct walk_out *b)
{
	char	**x, **y;
	size_t	  i;
	int	  same = a->n == b->n;

	if (!same || a->n == 0)
		return same;
	x = calloc(a->n, sizeof(*x));
	y = calloc(b->n, sizeof(*y));
	if (x == NULL || y == NULL)
		same = 0;
	else {
		memcpy(x, a->ids, a->n * sizeof(*x));
		memcpy(y, b->ids, b->n * sizeof(*y));
		qsort(x, a->n, sizeof(*x), cmp_str);
		qsort(y, b->n, sizeof(*y), cmp_str);
		for (i = 0; i < a->n && same; i++)
			same = strcmp(x[i], y[i]) == 0 &&
			    (i == 0 || strcmp(y[i - 1], y[i]) != 0);
	}
	free(x);
	free(y);
	return same;
}

static int
has_id(const struct walk_out *o, const char *id)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (strcmp(o->ids[i], id) == 0)
			return 1;
	return 0;
}

/* A list's counts, and SHOW of its ids from entry from on. */
static void
show_list(const char *name, const struct walk_out *o, size_t from)
{
	size_t i;

	fprintf(stderr, "  %-10s %zu ids in %zu pages, more at the end %d%s%s"
	    "\n    [%zu..]:", name, o->n, o->pages,
	    o->pages ? o->page_more[o->pages - 1] : -1,
	    o->ok ? "" : ", FAILED: ", o->ok ? "" : o->why, from);
	for (i = from; i < o->n && i < from + SHOW; i++)
		fprintf(stderr, " %s", o->ids[i]);
	fprintf(stderr, "%s\n", o->n > from + SHOW ? " ..." : "");
}

/* Enough to see and to repeat a failure: the seed, the query, both lists. */
static void
report(size_t qn, const struct query *q, const char *what,
    const struct walk_out *a, const char *an, const struct walk_out *b,
    const char *bn)
{
	json_t	*js;
	char	*qs;
	long	 d = -1;
	size_t	 from;

	if (nreports++ >= REPORTS_MAX)
		return;
	js = json_stringn(q->q.data, q->q.len);
	qs = js ? json_dumps(js, JSON_ENCODE_ANY) : NULL;
	fprintf(stderr, "test_search_prop: %s (OMI_PROP_SEED=%llu, query %zu, "
	    "%s)\n  q=%s user=%s speaker_user=%d by_relevance=%d by_offset=%d "
	    "category=%s since=%lld until=%lld include_discarded=%d\n", what,
	    (unsigned long long)seed, qn, kind_name[q->kind],
	    qs ? qs : "?", users[q->user], q->speaker_user, q->by_relevance,
	    q->by_offset,
	    q->category ? q->category : "(any)", (long long)q->since,
	    (long long)q->until, q->include_discarded);
	free(qs);
	json_decref(js);
	if (a != NULL && b != NULL)
		d = walk_diff(a, b);
	/* From a little before the first difference. */
	from = d > 3 ? (size_t)d - 3 : 0;
	if (a != NULL)
		show_list(an, a, from);
	if (b != NULL)
		show_list(bn, b, from);
	if (d >= 0)
		fprintf(stderr, "  the lists first differ at entry %ld\n", d);
	if (q->want >= 0)
		fprintf(stderr, "  must find %s\n", convs[q->want].id);
}

static int
cmp_conv(const void *a, const void *b)
{
	const struct conv *x = *(struct conv *const *)a;
	const struct conv *y = *(struct conv *const *)b;

	return x->user != y->user ? x->user - y->user : strcmp(x->id, y->id);
}

static void
live_sort(void)
{
	size_t i;

	free(live_sorted);
	if ((live_sorted = calloc(nconvs + 1, sizeof(*live_sorted))) == NULL)
		abort();
	nlive_sorted = 0;
	for (i = 0; i < nconvs; i++)
		if (convs[i].live)
			live_sorted[nlive_sorted++] = &convs[i];
	qsort(live_sorted, nlive_sorted, sizeof(*live_sorted), cmp_conv);
}

static const struct conv *
live_find(int user, const char *id)
{
	size_t	 lo = 0, hi = nlive_sorted, mid;
	int	 d;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		d = live_sorted[mid]->user != user ?
		    live_sorted[mid]->user - user :
		    strcmp(live_sorted[mid]->id, id);
		if (d == 0)
			return live_sorted[mid];
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * Collects the index's candidates of a query, from below (t, id) when
 * after; each must be a live conversation of the user with its t, and
 * newest first they must come in strictly descending (t, id). Returns
 * OMI_NOTFOUND when the index declines (it cannot narrow the search).
 */
static enum omi_err
candidates(struct store *st, const struct query *q, struct search *sr,
    int relevance, int after, int64_t at, const char *atid,
    struct walk_out *o)
{
	struct sindex_query	*sq = NULL;
	struct sindex_hit	 hit;
	const struct conv	*c;
	enum omi_err		 err;
	int64_t			 pt = INT64_MAX;
	char			 pid[CONV_ID_MAX + 1] = "\x7f";

	memset(o, 0, sizeof(*o));
	o->ok = 1;
	if ((err = sindex_query(st, users[q->user], sr, 0, relevance,
	    &sq)) != OMI_OK)
		return err;
	if ((err = sindex_start(sq, after, at, atid)) != OMI_OK) {
		snprintf(o->why, sizeof(o->why), "sindex_start: %s",
		    omi_strerror(err));
		o->ok = 0;
	}
	while (o->ok && (err = sindex_next(sq, &hit)) == OMI_OK) {
		c = live_find(q->user, hit.id);
		if (c == NULL || c->v.t != hit.t)
			snprintf(o->why, sizeof(o->why), "%.40s (t %lld): %s",
			    hit.id, (long long)hit.t, c == NULL ?
			    "no such live conversation" : "not its t");
		else if (!relevance && index_keycmp(hit.t, hit.id, pt,
		    pid) >= 0)
			snprintf(o->why, sizeof(o->why), "%.40s not older "
			    "than %.40s", hit.id, pid);
		else if (after && index_keycmp(hit.t, hit.id, at, atid) >= 0)
			snprintf(o->why, sizeof(o->why), "%.40s not after "
			    "the position", hit.id);
		else if (o->n > nlive_sorted)
			snprintf(o->why, sizeof(o->why), "endless");
		else if (walk_add_id(o, hit.id, hit.t) == -1)
			snprintf(o->why, sizeof(o->why), "out of memory");
		else {
			pt = hit.t;
			snprintf(pid, sizeof(pid), "%s", hit.id);
			continue;
		}
		o->ok = 0;
	}
	if (o->ok && err != OMI_NOTFOUND) {
		snprintf(o->why, sizeof(o->why), "sindex_next: %s",
		    omi_strerror(err));
		o->ok = 0;
	}
	sindex_query_free(sq);
	return OMI_OK;
}

/*
 * 1 when every id of want from entry from on is in got; with show, the
 * first SHOW that are not are printed.
 */
static int
holds(const struct walk_out *got, const struct walk_out *want, size_t from,
    int show)
{
	char	**x;
	size_t	  i, missing = 0;

	if ((x = calloc(got->n + 1, sizeof(*x))) == NULL)
		return 0;
	if (got->n > 0)
		memcpy(x, got->ids, got->n * sizeof(*x));
	qsort(x, got->n, sizeof(*x), cmp_str);
	for (i = from; i < want->n && (show || missing == 0); i++) {
		if (got->n > 0 && bsearch(&want->ids[i], x, got->n,
		    sizeof(*x), cmp_str) != NULL)
			continue;
		if (show && missing < SHOW)
			fprintf(stderr, "%s %s", missing ? "" : "  missing:",
			    want->ids[i]);
		missing++;
	}
	if (show && missing > 0)
		fprintf(stderr, "%s (%zu)\n", missing > SHOW ? " ..." : "",
		    missing);
	free(x);
	return missing == 0;
}

/*
 * The index itself, under listing_fetch (when the walks differ, these say
 * whether the candidates or the walk over them went wrong): its candidates
 * hold every match the full scan found, newest first, from a position, and
 * by relevance (asked with speaker_user 0, a superset of the wearer's).
 * This tests conv/sindex.h directly; drop it if that interface goes away.
 */
static void
check_candidates(struct store *st, size_t qn, const struct query *q,
    struct search *sr, const struct walk_out *full)
{
	struct walk_out	 cand;
	enum omi_err	 err;
	size_t		 k;
	int		 ok, rel;

	if (!full->ok)
		return;
	for (rel = 0; rel < 2; rel++) {
		if (rel && !q->by_relevance)
			break;
		err = candidates(st, q, sr, rel, 0, 0, NULL, &cand);
		if (err == OMI_NOTFOUND) {
			ncand_declined++;
			return;
		}
		ncand_queries++;
		ncands += cand.n;
		ncand_matches += full->n;
		ok = err == OMI_OK && cand.ok && holds(&cand, full, 0, 0);
		if (!ok && nreports < REPORTS_MAX) {
			report(qn, q, rel ? "by relevance, the index's "
			    "candidates miss a match" : "the index's "
			    "candidates miss a match", full, "full scan",
			    &cand, "candidates");
			holds(&cand, full, 0, 1);
		}
		CHECK(ok);
		walk_free(&cand);
	}
	/* From a position, as the next page starts. */
	if (full->n == 0 || rn(3) != 0)
		return;
	k = rn((uint32_t)full->n);
	err = candidates(st, q, sr, 0, 1, full->ts[k], full->ids[k], &cand);
	ok = err == OMI_OK && cand.ok && holds(&cand, full, k + 1, 0);
	if (!ok && nreports < REPORTS_MAX) {
		report(qn, q, "from a position, the index's candidates miss a "
		    "match", full, "full scan", &cand, "candidates");
		fprintf(stderr, "  position: after entry %zu, %s\n", k,
		    full->ids[k]);
		holds(&cand, full, k + 1, 1);
	}
	CHECK(ok);
	walk_free(&cand);
}

static void
run_query(struct store *st, struct index_head *heads, size_t qn,
    const struct query *q)
{
	struct walk_out	 full, idx, rel;
	struct search	 sr;
	enum omi_err	 err;
	size_t		 i, maxpages = 2;
	int		 ok;

	for (i = 0; i < nconvs; i++)
		maxpages += convs[i].live && convs[i].user == q->user;
	nqueries++;
	kind_count[q->kind]++;
	if ((err = search_compile(&sr, q->q.data)) != OMI_OK) {
		/* Too many terms or an empty query: no search to compare. */
		ninvalid++;
		CHECK(err == OMI_INVALID);
		search_free(&sr);
		return;
	}
	/*
	 * Half the queries read the index by windows of a few docnos, and
	 * take a piece in a fiftieth of the conversations for too common,
	 * however many arrived out of order (so that many walk over all of
	 * them, through the index).
	 */
	sindex_window_postings = rn(2) ? 2 : 512;
	sindex_window_min = sindex_window_postings == 2 ? 4 : 1024;
	sindex_dense_share = sindex_window_postings == 2 ? 50 : 4;
	sindex_dense_min = sindex_window_postings == 2 ? 1 : 512;
	sindex_all_except_max = sindex_window_postings == 2 ? UINT64_MAX : 64;
	walk(st, &heads[q->user], q, &sr, 1, 0, 0, maxpages, &full);
	walk(st, &heads[q->user], q, &sr, 0, 0, 0, maxpages, &idx);
	check_candidates(st, qn, q, &sr, &full);
	nhits += full.n > 0;
	ok = full.ok && idx.ok && walk_diff(&full, &idx) == -1;
	if (!ok)
		report(qn, q, "index and full scan differ", &full, "full scan",
		    &idx, "index");
	CHECK(ok);
	if (q->want >= 0 || q->none) {
		nmodel++;
		ok = q->none ? full.n == 0 : has_id(&full,
		    convs[q->want].id);
		if (!ok)
			report(qn, q, q->none ? "found what no live "
			    "conversation holds" : "missed the conversation "
			    "the phrase was cut from", &full, "full scan",
			    NULL, NULL);
		CHECK(ok);
	}
	if (q->by_offset) {
		walk(st, &heads[q->user], q, &sr, 0, 0, 1, maxpages, &rel);
		ok = rel.ok && full.ok && walk_diff(&full, &rel) == -1;
		if (!ok)
			report(qn, q, "paged by offset, index and full scan "
			    "differ", &full, "full scan", &rel, "by offset");
		CHECK(ok);
		walk_free(&rel);
	}
	if (q->by_relevance) {
		walk(st, &heads[q->user], q, &sr, 0, 1, 0, maxpages, &rel);
		ok = rel.ok && full.ok && same_set(&full, &rel);
		if (!ok)
			report(qn, q, "by relevance, not the same set",
			    &full, "full scan", &rel, "relevance");
		CHECK(ok);
		walk_free(&rel);
	}
	walk_free(&full);
	walk_free(&idx);
	search_free(&sr);
}

static void
run_queries(size_t n, int late)
{
	struct index_head	 heads[NUSERS];
	struct query		 q;
	struct store		*st;
	size_t			 i;
	int			 u, ok = 1;

	memset(heads, 0, sizeof(heads));
	memset(&q, 0, sizeof(q));
	if (store_open(&st, dir, STORE_READ, 5000) != OMI_OK) {
		CHECK(0);
		return;
	}
	for (u = 0; u < NUSERS; u++)
		ok &= index_head_load(st, users[u], &heads[u]) == OMI_OK;
	CHECK(ok);
	live_sort();
	for (i = 0; i < n && ok; i++) {
		query_gen(&q, late);
		run_query(st, heads, nqueries, &q);
	}
	buf_free(&q.q);
	for (u = 0; u < NUSERS; u++)
		index_head_free(&heads[u]);
	store_close(st);
}

static void
index_problem(void *ctx, const char *what, const char *uid)
{
	(void)ctx;
	fprintf(stderr, "test_search_prop: sindex_check %s: %s\n", uid, what);
}

/*
 * Every user's index agrees with the conversations after all the changes
 * (sindex_check: postings, ids, vocabulary, n-gram lists, none of a
 * deleted word left behind).
 */
static void
index_clean(const char *when)
{
	struct sindex_stats	 ss;
	struct store		*st;
	enum omi_err		 err;
	size_t			 u;

	if (store_open(&st, dir, STORE_READ, 5000) != OMI_OK) {
		CHECK(0);
		return;
	}
	for (u = 0; u < NUSERS; u++) {
		err = sindex_check(st, users[u], index_problem, NULL, &ss);
		if (err != OMI_OK && err != OMI_NOTFOUND)
			fprintf(stderr, "test_search_prop: %s: sindex_check %s: "
			    "%s\n", when, users[u], omi_strerror(err));
		CHECK((err == OMI_OK && ss.problems == 0) ||
		    err == OMI_NOTFOUND);
	}
	store_close(st);
}

int
main(void)
{
	struct timespec	 t0, t1;
	size_t		 n, nq, i, live = 0;
	int		 k;

	seed = env_u64("OMI_PROP_SEED", SEED_DEFAULT, 0, UINT64_MAX);
	n = (size_t)env_u64("OMI_PROP_CONVS", CONVS_DEFAULT, 20, 200000);
	nq = (size_t)env_u64("OMI_PROP_QUERIES", QUERIES_DEFAULT, 1, 1000000);
	rng = seed;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	if (mkdtemp(dir) == NULL)
		return 1;
	phase_fill(n);
	/* A quarter of the queries before anything died. */
	run_queries(nq / 4, 0);
	phase_change();
	index_clean("after the changes");
	phase_user();
	phase_reindex(nq / 10);
	run_queries(nq - nq / 4 - nq / 10, 1);
	index_clean("at the end");
	for (i = 0; i < nconvs; i++) {
		live += convs[i].live;
		version_free(&convs[i].v);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* Not vacuous: many queries find something, some are checked
	 * against the model. */
	CHECK(nqueries < 20 || (nhits * 4 >= nqueries && nmodel > 0));
	printf("test_search_prop: seed %llu, %zu conversations (%zu live), "
	    "%zu queries (%zu with hits, %zu not compiled, %zu checked against "
	    "the model), %zu pages, %.1f s\n", (unsigned long long)seed,
	    nconvs, live, nqueries, nhits, ninvalid, nmodel, npages,
	    (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	printf("test_search_prop: the index narrowed %zu searches (%zu "
	    "candidates for %zu matches), declined %zu\n", ncand_queries,
	    ncands, ncand_matches, ncand_declined);
	printf("test_search_prop: queries by kind:");
	for (k = 0; k < K_NKINDS; k++)
		printf(" %s %zu", kind_name[k], kind_count[k]);
	printf("\n");
	if (unit_fail > 0)
		fprintf(stderr, "test_search_prop: to repeat: OMI_PROP_SEED=%llu"
		    " OMI_PROP_CONVS=%zu OMI_PROP_QUERIES=%zu\n",
		    (unsigned long long)seed, n, nq);
	free(convs);
	free(live_sorted);
	if (loc != (locale_t)0)
		freelocale(loc);
	unit_rmtree(dir);
	return unit_done("test_search_prop");
}
