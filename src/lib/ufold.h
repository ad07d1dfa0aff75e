/* TEMPORARY shim until the ufold module lands (issue 19). */
#ifndef OMI_UFOLD_H
#define OMI_UFOLD_H

#include <locale.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

int	 ufold_text(const char *s, size_t n, struct buf *out, locale_t loc);
int	 ufold_is_word(uint32_t cp);
#endif
