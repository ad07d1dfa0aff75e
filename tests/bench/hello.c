/*
 * hello: the benchmark's yardstick, the smallest useful CGI program: it
 * answers a fixed JSON body. Built with the same flags and linking as the
 * real programs, its requests/s under a server is what process start-up and
 * the server's CGI handling cost; each endpoint is reported against it.
 */
#include <unistd.h>

int
main(void)
{
	static const char out[] = "Status: 200 OK\r\n"
	    "Content-Type: application/json\r\n"
	    "Content-Length: 15\r\n\r\n"
	    "{\"hello\":true}\n";

	return write(STDOUT_FILENO, out, sizeof(out) - 1) ==
	    (ssize_t)(sizeof(out) - 1) ? 0 : 1;
}
