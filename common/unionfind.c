/* Disjoint sets; see unionfind.h. */
#include "config.h"

#include <stdlib.h>

#include "err.h"
#include "unionfind.h"
#include "xmalloc.h"

struct unionfind {
	uint32_t	*parent;
	uint32_t	*size;
	size_t		 n;
};

/* n singletons; n must fit in 32 bits. */
struct unionfind *
unionfind_new(size_t n)
{
	struct unionfind *u;
	size_t i;

	if (n > UINT32_MAX)
		err_die(EXIT_DATA, "too many sets: %zu", n);
	u = xcalloc(1, sizeof(*u));
	u->n = n;
	u->parent = xreallocarray(NULL, n ? n : 1, sizeof(*u->parent));
	u->size = xreallocarray(NULL, n ? n : 1, sizeof(*u->size));
	for (i = 0; i < n; i++) {
		u->parent[i] = (uint32_t)i;
		u->size[i] = 1;
	}
	return u;
}

void
unionfind_free(struct unionfind *u)
{
	if (u == NULL)
		return;
	free(u->parent);
	free(u->size);
	free(u);
}

/* The representative of x's set (x < n). */
uint32_t
unionfind_find(struct unionfind *u, uint32_t x)
{
	while (u->parent[x] != x) {
		u->parent[x] = u->parent[u->parent[x]];
		x = u->parent[x];
	}
	return x;
}

/* Join the sets of a and b; return 1 when they were apart. */
int
unionfind_union(struct unionfind *u, uint32_t a, uint32_t b)
{
	uint32_t t;

	a = unionfind_find(u, a);
	b = unionfind_find(u, b);
	if (a == b)
		return 0;
	if (u->size[a] < u->size[b] || (u->size[a] == u->size[b] && b < a)) {
		t = a;
		a = b;
		b = t;
	}
	u->parent[b] = a;
	u->size[a] += u->size[b];
	return 1;
}

/* How many elements x's set has. */
size_t
unionfind_size(struct unionfind *u, uint32_t x)
{
	return u->size[unionfind_find(u, x)];
}
