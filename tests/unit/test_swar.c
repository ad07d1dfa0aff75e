/* test_swar: lib/swar.h, the word-at-a-time byte tests. */
#include <stdint.h>
#include <string.h>

#include "lib/swar.h"
#include "unit.h"

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
	test_swar();
	return unit_done("test_swar");
}
