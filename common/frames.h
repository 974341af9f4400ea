/*
 * Go function names and stacks: which package a frame is in, whether it is
 * the runtime or the standard library, and walking a `;`-joined stack.
 */
#ifndef LEAKATLAS_FRAMES_H
#define LEAKATLAS_FRAMES_H

#include <stddef.h>

size_t	frames_package(const char *, size_t);
int	frames_is_runtime(const char *, size_t);
int	frames_is_stdlib(const char *, size_t);
int	frames_next(const char **, const char *, const char **, size_t *);
int	frames_prev(const char **, const char *, const char **, size_t *);

#endif
