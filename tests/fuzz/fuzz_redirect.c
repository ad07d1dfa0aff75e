/*
 * fuzz_redirect: redirect_uri checking (oauth_redirect_allowed and
 * oauth_redirect_match, with its '*' wildcard), the one OAuth parser whose
 * mistake hands a code to someone else (RFC 9700 2.1), and building the
 * redirect back (oauth_redirect_build, oauth_redirect_origin).
 *
 * The input is a redirect_uri, checked against the patterns omi-admin init
 * registers; or "PATTERN\nURI", a pattern of the fuzzer's own (as an admin
 * may register, or write into config.json). Promises checked: against the default patterns a URI is
 * allowed exactly when it has their shape (checked here independently); a
 * pattern without '*' is a plain string comparison; a wildcard never
 * matches the empty string; a redirect built on an allowed URI keeps it
 * as its prefix and gains no space, control character or fragment; its
 * origin is a prefix. libFuzzer's -timeout catches a matcher that
 * backtracks without bound.
 */
#include "auth/oauth.h"
#include "fuzz.h"
#include "lib/config.h"
#include "lib/text.h"

static const char *const defaults[] = {
	"https://chatgpt.com/aip/g-*/oauth/callback",
	"https://chat.openai.com/aip/g-*/oauth/callback",
};

/* The defaults' shape: a prefix, 1 to 128 of [A-Za-z0-9_-], the callback. */
static int
default_shape(const char *u)
{
	static const char *const pre[] = { "https://chatgpt.com/aip/g-",
	    "https://chat.openai.com/aip/g-" };
	static const char	 cb[] = "/oauth/callback";
	size_t			 i, n, k;

	for (i = 0; i < 2; i++) {
		if (strncmp(u, pre[i], strlen(pre[i])) != 0)
			continue;
		u += strlen(pre[i]);
		n = strspn(u, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");
		/* '/' is not an id character: the split is unique. */
		k = strlen(u + n);
		return n >= 1 && n <= 128 && k == strlen(cb) &&
		    strcmp(u + n, cb) == 0;
	}
	return 0;
}

static void
check_build(const char *uri)
{
	char	*r, origin[OAUTH_URI_MAX + 1];
	size_t	 n = strlen(uri);

	r = oauth_redirect_build(uri, "code", "c0de &=#\r\n", "state",
	    "\xc3\xa9t\xc3\xa9 ?", "error", "", "skipped", NULL, NULL);
	FUZZ_ASSERT(r != NULL && strncmp(r, uri, n) == 0);
	FUZZ_ASSERT(!has_ctl(r, strlen(r)));
	FUZZ_ASSERT(strpbrk(r + n, " #") == NULL);
	free(r);
	FUZZ_ASSERT(oauth_redirect_origin(uri, origin, sizeof(origin)) == 0);
	FUZZ_ASSERT(strncmp(origin, uri, strlen(origin)) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	 c;
	char		*in, *nl, *pattern, *uri;
	int		 m;

	in = fuzz_cstring(data, size);
	memset(&c, 0, sizeof(c));
	if ((nl = strchr(in, '\n')) == NULL) {
		uri = in;
		c.redirect_uris = (char **)defaults;
		c.nredirect = 2;
		m = oauth_redirect_allowed(&c, uri);
		FUZZ_ASSERT(m == default_shape(uri));
		if (m)
			check_build(uri);
		free(in);
		return 0;
	}
	*nl = '\0';
	pattern = in;
	uri = nl + 1;
	/* Any pattern: config.json may have been edited by hand. */
	m = oauth_redirect_match(pattern, uri);
	if (strchr(pattern, '*') == NULL)
		FUZZ_ASSERT(m == (strcmp(pattern, uri) == 0));
	if (m)
		FUZZ_ASSERT(strlen(uri) >= strlen(pattern));
	if (oauth_redirect_pattern_ok(pattern)) {
		c.redirect_uris = &pattern;
		c.nredirect = 1;
		if (oauth_redirect_allowed(&c, uri))
			check_build(uri);
	}
	free(in);
	return 0;
}
