/*
 * A bump allocator: many small allocations freed together.  It is also a
 * ProtobufCAllocator, so a whole decoded profile is released in one call.
 */
#ifndef LEAKATLAS_ARENA_H
#define LEAKATLAS_ARENA_H

#include <stddef.h>

#include <protobuf-c/protobuf-c.h>

struct arena;

struct arena	*arena_new(void);
void		 arena_free(struct arena *);
void		 arena_reset(struct arena *);
void		*arena_alloc(struct arena *, size_t);
void		*arena_calloc(struct arena *, size_t, size_t);
char		*arena_strndup(struct arena *, const char *, size_t);
char		*arena_strdup(struct arena *, const char *);
size_t		 arena_used(const struct arena *);
ProtobufCAllocator arena_protobuf_allocator(struct arena *);

#endif
