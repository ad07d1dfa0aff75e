/* Unit tests: integer parsing, identifiers, UTF-8, ISO 8601, encoders, buffers. */
#include <string.h>
#include <time.h>

#include "lib/buf.h"
#include "lib/clock.h"
#include "lib/enc.h"
#include "lib/swar.h"
#include "lib/text.h"
#include "unit.h"

static void
test_u64(void)
{
	uint64_t v;

	CHECK(parse_u64("0", 10, &v) == 0 && v == 0);
	CHECK(parse_u64("10", 10, &v) == 0 && v == 10);
	CHECK(parse_u64("11", 10, &v) == 1);
	CHECK(parse_u64("18446744073709551615", UINT64_MAX, &v) == 0);
	CHECK(parse_u64("18446744073709551616", UINT64_MAX, &v) == 1);
	CHECK(parse_u64("99999999999999999999", UINT64_MAX, &v) == 1);
	CHECK(parse_u64("", 10, &v) == -1);
	CHECK(parse_u64("-1", 10, &v) == -1);
	CHECK(parse_u64(" 1", 10, &v) == -1);
	CHECK(parse_u64("1x", 10, &v) == -1);
}

static void
test_ident(void)
{
	CHECK(valid_ident("6f1c2a9e-3b7d-4c1e", 128));
	CHECK(valid_ident("user_1.x", 128));
	CHECK(!valid_ident("", 128));
	CHECK(!valid_ident(".", 128));
	CHECK(!valid_ident("..", 128));
	CHECK(!valid_ident("a/b", 128));
	CHECK(!valid_ident("a:b", 128));
	CHECK(!valid_ident("a b", 128));
	CHECK(!valid_ident("abcd", 3));
	CHECK(valid_ident("abc", 3));
}

static void
test_utf8(void)
{
	CHECK(valid_utf8("h\xc3\xa9llo", 6));
	CHECK(valid_utf8("\xf0\x9f\x94\xa8", 4));
	CHECK(!valid_utf8("\xc3", 1));
	CHECK(!valid_utf8("\xed\xa0\x80", 3));		/* surrogate */
	CHECK(!valid_utf8("\xe0\x80\xaf", 3));		/* overlong */
	CHECK(!valid_utf8("a\0b", 3));
}

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

static void
test_enc(void)
{
	struct buf b = { 0 };

	html_escape(&b, "<a href=\"x\">'&'</a>");
	CHECK(strcmp(b.data, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;") == 0);
	buf_reset(&b);
	url_encode_component(&b, "a b&c=d/\r\n~");
	CHECK(strcmp(b.data, "a%20b%26c%3Dd%2F%0D%0A~") == 0);
	buf_free(&b);
	buf_printf(&b, "%d-%s", 42, "x");
	CHECK(b.len == 4 && strcmp(b.data, "42-x") == 0);
	buf_free(&b);
}

/*
 * The word-at-a-time tests against byte-by-byte answers, over words made
 * of the bytes where they could go wrong: around each threshold, and runs
 * where one test's borrow reaches the next byte (0x00 then 0x01).
 */
static void
test_swar(void)
{
	static const unsigned char pick[] = {
		0x00, 0x01, 0x02, 0x1f, 0x20, 0x21, '"', '\\', '@', 'A', 'M',
		'Z', '[', '`', 'a', 'z', 0x7e, 0x7f, 0x80, 0x81, 0xc3, 0xff
	};
	unsigned char	 w[8], low[8];
	uint64_t	 v, m, got;
	unsigned	 seed = 12345, i, k, first, bad = 0, ascii;
	int		 below20, zero, quote, high;

	for (i = 0; i < 200000; i++) {
		below20 = zero = quote = high = 0;
		first = 8;
		for (k = 0; k < 8; k++) {
			seed = seed * 1103515245u + 12345u;
			w[k] = pick[(seed >> 16) % sizeof(pick)];
			below20 |= w[k] < 0x20;
			zero |= w[k] == 0;
			quote |= w[k] == '"';
			high |= w[k] >= 0x80;
			if (first == 8 && (w[k] < 0x20 || w[k] == '"'))
				first = k;
			low[k] = w[k] >= 'A' && w[k] <= 'Z' ? w[k] + 32 : w[k];
		}
		v = swar_load(w);
		bad += !swar_below(v, 0x20) != !below20;
		bad += !swar_below(v, 1) != !zero;
		bad += !swar_has(v, '"') != !quote;
		bad += !swar_high(v) != !high;
		m = swar_below(v, 0x20) | swar_has(v, '"');
		if (m != 0) {
			k = swar_skip(m);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			bad += k != first;
#else
			bad += k != 0;
#endif
		}
		if (!high) {
			got = swar_lower(v);
			bad += memcmp(&got, low, 8) != 0;
		}
	}
	CHECK(bad == 0);
	/* Every byte value in every place, alone in a word of 'a's. */
	bad = ascii = 0;
	for (i = 0; i < 256; i++)
		for (k = 0; k < 8; k++) {
			memset(w, 'a', 8);
			w[k] = (unsigned char)i;
			v = swar_load(w);
			bad += (swar_below(v, 0x20) != 0) != (i < 0x20);
			bad += (swar_has(v, '\\') != 0) != (i == '\\');
			bad += (swar_high(v) != 0) != (i >= 0x80);
			if (i < 0x20)
				bad += swar_skip(swar_below(v, 0x20)) != k &&
				    swar_skip(swar_below(v, 0x20)) != 0;
			if (i < 0x80) {
				got = swar_lower(v);
				ascii += ((unsigned char *)&got)[k] ==
				    (i >= 'A' && i <= 'Z' ? i + 32 : i);
			}
		}
	CHECK(bad == 0);
	CHECK(ascii == 128 * 8);
}

int
main(void)
{
	test_u64();
	test_swar();
	test_ident();
	test_utf8();
	test_iso();
	test_utc();
	test_enc();
	return unit_done("test_util");
}
