/* admin-api: conversation API administration commands (openapi). */
#include <stddef.h>

#include "admin.h"

const struct admin_cmd admin_api_cmds[] = {
	{ NULL, NULL, NULL, 0, NULL }
};
