/*
 * admin-search: omi-admin reindex [UID], which (re)builds users' search
 * indexes (conv/sindex.h) from their conversations. A rebuild takes
 * several store sessions, so webhooks and searches go on meanwhile:
 * searches read every conversation until it ends, deliveries are indexed
 * as they come, and the rebuild skips what a delivery indexed first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin/admin.h"
#include "auth/account.h"
#include "conv/index-codec.h"
#include "conv/index.h"
#include "conv/sindex.h"
#include "store/store.h"

#define REINDEX_BATCH	500	/* conversations a session */

struct key {
	int64_t	 t;
	char	*id;
};

struct keys {
	struct key	*v;
	size_t		 n;
};

static void
keys_free(struct keys *k)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		free(k->v[i].id);
	free(k->v);
	memset(k, 0, sizeof(*k));
}

/* Every conversation's key, oldest first (pages are newest first). */
static enum omi_err
collect(struct store *s, const char *uid, struct keys *k)
{
	struct index_head	 h;
	enum omi_err		 err;
	json_t			*entries, *e;
	struct key		*nv;
	size_t			 i, j;

	if ((err = index_head_load(s, uid, &h)) != OMI_OK)
		return err;
	for (i = h.nrefs; i > 0 && err == OMI_OK; i--) {
		if ((err = index_page_load(s, uid, h.refs[i - 1].page,
		    &entries)) != OMI_OK)
			break;
		for (j = json_array_size(entries); j > 0; j--) {
			e = json_array_get(entries, j - 1);
			if ((nv = reallocarray(k->v, k->n + 1,
			    sizeof(*nv))) == NULL) {
				err = OMI_NOMEM;
				break;
			}
			k->v = nv;
			k->v[k->n].t = index_entry_t(e);
			if ((k->v[k->n].id = strdup(index_entry_id(e))) ==
			    NULL) {
				err = OMI_NOMEM;
				break;
			}
			k->n++;
		}
		json_decref(entries);
	}
	index_head_free(&h);
	return err;
}

static void
progress(const char *uid, size_t done, size_t total, int end)
{
	if (!isatty(STDERR_FILENO))
		return;
	fprintf(stderr, "\rreindex %s: %zu/%zu conversations%s", uid, done,
	    total, end ? "\n" : "");
	fflush(stderr);
}

int
admin_reindex_user(struct admin_ctx *c, const char *uid, size_t *count)
{
	struct keys	 k = { NULL, 0 };
	struct store	*s = NULL;
	enum omi_err	 err;
	char		*raw;
	size_t		 i, len;
	int		 rc = 1;

	*count = 0;
	if (admin_store(c, 1, &s) == -1)
		return 1;
	if ((err = collect(s, uid, &k)) != OMI_OK ||
	    (err = sindex_build_start(s, uid)) != OMI_OK) {
		fprintf(stderr, "omi-admin: reindex %s: %s\n", uid,
		    omi_strerror(err));
		store_close(s);
		goto out;
	}
	for (i = 0; i <= k.n; i++) {
		if (i > 0 && (i % REINDEX_BATCH == 0 || i == k.n)) {
			progress(uid, i, k.n, 0);
			if (admin_commit(s) != 0)
				goto out;
			if (admin_store(c, 1, &s) == -1) {
				s = NULL;
				goto out;
			}
		}
		if (i == k.n)
			break;
		err = index_get(s, uid, k.v[i].id, &raw, &len);
		if (err == OMI_NOTFOUND)
			continue;	/* deleted meanwhile */
		if (err == OMI_OK) {
			err = sindex_build_add(s, uid, k.v[i].id, k.v[i].t,
			    raw, len);
			free(raw);
		}
		if (err != OMI_OK) {
			fprintf(stderr, "omi-admin: reindex %s: %s\n", uid,
			    omi_strerror(err));
			store_close(s);
			goto out;
		}
		(*count)++;
	}
	if ((err = sindex_build_end(s, uid)) != OMI_OK) {
		fprintf(stderr, "omi-admin: reindex %s: %s\n", uid,
		    omi_strerror(err));
		store_close(s);
		goto out;
	}
	if (admin_commit(s) != 0)
		goto out;
	progress(uid, k.n, k.n, 1);
	rc = 0;
out:
	keys_free(&k);
	return rc;
}

static int
collect_uid(void *ctx, const char *key)
{
	struct keys	*u = ctx;
	struct key	*nv;

	if ((nv = reallocarray(u->v, u->n + 1, sizeof(*nv))) == NULL)
		return 1;
	u->v = nv;
	if ((u->v[u->n].id = strdup(key + 5)) != NULL)
		u->n++;
	return 0;
}

/* GDBM never shrinks its file: the old index's records became free space. */
static const char compact_note[] = "The old index's space is free inside "
    "the data file: 'omi-admin compact' returns it to the disk.";

static int
cmd_reindex(struct admin_ctx *c, int argc, char **argv)
{
	struct keys	 u = { NULL, 0 };
	struct store	*s;
	size_t		 i, n;
	int		 rc = 0;

	if (argc > 1)
		return 2;
	if (argc == 1) {
		if (!account_valid_uid(argv[0]))
			return 2;
		if (admin_reindex_user(c, argv[0], &n) != 0)
			return 1;
		printf("Reindexed %s: %zu conversations\n", argv[0], n);
		puts(compact_note);
		return 0;
	}
	if (admin_store(c, 0, &s) == -1)
		return 1;
	if (store_foreach(s, "cidx:", collect_uid, &u) != OMI_OK) {
		store_close(s);
		keys_free(&u);
		fprintf(stderr, "omi-admin: reindex: cannot list users\n");
		return 1;
	}
	store_close(s);
	for (i = 0; i < u.n && rc == 0; i++) {
		if ((rc = admin_reindex_user(c, u.v[i].id, &n)) == 0)
			printf("Reindexed %s: %zu conversations\n", u.v[i].id,
			    n);
	}
	keys_free(&u);
	if (rc == 0 && u.n > 0)
		puts(compact_note);
	return rc;
}

const struct admin_cmd admin_search_cmds[] = {
	{ "reindex", "[UID]", "rebuild the search index of one user, or of "
	    "all", 1, cmd_reindex },
	{ NULL, NULL, NULL, 0, NULL }
};
