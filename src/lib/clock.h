/*
 * clock: the wall clock, and dates as text: ISO 8601 / RFC 3339 parsing
 * and UTC formatting.
 */
#ifndef OMI_LIB_CLOCK_H
#define OMI_LIB_CLOCK_H

#include <stdint.h>

/* Seconds since the epoch. */
int64_t	 now_unix(void);

/*
 * Parses an ISO 8601 / RFC 3339 date ("2025-06-14") or date-time
 * ("2025-06-14T18:03:27.412345+00:00", 'Z' or no zone meaning UTC, ' ' or
 * 'T' between) into microseconds since the epoch. Returns 0, or -1 when the
 * text is not such a date. *date_only tells which form it was (may be NULL).
 */
int	 parse_iso8601(const char *, int64_t *us, int *date_only);

/* "2025-06-14T18:03:27Z" (sep between date and time) for t seconds since
 * the epoch, in UTC (years outside 0-9999 are clamped). */
#define UTC_LEN	21
void	 format_utc(int64_t t, char sep, char out[UTC_LEN]);
#endif
