#!/usr/bin/env python3
"""gen-ufold.py: writes src/lib/ufold-table.h, the tables of lib/ufold.

    python3 scripts/gen-ufold.py > src/lib/ufold-table.h

The output is committed, so the build never needs Python; run this again
only to move to another Unicode version (it is whatever this Python's
unicodedata holds, and the output says which) or to change the rules below.

For every code point c the tables hold h(c), search folding (see
src/lib/ufold.h; the C library's towlower is not used: step 1 holds its
case mappings), and whether c is a word character. h(c) is computed as
the fixed point of step() below, so h(h(c)) == h(c): a folded text folds
to itself.

step(c):
 1. Unicode simple case folding (CaseFolding.txt, status C and S), which
    holds towlower's lowering and more: final sigma, long s, the Kelvin
    sign. A diacritic mark (see STRIP) folds to nothing instead.
 2. Canonical decomposition (NFD), then every mark of STRIP dropped, then
    canonical composition (NFC) of what is left: "É" -> "e", "ở" -> "o",
    "ά" -> "α", "ё" -> "е", while a letter whose marks are not diacritics
    (Japanese dakuten) composes back unchanged. Hangul syllables and
    musical notes are left whole (see WHOLE).
 3. The letters of EXPAND, which have no decomposition but which people
    type as the plain letters: "ß" -> "ss", "ø" -> "o".

Word characters (ufold_is_word): letters and digits (general categories
L* and N*), and the marks (M*) that step() keeps, since those belong to
the letter before them (a Devanagari vowel sign, a Thai tone mark): without
them a Hindi or Thai word would fall apart into single letters.
"""
import sys
import unicodedata as ud

# The combining marks (general category Mn) that are diacritics, dropped:
# the general combining blocks (Latin, Greek, Cyrillic and IPA accents,
# Vietnamese horn and tone marks, the Greek ypogegrammeni), the Cyrillic
# titlo and palatalisation marks, Hebrew points and cantillation, Arabic
# harakat and Quranic annotation marks (both usually left out in writing,
# and commonly ignored by search engines), and the variation selectors,
# which choose a glyph, not a letter ("❤️" is "❤" drawn as an emoji).
# Marks that are letters in their own script (Indic and Thai vowel signs
# and viramas, kana voicing marks) are not here: dropping them would make
# "कुत्ता" find "कत्ता" and "か" find "が".
STRIP = [
    (0x0300, 0x036F), (0x0483, 0x0487), (0x0591, 0x05C7), (0x0610, 0x061A),
    (0x064B, 0x065F), (0x0670, 0x0670), (0x06D6, 0x06ED), (0x1AB0, 0x1AFF),
    (0x1DC0, 0x1DFF), (0x20D0, 0x20FF), (0xFE00, 0xFE0F), (0xFE20, 0xFE2F),
    (0xE0100, 0xE01EF),
]

# Letters with no canonical decomposition that people type as plain
# letters: German sharp s (capital via case folding), the Latin ligatures
# æ, œ, ĳ and the typographic ones (U+FB00-FB06), the letters with a
# stroke or bar (ø, đ, ł, ħ, ŧ, ŀ), the Icelandic thorn and eth, Turkish
# dotless i, and the Serbo-Croatian digraph letters (whose carons step 2
# then drops). Matching is by substring, so "strasse" finds "Straße", and
# "Muller" (not "Mueller") finds "Müller": umlauts lose their dots like
# every other accent. The trade-offs: Turkish "ı" and "i" (and Danish "ø"
# and "o", Polish "ł" and "l") are different letters, so a query finds a
# few more words than a native reader would expect, never fewer; letters
# with hooks or tails used in African and other orthographies (ɓ, ɗ, ƙ,
# ŋ) are left as they are.
EXPAND = {
    'ß': 'ss', 'æ': 'ae', 'œ': 'oe', 'ĳ': 'ij', 'ø': 'o', 'đ': 'd',
    'ð': 'd', 'ł': 'l', 'ħ': 'h', 'ŧ': 't', 'ŀ': 'l', 'þ': 'th', 'ı': 'i',
    'ǆ': 'dž', 'ǉ': 'lj', 'ǌ': 'nj', 'ǳ': 'dz',
    'ﬀ': 'ff', 'ﬁ': 'fi', 'ﬂ': 'fl', 'ﬃ': 'ffi', 'ﬄ': 'ffl', 'ﬅ': 'st',
    'ﬆ': 'st',
}

# Characters left whole although NFD would take them apart into parts
# that are not accents: Hangul syllables (into jamo) and the musical notes
# (a note head and a stem, a combining mark that would count as a word
# character).
WHOLE = [(0xAC00, 0xD7A3), (0x1D100, 0x1D1FF)]

MAP_SHIFT = 7
WORD_SHIFT = 8
LIMIT = 0x110000


def simple_fold(c):
    # str.casefold() is full case folding; where it gives more than one
    # code point the simple folding (status S) is the lower case, or none.
    f = c.casefold()
    if len(f) == 1:
        return f
    lower = c.lower()
    return lower if len(lower) == 1 else c


def stripped(c):
    o = ord(c)
    return ud.category(c) == 'Mn' and any(a <= o <= b for a, b in STRIP)


def step(c):
    # A diacritic goes before case folding could turn it into a letter
    # (U+0345 folds to iota): "α" + U+0345 must fold as "ᾳ" does.
    if stripped(c):
        return ''
    f = simple_fold(c)
    if any(a <= ord(f) <= b for a, b in WHOLE):
        return f
    d = ''.join(x for x in ud.normalize('NFD', f) if not stripped(x))
    d = ud.normalize('NFC', d)
    return ''.join(EXPAND.get(x, x) for x in d)


def h(c):
    s = c
    for _ in range(8):
        t = ''.join(step(x) for x in s)
        if t == s:
            return s
        s = t
    sys.exit('no fixed point for U+%04X' % ord(c))


def is_word(c):
    cat = ud.category(c)
    return cat[0] in 'LN' or (cat[0] == 'M' and not stripped(c))


def scalars():
    return (cp for cp in range(LIMIT) if not 0xD800 <= cp <= 0xDFFF)


def two_level(values, shift):
    """Stage 1 (a block number per 2^shift code points), stage 2 (the
    distinct blocks, one after another)."""
    size = 1 << shift
    blocks, stage1, stage2 = {}, [], []
    for b in range(len(values) >> shift):
        key = tuple(values[b * size:(b + 1) * size])
        if key not in blocks:
            blocks[key] = len(blocks)
            stage2.extend(key)
        stage1.append(blocks[key])
    return stage1, stage2


def emit(name, ctype, values, per_line, fmt):
    out = ['static const %s %s[%d] = {' % (ctype, name, len(values))]
    for i in range(0, len(values), per_line):
        out.append('\t' + ', '.join(fmt % v for v in
                                    values[i:i + per_line]) + ',')
    out.append('};')
    return '\n'.join(out)


def main():
    maps, words = {}, [0] * LIMIT
    for cp in scalars():
        c = chr(cp)
        r = h(c)
        if r != c:
            maps[cp] = r.encode('utf-8')
        words[cp] = is_word(c)
    # What the C side and its tests rely on.
    for cp, r in maps.items():
        s = r.decode('utf-8')
        assert ''.join(map(h, s)) == s, hex(cp)
        assert not any(stripped(x) for x in s)
        # Cutting text into words before or after folding gives the same.
        assert all(is_word(x) == is_word(chr(cp)) for x in s), hex(cp)
    for cp in range(0x80):
        want = chr(cp).lower().encode()
        assert maps.get(cp, bytes([cp])) == want, hex(cp)
    longest = max(len(r) for r in maps.values())

    # The results, each a length byte and its UTF-8, in a pool whose
    # offset 0 is unused: a 0 in the map stage means "unchanged".
    pool, where = bytearray(b'\0'), {}
    for r in sorted(set(maps.values())):
        where[r] = len(pool)
        pool.append(len(r))
        pool.extend(r)
    assert len(pool) < 0x10000
    mvals = [where[maps[cp]] if cp in maps else 0 for cp in range(LIMIT)]
    m1, m2 = two_level(mvals, MAP_SHIFT)
    wbytes = []
    for i in range(0, LIMIT, 8):
        wbytes.append(sum(words[i + k] << k for k in range(8)))
    w1, w2 = two_level(wbytes, WORD_SHIFT - 3)
    assert max(m1) < 256 and max(w1) < 256
    assert len(m1) == LIMIT >> MAP_SHIFT and len(w1) == LIMIT >> WORD_SHIFT

    print('/*')
    print(' * ufold-table.h: the tables of lib/ufold.c. Generated by')
    print(' * scripts/gen-ufold.py from Python %s\'s unicodedata, Unicode'
          % sys.version.split()[0])
    print(' * %s; do not edit. Regenerate with' % ud.unidata_version)
    print(' *   python3 scripts/gen-ufold.py > src/lib/ufold-table.h')
    print(' * %d code points fold to something else, %d distinct results.'
          % (len(maps), len(where)))
    print(' */')
    print('#define UFOLD_UNICODE\t\t"%s"' % ud.unidata_version)
    print('#define UFOLD_TABLE_LONGEST\t%d\t/* bytes of the longest result */'
          % longest)
    print('#define UFOLD_MAP_SHIFT\t\t%d' % MAP_SHIFT)
    print('#define UFOLD_WORD_SHIFT\t%d' % WORD_SHIFT)
    print()
    print('/* A block of stage 2 per 2^UFOLD_MAP_SHIFT code points. */')
    print(emit('ufold_map1', 'uint8_t', m1, 16, '%d'))
    print('/* The offset of the result in ufold_pool; 0: unchanged. */')
    print(emit('ufold_map2', 'uint16_t', m2, 12, '%d'))
    print('/* Each result: its length in bytes, then its UTF-8. */')
    print(emit('ufold_pool', 'unsigned char', list(pool), 12, '0x%02x'))
    print('/* A block of stage 2 per 2^UFOLD_WORD_SHIFT code points. */')
    print(emit('ufold_word1', 'uint8_t', w1, 16, '%d'))
    print('/* A bit per code point, the lowest bit first: a word character. */')
    print(emit('ufold_word2', 'uint8_t', w2, 12, '0x%02x'))


if __name__ == '__main__':
    main()
