/*
 * Go source for the report: find a profile's file name (often a -trimpath
 * module path such as leakcorpus/svc/main.go) under a local folder by path
 * suffix, read the lines around a site and the body of its function, and
 * match `go build -gcflags=-m` lines to a file:line.
 */
#ifndef LEAKATLAS_SOURCE_H
#define LEAKATLAS_SOURCE_H

#include <stddef.h>

#define SOURCE_CONTEXT	5	/* excerpt lines before and after the site */

struct source_tree;

/* Lines around a site and its enclosing function's code. */
struct source_func {
	char	       **excerpt;	/* the file's lines, as they are */
	size_t		 nexcerpt;
	int		 excerpt_first;	/* line number of excerpt[0] */
	char	       **code;		/* the function, comments removed */
	int		*code_lineno;
	size_t		 ncode;
};

struct source_tree *source_tree_new(const char *);
void		 source_tree_free(struct source_tree *);
char		*source_tree_find(const struct source_tree *, const char *);
int		 source_load(const char *, int, struct source_func *, char *,
		    size_t);
void		 source_func_free(struct source_func *);
int		 source_same_line(const char *, const char *, int);
size_t		 source_suffix_parts(const char *, const char *);

#endif
