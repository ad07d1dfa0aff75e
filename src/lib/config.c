/*
 * config: load and save config.json (see config.h). The file is replaced by
 * rename(2) after an fsync, so a reader sees the old or the new file, never
 * a torn one, and a crash during omi-admin never loses the server key.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "lib/buf.h"
#include "lib/config.h"

char *
config_datadir(const char *env_value, const char *dflt)
{
	char	 exe[4096], *slash;
	ssize_t	 n;
	struct buf b = { 0 };

	if (env_value != NULL && *env_value != '\0')
		return strdup(env_value);
	if (dflt[0] == '/')
		return strdup(dflt);
	/*
	 * A relative default (the shared-hosting build) is relative to the
	 * program itself, not to whatever directory it was started in: suEXEC
	 * strips OMI_DATA_DIR from a CGI's environment.
	 */
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <= 0)
		return strdup(dflt);
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) != NULL)
		*slash = '\0';
	buf_printf(&b, "%s/%s", exe, dflt);
	return buf_take(&b);
}

void
config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->max_body = CONFIG_DEFAULT_MAX_BODY;
	c->code_ttl = CONFIG_DEFAULT_CODE_TTL;
	c->access_ttl = CONFIG_DEFAULT_ACCESS_TTL;
	c->refresh_idle = CONFIG_DEFAULT_REFRESH_IDLE;
	c->pending_ttl = CONFIG_DEFAULT_PENDING_TTL;
	c->lock_timeout_ms = CONFIG_DEFAULT_LOCK_TIMEOUT_MS;
	c->max_json_values = CONFIG_DEFAULT_MAX_JSON_VALUES;
	c->max_json_depth = CONFIG_DEFAULT_MAX_JSON_DEPTH;
}

int
config_add_redirect(struct config *c, const char *pattern)
{
	char	**v, *p;

	if ((p = strdup(pattern)) == NULL)
		return -1;
	if ((v = reallocarray(c->redirect_uris, c->nredirect + 1,
	    sizeof(*v))) == NULL) {
		free(p);
		return -1;
	}
	c->redirect_uris = v;
	c->redirect_uris[c->nredirect++] = p;
	return 0;
}

static int
get_str(json_t *root, const char *name, char **out, int required)
{
	json_t *v = json_object_get(root, name);

	if (v == NULL)
		return required ? -1 : 0;
	if (!json_is_string(v) || (*out = strdup(json_string_value(v))) == NULL)
		return -1;
	return 0;
}

/* True when URL is what omi-admin init derives from a port. */
static int
config_url_derived(const char *url)
{
	const char	*p = "http://localhost:";
	size_t		 n = strlen(p);

	if (url == NULL || strncmp(url, p, n) != 0 || url[n] == '\0')
		return 0;
	return strspn(url + n, "0123456789") == strlen(url + n);
}

static int
get_int(json_t *root, const char *name, int64_t *out)
{
	json_t *v = json_object_get(root, name);

	if (v == NULL)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return -1;
	*out = json_integer_value(v);
	return 0;
}

int
config_load(struct config *c, const char *datadir)
{
	struct buf	 path = { 0 }, text = { 0 };
	json_t		*root = NULL, *uris, *v;
	const char	*key;
	size_t		 i, keylen;
	int64_t		 maxb;
	int		 rc = -1, err = EINVAL;

	config_defaults(c);
	if ((c->datadir = strdup(datadir)) == NULL)
		return -1;
	buf_printf(&path, "%s/config.json", datadir);
	if (path.failed || buf_read_file(&text, path.data) == -1) {
		err = errno;
		goto out;
	}
	if ((root = json_loadb(text.data, text.len, JSON_REJECT_DUPLICATES,
	    NULL)) == NULL || !json_is_object(root))
		goto out;
	if (get_str(root, "base_url", &c->base_url, 1) == -1 ||
	    get_str(root, "client_id", &c->client_id, 1) == -1 ||
	    get_str(root, "client_secret", &c->client_secret, 1) == -1 ||
	    get_str(root, "client_name", &c->client_name, 0) == -1 ||
	    get_str(root, "trusted_proxy", &c->trusted_proxy, 0) == -1)
		goto out;
	if ((v = json_object_get(root, "base_url_auto")) == NULL)
		c->base_url_auto = config_url_derived(c->base_url);
	else if (json_is_boolean(v))
		c->base_url_auto = json_is_true(v);
	else
		goto out;
	if ((v = json_object_get(root, "key")) == NULL || !json_is_string(v))
		goto out;
	key = json_string_value(v);
	if (sodium_base642bin(c->key, sizeof(c->key), key, strlen(key), NULL,
	    &keylen, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    keylen != sizeof(c->key))
		goto out;
	maxb = (int64_t)c->max_body;
	if (get_int(root, "max_body", &maxb) == -1 ||
	    get_int(root, "code_ttl", &c->code_ttl) == -1 ||
	    get_int(root, "access_ttl", &c->access_ttl) == -1 ||
	    get_int(root, "refresh_idle", &c->refresh_idle) == -1 ||
	    get_int(root, "pending_ttl", &c->pending_ttl) == -1 ||
	    get_int(root, "lock_timeout_ms", &c->lock_timeout_ms) == -1 ||
	    get_int(root, "max_json_values", &c->max_json_values) == -1 ||
	    get_int(root, "max_json_depth", &c->max_json_depth) == -1 ||
	    c->max_json_depth > CONFIG_MAX_JSON_DEPTH ||
	    get_int(root, "password_cost", &c->password_cost) == -1 ||
	    c->password_cost > CONFIG_PASSWORD_COST_MAX)
		goto out;
	/* 0 means the default, as for lock_timeout_ms. */
	if (c->max_json_values == 0)
		c->max_json_values = CONFIG_DEFAULT_MAX_JSON_VALUES;
	if (c->max_json_depth == 0)
		c->max_json_depth = CONFIG_DEFAULT_MAX_JSON_DEPTH;
	c->max_body = (uint64_t)maxb;
	/* 0 would disarm the lock timer: wait forever instead of a 503. */
	if (c->lock_timeout_ms <= 0)
		c->lock_timeout_ms = CONFIG_DEFAULT_LOCK_TIMEOUT_MS;
	uris = json_object_get(root, "redirect_uris");
	if (uris != NULL && !json_is_array(uris))
		goto out;
	json_array_foreach(uris, i, v) {
		if (!json_is_string(v) ||
		    config_add_redirect(c, json_string_value(v)) == -1)
			goto out;
	}
	if (c->client_name == NULL &&
	    (c->client_name = strdup("ChatGPT")) == NULL)
		goto out;
	rc = 0;
out:
	if (text.data != NULL)
		sodium_memzero(text.data, text.len);
	buf_free(&text);
	buf_free(&path);
	json_decref(root);
	if (rc == -1) {
		config_free(c);
		errno = err;
	}
	return rc;
}

static json_t *
config_json(const struct config *c)
{
	char	 key[64];
	json_t	*root, *uris;
	size_t	 i;

	sodium_bin2base64(key, sizeof(key), c->key, sizeof(c->key),
	    sodium_base64_VARIANT_ORIGINAL);
	root = json_pack("{s:i, s:s, s:b, s:s, s:s, s:s, s:s, s:I, s:I, s:I,"
	    " s:I, s:I, s:I, s:I, s:I}",
	    "version", 1, "base_url", c->base_url,
	    "base_url_auto", c->base_url_auto != 0, "client_id", c->client_id,
	    "client_secret", c->client_secret,
	    "client_name", c->client_name ? c->client_name : "ChatGPT",
	    "key", key, "max_body", (json_int_t)c->max_body,
	    "code_ttl", (json_int_t)c->code_ttl,
	    "access_ttl", (json_int_t)c->access_ttl,
	    "refresh_idle", (json_int_t)c->refresh_idle,
	    "pending_ttl", (json_int_t)c->pending_ttl,
	    "lock_timeout_ms", (json_int_t)c->lock_timeout_ms,
	    "max_json_values", (json_int_t)c->max_json_values,
	    "max_json_depth", (json_int_t)c->max_json_depth);
	sodium_memzero(key, sizeof(key));
	/* Only when set: a site on the default follows the library's. */
	if (root != NULL && c->password_cost != 0 &&
	    json_object_set_new(root, "password_cost",
	    json_integer(c->password_cost)) == -1) {
		json_decref(root);
		return NULL;
	}
	if (root != NULL && c->trusted_proxy != NULL &&
	    json_object_set_new(root, "trusted_proxy",
	    json_string(c->trusted_proxy)) == -1) {
		json_decref(root);
		return NULL;
	}
	if (root == NULL || (uris = json_array()) == NULL ||
	    json_object_set_new(root, "redirect_uris", uris) == -1) {
		json_decref(root);
		return NULL;
	}
	for (i = 0; i < c->nredirect; i++)
		if (json_array_append_new(uris,
		    json_string(c->redirect_uris[i])) == -1) {
			json_decref(root);
			return NULL;
		}
	return root;
}

int
config_save(const struct config *c)
{
	struct buf	 path = { 0 }, tmp = { 0 };
	json_t		*root;
	char		*text = NULL;
	size_t		 len;
	int		 fd = -1, rc = -1;

	if ((root = config_json(c)) == NULL)
		return -1;
	text = json_dumps(root, JSON_INDENT(2));
	json_decref(root);
	buf_printf(&path, "%s/config.json", c->datadir);
	buf_printf(&tmp, "%s/.config.json.tmp", c->datadir);
	if (text == NULL || path.failed || tmp.failed)
		goto out;
	len = strlen(text);
	/* A new file: no link planted at tmp's path is written through. */
	(void)unlink(tmp.data);
	if ((fd = open(tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1)
		goto out;
	if (write(fd, text, len) != (ssize_t)len || write(fd, "\n", 1) != 1 ||
	    fsync(fd) == -1)
		goto out;
	if (close(fd) == -1) {
		fd = -1;
		goto out;
	}
	fd = -1;
	if (rename(tmp.data, path.data) == -1)
		goto out;
	if ((fd = open(c->datadir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1)
		(void)fsync(fd);
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	if (rc == -1 && tmp.data != NULL)
		(void)unlink(tmp.data);
	if (text != NULL) {
		sodium_memzero(text, strlen(text));
		free(text);
	}
	buf_free(&path);
	buf_free(&tmp);
	return rc;
}

void
config_free(struct config *c)
{
	size_t i;

	free(c->datadir);
	free(c->base_url);
	free(c->client_id);
	if (c->client_secret != NULL) {
		sodium_memzero(c->client_secret, strlen(c->client_secret));
		free(c->client_secret);
	}
	free(c->client_name);
	free(c->trusted_proxy);
	for (i = 0; i < c->nredirect; i++)
		free(c->redirect_uris[i]);
	free(c->redirect_uris);
	sodium_memzero(c->key, sizeof(c->key));
	memset(c, 0, sizeof(*c));
}
