/*
 * tool-impl: what tools.c shares with the tools' handlers (tool-*.c), not
 * used outside mcp/. A handler reads its validated arguments through the
 * targ_* helpers and returns the structuredContent (a new reference), or
 * NULL with exactly one of bad (an invalid argument), fail (the tool could
 * not answer: told to the model as a tool error) or oom set.
 */
#ifndef OMI_TOOL_IMPL_H
#define OMI_TOOL_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "mcp/mcp.h"

/* Bytes a tool's structuredContent may take: the text content repeats it
 * as a JSON string, which at worst doubles it (every byte a '"' or '\'). */
#define TOOL_BUDGET		32000
#define TOOL_SCAN_BUDGET	(48u << 20)	/* bytes a search may read */
#define TOOL_TITLE_MAX		300
#define TOOL_OVERVIEW_MAX	1000

struct tool_ctx {
	const struct mcp_req	*r;
	const json_t		*args;	/* an object, maybe empty */
	const char		*bad;
	const char		*fail;
	int			 oom;
};

json_t	*tool_search(struct tool_ctx *);
json_t	*tool_fetch(struct tool_ctx *);
json_t	*tool_list_conversations(struct tool_ctx *);
json_t	*tool_get_conversation(struct tool_ctx *);
json_t	*tool_list_action_items(struct tool_ctx *);

/*
 * Arguments. Each returns 0 (an absent argument leaves *out alone) or -1
 * with t->bad set to msg.
 */
int	 targ_string(struct tool_ctx *, const char *name, size_t max_cps,
	    const char **out, const char *msg);
int	 targ_int(struct tool_ctx *, const char *name, int64_t min,
	    int64_t max, int64_t *out, const char *msg);
int	 targ_bool(struct tool_ctx *, const char *name, int *out,
	    const char *msg);
/*
 * A string that is one of values (a NULL-terminated list): *out its
 * index. Anything else, also a string of another case, is t->bad.
 */
int	 targ_enum(struct tool_ctx *, const char *name,
	    const char *const *values, int *out, const char *msg);
/* An ISO 8601 date or date-time; a whole day's end bound is its last µs. */
int	 targ_date(struct tool_ctx *, const char *name, int end, int64_t *out);

/* "<base>/c/<id>", the page that shows the conversation to its owner. */
json_t	*tool_url(const struct config *, const char *id);
/* Sets t->fail (and logs) for a failed store read. */
void	 tool_store_fail(struct tool_ctx *, enum omi_err);
#endif
