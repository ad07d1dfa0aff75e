/*
 * fuzz.h: what the libFuzzer targets share. Each target is one file,
 * tests/fuzz/fuzz_<parser>.c, defining LLVMFuzzerTestOneInput; make fuzz
 * builds them with clang's -fsanitize=fuzzer,address,undefined against a
 * copy of the library built the same way (build-fuzz/), and
 * tests/fuzz/run.sh runs each for FUZZ_SECONDS from its seed corpus in
 * tests/fuzz/corpus/<target>/.
 *
 * Besides crashes and leaks, the targets check the promises the parsers
 * make (a decoded value is valid UTF-8, a failure leaves no allocation
 * behind): FUZZ_ASSERT aborts on a broken promise, so libFuzzer saves the
 * input as a crash like any other.
 */
#ifndef OMI_FUZZ_H
#define OMI_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_ASSERT(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: broken promise: %s\n",		\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * The input as a C string, as a CGI program gets its environment: the
 * text up to the first NUL (getenv never shows more). Never NULL: out of
 * memory aborts, which libFuzzer reports as a crash (it is not one of ours,
 * but a fuzzer that silently skips inputs proves nothing).
 */
static inline char *
fuzz_cstring(const uint8_t *data, size_t size)
{
	char *s;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}
#endif
