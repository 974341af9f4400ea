/*
 * Go's debug=1 text profiles (heap and goroutine), the MemStats trailer of
 * a heap dump, and recognising the legacy formats we do not read.  Input
 * is untrusted: every read is bounded by the buffer's length, lines may end
 * in CRLF, fields may be padded by Go's tabwriter, lines may be any length.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "legacy.h"
#include "caps.h"
#include "prof.h"
#include "strmap.h"
#include "xmalloc.h"

/* How much of the input legacy_sniff() looks at for text checks. */
#define SNIFF_TEXT	4096

/* A UTF-8 byte order mark, as some Windows editors save text. */
#define BOM		"\xef\xbb\xbf"

/* ---- small helpers -------------------------------------------------- */

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static const char *
skip_blank(const char *s, const char *end)
{
	while (s < end && is_blank(*s))
		s++;
	return s;
}

/* Does [s, end) start with the NUL-terminated prefix? */
static int
has_prefix(const char *s, const char *end, const char *prefix)
{
	size_t n = strlen(prefix);

	return (size_t)(end - s) >= n && memcmp(s, prefix, n) == 0;
}

/*
 * The next line of buf from *off: its start and length without the "\n"
 * and a trailing "\r".  Returns 0 at the end of the buffer.
 */
static int
next_line(const char *buf, size_t len, size_t *off, const char **line,
    size_t *n)
{
	const char *s, *nl;
	size_t l;

	if (*off >= len)
		return 0;
	s = buf + *off;
	nl = memchr(s, '\n', len - *off);
	l = nl != NULL ? (size_t)(nl - s) : len - *off;
	*off += l + (nl != NULL);
	if (l > 0 && s[l - 1] == '\r')
		l--;
	*line = s;
	*n = l;
	return 1;
}

/* A decimal integer, optionally signed; NULL on no digits or overflow. */
static const char *
parse_i64(const char *s, const char *end, int sign_ok, int64_t *v)
{
	uint64_t u = 0, lim;
	int neg = 0;
	const char *d;

	if (sign_ok && s < end && *s == '-') {
		neg = 1;
		s++;
	}
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (d = s; s < end && is_digit(*s); s++) {
		if (u > (lim - (uint64_t)(*s - '0')) / 10)
			return NULL;
		u = u * 10 + (uint64_t)(*s - '0');
	}
	if (s == d)
		return NULL;
	if (neg)
		*v = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
	else
		*v = (int64_t)u;
	return s;
}

/* "0x" and hexadecimal digits; NULL when malformed or over 64 bits. */
static const char *
parse_hex(const char *s, const char *end, uint64_t *v)
{
	uint64_t u = 0;
	const char *d;
	int h;

	if (end - s < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return NULL;
	for (s += 2, d = s; s < end && (h = hex_value(*s)) >= 0; s++) {
		if (u >> 60)
			return NULL;
		u = u << 4 | (uint64_t)h;
	}
	if (s == d)
		return NULL;
	*v = u;
	return s;
}

static int
add_i64(int64_t *acc, int64_t v)
{
	if ((v > 0 && *acc > INT64_MAX - v) || (v < 0 && *acc < INT64_MIN - v))
		return -1;
	*acc += v;
	return 0;
}

/* Blanks, then the character c; what follows it, or NULL. */
static const char *
expect(const char *s, const char *end, char c)
{
	s = skip_blank(s, end);
	return s < end && *s == c ? s + 1 : NULL;
}

/*
 * "a: b [c: d]", the in-use and allocated counts and bytes of a heap
 * header or record; in-use values may be negative (golang/go#19311).
 * Returns what follows "]", or NULL.
 */
static const char *
parse_counts(const char *s, const char *end, int64_t *v)
{
	if ((s = parse_i64(skip_blank(s, end), end, 1, &v[0])) == NULL ||
	    (s = expect(s, end, ':')) == NULL ||
	    (s = parse_i64(skip_blank(s, end), end, 1, &v[1])) == NULL ||
	    (s = expect(s, end, '[')) == NULL ||
	    (s = parse_i64(skip_blank(s, end), end, 0, &v[2])) == NULL ||
	    (s = expect(s, end, ':')) == NULL ||
	    (s = parse_i64(skip_blank(s, end), end, 0, &v[3])) == NULL)
		return NULL;
	return expect(s, end, ']');
}

/* ---- sniffing --------------------------------------------------------- */

/* Word i of a header of w-byte words in the given byte order. */
static uint64_t
header_word(const unsigned char *b, size_t w, int big, size_t i)
{
	uint64_t v = 0;
	size_t k;

	for (k = 0; k < w; k++)
		v |= (uint64_t)b[i * w + k] << (8 * (big ? w - 1 - k : k));
	return v;
}

/*
 * The binary CPU profile of gperftools (and of Go before 1.9, the same
 * layout): five header words 0, 3, 0, period, 0, in 32- or 64-bit words of
 * either byte order.  Java's variant has a 1 as third word.  Returns 0, 1
 * for C++/Go, 2 for Java.
 */
static int
sniff_binary_cpu(const unsigned char *b, size_t len)
{
	static const size_t widths[] = { 8, 4 };
	size_t i;
	int big;

	for (i = 0; i < 2; i++) {
		if (len < 5 * widths[i])
			continue;
		for (big = 0; big < 2; big++) {
			if (header_word(b, widths[i], big, 0) != 0 ||
			    header_word(b, widths[i], big, 1) != 3 ||
			    header_word(b, widths[i], big, 3) == 0 ||
			    header_word(b, widths[i], big, 4) != 0)
				continue;
			switch (header_word(b, widths[i], big, 2)) {
			case 0:
				return 1;
			case 1:
				return 2;
			default:
				break;
			}
		}
	}
	return 0;
}

/* Is the start of the input text (no control bytes but tab, CR, LF)? */
static int
sniff_is_text(const char *buf, size_t len)
{
	size_t i, n = len < SNIFF_TEXT ? len : SNIFF_TEXT;
	unsigned char c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)buf[i];
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
		    c == 0x7f)
			return 0;
	}
	return n > 0;
}

/* Does the string appear in the first SNIFF_TEXT bytes? */
static int
sniff_has(const char *buf, size_t len, const char *needle)
{
	size_t n = len < SNIFF_TEXT ? len : SNIFF_TEXT, k = strlen(needle);
	size_t i;

	for (i = 0; i + k <= n; i++)
		if (memcmp(buf + i, needle, k) == 0)
			return 1;
	return 0;
}

/*
 * The word after "@" in a "heap profile:" header line: "heap" for Go,
 * "heapz_v2", "heap_v2", "heapprofile", "growthz", ... for gperftools.
 */
static const char *
sniff_heap_tag(const char *s, const char *end, size_t *n)
{
	const char *t;

	if ((s = memchr(s, '@', (size_t)(end - s))) == NULL)
		return NULL;
	s = skip_blank(s + 1, end);
	for (t = s; t < end && ((*t >= 'a' && *t <= 'z') || is_digit(*t) ||
	    *t == '_'); t++)
		;
	*n = (size_t)(t - s);
	return s;
}

enum legacy_kind
legacy_sniff(const char *buf, size_t len, const char **what)
{
	const unsigned char *b = (const unsigned char *)buf;
	const char *line, *end, *tag;
	size_t off = 0, n, tn;

	*what = "";
	if (len == 0)
		return LEGACY_NONE;
	if (len >= 2 && b[0] == 0x1f && b[1] == 0x8b)
		return LEGACY_NONE;	/* gzip: the caller inflates first */
	switch (sniff_binary_cpu(b, len)) {
	case 1:
		*what = "gperftools CPU profile (or Go before 1.9)";
		return LEGACY_UNSUPPORTED;
	case 2:
		*what = "Java CPU profile";
		return LEGACY_UNSUPPORTED;
	default:
		break;
	}
	if (!sniff_is_text(buf, len))
		return LEGACY_NONE;

	next_line(buf, len, &off, &line, &n);
	if (n >= 3 && memcmp(line, BOM, 3) == 0) {
		line += 3;
		n -= 3;
	}
	end = line + n;
	if (has_prefix(line, end, "heap profile:")) {
		/* Go's, or a header too short to tell: parsing says why. */
		tag = sniff_heap_tag(line, end, &tn);
		if (tag == NULL || (tn == 4 && memcmp(tag, "heap", 4) == 0))
			return LEGACY_GO_HEAP;
		if (tn == 7 && memcmp(tag, "growthz", 7) == 0)
			*what = "gperftools heap growth profile";
		else
			*what = "gperftools heap profile";
		return LEGACY_UNSUPPORTED;
	}
	if (has_prefix(line, end, "goroutine profile: total "))
		return LEGACY_GO_GOROUTINE;
	if (has_prefix(line, end, "threadcreate profile: total "))
		*what = "Go threadcreate text profile";
	else if (has_prefix(line, end, "--- contention:"))
		*what = "Go block text profile";
	else if (has_prefix(line, end, "--- mutex:"))
		*what = "Go mutex text profile";
	else if (has_prefix(line, end, "goroutine ") && n > 10 &&
	    is_digit(line[10]))
		*what = "Go goroutine dump (debug=2)";
	else if (has_prefix(line, end, "--- heapz"))
		*what = "Java heap profile";
	else if (has_prefix(line, end, "--- contentionz"))
		*what = sniff_has(buf, len, "format = java") ?
		    "Java contention profile" : "gperftools contention profile";
	else if (has_prefix(line, end, "--- threadz"))
		*what = "gperftools thread profile";
	else if (has_prefix(line, end, "heap_v2/"))
		*what = "jemalloc heap profile";
	else if (has_prefix(line, end, "go test fuzz v1"))
		*what = "Go fuzz corpus file";
	else if (has_prefix(line, end, "gc ") && n > 3 && is_digit(line[3]))
		*what = "GODEBUG=gctrace log";
	else if (has_prefix(line, end, "PeriodType: "))
		*what = "pprof -raw text output";
	else
		*what = "text (not a profile)";
	return LEGACY_UNSUPPORTED;
}

/* ---- parsing debug=1 text ------------------------------------------- */

/* One "#\t0xpc\tfunc+0xoff\tfile:line" line of the current record. */
struct frameline {
	uint64_t	 pc;
	const char	*func;
	size_t		 funclen;	/* 0: no symbol */
	const char	*file;
	size_t		 filelen;
	int64_t		 line;
	uint64_t	 entry;		/* pc - offset: the physical function */
	int		 hasentry;
};

struct parser {
	struct prof	*p;
	struct strmap	*strs;		/* name -> arena copy */
	struct strmap	*locs;		/* frames key -> struct prof_loc */
	char		*err;
	size_t		 errlen;
	int		 heap;		/* else goroutine */
	int64_t		 rate;		/* heap sampling rate, N/2 */
	size_t		 lineno;

	/* The record being read. */
	int		 inrec;
	size_t		 recline;
	int64_t		 raw[4];	/* inuse n, b, alloc n, b; or count */
	int		 symbolized;	/* -1 unknown, else from record 1 */

	struct prof_sample *samples;
	size_t		 nsamples, samplecap;
	uint64_t	*addrs;
	size_t		 naddrs, addrcap;
	struct frameline *fl;
	size_t		 nfl, flcap;
	const struct prof_loc **lv;
	size_t		 nlv, lvcap;
	struct prof_label *labels;
	size_t		 nlabels, labelcap;
	char		*key;
	size_t		 keylen, keycap;
	int64_t		 sum[4];
};

static int
perr(struct parser *ps, size_t lineno, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
perr(struct parser *ps, size_t lineno, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (ps->errlen == 0)
		return -1;
	k = snprintf(ps->err, ps->errlen, "line %zu: ", lineno);
	if (k >= 0 && (size_t)k < ps->errlen) {
		va_start(ap, fmt);
		vsnprintf(ps->err + k, ps->errlen - (size_t)k, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Make room for one more element of a growing array. */
static void *
grow(void *v, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return v;
	*cap = *cap ? *cap * 2 : 16;
	return xreallocarray(v, *cap, size);
}

static void
key_put(struct parser *ps, const void *s, size_t n)
{
	if (n == 0)
		return;
	while (ps->keycap - ps->keylen < n) {
		ps->keycap = ps->keycap ? ps->keycap * 2 : 256;
		ps->key = xreallocarray(ps->key, ps->keycap, 1);
	}
	memcpy(ps->key + ps->keylen, s, n);
	ps->keylen += n;
}

/* One arena copy of each distinct string. */
static const char *
intern(struct parser *ps, const char *s, size_t n)
{
	struct strmap_entry *e;
	size_t i;
	int isnew;

	i = strmap_intern(ps->strs, s, n, &isnew);
	e = strmap_at(ps->strs, i);
	if (isnew)
		e->value = arena_strndup(ps->p->arena, s, n);
	return e->value;
}

/*
 * The location made of frames fl[first..first+n), shared by every sample
 * whose frames are the same.  With n == 0 it is an unsymbolized address.
 */
static const struct prof_loc *
loc_get(struct parser *ps, size_t first, size_t n, uint64_t addr)
{
	struct strmap_entry *e;
	struct prof_loc *loc;
	struct frameline *f;
	char hex[2 + 16 + 1];
	size_t i, k;
	int isnew;

	ps->keylen = 0;
	if (n == 0) {
		key_put(ps, "@", 1);
		key_put(ps, &addr, sizeof(addr));
	}
	for (i = 0; i < n; i++) {
		f = &ps->fl[first + i];
		key_put(ps, &f->pc, sizeof(f->pc));
		key_put(ps, f->func, f->funclen);
		key_put(ps, "", 1);
		key_put(ps, f->file, f->filelen);
		key_put(ps, "", 1);
		key_put(ps, &f->line, sizeof(f->line));
	}
	k = strmap_intern(ps->locs, ps->key, ps->keylen, &isnew);
	e = strmap_at(ps->locs, k);
	if (!isnew)
		return e->value;

	loc = arena_calloc(ps->p->arena, 1, sizeof(*loc));
	loc->nframes = n ? n : 1;
	loc->frames = arena_calloc(ps->p->arena, loc->nframes,
	    sizeof(*loc->frames));
	if (n == 0) {
		loc->address = addr;
		snprintf(hex, sizeof(hex), "0x%" PRIx64, addr);
		loc->frames[0].func = intern(ps, hex, strlen(hex));
		loc->frames[0].file = "";
	}
	if (n > 0)
		loc->address = ps->fl[first].pc;	/* the innermost */
	for (i = 0; i < n; i++) {
		f = &ps->fl[first + i];
		if (f->funclen == 0) {
			snprintf(hex, sizeof(hex), "0x%" PRIx64, f->pc);
			loc->frames[i].func = intern(ps, hex, strlen(hex));
		} else
			loc->frames[i].func = intern(ps, f->func, f->funclen);
		loc->frames[i].file = intern(ps, f->file, f->filelen);
		loc->frames[i].line = f->line;
	}
	e->value = loc;
	return loc;
}

static void
lv_push(struct parser *ps, const struct prof_loc *loc)
{
	ps->lv = grow(ps->lv, ps->nlv, &ps->lvcap, sizeof(*ps->lv));
	ps->lv[ps->nlv++] = loc;
}

/* Do two frame lines name the same function? */
static int
same_func(const struct frameline *a, const struct frameline *b)
{
	return a == b || (a->funclen == b->funclen && a->funclen > 0 &&
	    memcmp(a->func, b->func, a->funclen) == 0);
}

/*
 * The record's locations, leaf first.  Go prints one frame line per
 * function, innermost first, as "pc func+offset"; for a function inlined
 * into another the offset is from the entry of the function it was
 * inlined into, so pc - offset names the physical function.  Consecutive
 * lines with one entry form one location (inlined callees first), cut
 * after each line naming the physical function itself (the run's last
 * line): a recursive call is a new frame, as Go never inlines recursion.
 * Leading runtime frames and runtime.goexit, which Go does not print, are
 * left out, as Go's protobuf writer does.  Without frame lines (old dumps,
 * or a stack of runtime.goexit alone) each address is a location named by
 * its hexadecimal PC, the return address minus one, as pprof does.
 */
static void
record_locs(struct parser *ps)
{
	size_t i, k, g, start;

	ps->nlv = 0;
	if (ps->nfl == 0) {
		for (i = 0; i < ps->naddrs; i++)
			lv_push(ps, loc_get(ps, 0, 0, ps->addrs[i] ?
			    ps->addrs[i] - 1 : 0));
		return;
	}
	for (i = 0; i < ps->nfl; i = k) {
		for (k = i + 1; k < ps->nfl && ps->fl[i].hasentry &&
		    ps->fl[k].hasentry && ps->fl[k].entry == ps->fl[i].entry;
		    k++)
			;
		for (start = g = i; g < k; g++)
			if (same_func(&ps->fl[g], &ps->fl[k - 1])) {
				lv_push(ps, loc_get(ps, start, g + 1 - start,
				    0));
				start = g + 1;
			}
	}
}

/*
 * Go's unsampling (runtime/pprof scaleHeapSample, and pprof's legacy
 * parser): a sampled record of count blocks of total size bytes stands for
 * count/(1 - exp(-avg/rate)) blocks, truncated toward zero.
 */
static int
scale_sample(int64_t *count, int64_t *size, int64_t rate)
{
	double avg, scale, c, s;

	if (*count == 0 || *size == 0) {
		*count = *size = 0;
		return 0;
	}
	if (rate <= 1)
		return 0;
	avg = (double)*size / (double)*count;
	scale = 1 / (1 - exp(-avg / (double)rate));
	c = (double)*count * scale;
	s = (double)*size * scale;
	if (!(fabs(c) < 9.2e18) || !(fabs(s) < 9.2e18))
		return -1;
	*count = (int64_t)c;
	*size = (int64_t)s;
	return 0;
}

/* Close the current record: check it, unsample it, store the sample. */
static int
record_end(struct parser *ps)
{
	struct prof_sample *smp;
	struct prof_label *lab;
	int64_t v[4], bs;
	size_t i;
	char why[256];

	if (!ps->inrec)
		return 0;
	ps->inrec = 0;
	/*
	 * Go prints at least one frame line per record unless the stack is
	 * runtime.goexit alone; old runtimes printed none at all.  A dump is
	 * one or the other.
	 */
	if (ps->nfl > 0) {
		if (ps->symbolized == 0)
			return perr(ps, ps->recline,
			    "frame lines after records without any");
		ps->symbolized = 1;
	} else if (ps->naddrs > 1) {
		if (ps->symbolized == 1)
			return perr(ps, ps->recline,
			    "record has no frame lines");
		ps->symbolized = 0;
	}
	record_locs(ps);

	ps->samples = grow(ps->samples, ps->nsamples, &ps->samplecap,
	    sizeof(*ps->samples));
	smp = &ps->samples[ps->nsamples++];
	memset(smp, 0, sizeof(*smp));
	smp->values = arena_calloc(ps->p->arena, ps->heap ? 4 : 1,
	    sizeof(int64_t));
	if (ps->heap) {
		/* raw: inuse n, b, alloc n, b; out: alloc n, b, inuse n, b */
		v[0] = ps->raw[2];
		v[1] = ps->raw[3];
		v[2] = ps->raw[0];
		v[3] = ps->raw[1];
		/* Block size as Go's protobuf writer: alloc bytes / count. */
		bs = v[0] > 0 ? v[1] / v[0] : v[2] > 0 ? v[3] / v[2] : 0;
		if (scale_sample(&v[0], &v[1], ps->rate) == -1 ||
		    scale_sample(&v[2], &v[3], ps->rate) == -1)
			return perr(ps, ps->recline,
			    "unsampled value out of range");
		memcpy(smp->values, v, sizeof(v));
		ps->labels = grow(ps->labels, ps->nlabels, &ps->labelcap,
		    sizeof(*ps->labels));
		lab = &ps->labels[ps->nlabels++];
		lab->key = "bytes";
		lab->str = NULL;
		lab->num = bs;
		lab->unit = "";
	} else
		smp->values[0] = ps->raw[0];

	smp->nlocs = ps->nlv;
	if (ps->nlv > 0) {
		smp->locs = arena_calloc(ps->p->arena, ps->nlv,
		    sizeof(*smp->locs));
		memcpy(smp->locs, ps->lv, ps->nlv * sizeof(*smp->locs));
	}
	smp->nlabels = ps->nlabels;
	if (ps->nlabels > 0) {
		smp->labels = arena_calloc(ps->p->arena, ps->nlabels,
		    sizeof(*smp->labels));
		memcpy(smp->labels, ps->labels,
		    ps->nlabels * sizeof(*smp->labels));
	}
	if (caps_sample(ps->p->caps, smp, why, sizeof(why)) == -1)
		return perr(ps, ps->recline, "%s", why);
	for (i = 0; i < (ps->heap ? 4u : 1u); i++)
		if (add_i64(&ps->sum[i], ps->raw[i]) == -1)
			return perr(ps, ps->recline, "totals overflow");
	return 0;
}

/* " 0x.. 0x.." to the end of the line: the record's stack addresses. */
static int
parse_addrs(struct parser *ps, const char *s, const char *end)
{
	uint64_t a;

	ps->naddrs = 0;
	for (;;) {
		s = skip_blank(s, end);
		if (s == end)
			return 0;
		if ((s = parse_hex(s, end, &a)) == NULL ||
		    (s < end && !is_blank(*s)))
			return perr(ps, ps->lineno, "bad address");
		ps->addrs = grow(ps->addrs, ps->naddrs, &ps->addrcap,
		    sizeof(*ps->addrs));
		ps->addrs[ps->naddrs++] = a;
	}
}

/* "a: b [c: d] @ addrs" (heap) or "n @ addrs" (goroutine). */
static int
parse_record(struct parser *ps, const char *s, const char *end)
{
	if (record_end(ps) == -1)
		return -1;
	ps->inrec = 1;
	ps->recline = ps->lineno;
	ps->nfl = ps->nlabels = ps->naddrs = 0;
	memset(ps->raw, 0, sizeof(ps->raw));
	s = skip_blank(s, end);
	if (ps->heap) {
		if ((s = parse_counts(s, end, ps->raw)) == NULL)
			goto bad;
		if (ps->raw[0] == 0 && ps->raw[1] != 0)
			return perr(ps, ps->lineno,
			    "in-use count is 0 but in-use bytes is %" PRId64,
			    ps->raw[1]);
		if (ps->raw[2] == 0 && ps->raw[3] != 0)
			return perr(ps, ps->lineno,
			    "alloc count is 0 but alloc bytes is %" PRId64,
			    ps->raw[3]);
	} else if ((s = parse_i64(s, end, 0, &ps->raw[0])) == NULL)
		goto bad;
	if ((s = expect(s, end, '@')) == NULL)
		goto bad;
	return parse_addrs(ps, s, end);
bad:
	return perr(ps, ps->lineno, "bad %s record",
	    ps->heap ? "heap" : "goroutine");
}

/* "#\t0xpc\tpkg.func+0xoff\tfile:line", or "#\t0xpc" without a symbol. */
static int
parse_frame(struct parser *ps, const char *s, const char *end)
{
	struct frameline *f;
	const char *t, *fn, *fnend, *colon;
	uint64_t off;
	int64_t line;

	if (!ps->inrec)
		return perr(ps, ps->lineno, "frame line outside a record");
	ps->fl = grow(ps->fl, ps->nfl, &ps->flcap, sizeof(*ps->fl));
	f = &ps->fl[ps->nfl];
	memset(f, 0, sizeof(*f));
	f->file = "";
	s = skip_blank(s + 1, end);
	if ((s = parse_hex(s, end, &f->pc)) == NULL ||
	    (s < end && !is_blank(*s)))
		return perr(ps, ps->lineno, "bad frame address");
	while (end > s && is_blank(end[-1]))
		end--;
	s = skip_blank(s, end);
	if (s == end) {
		ps->nfl++;
		return 0;
	}
	/* Fields are tab-separated; names may hold spaces, never tabs. */
	fn = s;
	if ((t = memchr(s, '\t', (size_t)(end - s))) == NULL) {
		for (t = s; t < end && *t != ' '; t++)
			;
	}
	fnend = t;
	s = skip_blank(t, end);
	if (s == end)
		return perr(ps, ps->lineno, "frame line has no file:line");
	for (t = fnend; t > fn && t[-1] != '+'; t--)
		;
	if (t > fn && parse_hex(t, fnend, &off) == fnend && off <= f->pc) {
		fnend = t - 1;
		f->entry = f->pc - off;
		f->hasentry = 1;
	}
	for (colon = end; colon > s && colon[-1] != ':'; colon--)
		;
	if (colon == s || parse_i64(colon, end, 0, &line) != end)
		return perr(ps, ps->lineno, "bad file:line in frame line");
	f->func = fn;
	f->funclen = (size_t)(fnend - fn);
	f->file = s;
	f->filelen = (size_t)(colon - 1 - s);
	f->line = line;
	if (f->funclen == 0)
		return perr(ps, ps->lineno, "frame line has no function");
	ps->nfl++;
	return 0;
}

/*
 * A Go %q string at *sp (below end) unquoted into an arena string; the
 * escapes are strconv.Quote's.  Returns NULL when malformed.
 */
static const char *
unquote(struct parser *ps, const char **sp, const char *end)
{
	const char *s = *sp, *q;
	char *out, *o;
	uint32_t r;
	int i, n, h;

	if (s == end || *s++ != '"')
		return NULL;
	/*
	 * Room for the string up to its closing quote, which no escape makes
	 * longer, not for the rest of the line: a line of many labels would
	 * need memory quadratic in its length.
	 */
	for (q = s; q < end && *q != '"'; q++)
		if (*q == '\\' && ++q == end)
			return NULL;
	if (q == end)
		return NULL;
	o = out = arena_alloc(ps->p->arena, (size_t)(q - s) + 1);
	for (;;) {
		if (s == end)
			return NULL;
		if (*s == '"')
			break;
		if (*s != '\\') {
			*o++ = *s++;
			continue;
		}
		if (++s == end)
			return NULL;
		switch (*s++) {
		case 'a': *o++ = '\a'; continue;
		case 'b': *o++ = '\b'; continue;
		case 'f': *o++ = '\f'; continue;
		case 'n': *o++ = '\n'; continue;
		case 'r': *o++ = '\r'; continue;
		case 't': *o++ = '\t'; continue;
		case 'v': *o++ = '\v'; continue;
		case '\\': *o++ = '\\'; continue;
		case '\'': *o++ = '\''; continue;
		case '"': *o++ = '"'; continue;
		case 'x': n = 2; break;
		case 'u': n = 4; break;
		case 'U': n = 8; break;
		case '0': case '1': case '2': case '3':
			if (end - s < 2 || s[0] < '0' || s[0] > '7' ||
			    s[1] < '0' || s[1] > '7')
				return NULL;
			*o++ = (char)((s[-1] - '0') << 6 | (s[0] - '0') << 3 |
			    (s[1] - '0'));
			s += 2;
			continue;
		default:
			return NULL;
		}
		if (end - s < n)
			return NULL;
		for (r = 0, i = 0; i < n; i++) {
			if ((h = hex_value(s[i])) < 0)
				return NULL;
			r = r << 4 | (uint32_t)h;
		}
		s += n;
		if (n == 2)
			*o++ = (char)r;
		else if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff))
			return NULL;
		else if (r < 0x80)
			*o++ = (char)r;
		else if (r < 0x800) {
			*o++ = (char)(0xc0 | r >> 6);
			*o++ = (char)(0x80 | (r & 0x3f));
		} else if (r < 0x10000) {
			*o++ = (char)(0xe0 | r >> 12);
			*o++ = (char)(0x80 | (r >> 6 & 0x3f));
			*o++ = (char)(0x80 | (r & 0x3f));
		} else {
			*o++ = (char)(0xf0 | r >> 18);
			*o++ = (char)(0x80 | (r >> 12 & 0x3f));
			*o++ = (char)(0x80 | (r >> 6 & 0x3f));
			*o++ = (char)(0x80 | (r & 0x3f));
		}
	}
	*o = '\0';
	if (memchr(out, '\0', (size_t)(o - out)) != NULL)
		return NULL;	/* a NUL would silently cut the string */
	*sp = s + 1;
	return out;
}

/* "# labels: {"k":"v", "k2":"v2"}" of a goroutine record. */
static int
parse_labels(struct parser *ps, const char *s, const char *end)
{
	struct prof_label *lab;
	const char *k, *v;

	if (!ps->inrec || ps->nfl > 0)
		return perr(ps, ps->lineno, "labels line outside a record");
	s = skip_blank(s, end);
	if (s == end || *s++ != '{')
		goto bad;
	s = skip_blank(s, end);
	if (s < end && *s == '}')
		goto done;
	for (;;) {
		if ((k = unquote(ps, &s, end)) == NULL)
			goto bad;
		s = skip_blank(s, end);
		if (s == end || *s++ != ':')
			goto bad;
		s = skip_blank(s, end);
		if ((v = unquote(ps, &s, end)) == NULL)
			goto bad;
		ps->labels = grow(ps->labels, ps->nlabels, &ps->labelcap,
		    sizeof(*ps->labels));
		lab = &ps->labels[ps->nlabels++];
		lab->key = k;
		lab->str = v;
		lab->num = 0;
		lab->unit = "";
		s = skip_blank(s, end);
		if (s < end && *s == '}')
			break;
		if (s == end || *s++ != ',')
			goto bad;
		s = skip_blank(s, end);
	}
done:
	if (skip_blank(s + 1, end) != end)
		goto bad;
	return 0;
bad:
	return perr(ps, ps->lineno, "bad labels line");
}

/* "heap profile: a: b [c: d] @ heap/N" or "goroutine profile: total N". */
static int
parse_header(struct parser *ps, const char *s, const char *end)
{
	const char *t;
	int64_t n;

	if (has_prefix(s, end, "goroutine profile: total ")) {
		ps->heap = 0;
		s += strlen("goroutine profile: total ");
		if ((t = parse_i64(s, end, 0, &ps->raw[0])) == NULL ||
		    skip_blank(t, end) != end)
			goto bad;
		return 0;
	}
	if (!has_prefix(s, end, "heap profile:"))
		return perr(ps, 1, "not a Go heap or goroutine text profile");
	ps->heap = 1;
	s += strlen("heap profile:");
	if ((s = parse_counts(s, end, ps->raw)) == NULL ||
	    (s = expect(s, end, '@')) == NULL)
		goto bad;
	s = skip_blank(s, end);
	if (!has_prefix(s, end, "heap") || (end - s > 4 && s[4] != '/' &&
	    !is_blank(s[4])))
		return perr(ps, 1, "not a Go heap profile (no \"@ heap/\")");
	s += 4;
	n = 0;
	if (s < end && *s == '/') {
		if ((t = parse_i64(s + 1, end, 0, &n)) == NULL)
			goto bad;
		s = t;
	}
	if (skip_blank(s, end) != end)
		goto bad;
	ps->rate = n / 2;
	return 0;
bad:
	return perr(ps, 1, "bad %s header", ps->heap ? "heap profile" :
	    "goroutine profile");
}

/*
 * The header's totals must be the records' sums.  Old runtimes left out
 * records with nothing in use, so for heap dumps only the in-use totals
 * must match and the alloc totals may exceed the sums (Go also adds 1 to
 * the header's alloc bytes when they equal the in-use bytes).
 */
static int
check_totals(struct parser *ps, const int64_t *hdr)
{
	if (!ps->heap) {
		if (hdr[0] != ps->sum[0])
			return perr(ps, 1, "header says total %" PRId64
			    " but the records add up to %" PRId64, hdr[0],
			    ps->sum[0]);
		return 0;
	}
	if (hdr[0] != ps->sum[0] || hdr[1] != ps->sum[1])
		return perr(ps, 1, "header says %" PRId64 ": %" PRId64
		    " in use but the records add up to %" PRId64 ": %" PRId64,
		    hdr[0], hdr[1], ps->sum[0], ps->sum[1]);
	if (hdr[2] < ps->sum[2] || hdr[3] < ps->sum[3])
		return perr(ps, 1, "header says [%" PRId64 ": %" PRId64
		    "] allocated but the records add up to [%" PRId64 ": %"
		    PRId64 "]", hdr[2], hdr[3], ps->sum[2], ps->sum[3]);
	return 0;
}

static int
parse_lines(struct parser *ps, const char *buf, size_t len)
{
	const char *line, *end, *s;
	size_t off = 0, n;
	int64_t hdr[4];

	if (!next_line(buf, len, &off, &line, &n))
		return perr(ps, 1, "empty input");
	if (n >= 3 && memcmp(line, BOM, 3) == 0) {
		line += 3;
		n -= 3;
	}
	ps->lineno = 1;
	if (parse_header(ps, line, line + n) == -1)
		return -1;
	memcpy(hdr, ps->raw, sizeof(hdr));
	while (next_line(buf, len, &off, &line, &n)) {
		ps->lineno++;
		end = line + n;
		s = skip_blank(line, end);
		if (s == end)
			continue;
		if (*s != '#') {
			if (parse_record(ps, s, end) == -1)
				return -1;
			continue;
		}
		if (has_prefix(s, end, "# runtime.MemStats"))
			break;
		if (has_prefix(skip_blank(s + 1, end), end, "0x")) {
			if (parse_frame(ps, s, end) == -1)
				return -1;
		} else if (!ps->heap && has_prefix(s, end, "# labels:")) {
			if (parse_labels(ps, s + strlen("# labels:"),
			    end) == -1)
				return -1;
		}
		/* Other comment lines carry nothing we use. */
	}
	if (record_end(ps) == -1)
		return -1;
	return check_totals(ps, hdr);
}

static int64_t heap_dump_time(const char *, size_t, struct arena *);

int
legacy_parse(struct prof *p, const char *buf, size_t len, char *err,
    size_t errlen)
{
	struct parser ps;
	struct prof_type *t;
	int rc;

	memset(&ps, 0, sizeof(ps));
	ps.p = p;
	ps.err = err;
	ps.errlen = errlen;
	ps.symbolized = -1;
	ps.strs = strmap_new();
	ps.locs = strmap_new();
	rc = parse_lines(&ps, buf, len);
	if (rc == 0) {
		if (ps.heap) {
			t = arena_calloc(p->arena, 4, sizeof(*t));
			t[0] = (struct prof_type){ "alloc_objects", "count" };
			t[1] = (struct prof_type){ "alloc_space", "bytes" };
			t[2] = (struct prof_type){ "inuse_objects", "count" };
			t[3] = (struct prof_type){ "inuse_space", "bytes" };
			p->ntypes = 4;
			p->period_type = (struct prof_type){ "space", "bytes" };
			p->period = ps.rate;
			p->format = "heap-text";
		} else {
			t = arena_calloc(p->arena, 1, sizeof(*t));
			t[0] = (struct prof_type){ "goroutine", "count" };
			p->ntypes = 1;
			p->period_type = t[0];
			p->period = 1;
			p->format = "goroutine-text";
		}
		p->types = t;
		p->nsamples = ps.nsamples;
		p->samples = NULL;
		if (ps.nsamples > 0) {
			p->samples = arena_calloc(p->arena, ps.nsamples,
			    sizeof(*p->samples));
			memcpy(p->samples, ps.samples,
			    ps.nsamples * sizeof(*p->samples));
		}
		p->time_nanos = ps.heap ? heap_dump_time(buf, len, p->arena) :
		    0;
		p->duration_nanos = 0;
		p->default_type = "";
	}
	strmap_free(ps.strs);
	strmap_free(ps.locs);
	free(ps.samples);
	free(ps.addrs);
	free(ps.fl);
	free(ps.lv);
	free(ps.labels);
	free(ps.key);
	return rc;
}

/* ---- runtime.MemStats ------------------------------------------------ */

enum ms_kind { MS_UINT, MS_PAIR, MS_ARRAY, MS_FLOAT, MS_BOOL };

/* Every "# Key = value" line any Go version's heap dump prints. */
static const struct {
	const char	*key;
	enum ms_kind	 kind;
	size_t		 col;		/* first column, in ms_columns */
} ms_keys[] = {
	{ "Alloc", MS_UINT, 0 },
	{ "TotalAlloc", MS_UINT, 1 },
	{ "Sys", MS_UINT, 2 },
	{ "Lookups", MS_UINT, 3 },
	{ "Mallocs", MS_UINT, 4 },
	{ "Frees", MS_UINT, 5 },
	{ "HeapAlloc", MS_UINT, 6 },
	{ "HeapSys", MS_UINT, 7 },
	{ "HeapIdle", MS_UINT, 8 },
	{ "HeapInuse", MS_UINT, 9 },
	{ "HeapReleased", MS_UINT, 10 },
	{ "HeapObjects", MS_UINT, 11 },
	{ "Stack", MS_PAIR, 12 },
	{ "MSpan", MS_PAIR, 14 },
	{ "MCache", MS_PAIR, 16 },
	{ "BuckHashSys", MS_UINT, 18 },
	{ "GCSys", MS_UINT, 19 },
	{ "OtherSys", MS_UINT, 20 },
	{ "NextGC", MS_UINT, 21 },
	{ "LastGC", MS_UINT, 22 },
	{ "PauseTotalNs", MS_UINT, 23 },
	{ "PauseNs", MS_ARRAY, 24 },
	{ "PauseEnd", MS_ARRAY, 25 },
	{ "NumGC", MS_UINT, 26 },
	{ "NumForcedGC", MS_UINT, 27 },
	{ "GCCPUFraction", MS_FLOAT, 28 },
	{ "EnableGC", MS_BOOL, 29 },
	{ "DebugGC", MS_BOOL, 30 },
	{ "MaxRSS", MS_UINT, 31 },
};

static const char *const ms_columns[] = {
	"alloc", "total_alloc", "sys", "lookups", "mallocs", "frees",
	"heap_alloc", "heap_sys", "heap_idle", "heap_inuse", "heap_released",
	"heap_objects", "stack_inuse", "stack_sys", "mspan_inuse",
	"mspan_sys", "mcache_inuse", "mcache_sys", "buck_hash_sys", "gc_sys",
	"other_sys", "next_gc", "last_gc", "pause_total_ns", "pause_ns",
	"pause_end", "num_gc", "num_forced_gc", "gc_cpu_fraction",
	"enable_gc", "debug_gc", "max_rss",
};

#define MS_NCOLUMNS	(sizeof(ms_columns) / sizeof(ms_columns[0]))

size_t
legacy_memstats_columns(const char *const **names)
{
	*names = ms_columns;
	return MS_NCOLUMNS;
}

/* Digits only (an unsigned decimal); the end of them, or NULL. */
static const char *
ms_digits(const char *s, const char *end)
{
	const char *d = s;

	while (s < end && is_digit(*s))
		s++;
	return s == d ? NULL : s;
}

/* Go's %v of a float64: [-]digits[.digits][e[+-]digits], or NaN/+Inf. */
static int
ms_float(const char *s, const char *end)
{
	if (end - s == 3 && memcmp(s, "NaN", 3) == 0)
		return 1;
	if (s < end && (*s == '-' || *s == '+'))
		s++;
	if (end - s == 3 && memcmp(s, "Inf", 3) == 0)
		return 1;
	if ((s = ms_digits(s, end)) == NULL)
		return 0;
	if (s < end && *s == '.' && (s = ms_digits(s + 1, end)) == NULL)
		return 0;
	if (s < end && (*s == 'e' || *s == 'E')) {
		s++;
		if (s < end && (*s == '-' || *s == '+'))
			s++;
		if ((s = ms_digits(s, end)) == NULL)
			return 0;
	}
	return s == end;
}

/* Store one value; -1 when it does not have its key's form. */
static int
ms_value(int kind, size_t col, const char *s, const char *end,
    struct arena *a, const char **values)
{
	const char *t, *u;
	char *o;

	switch (kind) {
	case MS_UINT:
		if (ms_digits(s, end) != end)
			return -1;
		values[col] = arena_strndup(a, s, (size_t)(end - s));
		return 0;
	case MS_FLOAT:
		if (!ms_float(s, end))
			return -1;
		values[col] = arena_strndup(a, s, (size_t)(end - s));
		return 0;
	case MS_BOOL:
		if (end - s == 4 && memcmp(s, "true", 4) == 0)
			values[col] = "1";
		else if (end - s == 5 && memcmp(s, "false", 5) == 0)
			values[col] = "0";
		else
			return -1;
		return 0;
	case MS_PAIR:
		if ((t = ms_digits(s, end)) == NULL)
			return -1;
		u = skip_blank(t, end);
		if (u == end || *u != '/')
			return -1;
		u = skip_blank(u + 1, end);
		if (ms_digits(u, end) != end)
			return -1;
		values[col] = arena_strndup(a, s, (size_t)(t - s));
		values[col + 1] = arena_strndup(a, u, (size_t)(end - u));
		return 0;
	default:
		break;
	}
	/* MS_ARRAY: "[1 2 3]" becomes "1,2,3"; a bare number is kept. */
	if (s < end && *s != '[')
		return ms_value(MS_UINT, col, s, end, a, values);
	if (s == end || end[-1] != ']')
		return -1;
	o = arena_alloc(a, (size_t)(end - s));
	values[col] = o;
	for (s = skip_blank(s + 1, end - 1); s < end - 1; ) {
		if ((t = ms_digits(s, end - 1)) == NULL)
			return -1;
		if (o != values[col])
			*o++ = ',';
		memcpy(o, s, (size_t)(t - s));
		o += t - s;
		s = skip_blank(t, end - 1);
		if (s == t && s < end - 1)
			return -1;
	}
	*o = '\0';
	return 0;
}

int
legacy_memstats(const char *buf, size_t len, struct arena *a,
    const char **values, char *err, size_t errlen)
{
	const char *line, *end, *s, *k;
	size_t off = 0, n, lineno = 0, i, klen;
	int found = 0;

	for (i = 0; i < MS_NCOLUMNS; i++)
		values[i] = "";
	while (next_line(buf, len, &off, &line, &n)) {
		lineno++;
		end = line + n;
		while (end > line && is_blank(end[-1]))
			end--;
		if (!found) {
			found = end - line == 18 &&
			    memcmp(line, "# runtime.MemStats", 18) == 0;
			continue;
		}
		if (line == end)
			continue;
		if (*line != '#')
			break;
		s = skip_blank(line + 1, end);
		for (k = s; s < end && ((*s >= 'A' && *s <= 'Z') ||
		    (*s >= 'a' && *s <= 'z') || is_digit(*s)); s++)
			;
		klen = (size_t)(s - k);
		s = skip_blank(s, end);
		if (klen == 0 || s == end || *s != '=')
			continue;
		s = skip_blank(s + 1, end);
		for (i = 0; i < sizeof(ms_keys) / sizeof(ms_keys[0]); i++)
			if (strlen(ms_keys[i].key) == klen &&
			    memcmp(ms_keys[i].key, k, klen) == 0)
				break;
		if (i == sizeof(ms_keys) / sizeof(ms_keys[0]))
			continue;	/* a key we do not know: ignored */
		if (ms_value(ms_keys[i].kind, ms_keys[i].col, s, end, a,
		    values) == -1) {
			snprintf(err, errlen, "line %zu: bad MemStats value "
			    "for %s", lineno, ms_keys[i].key);
			return -1;
		}
	}
	if (!found) {
		snprintf(err, errlen, "no \"# runtime.MemStats\" section");
		return -1;
	}
	return 0;
}

/*
 * The time a heap dump's numbers are from: its MemStats LastGC, when the
 * last garbage collection ended (in-use values are as of that GC), in
 * nanoseconds since 1970; 0 when the dump has none (no GC yet, or no
 * MemStats section).  values are legacy_memstats's.
 */
int64_t
legacy_memstats_time(const char *const *values)
{
	const char *v = NULL;
	char *e;
	unsigned long long t;
	size_t i;

	for (i = 0; i < MS_NCOLUMNS; i++)
		if (strcmp(ms_columns[i], "last_gc") == 0)
			v = values[i];
	if (v == NULL || *v < '0' || *v > '9')
		return 0;
	errno = 0;
	t = strtoull(v, &e, 10);
	if (errno != 0 || *e != '\0' || t > INT64_MAX)
		return 0;
	return (int64_t)t;
}

static int64_t
heap_dump_time(const char *buf, size_t len, struct arena *a)
{
	const char *values[MS_NCOLUMNS];
	char err[128];

	if (legacy_memstats(buf, len, a, values, err, sizeof(err)) == -1)
		return 0;
	return legacy_memstats_time(values);
}
