/*
 * Unit tests of common/pprof.c and common/rows.c: gunzip limits, the
 * protobuf sample reader (packed and unpacked), column names, label values,
 * profile types, integer formatting.  Expected values are written out by
 * hand from the rules in pprof2tsv(1) and leakatlas-tsv(5).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "arena.h"
#include "pprof.h"
#include "prof.h"
#include "rows.h"
#include "tsv.h"
#include "tap.h"

/* gzip-compress in (one member) into out; returns its length. */
static size_t
gzip_member(const void *in, size_t n, unsigned char *out, size_t cap)
{
	z_stream z;

	memset(&z, 0, sizeof(z));
	deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
	    Z_DEFAULT_STRATEGY);
	z.next_in = (unsigned char *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	deflate(&z, Z_FINISH);
	deflateEnd(&z);
	return cap - z.avail_out;
}

static void
test_gunzip(void)
{
	unsigned char gz[512], *out = NULL;
	size_t n1, n2, len = 0;
	char err[256];

	n1 = gzip_member("hello, ", 7, gz, sizeof(gz));
	n2 = gzip_member("world", 5, gz + n1, sizeof(gz) - n1);
	ok(pprof_gunzip(gz, n1 + n2, 1024, &out, &len, err, sizeof(err)) ==
	    0 && len == 12 && memcmp(out, "hello, world", 12) == 0,
	    "two gzip members are one stream");
	free(out);
	out = NULL;
	ok(pprof_gunzip(gz, n1 + n2, 11, &out, &len, err, sizeof(err)) ==
	    -1 && out == NULL, "12 bytes out with a limit of 11 is refused");
	is_str(err, "decompressed data too large (limit 11 bytes; raise with "
	    "--max-bytes)", "the limit is named");
	ok(pprof_gunzip(gz, n1 + n2, 12, &out, &len, err, sizeof(err)) == 0,
	    "exactly the limit is fine");
	free(out);
	ok(pprof_gunzip(gz, n1 - 3, 1024, &out, &len, err, sizeof(err)) ==
	    -1 && strncmp(err, "truncated gzip data", 19) == 0,
	    "a member without its trailer is truncated");
	gz[n1 - 1] ^= 0xff;	/* ISIZE of the first member */
	ok(pprof_gunzip(gz, n1, 1024, &out, &len, err, sizeof(err)) == -1 &&
	    strncmp(err, "corrupt gzip data", 17) == 0,
	    "a bad trailer is corrupt data");
}

/* A hand-encoded profile: 2 sample types, 2 locations, 1 function. */
static const unsigned char packed[] = {
	/* sample_type {type 1 unit 2}, {type 3 unit 2} */
	0x0a, 0x04, 0x08, 0x01, 0x10, 0x02,
	0x0a, 0x04, 0x08, 0x03, 0x10, 0x02,
	/* sample {location_id [7, 300] packed, value [5, -1] packed,
	   label {key 4, num 64}} */
	0x12, 0x18,
	0x0a, 0x03, 0x07, 0xac, 0x02,
	0x12, 0x0b, 0x05, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0x01,
	0x1a, 0x04, 0x08, 0x04, 0x18, 0x40,
	/* location {id 7, line {function_id 9}} */
	0x22, 0x06, 0x08, 0x07, 0x22, 0x02, 0x08, 0x09,
	/* location {id 300, address 0x10} */
	0x22, 0x05, 0x08, 0xac, 0x02, 0x18, 0x10,
	/* function {id 9, name 5} */
	0x2a, 0x04, 0x08, 0x09, 0x10, 0x05,
	/* string_table "", "n", "c", "b", "bytes", "main.f" */
	0x32, 0x00, 0x32, 0x01, 'n', 0x32, 0x01, 'c', 0x32, 0x01, 'b',
	0x32, 0x05, 'b', 'y', 't', 'e', 's',
	0x32, 0x06, 'm', 'a', 'i', 'n', '.', 'f',
};

/* The same sample with every repeated field unpacked, in another order. */
static const unsigned char unpacked_sample[] = {
	0x12, 0x18,
	0x1a, 0x04, 0x08, 0x04, 0x18, 0x40,
	0x10, 0x05,
	0x08, 0x07,
	0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
	0x08, 0xac, 0x02,
};

static void
test_decode(void)
{
	unsigned char buf[sizeof(packed) + sizeof(unpacked_sample)];
	struct prof p;
	char err[256];
	size_t i;
	int rc;

	for (i = 0; i < 2; i++) {
		memset(&p, 0, sizeof(p));
		p.arena = arena_new();
		if (i == 0) {
			memcpy(buf, packed, sizeof(packed));
			rc = pprof_decode(&p, buf, sizeof(packed), err,
			    sizeof(err));
		} else {
			/* Swap the packed sample (bytes 12..37) for the
			   unpacked one. */
			memcpy(buf, packed, 12);
			memcpy(buf + 12, unpacked_sample,
			    sizeof(unpacked_sample));
			memcpy(buf + 12 + sizeof(unpacked_sample), packed + 38,
			    sizeof(packed) - 38);
			rc = pprof_decode(&p, buf, sizeof(packed) - 26 +
			    sizeof(unpacked_sample), err, sizeof(err));
		}
		ok(rc == 0, i == 0 ? "packed decodes" : "unpacked decodes");
		if (rc != 0) {
			printf("# %s\n", err);
			arena_free(p.arena);
			continue;
		}
		is_int((long long)p.nsamples, 1, "one sample");
		is_int(p.samples[0].values[0], 5, "value 5");
		is_int(p.samples[0].values[1], -1, "value -1 (10-byte varint)");
		is_int((long long)p.samples[0].nlocs, 2, "two locations");
		is_str(p.samples[0].locs[0]->frames[0].func, "main.f",
		    "id 7 is main.f");
		is_int(p.samples[0].locs[0]->frames[0].line, 0,
		    "line 0 (not set)");
		is_str(p.samples[0].locs[1]->frames[0].func, "0x10",
		    "id 300 has no function: its address");
		is_int((long long)p.samples[0].nlabels, 1, "one label");
		is_str(p.samples[0].labels[0].key, "bytes", "label key");
		ok(p.samples[0].labels[0].str == NULL &&
		    p.samples[0].labels[0].num == 64, "numeric label 64");
		is_str(p.types[1].type, "b", "second type");
		arena_free(p.arena);
	}

	memcpy(buf, packed, sizeof(packed));
	buf[16] = 0x08;		/* location id 7 -> 8 */
	memset(&p, 0, sizeof(p));
	p.arena = arena_new();
	ok(pprof_decode(&p, buf, sizeof(packed), err, sizeof(err)) == -1,
	    "unknown location id");
	is_str(err, "sample 1: location id 8 not found", "names sample and id");
	arena_free(p.arena);
}

static void
test_colname(void)
{
	char b[64];

	rows_colname(b, sizeof(b), "alloc_space");
	is_str(b, "alloc_space", "plain name kept");
	rows_colname(b, sizeof(b), "Alloc-Space");
	is_str(b, "alloc_space", "lower case, '-' to '_'");
	rows_colname(b, sizeof(b), "");
	is_str(b, "value", "empty name is value");
	rows_colname(b, sizeof(b), "9lives");
	is_str(b, "lives", "leading digit dropped");
	rows_colname(b, sizeof(b), "__");
	is_str(b, "value", "nothing left is value");
	rows_colname(b, sizeof(b), "cpu/ns");
	is_str(b, "cpu_ns", "slash to '_'");
}

static void
test_label_value(void)
{
	struct prof_label l;
	char b[64];

	memset(&l, 0, sizeof(l));
	l.key = "bytes";
	l.unit = "";
	l.num = 4096;
	rows_label_value(b, sizeof(b), &l);
	is_str(b, "4096", "no unit");
	l.unit = "bytes";
	rows_label_value(b, sizeof(b), &l);
	is_str(b, "4096", "unit equal to the key is left out");
	l.key = "size";
	rows_label_value(b, sizeof(b), &l);
	is_str(b, "4096bytes", "other unit is written");
	l.num = INT64_MIN;
	l.unit = "";
	rows_label_value(b, sizeof(b), &l);
	is_str(b, "-9223372036854775808", "INT64_MIN");
	is_int((long long)rows_label_value(b, 4, &l), 20,
	    "full length returned when truncated");
	is_str(b, "-92", "truncated to the buffer");
	l.str = "x=y";
	rows_label_value(b, sizeof(b), &l);
	is_str(b, "x=y", "string label as is");
}

static void
test_type(void)
{
	struct prof_type heap[4] = {
		{ "alloc_objects", "count" }, { "alloc_space", "bytes" },
		{ "inuse_objects", "count" }, { "inuse_space", "bytes" }
	};
	struct prof_type cpu[2] = {
		{ "samples", "count" }, { "cpu", "nanoseconds" }
	};
	struct prof_type cont[2] = {
		{ "contentions", "count" }, { "delay", "nanoseconds" }
	};
	struct prof_type gor[1] = { { "goroutine", "count" } };
	struct prof p;

	memset(&p, 0, sizeof(p));
	p.default_type = "";
	p.types = heap;
	p.ntypes = 4;
	is_str(rows_type(&p, "x"), "heap", "heap");
	p.default_type = "alloc_space";
	is_str(rows_type(&p, "x"), "allocs", "allocs by default type");
	p.default_type = "";
	p.ntypes = 3;
	is_str(rows_type(&p, "x"), "other", "three heap types: other");
	p.types = cpu;
	p.ntypes = 2;
	is_str(rows_type(&p, "x"), "cpu", "cpu");
	p.types = cont;
	is_str(rows_type(&p, "dir/block-1.pb.gz"), "block", "block");
	is_str(rows_type(&p, "dir/mutex-1.pb.gz"), "mutex",
	    "mutex by file name");
	is_str(rows_type(&p, "mutex/block.pb"), "block",
	    "only the base name counts");
	p.types = gor;
	p.ntypes = 1;
	is_str(rows_type(&p, "x"), "goroutine", "goroutine");
}

static void
test_put_i64(void)
{
	struct tsv_writer *w;
	char buf[256];
	FILE *fp;
	size_t n;

	fp = tmpfile();
	w = tsv_writer_new(fp);
	tsv_put_i64(w, 0);
	tsv_put_i64(w, -1);
	tsv_put_i64(w, INT64_MIN);
	tsv_put_i64(w, INT64_MAX);
	tsv_put_u64(w, UINT64_MAX);
	tsv_endrow(w);
	tsv_writer_free(w);
	rewind(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	is_str(buf, "0\t-1\t-9223372036854775808\t9223372036854775807\t"
	    "18446744073709551615\n", "integer fields");
}

int
main(void)
{
	(void)is_double;
	test_gunzip();
	test_decode();
	test_colname();
	test_label_value();
	test_type();
	test_put_i64();
	return done_testing();
}
