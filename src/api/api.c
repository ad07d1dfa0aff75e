/* api: what the list and detail endpoints share (see api.h). */
#include <string.h>

#include "api/api.h"
#include "auth/oauth.h"
#include "lib/log.h"
#include "lib/text.h"

void
api_bad_param(struct app *a, const char *name, const char *message)
{
	json_t *j;

	j = json_pack("{s:s, s:s, s:s}", "error", "invalid_parameter",
	    "message", message, "parameter", name);
	if (j == NULL)
		a->resp.failed = 1;
	else
		resp_json(&a->resp, 400, j);
	json_decref(j);
}

void
api_store_error(struct app *a, enum omi_err err)
{
	log_msg("store: %s", omi_strerror(err));
	app_store_error(a, APP_ERR_API, err);
}

int
api_check_params(struct app *a, const struct field *t, size_t n)
{
	struct field_fail	 f;
	struct buf		 msg = { 0 };
	size_t			 k;

	switch (field_check(&a->req.query, t, n, FIELD_STRICT, NULL, &f)) {
	case FIELD_OK:
		return 0;
	case FIELD_UNKNOWN:
		/*
		 * The GPT fixes its call faster when told the name; it is
		 * echoed only as a short identifier, inside a JSON string,
		 * never as free text.
		 */
		buf_puts(&msg, "unknown query parameter; this endpoint "
		    "accepts only:");
		for (k = 0; k < n; k++)
			buf_printf(&msg, " %s", t[k].name);
		api_bad_param(a, valid_ident(f.name, 64) ? f.name : "",
		    msg.data ? msg.data : "");
		break;
	case FIELD_REPEATED:
		buf_printf(&msg, "%s may be given only once", f.name);
		api_bad_param(a, f.name, msg.data ? msg.data : "");
		break;
	case FIELD_TOOLONG:
		buf_printf(&msg, "%s is too long", f.name);
		api_bad_param(a, f.name, msg.data ? msg.data : "");
		break;
	case FIELD_MISSING:
		buf_printf(&msg, "%s is required", f.name);
		api_bad_param(a, f.name, msg.data ? msg.data : "");
		break;
	default:
		buf_printf(&msg, "%s is not valid", f.name);
		api_bad_param(a, f.name, msg.data ? msg.data : "");
		break;
	}
	buf_free(&msg);
	return -1;
}

const char *
api_param(const struct app *a, const char *name)
{
	const char *v;

	if (params_get(&a->req.query, name, &v) != 1 || *v == '\0')
		return NULL;
	return v;
}

/* RFC 6750 3: the challenge; error codes are our own fixed strings. */
static void
challenge(struct app *a, const char *error, const char *description)
{
	struct buf b = { 0 };

	buf_puts(&b, "Bearer realm=\"omi\"");
	if (error != NULL)
		buf_printf(&b, ", error=\"%s\"", error);
	if (error != NULL && description != NULL &&
	    strpbrk(description, "\"\\") == NULL)
		buf_printf(&b, ", error_description=\"%s\"", description);
	if (error != NULL && strcmp(error, "insufficient_scope") == 0)
		buf_puts(&b, ", scope=\"" OAUTH_SCOPE_READ "\"");
	if (b.failed)
		a->resp.failed = 1;
	else
		resp_header(&a->resp, "WWW-Authenticate", b.data);
	buf_free(&b);
}

int
api_authorize(struct app *a, struct store *s, struct oauth_bearer *b)
{
	const char	*error;
	int		 status;

	status = oauth_bearer_check(&a->cfg, s, a->req.authorization,
	    OAUTH_RES_API, b);
	if (status == 401 || status == 400) {
		error = b->error ? b->error : "invalid_token";
		resp_api_error(&a->resp, status, error, status == 400 ?
		    b->description :
		    "a valid access token is required; sign in again");
		/* No bearer token at all (none, or another scheme such as
		 * Basic): RFC 6750 3.1 wants no error code. */
		challenge(a, b->no_credentials ? NULL : error, b->description);
		return -1;
	}
	if (status != 0) {
		api_store_error(a, OMI_BUSY);
		return -1;
	}
	if (!oauth_scope_subset(OAUTH_SCOPE_READ, b->scope)) {
		resp_api_error(&a->resp, 403, "insufficient_scope",
		    "the access token does not allow reading conversations");
		challenge(a, "insufficient_scope", "the token lacks the "
		    OAUTH_SCOPE_READ " scope");
		return -1;
	}
	return 0;
}
