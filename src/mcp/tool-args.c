/*
 * tool-args: reading a tool's arguments (JSON values, type and range
 * checked, texts measured in code points) and what every tool's answer
 * shares (see tool-impl.h).
 */
#include <string.h>

#include "lib/buf.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/ustr.h"
#include "mcp/tool-impl.h"

int
targ_string(struct tool_ctx *t, const char *name, size_t max_cps,
    const char **out, const char *msg)
{
	const json_t *v = json_object_get(t->args, name);

	if (v == NULL)
		return 0;
	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    ustr_count(json_string_value(v), json_string_length(v)) > max_cps) {
		t->bad = msg;
		return -1;
	}
	*out = json_string_value(v);
	return 0;
}

int
targ_int(struct tool_ctx *t, const char *name, int64_t min, int64_t max,
    int64_t *out, const char *msg)
{
	const json_t	*v = json_object_get(t->args, name);
	json_int_t	 n;

	if (v == NULL)
		return 0;
	/* A client may send 20.0 for 20; a fraction is no count. */
	if (json_is_real(v) && json_real_value(v) >= (double)min &&
	    json_real_value(v) <= (double)max &&
	    json_real_value(v) == (double)(json_int_t)json_real_value(v))
		n = (json_int_t)json_real_value(v);
	else if (json_is_integer(v))
		n = json_integer_value(v);
	else {
		t->bad = msg;
		return -1;
	}
	if (n < min || n > max) {
		t->bad = msg;
		return -1;
	}
	*out = n;
	return 0;
}

int
targ_bool(struct tool_ctx *t, const char *name, int *out, const char *msg)
{
	const json_t *v = json_object_get(t->args, name);

	if (v == NULL)
		return 0;
	if (!json_is_boolean(v)) {
		t->bad = msg;
		return -1;
	}
	*out = json_is_true(v);
	return 0;
}

int
targ_enum(struct tool_ctx *t, const char *name, const char *const *values,
    int *out, const char *msg)
{
	const json_t	*v = json_object_get(t->args, name);
	int		 i;

	if (v == NULL)
		return 0;
	if (json_is_string(v))
		for (i = 0; values[i] != NULL; i++)
			if (strcmp(json_string_value(v), values[i]) == 0 &&
			    strlen(values[i]) == json_string_length(v)) {
				*out = i;
				return 0;
			}
	t->bad = msg;
	return -1;
}

int
targ_date(struct tool_ctx *t, const char *name, int end, int64_t *out)
{
	const char	*v = NULL;
	int		 date_only;

	if (targ_string(t, name, 64, &v, "start_date and end_date must be "
	    "ISO 8601 dates (2025-06-14) or date-times "
	    "(2025-06-14T18:03:27Z)") == -1)
		return -1;
	if (v == NULL)
		return 0;
	if (parse_iso8601(v, out, &date_only) == -1) {
		t->bad = "start_date and end_date must be ISO 8601 dates "
		    "(2025-06-14) or date-times (2025-06-14T18:03:27Z)";
		return -1;
	}
	if (end && date_only)
		*out += INT64_C(86400000000) - 1;
	return 0;
}

json_t *
tool_url(const struct config *cfg, const char *id)
{
	struct buf	 b = { 0 };
	json_t		*j;

	/* Ids are [A-Za-z0-9._-] (valid_ident): nothing to encode. */
	buf_printf(&b, "%s/c/%s", cfg->base_url, id);
	j = b.failed ? NULL : json_stringn(b.data, b.len);
	buf_free(&b);
	return j;
}

void
tool_store_fail(struct tool_ctx *t, enum omi_err err)
{
	log_msg("mcp: store: %s", omi_strerror(err));
	if (err == OMI_NOMEM)
		t->oom = 1;
	else
		t->fail = "The conversations could not be read just now; try "
		    "again in a moment.";
}
