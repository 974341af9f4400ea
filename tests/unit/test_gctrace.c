/*
 * Unit tests of common/gctrace: one hand-written line per historical format
 * (values read off the line by eye), malformed lines, and three real logs
 * in tests/data/gctrace (counts from grep -c '^gc ', fields from the lines).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gctrace.h"
#include "tap.h"

#define MB	((int64_t)1 << 20)

static int
line(const char *s, struct gctrace_cycle *gc, char *err)
{
	return gctrace_parse_line(s, gc, err, 160);
}

static void
test_formats(void)
{
	struct gctrace_cycle gc;
	char err[160];

	/* Go 1.5 (davecheney/gcvis example): five clock phases. */
	is_int(line("gc 1 @0.166s 0%: 0.22+2.3+0.074+0.76+0.56 ms clock, "
	    "0.45+2.3+0+0.55/0.59/0+1.1 ms cpu, 5->5->1 MB, 4 MB goal, 4 P\n",
	    &gc, err), 1, "go1.5 line is a gc line");
	is_int(gc.num, 1, "go1.5 num");
	is_double(gc.t, 0.166, 1e-12, "go1.5 t");
	is_double(gc.pct, 0, 0, "go1.5 pct");
	is_double(gc.clock, 0.22 + 2.3 + 0.074 + 0.76 + 0.56, 1e-9,
	    "go1.5 clock is the phases' sum");
	is_int(gc.heap_start, 5 * MB, "go1.5 heap start");
	is_int(gc.heap_end, 5 * MB, "go1.5 heap end");
	is_int(gc.heap_live, 1 * MB, "go1.5 heap live");
	is_int(gc.goal, 4 * MB, "go1.5 goal");
	is_int(gc.stacks, -1, "go1.5 has no stacks");
	is_int(gc.globals, -1, "go1.5 has no globals");
	is_int(gc.procs, 4, "go1.5 procs");
	is_int(gc.forced, 0, "go1.5 not forced");

	/* Go 1.5/1.6 forced (golang/go#15068): zero phases, suffix. */
	is_int(line("gc 59 @5.182s 0%: 0.092+0+0+0+6.8 ms clock, "
	    "0.37+0+0+4.1/0.025/5.8+27 ms cpu, 79->79->79 MB, 79 MB goal, "
	    "32 P (forced)", &gc, err), 1, "go1.6 forced line");
	is_int(gc.num, 59, "go1.6 num");
	is_int(gc.forced, 1, "go1.6 forced");
	is_int(gc.procs, 32, "go1.6 procs");
	is_int(gc.heap_live, 79 * MB, "go1.6 live");

	/* Go 1.9-1.17: three clock phases, no stacks/globals. */
	is_int(line("gc 93 @3074.095s 0%: 0.074+32+0.036 ms clock, "
	    "0.59+0.37/64/113+0.29 ms cpu, 269->274->204 MB, 276 MB goal, "
	    "8 P", &gc, err), 1, "go1.16 line");
	is_double(gc.t, 3074.095, 1e-9, "go1.16 t");
	is_double(gc.clock, 32.11, 1e-9, "go1.16 clock 0.074+32+0.036");
	is_int(gc.heap_start, 269 * MB, "go1.16 heap start");
	is_int(gc.heap_end, 274 * MB, "go1.16 heap end");
	is_int(gc.heap_live, 204 * MB, "go1.16 live");
	is_int(gc.goal, 276 * MB, "go1.16 goal");
	is_int(gc.stacks, -1, "go1.16 no stacks");

	/* Go 1.18 and later: stacks and globals. */
	is_int(line("gc 18 @1.824s 13%: 0.030+44+0.015 ms clock, "
	    "0.12+29/43/0+0.060 ms cpu, 173->203->101 MB, 203 MB goal, "
	    "66 MB stacks, 2 MB globals, 4 P\n", &gc, err), 1, "go1.19 line");
	is_double(gc.pct, 13, 0, "go1.19 pct");
	is_int(gc.stacks, 66 * MB, "go1.19 stacks");
	is_int(gc.globals, 2 * MB, "go1.19 globals");
	is_int(gc.procs, 4, "go1.19 procs");

	/* extern.go documents "#MB globals" without the space. */
	is_int(line("gc 2 @0.380s 18%: 0.040+111+0.004 ms clock, "
	    "0.32+0/221/663+0.034 ms cpu, 1525->1525->1525 MB, 3052 MB goal, "
	    "0 MB stacks, 0MB globals, 8 P (forced)\r\n", &gc, err), 1,
	    "'0MB globals' and CRLF");
	is_int(gc.forced, 1, "forced with stacks");
	is_int(gc.goal, 3052 * MB, "goal 3052 MB");

	/* A log collector's timestamp prefix. */
	is_int(line("Feb 26 12:52:23.767 gc 93 @3074.095s 0%: 0.074+32+0.036 "
	    "ms clock, 0.59+0.37/64/113+0.29 ms cpu, 269->274->204 MB, "
	    "276 MB goal, 8 P", &gc, err), 1, "timestamp prefix");
	is_int(gc.num, 93, "prefixed num");

	/* Lines that are not gc lines. */
	is_int(line("# command-line-arguments\n", &gc, err), 0, "comment");
	is_int(line("GC forced\n", &gc, err), 0, "GC forced");
	is_int(line("pacer: assist ratio=+2.78e+001 (scan 280 MB in "
	    "379->389 MB) workers=2+0", &gc, err), 0, "pacer line");
	is_int(line("scvg0: inuse: 3, idle: 0, sys: 3, released: 0, "
	    "consumed: 3 (MB)", &gc, err), 0, "scvg line");
	is_int(line("gc1(1): 0+0+0 us, 0 -> 0 MB", &gc, err), 0,
	    "pre-1.5 format is not read");
	is_int(line("the gc 5 runs", &gc, err), 0, "gc without @");
	is_int(line("", &gc, err), 0, "empty line");
}

static void
test_malformed(void)
{
	struct gctrace_cycle gc;
	char err[160];

	is_int(line("gc 7 @1.5s 3%: 0.1+2+0.1 ms clock, 0.2+1/2/0+0.2 ms cpu, "
	    "4->x->2 MB, 5 MB goal, 2 P", &gc, err), -1, "bad heap size");
	is_str(err, "expected the heap size at GC end at 'x->2 MB, 5 MB goal, 2 P'",
	    "bad heap size message");
	is_int(line("gc 7 @1.5s 3%: 0.1+2+0.1 ms clock, 0.2+1/2/0+0.2 ms cpu, "
	    "4->4->2 MB, 5 MB goal", &gc, err), -1, "line cut after goal");
	is_str(err, "expected 'MB goal,' at 'goal'",
	    "cut line message");
	is_int(line("gc 7 @1.5s 3%: 0.1+2+0.1 ms clock, 0.2+1/2/0+0.2 ms cpu, "
	    "4->4->2 MB, 5 MB goal, ", &gc, err), -1, "line cut after ', '");
	is_str(err, "expected the stack size or P count at end of line",
	    "message at end of line");
	is_int(line("gc 7 @1.5s 3%: 0.1+2+0.1 ms clock, 0.2+1/2/0+0.2 ms cpu, "
	    "4->4->2 MB, 5 MB goal, 2 P junk", &gc, err), -1, "trailing junk");
	is_str(err, "expected the end of the line at 'junk'", "junk message");
	is_int(line("gc 99999999999999999999 @1s 1%: 1 ms clock", &gc, err),
	    -1, "GC number overflow");
	is_int(line("gc 7 @1.5s 3%: 0.1+2+0.1 ms clock, 0.2+1/2/0+0.2 ms cpu, "
	    "9999999999999999->4->2 MB, 5 MB goal, 2 P", &gc, err), -1,
	    "MB that overflow bytes");
}

static void
test_stream(void)
{
	const char *log = "hello\n"
	    "gc 1 @0.01s 1%: 1+2+3 ms clock, 1+1/1/1+1 ms cpu, 4->4->1 MB, "
	    "4 MB goal, 1 P\n"
	    "program output\n"
	    "gc 2 @0.02s 1%: 1+2+3 ms clock, 1+1/1/1+1 ms cpu, 4->5->1 MB, "
	    "4 MB goal, 1 P\n"
	    "gc 3 @0.03s 1%: 1+2+3 ms clock, 1+1/1/1+1 ms cpu, 4->5->1, "
	    "4 MB goal, 1 P\n";
	struct gctrace_cycle *v;
	char err[160];
	ssize_t n;
	FILE *fp;

	fp = fmemopen((void *)(uintptr_t)log, strlen(log), "r");
	n = gctrace_parse(fp, &v, err, sizeof(err));
	fclose(fp);
	is_int(n, -1, "stream with a bad third gc line fails");
	is_str(err, "line 5: expected 'MB,' after the heap sizes at ', 4 MB "
	    "goal, 1 P'", "error names line 5");
	ok(v == NULL, "no cycles returned on error");

	fp = fmemopen((void *)(uintptr_t)log, (size_t)(strstr(log, "gc 3") -
	    log), "r");
	n = gctrace_parse(fp, &v, err, sizeof(err));
	fclose(fp);
	is_int(n, 2, "two good cycles before the cut");
	is_int(n == 2 ? (long long)v[1].line : 0, 4, "second cycle on line 4");
	free(v);

	fp = fmemopen((void *)(uintptr_t)"", 1, "r");
	n = gctrace_parse(fp, &v, err, sizeof(err));
	fclose(fp);
	is_int(n, 0, "a log without gc lines has no cycles");
	free(v);
}

static ssize_t
parse_file(const char *name, struct gctrace_cycle **v)
{
	char path[1024], err[160];
	const char *top = getenv("top_srcdir");
	FILE *fp;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/tests/data/gctrace/%s",
	    top != NULL ? top : ".", name);
	if ((fp = fopen(path, "r")) == NULL) {
		*v = NULL;
		return -2;
	}
	n = gctrace_parse(fp, v, err, sizeof(err));
	if (n == -1)
		printf("# %s: %s\n", name, err);
	fclose(fp);
	return n;
}

static void
test_files(void)
{
	struct gctrace_cycle *v;
	ssize_t n;

	/* tebeka/gctrace testdata: Go 1.19 format, three processes. */
	n = parse_file("map.gctrace", &v);
	is_int(n, 95, "map.gctrace: 95 gc lines of 97");
	if (n == 95) {
		is_int(v[18].num, 1, "map.gctrace: second process restarts at 1");
		is_int(v[18].line, 20, "map.gctrace: ... on line 20");
		is_int(v[94].num, 73, "map.gctrace: last is gc 73");
		is_int(v[94].heap_live, 101 * MB, "map.gctrace: last live 101 MB");
		is_int(v[94].stacks, 0, "map.gctrace: stacks 0 MB");
	}
	free(v);

	/* davecheney/gcvis example: Go 1.5. */
	n = parse_file("go15.gctrace", &v);
	is_int(n, 130, "go15.gctrace: 130 cycles");
	if (n == 130) {
		is_double(v[129].t, 11.543, 1e-9, "go15: last at 11.543 s");
		is_int(v[129].heap_live, 69 * MB, "go15: last live 69 MB");
		is_int(v[129].goal, 132 * MB, "go15: last goal 132 MB");
		is_int(v[129].stacks, -1, "go15: no stacks");
	}
	free(v);

	/* Our corpus run two-leaks (Go 1.19.8). */
	n = parse_file("two-leaks.gctrace", &v);
	is_int(n, 160, "two-leaks.gctrace: 160 cycles");
	if (n == 160) {
		is_int(v[159].num, 160, "two-leaks: last is gc 160");
		is_double(v[159].t, 35.978, 1e-9, "two-leaks: at 35.978 s");
		is_int(v[159].heap_live, 104 * MB, "two-leaks: live 104 MB");
		is_int(v[159].procs, 2, "two-leaks: 2 P");
	}
	free(v);
}

int
main(void)
{
	test_formats();
	test_malformed();
	test_stream();
	test_files();
	return done_testing();
}
