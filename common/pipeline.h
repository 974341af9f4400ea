/*
 * Pipeline files (leakatlas-pipeline(5)): load a YAML file into runs of
 * steps, apply --set overrides, expand ${VAR} and globs into argument
 * vectors, print the equivalent shell script, and run it (spawn.h).
 * Everything a pipeline owns lives in its arena; pipeline_free frees all.
 */
#ifndef LEAKATLAS_PIPELINE_H
#define LEAKATLAS_PIPELINE_H

#include <stddef.h>
#include <stdio.h>

/* The stages a pipeline may run, in pipeline order. */
enum pl_stage {
	STAGE_PPROF2TSV,
	STAGE_NORMALIZE_GC,
	STAGE_CLUSTER,
	STAGE_RANK,
	STAGE_REPORT,
	STAGE_COUNT
};

enum pl_kind {
	PL_NULL,		/* ~, null or empty: the option is left out */
	PL_FALSE,		/* left out */
	PL_TRUE,		/* a bare flag */
	PL_SCALAR,		/* one value */
	PL_LIST			/* the option repeated once per value */
};

/* A scalar as written, with where it was written (for messages). */
struct pl_scalar {
	const char	*text;
	int		 line, col;
};

struct pl_opt {
	const char	*key;
	enum pl_kind	 kind;
	struct pl_scalar *vals;
	size_t		 nvals;
	int		 line, col;
};

struct pl_step {
	enum pl_stage	 stage;
	int		 line, col;
	int		 listform;	/* arguments given as a list */
	struct pl_opt	*opts;		/* mapping form */
	size_t		 nopts, capopts;
	struct pl_scalar *args;		/* list form */
	size_t		 nargs, capargs;
	struct pl_scalar *tee;		/* NULL: no tee */
	/* Filled by pipeline_expand(): */
	char		**argv;		/* argv[0] is the installed name */
	size_t		 argc;
	char		*tee_path;
};

struct pl_run {
	const char	*name;		/* NULL in a one-run pipeline */
	struct pl_scalar *inputs;
	size_t		 ninputs;
	int		 has_inputs;
	struct pl_step	*steps;
	size_t		 nsteps;
	struct pl_scalar *output;	/* NULL: standard output */
	int		 line, col;
	/* Filled by pipeline_expand(): */
	char		**files;
	size_t		 nfiles;
	char		*output_path;
};

struct pipeline {
	struct arena	*arena;
	const char	*file;
	const char	*description;
	struct pl_run	*runs;
	size_t		 nruns;
	int		 dry_run;	/* set before pipeline_expand() */
	int		 uses_workdir;
	const char	*workdir;	/* made on first use of ${workdir} */
};

const char	*pipeline_stage_name(enum pl_stage);
const char	*pipeline_stage_program(enum pl_stage);
struct pipeline	*pipeline_load(const char *);
void		 pipeline_free(struct pipeline *);
void		 pipeline_set(struct pipeline *, char *const *, size_t);
void		 pipeline_expand(struct pipeline *, char *const *, size_t);
int		 pipeline_print(const struct pipeline *, const char *, FILE *);
int		 pipeline_run(const struct pipeline *);
char		*pipeline_locate(const char *);
void		 pipeline_unlocate(void);
void		 pipeline_stage_use_plain(enum pl_stage);
char		*pipeline_find(const char *, const char *);
char		*pipeline_datadir(void);

#endif
