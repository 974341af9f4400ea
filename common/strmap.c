/* Open-addressing hash table over an insertion-ordered entry array. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "hash.h"
#include "strmap.h"
#include "xmalloc.h"

#define EMPTY	SIZE_MAX

struct strmap {
	struct arena		*keys;
	struct strmap_entry	*entries;
	size_t			 count;
	size_t			 cap;		/* of entries */
	size_t			*slots;		/* entry index or EMPTY */
	size_t			 mask;		/* nslots - 1 */
};

struct strmap *
strmap_new(void)
{
	struct strmap *m;
	size_t i;

	m = xcalloc(1, sizeof(*m));
	m->keys = arena_new();
	m->mask = 63;
	m->slots = xreallocarray(NULL, m->mask + 1, sizeof(size_t));
	for (i = 0; i <= m->mask; i++)
		m->slots[i] = EMPTY;
	return m;
}

void
strmap_free(struct strmap *m)
{
	if (m == NULL)
		return;
	arena_free(m->keys);
	free(m->entries);
	free(m->slots);
	free(m);
}

static size_t
probe(const struct strmap *m, const char *key, size_t len, uint64_t h)
{
	size_t i = (size_t)h & m->mask, e;

	for (;;) {
		e = m->slots[i];
		if (e == EMPTY)
			return i;
		if (m->entries[e].hash == h && m->entries[e].len == len &&
		    memcmp(m->entries[e].key, key, len) == 0)
			return i;
		i = (i + 1) & m->mask;
	}
}

static void
grow(struct strmap *m)
{
	size_t nslots = (m->mask + 1) * 2, i, j;

	free(m->slots);
	m->slots = xreallocarray(NULL, nslots, sizeof(size_t));
	m->mask = nslots - 1;
	for (i = 0; i < nslots; i++)
		m->slots[i] = EMPTY;
	for (i = 0; i < m->count; i++) {
		j = (size_t)m->entries[i].hash & m->mask;
		while (m->slots[j] != EMPTY)
			j = (j + 1) & m->mask;
		m->slots[j] = i;
	}
}

/*
 * Return the index of key, adding it when absent; *created (if not NULL)
 * tells which.  Indexes stay valid for the life of the map.
 */
size_t
strmap_intern(struct strmap *m, const char *key, size_t len, int *created)
{
	uint64_t h = hash_bytes(key, len, 0);
	size_t i = probe(m, key, len, h);
	struct strmap_entry *e;

	if (m->slots[i] != EMPTY) {
		if (created != NULL)
			*created = 0;
		return m->slots[i];
	}
	if (m->count == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		m->entries = xreallocarray(m->entries, m->cap,
		    sizeof(*m->entries));
	}
	e = &m->entries[m->count];
	e->key = arena_strndup(m->keys, key, len);
	e->len = len;
	e->hash = h;
	e->value = NULL;
	m->slots[i] = m->count++;
	if (m->count * 4 > (m->mask + 1) * 3)
		grow(m);
	if (created != NULL)
		*created = 1;
	return m->count - 1;
}

/* Set *index and return 1 when key is present, else return 0. */
int
strmap_find(const struct strmap *m, const char *key, size_t len,
    size_t *index)
{
	size_t i = probe(m, key, len, hash_bytes(key, len, 0));

	if (m->slots[i] == EMPTY)
		return 0;
	if (index != NULL)
		*index = m->slots[i];
	return 1;
}

size_t
strmap_count(const struct strmap *m)
{
	return m->count;
}

struct strmap_entry *
strmap_at(const struct strmap *m, size_t i)
{
	return i < m->count ? &m->entries[i] : NULL;
}
