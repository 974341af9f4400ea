/*
 * Pipeline files: load and validate the YAML (libyaml's document API),
 * apply --set, expand ${VAR} and globs, print the shell equivalent.
 * Running the result is pipeline_run(), in pipeline_run.c.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "arena.h"
#include "err.h"
#include "pipeline.h"
#include "progname.h"
#include "strmap.h"
#include "xmalloc.h"

/* Marks the place of ${workdir} in dry-run words; YAML cannot hold it. */
#define WORKDIR_MARK	'\001'
#define PIPELINE_MAX	(1 << 20)

static const char *const stage_names[STAGE_COUNT] = {
	"pprof2tsv", "normalize-gc", "cluster", "rank", "report"
};
static const char *stage_programs[STAGE_COUNT] = {
	PROGNAME_PPROF2TSV, PROGNAME_NORMALIZE_GC, PROGNAME_CLUSTER,
	PROGNAME_RANK, PROGNAME_REPORT
};

static const char workdir_mark[] = { WORKDIR_MARK, '\0' };

static void	workdir_remove(const char *);

/* A --set NAME=VALUE variable for ${NAME}. */
struct pl_var {
	const char	*name;
	const char	*value;
	int		 used;
};

static struct pl_var *vars;
static size_t nvars;

/* The pipeline being worked on, so that dying keeps it reachable. */
static struct pipeline *current;

const char *
pipeline_stage_name(enum pl_stage s)
{
	return stage_names[s];
}

/* The stage's program name as installed (after --program-transform-name). */
const char *
pipeline_stage_program(enum pl_stage s)
{
	return stage_programs[s];
}

/* Run the plain name (the build tree) instead of the installed one. */
void
pipeline_stage_use_plain(enum pl_stage s)
{
	stage_programs[s] = stage_names[s];
}

static int
stage_lookup(const char *name)
{
	int i;

	for (i = 0; i < STAGE_COUNT; i++)
		if (strcmp(name, stage_names[i]) == 0)
			return i;
	return -1;
}

static _Noreturn void
fail_at(const struct pipeline *p, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static _Noreturn void
fail_at(const struct pipeline *p, int line, int col, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line == 0)
		err_usage("--set: %s", msg);
	err_die(EXIT_DATA, "%s:%d:%d: %s", p->file, line, col, msg);
}

/* Loading ------------------------------------------------------------ */

/* Static, so that what libyaml holds stays reachable when we die. */
struct loader {
	struct pipeline	*p;
	yaml_parser_t	 y;
	yaml_document_t	 doc;
	yaml_document_t	 extra;
	char		*text;
	size_t		 len;
};

static struct loader loader;

static yaml_node_t *
node_at(struct loader *l, yaml_node_item_t id)
{
	yaml_node_t *n = yaml_document_get_node(&l->doc, id);

	if (n == NULL)
		err_die(EXIT_DATA, "%s: broken YAML document", l->p->file);
	return n;
}

#define LINE(n)	((int)(n)->start_mark.line + 1)
#define COL(n)	((int)(n)->start_mark.column + 1)

static const char *
kind_name(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SCALAR_NODE:
		return "a value";
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_MAPPING_NODE:
		return "a mapping";
	default:
		return "nothing";
	}
}

static struct pl_scalar *
scalar_new(struct loader *l, yaml_node_t *n, const char *what)
{
	struct pl_scalar *s;

	if (n->type != YAML_SCALAR_NODE)
		fail_at(l->p, LINE(n), COL(n), "%s: expected a value, found %s",
		    what, kind_name(n));
	if (memchr(n->data.scalar.value, '\0', n->data.scalar.length) != NULL)
		fail_at(l->p, LINE(n), COL(n), "%s: NUL byte in value", what);
	s = arena_alloc(l->p->arena, sizeof(*s));
	s->text = arena_strndup(l->p->arena, (char *)n->data.scalar.value,
	    n->data.scalar.length);
	s->line = LINE(n);
	s->col = COL(n);
	return s;
}

/* The values of a list, in an array of *n ending with an empty one. */
static struct pl_scalar *
scalars_new(struct loader *l, yaml_node_t *seq, const char *what, size_t *n)
{
	yaml_node_item_t *it;
	struct pl_scalar *a;
	size_t i;

	*n = (size_t)(seq->data.sequence.items.top -
	    seq->data.sequence.items.start);
	a = arena_calloc(l->p->arena, *n + 1, sizeof(*a));
	for (i = 0, it = seq->data.sequence.items.start;
	    it < seq->data.sequence.items.top; it++, i++)
		a[i] = *scalar_new(l, node_at(l, *it), what);
	return a;
}

static const char *
key_text(struct loader *l, yaml_node_t *k, const char *where)
{
	if (k->type != YAML_SCALAR_NODE)
		fail_at(l->p, LINE(k), COL(k), "%s: expected a key, found %s",
		    where, kind_name(k));
	return scalar_new(l, k, where)->text;
}

static int
match_any(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

/* What a plain or quoted scalar means as an option value (YAML 1.1). */
static enum pl_kind
scalar_kind(const char *text, int plain)
{
	static const char *const nulls[] = { "", "~", "null", "Null",
	    "NULL", NULL };
	static const char *const trues[] = { "true", "True", "TRUE", "yes",
	    "Yes", "YES", "on", "On", "ON", NULL };
	static const char *const falses[] = { "false", "False", "FALSE",
	    "no", "No", "NO", "off", "Off", "OFF", NULL };

	if (!plain)
		return PL_SCALAR;
	if (match_any(text, nulls))
		return PL_NULL;
	if (match_any(text, trues))
		return PL_TRUE;
	if (match_any(text, falses))
		return PL_FALSE;
	return PL_SCALAR;
}

/* Option names become "-k" or "--key": letters, digits, '-' and '_'. */
static int
option_name_ok(const char *s)
{
	const char *c;

	if (*s == '\0' || *s == '-')
		return 0;
	for (c = s; *c != '\0'; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || *c == '-' || *c == '_'))
			return 0;
	return 1;
}

/* The first key seen twice is an error; keys seen are hashed. */
static void
check_duplicates(struct loader *l, yaml_node_t *map)
{
	yaml_node_pair_t *a;
	yaml_node_t *ka;
	struct strmap *seen;
	int isnew;

	seen = strmap_new();
	for (a = map->data.mapping.pairs.start;
	    a < map->data.mapping.pairs.top; a++) {
		ka = node_at(l, a->key);
		if (ka->type != YAML_SCALAR_NODE)
			continue;
		strmap_intern(seen, (const char *)ka->data.scalar.value,
		    ka->data.scalar.length, &isnew);
		if (!isnew) {
			strmap_free(seen);
			fail_at(l->p, LINE(ka), COL(ka), "duplicate key '%s'",
			    key_text(l, ka, "key"));
		}
	}
	strmap_free(seen);
}

static void
load_option(struct loader *l, struct pl_opt *o, yaml_node_t *k,
    yaml_node_t *v, const char *stage)
{
	o->key = key_text(l, k, stage);
	o->line = LINE(k);
	o->col = COL(k);
	if (!option_name_ok(o->key))
		fail_at(l->p, o->line, o->col, "%s: bad option name '%s' "
		    "(expected letters, digits, '-' or '_')", stage, o->key);
	if (strcmp(o->key, "tee") == 0)
		fail_at(l->p, o->line, o->col, "%s: 'tee' belongs to the "
		    "step: indent it as far as '%s'", stage, stage);
	switch (v->type) {
	case YAML_SCALAR_NODE:
		o->kind = scalar_kind((char *)v->data.scalar.value,
		    v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE);
		o->vals = scalar_new(l, v, o->key);
		o->nvals = 1;
		break;
	case YAML_SEQUENCE_NODE:
		o->vals = scalars_new(l, v, o->key, &o->nvals);
		o->kind = o->nvals == 0 ? PL_NULL : PL_LIST;
		break;
	default:
		fail_at(l->p, LINE(v), COL(v), "%s: expected a value or a list "
		    "of values, found %s", o->key, kind_name(v));
	}
}

static void
load_stage_value(struct loader *l, struct pl_step *st, yaml_node_t *v)
{
	const char *name = stage_names[st->stage];
	yaml_node_pair_t *pr;
	size_t i;

	switch (v->type) {
	case YAML_SCALAR_NODE:
		if (scalar_kind((char *)v->data.scalar.value,
		    v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) == PL_NULL)
			return;
		fail_at(l->p, LINE(v), COL(v), "%s: expected a mapping of "
		    "options or a list of arguments, found a value", name);
	case YAML_MAPPING_NODE:
		check_duplicates(l, v);
		st->nopts = (size_t)(v->data.mapping.pairs.top -
		    v->data.mapping.pairs.start);
		st->opts = arena_calloc(l->p->arena, st->nopts + 1,
		    sizeof(*st->opts));
		for (i = 0, pr = v->data.mapping.pairs.start;
		    pr < v->data.mapping.pairs.top; pr++, i++)
			load_option(l, &st->opts[i], node_at(l, pr->key),
			    node_at(l, pr->value), name);
		return;
	case YAML_SEQUENCE_NODE:
		st->listform = 1;
		st->args = scalars_new(l, v, name, &st->nargs);
		return;
	default:
		fail_at(l->p, LINE(v), COL(v), "%s: unexpected node", name);
	}
}

static _Noreturn void
unknown_stage(struct loader *l, yaml_node_t *n, const char *name)
{
	fail_at(l->p, LINE(n), COL(n), "unknown stage '%s' (expected "
	    "pprof2tsv, normalize-gc, cluster, rank or report)", name);
}

static void
load_step(struct loader *l, struct pl_step *st, yaml_node_t *n)
{
	yaml_node_pair_t *pr;
	yaml_node_t *k, *v;
	const char *name;
	int s, seen = 0;

	st->line = LINE(n);
	st->col = COL(n);
	if (n->type == YAML_SCALAR_NODE) {
		name = scalar_new(l, n, "step")->text;
		if ((s = stage_lookup(name)) < 0)
			unknown_stage(l, n, name);
		st->stage = (enum pl_stage)s;
		return;
	}
	if (n->type != YAML_MAPPING_NODE)
		fail_at(l->p, st->line, st->col, "expected a stage name or a "
		    "mapping such as 'cluster: {threshold: 0.7}', found %s",
		    kind_name(n));
	check_duplicates(l, n);
	for (pr = n->data.mapping.pairs.start;
	    pr < n->data.mapping.pairs.top; pr++) {
		k = node_at(l, pr->key);
		v = node_at(l, pr->value);
		name = key_text(l, k, "step");
		if (strcmp(name, "tee") == 0) {
			st->tee = scalar_new(l, v, "tee");
			if (*st->tee->text == '\0')
				fail_at(l->p, LINE(v), COL(v),
				    "tee: expected a file name");
			continue;
		}
		if ((s = stage_lookup(name)) < 0)
			unknown_stage(l, k, name);
		if (seen++)
			fail_at(l->p, LINE(k), COL(k), "a step runs one stage: "
			    "'%s' must be a step of its own", name);
		st->stage = (enum pl_stage)s;
		load_stage_value(l, st, v);
	}
	if (!seen)
		fail_at(l->p, st->line, st->col,
		    "expected a stage in this step, found only 'tee'");
}

static void
load_inputs(struct loader *l, struct pl_run *r, yaml_node_t *v)
{
	r->has_inputs = 1;
	if (v->type == YAML_SCALAR_NODE) {
		r->inputs = scalar_new(l, v, "inputs");
		r->ninputs = 1;
		return;
	}
	if (v->type != YAML_SEQUENCE_NODE)
		fail_at(l->p, LINE(v), COL(v), "inputs: expected a file, a "
		    "glob or a list of them, found %s", kind_name(v));
	r->inputs = scalars_new(l, v, "inputs", &r->ninputs);
}

static void
load_steps(struct loader *l, struct pl_run *r, yaml_node_t *v)
{
	yaml_node_item_t *it;
	size_t i;

	if (v->type != YAML_SEQUENCE_NODE)
		fail_at(l->p, LINE(v), COL(v), "steps: expected a list of "
		    "stages, found %s", kind_name(v));
	r->nsteps = (size_t)(v->data.sequence.items.top -
	    v->data.sequence.items.start);
	if (r->nsteps == 0)
		fail_at(l->p, LINE(v), COL(v), "steps: expected at least one "
		    "stage, found an empty list");
	r->steps = arena_calloc(l->p->arena, r->nsteps, sizeof(*r->steps));
	for (i = 0, it = v->data.sequence.items.start;
	    it < v->data.sequence.items.top; it++, i++)
		load_step(l, &r->steps[i], node_at(l, *it));
}

static void load_runs(struct loader *, yaml_node_t *);

/*
 * Load one run's keys from a mapping; the top level may also hold
 * description and runs (then no steps of its own).
 */
static void
load_run(struct loader *l, struct pl_run *r, yaml_node_t *map, int top)
{
	yaml_node_pair_t *pr;
	yaml_node_t *k, *v, *steps = NULL, *runs = NULL;
	const char *key;

	r->line = LINE(map);
	r->col = COL(map);
	check_duplicates(l, map);
	for (pr = map->data.mapping.pairs.start;
	    pr < map->data.mapping.pairs.top; pr++) {
		k = node_at(l, pr->key);
		v = node_at(l, pr->value);
		key = key_text(l, k, top ? "pipeline" : "run");
		if (strcmp(key, "inputs") == 0)
			load_inputs(l, r, v);
		else if (strcmp(key, "steps") == 0)
			steps = v;
		else if (strcmp(key, "output") == 0)
			r->output = scalar_new(l, v, "output");
		else if (top && strcmp(key, "description") == 0)
			l->p->description = scalar_new(l, v,
			    "description")->text;
		else if (top && strcmp(key, "runs") == 0)
			runs = v;
		else if (!top && strcmp(key, "name") == 0)
			r->name = scalar_new(l, v, "name")->text;
		else
			fail_at(l->p, LINE(k), COL(k), "unknown key '%s' "
			    "(expected %s)", key, top ? "description, inputs, "
			    "steps, output or runs" : "name, inputs, steps or "
			    "output");
	}
	if (top && runs != NULL) {
		if (steps != NULL || r->has_inputs || r->output != NULL)
			fail_at(l->p, LINE(runs), COL(runs), "runs: inputs, "
			    "steps and output belong inside each run");
		load_runs(l, runs);
		return;
	}
	if (steps == NULL)
		fail_at(l->p, r->line, r->col, "expected a 'steps' list "
		    "in this %s", top ? "pipeline" : "run");
	if (!top && (r->name == NULL || !option_name_ok(r->name)))
		fail_at(l->p, r->line, r->col, "run: expected a 'name' of "
		    "letters, digits, '-' or '_'");
	load_steps(l, r, steps);
}

static void
load_runs(struct loader *l, yaml_node_t *v)
{
	struct pipeline *p = l->p;
	yaml_node_item_t *it;
	yaml_node_t *n;
	struct strmap *names;
	size_t i;
	int isnew;

	if (v->type != YAML_SEQUENCE_NODE || v->data.sequence.items.top ==
	    v->data.sequence.items.start)
		fail_at(p, LINE(v), COL(v), "runs: expected a list of runs, "
		    "found %s", v->type == YAML_SEQUENCE_NODE ? "an empty list" :
		    kind_name(v));
	p->nruns = (size_t)(v->data.sequence.items.top -
	    v->data.sequence.items.start);
	p->runs = arena_calloc(p->arena, p->nruns, sizeof(*p->runs));
	names = strmap_new();	/* run names seen: a file may have many */
	for (i = 0, it = v->data.sequence.items.start;
	    it < v->data.sequence.items.top; it++, i++) {
		n = node_at(l, *it);
		if (n->type != YAML_MAPPING_NODE) {
			strmap_free(names);
			fail_at(p, LINE(n), COL(n), "runs: expected a mapping "
			    "with name, inputs, steps and output, found %s",
			    kind_name(n));
		}
		load_run(l, &p->runs[i], n, 0);
		strmap_intern(names, p->runs[i].name, strlen(p->runs[i].name),
		    &isnew);
		if (!isnew) {
			strmap_free(names);
			fail_at(p, p->runs[i].line, p->runs[i].col,
			    "duplicate run name '%s'", p->runs[i].name);
		}
	}
	strmap_free(names);
}

/* Report libyaml's error at its place and exit 1. */
static _Noreturn void
yaml_fail(struct pipeline *p, const yaml_parser_t *y)
{
	const char *what = y->problem != NULL ? y->problem : "bad YAML";

	if (y->error == YAML_MEMORY_ERROR)
		err_die(EXIT_DATA, "%s: out of memory", p->file);
	if (y->error == YAML_READER_ERROR)
		err_die(EXIT_DATA, "%s: byte %zu: %s", p->file,
		    y->problem_offset, what);
	if (y->problem_mark.index < loader.len &&
	    loader.text[y->problem_mark.index] == '\t')
		err_die(EXIT_DATA, "%s:%zu:%zu: found a tab: indent with "
		    "spaces", p->file, y->problem_mark.line + 1,
		    y->problem_mark.column + 1);
	if (y->context != NULL)
		err_die(EXIT_DATA, "%s:%zu:%zu: %s (%s at line %zu)", p->file,
		    y->problem_mark.line + 1, y->problem_mark.column + 1,
		    what, y->context, y->context_mark.line + 1);
	err_die(EXIT_DATA, "%s:%zu:%zu: %s", p->file,
	    y->problem_mark.line + 1, y->problem_mark.column + 1, what);
}

/* The whole file in memory (a pipeline is small: at most 1 MiB). */
static void
read_all(struct loader *l, const char *path)
{
	size_t cap = 4096, n;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL)
		err_die(EXIT_DATA, "%s: %s", path, strerror(errno));
	l->text = xmalloc(cap);
	while ((n = fread(l->text + l->len, 1, cap - l->len, fp)) > 0) {
		l->len += n;
		if (l->len == cap) {
			if (cap >= PIPELINE_MAX)
				err_die(EXIT_DATA, "%s: larger than %d bytes",
				    path, PIPELINE_MAX);
			cap *= 2;
			l->text = xreallocarray(l->text, cap, 1);
		}
	}
	if (ferror(fp))
		err_die(EXIT_DATA, "%s: %s", path, strerror(errno));
	fclose(fp);
}

/* Read and validate a pipeline file; any error is reported and exits. */
struct pipeline *
pipeline_load(const char *path)
{
	struct loader *l = &loader;
	struct pipeline *p;
	yaml_node_t *root, *more;

	p = xcalloc(1, sizeof(*p));
	current = p;
	p->arena = arena_new();
	p->file = arena_strdup(p->arena, path);
	memset(l, 0, sizeof(*l));
	l->p = p;
	read_all(l, path);
	if (!yaml_parser_initialize(&l->y))
		err_die(EXIT_DATA, "%s: out of memory", path);
	yaml_parser_set_input_string(&l->y, (unsigned char *)l->text, l->len);
	if (!yaml_parser_load(&l->y, &l->doc))
		yaml_fail(p, &l->y);
	if ((root = yaml_document_get_root_node(&l->doc)) == NULL)
		err_die(EXIT_DATA, "%s: empty pipeline (expected a mapping "
		    "with 'steps')", path);
	if (!yaml_parser_load(&l->y, &l->extra))
		yaml_fail(p, &l->y);
	if ((more = yaml_document_get_root_node(&l->extra)) != NULL)
		err_die(EXIT_DATA, "%s:%d:%d: expected one YAML document, "
		    "found a second", path, LINE(more), COL(more));
	yaml_document_delete(&l->extra);
	if (root->type != YAML_MAPPING_NODE)
		fail_at(p, LINE(root), COL(root), "expected a mapping with "
		    "'steps' at the top level, found %s", kind_name(root));
	p->nruns = 1;
	p->runs = arena_calloc(p->arena, 1, sizeof(*p->runs));
	load_run(l, &p->runs[0], root, 1);
	yaml_document_delete(&l->doc);
	yaml_parser_delete(&l->y);
	free(l->text);
	memset(l, 0, sizeof(*l));
	return p;
}

void
pipeline_free(struct pipeline *p)
{
	if (p == NULL)
		return;
	if (p->workdir != NULL)
		workdir_remove(p->workdir);
	arena_free(p->arena);
	if (current == p)
		current = NULL;
	free(vars);
	vars = NULL;
	nvars = 0;
	free(p);
}

/* --set ---------------------------------------------------------------- */

static struct pl_run *
run_lookup(struct pipeline *p, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < p->nruns; i++)
		if (p->runs[i].name != NULL &&
		    strlen(p->runs[i].name) == len &&
		    memcmp(p->runs[i].name, name, len) == 0)
			return &p->runs[i];
	return NULL;
}

static struct pl_scalar *
set_scalar(struct pipeline *p, const char *value)
{
	struct pl_scalar *s = arena_calloc(p->arena, 1, sizeof(*s));

	s->text = value;
	return s;		/* line 0: from the command line */
}

static void
step_set(struct pipeline *p, struct pl_step *st, const char *opt,
    const char *value)
{
	struct pl_opt *o = NULL;
	struct pl_scalar *a;
	enum pl_kind kind;
	char *flag;
	size_t i;

	if (strcmp(opt, "tee") == 0) {
		st->tee = *value != '\0' ? set_scalar(p, value) : NULL;
		return;
	}
	if (st->listform) {
		kind = scalar_kind(value, 1);
		if (kind == PL_NULL || kind == PL_FALSE)
			return;
		a = arena_calloc(p->arena, st->nargs + 3, sizeof(*a));
		if (st->nargs > 0)
			memcpy(a, st->args, st->nargs * sizeof(*a));
		xasprintf(&flag, "%s%s", strlen(opt) == 1 ? "-" : "--", opt);
		a[st->nargs++].text = arena_strdup(p->arena, flag);
		free(flag);
		if (kind == PL_SCALAR)
			a[st->nargs++].text = value;
		st->args = a;
		return;
	}
	for (i = 0; i < st->nopts; i++)
		if (strcmp(st->opts[i].key, opt) == 0)
			o = &st->opts[i];
	if (o == NULL) {
		o = arena_calloc(p->arena, st->nopts + 1, sizeof(*o));
		if (st->nopts > 0)
			memcpy(o, st->opts, st->nopts * sizeof(*o));
		st->opts = o;
		o = &st->opts[st->nopts++];
		o->key = opt;
	}
	o->kind = scalar_kind(value, 1);
	o->vals = set_scalar(p, value);
	o->nvals = 1;
}

/*
 * Apply "KEY=VALUE" overrides: STAGE.OPTION (every step of that stage),
 * RUN.STAGE.OPTION, output, RUN.output; any other plain KEY is a variable
 * for ${KEY}.  An empty VALUE, false or null leaves the option out; true
 * makes it a bare flag.  Mistakes are usage errors (exit 2).
 */
void
pipeline_set(struct pipeline *p, char *const *sets, size_t n)
{
	struct pl_run *only, *r;
	const char *eq, *dot, *stage, *opt, *value;
	char *key;
	size_t i, j, k, hits;
	int s;

	vars = xreallocarray(NULL, n + 1, sizeof(*vars));
	for (i = 0; i < n; i++) {
		if ((eq = strchr(sets[i], '=')) == NULL || eq == sets[i])
			err_usage("--set %s: expected KEY=VALUE", sets[i]);
		key = arena_strndup(p->arena, sets[i], (size_t)(eq - sets[i]));
		value = arena_strdup(p->arena, eq + 1);
		only = NULL;
		if ((dot = strchr(key, '.')) == NULL) {
			if (strcmp(key, "output") == 0) {
				r = &p->runs[p->nruns - 1];
				r->output = *value != '\0' ?
				    set_scalar(p, value) : NULL;
				continue;
			}
			if (!option_name_ok(key) || strchr(key, '-') != NULL)
				err_usage("--set %s: bad variable name", key);
			vars[nvars].name = key;
			vars[nvars].value = value;
			vars[nvars++].used = 0;
			continue;
		}
		stage = key;
		if ((only = run_lookup(p, key, (size_t)(dot - key))) != NULL) {
			stage = dot + 1;
			if (strcmp(stage, "output") == 0) {
				only->output = *value != '\0' ?
				    set_scalar(p, value) : NULL;
				continue;
			}
			if ((dot = strchr(stage, '.')) == NULL)
				err_usage("--set %s: expected RUN.STAGE.OPTION",
				    key);
		}
		*(char *)dot = '\0';
		opt = dot + 1;
		if ((s = stage_lookup(stage)) < 0)
			err_usage("--set %s.%s: unknown stage '%s'", stage,
			    opt, stage);
		if (!option_name_ok(opt))
			err_usage("--set %s.%s: bad option name '%s'", stage,
			    opt, opt);
		hits = 0;
		for (j = 0; j < p->nruns; j++) {
			r = &p->runs[j];
			if (only != NULL && r != only)
				continue;
			for (k = 0; k < r->nsteps; k++)
				if ((int)r->steps[k].stage == s) {
					step_set(p, &r->steps[k], opt, value);
					hits++;
				}
		}
		if (hits == 0)
			err_usage("--set %s.%s: no step runs %s", stage, opt,
			    stage);
	}
}

/* Expansion ------------------------------------------------------------ */

struct buf {
	char	*s;
	size_t	 len, cap;
};

static void
buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xreallocarray(b->s, b->cap, 1);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* A private folder for ${workdir}, removed by pipeline_free(). */
static const char *
workdir_new(struct pipeline *p)
{
	const char *tmp = getenv("TMPDIR");
	char *dir;
	const char *out;

	xasprintf(&dir, "%s/leakatlas.XXXXXX", tmp != NULL && *tmp != '\0' ?
	    tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		err_die(EXIT_DATA, "%s: %s", dir, strerror(errno));
	out = arena_strdup(p->arena, dir);
	free(dir);
	return out;
}

static void
workdir_remove(const char *dir)
{
	struct dirent *e;
	char *path;
	DIR *d;

	if ((d = opendir(dir)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			xasprintf(&path, "%s/%s", dir, e->d_name);
			(void)unlink(path);
			free(path);
		}
		closedir(d);
	}
	if (rmdir(dir) == -1)
		err_warn("%s: %s", dir, strerror(errno));
}

static const char *
var_value(struct pipeline *p, const char *name)
{
	size_t i;

	for (i = 0; i < nvars; i++)
		if (strcmp(vars[i].name, name) == 0) {
			vars[i].used = 1;
			return vars[i].value;
		}
	if (strcmp(name, "workdir") == 0) {
		p->uses_workdir = 1;
		if (p->dry_run)
			return workdir_mark;
		if (p->workdir == NULL)
			p->workdir = workdir_new(p);
		return p->workdir;
	}
	return getenv(name);
}

/*
 * Expand ${NAME}, ${NAME:-default} and $$ in a scalar from the file; values
 * from --set are taken as they are.  Never through a shell.
 */
static char *
expand(struct pipeline *p, const struct pl_scalar *sc)
{
	struct buf b = { NULL, 0, 0 };
	const char *s = sc->text, *end, *colon, *val;
	char name[128], *out;
	size_t n;

	buf_add(&b, "", 0);
	if (sc->line == 0) {
		buf_add(&b, s, strlen(s));
		goto done;
	}
	while (*s != '\0') {
		if (s[0] != '$' || (s[1] != '{' && s[1] != '$')) {
			n = strcspn(s + 1, "$") + 1;
			buf_add(&b, s, n);
			s += n;
			continue;
		}
		if (s[1] == '$') {
			buf_add(&b, "$", 1);
			s += 2;
			continue;
		}
		if ((end = strchr(s + 2, '}')) == NULL)
			fail_at(p, sc->line, sc->col, "'%s': expected '}' "
			    "after '${'", sc->text);
		colon = strstr(s + 2, ":-");
		if (colon == NULL || colon > end)
			colon = end;
		n = (size_t)(colon - (s + 2));
		if (n == 0 || n >= sizeof(name))
			fail_at(p, sc->line, sc->col, "'%s': expected a "
			    "variable name after '${'", sc->text);
		memcpy(name, s + 2, n);
		name[n] = '\0';
		if (!option_name_ok(name) || strchr(name, '-') != NULL ||
		    (name[0] >= '0' && name[0] <= '9'))
			fail_at(p, sc->line, sc->col, "'%s': bad variable "
			    "name '%s'", sc->text, name);
		val = var_value(p, name);
		if (val == NULL || (*val == '\0' && colon != end)) {
			if (colon == end)
				fail_at(p, sc->line, sc->col, "undefined "
				    "variable '%s' (give it with --set %s="
				    "VALUE or in the environment)", name, name);
			buf_add(&b, colon + 2, (size_t)(end - colon - 2));
		} else
			buf_add(&b, val, strlen(val));
		s = end + 1;
	}
done:
	out = arena_strdup(p->arena, b.s);
	free(b.s);
	return out;
}

static int
has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

struct strvec {
	char	**v;
	size_t	 n, cap;
};

static void
vec_add(struct strvec *v, char *s)
{
	if (v->n + 2 > v->cap) {
		v->cap = v->cap * 2 + 8;
		v->v = xreallocarray(v->v, v->cap, sizeof(*v->v));
	}
	v->v[v->n++] = s;
	v->v[v->n] = NULL;
}

static char **
vec_keep(struct pipeline *p, struct strvec *v, size_t *n)
{
	char **out;

	out = arena_calloc(p->arena, v->n + 1, sizeof(*out));
	if (v->n > 0)
		memcpy(out, v->v, v->n * sizeof(*out));
	*n = v->n;
	free(v->v);
	memset(v, 0, sizeof(*v));
	return out;
}

/* A file name that getopt would take for an option gets a "./". */
static char *
operand(struct pipeline *p, const char *name)
{
	char *s, *out;

	if (name[0] != '-' || name[1] == '\0')
		return arena_strdup(p->arena, name);
	xasprintf(&s, "./%s", name);
	out = arena_strdup(p->arena, s);
	free(s);
	return out;
}

static void
expand_inputs(struct pipeline *p, struct pl_run *r)
{
	struct strvec v = { NULL, 0, 0 };
	glob_t g;
	size_t i, j;
	char *pat;
	int rc;

	for (i = 0; i < r->ninputs; i++) {
		pat = expand(p, &r->inputs[i]);
		if (*pat == '\0')
			fail_at(p, r->inputs[i].line, r->inputs[i].col,
			    "inputs: '%s' is empty", r->inputs[i].text);
		if (!has_glob(pat)) {
			vec_add(&v, operand(p, pat));
			continue;
		}
		rc = glob(pat, 0, NULL, &g);
		if (rc == GLOB_NOMATCH)
			fail_at(p, r->inputs[i].line, r->inputs[i].col,
			    "inputs: no file matches '%s'", pat);
		if (rc != 0)
			fail_at(p, r->inputs[i].line, r->inputs[i].col,
			    "inputs: cannot read '%s'", pat);
		for (j = 0; j < g.gl_pathc; j++)
			vec_add(&v, operand(p, g.gl_pathv[j]));
		globfree(&g);
	}
	r->files = vec_keep(p, &v, &r->nfiles);
}

static void
expand_step(struct pipeline *p, struct pl_step *st, const struct pl_run *r,
    int first)
{
	struct strvec v = { NULL, 0, 0 };
	const struct pl_opt *o;
	char *flag;
	size_t i, j;

	vec_add(&v, (char *)stage_programs[st->stage]);
	for (i = 0; i < st->nargs; i++)
		vec_add(&v, expand(p, &st->args[i]));
	for (i = 0; i < st->nopts; i++) {
		o = &st->opts[i];
		if (o->kind == PL_NULL || o->kind == PL_FALSE)
			continue;
		xasprintf(&flag, "%s%s", strlen(o->key) == 1 ? "-" : "--",
		    o->key);
		for (j = 0; j < (o->kind == PL_TRUE ? 1 : o->nvals); j++) {
			vec_add(&v, arena_strdup(p->arena, flag));
			if (o->kind != PL_TRUE)
				vec_add(&v, expand(p, &o->vals[j]));
		}
		free(flag);
	}
	if (first)
		for (i = 0; i < r->nfiles; i++)
			vec_add(&v, r->files[i]);
	st->argv = vec_keep(p, &v, &st->argc);
	if (st->tee != NULL) {
		st->tee_path = expand(p, st->tee);
		if (*st->tee_path == '\0' || strcmp(st->tee_path, "-") == 0)
			fail_at(p, st->tee->line, st->tee->col, "tee: expected "
			    "a file name, found '%s'", st->tee_path);
	}
}

/*
 * Expand every run into argument vectors.  inputs (the command line's
 * INPUT operands, taken literally) replace the first run's inputs.  In a
 * dry run ${workdir} is a mark pipeline_print() turns into "$workdir".
 */
void
pipeline_expand(struct pipeline *p, char *const *inputs, size_t ninputs)
{
	struct pl_run *r;
	size_t i, j;

	for (i = 0; i < p->nruns; i++) {
		r = &p->runs[i];
		if (i == 0 && ninputs > 0) {
			r->files = arena_calloc(p->arena, ninputs + 1,
			    sizeof(char *));
			for (j = 0; j < ninputs; j++)
				r->files[j] = operand(p, inputs[j]);
			r->nfiles = ninputs;
			r->has_inputs = 1;
		} else
			expand_inputs(p, r);
		for (j = 0; j < r->nsteps; j++)
			expand_step(p, &r->steps[j], r, j == 0);
		if (r->output != NULL)
			r->output_path = expand(p, r->output);
		if (r->output_path != NULL && *r->output_path == '\0')
			fail_at(p, r->output->line, r->output->col,
			    "output: expected a file name");
		if (r->output_path != NULL && strcmp(r->output_path, "-") == 0)
			r->output_path = NULL;	/* standard output */
	}
	for (i = 0; i < nvars; i++)
		if (!vars[i].used)
			err_usage("--set %s: the pipeline has no ${%s}",
			    vars[i].name, vars[i].name);
}

/* Printing --------------------------------------------------------------- */

static int
shell_safe(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("_@%+=:,./-", c) != NULL;
}

static void
quote_part(FILE *fp, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && shell_safe((unsigned char)s[i]); i++)
		;
	if (i == n) {
		fwrite(s, 1, n, fp);
		return;
	}
	fputc('\'', fp);
	for (i = 0; i < n; i++)
		if (s[i] == '\'')
			fputs("'\\''", fp);
		else
			fputc(s[i], fp);
	fputc('\'', fp);
}

/* One word for a POSIX shell; the workdir mark becomes "$workdir". */
static void
quote_word(FILE *fp, const char *s)
{
	size_t n;

	if (*s == '\0') {
		fputs("''", fp);
		return;
	}
	while (*s != '\0') {
		if (*s == WORKDIR_MARK) {
			fputs("\"$workdir\"", fp);
			s++;
			continue;
		}
		n = strcspn(s, workdir_mark);
		quote_part(fp, s, n);
		s += n;
	}
}

/*
 * Print the pipeline as a shell script a person can paste: one line per
 * run.  prefix goes before each program name ("./" when the runner was
 * started as ./leakatlas).  Returns 0, or -1 on a write error.
 */
int
pipeline_print(const struct pipeline *p, const char *prefix, FILE *fp)
{
	const struct pl_run *r;
	const struct pl_step *st;
	size_t i, j, k;

	if (p->uses_workdir)
		fputs("workdir=$(mktemp -d)\n", fp);
	for (i = 0; i < p->nruns; i++) {
		r = &p->runs[i];
		for (j = 0; j < r->nsteps; j++) {
			st = &r->steps[j];
			if (j > 0)
				fputs(" | ", fp);
			fputs(prefix, fp);
			quote_word(fp, st->argv[0]);
			for (k = 1; k < st->argc; k++) {
				fputc(' ', fp);
				quote_word(fp, st->argv[k]);
			}
			if (st->tee_path != NULL) {
				fputs(" | tee ", fp);
				quote_word(fp, st->tee_path);
			}
		}
		if (i > 0 && !r->has_inputs)
			fputs(" </dev/null", fp);
		if (r->output_path != NULL) {
			fputs(" >", fp);
			quote_word(fp, r->output_path);
		}
		fputc('\n', fp);
	}
	if (p->uses_workdir)
		fputs("rm -r \"$workdir\"\n", fp);
	return fflush(fp) == EOF || ferror(fp) ? -1 : 0;
}

/*
 * Find a pipeline: a path as given, else NAME or NAME.yaml among the
 * shipped pipelines in datadir/pipelines.  Returns a new string; a bare
 * name found nowhere is bad input.
 */
char *
pipeline_find(const char *name, const char *datadir)
{
	struct stat sb;
	char *path;

	if (strchr(name, '/') != NULL || stat(name, &sb) == 0)
		return xstrdup(name);
	xasprintf(&path, "%s/pipelines/%s", datadir, name);
	if (stat(path, &sb) == 0)
		return path;
	free(path);
	xasprintf(&path, "%s/pipelines/%s.yaml", datadir, name);
	if (stat(path, &sb) == 0)
		return path;
	free(path);
	err_die(EXIT_DATA, "%s: no such file, nor a pipeline of that name in "
	    "%s/pipelines (leakatlas list shows them)", name, datadir);
}
