/*
 * MinHash signatures and LSH banding; see minhash.h.  Every hash comes from
 * hash_mix64/hash_bytes, so signatures and band keys are the same on every
 * platform and in every run for the same seed.
 */
#include "config.h"

#include <math.h>

#include "hash.h"
#include "minhash.h"

#define GOLDEN		0x9e3779b97f4a7c15ULL
#define TAG_KGRAM	0x6b6772616d000000ULL	/* "kgram" */
#define TAG_LABEL	0x6c6162656c000000ULL	/* "label" */

/* Shell sort (Ciura's gaps): no recursion, quick for a stack's shingles. */
static void
sort_u64(uint64_t *v, size_t n)
{
	static const size_t gaps[] = { 701, 301, 132, 57, 23, 10, 4, 1 };
	size_t g, i, j, gap;
	uint64_t x;

	for (g = 0; g < sizeof(gaps) / sizeof(gaps[0]); g++) {
		gap = gaps[g];
		for (i = gap; i < n; i++) {
			x = v[i];
			for (j = i; j >= gap && v[j - gap] > x; j -= gap)
				v[j] = v[j - gap];
			v[j] = x;
		}
	}
}

/* Room minhash_shingle() needs for n frames, nl labels and k-grams of k. */
size_t
minhash_shingle_max(size_t n, size_t nl, int kgram)
{
	size_t grams = kgram > 1 && n >= (size_t)kgram ? n - kgram + 1 : 0;

	return n + grams + nl;
}

/*
 * The shingle set of a stack: each frame's hash (fh[0..n), root first),
 * one hash per run of kgram consecutive frames (when kgram > 1), and each
 * label's hash.  Written to out sorted and without repeats; returns the
 * count.
 */
size_t
minhash_shingle(const uint64_t *fh, size_t n, const uint64_t *lh, size_t nl,
    int kgram, uint64_t *out)
{
	size_t i, m = 0, w;
	uint64_t h;
	int j;

	for (i = 0; i < n; i++)
		out[m++] = fh[i];
	if (kgram > 1 && n >= (size_t)kgram)
		for (i = 0; i + kgram <= n; i++) {
			h = TAG_KGRAM ^ (uint64_t)kgram;
			for (j = 0; j < kgram; j++)
				h = hash_mix64(h ^ fh[i + j]) + GOLDEN;
			out[m++] = h;
		}
	for (i = 0; i < nl; i++)
		out[m++] = hash_mix64(lh[i] ^ TAG_LABEL);
	sort_u64(out, m);
	for (i = w = 0; i < m; i++)
		if (w == 0 || out[w - 1] != out[i])
			out[w++] = out[i];
	return w;
}

/*
 * The MinHash signature of a shingle set: for each of nhash hash functions
 * x -> m(x ^ salt_i), salts drawn from seed by hash_mix64, the smallest
 * value over the set.  Shingles are already well-mixed 64-bit hashes, so m
 * is one multiply and one xor-shift (a third of hash_mix64's work; the
 * unit tests check the estimates stay unbiased).  An empty set signs as
 * all ones.
 */
void
minhash_sign(const uint64_t *sh, size_t n, int nhash, uint64_t seed,
    uint64_t *sig)
{
	uint64_t salt[MINHASH_MAX_HASHES], v;
	size_t i;
	int k;

	if (nhash > MINHASH_MAX_HASHES)
		nhash = MINHASH_MAX_HASHES;
	for (k = 0; k < nhash; k++) {
		salt[k] = hash_mix64(seed + (uint64_t)(k + 1) * GOLDEN);
		sig[k] = UINT64_MAX;
	}
	for (i = 0; i < n; i++)
		for (k = 0; k < nhash; k++) {
			v = (sh[i] ^ salt[k]) * GOLDEN;
			v ^= v >> 29;
			if (v < sig[k])
				sig[k] = v;
		}
}

/*
 * One 32-bit key per band of rows consecutive signature values (the band's
 * number and salt mixed in): two sets share a band key when the band and
 * the salt are equal, or, rarely, by collision (exact confirmation removes
 * those).  A salt keeps apart sets that must never be compared.
 */
void
minhash_band_keys(const uint64_t *sig, int bands, int rows, uint64_t salt,
    uint32_t *keys)
{
	uint64_t h;
	int b, r;

	for (b = 0; b < bands; b++) {
		h = hash_mix64(((uint64_t)b * GOLDEN) ^ salt);
		for (r = 0; r < rows; r++)
			h = hash_mix64(h ^ sig[b * rows + r]) + GOLDEN;
		keys[b] = (uint32_t)(h >> 32);
	}
}

/* The share of equal signature values: an unbiased estimate of Jaccard. */
double
minhash_estimate(const uint64_t *a, const uint64_t *b, int nhash)
{
	int k, same = 0;

	if (nhash <= 0)
		return 0;
	for (k = 0; k < nhash; k++)
		same += a[k] == b[k];
	return (double)same / nhash;
}

/*
 * |A & B| / |A | B| for two sorted sets without repeats; two empty sets
 * have index 0 (nothing is known to be alike).
 */
double
minhash_jaccard(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
	size_t i = 0, j = 0, both = 0;

	if (na == 0 || nb == 0)
		return 0;
	while (i < na && j < nb) {
		if (a[i] < b[j])
			i++;
		else if (a[i] > b[j])
			j++;
		else {
			both++;
			i++;
			j++;
		}
	}
	return (double)both / (double)(na + nb - both);
}

/*
 * Whether two sorted sets have a Jaccard index of at least t, stopping as
 * soon as the answer is known: J <= min/max of the sizes, and the merge
 * ends when the shared elements left cannot reach t(|A| + |B|)/(1 + t).
 * The answer is minhash_jaccard() >= t, to the last bit.
 */
int
minhash_similar(const uint64_t *a, size_t na, const uint64_t *b, size_t nb,
    double t)
{
	size_t i = 0, j = 0, both = 0, need;
	uint64_t x, y;
	double nd;

	if (na == 0 || nb == 0)
		return 0;
	if ((double)(na < nb ? na : nb) / (double)(na < nb ? nb : na) < t)
		return 0;
	nd = t * (double)(na + nb) / (1 + t) - 1e-9;
	need = nd > 0 ? (size_t)nd : 0;
	if ((double)need < nd)
		need++;
	while (i < na && j < nb) {
		if (both + (na - i < nb - j ? na - i : nb - j) < need)
			return 0;
		x = a[i];
		y = b[j];
		both += x == y;		/* branch-free merge step */
		i += x <= y;
		j += y <= x;
	}
	return (double)both / (double)(na + nb - both) >= t;
}

/*
 * The chance that two sets of Jaccard index s share at least one of b bands
 * of r rows: 1 - (1 - s^r)^b, the LSH S-curve.
 */
double
minhash_probability(double s, int bands, int rows)
{
	if (bands <= 0 || rows <= 0)
		return 0;
	return 1 - pow(1 - pow(s, rows), bands);
}

/* Where the S-curve rises most steeply, roughly: (1/b)^(1/r). */
double
minhash_threshold(int bands, int rows)
{
	if (bands <= 0 || rows <= 0)
		return 1;
	return pow(1.0 / bands, 1.0 / rows);
}

/*
 * Choose the banding of nhash signature values for a Jaccard threshold t:
 * the most rows per band (fewest chance candidates) for which a pair at
 * exactly t is still a candidate with probability at least p, with as many
 * bands as fit.  p = 1 - 1/e puts (1/b)^(1/r) near t.
 */
void
minhash_bands_for_threshold(double t, int nhash, double p, int *bands,
    int *rows)
{
	int r;

	for (r = nhash; r > 1; r--)
		if (minhash_probability(t, nhash / r, r) >= p)
			break;
	*rows = r < 1 ? 1 : r;
	*bands = nhash / *rows;
}
