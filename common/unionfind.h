/*
 * Disjoint sets over the integers 0..n-1 (union by size, path halving):
 * the connected components of the confirmed similar pairs.
 */
#ifndef LEAKATLAS_UNIONFIND_H
#define LEAKATLAS_UNIONFIND_H

#include <stddef.h>
#include <stdint.h>

struct unionfind;

struct unionfind *unionfind_new(size_t);
void		 unionfind_free(struct unionfind *);
uint32_t	 unionfind_find(struct unionfind *, uint32_t);
int		 unionfind_union(struct unionfind *, uint32_t, uint32_t);
size_t		 unionfind_size(struct unionfind *, uint32_t);

#endif
