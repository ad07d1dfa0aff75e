/*
 * webhook: POST /chatgpt/webhook/memory?uid=UID&key=SECRET
 *
 * Stores one OMI conversation for the user. The key is checked first, in a
 * short shared session released before the body is looked at, so that a
 * request without the key costs no more than reading its body. The body is
 * then bounded (nesting and number of JSON values, counted in one pass
 * without allocating) before Jansson builds it, and validated before the
 * write lock is taken; the write session checks the key again (it loads
 * the account anyway), so a key rotated meanwhile still stops the write.
 * The answer 200 is sent only after the conversation is committed to disk.
 * Re-deliveries of the same conversation (same OMI id, or same content when
 * there is no id) replace it.
 *
 *   200 {"status":"success","id":...}   stored (or replaced)
 *   400 {"error":"invalid_json"|"invalid_field", "message", "field"}
 *   400 {"error":"invalid_json"}   JSON the bound's pass cannot read
 *   400 {"error":"too_deep"}   nested deeper than max_json_depth
 *   401 wrong or missing key, unknown uid (one answer for all three)
 *   405 not POST;  413 body over max_body, or {"error":"too_many_values"}
 *   over max_json_values;  503 (with Retry-After), 507 (disk full) or
 *   500 when the store failed (app_store_error)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/account.h"
#include "conv/index.h"
#include "conv/ingest.h"
#include "http/app.h"
#include "http/field.h"
#include "conv/transcript-scan.h"
#include "lib/log.h"
#include "lib/sec.h"
#include "store/store.h"

/*
 * Older OMI senders append "?uid=U" to a URL that already has "?key=K",
 * giving "key=K?uid=U". '?' is never part of a key or uid, so treat a raw
 * '?' in the query as '&'.
 */
static enum omi_err
webhook_params(const char *query, struct params *p)
{
	char		*q, *c;
	enum omi_err	 rc;

	if ((q = strdup(query)) == NULL)
		return OMI_NOMEM;
	for (c = q; *c != '\0'; c++)
		if (*c == '?')
			*c = '&';
	rc = params_decode(p, q, strlen(q));
	free(q);
	return rc;
}

/* The query's parameters; any failure is the one 401 (see key_check). */
static const struct field key_fields[] = {
	{ "uid", account_valid_uid, 0, FIELD_REQUIRED },
	{ "key", NULL, 0, FIELD_REQUIRED },
};

static void
unauthorized(struct app *a)
{
	resp_api_error(&a->resp, 401, "unauthorized",
	    "missing or invalid webhook key for this uid");
}

static void
invalid(struct app *a, const struct conv_error *e)
{
	json_t *j;

	j = json_pack("{s:s, s:s, s:s}", "error",
	    e->field[0] ? "invalid_field" : "invalid_json",
	    "message", e->message, "field", e->field);
	if (j == NULL)
		a->resp.failed = 1;
	else
		resp_json(&a->resp, 400, j);
	json_decref(j);
}

/*
 * Checks uid's webhook key in a shared session of its own, closed before
 * returning. An unknown uid is compared with a hash no key has, so it
 * costs what a wrong key costs. Returns OMI_OK with *ok set, or the
 * store's error.
 */
static enum omi_err
key_check(struct app *a, const char *uid, const char *key, int *ok)
{
	char		 nohash[SEC_HASH_HEX + 1];
	struct account	 acct, none;
	struct store	*s = NULL;
	enum omi_err	 err;

	*ok = 0;
	memset(&acct, 0, sizeof(acct));
	memset(&none, 0, sizeof(none));
	memset(nohash, '-', SEC_HASH_HEX);
	nohash[SEC_HASH_HEX] = '\0';
	none.webhook_key = nohash;
	err = store_open(&s, a->cfg.datadir, STORE_READ,
	    a->cfg.lock_timeout_ms);
	if (err == OMI_OK)
		err = account_load(s, uid, &acct);
	store_close(s);
	if (err == OMI_OK || err == OMI_NOTFOUND) {
		*ok = account_check_webhook_key(&a->cfg,
		    err == OMI_OK ? &acct : &none, key) && err == OMI_OK;
		err = OMI_OK;
	}
	account_free(&acct);
	return err;
}

/*
 * What Jansson may be asked to build: 0, or 1 with the answer set. A body
 * the scanner cannot read never reaches Jansson, which reads on past some
 * errors (a NUL after a number) and would then build it unbounded.
 */
static int
body_bounded(struct app *a, const char *uid)
{
	char	 msg[64];
	size_t	 at;
	int	 rc;

	rc = tscan_limits(a->req.body, a->req.body_len,
	    (int)a->cfg.max_json_depth, (size_t)a->cfg.max_json_values, &at);
	if (rc == 1) {
		log_msg("webhook uid=%s size=%zu outcome=invalid (json at byte "
		    "%zu)", uid, a->req.body_len, at);
		snprintf(msg, sizeof(msg), "invalid JSON at byte offset %zu", at);
		resp_api_error(&a->resp, 400, "invalid_json", msg);
		return 1;
	}
	if (rc == TSCAN_TOO_DEEP) {
		log_msg("webhook uid=%s size=%zu outcome=invalid (too deep)",
		    uid, a->req.body_len);
		resp_api_error(&a->resp, 400, "too_deep",
		    "the JSON is nested too deeply");
		return 1;
	}
	if (rc == TSCAN_TOO_MANY) {
		log_msg("webhook uid=%s size=%zu outcome=invalid (too many "
		    "values)", uid, a->req.body_len);
		resp_api_error(&a->resp, 413, "too_many_values",
		    "the JSON holds too many values");
		return 1;
	}
	return 0;
}

/*
 * The write session. What the conversation alone gives (its compressed
 * record, its count of words) is made before the lock is taken, so that
 * the session holds it only to read and write records.
 */
static void
store_conversation(struct app *a, const char *uid, const char *key,
    const struct conv_summary *sum, const json_t *doc)
{
	struct store		*s = NULL;
	struct account		 acct;
	struct index_prep	 prep;
	enum omi_err		 err;
	json_t			*ok;
	int			 replaced = 0;

	memset(&acct, 0, sizeof(acct));
	err = index_prepare(sum, a->req.body, a->req.body_len, doc, &prep);
	if (err == OMI_OK)
		err = store_open(&s, a->cfg.datadir, STORE_WRITE,
		    a->cfg.lock_timeout_ms);
	if (err == OMI_OK)
		err = account_load(s, uid, &acct);
	if (err == OMI_NOTFOUND ||
	    (err == OMI_OK && !account_check_webhook_key(&a->cfg, &acct, key))) {
		log_msg("webhook uid=%s id=%s size=%zu outcome=unauthorized",
		    uid, sum->id, a->req.body_len);
		unauthorized(a);
		goto out;
	}
	if (err == OMI_OK)
		err = index_put_prepared(s, uid, sum, &prep, &replaced);
	if (err == OMI_OK)
		err = store_commit(s);
	if (err != OMI_OK) {
		log_msg("webhook uid=%s id=%s size=%zu outcome=error (%s)",
		    uid, sum->id, a->req.body_len, omi_strerror(err));
		app_store_error(a, APP_ERR_API, err);
		goto out;
	}
	log_msg("webhook uid=%s id=%s size=%zu outcome=%s", uid, sum->id,
	    a->req.body_len, replaced ? "replaced" : "stored");
	ok = json_pack("{s:s, s:s, s:b}", "status", "success", "id", sum->id,
	    "replaced", replaced);
	if (ok == NULL)
		a->resp.failed = 1;
	else
		resp_json(&a->resp, 200, ok);
	json_decref(ok);
out:
	account_free(&acct);
	store_close(s);
	index_prep_free(&prep);
}

static void
webhook(struct app *a)
{
	struct params		 p = { 0 };
	struct conv_summary	 sum;
	struct conv_error	 e;
	json_t			*doc = NULL;
	struct field_fail	 ff;
	const char		*v[FIELD_N(key_fields)];
	const char		*uid = NULL, *key = NULL;
	enum omi_err		 err;
	int			 ok;

	memset(&sum, 0, sizeof(sum));
	if (strcmp(a->req.method, "POST") != 0) {
		app_method_not_allowed(a, APP_ERR_API, "POST");
		return;
	}
	if ((err = webhook_params(a->req.query_string, &p)) != OMI_OK) {
		if (err == OMI_NOMEM)
			a->resp.failed = 1;
		else
			resp_api_error(&a->resp, 400, "invalid_request",
			    "the query string is malformed");
		goto out;
	}
	if (field_check(&p, key_fields, FIELD_N(key_fields), 0, v, &ff) !=
	    FIELD_OK) {
		log_msg("webhook outcome=unauthorized (uid or key missing)");
		unauthorized(a);
		goto out;
	}
	uid = v[0];
	key = v[1];
	if ((err = key_check(a, uid, key, &ok)) != OMI_OK) {
		log_msg("webhook uid=%s size=%zu outcome=error (%s)", uid,
		    a->req.body_len, omi_strerror(err));
		app_store_error(a, APP_ERR_API, err);
		goto out;
	}
	if (!ok) {
		log_msg("webhook uid=%s size=%zu outcome=unauthorized", uid,
		    a->req.body_len);
		unauthorized(a);
		goto out;
	}
	if (a->req.body_len == 0) {
		resp_api_error(&a->resp, 400, "invalid_json",
		    "the body must be the conversation as JSON");
		goto out;
	}
	if (body_bounded(a, uid))
		goto out;
	if ((err = conv_ingest(a->req.body, a->req.body_len, &sum, &doc,
	    &e)) != OMI_OK) {
		if (err == OMI_NOMEM) {
			/* A 5xx: OMI delivers it again. */
			log_msg("webhook uid=%s size=%zu outcome=error (out of "
			    "memory reading the body)", uid, a->req.body_len);
			a->resp.failed = 1;
		} else {
			log_msg("webhook uid=%s size=%zu outcome=invalid (%s)",
			    uid, a->req.body_len, e.field[0] ? e.field : "json");
			invalid(a, &e);
		}
		goto out;
	}
	store_conversation(a, uid, key, &sum, doc);
out:
	json_decref(doc);
	conv_summary_free(&sum);
	params_free(&p);
}

int
main(void)
{
	static const struct app_spec spec = {
		.prog = "webhook",
		.errors = APP_ERR_API,
		.max_body = 0,
		.raw_body = 1,
		.handle = webhook,
	};

	return app_run(&spec);
}
