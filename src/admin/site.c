/*
 * site: the commands that set up the site itself: init (the data directory,
 * config.json with a fresh server key and OAuth client, the store's schema
 * mark; idempotent) and config (what to paste into the GPT editor).
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "admin/admin.h"
#include "lib/buf.h"
#include "lib/config.h"
#include "lib/sec.h"
#include "store/store.h"

/* init ------------------------------------------------------------------ */

/* Looks NAME up in the environment, then in ./.env and DATADIR/../.env. */
static char *
setting(const char *datadir, const char *name)
{
	const char	*v = getenv(name);
	char		 path[4096], line[1024];
	size_t		 n = strlen(name);
	FILE		*f;
	int		 i;

	if (v != NULL && *v != '\0')
		return strdup(v);
	for (i = 0; i < 2; i++) {
		if (i == 0)
			snprintf(path, sizeof(path), ".env");
		else
			snprintf(path, sizeof(path), "%s/../.env", datadir);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		while (fgets(line, sizeof(line), f) != NULL) {
			char *val = line;
			if (strncmp(val, "export ", 7) == 0)
				val += 7;
			if (strncmp(val, name, n) != 0 || val[n] != '=')
				continue;
			val += n + 1;
			val[strcspn(val, "\r\n")] = '\0';
			if ((*val == '"' || *val == '\'') && strlen(val) >= 2 &&
			    val[strlen(val) - 1] == *val) {
				val[strlen(val) - 1] = '\0';
				val++;
			}
			fclose(f);
			return *val ? strdup(val) : NULL;
		}
		fclose(f);
	}
	return NULL;
}

static char *
random_id(const char *prefix, size_t bytes)
{
	unsigned char	 raw[32];
	char		 hex[65];
	struct buf	 b = { 0 };

	sec_random(raw, bytes);
	sodium_bin2hex(hex, sizeof(hex), raw, bytes);
	buf_printf(&b, "%s%s", prefix, hex);
	return buf_take(&b);
}

static int
cmd_init(struct admin_ctx *c, int argc, char **argv)
{
	struct config	 cfg;
	struct store	*s;
	char		*v, tok[SEC_TOKEN_LEN + 1], *val;
	const char	*port;
	int		 fresh, changed = 0, auto_url = 0;

	(void)argc;
	(void)argv;
	if (mkdir(c->datadir, 0700) == -1 && errno != EEXIST) {
		fprintf(stderr, "omi-admin: cannot create %s: %s\n", c->datadir,
		    strerror(errno));
		return 1;
	}
	fresh = config_load(&cfg, c->datadir) == -1;
	if (fresh && errno != ENOENT) {
		fprintf(stderr, "omi-admin: %s/config.json is unreadable or "
		    "malformed; fix or remove it\n", c->datadir);
		return 1;
	}
	if (fresh) {
		config_defaults(&cfg);
		cfg.datadir = strdup(c->datadir);
		sec_random(cfg.key, sizeof(cfg.key));
		cfg.client_name = strdup("ChatGPT");
		if ((cfg.client_id = setting(c->datadir, "OPENAI_CLIENT_ID")) == NULL)
			cfg.client_id = random_id("omi-", 16);
		if ((cfg.client_secret = setting(c->datadir,
		    "OPENAI_CLIENT_SECRET")) == NULL) {
			sec_token(tok);
			cfg.client_secret = strdup(tok);
		}
		config_add_redirect(&cfg,
		    "https://chatgpt.com/aip/g-*/oauth/callback");
		config_add_redirect(&cfg,
		    "https://chat.openai.com/aip/g-*/oauth/callback");
		changed = 1;
	}
	/*
	 * An explicit BASE_URL wins and stays. A base URL never set that way
	 * follows the port make run serves (PORT), so that a second run on
	 * another port prints and serves its own URLs.
	 */
	if ((v = setting(c->datadir, "BASE_URL")) != NULL)
		auto_url = 0;
	else if (cfg.base_url == NULL || cfg.base_url_auto) {
		struct buf b = { 0 };

		port = getenv("PORT");
		buf_printf(&b, "http://localhost:%s", port && *port ? port : "8000");
		v = buf_take(&b);
		auto_url = 1;
	}
	if (v != NULL) {
		while (strlen(v) > 0 && v[strlen(v) - 1] == '/')
			v[strlen(v) - 1] = '\0';
		if (cfg.base_url == NULL || strcmp(cfg.base_url, v) != 0 ||
		    cfg.base_url_auto != auto_url) {
			free(cfg.base_url);
			cfg.base_url = v;
			cfg.base_url_auto = auto_url;
			changed = 1;
		} else
			free(v);
	}
	if (!cfg.datadir || !cfg.client_id || !cfg.client_secret ||
	    !cfg.base_url || !cfg.client_name) {
		fprintf(stderr, "omi-admin: out of memory\n");
		config_free(&cfg);
		return 1;
	}
	if (changed && config_save(&cfg) == -1) {
		fprintf(stderr, "omi-admin: cannot write %s/config.json: %s\n",
		    c->datadir, strerror(errno));
		config_free(&cfg);
		return 1;
	}
	c->cfg.lock_timeout_ms = cfg.lock_timeout_ms;
	if (admin_store(c, 1, &s) == -1) {
		config_free(&cfg);
		return 1;
	}
	if (store_get(s, "meta:schema", &val, NULL) == OMI_NOTFOUND)
		store_put(s, "meta:schema", "1", 1);
	else
		free(val);
	if (admin_commit(s) != 0) {
		config_free(&cfg);
		return 1;
	}
	printf("%s %s\n", fresh ? "Initialised" : "Already initialised",
	    c->datadir);
	config_free(&cfg);
	return 0;
}

static int
cmd_config(struct admin_ctx *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	admin_print_config(&c->cfg);
	return 0;
}

const struct admin_cmd admin_core_cmds[] = {
	{ "init", "", "create the data directory and configuration (idempotent)",
	    0, cmd_init },
	{ "config", "", "print the values for the GPT editor", 1, cmd_config },
	{ NULL, NULL, NULL, 0, NULL }
};
