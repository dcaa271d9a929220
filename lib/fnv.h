/*
 * fnv: FNV-1a, 64 bits: a short, fast hash of a few strings, for telling
 * whether something changed. Not for hash tables on its own (its low
 * bits cluster) and not against an adversary.
 *
 * In this header alone so that the fuzz targets, which link a chosen
 * list of sources (Makefile, FUZZ_*), need no other file.
 */
#ifndef DAS_FNV_H
#define DAS_FNV_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define FNV1A64_INIT	UINT64_C(0xcbf29ce484222325)
#define FNV1A64_PRIME	UINT64_C(0x100000001b3)

/* h with the n bytes at p added; start from FNV1A64_INIT. */
static inline uint64_t
fnv1a64_add(uint64_t h, const void *p, size_t n)
{
	const unsigned char	*c = p;

	while (n-- > 0)
		h = (h ^ *c++) * FNV1A64_PRIME;
	return h;
}

/* The hash of s's bytes (its NUL left out). */
static inline uint64_t
fnv1a64(const char *s)
{
	return fnv1a64_add(FNV1A64_INIT, s, strlen(s));
}

#endif
