/*
 * fuzz_webhook: the webhook's JSON ingest (conv_ingest), which sees every
 * body OMI (or anyone with a key) posts. The input is the body. Promises
 * checked: success gives a summary whose id is a valid store key (the
 * sender's, or the derived "c-" hash) and a parsed document the caller
 * owns; failure gives a message, no document and an empty summary; the
 * same body always gives the same id (re-deliveries replace).
 */
#include "conv/ingest.h"
#include "fuzz.h"
#include "lib/text.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conv_summary	 s, again;
	struct conv_error	 e;
	json_t			*doc;
	enum omi_err		 rc;

	rc = conv_ingest((const char *)data, size, &s, &doc, &e);
	/* OMI_NOMEM only without memory */
	FUZZ_ASSERT(rc == OMI_OK || rc == OMI_INVALID);
	if (rc == OMI_OK) {
		FUZZ_ASSERT(doc != NULL && json_is_object(doc));
		FUZZ_ASSERT(valid_ident(s.id, CONV_ID_MAX));
		FUZZ_ASSERT(s.created_at && s.title && s.overview &&
		    s.category && s.emoji);
		FUZZ_ASSERT(valid_utf8(s.title, strlen(s.title)));
		/* Without a document, as the webhook calls it. */
		FUZZ_ASSERT(conv_ingest((const char *)data, size, &again, NULL,
		    &e) == OMI_OK);
		FUZZ_ASSERT(strcmp(s.id, again.id) == 0 && s.t == again.t);
		conv_summary_free(&again);
		json_decref(doc);
	} else {
		FUZZ_ASSERT(doc == NULL && s.id == NULL);
		FUZZ_ASSERT(e.message[0] != '\0');
		FUZZ_ASSERT(memchr(e.message, '\0', sizeof(e.message)) != NULL);
	}
	conv_summary_free(&s);
	return 0;
}
