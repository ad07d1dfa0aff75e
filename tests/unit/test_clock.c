/* test_clock: lib/clock.c, ISO 8601 parsing and UTC formatting. */
#include <string.h>
#include <time.h>

#include "lib/clock.h"
#include "unit.h"

static void
test_iso(void)
{
	int64_t	 us;
	int	 d;

	CHECK(parse_iso8601("1970-01-01T00:00:00Z", &us, &d) == 0 && us == 0 && !d);
	CHECK(parse_iso8601("2025-06-14T18:03:27.412345+00:00", &us, NULL) == 0 &&
	    us == 1749924207412345LL);
	CHECK(parse_iso8601("2025-06-14T20:03:27.412345+02:00", &us, NULL) == 0 &&
	    us == 1749924207412345LL);
	CHECK(parse_iso8601("2025-06-14 18:03:27", &us, NULL) == 0 &&
	    us == 1749924207000000LL);
	CHECK(parse_iso8601("2025-06-14", &us, &d) == 0 && d &&
	    us == 1749859200000000LL);
	CHECK(parse_iso8601("2024-02-29", &us, NULL) == 0);
	CHECK(parse_iso8601("2023-02-29", &us, NULL) == -1);
	CHECK(parse_iso8601("2025-13-01", &us, NULL) == -1);
	CHECK(parse_iso8601("2025-06-14T25:00:00Z", &us, NULL) == -1);
	CHECK(parse_iso8601("2025-06-14T18:03:27Zjunk", &us, NULL) == -1);
	CHECK(parse_iso8601("yesterday", &us, NULL) == -1);
	CHECK(parse_iso8601("", &us, NULL) == -1);
}

/* format_utc against glibc's gmtime_r and strftime, and back through
 * parse_iso8601, over leap days, century years and times before 1970
 * (from 1000 on: strftime does not pad a shorter year to four digits). */
static void
test_utc(void)
{
	static const int64_t	 fixed[] = { 0, -1, 59, 86399, 86400,
	    951782400, 951868799, 4107542400, 4107628800, 1749924207,
	    -30610224000, 253402300799 };
	char			 ours[UTC_LEN], libc[64];
	struct tm		 tm;
	time_t			 tt;
	int64_t			 t, us;
	int			 i, bad = 0;

	for (i = 0; i < 12 + 4000; i++) {
		t = i < 12 ? fixed[i] : -2208988800LL + (int64_t)(i - 12) *
		    2629743 + (i % 86400);
		tt = (time_t)t;
		format_utc(t, 'T', ours);
		if (gmtime_r(&tt, &tm) == NULL ||
		    strftime(libc, sizeof(libc), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0 ||
		    strcmp(ours, libc) != 0 ||
		    parse_iso8601(ours, &us, NULL) != 0 || us != t * 1000000)
			bad++;
	}
	CHECK(bad == 0);
	format_utc(1749924207, ' ', ours);
	CHECK(strcmp(ours, "2025-06-14 18:03:27Z") == 0);
}

int
main(void)
{
	test_iso();
	test_utc();
	return unit_done("test_clock");
}
