/*
 * admin: the omi-admin command table. Each concern adds its commands in its
 * own file in src/admin/ as a NULL-terminated table; omi-admin.c
 * dispatches.
 * A command gets argc/argv after its name and the loaded site, and returns
 * the exit status. The helpers below are in common.c; the site's own
 * commands (init, config) in site.c.
 */
#ifndef OMI_ADMIN_H
#define OMI_ADMIN_H

#include <stdint.h>

#include "lib/config.h"

struct admin_ctx {
	const char	*datadir;
	struct config	 cfg;		/* loaded unless the command is init */
};

struct admin_cmd {
	const char	*name;		/* "user add", "client rotate-secret" */
	const char	*usage;		/* arguments, for --help */
	const char	*help;		/* one line */
	int		 needs_config;
	int		 (*run)(struct admin_ctx *, int argc, char **argv);
};

extern const struct admin_cmd admin_core_cmds[];
extern const struct admin_cmd admin_user_cmds[];
extern const struct admin_cmd admin_data_cmds[];
extern const struct admin_cmd admin_oauth_cmds[];
extern const struct admin_cmd admin_api_cmds[];
extern const struct admin_cmd admin_search_cmds[];

/* Opens the store for a command, printing the reason on failure. */
struct store;
int	 admin_store(struct admin_ctx *, int write, struct store **);
/* The store lock's timeout for a command (ms). */
int64_t	 admin_timeout(const struct admin_ctx *);
/* Commits and closes, printing the reason on failure; 0 or 1. */
int	 admin_commit(struct store *);
/* Rebuilds a user's search index (admin/search.c); 0, or 1 after a message. */
int	 admin_reindex_user(struct admin_ctx *, const char *uid, size_t *count);
/* 0 when uid is a valid OMI user id; otherwise says why and returns -1. */
int	 admin_check_uid(const char *uid);
/* Prints the GPT editor's configuration block. */
void	 admin_print_config(const struct config *);
#endif
