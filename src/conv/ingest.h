/*
 * ingest (conv_*): the OMI conversation model. conv_ingest() validates a
 * webhook body (the fields we rely on must have the right types; everything
 * else is kept verbatim and ignored) and extracts the summary that the
 * per-user index holds. The raw body is what gets stored, byte for byte.
 */
#ifndef OMI_CONV_H
#define OMI_CONV_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "lib/err.h"

#define CONV_ID_MAX	128

struct conv_summary {
	char	*id;
	char	*created_at;
	int64_t	 t;		/* created_at in microseconds since the epoch */
	char	*title;
	char	*overview;
	char	*category;
	char	*emoji;
	int	 discarded;
};

struct conv_error {
	char	 field[96];	/* the offending field, "" for the whole body */
	char	 message[256];
};

/*
 * Parses and validates an OMI conversation. On success returns 0, fills s
 * (free with conv_summary_free) and, when doc is not NULL, hands over the
 * parsed document. When the payload has no "id", a stable one is derived
 * from its canonical JSON so a re-delivery maps onto the same record.
 * Returns OMI_INVALID with e filled for invalid input, OMI_NOMEM when out
 * of memory (not the sender's fault: answered with a 5xx).
 */
enum omi_err	 conv_ingest(const char *body, size_t len, struct conv_summary *s,
	    json_t **doc, struct conv_error *e);
/* Builds the summary of an already parsed document (used by tools);
 * returns as conv_ingest. */
enum omi_err	 conv_summarize(json_t *doc, const char *id, struct conv_summary *s,
	    struct conv_error *e);
void	 conv_summary_free(struct conv_summary *);
#endif
