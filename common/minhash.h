/*
 * MinHash and LSH banding over sets of 64-bit shingle hashes: building a
 * stack's shingle set, its signature, band keys, the exact Jaccard index the
 * candidates are confirmed with, and the banding maths (the S-curve).
 */
#ifndef LEAKATLAS_MINHASH_H
#define LEAKATLAS_MINHASH_H

#include <stddef.h>
#include <stdint.h>

#define MINHASH_MAX_HASHES	1024
#define MINHASH_MAX_KGRAM	16

size_t		 minhash_shingle_max(size_t, size_t, int);
size_t		 minhash_shingle(const uint64_t *, size_t, const uint64_t *,
		    size_t, int, uint64_t *);
void		 minhash_sign(const uint64_t *, size_t, int, uint64_t,
		    uint64_t *);
void		 minhash_band_keys(const uint64_t *, int, int, uint64_t,
		    uint32_t *);
double		 minhash_estimate(const uint64_t *, const uint64_t *, int);
double		 minhash_jaccard(const uint64_t *, size_t, const uint64_t *,
		    size_t);
int		 minhash_similar(const uint64_t *, size_t, const uint64_t *,
		    size_t, double);
double		 minhash_probability(double, int, int);
double		 minhash_threshold(int, int);
void		 minhash_bands_for_threshold(double, int, double, int *,
		    int *);

#endif
