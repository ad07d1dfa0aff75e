/*
 * omi-admin: manages the site from the host's shell: configuration,
 * accounts, stored conversations and the integrity check. Every command
 * honours OMI_DATA_DIR (default: the project's data/), works through the
 * same store module and locks as the CGI programs, and can run while the
 * site serves requests. Run as root on a data directory that another user
 * owns (the web server's), it first becomes that user, so that every file
 * it creates or replaces stays writable by the CGI programs.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "admin/admin.h"
#include "auth/account.h"
#include "auth/oauth.h"
#include "conv/index.h"
#include "lib/sec.h"
#include "lib/util.h"
#include "store/store.h"

#ifndef OMI_ADMIN_DATADIR
#define OMI_ADMIN_DATADIR "data"
#endif

static const struct admin_cmd *tables[5];

int64_t
admin_timeout(const struct admin_ctx *c)
{
	return c->cfg.lock_timeout_ms ? c->cfg.lock_timeout_ms : 10000;
}

int
admin_store(struct admin_ctx *c, int write, struct store **s)
{
	enum store_err err;

	err = store_open(s, c->datadir, write ? STORE_WRITE : STORE_READ,
	    admin_timeout(c));
	if (err != STORE_OK) {
		fprintf(stderr, "omi-admin: cannot open the store in %s: %s\n",
		    c->datadir, store_strerror(err));
		return -1;
	}
	return 0;
}

int
admin_commit(struct store *s)
{
	enum store_err err = store_commit(s);

	store_close(s);
	if (err != STORE_OK) {
		fprintf(stderr, "omi-admin: could not save: %s\n",
		    store_strerror(err));
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
}

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
	if (store_get(s, "meta:schema", &val, NULL) == STORE_NOTFOUND)
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

static void
usage(FILE *f)
{
	const struct admin_cmd	*t;
	size_t			 i;

	fprintf(f, "usage: omi-admin COMMAND [ARGS] (COMMAND --help for "
	    "details)\n\nData directory: $OMI_DATA_DIR, default %s\n\n"
	    "Commands:\n", OMI_ADMIN_DATADIR);
	for (i = 0; i < 5; i++)
		for (t = tables[i]; t->name != NULL; t++)
			fprintf(f, "  %-22s %s\n", t->name, t->help);
}

/* Matches "user add" against argv[0] argv[1]; returns the words used. */
static int
match(const char *name, int argc, char **argv)
{
	const char	*sp = strchr(name, ' ');
	size_t		 n = sp ? (size_t)(sp - name) : strlen(name);

	if (argc < 1 || strlen(argv[0]) != n || strncmp(argv[0], name, n) != 0)
		return 0;
	if (sp == NULL)
		return 1;
	return argc >= 2 && strcmp(argv[1], sp + 1) == 0 ? 2 : 0;
}

/* Prints ARG for a shell: bare when plain, else in single quotes. */
static void
shell_word(FILE *f, const char *arg)
{
	const char *p;

	if (*arg != '\0' && strspn(arg, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=@%+,-") == strlen(arg)) {
		fputs(arg, f);
		return;
	}
	fputc('\'', f);
	for (p = arg; *p != '\0'; p++)
		if (*p == '\'')
			fputs("'\\''", f);
		else
			fputc(*p, f);
	fputc('\'', f);
}

/*
 * As root, when DATADIR belongs to another user: switches to that user (its
 * primary group only, no supplementary groups) before anything is opened.
 * A root-owned config.json or journal there would lock the CGI programs
 * out (every request a 503). Returns 0, or -1 after printing the runuser
 * command that does the same, when the switch is impossible.
 */
static int
become_owner(const char *datadir, int argc, char **argv)
{
	struct stat	 st;
	struct passwd	*pw;
	gid_t		 gid;
	char		 exe[4096], who[64];
	ssize_t		 n;
	int		 i;

	if (geteuid() != 0 || stat(datadir, &st) == -1 || st.st_uid == 0)
		return 0;
	pw = getpwuid(st.st_uid);
	gid = pw != NULL ? pw->pw_gid : st.st_gid;
	if (pw == NULL || snprintf(who, sizeof(who), "%s", pw->pw_name) >=
	    (int)sizeof(who))
		snprintf(who, sizeof(who), "user %lu", (unsigned long)st.st_uid);
	if (gid != 0 && setgroups(1, &gid) == 0 && setgid(gid) == 0 &&
	    setuid(st.st_uid) == 0 && setuid(0) == -1) {
		if (access(datadir, X_OK) == 0)
			return 0;
		/* A parent of mode 0700, as /root is: say so, not EACCES. */
		fprintf(stderr, "omi-admin: %s belongs to %s, who cannot "
		    "reach it: let that user enter every parent directory "
		    "(chmod o+x)\n", datadir, who);
		return -1;
	}
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <= 0)
		n = snprintf(exe, sizeof(exe), "omi-admin");
	exe[n] = '\0';
	fprintf(stderr, "omi-admin: %s belongs to %s, and switching to it "
	    "failed (omi-admin never keeps group root); run instead:\n  ",
	    datadir, who);
	if (pw != NULL) {
		fputs("runuser -u ", stderr);
		shell_word(stderr, pw->pw_name);
		fputs(" -- ", stderr);
	} else
		fprintf(stderr, "setpriv --reuid=%lu --regid=%lu --clear-groups "
		    "-- ", (unsigned long)st.st_uid, (unsigned long)st.st_gid);
	shell_word(stderr, exe);
	for (i = 0; i < argc; i++) {
		fputc(' ', stderr);
		shell_word(stderr, argv[i]);
	}
	fputc('\n', stderr);
	return -1;
}

int
main(int argc, char **argv)
{
	const struct admin_cmd	*t, *cmd = NULL;
	struct admin_ctx	 c;
	size_t			 i;
	char			*datadir;
	int			 used = 0, rc, k;

	tables[0] = admin_core_cmds;
	tables[1] = admin_user_cmds;
	tables[2] = admin_data_cmds;
	tables[3] = admin_oauth_cmds;
	tables[4] = admin_api_cmds;
	memset(&c, 0, sizeof(c));
	if (sec_init() == -1)
		return 1;
	argc--;
	argv++;
	if (argc < 1 || strcmp(argv[0], "--help") == 0 ||
	    strcmp(argv[0], "-h") == 0 || strcmp(argv[0], "help") == 0) {
		usage(argc < 1 ? stderr : stdout);
		return argc < 1 ? 2 : 0;
	}
	for (i = 0; i < 5 && cmd == NULL; i++)
		for (t = tables[i]; t->name != NULL; t++)
			if ((used = match(t->name, argc, argv)) > 0) {
				cmd = t;
				break;
			}
	if (cmd == NULL) {
		fprintf(stderr, "omi-admin: unknown command '%s'\n", argv[0]);
		usage(stderr);
		return 2;
	}
	for (k = used; k < argc; k++)
		if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) {
			printf("usage: omi-admin %s %s\n  %s\n", cmd->name,
			    cmd->usage, cmd->help);
			return 0;
		}
	if ((datadir = config_datadir(getenv("OMI_DATA_DIR"),
	    OMI_ADMIN_DATADIR)) == NULL)
		return 1;
	c.datadir = datadir;
	if (become_owner(c.datadir, argc, argv) == -1) {
		free(datadir);
		return 1;
	}
	if (cmd->needs_config && config_load(&c.cfg, c.datadir) == -1) {
		fprintf(stderr, "omi-admin: no configuration in %s (%s); run "
		    "'omi-admin init' first\n", c.datadir, strerror(errno));
		return 1;
	}
	rc = cmd->run(&c, argc - used, argv + used);
	if (rc == 2)
		fprintf(stderr, "usage: omi-admin %s %s\n", cmd->name,
		    cmd->usage);
	config_free(&c.cfg);
	free(datadir);
	return rc;
}
