/* io: the plain CGI transport (see io.h). */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "io.h"

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
