/*
 * A string-keyed map that interns its keys: each distinct key gets a dense
 * index (0, 1, 2, ... in insertion order) and one pointer-sized value slot.
 * Keys are copied into the map's own arena; they may contain NUL bytes.
 */
#ifndef LEAKATLAS_STRMAP_H
#define LEAKATLAS_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap;

struct strmap_entry {
	const char	*key;		/* NUL-terminated copy */
	size_t		 len;
	uint64_t	 hash;
	void		*value;
};

struct strmap	*strmap_new(void);
void		 strmap_free(struct strmap *);
size_t		 strmap_intern(struct strmap *, const char *, size_t, int *);
int		 strmap_find(const struct strmap *, const char *, size_t,
		    size_t *);
size_t		 strmap_count(const struct strmap *);
struct strmap_entry *strmap_at(const struct strmap *, size_t);

#endif
