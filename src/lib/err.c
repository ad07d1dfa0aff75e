#include "lib/err.h"

const char *
omi_strerror(enum omi_err e)
{
	static const char *const text[] = {
		[OMI_OK] = "ok",
		[OMI_NOTFOUND] = "not found",
		[OMI_BUSY] = "busy (lock timeout)",
		[OMI_READONLY] = "read-only",
		[OMI_FULL] = "no space left",
		[OMI_CORRUPT] = "needs recovery",
		[OMI_NOMEM] = "out of memory",
		[OMI_ERROR] = "I/O error",
		[OMI_INVALID] = "invalid input",
	};

	return (unsigned)e < sizeof(text) / sizeof(text[0]) ? text[e] :
	    "unknown";
}
