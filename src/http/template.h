/*
 * template (template_*): HTML pages from templates. A template is the text of a
 * file in htdocs/ compiled into the program (see scripts/embed.sh), with
 * {{name}} placeholders. Every value is HTML-escaped on the way in; there is
 * no way to insert raw markup, so nothing a request carries can become
 * markup.
 */
#ifndef OMI_PAGE_H
#define OMI_PAGE_H

#include "lib/buf.h"

struct template_var {
	const char	*name;
	const char	*value;		/* NULL renders as empty */
};

/* The templates compiled in from htdocs/. */
extern const char tmpl_authorize_html[];

/*
 * Appends tmpl to out with each {{name}} replaced by the escaped value of
 * the variable of that name (vars ends with a NULL name). Returns 0, or -1
 * when a placeholder has no variable or memory ran out.
 */
int	 template_render(struct buf *out, const char *tmpl,
	    const struct template_var *vars);
#endif
