/* Leak-pattern rules: loading the YAML file and matching evidence. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include "err.h"
#include "pattern.h"
#include "rules.h"
#include "strmap.h"
#include "xmalloc.h"

#ifndef LEAKATLAS_DATADIR
#define LEAKATLAS_DATADIR "/usr/local/share/leakatlas"
#endif

enum { M_FRAMES, M_OP, M_SOURCE, M_SITE, M_NKINDS };

static const char *const matcher_key[M_NKINDS] = {
	"frames", "op", "source", "site"
};

struct rule {
	struct rules_info info;
	int		 entry;
	struct pattern	**re[M_NKINDS];
	size_t		 nre[M_NKINDS];
};

/*
 * Instructions in all the compiled patterns of one rules file.  A search
 * takes at most that many steps per byte of a frame or source line, and
 * a pattern of a few bytes can compile to 65536 ({n,m} copies its
 * operand): without a budget a 40 KB file of 400 such rules took 200 MB
 * and 7 s.  The shipped rules use about 1300.
 */
#define RULES_MAX_CODE	65536

struct rules {
	struct rule	*v;
	size_t		 n;
	struct strmap	*names;		/* rule name -> index in v */
};

struct rules *
rules_new(void)
{
	struct rules *rs = xcalloc(1, sizeof(struct rules));

	rs->names = strmap_new();
	return rs;
}

static void
rule_clear(struct rule *r)
{
	size_t k, j;

	free(r->info.name);
	free(r->info.title);
	free(r->info.explanation);
	free(r->info.fix);
	for (k = 0; k < M_NKINDS; k++) {
		for (j = 0; j < r->nre[k]; j++)
			pattern_free(r->re[k][j]);
		free(r->re[k]);
	}
}

void
rules_free(struct rules *rs)
{
	size_t i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->n; i++)
		rule_clear(&rs->v[i]);
	free(rs->v);
	strmap_free(rs->names);
	free(rs);
}

struct loader {
	const char	*path;
	yaml_document_t	 doc;
	size_t		*ncode;		/* instructions compiled so far */
};

static _Noreturn void
load_die(const struct loader *l, const yaml_node_t *n, const char *what)
{
	err_die(EXIT_DATA, "%s:%lu: %s", l->path,
	    n != NULL ? (unsigned long)n->start_mark.line + 1 : 0UL, what);
}

static const char *
scalar(const struct loader *l, yaml_node_t *n, const char *key)
{
	char msg[128];

	if (n == NULL || n->type != YAML_SCALAR_NODE) {
		snprintf(msg, sizeof(msg), "'%s' must be a string", key);
		load_die(l, n, msg);
	}
	return (const char *)n->data.scalar.value;
}

static void
add_regex(const struct loader *l, yaml_node_t *n, struct rule *r, int k)
{
	const char *pat = scalar(l, n, matcher_key[k]);
	char buf[128], msg[256];

	r->re[k] = xreallocarray(r->re[k], r->nre[k] + 1,
	    sizeof(struct pattern *));
	if ((r->re[k][r->nre[k]] = pattern_new(pat, buf, sizeof(buf))) ==
	    NULL) {
		snprintf(msg, sizeof(msg), "rule '%s': bad regular expression "
		    "'%.60s': %s", r->info.name != NULL ? r->info.name : "?",
		    pat, buf);
		load_die(l, n, msg);
	}
	*l->ncode += pattern_size(r->re[k][r->nre[k]]);
	r->nre[k]++;
	if (*l->ncode > RULES_MAX_CODE) {
		snprintf(msg, sizeof(msg), "rule '%s': regular expression "
		    "'%.60s': the file's patterns compile to more than %d "
		    "instructions in all", r->info.name != NULL ?
		    r->info.name : "?", pat, RULES_MAX_CODE);
		load_die(l, n, msg);
	}
}

/* A matcher is one pattern or a sequence of patterns. */
static void
add_matcher(const struct loader *l, yaml_node_t *n, struct rule *r, int k)
{
	yaml_node_item_t *it;

	if (n->type != YAML_SEQUENCE_NODE) {
		add_regex(l, n, r, k);
		return;
	}
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++)
		add_regex(l, yaml_document_get_node(
		    (yaml_document_t *)&l->doc, *it), r, k);
}

static void
parse_rule(struct loader *l, yaml_node_t *n, struct rule *r)
{
	yaml_node_pair_t *p;
	yaml_node_t *kn, *vn;
	const char *key, *v;
	char msg[128];
	int k, any = 0;

	if (n == NULL || n->type != YAML_MAPPING_NODE)
		load_die(l, n, "a rule must be a mapping");
	/* The name first, so later messages can say which rule. */
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	    p++) {
		kn = yaml_document_get_node(&l->doc, p->key);
		if (strcmp(scalar(l, kn, "key"), "name") == 0) {
			/* A repeated key: the last one counts, as below. */
			free(r->info.name);
			r->info.name = xstrdup(scalar(l, yaml_document_get_node(
			    &l->doc, p->value), "name"));
		}
	}
	if (r->info.name == NULL || *r->info.name == '\0')
		load_die(l, n, "rule has no 'name'");
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	    p++) {
		kn = yaml_document_get_node(&l->doc, p->key);
		vn = yaml_document_get_node(&l->doc, p->value);
		key = scalar(l, kn, "key");
		for (k = 0; k < M_NKINDS; k++)
			if (strcmp(key, matcher_key[k]) == 0)
				break;
		if (k < M_NKINDS) {
			add_matcher(l, vn, r, k);
			any = 1;
		} else if (strcmp(key, "name") == 0) {
			continue;
		} else if (strcmp(key, "title") == 0) {
			free(r->info.title);
			r->info.title = xstrdup(scalar(l, vn, key));
		} else if (strcmp(key, "explanation") == 0) {
			free(r->info.explanation);
			r->info.explanation = xstrdup(scalar(l, vn, key));
		} else if (strcmp(key, "fix") == 0) {
			free(r->info.fix);
			r->info.fix = xstrdup(scalar(l, vn, key));
		} else if (strcmp(key, "entry") == 0) {
			v = scalar(l, vn, key);
			if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
				load_die(l, vn, "'entry' must be true or false");
			r->entry = strcmp(v, "true") == 0;
			any |= r->entry;
		} else {
			snprintf(msg, sizeof(msg), "rule '%s': unknown key "
			    "'%.40s'", r->info.name, key);
			load_die(l, kn, msg);
		}
	}
	if (!any) {
		snprintf(msg, sizeof(msg), "rule '%s' has nothing to match "
		    "(frames, op, source, site or entry)", r->info.name);
		load_die(l, n, msg);
	}
	if (r->info.fix == NULL) {
		snprintf(msg, sizeof(msg), "rule '%s' has no 'fix'", r->info.name);
		load_die(l, n, msg);
	}
	if (r->info.title == NULL)
		r->info.title = xstrdup(r->info.name);
	if (r->info.explanation == NULL)
		r->info.explanation = xstrdup("");
}

/* Load one YAML document of rules from a started parser; see rules_load. */
static void
load_parser(struct rules *rs, const char *path, yaml_parser_t *parser)
{
	struct loader l;
	yaml_node_t *root, *kn, *seq = NULL;
	yaml_node_pair_t *p;
	yaml_node_item_t *it;
	size_t ncode = 0;
	int isnew;

	l.path = path;
	l.ncode = &ncode;
	if (!yaml_parser_load(parser, &l.doc)) {
		if (parser->error == YAML_MEMORY_ERROR)
			err_die(EXIT_DATA, "%s: out of memory", path);
		err_die(EXIT_DATA, "%s:%lu: %s", path,
		    (unsigned long)parser->problem_mark.line + 1,
		    parser->problem != NULL ? parser->problem : "bad YAML");
	}
	yaml_parser_delete(parser);
	root = yaml_document_get_root_node(&l.doc);
	if (root == NULL || root->type != YAML_MAPPING_NODE)
		load_die(&l, root, "expected a mapping with 'rules'");
	for (p = root->data.mapping.pairs.start;
	    p < root->data.mapping.pairs.top; p++) {
		kn = yaml_document_get_node(&l.doc, p->key);
		if (strcmp(scalar(&l, kn, "key"), "rules") != 0)
			load_die(&l, kn, "unknown top-level key");
		seq = yaml_document_get_node(&l.doc, p->value);
	}
	if (seq == NULL || seq->type != YAML_SEQUENCE_NODE)
		load_die(&l, seq != NULL ? seq : root,
		    "'rules' must be a sequence");
	for (it = seq->data.sequence.items.start;
	    it < seq->data.sequence.items.top; it++) {
		struct rule r;

		memset(&r, 0, sizeof(r));
		parse_rule(&l, yaml_document_get_node(&l.doc, *it), &r);
		/* Loaded names by hash: a file may hold thousands of rules. */
		strmap_intern(rs->names, r.info.name, strlen(r.info.name),
		    &isnew);
		if (!isnew) {
			rule_clear(&r);
			continue;
		}
		rs->v = xreallocarray(rs->v, rs->n + 1, sizeof(*rs->v));
		rs->v[rs->n++] = r;
	}
	yaml_document_delete(&l.doc);
}

/*
 * Append the rules of a file.  A rule whose name is already loaded is
 * skipped, so files loaded first override later ones.  Errors exit 1.
 */
void
rules_load(struct rules *rs, const char *path)
{
	yaml_parser_t parser;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL)
		err_die(EXIT_DATA, "%s: %s", path, strerror(errno));
	if (!yaml_parser_initialize(&parser))
		err_die(EXIT_DATA, "%s: out of memory", path);
	yaml_parser_set_input_file(&parser, fp);
	load_parser(rs, path, &parser);
	fclose(fp);
}

/*
 * Append the default rules: $LEAKATLAS_DATADIR/common/rules.yaml when that
 * variable is set (the source tree), else the installed pkgdatadir copy
 * when there is one, else the copy compiled in from the same file, so an
 * uninstalled build works from any directory.
 */
void
rules_load_default(struct rules *rs)
{
	const char *dir = getenv("LEAKATLAS_DATADIR");
	yaml_parser_t parser;
	char *path;

	if (dir != NULL && *dir != '\0') {
		xasprintf(&path, "%s/common/rules.yaml", dir);
		rules_load(rs, path);
		free(path);
		return;
	}
	if (access(LEAKATLAS_DATADIR "/rules.yaml", R_OK) == 0) {
		rules_load(rs, LEAKATLAS_DATADIR "/rules.yaml");
		return;
	}
	if (!yaml_parser_initialize(&parser))
		err_die(EXIT_DATA, "built-in rules: out of memory");
	yaml_parser_set_input_string(&parser,
	    (const unsigned char *)rules_builtin_yaml,
	    strlen(rules_builtin_yaml));
	load_parser(rs, "(built-in rules.yaml)", &parser);
}

size_t
rules_count(const struct rules *rs)
{
	return rs->n;
}

/* The texts of rule i: borrowed, valid until rules_free(). */
const struct rules_info *
rules_info(const struct rules *rs, size_t i)
{
	return &rs->v[i].info;
}

static const char *
any_match(struct pattern *const *re, size_t nre, const char *const *s,
    size_t ns, size_t *which)
{
	size_t i, j;

	for (i = 0; i < ns; i++)
		for (j = 0; j < nre; j++)
			if (pattern_find(re[j], s[i])) {
				if (which != NULL)
					*which = i;
				return s[i];
			}
	return NULL;
}

/* Keep the evidence when it is stronger than what m has (the first wins
 * among equals, so callers test the most telling kinds first). */
static void
note(struct rules_match *m, int strength, const char *what, const char *ev,
    int line)
{
	const char *p;
	size_t n;

	if (strength <= m->strength)
		return;
	m->strength = strength;
	m->what = what;
	m->line = line;
	for (p = ev; *p == ' ' || *p == '\t'; p++)
		;
	n = strlen(p);
	if (n >= sizeof(m->evidence))
		n = sizeof(m->evidence) - 1;
	memcpy(m->evidence, p, n);
	m->evidence[n] = '\0';
}

static int
cmp_match(const void *a, const void *b)
{
	const struct rules_match *x = a, *y = b;

	if (x->strength != y->strength)
		return x->strength > y->strength ? -1 : 1;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

/*
 * Match the evidence against every rule; write up to max matches (rules
 * with any evidence), strongest first, ties in rule order; return how many.
 */
size_t
rules_match(const struct rules *rs, const struct rules_input *in,
    struct rules_match *out, size_t max)
{
	struct rules_match *all, m;
	const char *hit;
	size_t i, n = 0, line;
	const struct rule *r;

	all = xcalloc(rs->n + 1, sizeof(*all));
	for (i = 0; i < rs->n; i++) {
		r = &rs->v[i];
		memset(&m, 0, sizeof(m));
		m.rule = i;
		if (in->op != NULL && *in->op != '\0' && any_match(
		    r->re[M_OP], r->nre[M_OP], &in->op, 1, NULL) != NULL)
			note(&m, RULES_OP, "blocking operation", in->op, 0);
		if ((hit = any_match(r->re[M_FRAMES], r->nre[M_FRAMES],
		    in->frames, in->nframes, NULL)) != NULL)
			note(&m, RULES_FRAME, "frame", hit, 0);
		if ((hit = any_match(r->re[M_FRAMES], r->nre[M_FRAMES],
		    in->related, in->nrelated, NULL)) != NULL)
			note(&m, RULES_RELATED, "frame in a related stack",
			    hit, 0);
		if (in->site_func != NULL && any_match(r->re[M_SITE],
		    r->nre[M_SITE], &in->site_func, 1, NULL) != NULL)
			note(&m, RULES_SITE, "function name", in->site_func, 0);
		if ((hit = any_match(r->re[M_SOURCE], r->nre[M_SOURCE],
		    in->source, in->nsource, &line)) != NULL)
			note(&m, RULES_SOURCE, "source line", hit,
			    in->source_lineno != NULL ?
			    in->source_lineno[line] : 0);
		if (r->entry && in->entry)
			note(&m, RULES_ENTRY, "the site function starts its "
			    "own goroutine", in->site_func, 0);
		if (m.strength > 0)
			all[n++] = m;
	}
	qsort(all, n, sizeof(*all), cmp_match);
	if (n > max)
		n = max;
	memcpy(out, all, n * sizeof(*out));
	free(all);
	return n;
}
