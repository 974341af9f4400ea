/*
 * The forensic report: rank's suspect rows plus optional evidence (samples,
 * drift, MemStats, source, escape analysis), the leak pattern each suspect
 * matches, and the renderers for text, Markdown and HTML.
 */
#ifndef LEAKATLAS_REPORT_H
#define LEAKATLAS_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rules.h"

#define REPORT_MAXMATCH	4

enum report_format { REPORT_TEXT, REPORT_MARKDOWN, REPORT_HTML };

/* One rank row; numbers are NAN when the column is missing or empty. */
struct suspect {
	long		 rank;
	char		*group;
	char		*verdict;
	char		*value;		/* the value column rank used */
	char		*unit;		/* "bytes", "count", ... */
	char		*plateau;
	double		 score, snapshots, first, last, max, growth;
	double		 growth_ratio, slope, theil_sen, r2, mk_p, share, age;
	double		 members;
	int64_t		 t_first, t_last;	/* INT64_MIN when missing */
	double		*series;
	size_t		 nseries;
	char		*site;		/* "function file:line" */
	char		*stack;		/* root first, ';'-joined */
	char		*op;

	char		*site_func;	/* derived from site */
	char		*site_file;
	int		 site_line;
	int		 entry;		/* site function is the root frame */

	struct rules_match match[REPORT_MAXMATCH];
	size_t		 nmatch;

	char		*src_path;	/* found under --source-root */
	char		*src_note;	/* why src is empty, or NULL */
	char	       **src;		/* lines around the site */
	int		 src_first;	/* number of src[0] */
	size_t		 nsrc;
	char	       **esc;		/* escape-analysis lines for the site */
	size_t		 nesc;
};

struct drift_row {
	char		*snapshot;
	int64_t		 time;
	double		 value, threshold;
	int		 alarm;
};

struct report {
	struct suspect	*s;
	size_t		 n;
	size_t		 top;		/* suspects shown (0: all) */
	const char	*source_root;
	const char	*title;
	size_t		 max_line;	/* caps of caps.h on the inputs */
	size_t		 max_snapshots;

	/* archive summary: from --samples, else from the suspects */
	size_t		 nsnap;
	int64_t		 t0, t1;
	long		 restarts, repeats;	/* -1: unknown */
	char		*gc_first, *gc_last;	/* GC cycles, NULL: unknown */
	char		*total_of;		/* value column summed */
	double		*total;
	size_t		 ntotal;

	struct drift_row *drift;
	size_t		 ndrift;

	int		 have_memstats;
	double		 ms_first[3], ms_last[3]; /* alloc total_alloc sys */

	/* --samples: for each distinct stack, interned; see report.c */
	struct samples	*samples;
	/* --escape lines: file:line: message */
	char	       **escape;
	size_t		 nescape;
};

struct report	*report_new(void);
void		 report_free(struct report *);
void		 report_read_suspects(struct report *, int, char *const *);
void		 report_read_samples(struct report *, const char *);
void		 report_read_drift(struct report *, const char *);
void		 report_read_memstats(struct report *, const char *);
void		 report_read_escape(struct report *, const char *);
void		 report_analyse(struct report *, const struct rules *);
void		 report_write(const struct report *, const struct rules *,
		    enum report_format, FILE *);
int		 report_has_leak(const struct report *);

/* Helpers shared with fixcheck.c and the unit tests. */
size_t		 report_human(char *, size_t, double, const char *);
size_t		 report_sparkline(char *, size_t, const double *, size_t);
void		 report_split_site(const char *, char **, char **, int *);
void		 report_html_escape(FILE *, const char *);
void		 report_html_head(FILE *, const char *);
void		 report_svg(FILE *, const double *, size_t, const char *);

#endif
