/* test_text: lib/text.c, integer parsing, identifiers and UTF-8 validity. */
#include <stdint.h>

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

int
main(void)
{
	test_u64();
	test_ident();
	test_utf8();
	return unit_done("test_text");
}
