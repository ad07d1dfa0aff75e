/*
 * hello: the benchmark's yardsticks, the smallest useful programs. Built
 * with the same flags and linking as the real ones, and like them CGI or
 * FastCGI by how they are started (one binary), their requests/s under a
 * server is what process start-up or the server's FastCGI round trip
 * costs; each endpoint is reported against them.
 *
 * Named hello, it reads a request's body and answers a fixed JSON body.
 * Named hello-durable (the same binary under another name), it also
 * appends the body to hello-durable.out in OMI_DATA_DIR and fdatasyncs it
 * before answering: the floor of any write that is on disk before its
 * answer, the yardstick of the webhook and the token grants.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>

static const char ok[] = "Status: 200 OK\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 15\r\n\r\n"
    "{\"hello\":true}\n";
static const char fail[] = "Status: 500 Internal Server Error\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 20\r\n\r\n"
    "{\"error\":\"storage\"}\n";

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * One request: req NULL for CGI. The body is read whole, as every real
 * program does (a CGI that leaves it unread stalls Apache's mod_cgid),
 * and appended to fd when fd is not -1. Returns 1 when all of the body
 * CONTENT_LENGTH declared was read.
 */
static int
handle(FCGX_Request *req, int fd)
{
	const char	*cl = req != NULL ? FCGX_GetParam("CONTENT_LENGTH",
			    req->envp) : getenv("CONTENT_LENGTH");
	unsigned long	 left = cl != NULL ? strtoul(cl, NULL, 10) : 0;
	char		 buf[8192];
	size_t		 want;
	ssize_t		 n;
	int		 good = 1;

	while (left > 0) {
		want = left < sizeof(buf) ? left : sizeof(buf);
		n = req != NULL ? FCGX_GetStr(buf, (int)want, req->in) :
		    read(STDIN_FILENO, buf, want);
		if (n <= 0)
			break;
		left -= (unsigned long)n;
		if (fd != -1 && write_all(fd, buf, (size_t)n) == -1)
			good = 0;
	}
	if (fd != -1 && fdatasync(fd) == -1)
		good = 0;
	if (req != NULL)
		FCGX_PutStr(good ? ok : fail, good ? sizeof(ok) - 1 :
		    sizeof(fail) - 1, req->out);
	else if (write_all(STDOUT_FILENO, good ? ok : fail, good ?
	    sizeof(ok) - 1 : sizeof(fail) - 1) == -1)
		good = 0;
	return left == 0 && good;
}

int
main(int argc, char **argv)
{
	FCGX_Request	 req;
	const char	*name, *dir;
	char		 path[4096];
	int		 fd = -1, all;

	(void)argc;
	name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	if (strcmp(name, "hello-durable") == 0) {
		dir = getenv("OMI_DATA_DIR");
		snprintf(path, sizeof(path), "%s/hello-durable.out",
		    dir != NULL ? dir : ".");
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
		    0600);
	}
	if (FCGX_Init() != 0 || FCGX_IsCGI())
		return handle(NULL, fd) ? 0 : 1;
	if (FCGX_InitRequest(&req, 0, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&req) >= 0) {
		all = handle(&req, fd);
		/* As the real programs end a request (src/http/app.c). */
		if (all && FCGX_GetChar(req.in) == EOF)
			(void)FCGX_Detach(&req);
		FCGX_Finish_r(&req);
	}
	return 0;
}
