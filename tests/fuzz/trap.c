/*
 * The exit trap of fuzz.h.  Linked with -Wl,--wrap=exit,--wrap=malloc,
 * --wrap=calloc,--wrap=realloc,--wrap=free: while armed, the blocks our
 * code allocates are remembered in a hash set, forgotten when freed, and
 * the rest released when exit() jumps back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

void	*__real_malloc(size_t);
void	*__real_calloc(size_t, size_t);
void	*__real_realloc(void *, size_t);
void	 __real_free(void *);
_Noreturn void __real_exit(int);
void	*__wrap_malloc(size_t);
void	*__wrap_calloc(size_t, size_t);
void	*__wrap_realloc(void *, size_t);
void	 __wrap_free(void *);
_Noreturn void __wrap_exit(int);

jmp_buf fuzz_trap_jmp;
static int armed;
static void **set;		/* open addressing, linear probing */
static size_t setcap, setlen;

static size_t
slot(void *p)
{
	uintptr_t h = (uintptr_t)p;

	h ^= h >> 17;
	h *= 0x9e3779b97f4a7c15u;
	return (size_t)(h >> 7) & (setcap - 1);
}

static void
set_add(void *p)
{
	void **old = set;
	size_t oldcap = setcap, i;

	if (p == NULL)
		return;
	if ((setlen + 1) * 2 > setcap) {
		setcap = setcap ? setcap * 2 : 1024;
		set = __real_calloc(setcap, sizeof(*set));
		if (set == NULL)
			abort();
		setlen = 0;
		for (i = 0; i < oldcap; i++)
			if (old[i] != NULL)
				set_add(old[i]);
		__real_free(old);
	}
	for (i = slot(p); set[i] != NULL; i = (i + 1) & (setcap - 1))
		;
	set[i] = p;
	setlen++;
}

/* Remove p, shifting back the entries of its probe run. */
static void
set_del(void *p)
{
	size_t i, j, k;

	if (p == NULL || setcap == 0)
		return;
	for (i = slot(p); set[i] != p; i = (i + 1) & (setcap - 1))
		if (set[i] == NULL)
			return;
	set[i] = NULL;
	setlen--;
	for (j = (i + 1) & (setcap - 1); set[j] != NULL;
	    j = (j + 1) & (setcap - 1)) {
		k = slot(set[j]);
		if ((j > i && (k <= i || k > j)) || (j < i && k <= i && k > j)) {
			set[i] = set[j];
			set[j] = NULL;
			i = j;
		}
	}
}

void *
__wrap_malloc(size_t n)
{
	void *p = __real_malloc(n);

	if (armed)
		set_add(p);
	return p;
}

void *
__wrap_calloc(size_t n, size_t size)
{
	void *p = __real_calloc(n, size);

	if (armed)
		set_add(p);
	return p;
}

void *
__wrap_realloc(void *old, size_t n)
{
	void *p = __real_realloc(old, n);

	if (armed && p != NULL) {
		set_del(old);
		set_add(p);
	}
	return p;
}

void
__wrap_free(void *p)
{
	if (armed)
		set_del(p);
	__real_free(p);
}

void
__wrap_exit(int status)
{
	if (armed) {
		armed = 0;
		longjmp(fuzz_trap_jmp, status + 1);
	}
	__real_exit(status);
}

void
fuzz_trap_arm(void)
{
	setlen = 0;
	if (set != NULL)
		memset(set, 0, setcap * sizeof(*set));
	armed = 1;
}

void
fuzz_trap_disarm(void)
{
	armed = 0;
}

/* After the jump: free what the abandoned code still held. */
void
fuzz_trap_release(void)
{
	size_t i;

	armed = 0;
	for (i = 0; i < setcap; i++)
		if (set[i] != NULL) {
			__real_free(set[i]);
			set[i] = NULL;
		}
	setlen = 0;
}
