/* test_buf: lib/buf.c, the growable buffer. */
#include <string.h>

#include "lib/buf.h"
#include "unit.h"

static void
test_printf(void)
{
	struct buf b = { 0 };

	buf_printf(&b, "%d-%s", 42, "x");
	CHECK(b.len == 4 && strcmp(b.data, "42-x") == 0);
	buf_free(&b);
}

int
main(void)
{
	test_printf();
	return unit_done("test_buf");
}
