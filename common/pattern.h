/*
 * Patterns: POSIX extended regular expressions, compiled to a small NFA
 * and searched in time linear in the subject, without the C library's
 * regcomp (which glibc cannot recover from an allocation failure in, see
 * common/pattern.c).  Only "does the pattern occur in s" is answered.
 *
 * Supported: literals, '.', bracket expressions with ranges and the
 * [:class:] names (ASCII classes, as in the C locale), '^', '$', groups,
 * '|', and the repetitions '*', '+', '?', {n}, {n,}, {n,m} (m <= 255).
 * Subjects and patterns are UTF-8: '.' and a negated bracket expression
 * match one whole character.  Not supported, and an error rather than a
 * different meaning: backslash before a letter or digit (GNU \w, \b, \1,
 * ...), [=e=] and [.c.], non-ASCII characters inside brackets.
 */
#ifndef LEAKATLAS_PATTERN_H
#define LEAKATLAS_PATTERN_H

#include <stddef.h>

struct pattern;

/*
 * Compile s.  On a syntax error return NULL with a message (lower case)
 * in err.  Allocation failures exit 1 (xmalloc).  Free with pattern_free.
 */
struct pattern	*pattern_new(const char *s, char *err, size_t errsize);
void		 pattern_free(struct pattern *);

/* 1 when the pattern matches somewhere in s, else 0.  Not reentrant:
 * the compiled pattern holds the search's work space. */
int		 pattern_find(const struct pattern *, const char *s);

/* Instructions of the compiled pattern: a search takes at most that many
 * steps per byte of its subject. */
size_t		 pattern_size(const struct pattern *);

#endif
