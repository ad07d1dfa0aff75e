/*
 * test_oauth_rec: the OAuth record codec (oauth-rec.c, oauth-rec-grant.c)
 * against a real store: every kind survives a save and a load, loads
 * reject duplicate members, members of the wrong type and values that are
 * no object, and records as earlier versions wrote them still load. Saves
 * are compared byte for byte with what earlier versions wrote, so a data
 * directory can go back and forth.
 */
#include <string.h>
#include <unistd.h>

#include "unit.h"

#include "auth/oauth-rec.h"
#include "store/store.h"

static char dir[] = "/tmp/omi-test-oauth-rec.XXXXXX";

static struct store *
open_s(enum store_mode m)
{
	struct store *s = NULL;

	CHECK(store_open(&s, dir, m, 2000) == OMI_OK);
	return s;
}

/* Stores raw text under key, committed. */
static void
put_raw(const char *key, const char *text)
{
	struct store *s = open_s(STORE_WRITE);

	CHECK(store_put(s, key, text, strlen(text)) == OMI_OK);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
}

/* 1 when the stored text under key is want. */
static int
raw_is(const char *key, const char *want)
{
	struct store	*s = open_s(STORE_READ);
	char		*v = NULL;
	size_t		 len;
	int		 ok;

	ok = store_get(s, key, &v, &len) == OMI_OK && strcmp(v, want) == 0;
	if (!ok)
		fprintf(stderr, "%s: %s, want %s\n", key, v ? v : "(none)",
		    want);
	free(v);
	store_close(s);
	return ok;
}

static void
test_round_trip(void)
{
	struct store		*s = open_s(STORE_WRITE);
	struct oauth_code_rec	 c = { 0 }, c2;
	struct oauth_at_rec	 a = { 0 }, a2;
	struct oauth_rt_rec	 r = { 0 }, r2;
	struct oauth_spent_rec	 sp = { 0 }, sp2;
	struct oauth_pin_rec	 p = { 0 }, p2;
	struct oauth_grant_rec	 g, g2;

	c.cid = "client";
	c.ruri = "https://chatgpt.com/aip/g-1/oauth/callback";
	c.scope = "read:memories";
	c.uid = "alice";
	c.cc = "challenge";
	c.ccm = "S256";
	c.exp = 1700000600;
	CHECK(oauth_code_save(s, "code:1", &c) == OMI_OK);
	a.gid = "g1";
	a.uid = "alice";
	a.scope = "read:memories";
	a.exp = 1700003600;
	CHECK(oauth_at_save(s, "at:1", &a) == OMI_OK);
	r.gid = "g1";
	r.exp = 1707776000;
	r.h = "abcdef";
	CHECK(oauth_rt_save(s, "rt:1", &r) == OMI_OK);
	sp.exp = 1700000600;
	CHECK(oauth_spent_save(s, "spent:1", &sp) == OMI_OK);
	p.cid = "client";
	p.gpt = "g-1";
	p.uri = "https://chatgpt.com/aip/g-1/oauth/callback";
	p.set = 1700000000;
	CHECK(oauth_pin_save(s, "client:pin", &p) == OMI_OK);
	memset(&g, 0, sizeof(g));
	g.uid = "alice";
	g.cid = "client";
	g.scope = "read:memories";
	g.created = 1700000000;
	g.used = 1700000100;
	g.exp = 1707776100;
	memset(g.rt, 'f', SEC_HASH_HEX);
	CHECK(oauth_grant_at_add(&g, "aa", 1700003600) == OMI_OK);
	CHECK(oauth_grant_at_add(&g, "bb", 1700003700) == OMI_OK);
	CHECK(oauth_grant_at_add(&g, "cc", 1700003800) == OMI_OK);
	oauth_grant_at_del(&g, 1);
	CHECK(oauth_grant_save(s, "grant:g1", &g) == OMI_OK);
	oauth_grant_free(&g);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);

	s = open_s(STORE_READ);
	CHECK(oauth_code_load(s, "code:1", &c2) == OMI_OK);
	CHECK(strcmp(c2.cid, "client") == 0 && strcmp(c2.uid, "alice") == 0 &&
	    strcmp(c2.ruri, c.ruri) == 0 && strcmp(c2.scope, c.scope) == 0 &&
	    strcmp(c2.cc, "challenge") == 0 && strcmp(c2.ccm, "S256") == 0 &&
	    c2.exp == c.exp && c2.used == 0 && c2.gid == NULL);
	oauth_code_free(&c2);
	CHECK(c2.doc == NULL && c2.cid == NULL);
	CHECK(oauth_at_load(s, "at:1", &a2) == OMI_OK);
	CHECK(strcmp(a2.gid, "g1") == 0 && strcmp(a2.uid, "alice") == 0 &&
	    strcmp(a2.scope, a.scope) == 0 && a2.exp == a.exp);
	oauth_at_free(&a2);
	CHECK(oauth_rt_load(s, "rt:1", &r2) == OMI_OK);
	CHECK(strcmp(r2.gid, "g1") == 0 && r2.exp == r.exp &&
	    strcmp(r2.h, "abcdef") == 0 && r2.rotated == 0);
	oauth_rt_free(&r2);
	CHECK(oauth_spent_load(s, "spent:1", &sp2) == OMI_OK &&
	    sp2.exp == sp.exp);
	oauth_spent_free(&sp2);
	CHECK(oauth_pin_load(s, "client:pin", &p2) == OMI_OK);
	CHECK(strcmp(p2.cid, "client") == 0 && strcmp(p2.gpt, "g-1") == 0 &&
	    strcmp(p2.uri, p.uri) == 0 && p2.set == p.set);
	oauth_pin_free(&p2);
	CHECK(oauth_grant_load(s, "grant:g1", &g2) == OMI_OK);
	CHECK(strcmp(g2.uid, "alice") == 0 && strcmp(g2.cid, "client") == 0 &&
	    g2.created == 1700000000 && g2.used == 1700000100 &&
	    g2.exp == 1707776100 && g2.revoked == 0 && g2.reason == NULL &&
	    strlen(g2.rt) == SEC_HASH_HEX && g2.nats == 2 &&
	    strcmp(g2.ats[0].h, "aa") == 0 && g2.ats[0].exp == 1700003600 &&
	    strcmp(g2.ats[1].h, "cc") == 0 && g2.ats[1].exp == 1700003800);
	oauth_grant_free(&g2);
	CHECK(oauth_at_load(s, "at:none", &a2) == OMI_NOTFOUND &&
	    a2.doc == NULL);
	store_close(s);

	/* The bytes earlier versions wrote (json_pack in this order). */
	CHECK(raw_is("at:1", "{\"gid\":\"g1\",\"uid\":\"alice\",\"scope\":"
	    "\"read:memories\",\"exp\":1700003600}"));
	CHECK(raw_is("rt:1", "{\"gid\":\"g1\",\"exp\":1707776000,\"h\":"
	    "\"abcdef\"}"));
	CHECK(raw_is("spent:1", "{\"exp\":1700000600}"));
	CHECK(raw_is("client:pin", "{\"cid\":\"client\",\"gpt\":\"g-1\","
	    "\"uri\":\"https://chatgpt.com/aip/g-1/oauth/callback\","
	    "\"set\":1700000000}"));
}

/* A revoked grant keeps no tokens and says when and why. */
static void
test_grant_revoked(void)
{
	struct store		*s = open_s(STORE_WRITE);
	struct oauth_grant_rec	 g;

	memset(&g, 0, sizeof(g));
	g.uid = "bob";
	g.cid = "client";
	g.scope = "read:memories";
	g.created = 5;
	g.used = 6;
	g.exp = 7;
	g.revoked = 8;
	g.reason = "revoked by the administrator";
	CHECK(oauth_grant_save(s, "grant:g2", &g) == OMI_OK);
	CHECK(store_commit(s) == OMI_OK);
	store_close(s);
	CHECK(raw_is("grant:g2", "{\"uid\":\"bob\",\"cid\":\"client\","
	    "\"scope\":\"read:memories\",\"created\":5,\"used\":6,\"exp\":7,"
	    "\"revoked\":8,\"reason\":\"revoked by the administrator\"}"));
	s = open_s(STORE_READ);
	CHECK(oauth_grant_load(s, "grant:g2", &g) == OMI_OK);
	CHECK(g.revoked == 8 && strcmp(g.reason, "revoked by the "
	    "administrator") == 0 && g.nats == 0 && g.ats == NULL &&
	    g.rt[0] == '\0');
	oauth_grant_free(&g);
	store_close(s);
}

enum kind { CODE, AT, RT, SPENT, PIN, BUCKET, OLDFAIL, GRANT, UGRANTS };

/* Loads key as kind and frees it; the load's result. */
static enum omi_err
load_as(enum kind k, const char *key)
{
	struct store			*s = open_s(STORE_READ);
	struct oauth_code_rec		 c;
	struct oauth_at_rec		 a;
	struct oauth_rt_rec		 r;
	struct oauth_spent_rec		 sp;
	struct oauth_pin_rec		 p;
	struct oauth_bucket_rec		 b;
	struct oauth_oldfail_rec	 of;
	struct oauth_grant_rec		 g;
	json_t				*list = NULL;
	enum omi_err			 err = OMI_ERROR;

	switch (k) {
	case CODE:
		err = oauth_code_load(s, key, &c);
		oauth_code_free(&c);
		break;
	case AT:
		err = oauth_at_load(s, key, &a);
		oauth_at_free(&a);
		break;
	case RT:
		err = oauth_rt_load(s, key, &r);
		oauth_rt_free(&r);
		break;
	case SPENT:
		err = oauth_spent_load(s, key, &sp);
		oauth_spent_free(&sp);
		break;
	case PIN:
		err = oauth_pin_load(s, key, &p);
		oauth_pin_free(&p);
		break;
	case BUCKET:
		err = oauth_bucket_load(s, key, &b);
		oauth_bucket_free(&b);
		break;
	case OLDFAIL:
		err = oauth_oldfail_load(s, key, &of);
		oauth_oldfail_free(&of);
		break;
	case GRANT:
		err = oauth_grant_load(s, key, &g);
		CHECK(err == OMI_OK || (g.doc == NULL && g.ats == NULL));
		oauth_grant_free(&g);
		break;
	case UGRANTS:
		err = oauth_ugrants_load(s, key, &list);
		CHECK(err == OMI_OK || list == NULL);
		json_decref(list);
		break;
	}
	store_close(s);
	return err;
}

/* Malformed records are OMI_CORRUPT; records as earlier versions wrote
 * them (fewer members, members since dropped) load. */
static void
test_shapes(void)
{
	static const struct {
		enum kind	 kind;
		const char	*text;
		enum omi_err	 want;
	} t[] = {
		/* duplicate members */
		{ AT, "{\"gid\":\"g1\",\"gid\":\"g2\",\"exp\":1}",
		    OMI_CORRUPT },
		{ GRANT, "{\"uid\":\"a\",\"uid\":\"b\"}", OMI_CORRUPT },
		{ CODE, "{\"exp\":1,\"exp\":2}", OMI_CORRUPT },
		{ PIN, "{\"gpt\":\"g-1\",\"gpt\":\"g-2\"}", OMI_CORRUPT },
		/* no object, or no JSON */
		{ AT, "[\"g1\"]", OMI_CORRUPT },
		{ RT, "\"g1\"", OMI_CORRUPT },
		{ SPENT, "{\"exp\":", OMI_CORRUPT },
		{ GRANT, "[]", OMI_CORRUPT },
		{ UGRANTS, "{\"g\":1}", OMI_CORRUPT },
		/* members of the wrong type */
		{ AT, "{\"gid\":1,\"exp\":1}", OMI_CORRUPT },
		{ AT, "{\"gid\":\"g\",\"exp\":\"1\"}", OMI_CORRUPT },
		{ AT, "{\"gid\":\"g\",\"exp\":1.5}", OMI_CORRUPT },
		{ CODE, "{\"cid\":\"c\",\"used\":true}", OMI_CORRUPT },
		{ CODE, "{\"cid\":null}", OMI_CORRUPT },
		{ RT, "{\"gid\":\"g\",\"h\":[\"x\"]}", OMI_CORRUPT },
		{ SPENT, "{\"exp\":{}}", OMI_CORRUPT },
		{ PIN, "{\"cid\":\"c\",\"set\":\"now\"}", OMI_CORRUPT },
		{ BUCKET, "{\"e\":{}}", OMI_CORRUPT },
		{ OLDFAIL, "{\"until\":\"x\"}", OMI_CORRUPT },
		{ GRANT, "{\"uid\":\"a\",\"ats\":{}}", OMI_CORRUPT },
		{ GRANT, "{\"uid\":\"a\",\"ats\":[[\"h\",\"1\"]]}",
		    OMI_CORRUPT },
		{ GRANT, "{\"uid\":\"a\",\"ats\":[[\"h\"]]}", OMI_CORRUPT },
		{ GRANT, "{\"uid\":\"a\",\"ats\":[[1,2]]}", OMI_CORRUPT },
		{ GRANT, "{\"uid\":\"a\",\"ats\":[\"h\"]}", OMI_CORRUPT },
		{ GRANT, "{\"uid\":\"a\",\"rt\":5}", OMI_CORRUPT },
		{ GRANT, "{\"uid\":\"a\",\"revoked\":true}", OMI_CORRUPT },
		{ GRANT, "{\"uid\":\"a\",\"rt\":\"0123456789012345678901234567"
		    "890123456789012345678901234567890123456789\"}",
		    OMI_CORRUPT },
		{ UGRANTS, "[\"g1\",2]", OMI_CORRUPT },
		/* as earlier versions wrote them */
		{ RT, "{\"gid\":\"g\",\"exp\":5}", OMI_OK },
		{ RT, "{\"gid\":\"g\",\"exp\":5,\"rotated\":7}", OMI_OK },
		{ GRANT, "{\"uid\":\"a\",\"cid\":\"c\",\"scope\":\"s\","
		    "\"created\":1,\"exp\":2}", OMI_OK },
		{ GRANT, "{\"uid\":\"a\",\"cid\":\"c\",\"scope\":\"s\","
		    "\"created\":1,\"used\":2,\"exp\":3,\"ats\":[],"
		    "\"old\":\"member\"}", OMI_OK },
		{ CODE, "{\"cid\":\"c\",\"ruri\":\"u\",\"scope\":\"s\","
		    "\"exp\":1,\"uid\":\"a\",\"used\":2,\"gid\":\"g\"}",
		    OMI_OK },
		{ OLDFAIL, "{\"since\":1,\"until\":2,\"count\":3}", OMI_OK },
		{ BUCKET, "{\"e\":[[\"0011223344556677\",1,2,3]]}", OMI_OK },
		{ UGRANTS, "[\"g1\",\"g2\"]", OMI_OK },
		{ SPENT, "{\"exp\":1,\"cid\":\"c\"}", OMI_OK },
	};
	char	 key[32];
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(key, sizeof(key), "shape:%zu", i);
		put_raw(key, t[i].text);
		if (load_as(t[i].kind, key) != t[i].want) {
			fprintf(stderr, "test_shapes: %zu: %s\n", i, t[i].text);
			CHECK(0);
		} else
			CHECK(1);
	}
	/* No list is an empty one. */
	{
		struct store	*s = open_s(STORE_READ);
		json_t		*list = NULL;

		CHECK(oauth_ugrants_load(s, "ugrants:nobody", &list) ==
		    OMI_OK && json_array_size(list) == 0);
		json_decref(list);
		store_close(s);
	}
}

/* What an old rotated refresh record and an old grant load as. */
static void
test_old_values(void)
{
	struct store		*s;
	struct oauth_rt_rec	 r;
	struct oauth_grant_rec	 g;

	put_raw("rt:old", "{\"gid\":\"g\",\"exp\":5,\"rotated\":7}");
	put_raw("grant:old", "{\"uid\":\"a\",\"cid\":\"c\",\"scope\":\"s\","
	    "\"created\":1,\"exp\":2,\"ats\":[[\"h1\",9]]}");
	s = open_s(STORE_READ);
	CHECK(oauth_rt_load(s, "rt:old", &r) == OMI_OK && r.rotated == 1 &&
	    r.h == NULL && r.exp == 5 && strcmp(r.gid, "g") == 0);
	oauth_rt_free(&r);
	CHECK(oauth_grant_load(s, "grant:old", &g) == OMI_OK && g.used == 0 &&
	    g.rt[0] == '\0' && g.nats == 1 && strcmp(g.ats[0].h, "h1") == 0 &&
	    g.ats[0].exp == 9);
	oauth_grant_free(&g);
	store_close(s);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL)
		return 1;
	test_round_trip();
	test_grant_revoked();
	test_shapes();
	test_old_values();
	unit_rmtree(dir);
	return unit_done("test_oauth_rec");
}
