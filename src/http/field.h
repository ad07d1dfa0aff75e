/*
 * field: the parameters an endpoint accepts, declared once in a table, in
 * the manner of kcgi's struct kvalid: name, validator, maximum length and
 * whether it is required. field_check() holds a request's parameters
 * against a table before a handler looks at any value, and says which
 * field failed and why, so that each program keeps its own answer (an
 * OAuth error, an API error naming the parameter, an HTML page).
 *
 * An empty value counts as absent (RFC 6749 3.1: "parameters sent without
 * a value MUST be treated as if they were omitted"); a name given twice is
 * repeated whatever its values, since one value is expected (RFC 6749 3.1:
 * "MUST NOT be included more than once").
 */
#ifndef OMI_FIELD_H
#define OMI_FIELD_H

#include <stddef.h>

#include "http/cgi.h"

#define FIELD_REQUIRED	0x01

struct field {
	const char	*name;
	/* 1 when a present value is acceptable; NULL accepts any. */
	int		 (*valid)(const char *value);
	/* Longest value in bytes; 0: none of its own (the request's caps
	 * on the query string and body still bound it). */
	size_t		 max;
	int		 flags;		/* FIELD_REQUIRED */
};

enum field_why {
	FIELD_OK = 0,
	FIELD_UNKNOWN,		/* a name not in the table (FIELD_STRICT) */
	FIELD_REPEATED,
	FIELD_TOOLONG,
	FIELD_MISSING,		/* a required field absent or empty */
	FIELD_INVALID		/* the validator refused the value */
};

struct field_fail {
	enum field_why	 why;
	/* The table's name, or the request's for FIELD_UNKNOWN (borrowed
	 * from the params: untrusted, never to be echoed unchecked). */
	const char	*name;
	size_t		 index;	/* into the table; n for FIELD_UNKNOWN */
};

/* The number of fields of a table that is an array. */
#define FIELD_N(t)	(sizeof(t) / sizeof((t)[0]))

/* Flags of field_check(). */
#define FIELD_STRICT	0x01	/* refuse a name the table does not have */

/*
 * Checks p against the n fields of t and returns FIELD_OK with values[i]
 * set to field i's value (NULL when absent; values may be NULL), or the
 * first failure, with *fail filled in and every values[i] NULL, in this
 * order:
 *   1. with FIELD_STRICT, the request's parameters in their own order:
 *      the first with an unknown name, or a known one given twice;
 *   2. the fields in table order: the first given twice;
 *   3. the fields in table order: the first too long, missing while
 *      required, or refused by its validator (checked in that order).
 * Repetitions come first because a program cannot act on a request whose
 * meaning is ambiguous. Values are borrowed from p.
 */
enum field_why	 field_check(const struct params *p, const struct field *t,
		    size_t n, int flags, const char **values,
		    struct field_fail *fail);
#endif
