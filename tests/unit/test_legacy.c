/*
 * Unit tests of common/legacy.c: sniffing every legacy format we know,
 * parsing Go's debug=1 heap and goroutine text, the MemStats section, and
 * malformed input.  Fixtures are in tests/data/legacy (see its README).
 * Every in-memory input is copied to a buffer of its exact size, without a
 * NUL, so that AddressSanitizer catches any read past its end.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "arena.h"
#include "legacy.h"
#include "prof.h"
#include "xmalloc.h"
#include "tap.h"

struct buf {
	char	*p;
	size_t	 len;
};

/* A whole file, decompressed when gzipped; len 0 and p NULL if missing. */
static struct buf
slurp(const char *path)
{
	struct buf b = { NULL, 0 };
	size_t cap = 0;
	gzFile f;
	int n;

	if ((f = gzopen(path, "rb")) == NULL)
		return b;
	for (;;) {
		if (cap - b.len < 65536) {
			cap = cap ? cap * 2 : 65536;
			b.p = xreallocarray(b.p, cap, 1);
		}
		n = gzread(f, b.p + b.len, (unsigned)(cap - b.len));
		if (n <= 0)
			break;
		b.len += (size_t)n;
	}
	gzclose(f);
	b.p = xreallocarray(b.p, b.len ? b.len : 1, 1);
	return b;
}

static struct buf
fixture(const char *name)
{
	const char *top = getenv("top_srcdir");
	char *path;
	struct buf b;

	xasprintf(&path, "%s/tests/data/legacy/%s", top ? top : ".", name);
	b = slurp(path);
	if (b.p == NULL)
		printf("# cannot read %s\n", path);
	free(path);
	return b;
}

/* An exact-size, unterminated copy of a string. */
static struct buf
mem(const char *s)
{
	struct buf b;

	b.len = strlen(s);
	b.p = xmalloc(b.len ? b.len : 1);
	memcpy(b.p, s, b.len);
	return b;
}

/* The same text with every "\n" turned into "\r\n". */
static struct buf
crlf(struct buf in)
{
	struct buf b;
	size_t i;

	b.p = xreallocarray(NULL, in.len * 2 + 1, 1);
	for (b.len = 0, i = 0; i < in.len; i++) {
		if (in.p[i] == '\n')
			b.p[b.len++] = '\r';
		b.p[b.len++] = in.p[i];
	}
	return b;
}

/* Parse into a fresh profile; returns the status, err holds the message. */
static int
parse(struct buf b, struct prof *p, char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	p->arena = arena_new();
	err[0] = '\0';
	return legacy_parse(p, b.p, b.len, err, errlen);
}

static const char *
sniff_what(struct buf b, enum legacy_kind *k)
{
	const char *what = NULL;

	*k = legacy_sniff(b.p, b.len, &what);
	return what;
}

/* ---- sniffing ------------------------------------------------------- */

#define CPU_WHAT	"gperftools CPU profile (or Go before 1.9)"

static const struct {
	const char		*file;
	enum legacy_kind	 kind;
	const char		*what;
} sniff_files[] = {
	{ "heap.txt", LEGACY_GO_HEAP, "" },
	{ "gobench.heap", LEGACY_GO_HEAP, "" },
	{ "goroutine.txt", LEGACY_GO_GOROUTINE, "" },
	{ "cppbench.heap", LEGACY_UNSUPPORTED, "gperftools heap profile" },
	{ "cppbench.growth",
	    LEGACY_UNSUPPORTED, "gperftools heap growth profile" },
	{ "cppbench.cpu", LEGACY_UNSUPPORTED, CPU_WHAT },
	{ "gobench.cpu", LEGACY_UNSUPPORTED, CPU_WHAT },
	{ "go.crc32.cpu", LEGACY_UNSUPPORTED, CPU_WHAT },
	{ "java.cpu", LEGACY_UNSUPPORTED, "Java CPU profile" },
	{ "java.heap", LEGACY_UNSUPPORTED, "Java heap profile" },
	{ "heapz-fuzz", LEGACY_UNSUPPORTED, "Java heap profile" },
	{ "java.contention", LEGACY_UNSUPPORTED, "Java contention profile" },
	{ "cppbench.contention",
	    LEGACY_UNSUPPORTED, "gperftools contention profile" },
	{ "cppbench.thread", LEGACY_UNSUPPORTED, "gperftools thread profile" },
	{ "go.godoc.thread",
	    LEGACY_UNSUPPORTED, "Go threadcreate text profile" },
	{ "jemalloc.heap", LEGACY_UNSUPPORTED, "jemalloc heap profile" },
	{ "fuzz-delta", LEGACY_UNSUPPORTED, "Go fuzz corpus file" },
};

static void
test_sniff_files(void)
{
	enum legacy_kind k;
	const char *what;
	struct buf b;
	char name[128];
	size_t i;

	for (i = 0; i < sizeof(sniff_files) / sizeof(sniff_files[0]); i++) {
		b = fixture(sniff_files[i].file);
		what = sniff_what(b, &k);
		snprintf(name, sizeof(name), "sniff %s: kind",
		    sniff_files[i].file);
		is_int(k, sniff_files[i].kind, name);
		snprintf(name, sizeof(name), "sniff %s: name",
		    sniff_files[i].file);
		is_str(what, sniff_files[i].what, name);
		free(b.p);
	}
}

static void
sniff_mem(const char *in, size_t len, enum legacy_kind kind,
    const char *what, const char *name)
{
	enum legacy_kind k;
	const char *w = NULL;
	char *p = xmalloc(len ? len : 1);
	char n2[128];

	memcpy(p, in, len);
	k = legacy_sniff(p, len, &w);
	is_int(k, kind, name);
	snprintf(n2, sizeof(n2), "%s: name", name);
	is_str(w, what, n2);
	free(p);
}

static const struct {
	const char		*in;
	enum legacy_kind	 kind;
	const char		*what;
	const char		*name;
} sniff_texts[] = {
	{ "ok\n", LEGACY_UNSUPPORTED, "text (not a profile)", "sniff 'ok'" },
	{ "heap profile: 1: 8 [1: 8] @ heap/1048576\r\n", LEGACY_GO_HEAP, "",
	    "sniff heap, CRLF" },
	{ "heap profile: 0: 0 [0: 0] @ heap/0\n", LEGACY_GO_HEAP, "",
	    "sniff heap/0" },
	{ "heap profile: 1: 8 [1: 8] @ heap_v2/524288\n", LEGACY_UNSUPPORTED,
	    "gperftools heap profile", "sniff heap_v2 header" },
	{ "heap profile: 1: 8 [1: 8] @ heapprofile\n", LEGACY_UNSUPPORTED,
	    "gperftools heap profile", "sniff heapprofile header" },
	{ "goroutine profile: total 1\n1 @ 0x1\n", LEGACY_GO_GOROUTINE, "",
	    "sniff goroutine" },
	{ "goroutine 1 [running]:\nmain.main()\n", LEGACY_UNSUPPORTED,
	    "Go goroutine dump (debug=2)", "sniff debug=2 dump" },
	{ "--- mutex:\ncycles/second=2000000000\n", LEGACY_UNSUPPORTED,
	    "Go mutex text profile", "sniff mutex text" },
	{ "--- contention:\ncycles/second=2000000000\n", LEGACY_UNSUPPORTED,
	    "Go block text profile", "sniff block text" },
	{ "gc 1 @0.012s 2%: 0.01+1.2+0.02 ms clock\n", LEGACY_UNSUPPORTED,
	    "GODEBUG=gctrace log", "sniff gctrace" },
	{ "PeriodType: space bytes\n", LEGACY_UNSUPPORTED,
	    "pprof -raw text output", "sniff pprof -raw output" },
	{ "heap profile: 1: 8", LEGACY_GO_HEAP, "", "sniff header cut short" },
	{ "\xef\xbb\xbfgoroutine profile: total 0\n", LEGACY_GO_GOROUTINE, "",
	    "sniff goroutine after a UTF-8 BOM" },
};

static void
test_sniff_memory(void)
{
	/* The gperftools header in every word size and byte order. */
	static const char le64[40] = { 0,0,0,0,0,0,0,0, 3,0,0,0,0,0,0,0,
	    0,0,0,0,0,0,0,0, 0x10,0x27,0,0,0,0,0,0, 0,0,0,0,0,0,0,0 };
	static const char be64[40] = { 0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,3,
	    0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0x27,0x10, 0,0,0,0,0,0,0,0 };
	static const char le32[20] = { 0,0,0,0, 3,0,0,0, 0,0,0,0,
	    0x10,0x27,0,0, 0,0,0,0 };
	static const char be32[20] = { 0,0,0,0, 0,0,0,3, 0,0,0,0,
	    0,0,0x27,0x10, 0,0,0,0 };
	/* A period of 0 is no header; nor is a truncated one. */
	static const char zero[20] = { 0,0,0,0, 3,0,0,0, 0,0,0,0,
	    0,0,0,0, 0,0,0,0 };
	/* profile.proto: sample_type {type: 1, unit: 2}. */
	static const char proto[6] = { 0x0a, 0x04, 0x08, 0x01, 0x10, 0x02 };
	static const char gz[4] = { 0x1f, (char)0x8b, 0x08, 0x00 };
	const char *cpu = CPU_WHAT;
	size_t i;

	sniff_mem(le64, 40, LEGACY_UNSUPPORTED, cpu, "sniff 64-bit LE cpu");
	sniff_mem(be64, 40, LEGACY_UNSUPPORTED, cpu, "sniff 64-bit BE cpu");
	sniff_mem(le32, 20, LEGACY_UNSUPPORTED, cpu, "sniff 32-bit LE cpu");
	sniff_mem(be32, 20, LEGACY_UNSUPPORTED, cpu, "sniff 32-bit BE cpu");
	sniff_mem(le32, 19, LEGACY_NONE, "", "sniff truncated cpu header");
	sniff_mem(zero, 20, LEGACY_NONE, "", "sniff cpu header, period 0");
	sniff_mem(proto, 6, LEGACY_NONE, "", "sniff profile.proto");
	sniff_mem(gz, 4, LEGACY_NONE, "", "sniff gzip");
	sniff_mem("", 0, LEGACY_NONE, "", "sniff empty input");
	for (i = 0; i < sizeof(sniff_texts) / sizeof(sniff_texts[0]); i++)
		sniff_mem(sniff_texts[i].in, strlen(sniff_texts[i].in),
		    sniff_texts[i].kind, sniff_texts[i].what,
		    sniff_texts[i].name);
}

/* ---- heap text ------------------------------------------------------ */

static int64_t
label_num(const struct prof_sample *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->nlabels; i++)
		if (strcmp(s->labels[i].key, key) == 0 &&
		    s->labels[i].str == NULL)
			return s->labels[i].num;
	return -1;
}

/* The sums of the four heap values equal want[], e.g. pprof's. */
static void
check_sums(const struct prof *p, const int64_t *want, const char *what)
{
	static const char *const type[] = { "alloc_objects", "alloc_space",
	    "inuse_objects", "inuse_space" };
	int64_t sum[4] = { 0, 0, 0, 0 };
	char name[128];
	size_t i, j;

	for (i = 0; i < p->nsamples; i++)
		for (j = 0; j < 4; j++)
			sum[j] += p->samples[i].values[j];
	for (j = 0; j < 4; j++) {
		snprintf(name, sizeof(name), "%s: total %s = pprof -raw", what,
		    type[j]);
		is_int(sum[j], want[j], name);
	}
}

static void
test_heap(void)
{
	static const int64_t heap_sums[4] = { 444337, 48580692, 72796,
	    32847365 };
	struct buf b = fixture("heap.txt"), c;
	struct prof p;
	char err[256];
	const struct prof_sample *s;
	const struct prof_loc *l;

	is_int(parse(b, &p, err, sizeof(err)), 0, "heap.txt parses");
	is_str(err, "", "heap.txt: no error");
	is_int((long long)p.nsamples, 30, "heap.txt: 30 records");
	is_int((long long)p.ntypes, 4, "heap.txt: 4 sample types");
	is_str(p.types[0].type, "alloc_objects", "type 0 alloc_objects");
	is_str(p.types[0].unit, "count", "type 0 count");
	is_str(p.types[1].type, "alloc_space", "type 1 alloc_space");
	is_str(p.types[2].type, "inuse_objects", "type 2 inuse_objects");
	is_str(p.types[3].type, "inuse_space", "type 3 inuse_space");
	is_str(p.types[3].unit, "bytes", "type 3 bytes");
	is_str(p.period_type.type, "space", "period type space");
	is_str(p.period_type.unit, "bytes", "period unit bytes");
	is_int(p.period, 524288, "period = heap/1048576 / 2");
	/* The dump's "# LastGC = 1795663614324774765" line. */
	is_int(p.time_nanos, 1795663614324774765LL,
	    "time: MemStats LastGC, when the shown in-use values were marked");
	is_str(p.format, "heap-text", "format heap-text");
	is_str(p.default_type, "", "no default type");

	/*
	 * Expected values: python3, the formula of pprof's scaleHeapSample,
	 * k = 1/(1-exp(-(b/n)/524288)); int(n*k), int(b*k).  They are also
	 * what `go tool pprof -raw tests/data/legacy/heap.txt` prints.
	 */
	s = &p.samples[0];	/* 1: 458752 [1: 458752] */
	is_int(s->values[0], 1, "rec 1 alloc_objects");
	is_int(s->values[1], 786695, "rec 1 alloc_space");
	is_int(s->values[2], 1, "rec 1 inuse_objects");
	is_int(s->values[3], 786695, "rec 1 inuse_space");
	is_int(label_num(s, "bytes"), 458752, "rec 1 bytes label");
	is_str(s->nlabels ? s->labels[0].unit : NULL, "", "bytes: no unit");
	s = &p.samples[1];	/* 10: 30720 [10: 30720] */
	is_int(s->values[0], 1711, "rec 2 alloc_objects");
	is_int(s->values[1], 5258254, "rec 2 alloc_space");
	is_int(s->values[3], 5258254, "rec 2 inuse_space");
	is_int(label_num(s, "bytes"), 3072, "rec 2 bytes label");
	s = &p.samples[5];	/* 5: 20480 [6: 24576] */
	is_int(s->values[0], 771, "rec 6 alloc_objects");
	is_int(s->values[1], 3158031, "rec 6 alloc_space");
	is_int(s->values[2], 642, "rec 6 inuse_objects");
	is_int(s->values[3], 2631693, "rec 6 inuse_space");
	is_int(label_num(s, "bytes"), 4096, "rec 6 bytes label");

	/*
	 * Record 1's stack: 10 addresses, of which Go printed 6 frames (the
	 * 3 runtime frames at the leaf and runtime.goexit are hidden).
	 */
	s = &p.samples[0];
	is_int((long long)s->nlocs, 6, "rec 1: 6 locations");
	l = s->locs[0];
	is_int((long long)l->nframes, 1, "rec 1 leaf: one frame");
	is_int((long long)l->address, 0x599027, "rec 1 leaf address");
	is_str(l->frames[0].func, "leakcorpus/internal/svc.(*LRU).Add",
	    "rec 1 leaf function, offset stripped");
	is_str(l->frames[0].file, "leakcorpus/internal/svc/svc.go",
	    "rec 1 leaf file");
	is_int(l->frames[0].line, 466, "rec 1 leaf line");
	l = s->locs[2];
	is_str(l->frames[0].func, "net/http.HandlerFunc.ServeHTTP",
	    "rec 1 frame 3 (tabwriter padding)");
	is_str(l->frames[0].file, "net/http/server.go", "rec 1 frame 3 file");
	l = s->locs[5];
	is_str(l->frames[0].func,
	    "leakcorpus/internal/svc.(*App).runDriver", "rec 1 root");
	is_int(l->frames[0].line, 257, "rec 1 root line");
	ok(p.samples[1].locs[2] == s->locs[2],
	    "equal frames share one location");

	/*
	 * Totals: `go tool pprof -raw tests/data/legacy/heap.txt` (Go 1.19.8)
	 * summed with awk gives 444337 48580692 72796 32847365.
	 */
	check_sums(&p, heap_sums, "heap.txt");
	arena_free(p.arena);

	c = crlf(b);
	is_int(parse(c, &p, err, sizeof(err)), 0, "heap.txt as CRLF parses");
	is_int((long long)p.nsamples, 30, "CRLF: 30 records");
	is_str(p.samples[0].locs[0]->frames[0].file,
	    "leakcorpus/internal/svc/svc.go", "CRLF: no CR in file");
	is_int(p.samples[0].locs[0]->frames[0].line, 466, "CRLF: line");
	arena_free(p.arena);
	free(c.p);
	free(b.p);
}

/* An old dump: no frame lines, so each address is a location. */
static void
test_heap_unsymbolized(void)
{
	struct buf b = fixture("gobench.heap");
	struct prof p;
	char err[256];
	const struct prof_sample *s;

	is_int(parse(b, &p, err, sizeof(err)), 0, "gobench.heap parses");
	is_str(err, "", "gobench.heap: no error");
	is_int((long long)p.nsamples, 15, "gobench.heap: 15 records");
	/* Values as in pprof's own gobench.heap.string golden file. */
	s = &p.samples[0];	/* 1: 524288 [3: 1572864] */
	is_int(s->values[0], 4, "gobench rec 1 alloc_objects");
	is_int(s->values[1], 2488234, "gobench rec 1 alloc_space");
	is_int(s->values[2], 1, "gobench rec 1 inuse_objects");
	is_int(s->values[3], 829411, "gobench rec 1 inuse_space");
	is_int((long long)s->nlocs, 10, "gobench rec 1: 10 locations");
	is_int((long long)s->locs[0]->address, 0x420cee,
	    "address is the return address minus 1, as pprof");
	is_str(s->locs[0]->frames[0].func, "0x420cee",
	    "unsymbolized: the address names the function");
	is_str(s->locs[0]->frames[0].file, "", "unsymbolized: no file");
	s = &p.samples[11];	/* 1: 288 [2: 296] @ (no addresses) */
	is_int((long long)s->nlocs, 0, "gobench rec 12: no addresses");
	is_int(s->values[0], 7085, "gobench rec 12 alloc_objects");
	is_int(s->values[1], 1048724, "gobench rec 12 alloc_space");
	is_int(s->values[2], 1820, "gobench rec 12 inuse_objects");
	is_int(s->values[3], 524432, "gobench rec 12 inuse_space");
	/* Go's proto writer: alloc bytes / alloc count (pprof: 288). */
	is_int(label_num(s, "bytes"), 148, "gobench rec 12 bytes = 296/2");
	arena_free(p.arena);
	free(b.p);
}

/* ---- goroutine text ------------------------------------------------- */

static const char *
label_str(const struct prof_sample *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->nlabels; i++)
		if (strcmp(s->labels[i].key, key) == 0)
			return s->labels[i].str;
	return NULL;
}

static void
check_goroutine(struct buf b, const char *what)
{
	struct prof p;
	char err[256], name[128];
	const struct prof_sample *s;

#define N(x)	(snprintf(name, sizeof(name), "%s: %s", what, (x)), name)
	is_int(parse(b, &p, err, sizeof(err)), 0, N("parses"));
	is_str(err, "", N("no error"));
	is_int((long long)p.nsamples, 4, N("4 records"));
	is_int((long long)p.ntypes, 1, N("1 type"));
	is_str(p.types[0].type, "goroutine", N("type goroutine"));
	is_str(p.types[0].unit, "count", N("unit count"));
	is_int(p.period, 1, N("period 1"));
	is_str(p.format, "goroutine-text", N("format"));
	s = &p.samples[0];
	is_int(s->values[0], 3, N("rec 1 count"));
	is_int((long long)s->nlabels, 2, N("rec 1: 2 labels"));
	is_str(label_str(s, "shard"), "7", N("label shard"));
	is_str(label_str(s, "worker"), "ingest \"q\"\t\xc3\xa9\xe2\x98\x83",
	    N("label worker, %q unquoted"));
	/*
	 * main.recv+0x44 at 0x4b4e04 and main.waiter+0x25 at 0x4b4de5 have
	 * one entry, 0x4b4dc0: recv is inlined into waiter, one location.
	 */
	is_int((long long)s->nlocs, 1, N("rec 1: 1 location"));
	is_int((long long)s->locs[0]->nframes, 2, N("rec 1: 2 frames"));
	is_str(s->locs[0]->frames[0].func, "main.recv", N("inlined leaf"));
	is_int(s->locs[0]->frames[0].line, 13, N("inlined leaf line"));
	is_str(s->locs[0]->frames[0].file, "example.com/gor/main.go",
	    N("inlined leaf file"));
	is_str(s->locs[0]->frames[1].func, "main.waiter",
	    N("physical function last"));
	is_int(s->locs[0]->frames[1].line, 18, N("physical function line"));
	is_int((long long)s->locs[0]->address, 0x4b4e04,
	    N("location address: the innermost pc"));
	s = &p.samples[1];
	is_int((long long)s->nlabels, 0, N("rec 2: no labels"));
	is_int(s->values[0], 2, N("rec 2 count"));
	s = &p.samples[3];
	is_str(label_str(s, "odd"), "\xe2\x80\x8b\x01\\",
	    N("label with \\u, \\x and \\\\ escapes"));
	/* rec(2) -> rec(1) -> rec(0): the "@" list repeats 0x4b4e89. */
	is_int((long long)s->nlocs, 3, N("recursion: 3 locations"));
	is_int(s->locs[0]->frames[0].line, 25, N("recursion leaf line"));
	is_int(s->locs[1]->frames[0].line, 28, N("recursion caller line"));
	ok(s->locs[1] == s->locs[2], N("recursive calls share a location"));
	arena_free(p.arena);
#undef N
}

static void
test_goroutine(void)
{
	struct buf b = fixture("goroutine.txt"), c;

	check_goroutine(b, "goroutine.txt");
	c = crlf(b);
	check_goroutine(c, "goroutine.txt CRLF");
	free(c.p);
	free(b.p);
}

/*
 * Inlined frames: "pc func+offset" where pc - offset is the entry of the
 * physical function.  Older runtimes gave every inlined frame the call
 * site's pc; Go 1.19 gives each its own.  A recursive call of the
 * physical function starts a new location.
 */
static void
test_inline(void)
{
	struct buf b = mem("goroutine profile: total 5\n"
	    "2 @ 0x10 0x20 0x20 0x30\n"
	    "#\t0xf\tmain.leaf+0x1\ta.go:1\n"
	    "#\t0x1f\tmain.inl+0x3\ta.go:2\n"
	    "#\t0x1f\tmain.outer+0x3\ta.go:3\n"
	    "#\t0x1f\tmain.inl+0x3\ta.go:2\n"
	    "#\t0x1f\tmain.outer+0x3\ta.go:3\n"
	    "#\t0x2f\tmain.main+0x4\ta.go:4\n"
	    "\n"
	    "1 @ 0x10 0x20\n"
	    "#\t0xf\tmain.leaf+0x1\ta.go:1\n"
	    "#\t0x1f\ttype..eq.struct { a int }+0x2\tC:/Go Files/b.go:9\n"
	    "#\t0x1f\tmain.outer+0x3\ta.go:3\n"
	    "#\t0x45\n"
	    "\n"
	    "1 @ 0x467ba1\n"
	    "\n"
	    /* two-leaks/heap-0001.txt, Go 1.19.8: fake pcs, one entry */
	    "1 @ 0x584de5 0x584dbb 0x584d1c 0x596fb6 0x467941\n"
	    "#\t0x584de4\tbufio.NewReaderSize+0x124\tbufio/bufio.go:57\n"
	    "#\t0x584dba\tbufio.NewReader+0xfa\t\tbufio/bufio.go:63\n"
	    "#\t0x584d1b\tnet/http/httptest.NewRequest+0x5b\th.go:44\n"
	    "#\t0x596fb5\tsvc.JSONRequest+0xd5\tsvc.go:291\n");
	struct prof p;
	char err[256];
	const struct prof_sample *s;

	is_int(parse(b, &p, err, sizeof(err)), 0, "inline text parses");
	is_str(err, "", "inline: no error");
	s = &p.samples[0];
	is_int((long long)s->nlocs, 4, "inline+recursion: 4 locations");
	is_int((long long)s->locs[1]->nframes, 2, "inlined: 2 frames");
	is_str(s->locs[1]->frames[0].func, "main.inl", "inlined callee first");
	is_str(s->locs[1]->frames[1].func, "main.outer", "caller last");
	is_int((long long)s->locs[1]->address, 0x1f, "inlined location pc");
	ok(s->locs[1] == s->locs[2], "recursion: same location twice");
	s = &p.samples[1];
	is_int((long long)s->nlocs, 4, "one pc, other entries: 4 locations");
	is_str(s->locs[1]->frames[0].func, "type..eq.struct { a int }",
	    "function name with spaces");
	is_str(s->locs[1]->frames[0].file, "C:/Go Files/b.go",
	    "file name with a space and a colon");
	is_int(s->locs[1]->frames[0].line, 9, "its line");
	is_str(s->locs[3]->frames[0].func, "0x45", "frame without symbol");
	/* A stack of runtime.goexit alone: Go prints no frame line. */
	s = &p.samples[2];
	is_int((long long)s->nlocs, 1, "goexit only: 1 location");
	is_str(s->locs[0]->frames[0].func, "0x467ba0", "goexit only: address");
	s = &p.samples[3];
	is_int((long long)s->nlocs, 2, "Go 1.19 inlining: 2 locations");
	is_int((long long)s->locs[0]->nframes, 3, "Go 1.19 inlining: 3 frames");
	is_str(s->locs[0]->frames[0].func, "bufio.NewReaderSize",
	    "Go 1.19 inlining: innermost");
	is_str(s->locs[0]->frames[2].func, "net/http/httptest.NewRequest",
	    "Go 1.19 inlining: physical function");
	is_int(s->locs[0]->frames[2].line, 44, "Go 1.19 inlining: its line");
	is_int((long long)s->locs[0]->address, 0x584de4,
	    "Go 1.19 inlining: innermost pc");
	arena_free(p.arena);
	free(b.p);
}

/* ---- MemStats ------------------------------------------------------- */

static const char *
ms_get(const char **values, const char *col)
{
	const char *const *names;
	size_t i, n = legacy_memstats_columns(&names);

	for (i = 0; i < n; i++)
		if (strcmp(names[i], col) == 0)
			return values[i];
	return NULL;
}

static const struct {
	const char	*in;
	const char	*err;
	const char	*name;
} bad_ms[] = {
	{ "# runtime.MemStats\n# Alloc = 12x\n",
	    "line 2: bad MemStats value for Alloc", "bad MemStats number" },
	{ "# runtime.MemStats\n# Sys = 1\n# MSpan = 1 /\n",
	    "line 3: bad MemStats value for MSpan", "bad MemStats pair" },
	{ "# runtime.MemStats\n# PauseNs = [1 2",
	    "line 2: bad MemStats value for PauseNs",
	    "truncated MemStats array" },
	{ "# runtime.MemStats\n# DebugGC = maybe\n",
	    "line 2: bad MemStats value for DebugGC", "bad MemStats bool" },
	{ "# runtime.MemStats\n# GCCPUFraction = 1.5e\n",
	    "line 2: bad MemStats value for GCCPUFraction",
	    "bad MemStats float" },
};

static const struct {
	const char	*in;
	long long	 t;
	const char	*name;
} last_gc[] = {
	{ "heap profile: 0: 0 [0: 0] @ heap/1048576\n\n# runtime.MemStats\n"
	    "# LastGC = 1700000000123456789\n", 1700000000123456789LL,
	    "time: LastGC in nanoseconds" },
	{ "heap profile: 0: 0 [0: 0] @ heap/1048576\n\n# runtime.MemStats\n"
	    "# LastGC = 0\n", 0, "time: LastGC 0 (no GC yet) is no time" },
};

static int
commas(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == ',';
	return n;
}

static void
test_memstats(void)
{
	const char *const *names;
	const char *values[64];
	struct buf b = fixture("heap.txt"), c;
	struct arena *a = arena_new();
	char err[256];
	size_t n, i, j;
	int good = 1;

	n = legacy_memstats_columns(&names);
	is_int((long long)n, 32, "32 MemStats columns");
	for (i = 0; i < n; i++) {
		if (strspn(names[i], "abcdefghijklmnopqrstuvwxyz0123456789_")
		    != strlen(names[i]) || names[i][0] < 'a')
			good = 0;
		for (j = 0; j < i; j++)
			if (strcmp(names[i], names[j]) == 0)
				good = 0;
	}
	ok(good, "column names are unique snake_case");
	is_str(names[0], "alloc", "first column alloc");

	err[0] = '\0';
	is_int(legacy_memstats(b.p, b.len, a, values, err, sizeof(err)), 0,
	    "heap.txt MemStats");
	is_str(err, "", "MemStats: no error");
	/* Values copied from the "# Key = value" lines of heap.txt. */
	is_str(ms_get(values, "alloc"), "49157296", "alloc");
	is_str(ms_get(values, "total_alloc"), "1258795568", "total_alloc");
	is_str(ms_get(values, "heap_objects"), "82553", "heap_objects");
	is_str(ms_get(values, "stack_inuse"), "458752", "stack_inuse");
	is_str(ms_get(values, "stack_sys"), "458752", "stack_sys");
	is_str(ms_get(values, "mspan_inuse"), "513504", "mspan_inuse");
	is_str(ms_get(values, "mspan_sys"), "797328", "mspan_sys");
	is_str(ms_get(values, "mcache_inuse"), "2400", "mcache_inuse");
	is_str(ms_get(values, "mcache_sys"), "15600", "mcache_sys");
	is_str(ms_get(values, "buck_hash_sys"), "1488128", "buck_hash_sys");
	is_str(ms_get(values, "next_gc"), "57978088", "next_gc");
	is_str(ms_get(values, "last_gc"), "1795663614324774765", "last_gc");
	is_str(ms_get(values, "num_gc"), "88", "num_gc");
	is_str(ms_get(values, "num_forced_gc"), "0", "num_forced_gc");
	is_str(ms_get(values, "gc_cpu_fraction"), "0.008276287128468127",
	    "gc_cpu_fraction as printed");
	is_double(strtod(ms_get(values, "gc_cpu_fraction"), NULL),
	    0.008276287128468127, 1e-18, "gc_cpu_fraction reads back");
	is_str(ms_get(values, "debug_gc"), "0", "debug_gc false is 0");
	is_str(ms_get(values, "max_rss"), "81477632", "max_rss");
	is_str(ms_get(values, "pause_total_ns"), "",
	    "pause_total_ns: Go does not print it");
	is_str(ms_get(values, "enable_gc"), "", "enable_gc: not printed");
	ok(strncmp(ms_get(values, "pause_ns"), "122852,103735,", 14) == 0,
	    "pause_ns comma-separated");
	is_int(commas(ms_get(values, "pause_ns")), 255, "pause_ns: 256");
	is_int(commas(ms_get(values, "pause_end")), 255, "pause_end: 256");

	c = crlf(b);
	is_int(legacy_memstats(c.p, c.len, a, values, err, sizeof(err)), 0,
	    "CRLF MemStats");
	is_str(ms_get(values, "max_rss"), "81477632", "CRLF: max_rss");
	is_int(commas(ms_get(values, "pause_end")), 255,
	    "CRLF: pause_end: 256");
	free(c.p);
	free(b.p);

	/* An old runtime: EnableGC, fewer keys, a BySize table. */
	b = mem("heap profile: 0: 0 [0: 0] @ heap/1048576\n\n"
	    "# runtime.MemStats\n# Alloc = 5\n# PauseNs = [1 2 0]\n"
	    "# EnableGC = true\n# Stack = 4096 / 8192\n"
	    "# BySize = Size * (Active = Mallocs - Frees)\n"
	    "#   8 * (1 = 2 - 1)\n# Weird = x\n# PauseEnd = []");
	is_int(legacy_memstats(b.p, b.len, a, values, err, sizeof(err)), 0,
	    "old MemStats");
	is_str(ms_get(values, "alloc"), "5", "old: alloc");
	is_str(ms_get(values, "pause_ns"), "1,2,0", "old: pause_ns");
	is_str(ms_get(values, "pause_end"), "", "old: empty array");
	is_str(ms_get(values, "enable_gc"), "1", "old: enable_gc true is 1");
	is_str(ms_get(values, "stack_sys"), "8192", "old: stack_sys");
	is_str(ms_get(values, "num_forced_gc"), "", "old: no num_forced_gc");
	is_str(ms_get(values, "max_rss"), "", "old: no max_rss");
	is_int(legacy_memstats_time(values), 0,
	    "time: no LastGC printed, none");
	free(b.p);

	/* The snapshot time: LastGC when the dump had a GC, else none. */
	for (i = 0; i < sizeof(last_gc) / sizeof(last_gc[0]); i++) {
		b = mem(last_gc[i].in);
		is_int(legacy_memstats(b.p, b.len, a, values, err,
		    sizeof(err)), 0, last_gc[i].name);
		is_int(legacy_memstats_time(values), last_gc[i].t,
		    "its time");
		free(b.p);
	}

	for (i = 0; i < sizeof(bad_ms) / sizeof(bad_ms[0]); i++) {
		b = mem(bad_ms[i].in);
		is_int(legacy_memstats(b.p, b.len, a, values, err,
		    sizeof(err)), -1, bad_ms[i].name);
		is_str(err, bad_ms[i].err, "its message");
		free(b.p);
	}
	b = fixture("gobench.heap");
	is_int(legacy_memstats(b.p, b.len, a, values, err, sizeof(err)), -1,
	    "no MemStats section");
	is_str(err, "no \"# runtime.MemStats\" section", "its message");
	free(b.p);
	arena_free(a);
}

/* ---- malformed input -------------------------------------------------- */

static const struct {
	const char	*in;
	const char	*err;
} bad[] = {
	{ "", "line 1: empty input" },
	{ "ok\n", "line 1: not a Go heap or goroutine text profile" },
	{ "heap profile: 1: 8 [1: 8] @ heapz_v2/524288\n",
	    "line 1: not a Go heap profile (no \"@ heap/\")" },
	{ "heap profile: 1: 8 [1: ", "line 1: bad heap profile header" },
	{ "heap profile: 1: 8 [1: 8] @ heap/x\n",
	    "line 1: bad heap profile header" },
	{ "goroutine profile: total -1\n",
	    "line 1: bad goroutine profile header" },
	/* A record cut short. */
	{ "heap profile: 1: 8 [1: 8] @ heap/2\n1: 8 [1: ",
	    "line 2: bad heap record" },
	/* Bad numbers. */
	{ "heap profile: 1: 8 [1: 8] @ heap/2\n1x: 8 [1: 8] @ 0x1\n",
	    "line 2: bad heap record" },
	{ "heap profile: 1: 8 [1: 8] @ heap/2\n"
	  "1: 99999999999999999999 [1: 8] @ 0x1\n",
	    "line 2: bad heap record" },
	{ "heap profile: 1: 8 [1: 8] @ heap/2\n1: 8 [1: 8] @ 0x1 0xg\n",
	    "line 2: bad address" },
	{ "heap profile: 1: 8 [1: 8] @ heap/2\n1: 8 [1: 8] @ "
	  "0x10000000000000000\n", "line 2: bad address" },
	{ "heap profile: 0: 8 [1: 8] @ heap/2\n0: 8 [1: 8] @ 0x1\n",
	    "line 2: in-use count is 0 but in-use bytes is 8" },
	{ "goroutine profile: total 1\n\n\nfoo @ 0x1\n",
	    "line 4: bad goroutine record" },
	/* Frame lines missing from one record of a symbolized dump. */
	{ "goroutine profile: total 2\n1 @ 0x2\n#\t0x1\tf+0x1\ta.go:1\n\n"
	  "1 @ 0x2 0x3\n\n", "line 5: record has no frame lines" },
	{ "goroutine profile: total 2\n1 @ 0x2\n#\t0x1\tf+0x1\ta.go:1\n\n"
	  "1 @ 0x2 0x3", "line 5: record has no frame lines" },
	{ "goroutine profile: total 2\n1 @ 0x2 0x3\n\n"
	  "1 @ 0x2\n#\t0x1\tf+0x1\ta.go:1\n",
	    "line 4: frame lines after records without any" },
	{ "heap profile: 0: 0 [0: 0] @ heap/2\n#\t0x1\tf+0x1\ta.go:1\n",
	    "line 2: frame line outside a record" },
	{ "goroutine profile: total 1\n1 @ 0x2\n#\t0xq\tf+0x1\ta.go:1\n",
	    "line 3: bad frame address" },
	{ "goroutine profile: total 1\n1 @ 0x2\n#\t0x1\tf+0x1\ta.go\n",
	    "line 3: bad file:line in frame line" },
	{ "goroutine profile: total 1\n1 @ 0x2\n#\t0x1\tf+0x1\n",
	    "line 3: frame line has no file:line" },
	{ "goroutine profile: total 1\n1 @ 0x2\n# labels: {\"k\":\"v}\n",
	    "line 3: bad labels line" },
	{ "goroutine profile: total 1\n1 @ 0x2\n# labels: {\"k\":\"\\x00\"}\n",
	    "line 3: bad labels line" },
	{ "goroutine profile: total 1\n1 @ 0x2\n"
	  "# labels: {\"k\":\"\\ud800\"}\n",
	    "line 3: bad labels line" },
	/* Headers that lie. */
	{ "goroutine profile: total 5\n3 @ 0x2\n",
	    "line 1: header says total 5 but the records add up to 3" },
	{ "heap profile: 2: 16 [2: 16] @ heap/2\n1: 8 [1: 8] @ 0x2\n",
	    "line 1: header says 2: 16 in use but the records add up to 1: 8" },
	{ "heap profile: 1: 8 [1: 8] @ heap/2\n1: 8 [2: 16] @ 0x2\n",
	    "line 1: header says [1: 8] allocated but the records add up to "
	    "[2: 16]" },
};

static void
test_malformed(void)
{
	struct prof p;
	char err[256], name[64];
	struct buf b;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		b = mem(bad[i].in);
		snprintf(name, sizeof(name), "malformed %zu fails", i + 1);
		is_int(parse(b, &p, err, sizeof(err)), -1, name);
		snprintf(name, sizeof(name), "malformed %zu message", i + 1);
		is_str(err, bad[i].err, name);
		arena_free(p.arena);
		free(b.p);
	}

	/* Tolerated: alloc totals above the sums (old runtimes, Go's +1). */
	b = mem("heap profile: 1: 8 [1: 9] @ heap/0\n1: 8 [1: 8] @ 0x2\n"
	    "#\t0x1\tf+0x1\ta.go:1\n");
	is_int(parse(b, &p, err, sizeof(err)), 0, "alloc header +1 is fine");
	is_int(p.period, 0, "heap/0: period 0");
	is_int(p.samples[0].values[1], 8, "heap/0: values not scaled");
	arena_free(p.arena);
	free(b.p);
	b = mem("\xef\xbb\xbfgoroutine profile: total 1\r\n1 @ 0x2\r\n");
	is_int(parse(b, &p, err, sizeof(err)), 0, "UTF-8 BOM is skipped");
	is_int((long long)p.nsamples, 1, "BOM: 1 record");
	arena_free(p.arena);
	free(b.p);
	/* A tiny error buffer is not overrun. */
	b = mem("ok\n");
	memset(&p, 0, sizeof(p));
	p.arena = arena_new();
	is_int(legacy_parse(&p, b.p, b.len, err, 5), -1, "short err buffer");
	is_str(err, "line", "message cut to the buffer");
	arena_free(p.arena);
	free(b.p);
}

/* ---- the shared corpus, when present ----------------------------------- */

/*
 * Every file of MANIFEST.tsv that is not profile.proto (gzipped or not),
 * and what it is; the others must sniff as LEGACY_NONE.
 */
static const struct {
	const char		*path;
	enum legacy_kind	 kind;
	const char		*what;
} corpus_files[] = {
	{ "DataDog__dd-trace-go/fuzz_FuzzDelta_0f7209b356e13da8",
	    LEGACY_UNSUPPORTED, "Go fuzz corpus file" },
	{ "DataDog__dd-trace-go/fuzz_FuzzDelta_6281ce98ad6bb944",
	    LEGACY_UNSUPPORTED, "Go fuzz corpus file" },
	{ "DataDog__dd-trace-go/fuzz_FuzzDelta_74a0704b407ac210",
	    LEGACY_UNSUPPORTED, "Go fuzz corpus file" },
	{ "DataDog__dd-trace-go/fuzz_FuzzDelta_76b05762f4f652d9",
	    LEGACY_UNSUPPORTED, "Go fuzz corpus file" },
	{ "DataDog__dd-trace-go/fuzz_FuzzDelta_aafd8cbacf61de60",
	    LEGACY_UNSUPPORTED, "Go fuzz corpus file" },
	{ "DataDog__dd-trace-go/fuzz_FuzzDelta_d4fd55d49c674b89",
	    LEGACY_UNSUPPORTED, "Go fuzz corpus file" },
	{ "DataDog__dd-trace-go/fuzz_FuzzDelta_eec2ef2090730346",
	    LEGACY_UNSUPPORTED, "Go fuzz corpus file" },
	{ "DataDog__dd-trace-go/fuzz_FuzzDelta_f06e6fad1d62671c",
	    LEGACY_UNSUPPORTED, "Go fuzz corpus file" },
	{ "Lolodin__infworld/heap.out",
	    LEGACY_GO_HEAP, "" },
	{ "Lolodin__infworld/heap.txt",
	    LEGACY_GO_HEAP, "" },
	{ "carr123__natsjsmdemo/goroutine.txt",
	    LEGACY_GO_GOROUTINE, "" },
	{ "davecheney__gcvis/go15_stderr.log",
	    LEGACY_UNSUPPORTED, "GODEBUG=gctrace log" },
	{ "felixge__pprofutils/jemalloc.heap",
	    LEGACY_UNSUPPORTED, "jemalloc heap profile" },
	{ "google__pprof/7e3c92482f6f39fc502b822ded792c589849cca8",
	    LEGACY_UNSUPPORTED, "Java heap profile" },
	{ "google__pprof/cppbench.contention",
	    LEGACY_UNSUPPORTED, "gperftools contention profile" },
	{ "google__pprof/cppbench.cpu",
	    LEGACY_UNSUPPORTED, CPU_WHAT },
	{ "google__pprof/cppbench.cpu.driver",
	    LEGACY_UNSUPPORTED, CPU_WHAT },
	{ "google__pprof/cppbench.growth",
	    LEGACY_UNSUPPORTED, "gperftools heap growth profile" },
	{ "google__pprof/cppbench.growth.string",
	    LEGACY_UNSUPPORTED, "pprof -raw text output" },
	{ "google__pprof/cppbench.heap",
	    LEGACY_UNSUPPORTED, "gperftools heap profile" },
	{ "google__pprof/cppbench.heap.string",
	    LEGACY_UNSUPPORTED, "pprof -raw text output" },
	{ "google__pprof/cppbench.small.contention",
	    LEGACY_UNSUPPORTED, "gperftools contention profile" },
	{ "google__pprof/cppbench.thread",
	    LEGACY_UNSUPPORTED, "gperftools thread profile" },
	{ "google__pprof/cppbench.thread.all",
	    LEGACY_UNSUPPORTED, "gperftools thread profile" },
	{ "google__pprof/cppbench.thread.none",
	    LEGACY_UNSUPPORTED, "gperftools thread profile" },
	{ "google__pprof/go.crc32.cpu",
	    LEGACY_UNSUPPORTED, CPU_WHAT },
	{ "google__pprof/go.godoc.thread",
	    LEGACY_UNSUPPORTED, "Go threadcreate text profile" },
	{ "google__pprof/go.godoc.thread.string",
	    LEGACY_UNSUPPORTED, "pprof -raw text output" },
	{ "google__pprof/gobench.cpu",
	    LEGACY_UNSUPPORTED, CPU_WHAT },
	{ "google__pprof/gobench.cpu.string",
	    LEGACY_UNSUPPORTED, "pprof -raw text output" },
	{ "google__pprof/gobench.heap",
	    LEGACY_GO_HEAP, "" },
	{ "google__pprof/gobench.heap.string",
	    LEGACY_UNSUPPORTED, "pprof -raw text output" },
	{ "google__pprof/java.contention",
	    LEGACY_UNSUPPORTED, "Java contention profile" },
	{ "google__pprof/java.cpu",
	    LEGACY_UNSUPPORTED, "Java CPU profile" },
	{ "google__pprof/java.heap",
	    LEGACY_UNSUPPORTED, "Java heap profile" },
	{ "jeffborg__evcc/heap_debug=1",
	    LEGACY_GO_HEAP, "" },
	{ "jpnaveenkumar__GoLangInDepth/heap.pb.gz",
	    LEGACY_GO_HEAP, "" },
	{ "qiuhawei__go-leak-experiment/heap-after.pprof",
	    LEGACY_UNSUPPORTED, "text (not a profile)" },
	{ "tebeka__gctrace/map.gctrace",
	    LEGACY_UNSUPPORTED, "GODEBUG=gctrace log" },
};

static enum legacy_kind
corpus_expect(const char *path, const char **what)
{
	size_t i;

	*what = "";
	for (i = 0; i < sizeof(corpus_files) / sizeof(corpus_files[0]); i++)
		if (strcmp(corpus_files[i].path, path) == 0) {
			*what = corpus_files[i].what;
			return corpus_files[i].kind;
		}
	return LEGACY_NONE;
}

static void
test_corpus(void)
{
	const char *root = getenv("LEAKATLAS_CORPUS");
	char *path, *line = NULL, *f[11], *q;
	enum legacy_kind want, k;
	const char *what, *wantwhat, *values[64];
	size_t cap = 0, i, nfiles = 0, nbad = 0;
	struct arena *a;
	struct prof p;
	struct buf b;
	char err[256];
	static const int64_t cc_sums[4] = { 2962793, 1219923527, 72796,
	    32847365 };
	FILE *m;

	if (root == NULL)
		root = "/work/shared/corpus";
	xasprintf(&path, "%s/public/MANIFEST.tsv", root);
	m = fopen(path, "r");
	free(path);
	if (m == NULL) {
		ok(1, "corpus checks # SKIP no corpus");
		return;
	}
	while (getline(&line, &cap, m) > 0) {
		line[strcspn(line, "\n")] = '\0';
		for (i = 0, q = line; i < 11; i++) {
			f[i] = q;
			if (q != NULL && (q = strchr(q, '\t')) != NULL)
				*q++ = '\0';
		}
		if (f[10] == NULL || strcmp(f[0], "path") == 0)
			continue;
		want = corpus_expect(f[0], &wantwhat);
		xasprintf(&path, "%s/public/%s", root, f[0]);
		b = slurp(path);
		free(path);
		if (b.p == NULL)
			continue;
		nfiles++;
		k = legacy_sniff(b.p, b.len, &what);
		if (k != want || strcmp(what, wantwhat) != 0) {
			printf("# %s: sniffed %d (%s), want %d\n", f[0], k,
			    what, want);
			nbad++;
		}
		if (k == LEGACY_GO_HEAP || k == LEGACY_GO_GOROUTINE) {
			if (parse(b, &p, err, sizeof(err)) != 0) {
				printf("# %s: %s\n", f[0], err);
				nbad++;
			}
			arena_free(p.arena);
		}
		if (k == LEGACY_GO_HEAP && strstr(f[10], "has # runtime") &&
		    (a = arena_new()) != NULL) {
			if (legacy_memstats(b.p, b.len, a, values, err,
			    sizeof(err)) != 0 || values[0][0] == '\0') {
				printf("# %s: memstats: %s\n", f[0], err);
				nbad++;
			}
			arena_free(a);
		}
		free(b.p);
	}
	free(line);
	fclose(m);
	ok(nfiles > 100, "corpus: MANIFEST files read");
	is_int((long long)nbad, 0, "corpus: every file sniffed and parsed");

	/*
	 * The full closure-callback dump: `go tool pprof -raw` on it, summed
	 * with awk, gives 2962793 1219923527 72796 32847365 (180 records, 4
	 * of them all zero, which pprof drops and we keep).
	 */
	xasprintf(&path, "%s/gen/out/closure-callback/heap-0001.txt", root);
	b = slurp(path);
	free(path);
	if (b.p == NULL) {
		ok(1, "closure-callback totals # SKIP not found");
		return;
	}
	is_int(parse(b, &p, err, sizeof(err)), 0, "closure-callback parses");
	is_int((long long)p.nsamples, 180, "closure-callback: 180 records");
	check_sums(&p, cc_sums, "closure-callback");
	arena_free(p.arena);
	free(b.p);
}

int
main(void)
{
	test_sniff_files();
	test_sniff_memory();
	test_heap();
	test_heap_unsymbolized();
	test_goroutine();
	test_inline();
	test_memstats();
	test_malformed();
	test_corpus();
	return done_testing();
}
