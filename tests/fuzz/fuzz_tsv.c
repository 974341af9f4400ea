/*
 * libFuzzer target: the TSV reader of common/tsv.h (escapes, field counts,
 * long lines) and the writer's escaping.  The reader takes file names, so
 * the input is given as a memfd named /proc/self/fd/N.  Its documented
 * answer to bad data is err_die(): the exit trap (trap.c) turns that into a
 * jump back here and releases what the reader held.
 *
 * Property: what the writer writes from the fields read, read again and
 * written again, is the same bytes (reading undoes writing's escapes).
 * Every field is also given to the number and time parsers, and what they
 * accept to the number and time writers: an integer and a time read back
 * as the same value, a double as a number.  The fuzz build reads in small
 * chunks (TSV_READ_CHUNK in Makefile.am), so 64 KiB inputs exercise the
 * refill and the growth of the reader's buffer.
 */
#include "config.h"

#include <sys/mman.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "tsv.h"

static int memfd[2] = { -1, -1 };

/* The number writer and the memstream it writes to. */
static struct tsv_writer *nw;
static FILE *nfp;
static char *nbuf;
static size_t nlen;

/* The row nw wrote since the rewind, without its LF. */
static const char *
written(void)
{
	tsv_endrow(nw);
	if (tsv_flush(nw) == -1 || fflush(nfp) == EOF)
		abort();
	if (nlen == 0 || nbuf[nlen - 1] != '\n')
		abort();
	nbuf[nlen - 1] = '\0';
	return nbuf;
}

/* An integer or a time that s holds must be read back as written. */
static void
roundtrip(const char *s, int (*parse)(const char *, int64_t *),
    void (*put)(struct tsv_writer *, int64_t))
{
	int64_t v, back;

	if (parse(s, &v) != 0)
		return;
	rewind(nfp);
	put(nw, v);
	if (parse(written(), &back) != 0 || back != v)
		abort();
}

/*
 * Write the numbers that field s holds and read them back.  Called with
 * the trap armed: its own blocks must outlive a jump, so it pauses the trap.
 */
static void
numbers(const char *s)
{
	double d, back;

	fuzz_trap_disarm();
	if (nfp == NULL) {
		if ((nfp = open_memstream(&nbuf, &nlen)) == NULL)
			abort();
		nw = tsv_writer_new(nfp);
	}
	roundtrip(s, tsv_parse_i64, tsv_put_i64);
	roundtrip(s, tsv_parse_time, tsv_put_time);
	if (tsv_parse_double(s, &d) == 0) {
		rewind(nfp);
		tsv_put_double(nw, d);
		if (tsv_parse_double(written(), &back) != 0)
			abort();
	}
	fuzz_trap_resume();
}

static void
put_file(int fd, const void *data, size_t size)
{
	const char *p = data;
	ssize_t n;

	if (ftruncate(fd, 0) == -1)
		abort();
	while (size > 0) {
		if ((n = pwrite(fd, p, size, (off_t)(p - (const char *)data)))
		    <= 0)
			abort();
		p += n;
		size -= (size_t)n;
	}
}

/*
 * Read TSV from memfd[i] and write it back; return the status exit() was
 * called with plus 1, or 0 when the whole input was read.
 */
static int
copy(int i, size_t max_line, char **out, size_t *outlen)
{
	static char path[64];
	static char *files[1] = { path };
	static FILE *ms[2];
	static char *msbuf[2];
	static size_t mslen[2];
	static const char zero[1 << 19];
	struct tsv_reader *volatile r = NULL;
	struct tsv_writer *w;
	FILE *fp;
	size_t c;
	int probe, rc;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd[i]);
	/*
	 * The output stream lives across runs, its buffer grown once beyond
	 * any output (twice the largest input, escaped), so that nothing the
	 * trap frees after a jump belongs to it.
	 */
	if (ms[i] == NULL && ((ms[i] = open_memstream(&msbuf[i], &mslen[i])) ==
	    NULL || fwrite(zero, 1, sizeof(zero), ms[i]) != sizeof(zero) ||
	    fflush(ms[i]) == EOF))
		abort();
	fp = ms[i];
	rewind(fp);
	/* The reader's descriptor will be the lowest free one: probe's. */
	probe = dup(0);
	close(probe);
	if ((rc = setjmp(fuzz_trap_jmp)) == 0) {
		fuzz_trap_arm();
		r = tsv_open(1, files);
		tsv_set_max_line(r, max_line);
		w = tsv_writer_new(fp);
		for (c = 0; c < tsv_ncols(r); c++)
			tsv_put_str(w, tsv_colname(r, c));
		tsv_endrow(w);
		while (tsv_next(r)) {
			for (c = 0; c < tsv_ncols(r); c++) {
				tsv_put(w, tsv_get(r, c), tsv_len(r, c));
				numbers(tsv_get(r, c));
			}
			tsv_endrow(w);
		}
		if (tsv_writer_free(w) == -1)
			abort();
		tsv_close(r);
		fuzz_trap_disarm();
	} else {
		fuzz_trap_release();
		if (fcntl(probe, F_GETFD) != -1)
			close(probe);
	}
	if (fflush(fp) == EOF)
		abort();
	*out = msbuf[i];
	*outlen = mslen[i];
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out1 = NULL, *out2 = NULL;
	size_t len1 = 0, len2 = 0, max_line;
	int rc;

	if (memfd[0] == -1 && ((memfd[0] = memfd_create("tsv1", 0)) == -1 ||
	    (memfd[1] = memfd_create("tsv2", 0)) == -1))
		abort();
	/* Outputs must fit the buffers of copy(): run.sh gives 64 KiB. */
	if (size > (size_t)1 << 17)
		return 0;
	/* One input in two gets a small line limit. */
	max_line = size > 0 && data[0] & 1 ? 64 : TSV_MAX_LINE_DEFAULT;
	put_file(memfd[0], data, size);
	if ((rc = copy(0, max_line, &out1, &len1)) == 0) {
		if (len1 == 0)
			abort();
		fuzz_check_tsv(out1, len1, "tsv copy");
		put_file(memfd[1], out1, len1);
		if (copy(1, TSV_MAX_LINE_DEFAULT, &out2, &len2) != 0 ||
		    len1 != len2 || memcmp(out1, out2, len1) != 0) {
			fprintf(stderr, "tsv: writing what was read does not "
			    "read back the same\n");
			abort();
		}
	} else if (rc != 1 + 1)
		abort();	/* bad data exits 1, nothing else */
	return 0;
}
