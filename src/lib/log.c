/* log: stderr logging (see log.h). Lines are written with one write(2). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/log.h"

static const char *log_prog = "omi";

void
log_init(const char *prog)
{
	log_prog = prog;
}

void
log_msg(const char *fmt, ...)
{
	char		 line[1024], stamp[UTC_LEN];
	va_list		 ap;
	size_t		 n = 0;
	int		 k;

	format_utc(time(NULL), 'T', stamp);
	k = snprintf(line, sizeof(line), "%s %s[%d]: ", stamp, log_prog,
	    (int)getpid());
	if (k > 0)
		n += (size_t)k < sizeof(line) - n ? (size_t)k : 0;
	va_start(ap, fmt);
	k = vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	n = k < 0 ? n : n + (size_t)k >= sizeof(line) - 1 ?
	    sizeof(line) - 2 : n + (size_t)k;
	/* A control character could forge a second log line. */
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)line[i] < 0x20)
			line[i] = ' ';
	line[n++] = '\n';
	(void)!write(STDERR_FILENO, line, n);
}
