/*
 * log: one line per event on stderr, which the web server files into its
 * error log. Callers pass only what is safe to keep: uids, ids, sizes and
 * outcomes; never a secret, token, password or transcript.
 */
#ifndef OMI_LOG_H
#define OMI_LOG_H

/* Sets the program name that prefixes every line. */
void	 log_init(const char *prog);
void	 log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#endif
