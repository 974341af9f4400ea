/*
 * Unit tests of common/blocking: goroutine stacks (root first, as the
 * stack column holds them) taken from real Go 1.19 goroutine profiles
 * (tests/data/goroutine-chan) or written after the Go runtime's sources.
 */
#include "config.h"

#include <string.h>

#include "blocking.h"
#include "tap.h"

static void
check(const char *stack, const char *op, const char *site, const char *name)
{
	const char *s;
	size_t len;
	char buf[256];

	is_str(blocking_classify(stack, strlen(stack), &s, &len), op, name);
	if (s == NULL || len >= sizeof(buf))
		len = 0;
	else
		memcpy(buf, s, len);
	buf[len] = '\0';
	is_str(buf, site, name);
}

int
main(void)
{
	(void)is_int;
	(void)is_double;
	check("main.backendQuery;runtime.chansend1;runtime.chansend;"
	    "runtime.gopark", "chan send", "main.backendQuery",
	    "unbuffered send");
	check("main.awaitAck;runtime.chanrecv1;runtime.chanrecv;"
	    "runtime.gopark", "chan receive", "main.awaitAck", "receive");
	check("main.main.func1;runtime.chanrecv2;runtime.chanrecv;"
	    "runtime.gopark", "chan receive", "main.main.func1",
	    "range over a channel");
	check("svc.(*App).reportJob;runtime.selectgo;runtime.gopark",
	    "select", "svc.(*App).reportJob", "select");
	check("svc.(*App).runDriver;time.Sleep;runtime.gopark", "sleep",
	    "svc.(*App).runDriver", "sleep");
	check("main.worker;sync.(*WaitGroup).Wait;sync.runtime_Semacquire;"
	    "runtime.semacquire1;runtime.goparkunlock;runtime.gopark",
	    "waitgroup wait", "main.worker",
	    "waitgroup wins over the semacquire below it");
	check("main.update;sync.(*Mutex).Lock;sync.(*Mutex).lockSlow;"
	    "sync.runtime_SemacquireMutex;runtime.semacquire1;"
	    "runtime.gopark", "mutex lock", "main.update", "mutex");
	check("main.consume;sync.(*Cond).Wait;sync.runtime_notifyListWait;"
	    "runtime.goparkunlock;runtime.gopark", "cond wait",
	    "main.consume", "cond");
	check("net/http.(*conn).serve;net/http.(*conn).readRequest;"
	    "bufio.(*Reader).Peek;net.(*conn).Read;internal/poll.(*FD).Read;"
	    "internal/poll.(*pollDesc).wait;internal/poll.runtime_pollWait;"
	    "runtime.netpollblock;runtime.gopark", "io wait",
	    "net/http.(*conn).serve",
	    "all standard library: the goroutine's own function");
	check("main.main;main.compute", "running", "main.compute",
	    "not parked");
	check("main.wait;runtime.gopark", "other wait", "main.wait",
	    "parked on something not recognised");
	check("main.handler (a.go:12);runtime.chansend1 (chan.go:145);"
	    "runtime.gopark (proc.go:363)", "chan send",
	    "main.handler (a.go:12)", "frames with --lines");
	check("", "running", "", "empty stack");
	return done_testing();
}
