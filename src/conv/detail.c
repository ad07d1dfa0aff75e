/*
 * detail: a stored conversation read to be shown (see detail.h).
 */
#include <string.h>

#include "conv/detail.h"
#include "conv/transcript.h"

static const char *const shown[] = {
	"created_at", "started_at", "finished_at", "discarded", "structured"
};
#define NSHOWN	(sizeof(shown) / sizeof(shown[0]))

/* The members at spans as an object; OMI_CORRUPT if one does not parse. */
static enum omi_err
members(const struct tscan_span *spans, json_t **out)
{
	json_t	*doc, *v;
	size_t	 i;

	if ((doc = json_object()) == NULL)
		return OMI_NOMEM;
	for (i = 0; i < NSHOWN; i++) {
		if (spans[i].p == NULL)
			continue;
		if ((v = json_loadb(spans[i].p, spans[i].len, JSON_DECODE_ANY,
		    NULL)) == NULL) {
			json_decref(doc);
			return OMI_CORRUPT;
		}
		if (json_object_set_new(doc, shown[i], v) == -1) {
			json_decref(doc);
			return OMI_NOMEM;
		}
	}
	*out = doc;
	return OMI_OK;
}

enum omi_err
conv_detail_load(const char *raw, size_t len, struct conv_detail *d)
{
	struct tscan_span	 spans[NSHOWN];
	enum omi_err		 err;

	memset(d, 0, sizeof(*d));
	err = transcript_render_doc(raw, len, shown, NSHOWN, spans,
	    &d->transcript);
	if (err == OMI_OK)
		return members(spans, &d->doc);
	if (err != OMI_NOTFOUND)
		return err;
	/* Declined by the scanner: Jansson reads it all. */
	buf_reset(&d->transcript);
	if ((d->doc = json_loadb(raw, len, 0, NULL)) == NULL)
		return OMI_CORRUPT;
	if (transcript_render(json_object_get(d->doc, "transcript_segments"),
	    &d->transcript) == -1)
		return OMI_NOMEM;
	return OMI_OK;
}

void
conv_detail_free(struct conv_detail *d)
{
	json_decref(d->doc);
	d->doc = NULL;
	buf_free(&d->transcript);
}
