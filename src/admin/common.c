/*
 * common: what the omi-admin commands share (see admin.h): opening and
 * committing the store with the reasons printed, the lock timeout, and the
 * GPT editor's configuration block.
 */
#include <stdint.h>
#include <stdio.h>

#include "admin/admin.h"
#include "lib/config.h"
#include "store/store.h"

int64_t
admin_timeout(const struct admin_ctx *c)
{
	return c->cfg.lock_timeout_ms ? c->cfg.lock_timeout_ms : 10000;
}

int
admin_store(struct admin_ctx *c, int write, struct store **s)
{
	enum omi_err err;

	err = store_open(s, c->datadir, write ? STORE_WRITE : STORE_READ,
	    admin_timeout(c));
	if (err != OMI_OK) {
		fprintf(stderr, "omi-admin: cannot open the store in %s: %s\n",
		    c->datadir, omi_strerror(err));
		return -1;
	}
	return 0;
}

int
admin_commit(struct store *s)
{
	enum omi_err err = store_commit(s);

	store_close(s);
	if (err != OMI_OK) {
		fprintf(stderr, "omi-admin: could not save: %s\n",
		    omi_strerror(err));
		return 1;
	}
	return 0;
}

void
admin_print_config(const struct config *c)
{
	printf("Authorization URL: %s/chatgpt/oauth/authorize\n", c->base_url);
	printf("Token URL: %s/chatgpt/oauth/token\n", c->base_url);
	printf("Client ID: %s\n", c->client_id);
	printf("Client Secret: %s\n", c->client_secret);
	printf("Scope: read:memories\n");
	printf("Token Exchange Method: Default (POST request) or Basic "
	    "authorization header\n");
	printf("Webhook URL: %s/chatgpt/webhook/memory?key=<your webhook key>"
	    " (omi-admin user add prints yours)\n", c->base_url);
	printf("OpenAPI URL: %s/openapi.json\n", c->base_url);
	printf("MCP server URL: %s/mcp\n", c->base_url);
}
