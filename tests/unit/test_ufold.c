/*
 * test_ufold: lib/ufold.c, the case and diacritic folding of search, and
 * the word characters of folded text. The examples people type, spot
 * checks of the generated table (Latin-1, Latin Extended, Vietnamese,
 * Greek, combining marks, ASCII), and properties over every Unicode scalar
 * value: folding twice changes nothing, the fast ASCII path agrees with
 * the code point path, folding keeps word characters apart from the
 * others, and the table holds the C library's towlower (C.UTF-8), which
 * folding no longer calls; and on random texts, every term that towlower
 * alone found is still found.
 */
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wctype.h>

#include "lib/buf.h"
#include "lib/text.h"
#include "lib/ufold.h"
#include "lib/ustr.h"
#include "unit.h"

/* The C library's C.UTF-8, the reference folding no longer uses. */
static locale_t utf8_loc;

/* norm of a whole string, into a static buffer (tests only). */
static const char *
fold(const char *s)
{
	static struct buf	 b;

	if (s == NULL) {
		buf_free(&b);
		return NULL;
	}
	if (ufold_text(s, strlen(s), &b) == -1)
		return "(nomem)";
	return b.data;
}

static void
expect(const char *in, const char *want, int line)
{
	const char	*got;

	got = fold(in);
	CHECK(strcmp(got, want) == 0);
	if (strcmp(got, want) != 0)
		fprintf(stderr, "  line %d: \"%s\" -> \"%s\", want \"%s\"\n",
		    line, in, got, want);
}
#define EXPECT(in, want)	expect(in, want, __LINE__)

/* The examples of issue 19, and the other way round. */
static void
test_examples(void)
{
	EXPECT("Dîner", "diner");
	EXPECT("café", "cafe");
	EXPECT("cafe\xcc\x81", "cafe");		/* e + U+0301 */
	EXPECT("Straße", "strasse");
	EXPECT("STRASSE", "strasse");
	EXPECT("STRAẞE", "strasse");		/* capital sharp s */
	EXPECT("Müller", "muller");
	EXPECT("Zürich", "zurich");
	EXPECT("École", "ecole");
	EXPECT("Phở", "pho");
	EXPECT("Αθήνα", "αθηνα");
	EXPECT("KÜCHE", "kuche");
	EXPECT("Москва", "москва");
	EXPECT("Ёлка", "елка");
	EXPECT("東京タワー", "東京タワー");
	EXPECT("서울", "서울");			/* Hangul stays in syllables */
	EXPECT("がっこう", "がっこう");		/* dakuten is no accent */
	EXPECT("हिन्दी", "हिन्दी");		/* nor are vowel signs */
	EXPECT("a 🔨 b", "a 🔨 b");
	EXPECT("❤\xef\xb8\x8f", "❤");		/* variation selector 16 */
	EXPECT("ﬁle ﬂow", "file flow");
	EXPECT("Œuvre Ærø", "oeuvre aero");
	EXPECT("Łódź", "lodz");
	EXPECT("Þórður", "thordur");
	EXPECT("İstanbul ılık", "istanbul ilik");
	EXPECT("Tiếng Việt, Đà Nẵng", "tieng viet, da nang");
	EXPECT("שָׁלוֹם", "שלום");			/* Hebrew points */
	EXPECT("مَدْرَسَة", "مدرسة");		/* Arabic harakat */
	EXPECT("", "");
	EXPECT("\xff", "\xef\xbf\xbd");		/* a bad byte: U+FFFD */
}

/* Every letter of Latin-1 (U+00C0-00FF but the two signs), and a few. */
static void
test_latin(void)
{
	static const char *const latin1[64] = {
		"a", "a", "a", "a", "a", "a", "ae", "c",	/* C0 */
		"e", "e", "e", "e", "i", "i", "i", "i",		/* C8 */
		"d", "n", "o", "o", "o", "o", "o", NULL,	/* D0 */
		"o", "u", "u", "u", "u", "y", "th", "ss",	/* D8 */
		"a", "a", "a", "a", "a", "a", "ae", "c",	/* E0 */
		"e", "e", "e", "e", "i", "i", "i", "i",		/* E8 */
		"d", "n", "o", "o", "o", "o", "o", NULL,	/* F0 */
		"o", "u", "u", "u", "u", "y", "th", "y",	/* F8 */
	};
	static const struct {
		uint32_t	 cp;
		const char	*want;
	} rows[] = {
		{ 0x00D7, "×" }, { 0x00F7, "÷" }, { 0x00B5, "μ" },
		{ 0x00AA, "ª" }, { 0x00BA, "º" }, { 0x00A0, "\xc2\xa0" },
		/* Latin Extended-A */
		{ 0x0100, "a" }, { 0x0107, "c" }, { 0x010C, "c" },
		{ 0x010E, "d" }, { 0x0110, "d" }, { 0x0111, "d" },
		{ 0x0119, "e" }, { 0x011B, "e" }, { 0x011F, "g" },
		{ 0x0126, "h" }, { 0x0127, "h" }, { 0x0130, "i" },
		{ 0x0131, "i" }, { 0x0132, "ij" }, { 0x0133, "ij" },
		{ 0x013F, "l" }, { 0x0141, "l" }, { 0x0142, "l" },
		{ 0x0144, "n" }, { 0x0148, "n" }, { 0x0151, "o" },
		{ 0x0152, "oe" }, { 0x0153, "oe" }, { 0x0159, "r" },
		{ 0x015B, "s" }, { 0x015F, "s" }, { 0x0161, "s" },
		{ 0x0163, "t" }, { 0x0166, "t" }, { 0x016F, "u" },
		{ 0x0171, "u" }, { 0x0175, "w" }, { 0x0178, "y" },
		{ 0x017E, "z" }, { 0x017F, "s" },
		/* Latin Extended-B */
		{ 0x01A0, "o" }, { 0x01A1, "o" }, { 0x01AF, "u" },
		{ 0x01B0, "u" }, { 0x01C4, "dz" }, { 0x01C5, "dz" },
		{ 0x01C6, "dz" }, { 0x01C9, "lj" }, { 0x01CC, "nj" },
		{ 0x01CE, "a" }, { 0x01D7, "u" }, { 0x01F1, "dz" },
		{ 0x01FC, "ae" }, { 0x01FE, "o" }, { 0x0218, "s" },
		{ 0x021B, "t" }, { 0x0192, "ƒ" }, { 0x0253, "ɓ" },
		{ 0x014B, "ŋ" },
		/* Latin Extended Additional: Vietnamese */
		{ 0x1EA0, "a" }, { 0x1EA1, "a" }, { 0x1EAD, "a" },
		{ 0x1EBF, "e" }, { 0x1EC7, "e" }, { 0x1ED3, "o" },
		{ 0x1EDF, "o" }, { 0x1EE3, "o" }, { 0x1EE9, "u" },
		{ 0x1EF1, "u" }, { 0x1EF3, "y" }, { 0x1E9E, "ss" },
		/* Greek: tonos, dialytika, final sigma, ypogegrammeni */
		{ 0x0386, "α" }, { 0x0388, "ε" }, { 0x0389, "η" },
		{ 0x038A, "ι" }, { 0x038C, "ο" }, { 0x038E, "υ" },
		{ 0x038F, "ω" }, { 0x0390, "ι" }, { 0x03AA, "ι" },
		{ 0x03AC, "α" }, { 0x03AD, "ε" }, { 0x03AE, "η" },
		{ 0x03AF, "ι" }, { 0x03B0, "υ" }, { 0x03C2, "σ" },
		{ 0x03CC, "ο" }, { 0x03CD, "υ" }, { 0x03CE, "ω" },
		{ 0x1FB3, "α" }, { 0x1FBC, "α" }, { 0x1F00, "α" },
		{ 0x1FF7, "ω" }, { 0x2126, "ω" },
		/* Cyrillic */
		{ 0x0401, "е" }, { 0x0451, "е" }, { 0x0419, "и" },
		{ 0x0457, "і" }, { 0x0416, "ж" }, { 0x044F, "я" },
		/* Others: the Kelvin and Angstrom signs, CJK compatibility */
		{ 0x212A, "k" }, { 0x212B, "a" }, { 0xF900, "\xe8\xb1\x88" },
		{ 0xFB00, "ff" }, { 0xFB01, "fi" }, { 0xFB02, "fl" },
		{ 0xFB03, "ffi" }, { 0xFB04, "ffl" }, { 0xFB05, "st" },
		{ 0xFB06, "st" },
		/* Combining marks: diacritics fold away, letters stay */
		{ 0x0300, "" }, { 0x0301, "" }, { 0x0308, "" },
		{ 0x0327, "" }, { 0x0345, "" }, { 0x036F, "" },
		{ 0x0483, "" }, { 0x05B8, "" }, { 0x064E, "" },
		{ 0x1AB0, "" }, { 0x1DC0, "" }, { 0x20D7, "" },
		{ 0xFE0F, "" }, { 0xFE20, "" }, { 0xE0100, "" },
		{ 0x3099, "\xe3\x82\x99" }, { 0x0941, "\xe0\xa5\x81" },
		{ 0x093F, "\xe0\xa4\xbf" }, { 0x0E48, "\xe0\xb9\x88" },
		{ 0x20DD, "\xe2\x83\x9d" },	/* enclosing: not Mn */
		/* Unchanged */
		{ 0x4E2D, "中" }, { 0xAC00, "가" }, { 0x3042, "あ" },
		{ 0x1F528, "🔨" }, { 0x10FFFF, "\xf4\x8f\xbf\xbf" },
	};
	char		 out[UFOLD_MAX + 1];
	size_t		 i, n;

	for (i = 0; i < 64; i++) {
		if (latin1[i] == NULL)
			continue;
		n = ufold_cp(0xC0 + (uint32_t)i, out);
		out[n] = '\0';
		CHECK(strcmp(out, latin1[i]) == 0);
		if (strcmp(out, latin1[i]) != 0)
			fprintf(stderr, "  U+%04zX -> \"%s\"\n",
			    0xC0 + i, out);
	}
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		n = ufold_cp(rows[i].cp, out);
		out[n] = '\0';
		CHECK(strcmp(out, rows[i].want) == 0);
		if (strcmp(out, rows[i].want) != 0)
			fprintf(stderr, "  U+%04X -> \"%s\"\n",
			    (unsigned)rows[i].cp, out);
	}
}

/* ASCII: letters lowered, everything else as it is. */
static void
test_ascii(void)
{
	char		 out[UFOLD_MAX];
	uint32_t	 c;
	size_t		 n;
	unsigned	 bad = 0;

	for (c = 0; c < 0x80; c++) {
		n = ufold_cp(c, out);
		if (n != 1 || (unsigned char)out[0] != (c >= 'A' &&
		    c <= 'Z' ? c + 'a' - 'A' : c))
			bad++;
	}
	CHECK(bad == 0);
}

static void
test_is_word(void)
{
	static const struct {
		uint32_t	 cp;
		int		 want;
	} rows[] = {
		{ 'a', 1 }, { 'z', 1 }, { '0', 1 }, { '9', 1 }, { 'A', 1 },
		{ 'Z', 1 }, { '_', 0 }, { '\'', 0 }, { ' ', 0 }, { '-', 0 },
		{ '.', 0 }, { '"', 0 }, { '\t', 0 }, { 0, 0 }, { 0x7F, 0 },
		{ 0x00A0, 0 }, { 0x2019, 0 }, { 0x02BC, 1 }, { 0x00E4, 1 },
		{ 0x00DF, 1 }, { 0x00B2, 1 }, { 0x00BD, 1 }, { 0x00D7, 0 },
		{ 0x00AB, 0 }, { 0x03B1, 1 }, { 0x0436, 1 }, { 0x05E9, 1 },
		{ 0x0627, 1 }, { 0x0661, 1 }, { 0x0915, 1 }, { 0x093F, 1 },
		{ 0x0941, 1 }, { 0x0E01, 1 }, { 0x0E48, 1 }, { 0x3099, 1 },
		{ 0x0301, 0 }, { 0xFE0F, 0 }, { 0x4E2D, 1 }, { 0x3042, 1 },
		{ 0x30FC, 1 }, { 0xAC00, 1 }, { 0x3000, 0 }, { 0x3002, 0 },
		{ 0xFF0C, 0 }, { 0xFF21, 1 }, { 0x1F528, 0 }, { 0x2764, 0 },
		{ 0x1F600, 0 }, { 0x200D, 0 }, { 0x20000, 1 }, { 0xE000, 0 },
		{ 0xFFFD, 0 }, { 0x10FFFF, 0 }, { 0x110000, 0 },
		{ 0xFFFFFFFF, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		CHECK(ufold_is_word(rows[i].cp) == rows[i].want);
		if (ufold_is_word(rows[i].cp) != rows[i].want)
			fprintf(stderr, "  is_word U+%04X\n",
			    (unsigned)rows[i].cp);
	}
}

/*
 * Over every scalar value, with and without the locale: norm(norm(c)) ==
 * norm(c); the result is valid UTF-8 of at most UFOLD_MAX bytes; a word
 * character folds to word characters only and any other to none, so a text
 * cut into words before or after folding gives the same words.
 */
static void
test_all(void)
{
	char		 once[UFOLD_MAX], twice[UFOLD_MAX * UFOLD_MAX];
	size_t		 n, m, j, len;
	uint32_t	 c, d;
	unsigned	 idem = 0, word = 0, utf8 = 0;

	for (c = 0; c <= 0x10FFFF; c++) {
		if (c >= 0xD800 && c <= 0xDFFF)
			continue;
		n = ufold_cp(c, once);
		if (n > UFOLD_MAX || (c != 0 && !valid_utf8(once, n)))
			utf8++;
		for (j = m = 0; j < n; j += len) {
			len = ustr_decode(once + j, n - j, &d);
			if (ufold_is_word(d) != ufold_is_word(c))
				word++;
			m += ufold_cp(d, twice + m);
		}
		if (m != n || memcmp(once, twice, n) != 0) {
			if (idem++ < 5)
				fprintf(stderr, "  not idempotent: "
				    "U+%04X\n", (unsigned)c);
		}
	}
	CHECK(idem == 0);
	CHECK(word == 0);
	CHECK(utf8 == 0);
}

/*
 * The table's case folding holds the C library's towlower: norm(towlower(c))
 * == norm(c) for every c, so folding needs no locale, and a term found by
 * towlower alone is still found (test_superset). A failure here means the
 * C library knows a newer Unicode than the table: run scripts/gen-ufold.py
 * with a Python of that version.
 */
static void
test_locale(void)
{
	char		 a[UFOLD_MAX], b[UFOLD_MAX];
	size_t		 n, m;
	uint32_t	 c;
	unsigned	 bad = 0;

	if (utf8_loc == (locale_t)0)
		return;
	for (c = 0; c <= 0x10FFFF; c++) {
		if (c >= 0xD800 && c <= 0xDFFF)
			continue;
		n = ufold_cp((uint32_t)towlower_l((wint_t)c, utf8_loc), a);
		m = ufold_cp(c, b);
		if ((n != m || memcmp(a, b, n) != 0) && bad++ < 5)
			fprintf(stderr, "  U+%04X folds differently with "
			    "C.UTF-8\n", (unsigned)c);
	}
	CHECK(bad == 0);
}

/* The ASCII fast path of ufold_text and the code point path agree. */
static void
test_text(void)
{
	static const char *const pick[] = {
		"a", "Z", "M", " ", "0", "@", "[", "`", "{", "\x7f",
		"É", "ß", "ẞ", "ǅ", "İ", "Σ", "ς", "e\xcc\x81", "\xcc\x81",
		"東", "🔨", "\xff", "\xc3", "\xe2\x82",
	};
	struct buf	 text = { 0 }, got = { 0 }, want = { 0 };
	char		 enc[UFOLD_MAX];
	unsigned	 seed = 7, bad = 0;
	size_t		 i, j, len, count;
	uint32_t	 cp;

	for (i = 0; i < 20000; i++) {
		buf_reset(&text);
		seed = seed * 1103515245u + 12345u;
		count = (seed >> 16) % 40;
		for (j = 0; j < count; j++) {
			seed = seed * 1103515245u + 12345u;
			buf_puts(&text, pick[(seed >> 16) %
			    (sizeof(pick) / sizeof(pick[0]))]);
		}
		buf_reset(&want);
		if (ufold_text(text.data, text.len, &got) == -1)
			bad++;
		for (j = 0; j < text.len; j += len) {
			len = ustr_decode(text.data + j, text.len - j, &cp);
			buf_append(&want, enc, ufold_cp(cp, enc));
		}
		buf_append(&want, "", 0);
		if (got.len != want.len ||
		    memcmp(got.data, want.data, got.len) != 0)
			bad++;
	}
	CHECK(bad == 0);
	/* ufold_text replaces what the buffer held (the index reuses one). */
	buf_reset(&got);
	buf_puts(&got, "x:");
	CHECK(ufold_text("ÀB", 3, &got) == 0 &&
	    strcmp(got.data, "ab") == 0 && got.len == 2);
	buf_free(&text);
	buf_free(&got);
	buf_free(&want);
}

/* Search's fold before issue 19: towlower per code point, nothing more. */
static void
old_fold(const char *s, size_t n, struct buf *out, locale_t loc)
{
	size_t		 i, len;
	uint32_t	 cp;
	char		 enc[4];

	buf_reset(out);
	for (i = 0; i < n; i += len) {
		len = ustr_decode(s + i, n - i, &cp);
		if (loc != (locale_t)0)
			cp = (uint32_t)towlower_l((wint_t)cp, loc);
		else if (cp >= 'A' && cp <= 'Z')
			cp += 'a' - 'A';
		buf_append(out, enc, ustr_encode(cp, enc));
	}
	buf_append(out, "", 0);
}

/*
 * Matching only gains: random texts of letters that fold in interesting
 * ways, a random piece of each as the term with each letter's case turned
 * at random; whenever the old fold found the term (with the C.UTF-8
 * locale's towlower, or ASCII only where the locale was missing), the new
 * one does.
 */
static void
test_superset(void)
{
	static const uint32_t pick[] = {
		'a', 'E', 's', 'S', 'i', 'I', 'k', ' ', 0xC9, 0xE9, 0xDF, 0x1E9E,
		0x130, 0x131, 0x3A3, 0x3C2, 0x3C3, 0x386, 0x3AC, 0x345, 0x301,
		0x308, 0x212A, 0x17F, 0x1C4, 0x1C5, 0x1C6, 0x401, 0x451, 0x13A0,
		0xAB70, 0xFB01, 0x1EDF, 0x4E2D, 0x3099, 0x304B, 0x304C, 0xFE0F,
	};
	struct buf	 text = { 0 }, term = { 0 }, a = { 0 }, b = { 0 };
	locale_t	 olds[2] = { utf8_loc, (locale_t)0 };
	char		 enc[4];
	unsigned	 seed = 99, old = 0, bad = 0;
	size_t		 i, j, k, count, from, to;
	uint32_t	 cp, cps[24];

	for (i = 0; i < 50000; i++) {
		seed = seed * 1103515245u + 12345u;
		count = 1 + (seed >> 16) % 24;
		for (j = 0; j < count; j++) {
			seed = seed * 1103515245u + 12345u;
			cps[j] = pick[(seed >> 16) % (sizeof(pick) /
			    sizeof(pick[0]))];
		}
		seed = seed * 1103515245u + 12345u;
		from = (seed >> 16) % count;
		seed = seed * 1103515245u + 12345u;
		to = from + 1 + (seed >> 16) % (count - from);
		buf_reset(&text);
		buf_reset(&term);
		for (j = 0; j < count; j++)
			buf_append(&text, enc, ustr_encode(cps[j], enc));
		for (j = from; j < to; j++) {
			seed = seed * 1103515245u + 12345u;
			cp = cps[j];
			if (utf8_loc != (locale_t)0 && (seed >> 16) % 2)
				cp = (uint32_t)towupper_l((wint_t)cp, utf8_loc);
			buf_append(&term, enc, ustr_encode(cp, enc));
		}
		for (k = 0; k < 2; k++) {
			old_fold(term.data, term.len, &a, olds[k]);
			old_fold(text.data, text.len, &b, olds[k]);
			if (memmem(b.data, b.len, a.data, a.len) == NULL)
				continue;
			old++;
			ufold_text(term.data, term.len, &a);
			ufold_text(text.data, text.len, &b);
			if (memmem(b.data, b.len, a.data, a.len) == NULL)
				bad++;
		}
	}
	CHECK(old > 25000);	/* the test tests something */
	CHECK(bad == 0);
	buf_free(&text);
	buf_free(&term);
	buf_free(&a);
	buf_free(&b);
}

int
main(void)
{
	utf8_loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	if (utf8_loc == (locale_t)0)
		fprintf(stderr, "test_ufold: no C.UTF-8 locale here\n");
	test_examples();
	test_latin();
	test_ascii();
	test_is_word();
	test_all();
	test_locale();
	test_text();
	test_superset();
	fold(NULL);
	if (utf8_loc != (locale_t)0)
		freelocale(utf8_loc);
	return unit_done("test_ufold");
}
