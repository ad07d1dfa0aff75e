/* app: the shared request path (see app.h). */
#include <sys/epoll.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <jansson.h>
#include <sodium.h>

#include "http/app.h"
#include "lib/buf.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/sec.h"
#include "lib/text.h"

#ifndef OMI_DEFAULT_DATADIR
#define OMI_DEFAULT_DATADIR "data"
#endif

void
app_error(struct app *a, enum app_errors style, int status, const char *code,
    const char *message)
{
	switch (style) {
	case APP_ERR_OAUTH:
		resp_oauth_error(&a->resp, status, code, message);
		break;
	case APP_ERR_HTML:
		resp_html_error(&a->resp, status, resp_reason(status), message);
		break;
	default:
		resp_api_error(&a->resp, status, code, message);
		break;
	}
}

/*
 * The three answers to a store error. A full disk is not retried on a
 * timer: it needs an administrator, so 507 carries no Retry-After.
 */
struct store_answer {
	int		 status;
	int		 retry;
	const char	*code;
	const char	*message;	/* API and OAuth */
	const char	*title;		/* HTML */
	const char	*page;		/* HTML */
};

static const struct store_answer store_unavailable = {
	503, 1, "storage_unavailable", "the data store is busy or "
	"unavailable; try again after Retry-After seconds",
	"Try again in a moment", "The service is busy or unavailable. "
	"Please try again."
};
static const struct store_answer store_full = {
	507, 0, "insufficient_storage", "the server's disk is full; try "
	"again later",
	"Try again later", "The service has run out of storage space. "
	"Please try again later."
};
static const struct store_answer store_internal = {
	500, 0, "server_error", "internal error",
	"Something went wrong", "An internal error occurred. Please try "
	"again later."
};

void
app_store_error(struct app *a, enum app_errors style, enum omi_err err)
{
	const struct store_answer *s;

	switch (err) {
	case OMI_BUSY:
	case OMI_READONLY:
	case OMI_CORRUPT:
	case OMI_ERROR:
		s = &store_unavailable;
		break;
	case OMI_FULL:
		s = &store_full;
		break;
	default:
		s = &store_internal;
		break;
	}
	switch (style) {
	case APP_ERR_OAUTH:
		resp_oauth_error(&a->resp, s->status, "server_error",
		    s->message);
		break;
	case APP_ERR_HTML:
		resp_html_error(&a->resp, s->status, s->title, s->page);
		break;
	default:
		resp_api_error(&a->resp, s->status, s->code, s->message);
		break;
	}
	if (s->retry)
		resp_header(&a->resp, "Retry-After", APP_RETRY_AFTER);
}

void
app_method_not_allowed(struct app *a, enum app_errors style,
    const char *allow)
{
	app_error(a, style, 405, style == APP_ERR_OAUTH ? "invalid_request" :
	    "method_not_allowed", "this method is not allowed here");
	resp_header(&a->resp, "Allow", allow);
}

static void
parse_error(struct app *a, enum app_errors style, int status)
{
	switch (status) {
	case 413:
		app_error(a, style, 413, style == APP_ERR_OAUTH ?
		    "invalid_request" : "payload_too_large",
		    "the request body is larger than this endpoint accepts");
		break;
	case 414:
		app_error(a, style, 414, style == APP_ERR_OAUTH ?
		    "invalid_request" : "uri_too_long",
		    "the query string is too long");
		break;
	case 400:
		app_error(a, style, 400, style == APP_ERR_OAUTH ?
		    "invalid_request" : "invalid_request",
		    "the request is malformed (length, encoding or parameters)");
		break;
	default:
		app_error(a, style, 500, "server_error", "internal error");
		break;
	}
}

/*
 * FastCGI: the configuration an earlier request parsed, reused while
 * config.json is the same file with the same size and times (omi-admin
 * replaces it by rename, an edit in place changes its times). A file
 * changed less than two seconds before it was read is not kept: file
 * timestamps are coarser than two quick writes. Requests borrow it and
 * never change it.
 */
static struct {
	struct config	 cfg;
	struct stat	 st;
	int		 valid;
} cached;

static int
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	    a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	    a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	    a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* Fills a->cfg; 0, or -1 with errno set. *borrowed: a->cfg is the cache. */
static int
load_config(struct app *a, const char *dir, int persistent, int *borrowed)
{
	struct buf	 path = { 0 };
	struct stat	 st;
	int		 have_st;

	*borrowed = 0;
	if (!persistent)
		return config_load(&a->cfg, dir);
	if (buf_printf(&path, "%s/config.json", dir) == -1)
		return -1;
	have_st = stat(path.data, &st) == 0;
	buf_free(&path);
	if (have_st && cached.valid && same_file(&st, &cached.st) &&
	    strcmp(cached.cfg.datadir, dir) == 0) {
		a->cfg = cached.cfg;
		*borrowed = 1;
		return 0;
	}
	if (cached.valid) {
		config_free(&cached.cfg);
		cached.valid = 0;
	}
	if (config_load(&a->cfg, dir) == -1)
		return -1;
	if (have_st && st.st_mtim.tv_sec < time(NULL) - 1 &&
	    st.st_ctim.tv_sec < time(NULL) - 1) {
		cached.cfg = a->cfg;
		cached.st = st;
		cached.valid = 1;
		*borrowed = 1;
	}
	return 0;
}

static void
serve(const struct app_spec *spec, const struct io *io, int persistent)
{
	struct app	 a;
	const char	*fwd, *peer;
	char		*dir;
	size_t		 cap;
	int		 rc, borrowed = 0;

	memset(&a, 0, sizeof(a));
	a.prog = spec->prog;
	resp_init(&a.resp);
	dir = config_datadir(io->getenv(io->ctx, "OMI_DATA_DIR"),
	    OMI_DEFAULT_DATADIR);
	if (dir == NULL || load_config(&a, dir, persistent, &borrowed) == -1) {
		log_msg("cannot load the configuration from %s: %s",
		    dir ? dir : "?", strerror(errno));
		memset(&a.cfg, 0, sizeof(a.cfg));
		a.req.io = io;
		app_error(&a, spec->errors, 503, "not_configured",
		    "this service is not configured yet (run omi-admin init)");
		resp_header(&a.resp, "Retry-After", "60");
		goto send;
	}
	cap = spec->max_body ? spec->max_body : (size_t)a.cfg.max_body;
	if ((rc = cgi_parse(&a.req, io, cap, spec->raw_body ? CGI_BODY_RAW :
	    CGI_BODY_FORM)) != 0) {
		log_msg("rejected request: status %d", rc);
		parse_error(&a, spec->errors, rc);
		goto send;
	}
	/*
	 * Behind a TLS-terminating proxy, X-Forwarded-Proto is believed only
	 * from the configured proxy address: any client can send the header.
	 */
	fwd = cgi_getenv(&a.req, "HTTP_X_FORWARDED_PROTO");
	peer = cgi_getenv(&a.req, "REMOTE_ADDR");
	if (!a.req.https && fwd != NULL && peer != NULL &&
	    a.cfg.trusted_proxy != NULL && strcmp(peer, a.cfg.trusted_proxy) == 0 &&
	    strcmp(fwd, "https") == 0)
		a.req.https = 1;
	spec->handle(&a);
send:
	if (spec->finish != NULL)
		spec->finish(&a);
	a.resp.head_only = a.req.method != NULL &&
	    strcmp(a.req.method, "HEAD") == 0;
	resp_send(&a.resp, io);
	resp_free(&a.resp);
	cgi_free(&a.req);
	if (!borrowed)
		config_free(&a.cfg);
	free(dir);
}

/*
 * Ends a FastCGI request. libfcgi closes a connection with shutdown(), then
 * reads until the server closes its side (up to 2 s), so that input still
 * in flight cannot make a TCP stack reset the connection and lose the
 * answer. The server closes only once it has read the answer, so that wait
 * kept this process from its next request, a visible share of a FastCGI
 * read's time (docs/benchmarks.md). When the request's input ends here,
 * the server sends nothing more on this connection and a plain close loses
 * nothing: FCGX_Detach asks for one. The end is looked for only once all
 * the body CONTENT_LENGTH declared was read: what follows then is the end
 * of input, sent together with the last of the body, so the look cannot
 * wait on a slow client. Input left unread (an answer given before the
 * body was read) keeps the careful close.
 */
static void
finish(FCGX_Request *req, uint64_t nread)
{
	const char	*cl = FCGX_GetParam("CONTENT_LENGTH", req->envp);
	uint64_t	 want = 0;

	if ((cl == NULL || *cl == '\0' || parse_u64(cl, UINT64_MAX,
	    &want) == 0) && nread == want &&
	    FCGX_GetChar(req->in) == EOF && FCGX_GetError(req->in) == 0)
		(void)FCGX_Detach(req);
	FCGX_Finish_r(req);
}

/*
 * What a process keeps goes when no request came for a second: a
 * compaction's old omi.db, deleted bytes and all, stays allocated while a
 * descriptor holds it. The wait is an epoll with EPOLLEXCLUSIVE, not a
 * poll: every process of the pool waits on the one socket, and a poll
 * woke them all for each connection where accept() wakes one.
 */
#define APP_IDLE_MS	1000

static void
forget_when_idle(const struct app_keep *keep, int listenfd)
{
	static int		 ep = -1;
	struct epoll_event	 ev = { .events = EPOLLIN | EPOLLEXCLUSIVE };

	if (keep == NULL || !keep->held())
		return;
	if (ep == -1 && (ep = epoll_create1(EPOLL_CLOEXEC)) != -1 &&
	    epoll_ctl(ep, EPOLL_CTL_ADD, listenfd, &ev) == -1) {
		close(ep);
		ep = -1;
	}
	/* Without a way to wait, nothing is kept while idle. */
	if (ep == -1 || epoll_wait(ep, &ev, 1, APP_IDLE_MS) == 0)
		keep->forget();
}

#ifdef OMI_TEST_HOOKS
/*
 * The test build's crash points read the process environment
 * (store/disk.c), where a CGI request's headers are; a FastCGI request's
 * arrive as its parameters, so the one they look for is copied there.
 */
static void
test_hooks_env(FCGX_Request *req)
{
	const char *w = FCGX_GetParam("HTTP_X_OMI_TEST_CRASH", req->envp);

	if (w != NULL)
		(void)setenv("HTTP_X_OMI_TEST_CRASH", w, 1);
	else
		(void)unsetenv("HTTP_X_OMI_TEST_CRASH");
}
#else
#define test_hooks_env(req) ((void)0)
#endif

/*
 * FastCGI: the same serve() per request, in a loop. Nothing survives a
 * request but the library state, the parsed configuration and, for a
 * program that mostly reads, a database handle (struct app_keep): serve()
 * frees its context and ends its store session every time, so no
 * authorization can leak across requests.
 */
static int
run_fastcgi(const struct app_spec *spec)
{
	FCGX_Request		 req;
	struct io_fcgi_req	 fr;
	struct io		 io;

	if (FCGX_InitRequest(&req, 0, 0) != 0) {
		log_msg("FastCGI: cannot initialise a request");
		return 1;
	}
	if (spec->keep != NULL)
		spec->keep->begin();
	for (;;) {
		forget_when_idle(spec->keep, req.listen_sock);
		if (FCGX_Accept_r(&req) < 0)
			break;
		fr.request = &req;
		fr.nread = 0;
		io_fcgi(&io, &fr);
		test_hooks_env(&req);
		serve(spec, &io, 1);
		finish(&req, fr.nread);
	}
	FCGX_Free(&req, 1);
	return 0;
}

int
app_run(const struct app_spec *spec)
{
	struct io	 io;
	int		 fastcgi;

	log_init(spec->prog);
	/* One binary: started by a FastCGI process manager, fd 0 is a socket. */
	fastcgi = FCGX_Init() == 0 && !FCGX_IsCGI();
	io_cgi(&io);
	if (sec_init() == -1) {
		log_msg("libsodium failed to initialise");
		if (!fastcgi)
			resp_send_fatal(&io);
		return 1;
	}
	/* Jansson seeds its hash tables from /dev/urandom (an open, a read
	 * and a close per process) unless given a seed: take it from
	 * libsodium, which is initialised already. */
	json_object_seed(randombytes_random() | 1);
	json_alloc_watch();
	if (fastcgi)
		return run_fastcgi(spec);
	serve(spec, &io, 0);
	return 0;
}
