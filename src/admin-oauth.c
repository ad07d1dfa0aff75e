/* admin-oauth: OAuth administration commands (tokens, revoke, gc, client). */
#include <stddef.h>

#include "admin.h"

const struct admin_cmd admin_oauth_cmds[] = {
	{ NULL, NULL, NULL, 0, NULL }
};
