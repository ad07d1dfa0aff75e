/*
 * test_account: auth/account.c's password hashing at the site's
 * password_cost. A hash is made at the configured cost (its setting says
 * which: yescrypt's "$y$j75$" for cost 1, the library default "$y$j9T$"
 * when the site sets none), any hash verifies whatever the site's cost now
 * is (the cost is in the hash), and the dummy verification for an unknown
 * uid costs what a real one at the configured cost does: process CPU time,
 * not wall time, so a busy machine does not make it flaky.
 */
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "auth/account.h"
#include "unit.h"

static double
cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* CPU milliseconds of one check of password against hash (NULL: none). */
static double
check_ms(const struct config *c, const char *hash, int *ok)
{
	double t = cpu_ms();

	*ok = account_check_password(c, hash, "pass word");
	return cpu_ms() - t;
}

int
main(void)
{
	struct config	 lo, dflt;
	char		*h1, *h3, *h5;
	double		 dummy1, dummy5, real5;
	int		 ok;

	if (sodium_init() == -1)
		return 1;
	config_defaults(&lo);
	config_defaults(&dflt);
	lo.password_cost = CONFIG_PASSWORD_COST_MIN;
	CHECK(dflt.password_cost == 0);

	h1 = account_hash_password(&lo, "pass word");
	CHECK(h1 != NULL && strncmp(h1, "$y$j75$", 7) == 0);
	lo.password_cost = 3;
	h3 = account_hash_password(&lo, "pass word");
	CHECK(h3 != NULL && strncmp(h3, "$y$j7T$", 7) == 0);
	lo.password_cost = CONFIG_PASSWORD_COST_MIN;
	/* Unset: the library's default, yescrypt's cost 5. */
	h5 = account_hash_password(&dflt, "pass word");
	CHECK(h5 != NULL && strncmp(h5, "$y$j9T$", 7) == 0);
	/* Fresh salts: the same password never hashes the same. */
	CHECK(h1 != NULL && h3 != NULL && strcmp(h1, h3) != 0);

	/* Every hash verifies under either setting; wrong passwords do not. */
	CHECK(account_check_password(&lo, h1, "pass word") == 1);
	CHECK(account_check_password(&dflt, h1, "pass word") == 1);
	CHECK(account_check_password(&lo, h3, "pass word") == 1);
	CHECK(account_check_password(&lo, h5, "pass word") == 1);
	CHECK(account_check_password(&lo, h1, "pass wordx") == 0);
	CHECK(account_check_password(&dflt, h5, "Pass word") == 0);
	CHECK(account_check_password(&lo, h1, "") == 0);
	/* No account: never a match. */
	CHECK(account_check_password(&lo, NULL, "pass word") == 0);
	CHECK(account_check_password(&dflt, NULL, "pass word") == 0);

	/*
	 * The dummy spends the configured cost: at the default about what
	 * verifying a default-cost hash does, at cost 1 far less (yescrypt's
	 * cost 5 is 16 times cost 1; the bounds leave room for noise).
	 */
	dummy1 = check_ms(&lo, NULL, &ok);
	dummy5 = check_ms(&dflt, NULL, &ok);
	real5 = check_ms(&dflt, h5, &ok);
	CHECK(ok == 1);
	CHECK(dummy5 > real5 / 2 && dummy5 < real5 * 2);
	CHECK(dummy1 < dummy5 / 4);

	free(h1);
	free(h3);
	free(h5);
	return unit_done("test_account");
}
