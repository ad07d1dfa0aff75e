/*
 * admin-api: omi-admin commands for the conversations API.
 *
 *   openapi          prints the OpenAPI document that /openapi.json serves
 *   import UID [FILE]  stores conversations for UID from FILE (default:
 *                    standard input): an `omi-admin export` document, a
 *                    JSON array of conversations, single conversations, or
 *                    JSON lines, in any mix. Each one is validated as the
 *                    webhook validates it and stored through index_put, in
 *                    store sessions of IMPORT_BATCH conversations, so a
 *                    restore (or a benchmark fill) of thousands is quick.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin/admin.h"
#include "api/openapi.h"
#include "auth/account.h"
#include "conv/index.h"
#include "conv/ingest.h"
#include "lib/buf.h"
#include "store/store.h"

#define IMPORT_BATCH	500

static int
cmd_openapi(struct admin_ctx *c, int argc, char **argv)
{
	json_t *doc;

	(void)argc;
	(void)argv;
	if ((doc = openapi_document(&c->cfg)) == NULL) {
		fprintf(stderr, "omi-admin: out of memory\n");
		return 1;
	}
	json_dumpf(doc, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(doc);
	return 0;
}

struct import {
	struct admin_ctx	*c;
	const char		*uid;
	struct store		*s;
	size_t			 batch, stored, replaced, invalid;
};

/* OMI_ERROR when reading failed, OMI_NOMEM when b could not grow. */
static enum omi_err
read_all(FILE *f, struct buf *b)
{
	char	 chunk[65536];
	size_t	 n;

	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(b, chunk, n);
	if (ferror(f))
		return OMI_ERROR;
	return b->failed ? OMI_NOMEM : OMI_OK;
}

/* Stores one conversation (an invalid one is counted and skipped); an
 * error, already reported, stops the import. */
static enum omi_err
import_one(struct import *im, json_t *doc)
{
	struct conv_summary	 sum;
	struct conv_error	 e;
	enum omi_err		 err;
	char			*text;
	int			 rc, replaced;

	if ((text = json_dumps(doc, JSON_COMPACT)) == NULL ||
	    (err = conv_ingest(text, strlen(text), &sum, NULL, &e)) ==
	    OMI_NOMEM) {
		fprintf(stderr, "omi-admin: %s\n", omi_strerror(OMI_NOMEM));
		free(text);
		return OMI_NOMEM;
	}
	if (err != OMI_OK) {
		im->invalid++;
		fprintf(stderr, "omi-admin: skipped an invalid conversation"
		    " (%s: %s)\n", e.field[0] ? e.field : "body", e.message);
		free(text);
		return OMI_OK;
	}
	if (im->s == NULL && admin_store(im->c, 1, &im->s) == -1) {
		conv_summary_free(&sum);
		free(text);
		return OMI_ERROR;
	}
	err = index_put(im->s, im->uid, &sum, text, strlen(text), &replaced);
	conv_summary_free(&sum);
	free(text);
	if (err != OMI_OK) {
		fprintf(stderr, "omi-admin: %s\n", omi_strerror(err));
		return err;
	}
	im->stored++;
	im->replaced += replaced;
	if (++im->batch == IMPORT_BATCH) {
		im->batch = 0;
		rc = admin_commit(im->s);
		im->s = NULL;
		if (rc != 0)
			return OMI_ERROR;
	}
	return OMI_OK;
}

/* One top-level value: an export, an array or a conversation. */
static enum omi_err
import_value(struct import *im, json_t *v)
{
	json_t		*list = json_object_get(v, "conversations"), *e;
	size_t		 i;
	enum omi_err	 err;

	if (json_is_object(v) && json_is_array(list))
		v = list;
	if (!json_is_array(v))
		return import_one(im, v);
	json_array_foreach(v, i, e)
		if ((err = import_one(im, e)) != OMI_OK)
			return err;
	return OMI_OK;
}

static int
cmd_import(struct admin_ctx *c, int argc, char **argv)
{
	struct import	 im;
	struct buf	 in = { 0 };
	json_error_t	 jerr;
	json_t		*v;
	FILE		*f = stdin;
	size_t		 pos = 0;
	enum omi_err	 err;
	int		 rc = 0;

	if (argc < 1 || argc > 2 || !account_valid_uid(argv[0]))
		return 2;
	memset(&im, 0, sizeof(im));
	im.c = c;
	im.uid = argv[0];
	if (argc == 2 && strcmp(argv[1], "-") != 0 &&
	    (f = fopen(argv[1], "r")) == NULL) {
		perror(argv[1]);
		return 1;
	}
	if ((err = read_all(f, &in)) != OMI_OK) {
		fprintf(stderr, "omi-admin: cannot read the input: %s\n",
		    err == OMI_NOMEM ? omi_strerror(err) : strerror(errno));
		rc = 1;
	}
	/* Values one after another: JSON lines, or one document. */
	while (rc == 0 && in.data != NULL) {
		pos += strspn(in.data + pos, " \t\r\n");
		if (pos >= in.len)
			break;
		v = json_loadb(in.data + pos, in.len - pos,
		    JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES, &jerr);
		if (v == NULL) {
			fprintf(stderr, "omi-admin: invalid JSON at byte %zu: "
			    "%s\n", pos + (size_t)jerr.position, jerr.text);
			rc = 1;
			break;
		}
		pos += (size_t)jerr.position;
		if (import_value(&im, v) != OMI_OK)
			rc = 1;
		json_decref(v);
	}
	if (im.s != NULL) {
		if (rc == 0)
			rc = admin_commit(im.s);
		else
			store_close(im.s);
	}
	if (f != stdin)
		fclose(f);
	buf_free(&in);
	printf("%zu stored (%zu replaced), %zu invalid skipped%s\n",
	    im.stored, im.replaced, im.invalid, rc ? "; stopped on an error"
	    " (conversations up to the last commit are kept)" : "");
	return rc;
}

const struct admin_cmd admin_api_cmds[] = {
	{ "openapi", "", "print the OpenAPI document for the GPT editor", 1,
	    cmd_openapi },
	{ "import", "UID [FILE]", "store conversations from an export, a JSON "
	    "array or JSON lines", 1, cmd_import },
	{ NULL, NULL, NULL, 0, NULL }
};
