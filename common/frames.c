/* Classification of Go frames by package; see frames.h. */
#include "config.h"

#include <string.h>

#include "frames.h"

/* Top-level import paths of the Go standard library (Go 1.0 through 1.27). */
static const char *const std_roots[] = {
	"archive", "arena", "bufio", "builtin", "bytes", "cmp", "compress",
	"container", "context", "crypto", "database", "debug", "embed",
	"encoding", "errors", "expvar", "flag", "fmt", "go", "hash", "html",
	"image", "index", "internal", "io", "iter", "log", "maps", "math",
	"mime", "net", "os", "path", "plugin", "reflect", "regexp",
	"runtime", "slices", "sort", "strconv", "strings", "structs", "sync",
	"syscall", "testing", "text", "time", "unicode", "unique", "unsafe",
	"vendor", "weak",
};

/*
 * Length of the package import path that starts the function name
 * "net/http.(*conn).serve" -> "net/http"; 0 when there is none.  Slashes
 * inside generic brackets or receivers do not count.
 */
size_t
frames_package(const char *f, size_t len)
{
	size_t i, slash = 0, stop = len;

	for (i = 0; i < len; i++)
		if (f[i] == '[' || f[i] == '(' || f[i] == ' ') {
			stop = i;
			break;
		}
	for (i = 0; i < stop; i++)
		if (f[i] == '/')
			slash = i + 1;
	for (i = slash; i < stop; i++)
		if (f[i] == '.')
			return i;
	return 0;
}

static int
has_root(const char *f, size_t len, const char *root)
{
	size_t n = strlen(root);

	return len >= n && memcmp(f, root, n) == 0 &&
	    (len == n || f[n] == '/' || f[n] == '.');
}

/* The runtime proper: runtime, runtime/..., internal/runtime/... */
int
frames_is_runtime(const char *f, size_t len)
{
	size_t pkg = frames_package(f, len);

	if (pkg == 0)
		return 0;
	return has_root(f, pkg, "runtime") ||
	    (pkg > 17 && memcmp(f, "internal/runtime/", 17) == 0);
}

/*
 * A standard-library frame, runtime included: the package's first path
 * element is one of the standard roots.  Compiler-generated helpers
 * ("type:.eq.main.T", "type..hash.main.T") count as runtime too.
 */
int
frames_is_stdlib(const char *f, size_t len)
{
	size_t pkg, first, i;

	if ((len >= 5 && memcmp(f, "type:", 5) == 0) ||
	    (len >= 6 && memcmp(f, "type..", 6) == 0))
		return 1;
	if ((pkg = frames_package(f, len)) == 0)
		return 0;
	for (first = 0; first < pkg && f[first] != '/'; first++)
		;
	for (i = 0; i < sizeof(std_roots) / sizeof(std_roots[0]); i++)
		if (strlen(std_roots[i]) == first &&
		    memcmp(f, std_roots[i], first) == 0)
			return 1;
	return 0;
}

/*
 * Walk a ';'-joined stack root to leaf: set *frame and *len to the frame at
 * *p and advance *p; return 0 at the end.
 */
int
frames_next(const char **p, const char *end, const char **frame,
    size_t *len)
{
	const char *semi;

	if (*p >= end)
		return 0;
	semi = memchr(*p, ';', (size_t)(end - *p));
	if (semi == NULL)
		semi = end;
	*frame = *p;
	*len = (size_t)(semi - *p);
	*p = semi < end ? semi + 1 : end;
	return 1;
}

/*
 * Walk leaf to root: *p starts at the end of the stack and moves back
 * towards start; return 0 when it reaches it.
 */
int
frames_prev(const char **p, const char *start, const char **frame,
    size_t *len)
{
	const char *q = *p;

	if (q <= start)
		return 0;
	while (q > start && q[-1] != ';')
		q--;
	*frame = q;
	*len = (size_t)(*p - q);
	*p = q > start ? q - 1 : start;
	return 1;
}
