/*
 * Leak-pattern rules (leakatlas-rules(5)): named patterns with POSIX regular
 * expressions over stack frames, goroutine blocking operations, source lines
 * and the site function, each with an explanation and a fix.  A suspect's
 * evidence is matched against every rule; the strongest evidence wins.
 */
#ifndef LEAKATLAS_RULES_H
#define LEAKATLAS_RULES_H

#include <stddef.h>

struct rules;

/* Kinds of evidence, weakest first; the value is the strength. */
enum rules_kind {
	RULES_NONE = 0,
	RULES_ENTRY = 1,	/* site function starts its goroutine */
	RULES_SITE = 3,		/* the site function's name */
	RULES_SOURCE = 3,	/* a line of the site function's source */
	RULES_RELATED = 3,	/* a frame below the site, another stack */
	RULES_FRAME = 4,	/* a frame below the site, its own stack */
	RULES_OP = 5		/* the blocking operation */
};

/* What is known about one suspect; every array may be empty. */
struct rules_input {
	const char	*site_func;	/* "main.f" or NULL */
	const char	*op;		/* goroutine blocking op or NULL */
	int		 entry;		/* site function is the stack's root */
	const char *const *frames;	/* below the site, own stack */
	size_t		 nframes;
	const char *const *related;	/* below the site, other stacks */
	size_t		 nrelated;
	const char *const *source;	/* body lines, comments removed */
	const int	*source_lineno;
	size_t		 nsource;
};

/* The outcome for one rule. */
struct rules_match {
	size_t		 rule;		/* index in the rule set */
	int		 strength;	/* enum rules_kind */
	const char	*what;		/* "frame", "source line", ... */
	int		 line;		/* the source line's number, or 0 */
	char		 evidence[160];	/* the frame, line or op matched */
};

/* A rule's texts. */
struct rules_info {
	char		*name;
	char		*title;
	char		*explanation;
	char		*fix;
};

struct rules	*rules_new(void);
void		 rules_free(struct rules *);
void		 rules_load(struct rules *, const char *);
void		 rules_load_default(struct rules *);

/* common/rules.yaml, compiled in (generated at build time). */
extern const char rules_builtin_yaml[];
size_t		 rules_count(const struct rules *);
const struct rules_info *rules_info(const struct rules *, size_t);
size_t		 rules_match(const struct rules *, const struct rules_input *,
		    struct rules_match *, size_t);

#endif
