/*
 * hello: the benchmark's yardstick, the smallest useful CGI program: it
 * reads a POST's body and answers a fixed JSON body. Built with the same
 * flags and linking as the real programs, its requests/s under a server is
 * what process start-up and the server's CGI handling cost; each endpoint
 * is reported against it, GETs against GETs and POSTs against POSTs of the
 * same size.
 */
#include <stdlib.h>
#include <unistd.h>

int
main(void)
{
	const char	*cl = getenv("CONTENT_LENGTH");
	unsigned long	 left = cl != NULL ? strtoul(cl, NULL, 10) : 0;
	char		 buf[4096];
	ssize_t		 n;

	static const char out[] = "Status: 200 OK\r\n"
	    "Content-Type: application/json\r\n"
	    "Content-Length: 15\r\n\r\n"
	    "{\"hello\":true}\n";

	/* A POST's body is read, as every real program does: a CGI that
	 * leaves it unread stalls Apache's mod_cgid. */
	while (left > 0 && (n = read(STDIN_FILENO, buf, left < sizeof(buf) ?
	    left : sizeof(buf))) > 0)
		left -= (unsigned long)n;
	return write(STDOUT_FILENO, out, sizeof(out) - 1) ==
	    (ssize_t)(sizeof(out) - 1) ? 0 : 1;
}
