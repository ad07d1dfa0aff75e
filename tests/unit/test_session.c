/*
 * test_session: the conversation pages' sealed sign-in cookie (auth/session):
 * a sealed cookie opens to what went in; a tampered, truncated, expired or
 * foreign (another server key) one does not; and a sign-in ends with a new
 * password, a revoke (its epoch) and a deleted and re-added account.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/account.h"
#include "auth/oauth.h"
#include "auth/session.h"
#include "lib/config.h"
#include "lib/sec.h"
#include "unit.h"

static char tmpdir[] = "/tmp/omi-unit-session.XXXXXX";

static void
site(struct config *c)
{
	config_defaults(c);
	c->datadir = strdup(tmpdir);
	c->client_id = strdup("client-1");
	c->client_secret = strdup("secret-1");
	c->base_url = strdup("https://omi.example");
	sec_random(c->key, sizeof(c->key));
}

static void
test_seal_open(void)
{
	struct config	 c, other;
	unsigned char	 bind[SESSION_BIND_LEN], got[SESSION_BIND_LEN];
	char		 ck[SESSION_COOKIE_MAX], bad[SESSION_COOKIE_MAX];
	char		 uid[ACCOUNT_UID_MAX + 1], longuid[ACCOUNT_UID_MAX + 2];
	size_t		 i, n;
	int		 ok;

	site(&c);
	site(&other);
	for (i = 0; i < sizeof(bind); i++)
		bind[i] = (unsigned char)i;
	CHECK(session_seal(&c, "alice", bind, 1000, ck) == 0);
	CHECK(session_open(&c, ck, 999, uid, got) == OMI_OK &&
	    strcmp(uid, "alice") == 0 && memcmp(got, bind, sizeof(bind)) == 0);
	/* Expired: at and after its expiry. */
	CHECK(session_open(&c, ck, 1000, uid, got) == OMI_NOTFOUND &&
	    uid[0] == '\0');
	CHECK(session_open(&c, ck, 5000, uid, got) == OMI_NOTFOUND);
	/* Another server's key. */
	CHECK(session_open(&other, ck, 999, uid, got) == OMI_NOTFOUND);
	/* Every character changed in turn, and every truncation. */
	n = strlen(ck);
	ok = 1;
	for (i = 0; i < n; i++) {
		snprintf(bad, sizeof(bad), "%s", ck);
		bad[i] = bad[i] == 'A' ? 'B' : 'A';
		if (session_open(&c, bad, 999, uid, got) != OMI_NOTFOUND)
			ok = 0;
		snprintf(bad, sizeof(bad), "%.*s", (int)i, ck);
		if (session_open(&c, bad, 999, uid, got) != OMI_NOTFOUND)
			ok = 0;
	}
	CHECK(ok);
	/* Not base64url, too long, absent. */
	CHECK(session_open(&c, "a+b/c=", 999, uid, got) == OMI_NOTFOUND);
	memset(bad, 'A', sizeof(bad) - 1);
	bad[sizeof(bad) - 1] = '\0';
	CHECK(session_open(&c, bad, 999, uid, got) == OMI_NOTFOUND);
	CHECK(session_open(&c, NULL, 999, uid, got) == OMI_NOTFOUND);
	/* The longest uid fits; an invalid one is not sealed. */
	memset(longuid, 'u', ACCOUNT_UID_MAX);
	longuid[ACCOUNT_UID_MAX] = '\0';
	CHECK(session_seal(&c, longuid, bind, 1000, ck) == 0 &&
	    strlen(ck) < SESSION_COOKIE_MAX);
	CHECK(session_open(&c, ck, 999, uid, got) == OMI_OK &&
	    strcmp(uid, longuid) == 0);
	longuid[ACCOUNT_UID_MAX] = 'u';
	longuid[ACCOUNT_UID_MAX + 1] = '\0';
	CHECK(session_seal(&c, longuid, bind, 1000, ck) == -1);
	CHECK(session_seal(&c, "a/b", bind, 1000, ck) == -1);
	config_free(&c);
	config_free(&other);
}

static void
put_account(const struct config *c, const char *pwhash, int64_t created)
{
	struct account	 a = { 0 };
	struct store	*s = NULL;

	a.uid = "alice";
	a.pwhash = (char *)pwhash;
	a.webhook_key = "00";
	a.created = created;
	CHECK(store_open(&s, c->datadir, STORE_WRITE, 2000) == OMI_OK);
	CHECK(account_save(s, &a) == OMI_OK && store_commit(s) == OMI_OK);
	store_close(s);
}

static enum omi_err
check(const struct config *c, const char *ck, int64_t now)
{
	struct store	*s = NULL;
	char		 uid[ACCOUNT_UID_MAX + 1];
	enum omi_err	 err;

	CHECK(store_open(&s, c->datadir, STORE_READ, 2000) == OMI_OK);
	err = session_check(c, s, ck, now, uid);
	CHECK(err == OMI_OK ? strcmp(uid, "alice") == 0 : uid[0] == '\0');
	store_close(s);
	return err;
}

static void
issue(const struct config *c, int64_t now, char *ck)
{
	struct store *s = NULL;

	CHECK(store_open(&s, c->datadir, STORE_READ, 2000) == OMI_OK);
	CHECK(session_issue(c, s, "alice", now, ck) == OMI_OK);
	CHECK(session_issue(c, s, "bob", now, ck + SESSION_COOKIE_MAX / 2) ==
	    OMI_NOTFOUND);
	store_close(s);
}

static void
test_generation(void)
{
	struct config	 c;
	struct store	*s = NULL;
	char		 ck[2 * SESSION_COOKIE_MAX], ck2[2 * SESSION_COOKIE_MAX];
	size_t		 n;

	CHECK(mkdtemp(tmpdir) != NULL);
	site(&c);
	put_account(&c, "$y$one", 100);
	issue(&c, 1000, ck);
	CHECK(check(&c, ck, 1001) == OMI_OK);
	CHECK(check(&c, ck, 1000 + SESSION_TTL) == OMI_NOTFOUND);
	/* Failed sign-ins rewrite the record: no effect. */
	put_account(&c, "$y$one", 100);
	CHECK(check(&c, ck, 1001) == OMI_OK);
	/* A revoke (omi-admin revoke, user passwd) raises the epoch. */
	CHECK(store_open(&s, c.datadir, STORE_WRITE, 2000) == OMI_OK);
	CHECK(oauth_revoke_user(s, "alice", "test", &n) == OMI_OK && n == 0);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	CHECK(check(&c, ck, 1001) == OMI_NOTFOUND);
	issue(&c, 1000, ck);
	CHECK(check(&c, ck, 1001) == OMI_OK);
	/* A new password. */
	put_account(&c, "$y$two", 100);
	CHECK(check(&c, ck, 1001) == OMI_NOTFOUND);
	issue(&c, 1000, ck);
	/* Deleted and re-added with the same password hash and epoch gone. */
	CHECK(store_open(&s, c.datadir, STORE_WRITE, 2000) == OMI_OK);
	CHECK(oauth_forget_user(s, "alice") == OMI_OK &&
	    account_delete(s, "alice") == OMI_OK && store_commit(s) == OMI_OK);
	store_close(s);
	CHECK(check(&c, ck, 1001) == OMI_NOTFOUND);
	put_account(&c, "$y$two", 200);
	CHECK(check(&c, ck, 1001) == OMI_NOTFOUND);
	issue(&c, 1000, ck2);
	CHECK(check(&c, ck2, 1001) == OMI_OK);
	/* A cookie for an account that is gone, and garbage. */
	CHECK(check(&c, "x", 1001) == OMI_NOTFOUND);
	CHECK(check(&c, NULL, 1001) == OMI_NOTFOUND);
	config_free(&c);
	unit_rmtree(tmpdir);
}

int
main(void)
{
	if (sec_init() == -1)
		return 1;
	test_seal_open();
	test_generation();
	return unit_done("test_session");
}
