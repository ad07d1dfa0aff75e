/*
 * openapi: the OpenAPI 3.1 document for the conversations API, generated
 * for this site: servers[0].url and the OAuth URLs come from the configured
 * base URL, so the document can be pasted into (or imported by) the GPT
 * editor unchanged. GET /openapi.json and `omi-admin openapi` both print
 * it. Descriptions are written for the model that reads them and stay
 * within ChatGPT's limits (OPENAPI_SUMMARY_MAX for summaries and operation
 * descriptions, OPENAPI_PARAM_DESC_MAX for parameters).
 */
#ifndef OMI_OPENAPI_H
#define OMI_OPENAPI_H

#include <jansson.h>

#include "lib/config.h"

#define OPENAPI_SUMMARY_MAX	300
#define OPENAPI_PARAM_DESC_MAX	700

/* The document (caller owns the reference), or NULL when out of memory. */
json_t	*openapi_document(const struct config *);
#endif
