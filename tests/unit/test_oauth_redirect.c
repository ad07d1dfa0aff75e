/*
 * Unit tests: the redirect URI matcher's cost stays bounded. Each '*'
 * backtracks over up to 128 lengths, so a pattern with many of them and a
 * crafted redirect_uri once cost minutes of CPU per request (found by
 * fuzz_redirect). Patterns are capped at two wildcards: more are refused
 * at registration and never match; two still match as before.
 * Also oauth_wellknown_suffix, the path a well-known URL may insert.
 */
#include <string.h>
#include <time.h>

#include "auth/oauth.h"
#include "lib/config.h"
#include "unit.h"

/* CPU time, not wall time: on a busy machine the wait for a CPU would count
 * against the bound, while what is bounded is the matcher's own work. */
static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(void)
{
	char	 uri[OAUTH_URI_MAX];
	size_t	 n;
	double	 t;

	CHECK(oauth_redirect_pattern_ok("https://c.example/g-*/cb"));
	CHECK(oauth_redirect_pattern_ok("https://c.example/*/g-*/cb"));
	CHECK(!oauth_redirect_pattern_ok("https://c.example/*/*/*/cb"));
	CHECK(!oauth_redirect_pattern_ok("https://a.example/*-*-*-*-*-*/cb"));
	CHECK(oauth_redirect_match("https://c.example/*/g-*-x/cb",
	    "https://c.example/a/g-ab-x/cb"));
	CHECK(!oauth_redirect_match("https://c.example/*/*/*/cb",
	    "https://c.example/a/b/c/cb"));

	/* "https://a.example/" and 2000 '-', then a mismatch at the end. */
	n = strlen(strcpy(uri, "https://a.example/"));
	memset(uri + n, '-', 2000);
	strcpy(uri + n + 2000, "/cX");
	t = seconds();
	CHECK(!oauth_redirect_match("https://a.example/*-*-*-*-*-*/cb", uri));
	CHECK(!oauth_redirect_match("https://a.example/*-*/cb", uri));
	CHECK(!oauth_redirect_match("https://a.example/**/cb", uri));
	CHECK(seconds() - t < 1.0);

	CHECK(oauth_wellknown_suffix("https://e.example", ""));
	CHECK(!oauth_wellknown_suffix("https://e.example", "/"));
	CHECK(!oauth_wellknown_suffix("https://e.example", "/omi"));
	CHECK(oauth_wellknown_suffix("https://e.example/omi", ""));
	CHECK(oauth_wellknown_suffix("https://e.example/omi", "/omi"));
	CHECK(oauth_wellknown_suffix("https://e.example/omi/", "/omi"));
	CHECK(oauth_wellknown_suffix("https://e.example:8443/a/b", "/a/b"));
	CHECK(!oauth_wellknown_suffix("https://e.example/omi", "/om"));
	CHECK(!oauth_wellknown_suffix("https://e.example/omi", "/omi/"));
	CHECK(!oauth_wellknown_suffix("https://e.example/omi", "/omix"));
	CHECK(!oauth_wellknown_suffix("https://e.example/omi", "/other"));
	CHECK(!oauth_wellknown_suffix("not a url", "/x"));
	CHECK(!oauth_wellknown_suffix(NULL, "/x"));
	return unit_done("test_oauth_redirect");
}
