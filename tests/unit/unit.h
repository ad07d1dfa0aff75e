/*
 * unit.h: the unit tests' tiny harness. CHECK records a pass or a failure
 * with its line; unit_done() prints "N passed, N failed" and sets the exit
 * status.
 */
#ifndef OMI_UNIT_H
#define OMI_UNIT_H

#include <stdio.h>
#include <stdlib.h>

static int unit_pass, unit_fail;

#define CHECK(cond) do {						\
	if (cond)							\
		unit_pass++;						\
	else {								\
		unit_fail++;						\
		fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__,	\
		    __LINE__, #cond);					\
	}								\
} while (0)

/* Removes a test's data directory, kept when a check failed. */
static inline void
unit_rmtree(const char *dir)
{
	char cmd[512];

	if (unit_fail > 0)
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

static inline int
unit_done(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, unit_pass, unit_fail);
	return unit_fail ? 1 : 0;
}
#endif
