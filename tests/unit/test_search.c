/* test_search: query terms and case-insensitive matching, valid and invalid. */
#include <string.h>

#include "conv/search.h"
#include "unit.h"

static int
matches(const char *q, const char *text)
{
	struct search	 s;
	int		 rc, found;

	if ((rc = search_compile(&s, q)) != 0) {
		search_free(&s);
		return -10 - rc;
	}
	found = search_scan(&s, text, strlen(text), 0);
	rc = found == (int)s.all;
	search_free(&s);
	return rc;
}

int
main(void)
{
	static const struct {
		const char	*q, *text;
		int		 want;	/* 1 match, 0 none, -11 invalid */
	} rows[] = {
		{ "kitchen", "Planning The Kitchen Renovation", 1 },
		{ "KITCHEN", "planning the kitchen renovation", 1 },
		{ "kitch", "Kitchen", 1 },
		{ "kitchen budget", "kitchen and budget", 1 },
		{ "kitchen garage", "kitchen and budget", 0 },
		{ "\"six weeks\"", "it takes about six weeks.", 1 },
		{ "\"six weeks\"", "six long weeks", 0 },
		{ "six weeks", "six long weeks", 1 },
		{ "KÜCHE", "Küche & Zeitplan", 1 },
		{ "küche", "KÜCHE", 1 },
		{ "ΑΘΗΝΑ", "αθηνα", 1 },
		{ "москва", "МОСКВА", 1 },
		{ "🔨", "a 🔨 b", 1 },
		{ "straße", "STRASSE", 0 },	/* simple folding, no ß -> ss */
		{ "a\tb", "b a", 1 },
		{ "", "x", -11 },
		{ "   ", "x", -11 },
		{ "\"\"", "x", -11 },
		{ "\"open", "open", -11 },
		{ "1 2 3 4 5 6 7 8", "12345678", 1 },
		{ "1 2 3 4 5 6 7 8 9", "123456789", -11 },
		{ "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "xxxxxxxxxxxxxxxxxxxx", "x", -11 },
	};
	struct search	 s;
	size_t		 i;
	int		 got, f;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		got = matches(rows[i].q, rows[i].text);
		CHECK(got == rows[i].want);
		if (got != rows[i].want)
			fprintf(stderr, "  row %zu: got %d\n", i, got);
	}
	/* Terms found in different texts add up. */
	CHECK(search_compile(&s, "alpha beta") == 0);
	f = search_scan(&s, "Alpha", 5, 0);
	CHECK(f == 1);
	f = search_scan(&s, "nothing", 7, (unsigned)f);
	CHECK(f == 1);
	f = search_scan(&s, "BETA", 4, (unsigned)f);
	CHECK(f == (int)s.all);
	search_free(&s);
	return unit_done("test_search");
}
