/* Unit tests of the common/ basics: tsv formatting, strmap, frames, hash. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "frames.h"
#include "hash.h"
#include "strmap.h"
#include "tsv.h"
#include "tap.h"

static void
test_double(void)
{
	char b[64];

	tsv_format_double(b, sizeof(b), 0.0);
	is_str(b, "0", "double 0");
	tsv_format_double(b, sizeof(b), -0.0);
	is_str(b, "0", "double -0 is 0");
	tsv_format_double(b, sizeof(b), 983040.1234);
	is_str(b, "983040", "double: six significant digits");
	tsv_format_double(b, sizeof(b), 0.5);
	is_str(b, "0.5", "double 0.5");
	tsv_format_double(b, sizeof(b), 1.0 / 3.0);
	is_str(b, "0.333333", "double 1/3");
	tsv_format_double(b, sizeof(b), -12.25);
	is_str(b, "-12.25", "double -12.25");
	tsv_format_double(b, sizeof(b), 1.234567e-7);
	is_str(b, "0.000000123457", "double: small, no exponent");
	tsv_format_double(b, sizeof(b), 3e12);
	is_str(b, "3000000000000", "double: large, no exponent");
	tsv_format_double(b, sizeof(b), NAN);
	is_str(b, "", "double NaN is empty");
}

static void
test_time(void)
{
	char b[64];
	int64_t t;

	tsv_format_time(b, sizeof(b), 0);
	is_str(b, "1970-01-01T00:00:00.000000000Z", "time epoch");
	/* date -u -d @1795580576 +%FT%T: 2026-11-25T04:22:56 */
	tsv_format_time(b, sizeof(b), INT64_C(1795580576123456789));
	is_str(b, "2026-11-25T04:22:56.123456789Z", "time 2026");
	ok(tsv_parse_time("2026-11-25T04:22:56.123456789Z", &t) == 0 &&
	    t == INT64_C(1795580576123456789), "parse time round trip");
	ok(tsv_parse_time("2026-11-25T06:22:56.5+02:00", &t) == 0 &&
	    t == INT64_C(1795580576500000000), "parse time with offset");
	ok(tsv_parse_time("2000-02-29T00:00:00Z", &t) == 0 &&
	    t == INT64_C(951782400000000000), "parse leap day 2000");
	ok(tsv_parse_time("2026-11-24 03:42", &t) == -1, "reject short time");
	ok(tsv_parse_time("2026-13-24T03:42:56Z", &t) == -1,
	    "reject month 13");
}

static void
test_numbers(void)
{
	int64_t i;
	double d;

	ok(tsv_parse_i64("-42", &i) == 0 && i == -42, "parse -42");
	ok(tsv_parse_i64("9223372036854775807", &i) == 0 && i == INT64_MAX,
	    "parse INT64_MAX");
	ok(tsv_parse_i64("9223372036854775808", &i) == -1, "reject overflow");
	ok(tsv_parse_i64("12x", &i) == -1, "reject trailing junk");
	ok(tsv_parse_i64("", &i) == -1, "reject empty integer");
	ok(tsv_parse_i64(" 1", &i) == -1, "reject leading space");
	ok(tsv_parse_double("2.5", &d) == 0 && d == 2.5, "parse 2.5");
	ok(tsv_parse_double("nan", &d) == -1, "reject nan");
	ok(tsv_parse_double("inf", &d) == -1, "reject inf");
	ok(tsv_parse_double("1e400", &d) == -1, "reject 1e400");
}

static void
test_strmap(void)
{
	struct strmap *m = strmap_new();
	char key[32];
	size_t i, idx;
	int created, all = 1;

	is_int((long long)strmap_intern(m, "a", 1, &created), 0, "first key 0");
	is_int(created, 1, "first key created");
	is_int((long long)strmap_intern(m, "b\0c", 3, &created), 1,
	    "key with NUL");
	is_int((long long)strmap_intern(m, "a", 1, &created), 0, "a again");
	is_int(created, 0, "a not created twice");
	ok(!strmap_find(m, "b", 1, NULL), "prefix of a key is absent");
	for (i = 0; i < 10000; i++) {
		snprintf(key, sizeof(key), "k%zu", i);
		if (strmap_intern(m, key, strlen(key), NULL) != i + 2)
			all = 0;
	}
	ok(all, "10000 keys get dense indexes");
	ok(strmap_find(m, "k9999", 5, &idx) && idx == 10001, "find k9999");
	is_str(strmap_at(m, 5)->key, "k3", "entry 5 is k3");
	is_int((long long)strmap_count(m), 10002, "count");
	strmap_free(m);
}

static void
test_frames(void)
{
	const char *s = "main.main;net/http.(*conn).serve;main.leak";
	const char *p, *f;
	size_t len, n = 0;

	is_int((long long)frames_package("net/http.(*conn).serve", 22), 8,
	    "package of net/http.(*conn).serve");
	is_int((long long)frames_package("main.F[go.shape/x]", 18), 4,
	    "package ignores brackets");
	ok(frames_is_runtime("runtime.mallocgc", 16), "runtime.mallocgc");
	ok(frames_is_runtime("internal/runtime/maps.(*Map).grow", 33),
	    "internal/runtime/maps is runtime");
	ok(!frames_is_runtime("runtimefoo.x", 12), "runtimefoo is not");
	ok(frames_is_stdlib("sync.(*Map).Store", 17), "sync is std");
	ok(frames_is_stdlib("encoding/json.Marshal", 21), "encoding/json");
	ok(!frames_is_stdlib("main.leak", 9), "main is not std");
	ok(!frames_is_stdlib("github.com/x/y.F", 16), "github is not std");
	ok(!frames_is_stdlib("leakcorpus/internal/svc.renderItem", 34),
	    "a module named like a std path is not std");
	p = s;
	while (frames_next(&p, s + strlen(s), &f, &len))
		n++;
	is_int((long long)n, 3, "three frames root to leaf");
	p = s + strlen(s);
	frames_prev(&p, s, &f, &len);
	ok(len == 9 && memcmp(f, "main.leak", 9) == 0, "leaf first backwards");
}

static void
test_hash(void)
{
	/* Fixed values: cluster ids depend on them never changing. */
	is_int((long long)(hash_mix64(0) == 0), 1, "mix64(0) = 0");
	ok(hash_mix64(1) == UINT64_C(0x5692161d100b05e5), "mix64(1)");
	ok(hash_bytes("abc", 3, 0) != hash_bytes("abd", 3, 0), "abc != abd");
	ok(hash_bytes("abc", 3, 0) != hash_bytes("abc", 3, 1), "seed matters");
	ok(hash_bytes("", 0, 0) != hash_bytes("\0", 1, 0), "length matters");
}

static void
test_arena(void)
{
	struct arena *a = arena_new();
	char *p, *big;
	int i, aligned = 1;

	for (i = 0; i < 100000; i++) {
		p = arena_alloc(a, (size_t)(i % 37) + 1);
		if (((uintptr_t)p & 15) != 0)
			aligned = 0;
		p[0] = 'x';
	}
	ok(aligned, "arena allocations are 16-byte aligned");
	big = arena_alloc(a, 10 << 20);
	memset(big, 1, 10 << 20);
	p = arena_strdup(a, "hello");
	is_str(p, "hello", "arena strdup after a big block");
	arena_free(a);
}

/*
 * tsv_reserve/tsv_commit: bytes written into the reserved room appear in
 * order with the other fields, only the committed part of them, also when
 * the room is bigger than the writer's buffer (64 KiB).
 */
static void
test_reserve(void)
{
	struct tsv_writer *w;
	char *buf = NULL, *p, *want;
	size_t len = 0, big = 200000, i;
	FILE *fp;

	fp = open_memstream(&buf, &len);
	w = tsv_writer_new(fp);
	tsv_put_str(w, "a");
	tsv_put_empty(w);
	p = tsv_reserve(w, 4);
	memcpy(p, "xy;z", 4);
	tsv_commit(w, 3);
	tsv_endrow(w);
	tsv_put_empty(w);
	p = tsv_reserve(w, big);
	for (i = 0; i < big; i++)
		p[i] = (char)('a' + i % 26);
	tsv_commit(w, big);
	tsv_put_str(w, "end");
	tsv_endrow(w);
	ok(tsv_writer_free(w) == 0, "reserve: written without error");
	fclose(fp);
	want = malloc(big + 16);
	memcpy(want, "a\txy;\n", 6);
	for (i = 0; i < big; i++)
		want[6 + i] = (char)('a' + i % 26);
	memcpy(want + 6 + big, "\tend\n", 5);
	ok(len == big + 11 && memcmp(buf, want, len) == 0,
	    "reserve: committed bytes only, in order, also beyond the buffer");
	free(want);
	free(buf);
}

int
main(void)
{
	test_double();
	test_time();
	test_numbers();
	test_strmap();
	test_frames();
	test_hash();
	test_arena();
	test_reserve();
	return done_testing();
}
