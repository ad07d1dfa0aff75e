/*
 * oauth-pin: the GPT the client is pinned to. ChatGPT's callback is
 * https://chatgpt.com/aip/g-<GPT id>/oauth/callback, so the registered
 * pattern holds a '*' for the id and, left alone, would let any GPT ask
 * for a user's code. The first successful exchange of a code, which needs
 * the client secret, records the id that code's callback carried in the
 * store's client:pin record, in the same exclusive session that redeems
 * the code; authorization requests and exchanges for another id are
 * refused from then on. The id is compared whatever the host, since
 * chatgpt.com and chat.openai.com serve the same GPT. Only the
 * administrator unpins (omi-admin client reset-redirect), for a new GPT.
 */
#include <stdio.h>
#include <string.h>

#include "auth/oauth-impl.h"
#include "lib/log.h"

#define PIN_KEY	"client:pin"

enum omi_err
oauth_pin_get(const struct config *c, struct store *s, struct oauth_pin *p)
{
	struct oauth_pin_rec	 r;
	enum omi_err		 err;

	memset(p, 0, sizeof(*p));
	if ((err = oauth_pin_load(s, PIN_KEY, &r)) != OMI_OK)
		return err;
	/* A pin of a client configured before this one does not count. */
	if (r.cid == NULL || strcmp(r.cid, c->client_id) != 0)
		err = OMI_NOTFOUND;
	else if (r.gpt == NULL || *r.gpt == '\0' ||
	    strlen(r.gpt) >= sizeof(p->gpt))
		err = OMI_CORRUPT;
	else {
		snprintf(p->gpt, sizeof(p->gpt), "%s", r.gpt);
		snprintf(p->uri, sizeof(p->uri), "%s", r.uri ? r.uri : "");
		p->set = r.set;
	}
	oauth_pin_free(&r);
	return err;
}

enum omi_err
oauth_pin_check(const struct config *c, struct store *s, const char *uri)
{
	struct oauth_pin	 p;
	char			 gpt[OAUTH_PIN_MAX];
	enum omi_err		 err;
	int			 rc;

	/* Only what came through a '*' carries a GPT id to compare; the
	 * patterns themselves are checked elsewhere. */
	if ((rc = oauth_redirect_star(c, uri, gpt, sizeof(gpt))) != 1)
		return OMI_OK;
	if ((err = oauth_pin_get(c, s, &p)) == OMI_NOTFOUND)
		return OMI_OK;
	if (err != OMI_OK)
		return err;
	if (strcmp(p.gpt, gpt) != 0) {
		log_msg("oauth: callback of GPT %s refused: pinned to %s", gpt,
		    p.gpt);
		return OMI_NOTFOUND;
	}
	return OMI_OK;
}

enum omi_err
oauth_pin_set(const struct config *c, struct store *s, const char *uri,
    int64_t now)
{
	struct oauth_pin	 p;
	struct oauth_pin_rec	 r;
	char			 gpt[OAUTH_PIN_MAX];
	enum omi_err		 err;

	if (oauth_redirect_star(c, uri, gpt, sizeof(gpt)) != 1)
		return OMI_OK;
	if ((err = oauth_pin_get(c, s, &p)) != OMI_NOTFOUND)
		return err;
	r.cid = c->client_id;
	r.gpt = gpt;
	r.uri = uri;
	r.set = now;
	r.doc = NULL;
	err = oauth_pin_save(s, PIN_KEY, &r);
	if (err == OMI_OK)
		log_msg("oauth: client pinned to GPT %s", gpt);
	return err;
}

enum omi_err
oauth_pin_reset(struct store *s)
{
	enum omi_err err = store_del(s, PIN_KEY);

	return err == OMI_NOTFOUND ? OMI_OK : err;
}
