/*
 * text: checks and parsing of plain text: hex digits, range-checked
 * decimal integers, identifiers, control characters, UTF-8 validity, and
 * strdup that accepts NULL.
 */
#ifndef OMI_LIB_TEXT_H
#define OMI_LIB_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* The value of one hex digit, or -1. */
int	 hex_digit(int c);
/*
 * Parses a whole string of decimal digits (no sign, no spaces) into *out.
 * Returns 0 on success, -1 when the text is not a number, 1 when it is a
 * number above max.
 */
int	 parse_u64(const char *, uint64_t max, uint64_t *out);

/* 1 when s is 1..maxlen characters of [A-Za-z0-9._-] and not "." or "..". */
int	 valid_ident(const char *s, size_t maxlen);

/* 1 when s (of length n) contains a control character (< 0x20 or 0x7f). */
int	 has_ctl(const char *s, size_t n);

/* 1 when the n bytes are valid UTF-8 with no NUL. */
int	 valid_utf8(const char *s, size_t n);

char	*xstrdup(const char *);
#endif
