/*
 * Fix verification: the same metrics of an archive taken before a fix and
 * one taken after, per site function and in total, with the change and
 * whether it went past a tolerance.
 */
#ifndef LEAKATLAS_FIXCHECK_H
#define LEAKATLAS_FIXCHECK_H

#include <stdio.h>

#include "report.h"

#define FIXCHECK_TOP	10	/* sites shown per metric */

struct fixcheck;

struct caps;

struct fixcheck	*fixcheck_new(const struct caps *);
void		 fixcheck_free(struct fixcheck *);
void		 fixcheck_add(struct fixcheck *, int, const char *);
int		 fixcheck_has(const struct fixcheck *, int);
size_t		 fixcheck_write(struct fixcheck *, double, enum report_format,
		    const char *, FILE *);

#endif
