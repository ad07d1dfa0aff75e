/* test_enc: lib/enc.c, the HTML and URL encoders. */
#include <string.h>

#include "lib/buf.h"
#include "lib/enc.h"
#include "unit.h"

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
}

int
main(void)
{
	test_enc();
	return unit_done("test_enc");
}
