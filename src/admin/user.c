/*
 * admin-user: omi-admin's account commands: add (hashing the password
 * before the store lock is taken), passwd, del (with all of the user's data
 * and sign-ins), list, rotate-key (a new webhook URL), show and unlock
 * (the sign-in lockout).
 */
#include <errno.h>
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
#include "lib/clock.h"
#include "lib/sec.h"
#include "store/store.h"

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

int
admin_check_uid(const char *uid)
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

	if (argc < 1 || admin_check_uid(argv[0]) == -1)
		return 2;
	if ((pw = ask_password(from_stdin)) == NULL)
		return 1;
	hash = account_hash_password(&c->cfg, pw);	/* slow: before the lock */
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
	if (account_load(s, argv[0], &a) == OMI_OK) {
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
	    account_save(s, &a) != OMI_OK)
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
	enum omi_err err;

	if (admin_check_uid(uid) == -1 || admin_store(c, 1, s) == -1)
		return -1;
	if ((err = account_load(*s, uid, a)) != OMI_OK) {
		fprintf(stderr, "omi-admin: user %s: %s\n", uid,
		    err == OMI_NOTFOUND ? "no such user" : omi_strerror(err));
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
	size_t		 ended = 0;

	if (argc < 1)
		return 2;
	if ((pw = ask_password(argc > 1 && strcmp(argv[1],
	    "--password-stdin") == 0)) == NULL)
		return 1;
	hash = account_hash_password(&c->cfg, pw);
	sodium_memzero(pw, strlen(pw));
	free(pw);
	if (hash == NULL || load_for_change(c, argv[0], &s, &a) == -1) {
		free(hash);
		return 1;
	}
	free(a.pwhash);
	a.pwhash = hash;
	account_login_ok(&a);
	/* A new password is usually a leaked old one: whoever signed in with
	 * it keeps no access through the tokens it got. */
	if (account_save(s, &a) != OMI_OK || oauth_revoke_user(s, argv[0],
	    "password changed", &ended) != OMI_OK) {
		store_close(s);
		account_free(&a);
		return 1;
	}
	account_free(&a);
	if (admin_commit(s) != 0)
		return 1;
	printf("Password changed for %s; %zu sign-in%s ended (ChatGPT asks "
	    "to sign in again)\n", argv[0], ended, ended == 1 ? "" : "s");
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
	    account_save(s, &a) != OMI_OK)
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

/*
 * Everything of the user goes: conversations and their index, sign-ins
 * (a later account of the same uid must not inherit them), login counters
 * and the account. Then the data files are compacted, so that none of it
 * stays readable in GDBM's free space, the journal or the snapshot.
 */
static int
cmd_user_del(struct admin_ctx *c, int argc, char **argv)
{
	struct account	 a;
	struct store	*s;
	enum omi_err	 err;
	size_t		 n = 0;

	if (argc < 1)
		return 2;
	if (load_for_change(c, argv[0], &s, &a) == -1)
		return 1;
	account_free(&a);
	if (index_del_user(s, argv[0], &n) != OMI_OK ||
	    oauth_forget_user(s, argv[0]) != OMI_OK ||
	    oauth_forget_sign_ins(&c->cfg, s, argv[0]) != OMI_OK ||
	    account_delete(s, argv[0]) != OMI_OK) {
		store_close(s);
		fprintf(stderr, "omi-admin: could not delete %s\n", argv[0]);
		return 1;
	}
	if (admin_commit(s) != 0)
		return 1;
	if ((err = store_compact(c->datadir, admin_timeout(c))) != OMI_OK) {
		fprintf(stderr, "omi-admin: deleted user %s, but the data files "
		    "still hold its old data (%s): run omi-admin compact\n",
		    argv[0], omi_strerror(err));
		return 1;
	}
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
	struct index_head	 h;
	size_t			 i;

	(void)argc;
	(void)argv;
	if (admin_store(c, 0, &s) == -1)
		return 1;
	store_foreach(s, "user:", collect_uid, &u);
	qsort(u.v, u.n, sizeof(*u.v), cmp_str);
	for (i = 0; i < u.n; i++) {
		if (index_head_load(s, u.v[i], &h) == OMI_OK) {
			printf("%s\t%zu conversations\n", u.v[i], h.n);
			index_head_free(&h);
		}
		free(u.v[i]);
	}
	free(u.v);
	store_close(s);
	return 0;
}

/* Sign-in lockout ------------------------------------------------------ */

static void
show_time(const char *label, int64_t t)
{
	char stamp[UTC_LEN];

	format_utc(t, ' ', stamp);
	printf("%s%s\n", label, stamp);
}

/* user show UID: the account and its sign-in lockout. */
static int
cmd_user_show(struct admin_ctx *c, int argc, char **argv)
{
	struct account		 a;
	struct index_head	 h;
	struct store		*s;
	enum omi_err		 err;
	int64_t			 now = now_unix();

	if (argc < 1 || admin_check_uid(argv[0]) == -1)
		return 2;
	if (admin_store(c, 0, &s) == -1)
		return 1;
	if ((err = account_load(s, argv[0], &a)) != OMI_OK) {
		fprintf(stderr, "omi-admin: user %s: %s\n", argv[0],
		    err == OMI_NOTFOUND ? "no such user" :
		    omi_strerror(err));
		store_close(s);
		return 1;
	}
	printf("User:              %s\n", a.uid);
	show_time("Created:           ", a.created);
	if (index_head_load(s, argv[0], &h) == OMI_OK) {
		printf("Conversations:     %zu\n", h.n);
		index_head_free(&h);
	}
	store_close(s);
	if (a.fail.count > 0 && now - a.fail.since <= OAUTH_THROTTLE_WINDOW) {
		printf("Failed sign-ins:   %lld since ",
		    (long long)a.fail.count);
		show_time("", a.fail.since);
	} else
		printf("Failed sign-ins:   none in the last %d minutes\n",
		    OAUTH_THROTTLE_WINDOW / 60);
	if (oauth_count_locked(&a.fail, now)) {
		show_time("Locked until:      ", a.fail.until);
		printf("                   (for browsers and addresses that "
		    "failed themselves; clear it with omi-admin user unlock "
		    "%s)\n", a.uid);
	} else
		printf("Locked:            no\n");
	account_free(&a);
	return 0;
}

/* Collects the keys store_foreach() meets. */
static int
collect_key(void *ctx, const char *key)
{
	struct uids	*u = ctx;
	char		**nv;

	if ((nv = reallocarray(u->v, u->n + 1, sizeof(*nv))) == NULL)
		return 1;
	u->v = nv;
	if ((u->v[u->n] = strdup(key)) != NULL)
		u->n++;
	return 0;
}

/*
 * user unlock UID: clears the uid's failure counters and, since address
 * and browser counters are kept only as keyed hashes that cannot be traced
 * to a uid, every address's and browser's too.
 */
static int
cmd_user_unlock(struct admin_ctx *c, int argc, char **argv)
{
	struct account	 a;
	struct store	*s;
	struct uids	 k = { 0 };
	enum omi_err	 err = OMI_OK;
	size_t		 i;

	if (argc < 1)
		return 2;
	if (load_for_change(c, argv[0], &s, &a) == -1)
		return 1;
	account_login_ok(&a);
	if (account_save(s, &a) != OMI_OK ||
	    store_foreach(s, "lfail:", collect_key, &k) != OMI_OK)
		err = OMI_ERROR;
	for (i = 0; i < k.n; i++) {
		if (err == OMI_OK)
			err = store_del(s, k.v[i]);
		free(k.v[i]);
	}
	free(k.v);
	account_free(&a);
	if (err != OMI_OK) {
		store_close(s);
		fprintf(stderr, "omi-admin: could not unlock %s\n", argv[0]);
		return 1;
	}
	if (admin_commit(s) != 0)
		return 1;
	printf("Unlocked %s; cleared the failure counters of %zu address "
	    "and browser bucket%s\n", argv[0], k.n, k.n == 1 ? "" : "s");
	return 0;
}

/* conversations ---------------------------------------------------------- */

const struct admin_cmd admin_user_cmds[] = {
	{ "user add", "UID [--password-stdin]",
	    "create an account and print its webhook URL", 1, cmd_user_add },
	{ "user passwd", "UID [--password-stdin]", "set a new password", 1,
	    cmd_user_passwd },
	{ "user del", "UID", "delete an account and all its data", 1,
	    cmd_user_del },
	{ "user list", "", "list accounts", 1, cmd_user_list },
	{ "user rotate-key", "UID", "issue a new webhook URL", 1,
	    cmd_user_rotate_key },
	{ "user show", "UID", "the account and its sign-in lockout", 1,
	    cmd_user_show },
	{ "user unlock", "UID", "clear the sign-in lockout (the uid's, and "
	    "every address's)", 1, cmd_user_unlock },
	{ NULL, NULL, NULL, 0, NULL }
};
