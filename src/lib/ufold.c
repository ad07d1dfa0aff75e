/* TEMPORARY shim until the ufold module lands (issue 19). */
#include <wctype.h>

#include "lib/ufold.h"
#include "lib/ustr.h"

int
ufold_text(const char *s, size_t n, struct buf *out, locale_t loc)
{
	size_t		 i = 0, len;
	uint32_t	 cp;
	char		 enc[4];

	buf_reset(out);
	while (i < n) {
		len = ustr_decode(s + i, n - i, &cp);
		if (cp < 0x80) {
			if (cp >= 'A' && cp <= 'Z')
				cp += 'a' - 'A';
		} else if (loc != (locale_t)0)
			cp = (uint32_t)towlower_l((wint_t)cp, loc);
		buf_append(out, enc, ustr_encode(cp, enc));
		i += len;
	}
	buf_append(out, "", 0);
	return out->failed ? -1 : 0;
}

int
ufold_is_word(uint32_t cp)
{
	if (cp < 0x80)
		return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
		    (cp >= 'A' && cp <= 'Z');
	return cp >= 0xc0 && cp != 0xd7 && cp != 0xf7 &&
	    !(cp >= 0x2000 && cp <= 0x2bff) && !(cp >= 0x3000 && cp <= 0x303f) &&
	    !(cp >= 0xfe00 && cp <= 0xfe0f) && cp < 0x1f000;
}
