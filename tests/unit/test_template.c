/*
 * test_template: http/template.c, the page renderer: placeholders filled
 * and escaped for HTML, unknown or unterminated ones refused, and the real
 * consent page template rendered with every placeholder known, its form
 * complete, and nothing loaded from elsewhere.
 */
#include <string.h>

#include "http/template.h"
#include "lib/buf.h"
#include "unit.h"

static void
test_page(void)
{
	struct buf			 b = { 0 };
	static const struct template_var	 vars[] = {
		{ "a", "<script>\"x\"&'y'" }, { "b", NULL }, { NULL, NULL }
	};
	static const struct template_var	 real[] = {
		{ "client_name", "Chat<GPT>" }, { "scope_text", "read" },
		{ "redirect_host", "chatgpt.com" }, { "handle", "H\"x" },
		{ "uid", "<u>" }, { "error", "" }, { NULL, NULL }
	};

	CHECK(template_render(&b, "[{{a}}|{{b}}]", vars) == 0);
	CHECK(strcmp(b.data, "[&lt;script&gt;&quot;x&quot;&amp;&#39;y&#39;|]")
	    == 0);
	buf_reset(&b);
	CHECK(template_render(&b, "{{nope}}", vars) == -1);
	buf_reset(&b);
	CHECK(template_render(&b, "{{a", vars) == -1);
	buf_reset(&b);
	/* The real template: every placeholder known, the form complete. */
	CHECK(template_render(&b, tmpl_authorize_html, real) == 0);
	CHECK(strstr(b.data, "name=\"uid\"") != NULL);
	CHECK(strstr(b.data, "name=\"password\"") != NULL);
	CHECK(strstr(b.data, "name=\"decision\" value=\"allow\"") != NULL);
	CHECK(strstr(b.data, "name=\"decision\" value=\"deny\"") != NULL);
	CHECK(strstr(b.data, "value=\"H&quot;x\"") != NULL);
	CHECK(strstr(b.data, "Chat&lt;GPT&gt;") != NULL);
	CHECK(strstr(b.data, "<u>") == NULL);
	CHECK(strstr(b.data, "http://") == NULL &&
	    strstr(b.data, "https://") == NULL);	/* no external assets */
	buf_free(&b);
}

int
main(void)
{
	test_page();
	return unit_done("test_template");
}
