/* Allocation that never returns NULL: failure or size overflow exits 1. */
#ifndef LEAKATLAS_XMALLOC_H
#define LEAKATLAS_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xmalloc_prefault(size_t);
void	 xmalloc_reuse(void);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
