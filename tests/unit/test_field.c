/*
 * Unit tests of field: field_check() against a parameter table, valid and
 * invalid requests side by side, and the order in which failures are told
 * (programs' answers depend on it).
 */
#include <string.h>

#include "http/field.h"
#include "unit.h"

static int
is_code(const char *v)
{
	return strcmp(v, "code") == 0;
}

/* The shape of authorize's request: a bounded state, a required field with
 * a validator, optional ones. */
static const struct field table[] = {
	{ "state", NULL, 8, 0 },
	{ "response_type", is_code, 0, FIELD_REQUIRED },
	{ "scope", NULL, 0, 0 },
};
#define NT	(sizeof(table) / sizeof(table[0]))
#define NOV	NULL, NULL, NULL	/* no values: a failure */

static void
test_table(void)
{
	static const struct {
		const char	*query;
		int		 flags;
		enum field_why	 why;
		const char	*name;		/* the failed field */
		const char	*state, *rt, *scope;	/* values on success */
	} t[] = {
		/* Valid. */
		{ "response_type=code", 0, FIELD_OK, NULL,
		    NULL, "code", NULL },
		{ "state=12345678&response_type=code&scope=a+b", 0, FIELD_OK,
		    NULL, "12345678", "code", "a b" },
		{ "response_type=code&extra=1&extra=2", 0, FIELD_OK, NULL,
		    NULL, "code", NULL },
		{ "response_type=code&state=&scope=", 0, FIELD_OK, NULL,
		    NULL, "code", NULL },
		{ "scope=x&response_type=code", FIELD_STRICT, FIELD_OK, NULL,
		    NULL, "code", "x" },
		/* Invalid, one problem each. */
		{ "", 0, FIELD_MISSING, "response_type", NOV },
		{ "response_type=", 0, FIELD_MISSING, "response_type", NOV },
		{ "response_type=token", 0, FIELD_INVALID, "response_type", NOV },
		{ "state=123456789&response_type=code", 0, FIELD_TOOLONG,
		    "state", NOV },
		{ "response_type=code&response_type=code", 0, FIELD_REPEATED,
		    "response_type", NOV },
		{ "response_type=code&scope=&scope=", 0, FIELD_REPEATED,
		    "scope", NOV },
		{ "response_type=code&extra=1", FIELD_STRICT, FIELD_UNKNOWN,
		    "extra", NOV },
		/* Order: repetitions before any other failure ... */
		{ "state=123456789&scope=a&scope=b", 0, FIELD_REPEATED,
		    "scope", NOV },
		/* ... in table order, without FIELD_STRICT ... */
		{ "scope=a&scope=b&state=1&state=2", 0, FIELD_REPEATED,
		    "state", NOV },
		/* ... in the request's order with it, unknown names too. */
		{ "scope=a&scope=b&state=1&state=2", FIELD_STRICT,
		    FIELD_REPEATED, "scope", NOV },
		{ "x=1&state=1&state=2", FIELD_STRICT, FIELD_UNKNOWN, "x", NOV },
		{ "state=1&state=2&x=1", FIELD_STRICT, FIELD_REPEATED,
		    "state", NOV },
		/* Then table order: a long state before a missing type. */
		{ "state=123456789", 0, FIELD_TOOLONG, "state", NOV },
		{ "state=1&response_type=token&scope=a&scope=b", 0,
		    FIELD_REPEATED, "scope", NOV },
	};
	struct params		 p;
	struct field_fail	 f;
	const char		*v[NT];
	enum field_why		 why;
	size_t			 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&p, 0, sizeof(p));
		CHECK(params_decode(&p, t[i].query, strlen(t[i].query)) ==
		    OMI_OK);
		why = field_check(&p, table, NT, t[i].flags, v, &f);
		if (why != t[i].why)
			fprintf(stderr, "case %zu: %s\n", i, t[i].query);
		CHECK(why == t[i].why);
		CHECK(f.why == why);
		if (why == FIELD_OK) {
			CHECK(f.name == NULL && f.index == NT);
			CHECK((v[0] == NULL) == (t[i].state == NULL));
			CHECK(v[0] == NULL || strcmp(v[0], t[i].state) == 0);
			CHECK(v[1] != NULL && strcmp(v[1], t[i].rt) == 0);
			CHECK((v[2] == NULL) == (t[i].scope == NULL));
			CHECK(v[2] == NULL || strcmp(v[2], t[i].scope) == 0);
		} else {
			CHECK(f.name != NULL && strcmp(f.name, t[i].name) == 0);
			CHECK(why == FIELD_UNKNOWN ? f.index == NT :
			    f.index < NT && table[f.index].name == f.name);
			/* No value of a refused request reaches a handler. */
			CHECK(v[0] == NULL && v[1] == NULL && v[2] == NULL);
		}
		params_free(&p);
	}
}

/* An empty table: nothing expected, so only FIELD_STRICT can refuse. */
static void
test_empty(void)
{
	struct params		 p = { 0 };
	struct field_fail	 f;

	CHECK(field_check(&p, table, 0, FIELD_STRICT, NULL, &f) == FIELD_OK);
	CHECK(params_decode(&p, "a=1", 3) == OMI_OK);
	CHECK(field_check(&p, table, 0, 0, NULL, &f) == FIELD_OK);
	CHECK(field_check(&p, table, 0, FIELD_STRICT, NULL, &f) ==
	    FIELD_UNKNOWN && strcmp(f.name, "a") == 0);
	params_free(&p);
}

int
main(void)
{
	test_table();
	test_empty();
	return unit_done("test_field");
}
