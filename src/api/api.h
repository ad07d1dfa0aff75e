/*
 * api: the conversations API behind GET /api/conversations[/{id}]. The
 * program file (conversations.c) routes, checks the method and the bearer
 * token and opens one read session of the store; list.c and
 * detail.c answer from it. This header also holds what both share:
 * parameter checks that name the offending parameter and the store-error
 * answer. Every response stays under ChatGPT's limit of 100,000
 * characters (measured here, more strictly, in bytes) with conv/clip.h.
 */
#ifndef OMI_API_H
#define OMI_API_H

#include <stddef.h>

#include <jansson.h>

#include "http/app.h"
#include "http/field.h"
#include "store/store.h"

/* Every API response body stays at or below this many bytes. */
#define API_MAX_RESPONSE	99000

/* The list endpoint: GET /api/conversations. */
void	 api_list(struct app *, struct store *, const char *uid);
/* The detail endpoint: GET /api/conversations/{id} (id already valid). */
void	 api_detail(struct app *, struct store *, const char *uid,
	    const char *id);

struct oauth_bearer;
/*
 * Checks the request's bearer token in the caller's store session. Returns
 * 0 with b filled (the caller frees it with oauth_bearer_free), or answers
 * and returns -1: 401 with a Bearer challenge (RFC 6750 3.1: no error code
 * when the request carried no credentials), 403 insufficient_scope when the
 * token lacks read:memories, 503 when the store failed.
 */
int	 api_authorize(struct app *, struct store *, struct oauth_bearer *b);
/* 400 {"error":"invalid_parameter","message","parameter"}. */
void	 api_bad_param(struct app *, const char *name, const char *message);
/* Logs err and answers with app_store_error (503 with Retry-After, 507,
 * 500). */
void	 api_store_error(struct app *, enum omi_err);
/*
 * Holds the query against the endpoint's n fields (field_check with
 * FIELD_STRICT): answers 400 invalid_parameter naming the first parameter
 * that is unknown (the message lists the accepted names), given twice or
 * refused by the table, and returns -1; 0 when all are acceptable.
 */
int	 api_check_params(struct app *, const struct field *, size_t n);
/* A parameter's value, or NULL when absent or empty (empty means absent). */
const char *api_param(const struct app *, const char *name);
#endif
