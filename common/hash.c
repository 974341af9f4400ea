/*
 * hash_mix64 is the splitmix64 finaliser; hash_bytes folds 8-byte words
 * through it.  Both are stable across platforms and runs, which cluster ids
 * depend on: never change their output.
 */
#include "config.h"

#include <string.h>

#include "hash.h"

#define GOLDEN	0x9e3779b97f4a7c15ULL

uint64_t
hash_mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

static uint64_t
load_le64(const unsigned char *p, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

uint64_t
hash_bytes(const void *data, size_t len, uint64_t seed)
{
	const unsigned char *p = data;
	uint64_t h = hash_mix64(seed ^ ((uint64_t)len * GOLDEN));

	while (len >= 8) {
		h = (h ^ hash_mix64(load_le64(p, 8))) * GOLDEN;
		h = (h << 29) | (h >> 35);
		p += 8;
		len -= 8;
	}
	if (len > 0)
		h = (h ^ hash_mix64(load_le64(p, len) ^ 0xff)) * GOLDEN;
	return hash_mix64(h);
}
