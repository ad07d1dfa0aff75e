/*
 * omi-admin: manages the site from the host's shell: configuration,
 * accounts, stored conversations and the integrity check. Every command
 * honours OMI_DATA_DIR (default: the project's data/), works through the
 * same store module and locks as the CGI programs, and can run while the
 * site serves requests.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "account.h"
#include "admin.h"
#include "convdb.h"
#include "oauth.h"
#include "sec.h"
#include "store.h"
#include "util.h"

#ifndef OMI_ADMIN_DATADIR
#define OMI_ADMIN_DATADIR "data"
#endif

static const struct admin_cmd *tables[3];

int
admin_store(struct admin_ctx *c, int write, struct store **s)
{
	enum store_err err;

	err = store_open(s, c->datadir, write ? STORE_WRITE : STORE_READ,
	    c->cfg.lock_timeout_ms ? c->cfg.lock_timeout_ms : 10000);
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
	int		 fresh, changed = 0;

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
	/* An explicit BASE_URL wins; otherwise keep what the site has. */
	if ((v = setting(c->datadir, "BASE_URL")) == NULL && cfg.base_url == NULL) {
		port = getenv("PORT");
		struct buf b = { 0 };
		buf_printf(&b, "http://localhost:%s", port && *port ? port : "8000");
		v = buf_take(&b);
	}
	if (v != NULL) {
		while (strlen(v) > 0 && v[strlen(v) - 1] == '/')
			v[strlen(v) - 1] = '\0';
		if (cfg.base_url == NULL || strcmp(cfg.base_url, v) != 0) {
			free(cfg.base_url);
			cfg.base_url = v;
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

/* users ----------------------------------------------------------------- */

/* Reads one line; from the terminal with echo off when prompt is set. */
static char *
read_secret(const char *prompt)
{
	struct termios	 old, quiet;
	char		 line[ACCOUNT_PASSWORD_MAX + 2];
	FILE		*in = stdin;
	int		 tty = 0;

	if (prompt != NULL && (in = fopen("/dev/tty", "r+")) != NULL &&
	    tcgetattr(fileno(in), &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fileno(in), TCSAFLUSH, &quiet);
		fputs(prompt, stderr);
		tty = 1;
	} else if (prompt != NULL) {
		if (in != NULL)
			fclose(in);
		fprintf(stderr, "omi-admin: no terminal; use --password-stdin\n");
		return NULL;
	}
	if (fgets(line, sizeof(line), in) == NULL)
		line[0] = '\0';
	if (tty) {
		tcsetattr(fileno(in), TCSAFLUSH, &old);
		fputc('\n', stderr);
		fclose(in);
	}
	line[strcspn(line, "\r\n")] = '\0';
	return strdup(line);
}

static char *
ask_password(int from_stdin)
{
	char *a, *b;

	if (from_stdin)
		a = read_secret(NULL);
	else {
		if ((a = read_secret("Password: ")) == NULL)
			return NULL;
		if ((b = read_secret("Password (again): ")) == NULL ||
		    strcmp(a, b) != 0) {
			fprintf(stderr, "omi-admin: the passwords differ\n");
			free(a);
			free(b);
			return NULL;
		}
		free(b);
	}
	if (a != NULL && (strlen(a) < 8 || strlen(a) > ACCOUNT_PASSWORD_MAX)) {
		fprintf(stderr, "omi-admin: a password needs 8 to %d "
		    "characters\n", ACCOUNT_PASSWORD_MAX);
		sodium_memzero(a, strlen(a));
		free(a);
		return NULL;
	}
	return a;
}

static int
check_uid(const char *uid)
{
	if (!account_valid_uid(uid)) {
		fprintf(stderr, "omi-admin: '%s' is not a valid OMI user id "
		    "(1-128 of A-Z a-z 0-9 . _ -)\n", uid);
		return -1;
	}
	return 0;
}

static void
print_webhook_url(const struct config *cfg, const char *key)
{
	printf("Webhook URL: %s/chatgpt/webhook/memory?key=%s\n",
	    cfg->base_url, key);
}

static int
cmd_user_add(struct admin_ctx *c, int argc, char **argv)
{
	struct account	 a;
	struct store	*s;
	char		*pw, *hash, key[SEC_TOKEN_LEN + 1];
	int		 from_stdin = argc > 1 && strcmp(argv[1],
			    "--password-stdin") == 0, rc = 1;

	if (argc < 1 || check_uid(argv[0]) == -1)
		return 2;
	if ((pw = ask_password(from_stdin)) == NULL)
		return 1;
	hash = account_hash_password(pw);	/* slow: before the lock */
	sodium_memzero(pw, strlen(pw));
	free(pw);
	if (hash == NULL) {
		fprintf(stderr, "omi-admin: password hashing failed\n");
		return 1;
	}
	if (admin_store(c, 1, &s) == -1) {
		free(hash);
		return 1;
	}
	if (account_load(s, argv[0], &a) == STORE_OK) {
		fprintf(stderr, "omi-admin: user %s exists (use user passwd or "
		    "user rotate-key)\n", argv[0]);
		account_free(&a);
		store_close(s);
		free(hash);
		return 1;
	}
	memset(&a, 0, sizeof(a));
	a.uid = strdup(argv[0]);
	a.pwhash = hash;
	a.created = now_unix();
	if (a.uid == NULL || account_new_webhook_key(&c->cfg, &a, key) == -1 ||
	    account_save(s, &a) != STORE_OK)
		store_close(s);
	else if ((rc = admin_commit(s)) == 0) {
		printf("Created user %s\n", a.uid);
		print_webhook_url(&c->cfg, key);
		printf("Paste it into the OMI app: Settings, Developer Mode, "
		    "Developer Settings, Memory Creation Webhook.\n");
	}
	sodium_memzero(key, sizeof(key));
	account_free(&a);
	return rc;
}

/* Loads an account for a change; prints why when it cannot. */
static int
load_for_change(struct admin_ctx *c, const char *uid, struct store **s,
    struct account *a)
{
	enum store_err err;

	if (check_uid(uid) == -1 || admin_store(c, 1, s) == -1)
		return -1;
	if ((err = account_load(*s, uid, a)) != STORE_OK) {
		fprintf(stderr, "omi-admin: user %s: %s\n", uid,
		    err == STORE_NOTFOUND ? "no such user" : store_strerror(err));
		store_close(*s);
		return -1;
	}
	return 0;
}

static int
cmd_user_passwd(struct admin_ctx *c, int argc, char **argv)
{
	struct account	 a;
	struct store	*s;
	char		*pw, *hash;

	if (argc < 1)
		return 2;
	if ((pw = ask_password(argc > 1 && strcmp(argv[1],
	    "--password-stdin") == 0)) == NULL)
		return 1;
	hash = account_hash_password(pw);
	sodium_memzero(pw, strlen(pw));
	free(pw);
	if (hash == NULL || load_for_change(c, argv[0], &s, &a) == -1) {
		free(hash);
		return 1;
	}
	free(a.pwhash);
	a.pwhash = hash;
	account_login_ok(&a);
	if (account_save(s, &a) != STORE_OK) {
		store_close(s);
		account_free(&a);
		return 1;
	}
	account_free(&a);
	if (admin_commit(s) != 0)
		return 1;
	printf("Password changed for %s\n", argv[0]);
	return 0;
}

static int
cmd_user_rotate_key(struct admin_ctx *c, int argc, char **argv)
{
	struct account	 a;
	struct store	*s;
	char		 key[SEC_TOKEN_LEN + 1];
	int		 rc = 1;

	if (argc < 1)
		return 2;
	if (load_for_change(c, argv[0], &s, &a) == -1)
		return 1;
	if (account_new_webhook_key(&c->cfg, &a, key) == -1 ||
	    account_save(s, &a) != STORE_OK)
		store_close(s);
	else if ((rc = admin_commit(s)) == 0) {
		printf("New webhook key for %s (the old URL stops working)\n",
		    argv[0]);
		print_webhook_url(&c->cfg, key);
	}
	sodium_memzero(key, sizeof(key));
	account_free(&a);
	return rc;
}

static int
cmd_user_del(struct admin_ctx *c, int argc, char **argv)
{
	struct account	 a;
	struct store	*s;
	size_t		 n = 0;

	if (argc < 1)
		return 2;
	if (load_for_change(c, argv[0], &s, &a) == -1)
		return 1;
	account_free(&a);
	/* Its sign-ins go too: a later account of the same uid must not
	 * inherit them. */
	if (convdb_del_user(s, argv[0], &n) != STORE_OK ||
	    oauth_forget_user(s, argv[0]) != STORE_OK ||
	    account_delete(s, argv[0]) != STORE_OK) {
		store_close(s);
		fprintf(stderr, "omi-admin: could not delete %s\n", argv[0]);
		return 1;
	}
	if (admin_commit(s) != 0)
		return 1;
	printf("Deleted user %s and %zu conversations\n", argv[0], n);
	return 0;
}

struct uids {
	char	**v;
	size_t	 n;
};

static int
collect_uid(void *ctx, const char *key)
{
	struct uids	*u = ctx;
	char		**nv;

	if ((nv = reallocarray(u->v, u->n + 1, sizeof(*nv))) == NULL)
		return 1;
	u->v = nv;
	if ((u->v[u->n] = strdup(key + 5)) != NULL)
		u->n++;
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
cmd_user_list(struct admin_ctx *c, int argc, char **argv)
{
	struct uids		 u = { 0 };
	struct store		*s;
	struct convdb_head	 h;
	size_t			 i;

	(void)argc;
	(void)argv;
	if (admin_store(c, 0, &s) == -1)
		return 1;
	store_foreach(s, "user:", collect_uid, &u);
	qsort(u.v, u.n, sizeof(*u.v), cmp_str);
	for (i = 0; i < u.n; i++) {
		if (convdb_head_load(s, u.v[i], &h) == STORE_OK) {
			printf("%s\t%zu conversations\n", u.v[i], h.n);
			convdb_head_free(&h);
		}
		free(u.v[i]);
	}
	free(u.v);
	store_close(s);
	return 0;
}

/* conversations ---------------------------------------------------------- */

static int
cmd_conversations(struct admin_ctx *c, int argc, char **argv)
{
	struct convdb_head	 h;
	struct store		*s;
	json_t			*entries, *e;
	size_t			 i, k;

	if (argc < 1 || check_uid(argv[0]) == -1)
		return 2;
	if (admin_store(c, 0, &s) == -1)
		return 1;
	if (convdb_head_load(s, argv[0], &h) != STORE_OK) {
		store_close(s);
		return 1;
	}
	for (i = 0; i < h.nrefs; i++) {
		if (convdb_page_load(s, argv[0], h.refs[i].page, &entries) !=
		    STORE_OK)
			continue;
		json_array_foreach(entries, k, e)
			printf("%s\t%s\t%s%s\n",
			    json_string_value(json_object_get(e, "id")),
			    json_string_value(json_object_get(e, "created_at")),
			    json_string_value(json_object_get(e, "title")),
			    json_is_true(json_object_get(e, "discarded")) ?
			    "\t(discarded)" : "");
		json_decref(entries);
	}
	printf("%zu conversations (%zu not discarded)\n", h.n, h.visible);
	convdb_head_free(&h);
	store_close(s);
	return 0;
}

static int
cmd_show(struct admin_ctx *c, int argc, char **argv)
{
	struct store	*s;
	enum store_err	 err;
	char		*raw;

	if (argc < 2 || check_uid(argv[0]) == -1)
		return 2;
	if (!valid_ident(argv[1], CONV_ID_MAX)) {
		fprintf(stderr, "omi-admin: invalid conversation id\n");
		return 2;
	}
	if (admin_store(c, 0, &s) == -1)
		return 1;
	err = convdb_get(s, argv[0], argv[1], &raw, NULL);
	store_close(s);
	if (err != STORE_OK) {
		fprintf(stderr, "omi-admin: %s\n", store_strerror(err));
		return 1;
	}
	printf("%s\n", raw);
	free(raw);
	return 0;
}

static int
cmd_export(struct admin_ctx *c, int argc, char **argv)
{
	struct convdb_head	 h;
	struct store		*s;
	json_t			*entries, *e, *out, *list, *doc;
	char			*raw;
	size_t			 i, k;
	int			 rc = 0;

	if (argc < 1 || check_uid(argv[0]) == -1)
		return 2;
	if (admin_store(c, 0, &s) == -1)
		return 1;
	list = json_array();
	out = json_pack("{s:s, s:I, s:o}", "uid", argv[0], "exported_at",
	    (json_int_t)now_unix(), "conversations", list);
	if (convdb_head_load(s, argv[0], &h) != STORE_OK)
		rc = 1;
	for (i = 0; rc == 0 && i < h.nrefs; i++) {
		if (convdb_page_load(s, argv[0], h.refs[i].page, &entries) !=
		    STORE_OK) {
			rc = 1;
			break;
		}
		json_array_foreach(entries, k, e) {
			if (convdb_get(s, argv[0], json_string_value(
			    json_object_get(e, "id")), &raw, NULL) != STORE_OK) {
				rc = 1;
				break;
			}
			doc = json_loads(raw, 0, NULL);
			free(raw);
			if (doc == NULL || json_array_append_new(list, doc)) {
				rc = 1;
				break;
			}
		}
		json_decref(entries);
	}
	store_close(s);
	if (rc == 0 && json_dumpf(out, stdout, JSON_INDENT(2)) == 0)
		putchar('\n');
	else
		fprintf(stderr, "omi-admin: export failed\n");
	json_decref(out);
	if (h.nrefs || h.refs)
		convdb_head_free(&h);
	return rc;
}

/* check ------------------------------------------------------------------ */

struct check {
	struct store	*s;
	size_t		 keys, users, convs, indexed, oauth, problems;
};

static void
problem(struct check *k, const char *what, const char *key)
{
	k->problems++;
	fprintf(stderr, "problem: %s: %s\n", what, key);
}

static int
check_key(void *ctx, const char *key)
{
	struct check	*k = ctx;
	char		*val, *nl;
	size_t		 len;
	json_t		*j;

	k->keys++;
	if (store_get(k->s, key, &val, &len) != STORE_OK) {
		problem(k, "unreadable record", key);
		return 0;
	}
	if (strncmp(key, "conv:", 5) == 0) {
		k->convs++;
		nl = memchr(val, '\n', len);
		j = nl ? json_loadb(nl + 1, len - (size_t)(nl + 1 - val),
		    JSON_REJECT_DUPLICATES, NULL) : NULL;
	} else if (strcmp(key, "meta:schema") == 0) {
		j = json_loads("{}", 0, NULL);
		if (strcmp(val, "1") != 0)
			problem(k, "unknown schema version", val);
	} else {
		if (strncmp(key, "user:", 5) == 0)
			k->users++;
		else if (strncmp(key, "cidx:", 5) != 0 &&
		    strncmp(key, "cpage:", 6) != 0)
			k->oauth++;
		j = json_loadb(val, len, 0, NULL);
	}
	if (j == NULL)
		problem(k, "record does not decode", key);
	json_decref(j);
	free(val);
	return 0;
}

/* Cross-checks one user's index against the conversation records. */
static int
check_user_index(void *ctx, const char *key)
{
	struct check		*k = ctx;
	struct convdb_head	 h;
	const char		*uid = key + 5;
	json_t			*entries, *e;
	size_t			 i, j, n = 0, vis = 0;
	char			*raw;

	if (convdb_head_load(k->s, uid, &h) != STORE_OK) {
		problem(k, "index head does not decode", uid);
		return 0;
	}
	for (i = 0; i < h.nrefs; i++) {
		if (convdb_page_load(k->s, uid, h.refs[i].page, &entries) !=
		    STORE_OK) {
			problem(k, "index page missing", uid);
			continue;
		}
		if (json_array_size(entries) != h.refs[i].n)
			problem(k, "index page count differs", uid);
		json_array_foreach(entries, j, e) {
			n++;
			if (!json_is_true(json_object_get(e, "discarded")))
				vis++;
			if (convdb_get(k->s, uid, json_string_value(
			    json_object_get(e, "id")), &raw, NULL) != STORE_OK)
				problem(k, "indexed conversation missing", uid);
			else
				free(raw);
		}
		json_decref(entries);
	}
	if (n != h.n || vis != h.visible)
		problem(k, "index totals differ from its pages", uid);
	k->indexed += n;
	convdb_head_free(&h);
	return 0;
}

static int
cmd_check(struct admin_ctx *c, int argc, char **argv)
{
	struct check	 k = { 0 };
	enum store_err	 err;

	(void)argc;
	(void)argv;
	if (admin_store(c, 0, &k.s) == -1)
		return 1;
	if ((err = store_foreach(k.s, "", check_key, &k)) != STORE_OK)
		problem(&k, "iteration failed", store_strerror(err));
	if ((err = store_foreach(k.s, "cidx:", check_user_index, &k)) !=
	    STORE_OK)
		problem(&k, "iteration failed", store_strerror(err));
	store_close(k.s);
	if (k.indexed != k.convs)
		problem(&k, "conversations outside any index", "(count)");
	printf("records: %zu\nusers: %zu\nconversations: %zu\n"
	    "oauth records: %zu\nproblems: %zu\n", k.keys, k.users, k.convs,
	    k.oauth, k.problems);
	return k.problems ? 1 : 0;
}

const struct admin_cmd admin_core_cmds[] = {
	{ "init", "", "create the data directory and configuration (idempotent)",
	    0, cmd_init },
	{ "config", "", "print the values for the GPT editor", 1, cmd_config },
	{ "user add", "UID [--password-stdin]",
	    "create an account and print its webhook URL", 1, cmd_user_add },
	{ "user passwd", "UID [--password-stdin]", "set a new password", 1,
	    cmd_user_passwd },
	{ "user del", "UID", "delete an account and all its data", 1,
	    cmd_user_del },
	{ "user list", "", "list accounts", 1, cmd_user_list },
	{ "user rotate-key", "UID", "issue a new webhook URL", 1,
	    cmd_user_rotate_key },
	{ "conversations", "UID", "list a user's conversations", 1,
	    cmd_conversations },
	{ "show", "UID ID", "print one conversation as JSON", 1, cmd_show },
	{ "export", "UID", "print all of a user's conversations as JSON", 1,
	    cmd_export },
	{ "check", "", "verify the data file and its indexes", 1, cmd_check },
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
	for (i = 0; i < 3; i++)
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

int
main(int argc, char **argv)
{
	const struct admin_cmd	*t, *cmd = NULL;
	struct admin_ctx	 c;
	size_t			 i;
	char			*datadir;
	int			 used = 0, rc, k;

	tables[0] = admin_core_cmds;
	tables[1] = admin_oauth_cmds;
	tables[2] = admin_api_cmds;
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
	for (i = 0; i < 3 && cmd == NULL; i++)
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
