/*
 * test_index: conv/index.c, the per-user paged index in a real store under
 * random inserts, re-deliveries (replace) and deletes, checked against a
 * plain model of what should be stored; pages written by version 1.0 as
 * JSON; and deleting a user.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conv/index-codec.h"
#include "conv/index.h"
#include "conv/ingest.h"
#include "store/store.h"
#include "unit.h"

#define N	700

static char dir[] = "/tmp/omi-test-index.XXXXXX";

struct model {
	int64_t	 t;
	int	 live, discarded;
};

static struct model model[N];


static int
put(int i, int64_t t, int discarded)
{
	struct conv_summary	 s = { 0 };
	struct store		*st;
	char			 id[32], ca[32];
	int			 replaced = 0, ok;

	snprintf(id, sizeof(id), "c%04d", i);
	snprintf(ca, sizeof(ca), "t%lld", (long long)t);
	s.id = id; s.created_at = ca; s.t = t;
	s.title = s.overview = s.category = s.emoji = "";
	s.discarded = discarded;
	if (store_open(&st, dir, STORE_WRITE, 2000) != OMI_OK)
		return 0;
	ok = index_put(st, "u1", &s, "{}", 2, &replaced) == OMI_OK &&
	    store_commit(st) == OMI_OK;
	store_close(st);
	return ok && replaced == model[i].live;
}

static int
del(int i)
{
	struct store	*st;
	char		 id[32];
	int		 ok;

	snprintf(id, sizeof(id), "c%04d", i);
	if (store_open(&st, dir, STORE_WRITE, 2000) != OMI_OK)
		return 0;
	ok = index_del(st, "u1", id) == OMI_OK && store_commit(st) == OMI_OK;
	store_close(st);
	return ok;
}

/* Walks the index: strictly descending, every live conversation once. */
static int
verify(void)
{
	struct index_head	 h;
	struct store		*st;
	json_t			*entries, *e;
	size_t			 i, k, n = 0, vis = 0, live = 0, livevis = 0;
	int64_t			 pt = INT64_MAX;
	char			 pid[32] = "~", *raw;
	int			 ok = 1, idx;

	for (i = 0; i < N; i++)
		if (model[i].live) {
			live++;
			livevis += !model[i].discarded;
		}
	if (store_open(&st, dir, STORE_READ, 2000) != OMI_OK ||
	    index_head_load(st, "u1", &h) != OMI_OK)
		return 0;
	for (i = 0; i < h.nrefs && ok; i++) {
		if (index_page_load(st, "u1", h.refs[i].page, &entries) != OMI_OK)
			return 0;
		ok &= json_array_size(entries) == h.refs[i].n;
		ok &= json_array_size(entries) <= INDEX_PAGE_MAX;
		json_array_foreach(entries, k, e) {
			int64_t t = json_integer_value(json_object_get(e, "t"));
			const char *id = json_string_value(json_object_get(e, "id"));
			ok &= index_keycmp(t, id, pt, pid) < 0;
			idx = atoi(id + 1);
			ok &= model[idx].live && model[idx].t == t;
			ok &= json_is_true(json_object_get(e, "discarded")) ==
			    model[idx].discarded;
			ok &= index_get(st, "u1", id, &raw, NULL) == OMI_OK &&
			    strcmp(raw, "{}") == 0;
			free(raw);
			pt = t;
			snprintf(pid, sizeof(pid), "%s", id);
			n++;
			vis += !model[idx].discarded;
		}
		json_decref(entries);
	}
	ok &= n == live && h.n == live && vis == livevis && h.visible == livevis;
	index_head_free(&h);
	store_close(st);
	return ok;
}

/* Rewrites every index page of u1 as JSON text, as version 1.0 stored it. */
static int
pages_to_json(void)
{
	struct index_head	 h;
	struct store		*st;
	json_t			*entries, *pages;
	char			 key[64], *text;
	size_t			 i;
	int			 ok = 1;

	if (store_open(&st, dir, STORE_WRITE, 2000) != OMI_OK ||
	    index_head_load(st, "u1", &h) != OMI_OK)
		return 0;
	for (i = 0; i < h.nrefs && ok; i++) {
		ok &= index_page_load(st, "u1", h.refs[i].page, &entries) ==
		    OMI_OK;
		snprintf(key, sizeof(key), "cpage:u1:%lld",
		    (long long)h.refs[i].page);
		text = json_dumps(entries, JSON_COMPACT);
		ok &= text != NULL && text[0] == '[' &&
		    store_put(st, key, text, strlen(text)) == OMI_OK;
		free(text);
		json_decref(entries);
	}
	/* The head, in 1.0's layout. */
	pages = json_array();
	for (i = 0; i < h.nrefs; i++)
		json_array_append_new(pages, json_pack("[I, I, s, I, s, I, I]",
		    (json_int_t)h.refs[i].page, (json_int_t)h.refs[i].hi_t,
		    h.refs[i].hi_id, (json_int_t)h.refs[i].lo_t,
		    h.refs[i].lo_id, (json_int_t)h.refs[i].n,
		    (json_int_t)h.refs[i].visible));
	entries = json_pack("{s:I, s:I, s:I, s:o}", "n", (json_int_t)h.n,
	    "v", (json_int_t)h.visible, "next", (json_int_t)h.next, "pages",
	    pages);
	text = json_dumps(entries, JSON_COMPACT);
	json_decref(entries);
	ok &= text != NULL && store_put(st, "cidx:u1", text, strlen(text)) ==
	    OMI_OK;
	free(text);
	ok &= store_commit(st) == OMI_OK;
	index_head_free(&h);
	store_close(st);
	return ok;
}

static int
head_sizes(size_t *head, size_t *delta)
{
	struct store	*st;
	char		*v;

	*head = *delta = 0;
	if (store_open(&st, dir, STORE_READ, 2000) != OMI_OK)
		return 0;
	if (store_get(st, "cidx:u1", &v, head) == OMI_OK)
		free(v);
	if (store_get(st, "cidxd:u1", &v, delta) == OMI_OK)
		free(v);
	store_close(st);
	return 1;
}

/* put(), counting how often it leaves a delta and how often the head
 * alone; a delta is always well under half the head. */
static size_t	 with_delta, head_only;
static int	 delta_small = 1;

static int
put_counted(int i, int64_t t, int discarded)
{
	size_t	 head, delta;
	int	 ok = put(i, t, discarded);

	if (ok && head_sizes(&head, &delta) && head > 0) {
		if (delta > 0)
			with_delta++;
		else
			head_only++;
		delta_small &= delta * 2 < head;
	}
	return ok;
}


static void
test_index(void)
{
	size_t	 head, delta;
	int	 i, k, ok = 1;
	int64_t	 t;

	srand(12345);
	/* Mostly newest-first arrivals, as OMI sends them, plus back-fill. */
	for (i = 0; i < N; i++) {
		t = (i % 5 == 0) ? (int64_t)(rand() % 100000) * 1000 :
		    1000000000 + (int64_t)i * 1000;
		if (i % 37 == 0)
			t = 1000000000 + (int64_t)(i - 1) * 1000;	/* equal times */
		ok &= put_counted(i, t, i % 9 == 0);
		model[i].t = t;
		model[i].live = 1;
		model[i].discarded = i % 9 == 0;
	}
	CHECK(ok);
	CHECK(verify());
	/* Changes since the head was last written whole sit in its delta,
	 * until it is written whole again. */
	CHECK(with_delta > 100 && head_only > 10 && delta_small);
	/* Pages stored as JSON by 1.0 read the same and are rewritten. */
	CHECK(pages_to_json());
	CHECK(verify());
	/* Re-deliveries replace, some with a new created_at. */
	for (k = 0, ok = 1; k < 150; k++) {
		i = rand() % N;
		t = k % 2 ? model[i].t : (int64_t)(rand() % 2000000) * 1000;
		ok &= put(i, t, 0);
		model[i].t = t;
		model[i].discarded = 0;
	}
	CHECK(ok);
	CHECK(verify());
	for (k = 0, ok = 1; k < 300; k++) {
		i = rand() % N;
		if (!model[i].live)
			continue;
		ok &= del(i);
		model[i].live = 0;
	}
	CHECK(ok);
	CHECK(verify());
	/* Deleting everything leaves no index behind. */
	for (i = 0, ok = 1; i < N; i++)
		if (model[i].live) {
			ok &= del(i);
			model[i].live = 0;
		}
	CHECK(ok);
	CHECK(verify());
	CHECK(head_sizes(&head, &delta) && head == 0 && delta == 0);
}

/* Stores conversation id for uid, in its own session. */
static int
put_user(const char *uid, char *id, int64_t t)
{
	struct conv_summary	 s = { 0 };
	struct store		*st;
	int			 replaced, ok;

	s.id = id; s.created_at = "x"; s.t = t;
	s.title = s.overview = s.category = s.emoji = "";
	if (store_open(&st, dir, STORE_WRITE, 2000) != OMI_OK)
		return 0;
	ok = index_put(st, uid, &s, "{}", 2, &replaced) == OMI_OK &&
	    store_commit(st) == OMI_OK;
	store_close(st);
	return ok;
}

struct owned {
	const char	*uid;
	size_t		 n;
};

/* Counts the keys that belong to uid: "<prefix>:<uid>" or "...:<uid>:...". */
static int
count_owned(void *ctx, const char *key)
{
	struct owned	*o = ctx;
	const char	*p = strchr(key, ':');
	size_t		 n = strlen(o->uid);

	if (p != NULL && strncmp(p + 1, o->uid, n) == 0 &&
	    (p[1 + n] == '\0' || p[1 + n] == ':'))
		o->n++;
	return 0;
}

static size_t
owned_keys(const char *uid)
{
	struct owned	 o = { uid, 0 };
	struct store	*st;

	if (store_open(&st, dir, STORE_READ, 2000) != OMI_OK)
		return (size_t)-1;
	if (store_foreach(st, "", count_owned, &o) != OMI_OK)
		o.n = (size_t)-1;
	store_close(st);
	return o.n;
}

/* The user's index: n conversations, every page there. */
static int
index_holds(const char *uid, size_t n)
{
	struct index_head	 h;
	struct store		*st;
	json_t			*e;
	size_t			 i, seen = 0;
	int			 ok;

	if (store_open(&st, dir, STORE_READ, 2000) != OMI_OK)
		return 0;
	if ((ok = index_head_load(st, uid, &h) == OMI_OK)) {
		for (i = 0; i < h.nrefs && ok; i++) {
			ok = index_page_load(st, uid, h.refs[i].page, &e) ==
			    OMI_OK;
			seen += json_array_size(e);
			json_decref(e);
		}
		ok &= h.n == n && seen == n;
		index_head_free(&h);
	}
	store_close(st);
	return ok;
}

/*
 * Deleting a user removes every record of it, its index included, and
 * nobody else's (u30 and u3x share a prefix with u3); the same uid made
 * again starts empty and works.
 */
static void
test_del_user(void)
{
	struct store	*st;
	char		 id[16];
	size_t		 n = 0;
	int		 i, ok = 1;

	for (i = 0; i < 3 * INDEX_PAGE_MAX; i++) {
		snprintf(id, sizeof(id), "d%03d", i);
		ok &= put_user("u3", id, 1000 + i);
	}
	ok &= put_user("u30", id, 5) && put_user("u3x", id, 5);
	CHECK(ok && owned_keys("u3") > 3 * INDEX_PAGE_MAX);
	/* A stray page outside the index goes too. */
	CHECK(store_open(&st, dir, STORE_WRITE, 2000) == OMI_OK);
	CHECK(store_put(st, "cpage:u3:999", "[]", 2) == OMI_OK &&
	    store_commit(st) == OMI_OK);
	store_close(st);
	CHECK(store_open(&st, dir, STORE_WRITE, 2000) == OMI_OK);
	CHECK(index_del_user(st, "u3", &n) == OMI_OK &&
	    store_commit(st) == OMI_OK);
	store_close(st);
	CHECK(n == 3 * INDEX_PAGE_MAX);
	CHECK(owned_keys("u3") == 0);
	CHECK(index_holds("u30", 1) && index_holds("u3x", 1));
	CHECK(index_holds("u3", 0));
	CHECK(put_user("u3", id, 7) && index_holds("u3", 1));
	/* conv, page, head; the search index: sh, sn, sd, st, and sp (its
	 * postings wait for a batch; "{}" has no words anyway) */
	CHECK(owned_keys("u3") == 8);
}

/* uid's pages walked front to back: keys strictly descending. */
static int
index_ordered(const char *uid)
{
	struct index_head	 h;
	struct store		*st;
	json_t			*entries, *e;
	size_t			 i, k;
	int64_t			 pt = INT64_MAX;
	char			 pid[32] = "~";
	int			 ok;

	if (store_open(&st, dir, STORE_READ, 2000) != OMI_OK)
		return 0;
	if ((ok = index_head_load(st, uid, &h) == OMI_OK)) {
		for (i = 0; i < h.nrefs && ok; i++) {
			if (index_page_load(st, uid, h.refs[i].page,
			    &entries) != OMI_OK) {
				ok = 0;
				break;
			}
			json_array_foreach(entries, k, e) {
				int64_t t = index_entry_t(e);
				const char *id = index_entry_id(e);

				ok &= index_keycmp(t, id, pt, pid) < 0;
				pt = t;
				snprintf(pid, sizeof(pid), "%s", id);
			}
			json_decref(entries);
		}
		index_head_free(&h);
	}
	store_close(st);
	return ok;
}

/* Deletes every conversation of uid's front page; *n says how many. */
static int
front_delete(const char *uid, int *n)
{
	struct index_head	 h;
	struct store		*st;
	json_t			*entries = NULL, *e;
	size_t			 k;
	int			 ok;

	*n = 0;
	if (store_open(&st, dir, STORE_WRITE, 2000) != OMI_OK)
		return 0;
	ok = index_head_load(st, uid, &h) == OMI_OK && h.nrefs > 0 &&
	    index_page_load(st, uid, h.refs[0].page, &entries) == OMI_OK;
	index_head_free(&h);
	json_array_foreach(entries, k, e) {
		ok &= index_del(st, uid, index_entry_id(e)) == OMI_OK;
		(*n)++;
	}
	ok &= store_commit(st) == OMI_OK;
	json_decref(entries);
	store_close(st);
	return ok;
}

/* The page counts of uid's index, front first, in n[] (up to max). */
static size_t
page_counts(const char *uid, size_t *n, size_t max)
{
	struct index_head	 h;
	struct store		*st;
	size_t			 i, k = 0;

	if (store_open(&st, dir, STORE_READ, 2000) != OMI_OK)
		return 0;
	if (index_head_load(st, uid, &h) == OMI_OK) {
		for (i = 0; i < h.nrefs && i < max; i++)
			n[k++] = h.refs[i].n;
		index_head_free(&h);
	}
	store_close(st);
	return k;
}

/*
 * Deliveries newest-first, the usual order: the front page stays small
 * (each delivery rewrites it), and what it sheds fills the page behind it,
 * so every older page holds INDEX_PAGE_MAX. Older arrivals among them,
 * and a front page left oversized (the one before it deleted), still keep
 * every page within its bounds and the order whole.
 */
static void
test_front(void)
{
	size_t	 n[64], np, i, total = 0;
	char	 id[16];
	int	 k, ok = 1, front_ok = 1, rest_ok = 1;

	for (k = 0; k < 300; k++) {
		snprintf(id, sizeof(id), "f%03d", k);
		ok &= put_user("u4", id, 10000 + k);
		np = page_counts("u4", n, 64);
		front_ok &= np > 0 && n[0] >= 1 && n[0] <= INDEX_FRONT_MAX;
		for (i = 2; i < np; i++)
			rest_ok &= n[i] == INDEX_PAGE_MAX;
		if (np > 1)
			rest_ok &= n[1] % INDEX_FRONT_MAX == 0 &&
			    n[1] <= INDEX_PAGE_MAX;
	}
	CHECK(ok && index_holds("u4", 300) && index_ordered("u4"));
	CHECK(front_ok);
	CHECK(rest_ok);
	np = page_counts("u4", n, 64);
	for (i = 0; i < np; i++)
		total += n[i];
	CHECK(total == 300 && np == 1 + (300 - n[0] + INDEX_PAGE_MAX - 1) /
	    INDEX_PAGE_MAX);
	/* Older arrivals land inside pages; nothing outgrows its bounds. */
	for (k = 0; k < 40; k++) {
		snprintf(id, sizeof(id), "g%03d", k);
		ok &= put_user("u4", id, 10000 + (k * 7) % 300);
	}
	np = page_counts("u4", n, 64);
	for (i = 0, total = 0; i < np; i++) {
		total += n[i];
		ok &= n[i] >= 1 && n[i] <= INDEX_PAGE_MAX;
	}
	CHECK(ok && total == 340 && index_holds("u4", 340) &&
	    index_ordered("u4"));
	/* The front page's conversations deleted: the page behind it, full,
	 * is the front now; the next newest arrival leaves it whole. */
	ok = front_delete("u4", &k);
	np = page_counts("u4", n, 64);
	CHECK(ok && k > 0 && np > 0 && n[0] > INDEX_FRONT_MAX);
	ok = put_user("u4", "h000", 20000);
	np = page_counts("u4", n, 64);
	for (i = 0, total = 0; i < np; i++) {
		total += n[i];
		ok &= n[i] >= 1 && n[i] <= INDEX_PAGE_MAX;
	}
	CHECK(ok && n[0] == 1 && total == 340 - (size_t)k + 1 &&
	    index_holds("u4", total) && index_ordered("u4"));
}

int
main(void)
{
	if (mkdtemp(dir) == NULL)
		return 1;
	test_index();
	test_del_user();
	test_front();
	unit_rmtree(dir);
	return unit_done("test_index");
}
