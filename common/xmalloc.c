/* The xmalloc family: die on allocation failure and on size overflow. */
#include "config.h"

#include <malloc.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "err.h"
#include "xmalloc.h"

/* Blocks smaller than this fault in few pages: not worth a system call. */
#define PREFAULT_MIN	(64 * 1024)

/*
 * For a program that allocates and frees big blocks (a profile, its
 * decompressed bytes, texts) input after input: keep freed memory for
 * the next block instead of handing it back to the kernel, so that it
 * is not faulted in again (see xmalloc_prefault).  Peak memory is
 * unchanged: what is kept is reused.  glibc only; elsewhere a no-op.
 */
void
xmalloc_reuse(void)
{
#ifdef M_MMAP_THRESHOLD
	(void)mallopt(M_MMAP_THRESHOLD, 256 << 20);
	(void)mallopt(M_TRIM_THRESHOLD, 512 << 20);
#endif
}

void *
xmalloc(size_t size)
{
	void *p;

	if (size == 0)
		size = 1;
	if ((p = malloc(size)) == NULL)
		err_die(EXIT_DATA, "out of memory (%zu bytes)", size);
	return p;
}

/*
 * xmalloc for a big block the caller is about to fill: its pages are
 * faulted in by one madvise call instead of one page fault each, which
 * on a virtual machine is most of the cost of touching fresh memory.
 * Best effort: kernels before 5.14 (and valgrind) refuse the advice, and
 * the pages then fault in on first write as usual.
 */
void *
xmalloc_prefault(size_t size)
{
	uintptr_t start, end, page;
	void *p;
	long ps;

	p = xmalloc(size);
#ifdef MADV_POPULATE_WRITE
	if (size >= PREFAULT_MIN && (ps = sysconf(_SC_PAGESIZE)) > 0) {
		page = (uintptr_t)ps;
		start = ((uintptr_t)p + page - 1) & ~(page - 1);
		end = ((uintptr_t)p + size) & ~(page - 1);
		if (end > start)
			(void)madvise((void *)start, end - start,
			    MADV_POPULATE_WRITE);
	}
#else
	(void)start; (void)end; (void)page; (void)ps;
#endif
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p;

	if (nmemb == 0 || size == 0)
		nmemb = size = 1;
	if ((p = calloc(nmemb, size)) == NULL)
		err_die(EXIT_DATA, "out of memory (%zu x %zu bytes)", nmemb,
		    size);
	return p;
}

void *
xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	void *p;

	if (nmemb == 0 || size == 0)
		nmemb = size = 1;
	if (nmemb > SIZE_MAX / size)
		err_die(EXIT_DATA, "size overflow (%zu x %zu bytes)", nmemb,
		    size);
	if ((p = realloc(ptr, nmemb * size)) == NULL)
		err_die(EXIT_DATA, "out of memory (%zu x %zu bytes)", nmemb,
		    size);
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX)
		err_die(EXIT_DATA, "size overflow");
	p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		err_die(EXIT_DATA, "bad format");
	*ret = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(*ret, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return n;
}
