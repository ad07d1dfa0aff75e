/*
 * oauth-device: the known-device cookie, so that knowing a user id is not
 * enough to lock its owner out of signing in (OWASP's "device cookies").
 *
 * Five wrong passwords within 15 minutes lock a uid's sign-in, and anyone
 * who knows the uid could keep it locked. So a browser that signed in as a
 * uid keeps a cookie that says so: a random id and its keyed hash with the
 * uid, which only this server can make and which holds for that uid alone.
 * A sign-in from such a browser is counted against that browser only
 * (oauth-login.c): the uid's lockout, earned by guesses from elsewhere,
 * does not stop it, and its own five failures lock only itself.
 */
#include <string.h>

#include "auth/oauth-impl.h"
#include "lib/buf.h"

/* The keyed hash of uid and id (hex, SEC_HASH_HEX + 1 bytes). */
static int
device_mac(const struct config *c, const char *uid, const char *id,
    char *mac)
{
	struct buf b = { 0 };

	/* The NUL keeps ("ab", "c...") and ("a", "bc...") apart. */
	buf_puts(&b, uid);
	buf_putc(&b, '\0');
	buf_puts(&b, id);
	if (b.failed) {
		buf_free(&b);
		return -1;
	}
	sec_keyed_hash(c->key, OAUTH_L_DEVICE, b.data, b.len, mac);
	buf_free(&b);
	return 0;
}

int
oauth_device_make(const struct config *c, const char *uid, char *out)
{
	char id[SEC_TOKEN_LEN + 1], mac[SEC_HASH_HEX + 1];

	sec_token(id);
	if (device_mac(c, uid, id, mac) == -1)
		return -1;
	snprintf(out, OAUTH_DEVICE_MAX, "%s.%s", id, mac);
	return 0;
}

int
oauth_device_valid(const struct config *c, const char *uid,
    const char *value)
{
	char id[SEC_TOKEN_LEN + 1], mac[SEC_HASH_HEX + 1];

	if (value == NULL || strlen(value) != OAUTH_DEVICE_MAX - 1 ||
	    value[SEC_TOKEN_LEN] != '.')
		return 0;
	memcpy(id, value, SEC_TOKEN_LEN);
	id[SEC_TOKEN_LEN] = '\0';
	if (device_mac(c, uid, id, mac) == -1)
		return 0;
	return sec_streq(mac, value + SEC_TOKEN_LEN + 1);
}
