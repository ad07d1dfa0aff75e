/*
 * fuzz_iso8601: the date parser (parse_iso8601) behind created_at and the
 * API's since/until filters. The input is the text. UBSan watches the
 * arithmetic (years 0000 to 9999, offsets, fractions of any length).
 * Promises checked: a date alone is midnight UTC; the result lies within
 * the years 0000 to 9999 give or take a day of offset; cutting the
 * fraction of seconds off a date-time moves it back by less than a second.
 */
#include "fuzz.h"
#include "lib/clock.h"

/* 0000-01-01 and 10000-01-01 in microseconds, one day of slack each side. */
#define DAY_US		(86400LL * 1000000)
#define MIN_US		(-62167219200LL * 1000000 - DAY_US)
#define MAX_US		(253402300800LL * 1000000 + DAY_US)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s, *frac;
	int64_t	 us, whole;
	int	 date_only;

	s = fuzz_cstring(data, size);
	if (parse_iso8601(s, &us, &date_only) == 0) {
		FUZZ_ASSERT(us >= MIN_US && us <= MAX_US);
		if (date_only)
			FUZZ_ASSERT(us % DAY_US == 0);
		/*
		 * "YYYY-MM-DDThh:mm:ss" is 19 characters; a fraction can only
		 * start right after it.
		 */
		if (strlen(s) > 19 && (s[19] == '.' || s[19] == ',')) {
			frac = s + 20 + strspn(s + 20, "0123456789");
			memmove(s + 19, frac, strlen(frac) + 1);
			FUZZ_ASSERT(parse_iso8601(s, &whole, NULL) == 0);
			FUZZ_ASSERT(us - whole >= 0 && us - whole < 1000000);
		}
	}
	free(s);
	return 0;
}
