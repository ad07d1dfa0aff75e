/*
 * ufold: the folding that makes search ignore case and diacritics, and the
 * word characters of folded text (for cutting it into words).
 *
 * Each code point c folds on its own: norm(c) = h(c), where h is a
 * generated table (scripts/gen-ufold.py): ASCII lowered, Unicode simple
 * case folding, diacritics removed (canonical decomposition, combining
 * accents dropped), and a few letters spelled as people type them
 * (ß -> ss, æ -> ae, œ -> oe, ø -> o, đ -> d, ł -> l, þ -> th, ı -> i, the
 * ligatures ﬁ -> fi, ﬂ -> fl; the script lists all and why).
 * So "Dîner" folds to "diner", "Straße" to "strasse", "Phở" to "pho",
 * "Αθήνα" to "αθηνα", and a combining accent standing alone to nothing:
 * "cafe\u0301" folds to "cafe" like "café".
 *
 * Because norm maps code point by code point and h(towlower(c)) == h(c),
 * a term found in a text when both are folded by towlower alone (as search
 * did before) is still found when both are folded by norm: matching only
 * ever gains. And norm(norm(x)) == norm(x). The table's case folding holds
 * the C library's towlower (C.UTF-8) for every code point of its Unicode
 * version (test_ufold checks it against this host's), so the locale is not
 * used: loading it cost each process about 0.3 ms, and without it text
 * folds the same on every host, whatever its C library or locales, which
 * an index built on one host and searched on another needs.
 */
#ifndef OMI_LIB_UFOLD_H
#define OMI_LIB_UFOLD_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

#define UFOLD_MAX	16	/* bytes of norm(c) at most */

/*
 * Writes norm(cp) as UTF-8 to out and returns its length, 0 for a mark
 * that folds away.
 */
size_t		 ufold_cp(uint32_t cp, char out[UFOLD_MAX]);
/*
 * Replaces what out holds with norm of each code point of the n bytes at
 * s, a malformed byte as U+FFFD, NUL-terminated. Returns 0, or -1 when out
 * of memory (out->failed).
 */
int		 ufold_text(const char *s, size_t n, struct buf *out);
/*
 * Whether cp, a code point of folded text, is part of a word: a letter or
 * digit (Unicode general categories L* and N*), or a mark (M*) that
 * folding keeps, since such a mark belongs to the letter before it (a
 * Devanagari vowel sign, a Thai tone mark). ASCII: [0-9A-Za-z] only (no
 * '_', no apostrophe). A pure function of cp.
 */
int		 ufold_is_word(uint32_t cp);
#endif
