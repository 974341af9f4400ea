/*
 * An LD_PRELOAD shim that makes one library call fail, to check that the
 * tools survive every I/O and allocation failure: they must exit 1 with a
 * message, or succeed with the right output; never crash.
 *
 *   FAULT_CALLS=read,write,open,malloc,realloc,calloc   (default: all)
 *   FAULT_AT=N       the Nth call counted fails (1-based); 0: none fails
 *   FAULT_REPORT=F   append the number of calls counted to F at exit, one
 *                    line per process (a runner's stages inherit the shim)
 *
 * Only calls of the families in FAULT_CALLS are counted:
 *   read     read, fread, fgets, getdelim, getline (EIO)
 *   write    write, fwrite, fputc, fputs, fprintf, vfprintf, printf,
 *            fflush, fclose, fsync; never on stderr (ENOSPC, a full disk)
 *   open     open, fopen, fdopen, mkstemp (EMFILE)
 *   malloc, realloc, calloc  (NULL, ENOMEM)
 * The failing call does nothing (except fclose, which still closes) and
 * marks a stdio stream as in error.  glibc only (__libc_malloc, _flags).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

enum { F_READ = 1, F_WRITE = 2, F_OPEN = 4, F_MALLOC = 8, F_REALLOC = 16,
	F_CALLOC = 32, F_ALL = 63 };

#define STREAM_ERR	0x0020		/* glibc's _IO_ERR_SEEN */

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

static int families;
static unsigned long at, count;
static int ready;

/* The functions wrapped, found once before any call is counted. */
static __typeof__(read) *real_read;
static __typeof__(fread) *real_fread;
static __typeof__(fgets) *real_fgets;
static __typeof__(getdelim) *real_getdelim;
static __typeof__(write) *real_write;
static __typeof__(fwrite) *real_fwrite;
static __typeof__(fputc) *real_fputc;
static __typeof__(fputs) *real_fputs;
static __typeof__(vfprintf) *real_vfprintf;
static __typeof__(fflush) *real_fflush;
static __typeof__(fclose) *real_fclose;
static __typeof__(fsync) *real_fsync;
static __typeof__(open) *real_open;
static __typeof__(fopen) *real_fopen;
static __typeof__(fdopen) *real_fdopen;
static __typeof__(mkstemp) *real_mkstemp;

static void
resolve(void)
{
	real_read = (__typeof__(read) *)dlsym(RTLD_NEXT, "read");
	real_fread = (__typeof__(fread) *)dlsym(RTLD_NEXT, "fread");
	real_fgets = (__typeof__(fgets) *)dlsym(RTLD_NEXT, "fgets");
	real_getdelim = (__typeof__(getdelim) *)dlsym(RTLD_NEXT, "getdelim");
	real_write = (__typeof__(write) *)dlsym(RTLD_NEXT, "write");
	real_fwrite = (__typeof__(fwrite) *)dlsym(RTLD_NEXT, "fwrite");
	real_fputc = (__typeof__(fputc) *)dlsym(RTLD_NEXT, "fputc");
	real_fputs = (__typeof__(fputs) *)dlsym(RTLD_NEXT, "fputs");
	real_vfprintf = (__typeof__(vfprintf) *)dlsym(RTLD_NEXT, "vfprintf");
	real_fflush = (__typeof__(fflush) *)dlsym(RTLD_NEXT, "fflush");
	real_fclose = (__typeof__(fclose) *)dlsym(RTLD_NEXT, "fclose");
	real_fsync = (__typeof__(fsync) *)dlsym(RTLD_NEXT, "fsync");
	real_open = (__typeof__(open) *)dlsym(RTLD_NEXT, "open");
	real_fopen = (__typeof__(fopen) *)dlsym(RTLD_NEXT, "fopen");
	real_fdopen = (__typeof__(fdopen) *)dlsym(RTLD_NEXT, "fdopen");
	real_mkstemp = (__typeof__(mkstemp) *)dlsym(RTLD_NEXT, "mkstemp");
}

#define REAL(name) do {				\
	if (real_##name == NULL)		\
		resolve();			\
} while (0)

static int
parse_families(const char *s)
{
	static const struct { const char *name; int bit; } tab[] = {
		{ "read", F_READ }, { "write", F_WRITE }, { "open", F_OPEN },
		{ "fopen", F_OPEN }, { "malloc", F_MALLOC },
		{ "realloc", F_REALLOC }, { "calloc", F_CALLOC },
		{ "all", F_ALL }
	};
	size_t i, n;
	int bits = 0;

	while (*s != '\0') {
		n = strcspn(s, ",");
		for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
			if (strlen(tab[i].name) == n &&
			    strncmp(tab[i].name, s, n) == 0)
				bits |= tab[i].bit;
		s += n;
		if (*s == ',')
			s++;
	}
	return bits;
}

__attribute__((constructor)) static void
fault_init(void)
{
	const char *s;

	resolve();
	s = getenv("FAULT_CALLS");
	families = s != NULL && *s != '\0' ? parse_families(s) : F_ALL;
	s = getenv("FAULT_AT");
	at = s != NULL ? strtoul(s, NULL, 10) : 0;
	ready = 1;
}

__attribute__((destructor)) static void
fault_fini(void)
{
	const char *path = getenv("FAULT_REPORT");
	char b[32];
	int fd, n;

	ready = 0;
	if (path == NULL)
		return;
	REAL(open);
	REAL(write);
	if ((fd = real_open(path, O_WRONLY | O_CREAT | O_APPEND, 0644)) == -1)
		return;
	n = snprintf(b, sizeof(b), "%lu\n", count);
	(void)!real_write(fd, b, (size_t)n);
	close(fd);
}

/* Count a call of family f; 1 when it is the one to fail. */
static int
fail(int f, int e)
{
	if (!ready || (families & f) == 0)
		return 0;
	if (++count != at)
		return 0;
	errno = e;
	return 1;
}

static int
fail_stream(FILE *fp, int f, int e)
{
	if (fp == stderr || !fail(f, e))
		return 0;
	if (fp != NULL)
		fp->_flags |= STREAM_ERR;
	return 1;
}

void *
malloc(size_t n)
{
	return fail(F_MALLOC, ENOMEM) ? NULL : __libc_malloc(n);
}

void *
calloc(size_t n, size_t size)
{
	return fail(F_CALLOC, ENOMEM) ? NULL : __libc_calloc(n, size);
}

void *
realloc(void *p, size_t n)
{
	return fail(F_REALLOC, ENOMEM) ? NULL : __libc_realloc(p, n);
}

ssize_t
read(int fd, void *buf, size_t n)
{
	REAL(read);
	return fail(F_READ, EIO) ? -1 : real_read(fd, buf, n);
}

size_t
fread(void *buf, size_t size, size_t n, FILE *fp)
{
	REAL(fread);
	return fail_stream(fp, F_READ, EIO) ? 0 : real_fread(buf, size, n, fp);
}

char *
fgets(char *s, int n, FILE *fp)
{
	REAL(fgets);
	return fail_stream(fp, F_READ, EIO) ? NULL : real_fgets(s, n, fp);
}

ssize_t
getdelim(char **line, size_t *n, int delim, FILE *fp)
{
	REAL(getdelim);
	return fail_stream(fp, F_READ, EIO) ? -1 :
	    real_getdelim(line, n, delim, fp);
}

ssize_t
getline(char **line, size_t *n, FILE *fp)
{
	return getdelim(line, n, '\n', fp);
}

ssize_t
write(int fd, const void *buf, size_t n)
{
	REAL(write);
	return fd != STDERR_FILENO && fail(F_WRITE, ENOSPC) ? -1 :
	    real_write(fd, buf, n);
}

size_t
fwrite(const void *buf, size_t size, size_t n, FILE *fp)
{
	REAL(fwrite);
	return fail_stream(fp, F_WRITE, ENOSPC) ? 0 :
	    real_fwrite(buf, size, n, fp);
}

int
fputc(int c, FILE *fp)
{
	REAL(fputc);
	return fail_stream(fp, F_WRITE, ENOSPC) ? EOF : real_fputc(c, fp);
}

int
fputs(const char *s, FILE *fp)
{
	REAL(fputs);
	return fail_stream(fp, F_WRITE, ENOSPC) ? EOF : real_fputs(s, fp);
}

int
vfprintf(FILE *fp, const char *fmt, va_list ap)
{
	REAL(vfprintf);
	return fail_stream(fp, F_WRITE, ENOSPC) ? -1 :
	    real_vfprintf(fp, fmt, ap);
}

int
fprintf(FILE *fp, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vfprintf(fp, fmt, ap);
	va_end(ap);
	return rc;
}

int
printf(const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vfprintf(stdout, fmt, ap);
	va_end(ap);
	return rc;
}

int
fflush(FILE *fp)
{
	REAL(fflush);
	return fail_stream(fp, F_WRITE, ENOSPC) ? EOF : real_fflush(fp);
}

int
fclose(FILE *fp)
{
	int failed;

	REAL(fclose);
	failed = fail_stream(fp, F_WRITE, ENOSPC);
	if (real_fclose(fp) == EOF || failed) {
		if (failed)
			errno = ENOSPC;
		return EOF;
	}
	return 0;
}

int
fsync(int fd)
{
	REAL(fsync);
	return fail(F_WRITE, EIO) ? -1 : real_fsync(fd);
}

int
open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode = 0;

	REAL(open);
	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	return fail(F_OPEN, EMFILE) ? -1 : real_open(path, flags, mode);
}

FILE *
fopen(const char *path, const char *mode)
{
	REAL(fopen);
	return fail(F_OPEN, EMFILE) ? NULL : real_fopen(path, mode);
}

FILE *
fdopen(int fd, const char *mode)
{
	REAL(fdopen);
	return fail(F_OPEN, EMFILE) ? NULL : real_fdopen(fd, mode);
}

int
mkstemp(char *template)
{
	REAL(mkstemp);
	return fail(F_OPEN, EMFILE) ? -1 : real_mkstemp(template);
}
