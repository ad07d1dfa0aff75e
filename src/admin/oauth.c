/*
 * admin-oauth: the OAuth commands of omi-admin: list and revoke a user's
 * sign-ins, purge expired records, and manage the configured client
 * (ChatGPT): show it, rotate its secret, add or remove redirect URI
 * patterns, clear the GPT it is pinned to; list and remove the clients
 * that registered themselves (MCP clients, RFC 7591).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "admin/admin.h"
#include "auth/account.h"
#include "auth/oauth.h"
#include "lib/clock.h"
#include "lib/sec.h"
#include "store/store.h"

static void
fmt_time(char *out, size_t n, int64_t t)
{
	char	 stamp[UTC_LEN];

	if (t == 0)
		snprintf(out, n, "-");
	else {
		format_utc(t, ' ', stamp);
		snprintf(out, n, "%s", stamp);
	}
}

struct listing {
	size_t		 active, revoked;
	int64_t		 now;
	const char	*cid;	/* the configured client's id */
};

static void
print_grant(void *ctx, const struct oauth_grant_info *g)
{
	struct listing	*l = ctx;
	char		 created[32], used[32], until[32];

	fmt_time(created, sizeof(created), g->created);
	fmt_time(used, sizeof(used), g->used);
	if (g->revoked) {
		l->revoked++;
		fmt_time(until, sizeof(until), g->revoked);
		printf("%s  %s  created %s  REVOKED %s (%s)\n", g->gid,
		    g->scope, created, until, g->reason);
		return;
	}
	fmt_time(until, sizeof(until), g->exp);
	if (g->exp < l->now) {
		printf("%s  %s  created %s  EXPIRED %s\n", g->gid, g->scope,
		    created, until);
		return;
	}
	l->active++;
	/* A registered (MCP) client is named; the GPT's lines stay as they
	 * were. */
	printf("%s  %s  created %s  last refresh %s  signed in until %s  "
	    "%zu live access token%s%s%s\n", g->gid, g->scope, created, used,
	    until, g->live_access, g->live_access == 1 ? "" : "s",
	    l->cid == NULL || strcmp(g->client_id, l->cid) != 0 ?
	    "  client " : "", l->cid == NULL || strcmp(g->client_id,
	    l->cid) != 0 ? g->client_id : "");
}

static int
cmd_tokens(struct admin_ctx *c, int argc, char **argv)
{
	struct listing	 l = { 0, 0, now_unix(), c->cfg.client_id };
	struct store	*s;
	enum omi_err	 err;

	if (argc < 1 || !account_valid_uid(argv[0]))
		return 2;
	if (admin_store(c, 0, &s) == -1)
		return 1;
	err = oauth_grants_list(s, argv[0], print_grant, &l);
	store_close(s);
	if (err != OMI_OK) {
		fprintf(stderr, "omi-admin: %s\n", omi_strerror(err));
		return 1;
	}
	printf("%zu active, %zu revoked sign-in%s for %s\n", l.active,
	    l.revoked, l.active + l.revoked == 1 ? "" : "s", argv[0]);
	return 0;
}

static int
cmd_revoke(struct admin_ctx *c, int argc, char **argv)
{
	struct store	*s;
	enum omi_err	 err;
	size_t		 n = 0;

	if (argc < 1 || !account_valid_uid(argv[0]))
		return 2;
	if (admin_store(c, 1, &s) == -1)
		return 1;
	if ((err = oauth_revoke_user(s, argv[0], "revoked by the "
	    "administrator", &n)) != OMI_OK) {
		store_close(s);
		fprintf(stderr, "omi-admin: %s\n", omi_strerror(err));
		return 1;
	}
	if (admin_commit(s) != 0)
		return 1;
	printf("Revoked %zu sign-in%s of %s; its tokens no longer work\n", n,
	    n == 1 ? "" : "s", argv[0]);
	return 0;
}

static int
cmd_gc(struct admin_ctx *c, int argc, char **argv)
{
	struct oauth_gc_stats	 st;
	struct store		*s;
	enum omi_err		 err;

	(void)argc;
	(void)argv;
	if (admin_store(c, 1, &s) == -1)
		return 1;
	if ((err = oauth_gc(s, now_unix(), &st)) != OMI_OK) {
		store_close(s);
		fprintf(stderr, "omi-admin: gc: %s\n", omi_strerror(err));
		return 1;
	}
	if (admin_commit(s) != 0)
		return 1;
	printf("Examined %zu OAuth records, removed %zu expired\n", st.scanned,
	    st.removed);
	return 0;
}

static int
cmd_client_show(struct admin_ctx *c, int argc, char **argv)
{
	struct oauth_pin	 pin;
	struct store		*s;
	enum omi_err		 err;
	char			 when[32];
	size_t			 i;

	(void)argc;
	(void)argv;
	printf("Client name: %s\nClient ID: %s\nRedirect URI patterns:\n",
	    c->cfg.client_name, c->cfg.client_id);
	for (i = 0; i < c->cfg.nredirect; i++)
		printf("  %s\n", c->cfg.redirect_uris[i]);
	printf("Code lifetime: %llds, access token: %llds, refresh token idle "
	    "expiry: %llds\n", (long long)c->cfg.code_ttl,
	    (long long)c->cfg.access_ttl, (long long)c->cfg.refresh_idle);
	if (admin_store(c, 0, &s) == -1)
		return 1;
	err = oauth_pin_get(&c->cfg, s, &pin);
	store_close(s);
	if (err == OMI_NOTFOUND)
		printf("Pinned GPT: none yet (the first sign-in's token "
		    "exchange pins its GPT)\n");
	else if (err != OMI_OK) {
		fprintf(stderr, "omi-admin: %s\n", omi_strerror(err));
		return 1;
	} else {
		fmt_time(when, sizeof(when), pin.set);
		printf("Pinned GPT: %s (since %s, by %s)\n", pin.gpt, when,
		    pin.uri);
	}
	return 0;
}

struct client_listing {
	size_t	 n;
};

static void
print_client(void *ctx, const char *id, const struct oauth_client *cl)
{
	struct client_listing	*l = ctx;
	char			 created[32], used[32], until[32];
	size_t			 i;

	l->n++;
	fmt_time(created, sizeof(created), cl->created);
	fmt_time(used, sizeof(used), cl->used);
	fmt_time(until, sizeof(until), cl->exp);
	/* The name is the client's own choice: shown, never trusted. */
	printf("%s  %s  (%s)  registered %s  last used %s  expires %s\n", id,
	    cl->name ? cl->name : "(no name)", strcmp(cl->auth, "none") == 0 ?
	    "public" : "confidential", created, used, until);
	for (i = 0; i < cl->nuris; i++)
		printf("  %s\n", cl->uris[i]);
}

static int
cmd_client_list(struct admin_ctx *c, int argc, char **argv)
{
	struct client_listing	 l = { 0 };
	struct store		*s;
	enum omi_err		 err;

	(void)argc;
	(void)argv;
	if (admin_store(c, 0, &s) == -1)
		return 1;
	err = oauth_clients_list(s, now_unix(), print_client, &l);
	store_close(s);
	if (err != OMI_OK) {
		fprintf(stderr, "omi-admin: %s\n", omi_strerror(err));
		return 1;
	}
	printf("%zu registered client%s (the configured one: client show)\n",
	    l.n, l.n == 1 ? "" : "s");
	return 0;
}

static int
cmd_client_remove(struct admin_ctx *c, int argc, char **argv)
{
	struct store	*s;
	enum omi_err	 err;
	size_t		 n = 0;

	if (argc < 1)
		return 2;
	if (!oauth_dcr_id_shaped(argv[0])) {
		fprintf(stderr, "omi-admin: %s is not a registered client's "
		    "id (see client list; the configured client cannot be "
		    "removed)\n", argv[0]);
		return 1;
	}
	if (admin_store(c, 1, &s) == -1)
		return 1;
	if ((err = oauth_client_remove(s, argv[0], now_unix(), &n)) !=
	    OMI_OK) {
		store_close(s);
		if (err == OMI_NOTFOUND)
			fprintf(stderr, "omi-admin: no registered client %s\n",
			    argv[0]);
		else
			fprintf(stderr, "omi-admin: %s\n", omi_strerror(err));
		return 1;
	}
	if (admin_commit(s) != 0)
		return 1;
	printf("Removed client %s and revoked its %zu sign-in%s\n", argv[0],
	    n, n == 1 ? "" : "s");
	return 0;
}

static int
cmd_client_reset_redirect(struct admin_ctx *c, int argc, char **argv)
{
	struct oauth_pin	 pin;
	struct store		*s;
	enum omi_err		 err;

	(void)argc;
	(void)argv;
	if (admin_store(c, 1, &s) == -1)
		return 1;
	if ((err = oauth_pin_get(&c->cfg, s, &pin)) == OMI_NOTFOUND)
		pin.gpt[0] = '\0';
	else if (err != OMI_OK && err != OMI_CORRUPT) {
		store_close(s);
		fprintf(stderr, "omi-admin: %s\n", omi_strerror(err));
		return 1;
	}
	if ((err = oauth_pin_reset(s)) != OMI_OK) {
		store_close(s);
		fprintf(stderr, "omi-admin: %s\n", omi_strerror(err));
		return 1;
	}
	if (admin_commit(s) != 0)
		return 1;
	if (pin.gpt[0] == '\0')
		printf("No GPT was pinned\n");
	else
		printf("Unpinned GPT %s: the next GPT whose sign-in completes "
		    "is pinned instead.\nExisting sign-ins stay valid; use "
		    "'omi-admin revoke UID' to end them.\n", pin.gpt);
	return 0;
}

static int
save(struct admin_ctx *c)
{
	if (config_save(&c->cfg) == -1) {
		fprintf(stderr, "omi-admin: cannot write %s/config.json\n",
		    c->datadir);
		return 1;
	}
	return 0;
}

static int
cmd_client_rotate(struct admin_ctx *c, int argc, char **argv)
{
	char tok[SEC_TOKEN_LEN + 1], *old = c->cfg.client_secret;

	(void)argc;
	(void)argv;
	sec_token(tok);
	if ((c->cfg.client_secret = strdup(tok)) == NULL) {
		c->cfg.client_secret = old;
		return 1;
	}
	sodium_memzero(old, strlen(old));
	free(old);
	if (save(c) != 0)
		return 1;
	printf("New client secret: %s\n", tok);
	printf("Paste it into the GPT editor (Authentication, OAuth, Client "
	    "Secret) now:\nthe old secret stops working at once. Existing "
	    "sign-ins stay valid;\nuse 'omi-admin revoke UID' to end them.\n");
	sodium_memzero(tok, sizeof(tok));
	return 0;
}

static int
cmd_client_add_redirect(struct admin_ctx *c, int argc, char **argv)
{
	size_t i;

	if (argc < 1)
		return 2;
	if (!oauth_redirect_pattern_ok(argv[0])) {
		fprintf(stderr, "omi-admin: '%s' is not an acceptable redirect "
		    "URI pattern: it must be an absolute https URL (http only "
		    "for localhost) with a path, no fragment or user info, and "
		    "'*' only after the host, twice at most\n", argv[0]);
		return 1;
	}
	for (i = 0; i < c->cfg.nredirect; i++)
		if (strcmp(c->cfg.redirect_uris[i], argv[0]) == 0) {
			printf("Already registered: %s\n", argv[0]);
			return 0;
		}
	if (config_add_redirect(&c->cfg, argv[0]) == -1 || save(c) != 0)
		return 1;
	printf("Registered redirect URI pattern %s\n", argv[0]);
	return 0;
}

static int
cmd_client_remove_redirect(struct admin_ctx *c, int argc, char **argv)
{
	size_t i;

	if (argc < 1)
		return 2;
	for (i = 0; i < c->cfg.nredirect; i++)
		if (strcmp(c->cfg.redirect_uris[i], argv[0]) == 0)
			break;
	if (i == c->cfg.nredirect) {
		fprintf(stderr, "omi-admin: %s is not registered\n", argv[0]);
		return 1;
	}
	free(c->cfg.redirect_uris[i]);
	memmove(&c->cfg.redirect_uris[i], &c->cfg.redirect_uris[i + 1],
	    (c->cfg.nredirect - i - 1) * sizeof(*c->cfg.redirect_uris));
	c->cfg.nredirect--;
	if (save(c) != 0)
		return 1;
	printf("Removed redirect URI pattern %s\n", argv[0]);
	return 0;
}

const struct admin_cmd admin_oauth_cmds[] = {
	{ "tokens", "UID", "list a user's ChatGPT sign-ins (grants)", 1,
	    cmd_tokens },
	{ "revoke", "UID", "sign a user out everywhere (revoke all tokens)", 1,
	    cmd_revoke },
	{ "gc", "", "purge expired codes, tokens and sign-in requests", 1,
	    cmd_gc },
	{ "client show", "", "print the OAuth client, its redirect URIs and "
	    "pinned GPT", 1, cmd_client_show },
	{ "client rotate-secret", "", "issue a new client secret", 1,
	    cmd_client_rotate },
	{ "client add-redirect", "PATTERN",
	    "allow another redirect URI ('*' = one GPT id)", 1,
	    cmd_client_add_redirect },
	{ "client remove-redirect", "PATTERN", "remove a redirect URI pattern",
	    1, cmd_client_remove_redirect },
	{ "client reset-redirect", "", "unpin the GPT (for a new GPT: the "
	    "next sign-in pins it)", 1, cmd_client_reset_redirect },
	{ "client list", "", "list the clients that registered themselves "
	    "(MCP)", 1, cmd_client_list },
	{ "client remove", "ID", "remove a registered client and end its "
	    "sign-ins", 1, cmd_client_remove },
	{ NULL, NULL, NULL, 0, NULL }
};
