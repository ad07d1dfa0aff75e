/*
 * oauth: clients, authorization codes, access and refresh tokens, grants.
 * (Contract for the conversations API; the OAuth issue fills in the rest.)
 */
#ifndef OMI_OAUTH_H
#define OMI_OAUTH_H

#include "config.h"
#include "store.h"

#define OAUTH_SCOPE_READ	"read:memories"

struct oauth_bearer {
	char	*uid;		/* the user the token was issued for */
	char	*scope;		/* space-separated scopes */
	const char *error;	/* RFC 6750 error code when rejected */
	const char *description;
};

/*
 * Checks an Authorization header value (may be NULL) holding a bearer
 * token, inside the caller's store session (a read session suffices).
 * Returns 0 with b->uid and b->scope set (free with oauth_bearer_free) when
 * the token is valid, unexpired and not revoked. Otherwise returns the HTTP
 * status to answer (401, or 503 when the store failed) with b->error set
 * ("invalid_request" for a malformed or missing header, "invalid_token");
 * the caller sends WWW-Authenticate: Bearer realm="omi", error="...".
 */
int	 oauth_bearer_check(const struct config *, struct store *,
	    const char *authorization, struct oauth_bearer *b);
void	 oauth_bearer_free(struct oauth_bearer *);
#endif
