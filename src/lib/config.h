/*
 * config: the site configuration, one small JSON file (config.json, mode
 * 0600) in the data directory, written atomically by omi-admin and read once
 * per request. It holds the public base URL, the OAuth client (ChatGPT) with
 * its secret and redirect URI patterns, the server key for keyed hashes, and
 * the limits and lifetimes. Missing optional fields take the defaults below.
 * base_url_auto marks a base URL that omi-admin init derived from the port
 * (make run's PORT) rather than one set with BASE_URL: init makes it follow
 * the port. A file written before the mark existed counts a base URL of
 * init's own form (http://localhost:PORT) as derived.
 */
#ifndef OMI_CONFIG_H
#define OMI_CONFIG_H

#include <stdint.h>

#include "lib/sec.h"

#define CONFIG_DEFAULT_MAX_BODY		(8u << 20)
#define CONFIG_DEFAULT_CODE_TTL		600
#define CONFIG_DEFAULT_ACCESS_TTL	3600
#define CONFIG_DEFAULT_REFRESH_IDLE	(90 * 86400)
#define CONFIG_DEFAULT_PENDING_TTL	600
#define CONFIG_DEFAULT_LOCK_TIMEOUT_MS	5000
/*
 * A webhook body's JSON. OMI's are 6 levels deep and hold about one value
 * per 20 bytes (a 4 MB transcript: 200,000 values). Jansson spends up to
 * 240 bytes a value (an empty object): 500,000 values stay near 120 MB.
 */
#define CONFIG_DEFAULT_MAX_JSON_VALUES	500000
#define CONFIG_DEFAULT_MAX_JSON_DEPTH	64
#define CONFIG_MAX_JSON_DEPTH		1000	/* the scanner recurses */
/*
 * password_cost: the yescrypt cost of new password hashes, crypt_gensalt's
 * count (each step doubles the time: 1 is about 4 ms, the library's default
 * 5 about 80 ms, 11 seconds). 0, or no member, is the library's default.
 */
#define CONFIG_PASSWORD_COST_MIN	1
#define CONFIG_PASSWORD_COST_MAX	11

struct config {
	char		*datadir;
	char		*base_url;	/* no trailing slash */
	int		 base_url_auto;	/* derived from PORT, never set explicitly */
	char		*client_id;
	char		*client_secret;
	char		*client_name;
	char		**redirect_uris;	/* patterns, see oauth */
	size_t		 nredirect;
	unsigned char	 key[SEC_KEY_LEN];
	uint64_t	 max_body;
	int64_t		 code_ttl;
	int64_t		 access_ttl;
	int64_t		 refresh_idle;
	int64_t		 pending_ttl;
	int64_t		 lock_timeout_ms;
	int64_t		 max_json_values;	/* in a webhook body */
	int64_t		 max_json_depth;
	int64_t		 password_cost;	/* 0: the library's default */
	char		*trusted_proxy;	/* REMOTE_ADDR whose X-Forwarded-Proto counts */
};

/*
 * The data directory (malloc'd): env_value when set and non-empty, else
 * dflt; a relative dflt is taken relative to the running program's own
 * directory. NULL when out of memory.
 */
char	*config_datadir(const char *env_value, const char *dflt);

/*
 * Reads datadir/config.json. Returns 0, or -1 with errno set (ENOENT when
 * the site was never initialised, EINVAL when the file is malformed).
 */
int	 config_load(struct config *, const char *datadir);
/* Writes the configuration atomically (temp file, fsync, rename); 0 or -1. */
int	 config_save(const struct config *);
/* Fills the defaults for a new site (no secrets). */
void	 config_defaults(struct config *);
/* Adds a redirect URI pattern (copied); 0 or -1. */
int	 config_add_redirect(struct config *, const char *pattern);
void	 config_free(struct config *);
#endif
