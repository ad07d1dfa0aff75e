/*
 * admin-data: omi-admin's data commands: list, show and export a user's
 * conversations, and check, which walks every record (each must decode) and
 * cross-checks every user's index against the conversation records.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "admin/admin.h"
#include "auth/account.h"
#include "auth/oauth.h"
#include "conv/index-codec.h"
#include "conv/index.h"
#include "conv/record.h"
#include "conv/sindex.h"
#include "lib/clock.h"
#include "lib/sec.h"
#include "lib/text.h"
#include "store/store.h"


/*
 * Prints stored text that came from outside (a conversation's title) with
 * control characters (C0, DEL, and C1 in UTF-8) as spaces: escape sequences
 * in a title would otherwise reach the administrator's terminal.
 */
static void
put_text(const char *t)
{
	const unsigned char *p = (const unsigned char *)(t ? t : "");

	for (; *p != '\0'; p++) {
		if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			putchar(' ');
			p++;
		} else
			putchar(*p < 0x20 || *p == 0x7f ? ' ' : *p);
	}
}

static int
cmd_conversations(struct admin_ctx *c, int argc, char **argv)
{
	struct index_head	 h;
	struct store		*s;
	json_t			*entries, *e;
	size_t			 i, k;

	if (argc < 1 || admin_check_uid(argv[0]) == -1)
		return 2;
	if (admin_store(c, 0, &s) == -1)
		return 1;
	if (index_head_load(s, argv[0], &h) != OMI_OK) {
		store_close(s);
		return 1;
	}
	for (i = 0; i < h.nrefs; i++) {
		if (index_page_load(s, argv[0], h.refs[i].page, &entries) !=
		    OMI_OK)
			continue;
		json_array_foreach(entries, k, e) {
			printf("%s\t%s\t",
			    json_string_value(json_object_get(e, "id")),
			    json_string_value(json_object_get(e, "created_at")));
			put_text(json_string_value(json_object_get(e, "title")));
			printf("%s\n", json_is_true(json_object_get(e,
			    "discarded")) ? "\t(discarded)" : "");
		}
		json_decref(entries);
	}
	printf("%zu conversations (%zu not discarded)\n", h.n, h.visible);
	index_head_free(&h);
	store_close(s);
	return 0;
}

static int
cmd_show(struct admin_ctx *c, int argc, char **argv)
{
	struct store	*s;
	enum omi_err	 err;
	char		*raw;

	if (argc < 2 || admin_check_uid(argv[0]) == -1)
		return 2;
	if (!valid_ident(argv[1], CONV_ID_MAX)) {
		fprintf(stderr, "omi-admin: invalid conversation id\n");
		return 2;
	}
	if (admin_store(c, 0, &s) == -1)
		return 1;
	err = index_get(s, argv[0], argv[1], &raw, NULL);
	store_close(s);
	if (err != OMI_OK) {
		fprintf(stderr, "omi-admin: %s\n", omi_strerror(err));
		return 1;
	}
	printf("%s\n", raw);
	free(raw);
	return 0;
}

static int
cmd_export(struct admin_ctx *c, int argc, char **argv)
{
	struct index_head	 h;
	struct store		*s;
	json_t			*entries, *e, *out, *list, *doc;
	char			*raw;
	size_t			 i, k;
	int			 rc = 0;

	if (argc < 1 || admin_check_uid(argv[0]) == -1)
		return 2;
	if (admin_store(c, 0, &s) == -1)
		return 1;
	list = json_array();
	out = json_pack("{s:s, s:I, s:o}", "uid", argv[0], "exported_at",
	    (json_int_t)now_unix(), "conversations", list);
	if (index_head_load(s, argv[0], &h) != OMI_OK)
		rc = 1;
	for (i = 0; rc == 0 && i < h.nrefs; i++) {
		if (index_page_load(s, argv[0], h.refs[i].page, &entries) !=
		    OMI_OK) {
			rc = 1;
			break;
		}
		json_array_foreach(entries, k, e) {
			if (index_get(s, argv[0], json_string_value(
			    json_object_get(e, "id")), &raw, NULL) != OMI_OK) {
				rc = 1;
				break;
			}
			doc = json_loads(raw, 0, NULL);
			free(raw);
			if (doc == NULL || json_array_append_new(list, doc)) {
				rc = 1;
				break;
			}
		}
		json_decref(entries);
	}
	store_close(s);
	if (rc == 0 && json_dumpf(out, stdout, JSON_INDENT(2)) == 0)
		putchar('\n');
	else
		fprintf(stderr, "omi-admin: export failed\n");
	json_decref(out);
	if (h.nrefs || h.refs)
		index_head_free(&h);
	return rc;
}

/* check ------------------------------------------------------------------ */

struct check {
	struct store	*s;
	size_t		 keys, users, convs, indexed, oauth, search, problems;
	size_t		 unindexed;	/* users whose search reads all */
	uint64_t	 search_words;
	uint64_t	 payload;	/* the conversations' JSON bytes */
};

static void
problem(struct check *k, const char *what, const char *key)
{
	k->problems++;
	fprintf(stderr, "problem: %s: %s\n", what, key);
}

static int
check_key(void *ctx, const char *key)
{
	struct check	*k = ctx;
	char		*val, *raw;
	size_t		 len, rlen;
	json_t		*j;

	k->keys++;
	if (store_get(k->s, key, &val, &len) != OMI_OK) {
		problem(k, "unreadable record", key);
		return 0;
	}
	if (sindex_record(key)) {	/* checked per user below */
		k->search++;
		free(val);
		return 0;
	}
	if (strncmp(key, "conv:", 5) == 0) {
		k->convs++;
		j = NULL;
		if (conv_rec_decode(val, len, &raw, &rlen) == OMI_OK) {
			k->payload += rlen;
			j = json_loadb(raw, rlen, JSON_REJECT_DUPLICATES, NULL);
			free(raw);
		}
	} else if (strcmp(key, "meta:schema") == 0) {
		j = json_loads("{}", 0, NULL);
		if (strcmp(val, "1") != 0)
			problem(k, "unknown schema version", val);
	} else if (strncmp(key, "cidx:", 5) == 0 ||
	    strncmp(key, "cidxd:", 6) == 0) {
		struct index_head h = { 0 };
		j = (key[4] == ':' ? codec_head_decode(val, len, &h) :
		    codec_head_delta_apply(val, len, &h)) == OMI_OK ?
		    json_object() : NULL;
		index_head_free(&h);
	} else if (strncmp(key, "cpage:", 6) == 0) {
		/* j is NULL on failure, reported below like the others. */
		(void)codec_page_decode(val, len, &j);
	} else {
		if (strncmp(key, "user:", 5) == 0)
			k->users++;
		else
			k->oauth++;
		j = json_loadb(val, len, 0, NULL);
	}
	if (j == NULL)
		problem(k, "record does not decode", key);
	json_decref(j);
	free(val);
	return 0;
}

static void
search_problem(void *ctx, const char *what, const char *uid)
{
	problem(ctx, what, uid);
}

/* The user's search index, or a note that it has none. */
static void
check_search(struct check *k, const char *uid, size_t convs)
{
	struct sindex_stats	 st;
	enum omi_err		 err;

	err = sindex_check(k->s, uid, search_problem, k, &st);
	if (err == OMI_NOTFOUND || (err == OMI_OK &&
	    st.version != SINDEX_VERSION)) {
		if (convs > 0) {
			k->unindexed++;
			printf("note: %s has no search index%s: searches read "
			    "every conversation; run omi-admin reindex %s\n",
			    uid, err != OMI_OK ? "" : st.version ==
			    SINDEX_BUILDING ? " yet (a rebuild is under way "
			    "or was stopped)" : " of this version's layout",
			    uid);
		}
		return;
	}
	if (err != OMI_OK)
		problem(k, "search index check failed", omi_strerror(err));
	k->search_words += st.words;
}

/* Cross-checks one user's index against the conversation records. */
static int
check_user_index(void *ctx, const char *key)
{
	struct check		*k = ctx;
	struct index_head	 h;
	const char		*uid = key + 5;
	json_t			*entries, *e;
	size_t			 i, j, n = 0, vis = 0;
	char			*raw;

	if (index_head_load(k->s, uid, &h) != OMI_OK) {
		problem(k, "index head does not decode", uid);
		return 0;
	}
	for (i = 0; i < h.nrefs; i++) {
		if (index_page_load(k->s, uid, h.refs[i].page, &entries) !=
		    OMI_OK) {
			problem(k, "index page missing", uid);
			continue;
		}
		if (json_array_size(entries) != h.refs[i].n)
			problem(k, "index page count differs", uid);
		json_array_foreach(entries, j, e) {
			n++;
			if (!json_is_true(json_object_get(e, "discarded")))
				vis++;
			if (index_get(k->s, uid, json_string_value(
			    json_object_get(e, "id")), &raw, NULL) != OMI_OK)
				problem(k, "indexed conversation missing", uid);
			else
				free(raw);
		}
		json_decref(entries);
	}
	if (n != h.n || vis != h.visible)
		problem(k, "index totals differ from its pages", uid);
	k->indexed += n;
	index_head_free(&h);
	check_search(k, uid, n);
	return 0;
}

/*
 * The bytes of the data directory's files (its recovery files, lock and
 * configuration included), as ls sees them and as the disk holds them
 * (what a quota counts): -1 when it cannot be read.
 */
static int
dir_bytes(const char *dir, uint64_t *apparent, uint64_t *allocated)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	int		 fd;

	*apparent = *allocated = 0;
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
		    !S_ISREG(st.st_mode))
			continue;
		*apparent += (uint64_t)st.st_size;
		*allocated += (uint64_t)st.st_blocks * 512;
	}
	closedir(d);
	return 0;
}

/* The payload and what the data directory takes for it (issue 21). */
static void
print_disk(const struct admin_ctx *c, const struct check *k)
{
	uint64_t apparent, allocated;

	printf("payload: %llu bytes of conversation JSON\n",
	    (unsigned long long)k->payload);
	if (dir_bytes(c->datadir, &apparent, &allocated) == -1) {
		printf("data directory: unreadable (%s)\n", strerror(errno));
		return;
	}
	printf("data directory: %llu bytes (%llu on disk)",
	    (unsigned long long)apparent, (unsigned long long)allocated);
	if (k->payload > 0)
		printf(", %.2fx the payload (%.2fx on disk)",
		    (double)apparent / (double)k->payload,
		    (double)allocated / (double)k->payload);
	putchar('\n');
}

static int
cmd_check(struct admin_ctx *c, int argc, char **argv)
{
	struct check	 k = { 0 };
	enum omi_err	 err;

	(void)argc;
	(void)argv;
	if (admin_store(c, 0, &k.s) == -1)
		return 1;
	if ((err = store_foreach(k.s, "", check_key, &k)) != OMI_OK)
		problem(&k, "iteration failed", omi_strerror(err));
	if ((err = store_foreach(k.s, "cidx:", check_user_index, &k)) !=
	    OMI_OK)
		problem(&k, "iteration failed", omi_strerror(err));
	store_close(k.s);
	if (k.indexed != k.convs)
		problem(&k, "conversations outside any index", "(count)");
	printf("records: %zu\nusers: %zu\nconversations: %zu\n"
	    "oauth records: %zu\nsearch index: %zu records, %llu distinct "
	    "words, %zu users without one\nproblems: %zu\n", k.keys, k.users,
	    k.convs, k.oauth, k.search, (unsigned long long)k.search_words,
	    k.unindexed, k.problems);
	print_disk(c, &k);
	return k.problems ? 1 : 0;
}

/* compact ---------------------------------------------------------------- */

static int
cmd_compact(struct admin_ctx *c, int argc, char **argv)
{
	enum omi_err err;

	(void)argc;
	(void)argv;
	if ((err = store_compact(c->datadir, admin_timeout(c))) != OMI_OK) {
		fprintf(stderr, "omi-admin: compact: %s\n",
		    omi_strerror(err));
		return 1;
	}
	printf("Compacted: no deleted or replaced data is left in %s\n",
	    c->datadir);
	return 0;
}

const struct admin_cmd admin_data_cmds[] = {
	{ "conversations", "UID", "list a user's conversations", 1,
	    cmd_conversations },
	{ "show", "UID ID", "print one conversation as JSON", 1, cmd_show },
	{ "export", "UID", "print all of a user's conversations as JSON", 1,
	    cmd_export },
	{ "check", "", "verify the data file and its indexes", 1, cmd_check },
	{ "compact", "", "rewrite the data files without deleted or replaced "
	    "data", 1, cmd_compact },
	{ NULL, NULL, NULL, 0, NULL }
};
