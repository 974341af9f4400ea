/* Classification of goroutine stacks by blocking operation; see blocking.h. */
#include "config.h"

#include <string.h>

#include "blocking.h"
#include "frames.h"

/*
 * Runtime and standard-library functions a parked goroutine passes through,
 * and the operation each stands for.  A name ending in '*' matches as a
 * prefix.  The walk from the leaf keeps the outermost match, so
 * sync.(*WaitGroup).Wait wins over the semacquire below it.
 */
static const struct op {
	const char	*func;
	const char	*op;
} ops[] = {
	{ "runtime.chanrecv*", "chan receive" },
	{ "runtime.chansend*", "chan send" },
	{ "runtime.selectgo", "select" },
	{ "runtime.block", "select without cases" },
	{ "runtime.semacquire*", "semacquire" },
	{ "sync.runtime_Semacquire", "semacquire" },
	{ "sync.runtime_SemacquireMutex", "mutex lock" },
	{ "sync.runtime_SemacquireRWMutexR", "rwmutex rlock" },
	{ "sync.runtime_SemacquireRWMutex", "rwmutex lock" },
	{ "sync.runtime_SemacquireWaitGroup", "waitgroup wait" },
	{ "sync.runtime_notifyListWait", "cond wait" },
	{ "sync.(*Cond).Wait", "cond wait" },
	{ "sync.(*WaitGroup).Wait", "waitgroup wait" },
	{ "sync.(*Mutex).Lock", "mutex lock" },
	{ "sync.(*Mutex).lockSlow", "mutex lock" },
	{ "sync.(*RWMutex).RLock", "rwmutex rlock" },
	{ "sync.(*RWMutex).Lock", "rwmutex lock" },
	{ "runtime.netpollblock", "io wait" },
	{ "internal/poll.runtime_pollWait", "io wait" },
	{ "time.Sleep", "sleep" },
	{ "os/signal.signal_recv", "signal wait" },
	{ "syscall.Syscall*", "syscall" },
	{ "syscall.RawSyscall*", "syscall" },
	{ "runtime.cgocall", "syscall" },
};

static const char *
op_of(const char *f, size_t len)
{
	const char *name;
	size_t i, n;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		name = ops[i].func;
		n = strlen(name);
		if (name[n - 1] == '*') {
			if (len >= n - 1 && memcmp(f, name, n - 1) == 0)
				return ops[i].op;
		} else if (len == n && memcmp(f, name, n) == 0)
			return ops[i].op;
	}
	return NULL;
}

static int
is_park(const char *f, size_t len)
{
	return (len == 14 && memcmp(f, "runtime.gopark", 14) == 0) ||
	    (len == 20 && memcmp(f, "runtime.goparkunlock", 20) == 0);
}

/*
 * Classify a ';'-joined stack (root first; frames may carry " (file:line)"
 * after the name).  Walk from the leaf through runtime and standard-library
 * frames, keeping the outermost operation recognised, up to the first frame
 * of the program's own code: that frame is the site (*site, *sitelen, into
 * the stack).  When every frame is the runtime's or the standard library's,
 * the site is the root-most frame that is neither the runtime nor an
 * operation: the function the goroutine was started with.  Returns the operation: "running" when the goroutine is not
 * parked, "other wait" when it is parked on something not recognised.
 */
const char *
blocking_classify(const char *stack, size_t len, const char **site,
    size_t *sitelen)
{
	const char *p = stack + len, *f, *op = NULL, *o, *fallback = NULL;
	size_t flen, name, fblen = 0;
	int parked = 0;

	*site = NULL;
	*sitelen = 0;
	while (frames_prev(&p, stack, &f, &flen)) {
		for (name = 0; name < flen && f[name] != ' '; name++)
			;
		if (is_park(f, name)) {
			parked = 1;
			continue;
		}
		if ((o = op_of(f, name)) != NULL) {
			op = o;
			continue;
		}
		if (!frames_is_stdlib(f, name)) {
			*site = f;
			*sitelen = flen;
			break;
		}
		if (!frames_is_runtime(f, name)) {
			fallback = f;
			fblen = flen;
		}
	}
	if (*site == NULL) {
		*site = fallback;
		*sitelen = fblen;
	}
	if (*site == NULL && len > 0) {
		p = stack + len;
		frames_prev(&p, stack, site, sitelen);
	}
	if (op != NULL)
		return op;
	return parked ? "other wait" : "running";
}
