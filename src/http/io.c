/* io: the plain CGI transport (see io.h). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "http/io.h"

static const char *
cgi_getenv(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

static ssize_t
cgi_read(void *ctx, void *buf, size_t n)
{
	ssize_t r;

	(void)ctx;
	do
		r = read(STDIN_FILENO, buf, n);
	while (r == -1 && errno == EINTR);
	return r;
}

static int
cgi_write(void *ctx, const void *buf, size_t n)
{
	const char	*p = buf;
	ssize_t		 w;

	(void)ctx;
	while (n > 0) {
		w = write(STDOUT_FILENO, p, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

void
io_cgi(struct io *io)
{
	io->getenv = cgi_getenv;
	io->read = cgi_read;
	io->write = cgi_write;
	io->ctx = NULL;
}

static const char *
fcgi_getenv(void *ctx, const char *name)
{
	FCGX_Request	*req = ((struct io_fcgi_req *)ctx)->request;
	const char	*v = FCGX_GetParam(name, req->envp);

	if (v == NULL && strncmp(name, "OMI_", 4) == 0)
		v = getenv(name);
	return v;
}

static ssize_t
fcgi_read(void *ctx, void *buf, size_t n)
{
	struct io_fcgi_req	*fr = ctx;
	FCGX_Request		*req = fr->request;
	int			 r;

	if (n > INT32_MAX)
		n = INT32_MAX;
	r = FCGX_GetStr(buf, (int)n, req->in);
	if (r == 0 && FCGX_GetError(req->in) != 0)
		return -1;
	fr->nread += (uint64_t)r;
	return r;
}

static int
fcgi_write(void *ctx, const void *buf, size_t n)
{
	FCGX_Request	*req = ((struct io_fcgi_req *)ctx)->request;
	const char	*p = buf;
	int		 chunk, w;

	while (n > 0) {
		chunk = n > INT32_MAX ? INT32_MAX : (int)n;
		if ((w = FCGX_PutStr(p, chunk, req->out)) != chunk)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

void
io_fcgi(struct io *io, struct io_fcgi_req *fr)
{
	io->getenv = fcgi_getenv;
	io->read = fcgi_read;
	io->write = fcgi_write;
	io->ctx = fr;
}
