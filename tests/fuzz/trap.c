/*
 * The exit trap of fuzz.h.  Linked with -Wl,--wrap=exit,--wrap=fopen,
 * --wrap=fclose.  While armed, AddressSanitizer's allocation hooks
 * remember every block allocated (by our code, libc or libyaml) and
 * forget it when freed, and the streams our code fopens are remembered
 * until closed; when exit() jumps back, the streams are closed and the
 * blocks freed.  A descriptor from open(2) is closed by fuzz_trap_call.
 * The set lives in mmap'ed memory: the hooks must not allocate.  Only the
 * thread that armed the trap is watched.
 *
 * The bookkeeping is NOCOV, not instrumented for coverage: its hash probes
 * ran on every allocation, cost more than the parsers under test (libyaml
 * allocates a lot), and gave libFuzzer features that say nothing about the
 * input.
 */
#define _GNU_SOURCE
#include <sys/mman.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sanitizer/allocator_interface.h>

#include "fuzz.h"

_Noreturn void __real_exit(int);
_Noreturn void __wrap_exit(int);
FILE	*__real_fopen(const char *, const char *);
int	 __real_fclose(FILE *);
FILE	*__wrap_fopen(const char *, const char *);
int	 __wrap_fclose(FILE *);

#define NOCOV	__attribute__((no_sanitize("coverage")))

/* Largest set kept from one input to the next (8 bytes a slot). */
#define SET_KEEP	((size_t)1 << 14)

jmp_buf fuzz_trap_jmp;
/*
 * Per thread: the hooks run in every thread, and a block that libFuzzer's
 * RSS thread allocates meanwhile (glibc grows its TLS vector with malloc
 * when it starts) must not be freed by the release.  Thread-local storage
 * of the executable is reached without allocating.
 */
static _Thread_local volatile int armed;
static FILE *streams[16];	/* opened while armed, not yet closed */
static void **set;		/* open addressing, linear probing */
static size_t setcap, setlen;

static size_t NOCOV
slot(void *p)
{
	uintptr_t h = (uintptr_t)p;

	h ^= h >> 17;
	h *= 0x9e3779b97f4a7c15u;
	return (size_t)(h >> 7) & (setcap - 1);
}

static void NOCOV
set_add(void *p)
{
	void **old = set;
	size_t oldcap = setcap, i;

	if (p == NULL)
		return;
	if ((setlen + 1) * 2 > setcap) {
		setcap = setcap ? setcap * 2 : 1024;
		set = mmap(NULL, setcap * sizeof(*set), PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (set == MAP_FAILED)
			abort();
		setlen = 0;
		for (i = 0; i < oldcap; i++)
			if (old[i] != NULL)
				set_add(old[i]);
		if (old != NULL)
			munmap(old, oldcap * sizeof(*old));
	}
	for (i = slot(p); set[i] != NULL; i = (i + 1) & (setcap - 1))
		;
	set[i] = p;
	setlen++;
}

/* Remove p, shifting back the entries of its probe run. */
static void NOCOV
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

static void NOCOV
on_malloc(const volatile void *p, size_t n)
{
	(void)n;
	if (armed)
		set_add((void *)(uintptr_t)p);
}

static void NOCOV
on_free(const volatile void *p)
{
	if (armed)
		set_del((void *)(uintptr_t)p);
}

FILE *
__wrap_fopen(const char *path, const char *mode)
{
	FILE *fp = __real_fopen(path, mode);
	size_t i;

	for (i = 0; armed && fp != NULL && i < 16; i++)
		if (streams[i] == NULL) {
			streams[i] = fp;
			break;
		}
	return fp;
}

int
__wrap_fclose(FILE *fp)
{
	size_t i;

	for (i = 0; i < 16; i++)
		if (streams[i] == fp)
			streams[i] = NULL;
	return __real_fclose(fp);
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

NOCOV void
fuzz_trap_arm(void)
{
	static int hooked;

	if (!hooked) {
		__sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
		hooked = 1;
	}
	/*
	 * One input that allocated millions of blocks must not make every
	 * later arm and release scan (and keep) a table that large.  An
	 * empty set is all NULL already (set_del shifts, never tombstones).
	 */
	if (setcap > SET_KEEP) {
		munmap(set, setcap * sizeof(*set));
		set = NULL;
		setcap = 0;
	} else if (setlen > 0)
		memset(set, 0, setcap * sizeof(*set));
	setlen = 0;
	armed = 1;
}

void
fuzz_trap_disarm(void)
{
	armed = 0;
}

/* Arm again after a pause, keeping what the set holds. */
void
fuzz_trap_resume(void)
{
	armed = 1;
}

/* After the jump: close and free what the abandoned code still held. */
NOCOV void
fuzz_trap_release(void)
{
	size_t i;

	armed = 1;		/* what fclose frees leaves the set */
	for (i = 0; i < 16; i++)
		if (streams[i] != NULL) {
			__real_fclose(streams[i]);
			streams[i] = NULL;
		}
	armed = 0;
	for (i = 0; i < setcap; i++)
		if (set[i] != NULL) {
			free(set[i]);
			set[i] = NULL;
		}
	setlen = 0;
}

/* The path of a memfd holding data (one memfd, rewritten each time). */
const char *
fuzz_trap_file(const uint8_t *data, size_t size)
{
	static char path[64];
	static int fd = -1;
	size_t off = 0;
	ssize_t n;

	if (fd == -1 && (fd = memfd_create("fuzz", 0)) == -1)
		abort();
	if (ftruncate(fd, 0) == -1)
		abort();
	while (off < size) {
		if ((n = pwrite(fd, data + off, size - off, (off_t)off)) <= 0)
			abort();
		off += (size_t)n;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return path;
}

/*
 * Call fn(arg) with the trap armed.  Return 0 when it returned, or the
 * status it exited with plus 1, after releasing what it held (and the
 * one descriptor it may have opened with open(2)).
 */
int
fuzz_trap_call(void (*fn)(void *), void *arg)
{
	int probe, rc;

	probe = dup(0);
	close(probe);
	if ((rc = setjmp(fuzz_trap_jmp)) == 0) {
		fuzz_trap_arm();
		fn(arg);
		fuzz_trap_disarm();
	} else {
		fuzz_trap_release();
		if (fcntl(probe, F_GETFD) != -1)
			close(probe);
	}
	return rc;
}

/*
 * The entry point of a target whose loader takes a file name and exits 1
 * on bad data: call load(path of a file holding the input) with the trap
 * armed; anything but a return or exit(1) is a failure.
 */
int
fuzz_trap_load(void (*load)(void *), const uint8_t *data, size_t size)
{
	int rc;

	rc = fuzz_trap_call(load, (void *)(uintptr_t)fuzz_trap_file(data,
	    size));
	if (rc != 0 && rc != 1 + 1)
		abort();
	return 0;
}
