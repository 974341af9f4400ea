/*
 * cluster-bench: the measurements behind tests/bench/cluster.sh.
 *
 *   cluster-bench quality [-p N] [-t J] FILE   LSH against exact all-pairs
 *   cluster-bench gen N                        N distinct synthetic stacks
 *
 * quality reads the distinct stacks of FILE's stack column, adds N
 * perturbed copies (a frame dropped, replaced or inserted, or the root end
 * truncated, as deep stacks are), computes the exact Jaccard index of every
 * pair and the pairs LSH proposes and confirms, and prints recall,
 * precision and both times.  gen writes sample rows for the scaling runs.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cluster.h"
#include "err.h"
#include "hash.h"
#include "minhash.h"
#include "strmap.h"
#include "tsv.h"
#include "xmalloc.h"

static uint64_t rng = 42;

static uint64_t
rnd(uint64_t n)
{
	rng = hash_mix64(rng + 0x9e3779b97f4a7c15ULL);
	return n ? rng % n : 0;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Split a stack into frames (pointers into a copy). */
static size_t
split(char *s, char **f, size_t max)
{
	size_t n = 0;
	char *p;

	if (*s == '\0')
		return 0;
	for (p = s; n < max; ) {
		f[n++] = p;
		if ((p = strchr(p, ';')) == NULL)
			break;
		*p++ = '\0';
	}
	return n;
}

static void
join_add(struct strmap *m, char **f, size_t n)
{
	char buf[65536];
	size_t len = 0, i, l;

	for (i = 0; i < n; i++) {
		l = strlen(f[i]);
		if (len + l + 2 > sizeof(buf))
			break;
		if (i > 0)
			buf[len++] = ';';
		memcpy(buf + len, f[i], l);
		len += l;
	}
	strmap_intern(m, buf, len, NULL);
}

static void
perturb(struct strmap *m, size_t base, size_t nvariants)
{
	char *copy, *f[1024], *g[1026], fake[64];
	size_t n, i, k, v, at;

	for (v = 0; v < nvariants; v++) {
		copy = xstrdup(strmap_at(m, rnd(base))->key);
		n = split(copy, f, 1024);
		if (n < 3) {
			free(copy);
			continue;
		}
		at = rnd(n);
		snprintf(fake, sizeof(fake), "main.variant%zu", v);
		k = 0;
		switch (rnd(4)) {
		case 0:		/* drop a frame */
			for (i = 0; i < n; i++)
				if (i != at)
					g[k++] = f[i];
			break;
		case 1:		/* replace a frame */
			for (i = 0; i < n; i++)
				g[k++] = i == at ? fake : f[i];
			break;
		case 2:		/* insert a frame */
			for (i = 0; i < n; i++) {
				if (i == at)
					g[k++] = fake;
				g[k++] = f[i];
			}
			break;
		default:	/* lose root frames, as a depth limit does */
			for (i = 1 + rnd(n / 4 + 1); i < n; i++)
				g[k++] = f[i];
			break;
		}
		join_add(m, g, k);
		free(copy);
	}
}

struct pairs {
	uint64_t	*v;
	size_t		 n, cap;
};

static void
on_pair(void *arg, uint32_t a, uint32_t b, double j)
{
	struct pairs *p = arg;

	(void)j;
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 1024;
		p->v = xreallocarray(p->v, p->cap, sizeof(*p->v));
	}
	p->v[p->n++] = a < b ? (uint64_t)a << 32 | b : (uint64_t)b << 32 | a;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static struct cluster_set *
load(struct strmap *m, const struct cluster_opts *o)
{
	struct cluster_set *cs = cluster_set_new(o);
	size_t i;

	for (i = 0; i < strmap_count(m); i++)
		cluster_set_add(cs, strmap_at(m, i)->key, strmap_at(m, i)->len,
		    "", 0);
	return cs;
}

static int
quality(const char *file, size_t nperturb, size_t limit, double t)
{
	struct strmap *m = strmap_new();
	struct tsv_reader *r;
	struct cluster_opts o;
	struct cluster_set *cs;
	struct pairs lp = { NULL, 0, 0 };
	char *files[1];
	uint64_t **sh, key;
	size_t *ns, n, i, j, need, base, exact = 0, found = 0, same = 0, uniq;
	size_t col;
	double t0, texact, tlsh, tpairs, jac;

	files[0] = (char *)file;
	r = tsv_open(1, files);
	col = tsv_need(r, "stack");
	while (tsv_next(r) && strmap_count(m) < limit)
		strmap_intern(m, tsv_get(r, col), tsv_len(r, col), NULL);
	tsv_close(r);
	base = strmap_count(m);
	perturb(m, base, nperturb);
	n = strmap_count(m);
	cluster_opts_init(&o);
	o.threshold = t;
	o.cross_site = 1;	/* pure Jaccard, as the exact baseline */

	/* LSH as cluster(1) runs it */
	cs = load(m, &o);
	t0 = now();
	cluster_set_link(cs, NULL, NULL);
	tlsh = now() - t0;
	cluster_set_free(cs);

	/* LSH listing every confirmed pair, for recall */
	cs = load(m, &o);
	t0 = now();
	cluster_set_link(cs, on_pair, &lp);
	tpairs = now() - t0;
	qsort(lp.v, lp.n, sizeof(*lp.v), cmp_u64);
	for (i = uniq = 0; i < lp.n; i++)
		if (uniq == 0 || lp.v[uniq - 1] != lp.v[i])
			lp.v[uniq++] = lp.v[i];

	/* exact all pairs on the same shingle sets */
	t0 = now();
	sh = xreallocarray(NULL, n, sizeof(*sh));
	ns = xreallocarray(NULL, n, sizeof(*ns));
	for (i = 0; i < n; i++) {
		need = cluster_set_shingles(cs, (uint32_t)i, NULL, 0);
		sh[i] = xreallocarray(NULL, need + 1, sizeof(uint64_t));
		ns[i] = cluster_set_shingles(cs, (uint32_t)i, sh[i], need);
	}
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++) {
			jac = minhash_jaccard(sh[i], ns[i], sh[j], ns[j]);
			if (jac < t)
				continue;
			exact++;
			key = (uint64_t)i << 32 | j;
			found += bsearch(&key, lp.v, uniq, sizeof(*lp.v),
			    cmp_u64) != NULL;
			same += cluster_set_root(cs, (uint32_t)i) ==
			    cluster_set_root(cs, (uint32_t)j);
		}
	texact = now() - t0;
	/* every LSH pair was confirmed: check it against the exact index */
	for (i = j = 0; i < uniq; i++)
		j += minhash_jaccard(sh[lp.v[i] >> 32], ns[lp.v[i] >> 32],
		    sh[(uint32_t)lp.v[i]], ns[(uint32_t)lp.v[i]]) >= t;

	printf("stacks\t%zu (%zu read, %zu perturbed)\n", n, base, n - base);
	cluster_opts_banding(&o);
	printf("bands x rows\t%d x %d (S-curve threshold %.3f, "
	    "P(J=%.2f) %.3f)\n", o.bands, o.rows,
	    minhash_threshold(o.bands, o.rows), t,
	    minhash_probability(t, o.bands, o.rows));
	printf("pairs J>=%.2f\t%zu\n", t, exact);
	printf("found by LSH\t%zu\n", found);
	printf("recall (pairs)\t%.4f\n", exact ? (double)found / exact : 1.0);
	printf("recall (same cluster)\t%.4f\n",
	    exact ? (double)same / exact : 1.0);
	printf("precision\t%.4f\n", uniq ? (double)j / uniq : 1.0);
	printf("exact all pairs\t%.3f s\n", texact);
	printf("lsh (cluster)\t%.3f s\n", tlsh);
	printf("lsh (all pairs listed)\t%.3f s\n", tpairs);
	printf("speedup\t%.0fx\n", texact / tlsh);
	for (i = 0; i < n; i++)
		free(sh[i]);
	free(sh);
	free(ns);
	free(lp.v);
	cluster_set_free(cs);
	strmap_free(m);
	return 0;
}

/*
 * N distinct stacks in families of about 20: each family a random walk of
 * 6 to 30 frames over 2000 functions, each member the family's walk with
 * a leaf of its own and, one time in two, one more frame replaced.
 */
static int
gen(size_t n)
{
	uint32_t walk[32];
	size_t i, fam, d, k, x;
	uint64_t save;

	printf("snapshot\ttime\ttype\tinuse_space\tlabels\tsite\tstack\n");
	for (i = 0; i < n; i++) {
		fam = i / 20;
		save = rng;
		rng = hash_mix64(fam + 1);
		d = 6 + rnd(25);
		for (k = 0; k < d; k++)
			walk[k] = (uint32_t)rnd(2000);
		rng = save;
		if (rnd(2))
			walk[rnd(d)] = (uint32_t)rnd(2000);
		x = rnd(3);
		printf("heap-%04zu.pb.gz\t2026-11-26T00:00:%02zu.000000000Z\t"
		    "heap\t%zu\tbytes=%zu\tmain.leaf%zu leak.go:%zu\t"
		    "runtime.main;main.main", x, x, (size_t)rnd(100000),
		    (size_t)(16 << rnd(8)), i, i % 1000 + 1);
		for (k = 0; k < d; k++)
			printf(";pkg%u.fn%u", walk[k] % 50, walk[k]);
		printf(";main.leaf%zu\n", i);
	}
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}

int
main(int argc, char *argv[])
{
	size_t np = 0, limit = SIZE_MAX;
	double t = 0.7;
	int i;

	err_setprog("cluster-bench");
	if (argc == 3 && strcmp(argv[1], "gen") == 0)
		return gen(strtoull(argv[2], NULL, 10));
	if (argc < 3 || strcmp(argv[1], "quality") != 0) {
		fprintf(stderr, "usage: cluster-bench quality [-p N] [-l N] "
		    "[-t J] FILE | cluster-bench gen N\n");
		return 2;
	}
	for (i = 2; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "-p") == 0)
			np = strtoull(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "-l") == 0)
			limit = strtoull(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "-t") == 0)
			t = strtod(argv[i + 1], NULL);
		else
			break;
	}
	if (i >= argc)
		return 2;
	return quality(argv[i], np, limit, t);
}
