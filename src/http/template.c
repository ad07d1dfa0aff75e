/* template: HTML template rendering (see template.h). */
#include <string.h>

#include "http/template.h"
#include "lib/enc.h"

int
template_render(struct buf *out, const char *t, const struct template_var *vars)
{
	const char		*open, *close;
	const struct template_var	*v;
	size_t			 n;

	while ((open = strstr(t, "{{")) != NULL) {
		buf_append(out, t, (size_t)(open - t));
		if ((close = strstr(open + 2, "}}")) == NULL)
			return -1;
		n = (size_t)(close - open - 2);
		for (v = vars; v->name != NULL; v++)
			if (strlen(v->name) == n &&
			    memcmp(v->name, open + 2, n) == 0)
				break;
		if (v->name == NULL)
			return -1;
		if (v->value != NULL)
			html_escape(out, v->value);
		t = close + 2;
	}
	buf_puts(out, t);
	return out->failed ? -1 : 0;
}
