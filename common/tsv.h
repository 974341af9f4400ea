/*
 * The TSV contract of leakatlas(5): one header line, fields separated by
 * TAB, backslash escapes \\ \t \n \r inside fields, numbers in plain decimal,
 * times in RFC 3339 UTC with nanoseconds.
 *
 * The reader reads one or more files in turn (their headers must match);
 * field pointers stay valid until the next tsv_next().  Bad data (missing
 * column, wrong field count, bad escape, bad number) is reported as
 * "prog: file:line: what" and exits 1: callers never see it.
 */
#ifndef LEAKATLAS_TSV_H
#define LEAKATLAS_TSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "caps.h"

struct tsv_reader;
struct tsv_writer;

#define TSV_MAX_LINE_DEFAULT	CAPS_MAX_LINE

struct tsv_reader *tsv_open(int, char *const *);
struct tsv_reader *tsv_open_max(int, char *const *, size_t);
void		 tsv_close(struct tsv_reader *);
void		 tsv_set_max_line(struct tsv_reader *, size_t);
int		 tsv_next(struct tsv_reader *);
size_t		 tsv_ncols(const struct tsv_reader *);
const char	*tsv_colname(const struct tsv_reader *, size_t);
int		 tsv_col(const struct tsv_reader *, const char *);
size_t		 tsv_need(const struct tsv_reader *, const char *);
const char	*tsv_get(const struct tsv_reader *, size_t);
size_t		 tsv_len(const struct tsv_reader *, size_t);
int64_t		 tsv_get_i64(const struct tsv_reader *, size_t);
double		 tsv_get_double(const struct tsv_reader *, size_t);
int64_t		 tsv_get_time(const struct tsv_reader *, size_t);
const char	*tsv_filename(const struct tsv_reader *);
unsigned long	 tsv_lineno(const struct tsv_reader *);
_Noreturn void	 tsv_die(const struct tsv_reader *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
_Noreturn void	 tsv_die_cap(const struct tsv_reader *, int, size_t,
		    const char *);

int		 tsv_parse_i64(const char *, int64_t *);
int		 tsv_parse_double(const char *, double *);
int		 tsv_parse_time(const char *, int64_t *);
int		 tsv_snapshot_cmp(int64_t, const char *, int64_t,
		    const char *);

struct tsv_writer *tsv_writer_new(FILE *);
int		 tsv_writer_free(struct tsv_writer *);
void		 tsv_put(struct tsv_writer *, const char *, size_t);
void		 tsv_put_str(struct tsv_writer *, const char *);
void		 tsv_cat(struct tsv_writer *, const char *, size_t);
void		 tsv_cat_raw(struct tsv_writer *, const char *, size_t);
char		*tsv_reserve(struct tsv_writer *, size_t);
void		 tsv_commit(struct tsv_writer *, size_t);
void		 tsv_put_empty(struct tsv_writer *);
void		 tsv_put_u64(struct tsv_writer *, uint64_t);
void		 tsv_put_i64(struct tsv_writer *, int64_t);
void		 tsv_put_double(struct tsv_writer *, double);
void		 tsv_put_time(struct tsv_writer *, int64_t);
void		 tsv_put_from(struct tsv_writer *, const struct tsv_reader *,
		    size_t);
void		 tsv_endrow(struct tsv_writer *);
int		 tsv_flush(struct tsv_writer *);

size_t		 tsv_format_double(char *, size_t, double);
size_t		 tsv_format_time(char *, size_t, int64_t);

#endif
