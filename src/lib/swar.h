/*
 * swar: byte tests on eight bytes at a time ("SIMD within a register"),
 * for the loops that walk text byte by byte: a search reads every
 * transcript it cannot decide from the index, most of it plain ASCII.
 * Plain C, so it builds and behaves the same on every host. Each test
 * tells exactly whether any of the eight bytes qualifies; swar_skip() then
 * says how many bytes come before the first that does.
 */
#ifndef OMI_SWAR_H
#define OMI_SWAR_H

#include <stdint.h>
#include <string.h>

#define SWAR_ONES	0x0101010101010101ULL
#define SWAR_HIGHS	0x8080808080808080ULL

static inline uint64_t
swar_load(const void *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Nonzero when a byte of v is below n (n <= 128). */
static inline uint64_t
swar_below(uint64_t v, unsigned n)
{
	return (v - SWAR_ONES * n) & ~v & SWAR_HIGHS;
}

/* Nonzero when a byte of v equals c. */
static inline uint64_t
swar_has(uint64_t v, unsigned char c)
{
	return swar_below(v ^ (SWAR_ONES * c), 1);
}

/* Nonzero when a byte of v is not ASCII. */
static inline uint64_t
swar_high(uint64_t v)
{
	return v & SWAR_HIGHS;
}

/*
 * How many bytes of the word come before the first one a nonzero test
 * result m flags. Exact for the first byte in memory on little-endian
 * hosts (a test's borrows only run towards later bytes); elsewhere 0, and
 * the caller goes on byte by byte.
 */
static inline unsigned
swar_skip(uint64_t m)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (unsigned)__builtin_ctzll(m) >> 3;
#else
	(void)m;
	return 0;
#endif
}

/* v with 'A'-'Z' in lower case; every byte of v must be ASCII. */
static inline uint64_t
swar_lower(uint64_t v)
{
	/* Bit 7 of each byte: >= 'A', then > 'Z' (no byte carries over). */
	uint64_t ge_a = v + SWAR_ONES * (0x80 - 'A');
	uint64_t gt_z = v + SWAR_ONES * (0x80 - 'Z' - 1);

	return v | ((ge_a & ~gt_z & SWAR_HIGHS) >> 2);
}
#endif
