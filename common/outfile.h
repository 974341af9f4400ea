/*
 * Output files written atomically: the data goes to a temporary file in the
 * destination's folder, renamed over the destination only when complete.
 * On error, SIGINT, SIGTERM or SIGHUP the temporary file is removed.
 */
#ifndef LEAKATLAS_OUTFILE_H
#define LEAKATLAS_OUTFILE_H

#include <stdio.h>

struct outfile;

struct outfile	*outfile_open(const char *);
FILE		*outfile_fp(const struct outfile *);
const char	*outfile_name(const struct outfile *);
int		 outfile_commit(struct outfile *);
void		 outfile_abort(struct outfile *);
void		 outfile_abort_all(void);

#endif
