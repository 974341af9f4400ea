/*
 * tsvcat: copy TSV inputs to one output through common/tsv.h, reading and
 * writing every field.  A test tool (never installed): the hardening tests
 * give the TSV reader bad input and failing I/O through it.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "err.h"
#include "outfile.h"
#include "tsv.h"

static const struct option longopts[] = {
	{ "help",	no_argument,		NULL, 'h' },
	{ "max-line",	required_argument,	NULL, 'm' },
	{ "output",	required_argument,	NULL, 'o' },
	{ NULL,		0,			NULL, 0 }
};

static void
usage(void)
{
	printf("Usage: %s [-o FILE] [--max-line N] [FILE...]\n"
"Copy the TSV FILEs (standard input when none or -) to standard output\n"
"or FILE, checking escapes, field counts and headers.\n", err_prog());
}

int
main(int argc, char *argv[])
{
	struct tsv_reader *r;
	struct tsv_writer *w;
	struct outfile *of;
	const char *output = NULL;
	size_t max = TSV_MAX_LINE_DEFAULT, i;
	int ch;

	err_setprog(argv[0]);
	setlocale(LC_CTYPE, "");
	while ((ch = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage();
			return EXIT_OK;
		case 'm':
			max = caps_parse("--max-line", optarg);
			break;
		case 'o':
			output = optarg;
			break;
		default:
			err_usage(NULL);
		}
	}
	argc -= optind;
	argv += optind;

	of = outfile_open(output);
	r = tsv_open_max(argc, argv, max);
	w = tsv_writer_new(outfile_fp(of));
	for (i = 0; i < tsv_ncols(r); i++)
		tsv_put_str(w, tsv_colname(r, i));
	tsv_endrow(w);
	while (tsv_next(r)) {
		for (i = 0; i < tsv_ncols(r); i++)
			tsv_put_from(w, r, i);
		tsv_endrow(w);
	}
	tsv_close(r);
	if (tsv_writer_free(w) == -1)
		err_die(EXIT_DATA, "write error on %s: %s", outfile_name(of),
		    strerror(errno));
	if (outfile_commit(of) == -1)
		exit(EXIT_DATA);
	return EXIT_OK;
}
