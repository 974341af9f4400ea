/* Go source lookup for the report; see source.h. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "err.h"
#include "source.h"
#include "xmalloc.h"

#define MAX_FILES	200000		/* files remembered under the root */
#define MAX_LINES	200000		/* lines read from one source file */
#define MAX_FUNC	2000		/* lines searched for a function's ends */

struct source_tree {
	char	       **path;
	size_t		 n;
};

static void
push(char ***v, size_t *n, char *s)
{
	*v = xreallocarray(*v, *n + 1, sizeof(char *));
	(*v)[(*n)++] = s;
}

/*
 * Is errno about the file itself (gone, not allowed, not a file), so that
 * the report can go on without it and say so?  Anything else (out of
 * memory or file descriptors, an I/O error) is fatal.
 */
static int
file_unusable(int e)
{
	return e == ENOENT || e == EACCES || e == EPERM || e == ENOTDIR ||
	    e == EISDIR || e == ELOOP || e == ENAMETOOLONG || e == ENXIO;
}

/*
 * Every regular file under root, found with an explicit queue of folders
 * (no recursion); symbolic links are not followed.  A folder below root
 * that cannot be listed is skipped with a warning.
 */
struct source_tree *
source_tree_new(const char *root)
{
	struct source_tree *t = xcalloc(1, sizeof(*t));
	char **dirs = NULL, *dir, *p;
	size_t ndirs = 0, next = 0;
	struct dirent *de;
	struct stat st;
	DIR *d;

	if (stat(root, &st) == -1)
		err_die(EXIT_DATA, "%s: %s", root, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		err_die(EXIT_DATA, "%s: not a folder", root);
	push(&dirs, &ndirs, xstrdup(root));
	while (next < ndirs && t->n < MAX_FILES) {
		dir = dirs[next++];
		if ((d = opendir(dir)) == NULL) {
			if (next == 1 || !file_unusable(errno))
				err_die(EXIT_DATA, "%s: %s", dir,
				    strerror(errno));
			err_warn("%s: %s (skipped)", dir, strerror(errno));
			continue;
		}
		for (;;) {
			errno = 0;
			if (t->n >= MAX_FILES || (de = readdir(d)) == NULL)
				break;
			if (de->d_name[0] == '.')
				continue;
			xasprintf(&p, "%s/%s", dir, de->d_name);
			if (lstat(p, &st) == -1) {
				if (!file_unusable(errno))
					err_die(EXIT_DATA, "%s: %s", p,
					    strerror(errno));
				free(p);
				continue;
			}
			if (S_ISDIR(st.st_mode))
				push(&dirs, &ndirs, p);
			else if (S_ISREG(st.st_mode))
				push(&t->path, &t->n, p);
			else
				free(p);
		}
		if (errno != 0)
			err_die(EXIT_DATA, "%s: %s", dir, strerror(errno));
		closedir(d);
	}
	for (next = 0; next < ndirs; next++)
		free(dirs[next]);
	free(dirs);
	return t;
}

void
source_tree_free(struct source_tree *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++)
		free(t->path[i]);
	free(t->path);
	free(t);
}

static size_t
parts(const char *p)
{
	size_t n = *p != '\0';

	for (; *p != '\0'; p++)
		if (*p == '/' && p[1] != '\0')
			n++;
	return n;
}

/* How many trailing '/'-separated components of a and b are equal. */
size_t
source_suffix_parts(const char *a, const char *b)
{
	const char *ea = a + strlen(a), *eb = b + strlen(b), *sa, *sb;
	size_t n = 0;

	while (ea > a && eb > b) {
		for (sa = ea; sa > a && sa[-1] != '/'; sa--)
			;
		for (sb = eb; sb > b && sb[-1] != '/'; sb--)
			;
		if (ea - sa != eb - sb || memcmp(sa, sb,
		    (size_t)(ea - sa)) != 0 || ea == sa)
			break;
		n++;
		ea = sa > a ? sa - 1 : a;
		eb = sb > b ? sb - 1 : b;
		if (sa == a || sb == b)
			break;
	}
	return n;
}

/*
 * The file under the tree that shares the longest path suffix with name;
 * ties go to the smaller path.  A match on the base name alone is used
 * only when it is the only file of that name.  Returns an owned path.
 */
char *
source_tree_find(const struct source_tree *t, const char *name)
{
	size_t i, k, best = 0, nbest = 0;
	const char *bp = NULL;

	for (i = 0; i < t->n; i++) {
		k = source_suffix_parts(t->path[i], name);
		if (k == 0 || k < best)
			continue;
		if (k > best) {
			best = k;
			nbest = 0;
			bp = t->path[i];
		} else if (strcmp(t->path[i], bp) < 0)
			bp = t->path[i];
		nbest++;
	}
	if (bp == NULL || (best == 1 && nbest > 1 && parts(name) > 1))
		return NULL;
	return xstrdup(bp);
}

/* Remove a // comment (string and rune literals are left alone) and the
 * trailing blanks. */
static char *
strip_comment(const char *s)
{
	char *c = xstrdup(s), q = 0;
	size_t i;

	for (i = 0; c[i] != '\0'; i++) {
		if (q != 0) {
			if (c[i] == '\\' && q != '`' && c[i + 1] != '\0')
				i++;
			else if (c[i] == q)
				q = 0;
		} else if (c[i] == '"' || c[i] == '`' || c[i] == '\'') {
			q = c[i];
		} else if (c[i] == '/' && c[i + 1] == '/') {
			c[i] = '\0';
			break;
		}
	}
	for (i = strlen(c); i > 0 && (c[i - 1] == ' ' || c[i - 1] == '\t');
	    i--)
		c[i - 1] = '\0';
	return c;
}

void
source_func_free(struct source_func *f)
{
	size_t i;

	for (i = 0; i < f->nexcerpt; i++)
		free(f->excerpt[i]);
	free(f->excerpt);
	for (i = 0; i < f->ncode; i++)
		free(f->code[i]);
	free(f->code);
	free(f->code_lineno);
	memset(f, 0, sizeof(*f));
}

/*
 * Read path and fill f for the site at line: the enclosing top-level
 * function ("func" at the start of a line down to the "}" that starts a
 * line) as code, and as excerpt the whole function when it is short, else
 * SOURCE_CONTEXT lines either side.  Returns -1 with the reason in why
 * when the file is not there or not readable or has no such line; dies on
 * a read error or when out of memory or file descriptors.
 */
int
source_load(const char *path, int line, struct source_func *f, char *why,
    size_t whysize)
{
	FILE *fp;
	char **lines = NULL, *buf = NULL;
	size_t n = 0, cap = 0, i, lo, hi, flo, fhi;
	ssize_t len;
	int found_lo = 0, found_hi = 0;

	memset(f, 0, sizeof(*f));
	if ((fp = fopen(path, "r")) == NULL) {
		if (!file_unusable(errno))
			err_die(EXIT_DATA, "%s: %s", path, strerror(errno));
		return err_set(why, whysize, "%s", strerror(errno));
	}
	for (;;) {
		errno = 0;
		if (n >= MAX_LINES || (len = getline(&buf, &cap, fp)) == -1)
			break;
		while (len > 0 && (buf[len - 1] == '\n' ||
		    buf[len - 1] == '\r'))
			buf[--len] = '\0';
		push(&lines, &n, xstrdup(buf));
	}
	/* getline also stops on ENOMEM, without setting the error flag. */
	if (n < MAX_LINES && (ferror(fp) || !feof(fp)))
		err_die(EXIT_DATA, "%s: %s", path, strerror(errno != 0 ?
		    errno : EIO));
	free(buf);
	fclose(fp);
	if (line < 1 || (size_t)line > n) {
		for (i = 0; i < n; i++)
			free(lines[i]);
		free(lines);
		return err_set(why, whysize, "it has no line %d", line);
	}
	i = (size_t)line - 1;
	for (flo = i; flo + MAX_FUNC > i; flo--) {
		if (strncmp(lines[flo], "func ", 5) == 0) {
			found_lo = 1;
			break;
		}
		if (flo == 0)
			break;
	}
	for (fhi = i; fhi < n && fhi < i + MAX_FUNC; fhi++)
		if (lines[fhi][0] == '}') {
			found_hi = 1;
			break;
		}
	if (!found_lo || !found_hi) {
		flo = i;
		fhi = i;
	}
	if (fhi - flo <= 4 * SOURCE_CONTEXT && found_lo && found_hi) {
		lo = flo;
		hi = fhi;
	} else {
		lo = i > SOURCE_CONTEXT ? i - SOURCE_CONTEXT : 0;
		hi = i + SOURCE_CONTEXT < n ? i + SOURCE_CONTEXT : n - 1;
	}
	f->excerpt_first = (int)lo + 1;
	for (i = lo; i <= hi; i++)
		push(&f->excerpt, &f->nexcerpt, xstrdup(lines[i]));
	f->code_lineno = xcalloc(fhi - flo + 1, sizeof(int));
	for (i = flo; i <= fhi; i++) {
		f->code_lineno[f->ncode] = (int)i + 1;
		push(&f->code, &f->ncode, strip_comment(lines[i]));
	}
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	return 0;
}

/*
 * Is the escape-analysis line "path:line[:col]: message" about file:line?
 * The paths must agree on every component the shorter one has.
 */
int
source_same_line(const char *esc, const char *file, int line)
{
	const char *go = strstr(esc, ".go:");
	char *path, *end;
	size_t k, pa, pb;
	long l;
	int same;

	if (go == NULL)
		return 0;
	l = strtol(go + 4, &end, 10);
	if (end == go + 4 || (*end != ':') || l != line)
		return 0;
	path = xstrndup(esc, (size_t)(go + 3 - esc));
	end = path;
	while (strncmp(end, "./", 2) == 0)
		end += 2;
	k = source_suffix_parts(end, file);
	pa = parts(end);
	pb = parts(file);
	same = k > 0 && k == (pa < pb ? pa : pb);
	free(path);
	return same;
}
