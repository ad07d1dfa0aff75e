/*
 * enc: output encoders. Each one is named for the context its output is
 * safe in; none of them is safe anywhere else.
 */
#ifndef OMI_ENC_H
#define OMI_ENC_H

#include "lib/buf.h"

/* Appends s escaped for HTML text and double-quoted attribute values. */
int	 html_escape(struct buf *, const char *s);
/* Appends s percent-encoded as a URI query component (RFC 3986 unreserved kept). */
int	 url_encode_component(struct buf *, const char *s);
#endif
