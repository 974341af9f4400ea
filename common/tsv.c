/* TSV reading and writing; see tsv.h for the contract. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "caps.h"
#include "outfile.h"
#include "strmap.h"
#include "tsv.h"
#include "xmalloc.h"

/* The fuzz build sets a small chunk, so refills and growth are exercised. */
#ifndef TSV_READ_CHUNK
#define TSV_READ_CHUNK	(1 << 20)
#endif
#define READ_CHUNK	TSV_READ_CHUNK
#define WRITE_BUF	(1 << 16)

struct tsv_reader {
	char *const	*files;
	int		 nfiles;
	int		 cur;		/* index of the open file */
	int		 fd;
	const char	*name;
	char		*buf;
	size_t		 bufsize;
	size_t		 pos, end;	/* unread bytes are buf[pos..end) */
	int		 eof;
	size_t		 max_line;
	unsigned long	 lineno;
	char		**hdr;
	size_t		 ncols;
	char		**field;
	size_t		*flen;
	size_t		 fcap;
};

struct tsv_writer {
	FILE		*fp;
	char		*buf;
	size_t		 len, cap;	/* cap is WRITE_BUF unless reserved */
	size_t		 nfield;	/* fields begun in this row */
	int		 error;
};

static const char *
display_name(const char *path)
{
	return path == NULL || strcmp(path, "-") == 0 ? "stdin" : path;
}

void
tsv_die(const struct tsv_reader *r, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	msg = xmalloc(n > 0 ? (size_t)n + 1 : 1);
	va_start(ap, fmt);
	vsnprintf(msg, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
	va_end(ap);
	if (r->lineno > 0)
		err_die(EXIT_DATA, "%s:%lu: %s", r->name, r->lineno, msg);
	err_die(EXIT_DATA, "%s: %s", r->name, msg);
}

static void
open_file(struct tsv_reader *r, int i)
{
	const char *path = r->nfiles > 0 ? r->files[i] : "-";

	r->name = display_name(path);
	r->lineno = 0;
	r->pos = r->end = 0;
	r->eof = 0;
	if (strcmp(path, "-") == 0)
		r->fd = STDIN_FILENO;
	else if ((r->fd = open(path, O_RDONLY)) == -1)
		err_die(EXIT_DATA, "%s: %s", path, strerror(errno));
}

static void
close_file(struct tsv_reader *r)
{
	if (r->fd > STDIN_FILENO)
		close(r->fd);
	r->fd = -1;
}

/*
 * A cap of caps.h exceeded at the current line: "file:line: what (limit
 * N; raise with --option)", exit 1.
 */
void
tsv_die_cap(const struct tsv_reader *r, int opt, size_t limit,
    const char *what)
{
	char msg[256];

	caps_err(msg, sizeof(msg), opt, limit, "%s", what);
	tsv_die(r, "%s", msg);
}

/* The next line is longer than the cap. */
static _Noreturn void
too_long(struct tsv_reader *r)
{
	r->lineno++;
	tsv_die_cap(r, CAPS_OPT_MAX_LINE, r->max_line, "line too long");
}

/*
 * Find the next line; return its length (LF excluded) with the line at
 * r->buf + r->pos, NUL-terminated, or -1 at end of file.
 */
static ssize_t
read_line(struct tsv_reader *r)
{
	size_t scanned = 0;
	char *nl;
	ssize_t n;

	for (;;) {
		nl = memchr(r->buf + r->pos + scanned, '\n',
		    r->end - r->pos - scanned);
		if (nl != NULL)
			break;
		scanned = r->end - r->pos;
		if (scanned > r->max_line)
			too_long(r);
		if (r->eof) {
			if (scanned == 0)
				return -1;
			nl = r->buf + r->end;	/* last line has no LF */
			break;
		}
		if (r->pos > 0) {
			memmove(r->buf, r->buf + r->pos, scanned);
			r->end = scanned;
			r->pos = 0;
		}
		if (r->bufsize - r->end < READ_CHUNK / 2) {
			r->bufsize *= 2;
			r->buf = xreallocarray(r->buf, r->bufsize + 1, 1);
		}
		do
			n = read(r->fd, r->buf + r->end, r->bufsize - r->end);
		while (n == -1 && errno == EINTR);
		if (n == -1)
			tsv_die(r, "read error: %s", strerror(errno));
		if (n == 0)
			r->eof = 1;
		r->end += (size_t)n;
	}
	*nl = '\0';
	n = nl - (r->buf + r->pos);
	if ((size_t)n > r->max_line)
		too_long(r);
	r->lineno++;
	return n;
}

/* Split the line at p into fields, undoing the escapes in place. */
static size_t
split(struct tsv_reader *r, char *p, size_t len)
{
	char *end = p + len, *out;
	size_t n = 0;

	for (;;) {
		if (n == r->fcap) {
			r->fcap = r->fcap ? r->fcap * 2 : 16;
			r->field = xreallocarray(r->field, r->fcap,
			    sizeof(*r->field));
			r->flen = xreallocarray(r->flen, r->fcap,
			    sizeof(*r->flen));
		}
		r->field[n] = out = p;
		for (; p < end && *p != '\t'; p++) {
			if (*p == '\0')
				tsv_die(r, "field %zu: NUL byte", n + 1);
			if (*p != '\\') {
				*out++ = *p;
				continue;
			}
			if (++p == end)
				tsv_die(r, "field %zu: backslash at end of "
				    "line", n + 1);
			switch (*p) {
			case '\\': *out++ = '\\'; break;
			case 't': *out++ = '\t'; break;
			case 'n': *out++ = '\n'; break;
			case 'r': *out++ = '\r'; break;
			default:
				/* A byte that cannot be shown, in hex. */
				if ((unsigned char)*p < 0x20 ||
				    (unsigned char)*p >= 0x7f)
					tsv_die(r, "field %zu: invalid escape "
					    "'\\' before byte 0x%02x", n + 1,
					    (unsigned char)*p);
				tsv_die(r, "field %zu: invalid escape '\\%c'",
				    n + 1, *p);
			}
		}
		r->flen[n] = (size_t)(out - r->field[n]);
		n++;
		if (p == end) {
			*out = '\0';
			return n;
		}
		*out = '\0';
		p++;
	}
}

static void
read_header(struct tsv_reader *r)
{
	struct strmap *seen;
	ssize_t len;
	size_t n, i;
	int isnew;

	if ((len = read_line(r)) == -1)
		tsv_die(r, "empty input: no header line");
	n = split(r, r->buf + r->pos, (size_t)len);
	r->pos += (size_t)len + 1;
	if (r->pos > r->end)
		r->pos = r->end;
	if (r->hdr == NULL) {
		r->ncols = n;
		r->hdr = xreallocarray(NULL, n, sizeof(char *));
		/* Names seen, by hash: a header may have many thousands. */
		seen = strmap_new();
		for (i = 0; i < n; i++) {
			if (r->flen[i] == 0) {
				strmap_free(seen);
				tsv_die(r, "header: column %zu has no name",
				    i + 1);
			}
			strmap_intern(seen, r->field[i], strlen(r->field[i]),
			    &isnew);
			if (!isnew) {
				strmap_free(seen);
				tsv_die(r, "header: column '%s' appears twice",
				    r->field[i]);
			}
			r->hdr[i] = xstrdup(r->field[i]);
		}
		strmap_free(seen);
		return;
	}
	if (n != r->ncols)
		tsv_die(r, "header has %zu columns, the first input's has %zu",
		    n, r->ncols);
	for (i = 0; i < n; i++)
		if (strcmp(r->hdr[i], r->field[i]) != 0)
			tsv_die(r, "header column %zu is '%s', the first "
			    "input's is '%s'", i + 1, r->field[i], r->hdr[i]);
}

/*
 * Open the inputs (none means stdin) and read the first header, refusing
 * lines longer than max_line bytes.  Every named file is checked for
 * readability now, so a typo fails before any work.
 */
struct tsv_reader *
tsv_open_max(int nfiles, char *const *files, size_t max_line)
{
	struct tsv_reader *r;
	int i;

	for (i = 0; i < nfiles; i++)
		if (strcmp(files[i], "-") != 0 && access(files[i], R_OK) == -1)
			err_die(EXIT_DATA, "%s: %s", files[i], strerror(errno));
	r = xcalloc(1, sizeof(*r));
	r->files = files;
	r->nfiles = nfiles;
	r->max_line = max_line;
	r->bufsize = READ_CHUNK;
	r->buf = xmalloc(r->bufsize + 1);
	open_file(r, 0);
	read_header(r);
	return r;
}

struct tsv_reader *
tsv_open(int nfiles, char *const *files)
{
	return tsv_open_max(nfiles, files, TSV_MAX_LINE_DEFAULT);
}

void
tsv_close(struct tsv_reader *r)
{
	size_t i;

	if (r == NULL)
		return;
	close_file(r);
	for (i = 0; i < r->ncols; i++)
		free(r->hdr[i]);
	free(r->hdr);
	free(r->field);
	free(r->flen);
	free(r->buf);
	free(r);
}

void
tsv_set_max_line(struct tsv_reader *r, size_t max)
{
	r->max_line = max;
}

/* Read the next record: 1 when there is one, 0 after the last input. */
int
tsv_next(struct tsv_reader *r)
{
	ssize_t len;
	size_t n;

	for (;;) {
		if (r->fd != -1 && (len = read_line(r)) != -1)
			break;
		close_file(r);
		if (r->cur + 1 >= r->nfiles)
			return 0;
		open_file(r, ++r->cur);
		read_header(r);
	}
	n = split(r, r->buf + r->pos, (size_t)len);
	r->pos += (size_t)len + 1;
	if (r->pos > r->end)
		r->pos = r->end;
	if (n != r->ncols)
		tsv_die(r, "expected %zu fields, found %zu", r->ncols, n);
	return 1;
}

size_t
tsv_ncols(const struct tsv_reader *r)
{
	return r->ncols;
}

const char *
tsv_colname(const struct tsv_reader *r, size_t i)
{
	return i < r->ncols ? r->hdr[i] : NULL;
}

int
tsv_col(const struct tsv_reader *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->ncols; i++)
		if (strcmp(r->hdr[i], name) == 0)
			return (int)i;
	return -1;
}

/* The index of a column the caller cannot do without. */
size_t
tsv_need(const struct tsv_reader *r, const char *name)
{
	int i = tsv_col(r, name);

	if (i == -1)
		err_die(EXIT_DATA, "%s: missing column '%s'", r->name, name);
	return (size_t)i;
}

const char *
tsv_get(const struct tsv_reader *r, size_t i)
{
	return r->field[i];
}

size_t
tsv_len(const struct tsv_reader *r, size_t i)
{
	return r->flen[i];
}

const char *
tsv_filename(const struct tsv_reader *r)
{
	return r->name;
}

unsigned long
tsv_lineno(const struct tsv_reader *r)
{
	return r->lineno;
}

int
tsv_parse_i64(const char *s, int64_t *v)
{
	char *end;
	long long x;

	if (*s == '\0' || (*s != '-' && (*s < '0' || *s > '9')))
		return -1;
	errno = 0;
	x = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*v = x;
	return 0;
}

int
tsv_parse_double(const char *s, double *v)
{
	char *end;
	double x;

	if (*s == '\0' || strchr("+-.0123456789", *s) == NULL)
		return -1;
	errno = 0;
	x = strtod(s, &end);
	if (errno == ERANGE && fabs(x) > 1.0)
		return -1;
	if (*end != '\0' || !isfinite(x))
		return -1;
	*v = x;
	return 0;
}

int64_t
tsv_get_i64(const struct tsv_reader *r, size_t i)
{
	int64_t v;

	if (tsv_parse_i64(r->field[i], &v) == -1)
		tsv_die(r, "column '%s': '%s' is not an integer", r->hdr[i],
		    r->field[i]);
	return v;
}

double
tsv_get_double(const struct tsv_reader *r, size_t i)
{
	double v;

	if (tsv_parse_double(r->field[i], &v) == -1)
		tsv_die(r, "column '%s': '%s' is not a number", r->hdr[i],
		    r->field[i]);
	return v;
}

int64_t
tsv_get_time(const struct tsv_reader *r, size_t i)
{
	int64_t v;

	if (tsv_parse_time(r->field[i], &v) == -1)
		tsv_die(r, "column '%s': '%s' is not an RFC 3339 time",
		    r->hdr[i], r->field[i]);
	return v;
}

static int
digits(const char *s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/*
 * Parse "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)" into nanoseconds
 * since the Unix epoch.
 */
int
tsv_parse_time(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, sec, oh, om, sign, n;
	int64_t ns = 0, t;

	if (strlen(s) < 20 || digits(s, 4, &y) || s[4] != '-' ||
	    digits(s + 5, 2, &mo) || s[7] != '-' || digits(s + 8, 2, &d) ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &mi) ||
	    s[16] != ':' || digits(s + 17, 2, &sec))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60)
		return -1;
	s += 19;
	if (*s == '.') {
		for (s++, n = 0; *s >= '0' && *s <= '9'; s++, n++)
			if (n < 9)
				ns = ns * 10 + (*s - '0');
		if (n == 0)
			return -1;
		for (; n < 9; n++)
			ns *= 10;
	}
	if (*s == 'Z' || *s == 'z') {
		if (s[1] != '\0')
			return -1;
		oh = om = 0;
		sign = 1;
	} else if (*s == '+' || *s == '-') {
		sign = *s == '-' ? -1 : 1;
		if (digits(s + 1, 2, &oh) || s[3] != ':' ||
		    digits(s + 4, 2, &om) || s[6] != '\0')
			return -1;
	} else
		return -1;
	t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
	    sign * (oh * 3600 + om * 60);
	if (t > INT64_MAX / 1000000000 - 1 || t < INT64_MIN / 1000000000 + 1)
		return -1;	/* outside 1678..2262 */
	*out = t * 1000000000 + ns;
	return 0;
}

/*
 * The order of snapshots every stage uses: by time, then by name (two
 * files of one second).  Like strcmp: <0, 0 or >0.
 */
int
tsv_snapshot_cmp(int64_t ta, const char *a, int64_t tb, const char *b)
{
	if (ta != tb)
		return ta < tb ? -1 : 1;
	return strcmp(a, b);
}

struct tsv_writer *
tsv_writer_new(FILE *fp)
{
	struct tsv_writer *w;

	w = xcalloc(1, sizeof(*w));
	w->fp = fp;
	w->buf = xmalloc(WRITE_BUF);
	w->cap = WRITE_BUF;
	return w;
}

int
tsv_flush(struct tsv_writer *w)
{
	if (w->len > 0 && fwrite(w->buf, 1, w->len, w->fp) != w->len)
		w->error = 1;
	w->len = 0;
	if (fflush(w->fp) == EOF || ferror(w->fp))
		w->error = 1;
	return w->error ? -1 : 0;
}

/* Flush and free; return -1 when anything failed to be written. */
int
tsv_writer_free(struct tsv_writer *w)
{
	int rc;

	if (w == NULL)
		return 0;
	rc = tsv_flush(w);
	free(w->buf);
	free(w);
	return rc;
}

static void
put_bytes(struct tsv_writer *w, const char *s, size_t n)
{
	if (w->len + n > w->cap) {
		if (w->len > 0 && fwrite(w->buf, 1, w->len, w->fp) != w->len)
			w->error = 1;
		w->len = 0;
		if (n > w->cap) {
			if (fwrite(s, 1, n, w->fp) != n)
				w->error = 1;
			return;
		}
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static void
begin_field(struct tsv_writer *w)
{
	if (w->nfield++ > 0)
		put_bytes(w, "\t", 1);
}

/* Append bytes to the current field, escaping them. */
void
tsv_cat(struct tsv_writer *w, const char *s, size_t n)
{
	size_t i, start = 0;
	const char *esc;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '\\': esc = "\\\\"; break;
		case '\t': esc = "\\t"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		default: continue;
		}
		put_bytes(w, s + start, i - start);
		put_bytes(w, esc, 2);
		start = i + 1;
	}
	put_bytes(w, s + start, n - start);
}

/*
 * Room for n raw bytes in the current field, written by the caller
 * straight into the output buffer; tsv_commit then keeps the first m <= n
 * of them.  Saves a copy per piece when a field is built from many.
 */
char *
tsv_reserve(struct tsv_writer *w, size_t n)
{
	if (w->len + n > w->cap) {
		if (w->len > 0 && fwrite(w->buf, 1, w->len, w->fp) != w->len)
			w->error = 1;
		w->len = 0;
		if (n > w->cap) {
			w->cap = n;
			w->buf = xreallocarray(w->buf, w->cap, 1);
		}
	}
	return w->buf + w->len;
}

void
tsv_commit(struct tsv_writer *w, size_t m)
{
	w->len += m;
}

/* Append bytes the caller knows need no escaping. */
void
tsv_cat_raw(struct tsv_writer *w, const char *s, size_t n)
{
	put_bytes(w, s, n);
}

void
tsv_put(struct tsv_writer *w, const char *s, size_t n)
{
	begin_field(w);
	tsv_cat(w, s, n);
}

void
tsv_put_str(struct tsv_writer *w, const char *s)
{
	tsv_put(w, s, strlen(s));
}

void
tsv_put_empty(struct tsv_writer *w)
{
	begin_field(w);
}

/* Decimal digits of v, written backwards from end; returns the start. */
static char *
format_u64(char *end, uint64_t v)
{
	do
		*--end = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	return end;
}

void
tsv_put_u64(struct tsv_writer *w, uint64_t v)
{
	char b[24], *p = format_u64(b + sizeof(b), v);

	begin_field(w);
	put_bytes(w, p, (size_t)(b + sizeof(b) - p));
}

void
tsv_put_i64(struct tsv_writer *w, int64_t v)
{
	char b[24], *p;

	p = format_u64(b + sizeof(b), v < 0 ? -(uint64_t)v : (uint64_t)v);
	if (v < 0)
		*--p = '-';
	begin_field(w);
	put_bytes(w, p, (size_t)(b + sizeof(b) - p));
}

/*
 * Six significant digits, never an exponent, trailing zeros dropped;
 * non-finite values are written as an empty field.
 */
size_t
tsv_format_double(char *b, size_t size, double v)
{
	int dec, n;
	char *p;

	if (!isfinite(v) || size < 2) {
		if (size > 0)
			b[0] = '\0';
		return 0;
	}
	if (v == 0)
		v = 0;		/* no "-0" */
	dec = v == 0 ? 0 : 5 - (int)floor(log10(fabs(v)));
	if (dec < 0)
		dec = 0;
	if (dec > 15)
		dec = 15;
	n = snprintf(b, size, "%.*f", dec, v);
	if (n < 0 || (size_t)n >= size) {
		b[0] = '\0';
		return 0;
	}
	if (strchr(b, '.') != NULL) {
		p = b + n - 1;
		while (*p == '0')
			*p-- = '\0';
		if (*p == '.')
			*p = '\0';
		n = (int)strlen(b);
	}
	if (strcmp(b, "-0") == 0) {
		strcpy(b, "0");
		n = 1;
	}
	return (size_t)n;
}

void
tsv_put_double(struct tsv_writer *w, double v)
{
	char b[400];
	size_t n = tsv_format_double(b, sizeof(b), v);

	begin_field(w);
	put_bytes(w, b, n);
}

/* RFC 3339 UTC with nanoseconds: 2026-11-26T04:22:56.000000000Z. */
size_t
tsv_format_time(char *b, size_t size, int64_t nanos)
{
	int64_t secs = nanos / 1000000000, ns = nanos % 1000000000;
	time_t t;
	struct tm tm;
	int n;

	if (ns < 0) {
		ns += 1000000000;
		secs--;
	}
	t = (time_t)secs;
	if (gmtime_r(&t, &tm) == NULL) {
		if (size > 0)
			b[0] = '\0';
		return 0;
	}
	n = snprintf(b, size, "%04d-%02d-%02dT%02d:%02d:%02d.%09dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)ns);
	return n < 0 || (size_t)n >= size ? 0 : (size_t)n;
}

void
tsv_put_time(struct tsv_writer *w, int64_t nanos)
{
	char b[64];
	size_t n = tsv_format_time(b, sizeof(b), nanos);

	begin_field(w);
	put_bytes(w, b, n);
}

/* Copy field i of the reader's current record. */
void
tsv_put_from(struct tsv_writer *w, const struct tsv_reader *r, size_t i)
{
	tsv_put(w, r->field[i], r->flen[i]);
}

void
tsv_endrow(struct tsv_writer *w)
{
	put_bytes(w, "\n", 1);
	w->nfield = 0;
}
