/* test_search: query terms and case-insensitive matching, valid and invalid. */
#include <string.h>

#include "conv/search.h"
#include "unit.h"

static int
matches(const char *q, const char *text)
{
	struct search	 s;
	enum omi_err	 err;
	unsigned	 found = 0;
	int		 rc;

	if ((err = search_compile(&s, q)) != OMI_OK) {
		search_free(&s);
		return -(int)err;
	}
	if ((err = search_scan(&s, text, strlen(text), &found)) != OMI_OK)
		rc = -(int)err;
	else
		rc = found == s.all;
	search_free(&s);
	return rc;
}

int
main(void)
{
	static const struct {
		const char	*q, *text;
		int		 want;	/* 1 match, 0 none, -OMI_INVALID */
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
		/* Diacritics and case ignored (lib/ufold), both ways. */
		{ "straße", "STRASSE", 1 },	/* ß -> ss since issue 19 */
		{ "diner", "Le Dîner", 1 },
		{ "cafe", "au café", 1 },
		{ "cafe", "au cafe\xcc\x81", 1 },	/* combining acute */
		{ "café", "au cafe", 1 },
		{ "cafe\xcc\x81", "AU CAFÉ", 1 },
		{ "strasse", "Hauptstraße 5", 1 },
		{ "STRASSE", "straße", 1 },
		{ "Muller", "Frau Müller", 1 },
		{ "zurich", "in Zürich", 1 },
		{ "Ecole", "l'École", 1 },
		{ "pho", "Phở bò", 1 },
		{ "αθηνα", "Αθήνα", 1 },
		{ "Αθήνα", "ΑΘΗΝΑ", 1 },
		{ "ελληνας", "Έλληνας", 1 },
		{ "σ", "λόγος", 1 },		/* final sigma */
		{ "ежик", "Ёжик", 1 },
		{ "lodz", "Łódź", 1 },
		{ "koln", "KÖLN", 1 },
		{ "\"creme brulee\"", "la crème brûlée", 1 },
		{ "\"creme brulee\"", "la crème, brûlée", 0 },
		{ "cafe", "caffè", 0 },
		{ "東京", "東京都", 1 },
		{ "か", "が", 0 },		/* kana voicing is not an accent */
		{ "\xcc\x81", "anything", 1 },	/* folds to nothing */
		{ "x \xcc\x81", "y", 0 },
		{ "\xcc\x81", "", 1 },
		{ "x", "", 0 },
		{ "a\tb", "b a", 1 },
		{ "", "x", -OMI_INVALID },
		{ "   ", "x", -OMI_INVALID },
		{ "\"\"", "x", -OMI_INVALID },
		{ "\"open", "open", -OMI_INVALID },
		{ "1 2 3 4 5 6 7 8", "12345678", 1 },
		{ "1 2 3 4 5 6 7 8 9", "123456789", -OMI_INVALID },
		{ "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "xxxxxxxxxxxxxxxxxxxx", "x", -OMI_INVALID },
	};
	struct search	 s;
	size_t		 i;
	int		 got;
	unsigned	 f = 0;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		got = matches(rows[i].q, rows[i].text);
		CHECK(got == rows[i].want);
		if (got != rows[i].want)
			fprintf(stderr, "  row %zu: got %d\n", i, got);
	}
	/* Terms found in different texts add up. */
	CHECK(search_compile(&s, "alpha beta") == OMI_OK);
	CHECK(search_scan(&s, "Alpha", 5, &f) == OMI_OK);
	CHECK(f == 1);
	CHECK(search_scan(&s, "nothing", 7, &f) == OMI_OK);
	CHECK(f == 1);
	CHECK(search_scan(&s, "BETA", 4, &f) == OMI_OK);
	CHECK(f == s.all);
	search_free(&s);
	return unit_done("test_search");
}
