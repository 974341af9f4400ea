/*
 * Unit tests of common/minhash (shingles, signatures, banding maths),
 * common/unionfind and the cluster_set core.  Expected values are worked
 * out by hand in the comments (checked once with a pocket calculator and
 * python3's math module), never by the code under test.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "hash.h"
#include "minhash.h"
#include "unionfind.h"
#include "tap.h"

static void
test_jaccard(void)
{
	uint64_t a[] = { 1, 2, 3 }, b[] = { 2, 3, 4 }, c[] = { 7 };

	/* {1,2,3} & {2,3,4} = {2,3}; union {1,2,3,4}: 2/4 */
	is_double(minhash_jaccard(a, 3, b, 3), 0.5, 1e-12, "jaccard 2/4");
	is_double(minhash_jaccard(a, 3, a, 3), 1, 1e-12, "jaccard same");
	is_double(minhash_jaccard(a, 3, c, 1), 0, 1e-12, "jaccard disjoint");
	is_double(minhash_jaccard(a, 0, a, 0), 0, 1e-12,
	    "jaccard of two empty sets is 0");
	/* {1,2,3} vs {1}: 1/3 */
	is_double(minhash_jaccard(a, 3, a, 1), 1.0 / 3, 1e-12, "jaccard 1/3");
}

/*
 * minhash_similar() must answer exactly minhash_jaccard() >= t, early
 * exits and size filter included: random sets of 1..40 out of 0..59.
 */
static void
test_similar(void)
{
	uint64_t a[64], b[64], h = 7;
	uint64_t x[20], y[20];
	size_t na, nb, i;
	int t, bad = 0, yes = 0;
	double th[] = { 0.5, 0.7, 0.9 };

	for (t = 0; t < 3000; t++) {
		na = nb = 0;
		for (i = 0; i < 60; i++) {
			h = hash_mix64(h);
			if (h % 3 == 0)
				a[na++] = i;
			if (h % 5 < 2 || (h % 3 == 0 && h % 7 < 5))
				b[nb++] = i;
		}
		yes += minhash_jaccard(a, na, b, nb) >= th[t % 3];
		bad += minhash_similar(a, na, b, nb, th[t % 3]) !=
		    (minhash_jaccard(a, na, b, nb) >= th[t % 3]);
	}
	is_int(bad, 0, "similar agrees with jaccard >= t");
	ok(yes > 100 && yes < 2900, "both answers occur");
	/* 14 shared of 20 in the union: J = 0.7 exactly, at the threshold */
	for (i = 0; i < 17; i++)
		x[i] = y[i] = i;
	x[14] = 100, x[15] = 101, x[16] = 102;
	y[14] = 200, y[15] = 201, y[16] = 202;
	is_double(minhash_jaccard(x, 17, y, 17), 0.7, 1e-12, "J 14/20");
	ok(minhash_similar(x, 17, y, 17, 0.7), "J = t is similar");
	ok(!minhash_similar(x, 17, y, 17, 0.71), "J < t is not");
	ok(!minhash_similar(x, 17, x, 5, 0.5), "size filter: 5/17");
}

static void
test_shingles(void)
{
	uint64_t fh[] = { 10, 20, 30 }, rep[] = { 10, 10 }, lh[] = { 5 };
	uint64_t out[16];
	size_t n;

	/* 3 frames + 2 bigrams */
	is_int((long long)minhash_shingle_max(3, 0, 2), 5, "room: 3 + 2");
	n = minhash_shingle(fh, 3, NULL, 0, 2, out);
	is_int((long long)n, 5, "3 frames, 2 bigrams");
	ok(out[0] < out[1] && out[1] < out[2] && out[2] < out[3] &&
	    out[3] < out[4], "shingles sorted");
	n = minhash_shingle(fh, 3, NULL, 0, 1, out);
	is_int((long long)n, 3, "kgram 1: frames only");
	n = minhash_shingle(fh, 3, NULL, 0, 3, out);
	is_int((long long)n, 4, "kgram 3: 3 frames and 1 trigram");
	n = minhash_shingle(fh, 2, NULL, 0, 3, out);
	is_int((long long)n, 2, "kgram longer than the stack: frames only");
	/* recursion a;a: the frame once, the bigram (a,a) once */
	n = minhash_shingle(rep, 2, NULL, 0, 2, out);
	is_int((long long)n, 2, "repeated frame counted once");
	n = minhash_shingle(fh, 3, lh, 1, 2, out);
	is_int((long long)n, 6, "a label adds one shingle");
	/* a label hash never equals a frame with the same hash */
	n = minhash_shingle(lh, 1, lh, 1, 1, out);
	is_int((long long)n, 2, "labels and frames apart");
}

/*
 * Two sets of n elements overlapping in n - s: J = (n - s) / (n + s).  The
 * MinHash estimate with k hashes has standard error sqrt(J(1-J)/k); over
 * many seeds about 95% of estimates fall within 2 sigma, and none beyond
 * 5 sigma (chance 6e-7 each).
 */
static void
test_estimate(void)
{
	enum { K = 128, N = 60, TRIALS = 300 };
	uint64_t a[N], b[N], sa[K], sb[K];
	size_t i;
	int t, s, within2 = 0, beyond5 = 0, total = 0;
	double j, est, sigma, sum;

	for (s = 4; s <= 40; s += 12) {
		j = (double)(N - s) / (N + s);
		sigma = sqrt(j * (1 - j) / K);
		sum = 0;
		for (t = 0; t < TRIALS; t++) {
			for (i = 0; i < N; i++) {
				a[i] = hash_mix64(i + 1000 * (uint64_t)t);
				b[i] = hash_mix64(i + s + 1000 * (uint64_t)t);
			}
			minhash_sign(a, N, K, (uint64_t)t, sa);
			minhash_sign(b, N, K, (uint64_t)t, sb);
			est = minhash_estimate(sa, sb, K);
			within2 += fabs(est - j) <= 2 * sigma;
			beyond5 += fabs(est - j) > 5 * sigma;
			total++;
			sum += est;
		}
		/* the mean of TRIALS estimates: sigma / sqrt(TRIALS) */
		ok(fabs(sum / TRIALS - j) <= 4 * sigma / sqrt(TRIALS),
		    "estimate unbiased");
	}
	ok(within2 >= total * 0.92, "about 95% of estimates within 2 sigma");
	ok(beyond5 == 0, "no estimate beyond 5 sigma");
	/* identical sets: every value equal */
	minhash_sign(a, N, K, 1, sa);
	minhash_sign(a, N, K, 1, sb);
	is_double(minhash_estimate(sa, sb, K), 1, 0, "same set, estimate 1");
	minhash_sign(a, N, K, 1, sa);
	minhash_sign(a, N, K, 2, sb);
	ok(memcmp(sa, sb, sizeof(sa)) != 0, "the seed changes the hashes");
}

static void
test_banding(void)
{
	int b, r;

	/* 1 - (1 - 0.5^2)^2 = 1 - 0.75^2 = 0.4375 */
	is_double(minhash_probability(0.5, 2, 2), 0.4375, 1e-12, "P b2 r2");
	/* 1 - (1 - 0.7^5)^25 = 1 - 0.83193^25 = 0.98995 */
	is_double(minhash_probability(0.7, 25, 5), 0.98995, 1e-5,
	    "P b25 r5 at 0.7");
	/* 1 - (1 - 0.7^8)^16 = 1 - 0.942352^16 = 0.61327 */
	is_double(minhash_probability(0.7, 16, 8), 0.61327, 1e-5,
	    "P b16 r8 at 0.7");
	is_double(minhash_probability(0, 25, 5), 0, 1e-12, "P at 0");
	is_double(minhash_probability(1, 25, 5), 1, 1e-12, "P at 1");
	/* (1/16)^(1/4) = 1/2; (1/25)^(1/5) = 0.525306 */
	is_double(minhash_threshold(16, 4), 0.5, 1e-12, "threshold b16 r4");
	is_double(minhash_threshold(25, 5), 0.525306, 1e-6,
	    "threshold b25 r5");
	/*
	 * t = 0.7, 128 hashes, p = 0.95: r = 6 (b = 21) gives 0.92781, too
	 * little; r = 5 (b = 25) gives 0.98995.
	 */
	minhash_bands_for_threshold(0.7, 128, 0.95, &b, &r);
	is_int(r, 5, "rows for 0.7 at 95%");
	is_int(b, 25, "bands for 0.7 at 95%");
	/*
	 * p = 1 - 1/e = 0.632: r = 8 (b = 16) gives 0.6133, r = 7 (b = 18)
	 * 0.7871; (1/18)^(1/7) = 0.6617, next to 0.7.
	 */
	minhash_bands_for_threshold(0.7, 128, 1 - exp(-1), &b, &r);
	is_int(r, 7, "rows for 0.7 at 1-1/e");
	is_int(b, 18, "bands for 0.7 at 1-1/e");
	minhash_bands_for_threshold(0.99, 4, 0.5, &b, &r);
	is_int(r, 4, "high threshold, one band of all rows");
	is_int(b, 1, "one band");
}

static void
test_unionfind(void)
{
	struct unionfind *u = unionfind_new(6);

	is_int(unionfind_union(u, 0, 1), 1, "union 0 1 joins");
	is_int(unionfind_union(u, 2, 3), 1, "union 2 3 joins");
	is_int(unionfind_union(u, 1, 0), 0, "union 1 0 again: nothing");
	ok(unionfind_find(u, 0) != unionfind_find(u, 2), "two sets apart");
	is_int(unionfind_union(u, 1, 3), 1, "union 1 3 joins the pairs");
	ok(unionfind_find(u, 0) == unionfind_find(u, 2), "0 and 2 together");
	is_int((long long)unionfind_size(u, 3), 4, "size 4");
	is_int((long long)unionfind_size(u, 4), 1, "4 alone");
	ok(unionfind_find(u, 5) == 5, "5 its own root");
	unionfind_free(u);
}

/* Stacks of 10 frames differing at the root: 17 of 21 shingles shared. */
static const char *const stacks[] = {
	"m;a;b;c;d;e;f;g;h;leak",
	"x;y;z",
	"n;a;b;c;d;e;f;g;h;leak",
	"p;q;r;s",
};

static const char *const lined[] = {
	"m;a;b;c;d;e;f;g;h;main.leak (x.go:5)",
	"m;a;b;c;d;e;f;g;h;main.leak (x.go:9)",
	"m;a;b;c;d;e;f;g;h;main.other (x.go:5)",
};

static void
test_set(void)
{
	struct cluster_opts o;
	struct cluster_set *cs, *cs2;
	uint64_t id[4], id2[4];
	size_t i, cap;
	char *key;

	cluster_opts_init(&o);
	cs = cluster_set_new(&o);
	cs2 = cluster_set_new(&o);
	for (i = 0; i < 4; i++)
		cluster_set_add(cs, stacks[i], strlen(stacks[i]), "", 0);
	for (i = 4; i-- > 0;)
		cluster_set_add(cs2, stacks[i], strlen(stacks[i]), "", 0);
	is_int((long long)cluster_set_add(cs, stacks[1], strlen(stacks[1]),
	    "bytes=4096", 10), 1, "bytes label ignored: same item");
	is_int((long long)cluster_set_count(cs), 4, "4 distinct stacks");
	cluster_set_link(cs, NULL, NULL);
	cluster_set_link(cs2, NULL, NULL);
	for (i = 0; i < 4; i++) {
		id[i] = cluster_set_id(cs, (uint32_t)i);
		id2[3 - i] = cluster_set_id(cs2, (uint32_t)i);
	}
	ok(id[0] == id[2], "root variants joined (J = 17/21)");
	ok(id[0] != id[1] && id[1] != id[3] && id[0] != id[3],
	    "unrelated stacks apart");
	ok(memcmp(id, id2, sizeof(id)) == 0, "ids do not depend on order");
	is_int((long long)cluster_set_stats(cs)->clusters, 3, "3 clusters");
	key = NULL;
	cap = 0;
	cluster_set_key(cs, 2, 0, &key, &cap);
	is_str(key, stacks[2], "readable key of a stack without labels");
	free(key);
	cluster_set_free(cs);
	cluster_set_free(cs2);

	/* 17/21 = 0.81: a threshold of 0.85 keeps them apart */
	o.threshold = 0.85;
	cs = cluster_set_new(&o);
	for (i = 0; i < 4; i++)
		cluster_set_add(cs, stacks[i], strlen(stacks[i]), "", 0);
	cluster_set_link(cs, NULL, NULL);
	ok(cluster_set_id(cs, 0) != cluster_set_id(cs, 2),
	    "threshold 0.85 keeps them apart");
	cluster_set_free(cs);

	/* the same 17/21, but the leaf (the site) differs */
	o.threshold = 0.7;
	for (i = 0; i < 2; i++) {
		o.cross_site = (int)i;
		cs = cluster_set_new(&o);
		cluster_set_add(cs, "m;a;b;c;d;e;f;g;h;leak", 22, "", 0);
		cluster_set_add(cs, "m;a;b;c;d;e;f;g;h;other", 23, "", 0);
		cluster_set_link(cs, NULL, NULL);
		ok((cluster_set_id(cs, 0) == cluster_set_id(cs, 1)) == (int)i,
		    i ? "--cross-site joins other sites" :
		    "different sites never join");
		cluster_set_free(cs);
	}
	/* the site is the first frame from the leaf outside the stdlib */
	o.cross_site = 0;
	cs = cluster_set_new(&o);
	cluster_set_add(cs, "m;a;b;c;d;e;f;g;main.leak;runtime.mallocgc",
	    42, "", 0);
	cluster_set_add(cs, "m;a;b;c;d;e;f;g;main.leak;runtime.newobject",
	    43, "", 0);
	cluster_set_link(cs, NULL, NULL);
	ok(cluster_set_id(cs, 0) == cluster_set_id(cs, 1),
	    "runtime leaves share the site main.leak");
	cluster_set_free(cs);
	/* with --lines frames, the site is the function without its line */
	cs = cluster_set_new(&o);
	for (i = 0; i < 3; i++)
		cluster_set_add(cs, lined[i], strlen(lined[i]), "", 0);
	cluster_set_link(cs, NULL, NULL);
	ok(cluster_set_id(cs, 0) == cluster_set_id(cs, 1),
	    "lines of one site function join");
	ok(cluster_set_id(cs, 0) != cluster_set_id(cs, 2),
	    "another function at the same line does not");
	cluster_set_free(cs);
}

int
main(void)
{
	test_jaccard();
	test_similar();
	test_shingles();
	test_estimate();
	test_banding();
	test_unionfind();
	test_set();
	return done_testing();
}
