/* Chunked bump allocation; see arena.h. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "err.h"
#include "xmalloc.h"

#define ARENA_ALIGN	16
/* The fuzz build sets a small chunk: more chunk ends for ASan to see. */
#ifndef ARENA_CHUNK
#define ARENA_CHUNK	(64 * 1024)
#endif

struct chunk {
	struct chunk	*next;
	size_t		 size;		/* usable bytes after the header */
	size_t		 used;
	max_align_t	 data[];
};

struct arena {
	struct chunk	*head;
	size_t		 total;		/* bytes handed out */
};

struct arena *
arena_new(void)
{
	return xcalloc(1, sizeof(struct arena));
}

void
arena_reset(struct arena *a)
{
	struct chunk *c, *next;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
	a->total = 0;
}

void
arena_free(struct arena *a)
{
	arena_reset(a);
	free(a);
}

void *
arena_alloc(struct arena *a, size_t size)
{
	struct chunk *c;
	size_t need, csize;
	void *p;

	if (size > SIZE_MAX - ARENA_ALIGN)
		err_die(EXIT_DATA, "size overflow in arena");
	need = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (need == 0)
		need = ARENA_ALIGN;
	c = a->head;
	if (c == NULL || c->size - c->used < need) {
		csize = need > ARENA_CHUNK / 4 ? need : ARENA_CHUNK;
		c = xmalloc_prefault(sizeof(*c) + csize);
		c->size = csize;
		c->used = 0;
		if (need > ARENA_CHUNK / 4 && a->head != NULL) {
			/* A big block: keep the current chunk open. */
			c->used = need;
			c->next = a->head->next;
			a->head->next = c;
			a->total += need;
			return (char *)c->data;
		}
		c->next = a->head;
		a->head = c;
	}
	p = (char *)c->data + c->used;
	c->used += need;
	a->total += need;
	return p;
}

void *
arena_calloc(struct arena *a, size_t nmemb, size_t size)
{
	void *p;

	if (size != 0 && nmemb > SIZE_MAX / size)
		err_die(EXIT_DATA, "size overflow in arena");
	p = arena_alloc(a, nmemb * size);
	memset(p, 0, nmemb * size);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX)
		err_die(EXIT_DATA, "size overflow in arena");
	p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

size_t
arena_used(const struct arena *a)
{
	return a->total;
}

static void *
pb_alloc(void *data, size_t size)
{
	return arena_alloc(data, size);
}

static void
pb_free(void *data, void *p)
{
	(void)data;
	(void)p;
}

ProtobufCAllocator
arena_protobuf_allocator(struct arena *a)
{
	ProtobufCAllocator pa;

	pa.alloc = pb_alloc;
	pa.free = pb_free;
	pa.allocator_data = a;
	return pa;
}
