/* oauth: placeholder until the OAuth issue lands: every token is rejected. */
#include <stdlib.h>
#include <string.h>

#include "oauth.h"

int
oauth_bearer_check(const struct config *c, struct store *s,
    const char *authorization, struct oauth_bearer *b)
{
	(void)c;
	(void)s;
	memset(b, 0, sizeof(*b));
	b->error = authorization ? "invalid_token" : "invalid_request";
	b->description = "the access token is invalid";
	return 401;
}

void
oauth_bearer_free(struct oauth_bearer *b)
{
	free(b->uid);
	free(b->scope);
	memset(b, 0, sizeof(*b));
}
