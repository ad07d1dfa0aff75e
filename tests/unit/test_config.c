/*
 * test_config: lib/config.c, the site configuration. config.json files
 * written by hand, valid and invalid side by side: the defaults a missing
 * member takes, the values that fall back to a default (0 for limits that
 * must not be zero), the values refused (negative, wrong type, out of range,
 * duplicate members, a bad key), and when base_url_auto holds. Then a save
 * and load round trip and where config_datadir points.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "lib/config.h"
#include "unit.h"

static char dir[] = "/tmp/omi-test-config.XXXXXX";

/* The server key of every hand-written file: 32 zero bytes in base64. */
#define KEY	"\"key\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\""
/* The required members, for the rows that test something else. */
#define REQ	"\"base_url\":\"https://omi.example\",\"client_id\":\"cid\"," \
		"\"client_secret\":\"sec\"," KEY

/* Which member of struct config a row checks. */
enum field {
	F_NONE, F_CODE_TTL, F_ACCESS_TTL, F_REFRESH_IDLE, F_PENDING_TTL,
	F_LOCK_TIMEOUT, F_MAX_BODY, F_JSON_VALUES, F_JSON_DEPTH, F_AUTO,
	F_NREDIRECT, F_PASSWORD_COST
};

static int64_t
field_value(const struct config *c, enum field f)
{
	switch (f) {
	case F_CODE_TTL:	return c->code_ttl;
	case F_ACCESS_TTL:	return c->access_ttl;
	case F_REFRESH_IDLE:	return c->refresh_idle;
	case F_PENDING_TTL:	return c->pending_ttl;
	case F_LOCK_TIMEOUT:	return c->lock_timeout_ms;
	case F_MAX_BODY:	return (int64_t)c->max_body;
	case F_JSON_VALUES:	return c->max_json_values;
	case F_JSON_DEPTH:	return c->max_json_depth;
	case F_AUTO:		return c->base_url_auto;
	case F_NREDIRECT:	return (int64_t)c->nredirect;
	case F_PASSWORD_COST:	return c->password_cost;
	default:		return 0;
	}
}

static int
write_config(const char *text)
{
	char	 path[256];
	FILE	*f;
	int	 ok;

	snprintf(path, sizeof(path), "%s/config.json", dir);
	if ((f = fopen(path, "w")) == NULL)
		return 0;
	ok = fputs(text, f) >= 0;
	return fclose(f) == 0 && ok;
}

static void
test_load(void)
{
	static const struct {
		const char	*json;
		int		 ok;	/* 1: loads; 0: refused with EINVAL */
		enum field	 field;
		int64_t		 want;
	} rows[] = {
		/* Defaults for what is missing. */
		{ "{" REQ "}", 1, F_CODE_TTL, CONFIG_DEFAULT_CODE_TTL },
		{ "{" REQ "}", 1, F_ACCESS_TTL, CONFIG_DEFAULT_ACCESS_TTL },
		{ "{" REQ "}", 1, F_REFRESH_IDLE, CONFIG_DEFAULT_REFRESH_IDLE },
		{ "{" REQ "}", 1, F_PENDING_TTL, CONFIG_DEFAULT_PENDING_TTL },
		{ "{" REQ "}", 1, F_LOCK_TIMEOUT, CONFIG_DEFAULT_LOCK_TIMEOUT_MS },
		{ "{" REQ "}", 1, F_MAX_BODY, CONFIG_DEFAULT_MAX_BODY },
		{ "{" REQ "}", 1, F_JSON_VALUES, CONFIG_DEFAULT_MAX_JSON_VALUES },
		{ "{" REQ "}", 1, F_JSON_DEPTH, CONFIG_DEFAULT_MAX_JSON_DEPTH },
		{ "{" REQ "}", 1, F_NREDIRECT, 0 },
		{ "{" REQ "}", 1, F_PASSWORD_COST, 0 },	/* the library's */
		/* Values given, and the zeros that mean the default. */
		{ "{" REQ ",\"code_ttl\":5}", 1, F_CODE_TTL, 5 },
		{ "{" REQ ",\"code_ttl\":0}", 1, F_CODE_TTL, 0 },
		{ "{" REQ ",\"access_ttl\":1}", 1, F_ACCESS_TTL, 1 },
		{ "{" REQ ",\"max_body\":1024}", 1, F_MAX_BODY, 1024 },
		{ "{" REQ ",\"lock_timeout_ms\":250}", 1, F_LOCK_TIMEOUT, 250 },
		{ "{" REQ ",\"lock_timeout_ms\":0}", 1, F_LOCK_TIMEOUT,
		    CONFIG_DEFAULT_LOCK_TIMEOUT_MS },
		{ "{" REQ ",\"max_json_values\":0}", 1, F_JSON_VALUES,
		    CONFIG_DEFAULT_MAX_JSON_VALUES },
		{ "{" REQ ",\"max_json_values\":10}", 1, F_JSON_VALUES, 10 },
		{ "{" REQ ",\"max_json_depth\":0}", 1, F_JSON_DEPTH,
		    CONFIG_DEFAULT_MAX_JSON_DEPTH },
		{ "{" REQ ",\"max_json_depth\":1000}", 1, F_JSON_DEPTH,
		    CONFIG_MAX_JSON_DEPTH },
		{ "{" REQ ",\"redirect_uris\":[\"https://a/*/cb\",\"https://b/cb\"]}",
		    1, F_NREDIRECT, 2 },
		{ "{" REQ ",\"redirect_uris\":[]}", 1, F_NREDIRECT, 0 },
		{ "{" REQ ",\"password_cost\":0}", 1, F_PASSWORD_COST, 0 },
		{ "{" REQ ",\"password_cost\":1}", 1, F_PASSWORD_COST,
		    CONFIG_PASSWORD_COST_MIN },
		{ "{" REQ ",\"password_cost\":11}", 1, F_PASSWORD_COST,
		    CONFIG_PASSWORD_COST_MAX },
		/* Refused values. */
		{ "{" REQ ",\"code_ttl\":-1}", 0, F_NONE, 0 },
		{ "{" REQ ",\"code_ttl\":\"5\"}", 0, F_NONE, 0 },
		{ "{" REQ ",\"code_ttl\":1.5}", 0, F_NONE, 0 },
		{ "{" REQ ",\"access_ttl\":null}", 0, F_NONE, 0 },
		{ "{" REQ ",\"max_body\":-5}", 0, F_NONE, 0 },
		{ "{" REQ ",\"max_json_depth\":1001}", 0, F_NONE, 0 },
		{ "{" REQ ",\"password_cost\":12}", 0, F_NONE, 0 },
		{ "{" REQ ",\"password_cost\":-1}", 0, F_NONE, 0 },
		{ "{" REQ ",\"password_cost\":\"5\"}", 0, F_NONE, 0 },
		{ "{" REQ ",\"password_cost\":2.5}", 0, F_NONE, 0 },
		{ "{" REQ ",\"redirect_uris\":\"https://a/cb\"}", 0, F_NONE, 0 },
		{ "{" REQ ",\"redirect_uris\":[1]}", 0, F_NONE, 0 },
		{ "{" REQ ",\"client_name\":5}", 0, F_NONE, 0 },
		{ "{" REQ ",\"trusted_proxy\":false}", 0, F_NONE, 0 },
		{ "{" REQ ",\"code_ttl\":5,\"code_ttl\":6}", 0, F_NONE, 0 },
		{ "{" REQ ",\"base_url_auto\":\"yes\"}", 0, F_NONE, 0 },
		/* The required members, each missing or of the wrong type. */
		{ "{\"client_id\":\"c\",\"client_secret\":\"s\"," KEY "}", 0,
		    F_NONE, 0 },
		{ "{\"base_url\":\"https://x\",\"client_secret\":\"s\"," KEY "}",
		    0, F_NONE, 0 },
		{ "{\"base_url\":\"https://x\",\"client_id\":\"c\"," KEY "}", 0,
		    F_NONE, 0 },
		{ "{\"base_url\":7,\"client_id\":\"c\",\"client_secret\":\"s\","
		    KEY "}", 0, F_NONE, 0 },
		{ "{\"base_url\":\"https://x\",\"client_id\":\"c\","
		    "\"client_secret\":\"s\"}", 0, F_NONE, 0 },
		{ "{\"base_url\":\"https://x\",\"client_id\":\"c\","
		    "\"client_secret\":\"s\",\"key\":\"AAAA\"}", 0, F_NONE, 0 },
		{ "{\"base_url\":\"https://x\",\"client_id\":\"c\","
		    "\"client_secret\":\"s\",\"key\":\"not base64!\"}", 0,
		    F_NONE, 0 },
		{ "{\"base_url\":\"https://x\",\"client_id\":\"c\","
		    "\"client_secret\":\"s\",\"key\":32}", 0, F_NONE, 0 },
		/* Not a configuration at all. */
		{ "", 0, F_NONE, 0 },
		{ "[]", 0, F_NONE, 0 },
		{ "{" REQ, 0, F_NONE, 0 },
		/* base_url_auto: as written, else derived from init's form. */
		{ "{\"base_url\":\"http://localhost:8080\",\"client_id\":\"c\","
		    "\"client_secret\":\"s\"," KEY "}", 1, F_AUTO, 1 },
		{ "{\"base_url\":\"http://localhost:8080/x\",\"client_id\":\"c\","
		    "\"client_secret\":\"s\"," KEY "}", 1, F_AUTO, 0 },
		{ "{\"base_url\":\"http://localhost:\",\"client_id\":\"c\","
		    "\"client_secret\":\"s\"," KEY "}", 1, F_AUTO, 0 },
		{ "{\"base_url\":\"http://127.0.0.1:8080\",\"client_id\":\"c\","
		    "\"client_secret\":\"s\"," KEY "}", 1, F_AUTO, 0 },
		{ "{\"base_url\":\"https://localhost:8080\",\"client_id\":\"c\","
		    "\"client_secret\":\"s\"," KEY "}", 1, F_AUTO, 0 },
		{ "{\"base_url\":\"http://localhost:8080\",\"base_url_auto\":false,"
		    "\"client_id\":\"c\",\"client_secret\":\"s\"," KEY "}", 1,
		    F_AUTO, 0 },
		{ "{" REQ ",\"base_url_auto\":true}", 1, F_AUTO, 1 },
		{ "{" REQ "}", 1, F_AUTO, 0 },
	};
	static const unsigned char zero[SEC_KEY_LEN];
	struct config	 c;
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (!write_config(rows[i].json)) {
			CHECK(0);
			continue;
		}
		errno = 0;
		rc = config_load(&c, dir);
		if (rows[i].ok) {
			CHECK(rc == 0);
			if (rc != 0) {
				fprintf(stderr, "row %zu refused\n", i);
				continue;
			}
			if (field_value(&c, rows[i].field) != rows[i].want)
				fprintf(stderr, "row %zu: got %lld\n", i,
				    (long long)field_value(&c, rows[i].field));
			CHECK(field_value(&c, rows[i].field) == rows[i].want);
			CHECK(memcmp(c.key, zero, sizeof(zero)) == 0 &&
			    strcmp(c.datadir, dir) == 0);
			config_free(&c);
		} else {
			if (rc != -1)
				fprintf(stderr, "row %zu accepted\n", i);
			CHECK(rc == -1 && errno == EINVAL);
		}
	}
	/* The client's name: "ChatGPT" unless the file says otherwise. */
	CHECK(write_config("{" REQ "}") && config_load(&c, dir) == 0 &&
	    strcmp(c.client_name, "ChatGPT") == 0 && c.trusted_proxy == NULL);
	config_free(&c);
	CHECK(write_config("{" REQ ",\"client_name\":\"Mine\","
	    "\"trusted_proxy\":\"10.0.0.1\"}") && config_load(&c, dir) == 0 &&
	    strcmp(c.client_name, "Mine") == 0 &&
	    strcmp(c.trusted_proxy, "10.0.0.1") == 0 &&
	    strcmp(c.base_url, "https://omi.example") == 0 &&
	    strcmp(c.client_id, "cid") == 0 &&
	    strcmp(c.client_secret, "sec") == 0);
	config_free(&c);
	/* A site never initialised. */
	errno = 0;
	CHECK(config_load(&c, "/nonexistent/omi") == -1 && errno == ENOENT);
}

static void
test_defaults(void)
{
	struct config c;

	memset(&c, 0xa5, sizeof(c));
	config_defaults(&c);
	CHECK(c.max_body == CONFIG_DEFAULT_MAX_BODY &&
	    c.code_ttl == CONFIG_DEFAULT_CODE_TTL &&
	    c.access_ttl == CONFIG_DEFAULT_ACCESS_TTL &&
	    c.refresh_idle == CONFIG_DEFAULT_REFRESH_IDLE &&
	    c.pending_ttl == CONFIG_DEFAULT_PENDING_TTL &&
	    c.lock_timeout_ms == CONFIG_DEFAULT_LOCK_TIMEOUT_MS &&
	    c.max_json_values == CONFIG_DEFAULT_MAX_JSON_VALUES &&
	    c.max_json_depth == CONFIG_DEFAULT_MAX_JSON_DEPTH);
	CHECK(c.datadir == NULL && c.base_url == NULL && c.client_id == NULL &&
	    c.client_secret == NULL && c.redirect_uris == NULL &&
	    c.nredirect == 0 && c.base_url_auto == 0 &&
	    c.trusted_proxy == NULL);
}

/* What config_save writes, config_load reads back the same. */
static void
test_round_trip(void)
{
	struct config	 c, d;
	struct stat	 st;
	char		 path[256];
	int		 auto_flag;

	for (auto_flag = 0; auto_flag <= 1; auto_flag++) {
		config_defaults(&c);
		c.datadir = strdup(dir);
		c.base_url = strdup("http://localhost:8080");
		c.base_url_auto = auto_flag;
		c.client_id = strdup("client-1");
		c.client_secret = strdup("s3cret \"quoted\"");
		c.client_name = strdup("Name \xc3\xa9");
		c.trusted_proxy = auto_flag ? strdup("127.0.0.1") : NULL;
		c.code_ttl = 17;
		c.access_ttl = 18;
		c.refresh_idle = 19;
		c.pending_ttl = 20;
		c.lock_timeout_ms = 21;
		c.max_body = 22;
		c.max_json_values = 23;
		c.max_json_depth = 24;
		/* 0 (the default) is not written; a cost is. */
		c.password_cost = auto_flag ? 3 : 0;
		randombytes_buf(c.key, sizeof(c.key));
		CHECK(config_add_redirect(&c, "https://a/*/cb") == 0 &&
		    config_add_redirect(&c, "https://b/cb") == 0 &&
		    c.nredirect == 2);
		CHECK(config_save(&c) == 0);
		snprintf(path, sizeof(path), "%s/config.json", dir);
		CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
		snprintf(path, sizeof(path), "%s/.config.json.tmp", dir);
		CHECK(access(path, F_OK) == -1);
		CHECK(config_load(&d, dir) == 0);
		CHECK(d.password_cost == (auto_flag ? 3 : 0));
		CHECK(strcmp(d.base_url, c.base_url) == 0 &&
		    d.base_url_auto == auto_flag &&
		    strcmp(d.client_id, c.client_id) == 0 &&
		    strcmp(d.client_secret, c.client_secret) == 0 &&
		    strcmp(d.client_name, c.client_name) == 0 &&
		    (auto_flag ? d.trusted_proxy != NULL &&
		    strcmp(d.trusted_proxy, "127.0.0.1") == 0 :
		    d.trusted_proxy == NULL));
		CHECK(memcmp(d.key, c.key, sizeof(c.key)) == 0);
		CHECK(d.code_ttl == 17 && d.access_ttl == 18 &&
		    d.refresh_idle == 19 && d.pending_ttl == 20 &&
		    d.lock_timeout_ms == 21 && d.max_body == 22 &&
		    d.max_json_values == 23 && d.max_json_depth == 24);
		CHECK(d.nredirect == 2 &&
		    strcmp(d.redirect_uris[0], "https://a/*/cb") == 0 &&
		    strcmp(d.redirect_uris[1], "https://b/cb") == 0);
		config_free(&d);
		config_free(&c);
	}
}

static void
test_datadir(void)
{
	char	 exe[PATH_MAX], want[PATH_MAX + 16], *p, *slash;
	ssize_t	 n;

	p = config_datadir("/srv/omi", "/var/lib/omi");
	CHECK(p != NULL && strcmp(p, "/srv/omi") == 0);
	free(p);
	p = config_datadir("", "/var/lib/omi");
	CHECK(p != NULL && strcmp(p, "/var/lib/omi") == 0);
	free(p);
	p = config_datadir(NULL, "/var/lib/omi");
	CHECK(p != NULL && strcmp(p, "/var/lib/omi") == 0);
	free(p);
	/* A relative default is next to the program, not in the cwd. */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	CHECK(n > 0);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL)
			*slash = '\0';
		snprintf(want, sizeof(want), "%s/../data", exe);
		p = config_datadir(NULL, "../data");
		CHECK(p != NULL && strcmp(p, want) == 0);
		free(p);
	}
}

int
main(void)
{
	if (mkdtemp(dir) == NULL || sodium_init() == -1)
		return 1;
	test_defaults();
	test_load();
	test_round_trip();
	test_datadir();
	unit_rmtree(dir);
	return unit_done("test_config");
}
