/*
 * io: where a request comes from and where its answer goes. Plain CGI uses
 * the process environment, stdin and stdout; the FastCGI loop supplies its
 * own functions, so the same request code serves both modes.
 */
#ifndef OMI_IO_H
#define OMI_IO_H

#include <sys/types.h>

#include <stdint.h>

struct io {
	const char	*(*getenv)(void *ctx, const char *name);
	/* Returns bytes read, 0 at end of input, -1 on error. */
	ssize_t		 (*read)(void *ctx, void *buf, size_t n);
	/* Returns 0 when all n bytes were written, -1 otherwise. */
	int		 (*write)(void *ctx, const void *buf, size_t n);
	void		*ctx;
};

/* Fills io with the plain CGI functions (environ, fd 0, fd 1). */
void	 io_cgi(struct io *);

/* One FastCGI request as its io functions see it. */
struct io_fcgi_req {
	void		*request;	/* an FCGX_Request *, from libfcgi */
	uint64_t	 nread;		/* input bytes read so far */
};

/*
 * Fills io for one FastCGI request: parameters from the request, falling
 * back to the process environment for OMI_* settings a process manager
 * passes at spawn time.
 */
void	 io_fcgi(struct io *, struct io_fcgi_req *);
#endif
