/*
 * Patterns (pattern.h): a recursive-descent compiler from POSIX ERE to
 * Thompson NFA code, and a state-set search.  Written because glibc's
 * regcomp frees the same block twice when one of its allocations fails
 * (posix/regcomp.c, free_workarea_compile after a failed
 * create_initial_state: glibc 2.36), which aborts the program instead of
 * letting it say "out of memory"; the rules and pprof2tsv's --focus need
 * no more than this file does.
 *
 * Jumps are relative, so a compiled fragment can be moved or copied as it
 * is: that is how a repetition {n,m} repeats its operand.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pattern.h"
#include "xmalloc.h"

enum { OP_BYTE, OP_SET, OP_SPLIT, OP_JMP, OP_BOL, OP_EOL, OP_MATCH };

enum {
	MAX_CODE = 1 << 16,	/* instructions in a compiled pattern */
	MAX_DEPTH = 100,	/* nested groups */
	MAX_DUP = 255		/* the largest count of {n,m} (RE_DUP_MAX) */
};

struct inst {
	int	op;
	int	x;		/* byte, set index, or relative jump */
	int	y;		/* OP_SPLIT: the second relative jump */
};

typedef unsigned char byteset[32];

struct pattern {
	struct inst	*code;
	int		 ncode;
	byteset		*sets;
	/* The search's work space. */
	int		*cur, *next, *stack;
	unsigned	*mark, *gen;
};

struct comp {
	const char	*p;		/* the next pattern byte */
	struct inst	*code;
	int		 ncode, capcode;
	byteset		*sets;
	int		 nsets, capsets;
	int		 depth;
	char		*err;
	size_t		 errsize;
	int		 failed;
};

static int parse_alt(struct comp *);

static int
fail(struct comp *c, const char *what)
{
	if (!c->failed)
		snprintf(c->err, c->errsize, "%s", what);
	c->failed = 1;
	return -1;
}

static int
emit(struct comp *c, int op, int x, int y)
{
	if (c->ncode >= MAX_CODE)
		return fail(c, "pattern too big");
	if (c->ncode == c->capcode) {
		c->capcode = c->capcode == 0 ? 32 : c->capcode * 2;
		c->code = xreallocarray(c->code, (size_t)c->capcode,
		    sizeof(*c->code));
	}
	c->code[c->ncode].op = op;
	c->code[c->ncode].x = x;
	c->code[c->ncode].y = y;
	return c->ncode++;
}

/* Insert an instruction before the fragment starting at at. */
static int
insert(struct comp *c, int at, int op, int x, int y)
{
	struct inst in;

	if (emit(c, op, x, y) == -1)
		return -1;
	in = c->code[c->ncode - 1];
	memmove(&c->code[at + 1], &c->code[at],
	    (size_t)(c->ncode - 1 - at) * sizeof(*c->code));
	c->code[at] = in;
	return 0;
}

static int
set_new(struct comp *c)
{
	if (c->nsets == c->capsets) {
		c->capsets = c->capsets == 0 ? 8 : c->capsets * 2;
		c->sets = xreallocarray(c->sets, (size_t)c->capsets,
		    sizeof(*c->sets));
	}
	memset(c->sets[c->nsets], 0, sizeof(byteset));
	return c->nsets++;
}

static void
set_add(byteset b, int lo, int hi)
{
	for (; lo <= hi; lo++)
		b[lo >> 3] |= (unsigned char)(1 << (lo & 7));
}

static int
set_has(const byteset b, int ch)
{
	return (b[ch >> 3] >> (ch & 7)) & 1;
}

/*
 * One UTF-8 character that is not an ASCII byte of excl: an ASCII byte, a
 * well-formed multibyte sequence, or a byte that cannot start one.
 */
static int
emit_char_except(struct comp *c, const byteset excl)
{
	static const int seq[4][2] = {
		{ 0, 0 }, { 0xc2, 0xdf }, { 0xe0, 0xef }, { 0xf0, 0xf4 }
	};
	int one, cont, lead, i, j, chain = -1, next, end;

	one = set_new(c);
	set_add(c->sets[one], 0x01, 0x7f);
	for (i = 0x01; i < 0x80; i++)
		if (excl != NULL && set_has(excl, i))
			c->sets[one][i >> 3] &= (unsigned char)~(1 << (i & 7));
	set_add(c->sets[one], 0x80, 0xc1);
	set_add(c->sets[one], 0xf5, 0xff);
	cont = set_new(c);
	set_add(c->sets[cont], 0x80, 0xbf);
	/* SPLIT next; SET lead; SET cont * i; JMP end; next: ... */
	for (i = 0; i < 4; i++) {
		if (i < 3 && emit(c, OP_SPLIT, 1, i + 3) == -1)
			return -1;
		if (i == 0) {
			if (emit(c, OP_SET, one, 0) == -1)
				return -1;
		} else {
			lead = set_new(c);
			set_add(c->sets[lead], seq[i][0], seq[i][1]);
			if (emit(c, OP_SET, lead, 0) == -1)
				return -1;
			for (j = 0; j < i; j++)
				if (emit(c, OP_SET, cont, 0) == -1)
					return -1;
		}
		if (i < 3) {
			if (emit(c, OP_JMP, chain, 0) == -1)
				return -1;
			chain = c->ncode - 1;
		}
	}
	end = c->ncode;
	for (; chain != -1; chain = next) {
		next = c->code[chain].x;
		c->code[chain].x = end - chain;
	}
	return 0;
}

static int
class_add(byteset b, const char *name, size_t n)
{
	static const char *const names[] = {
		"alnum", "alpha", "blank", "cntrl", "digit", "graph",
		"lower", "print", "punct", "space", "upper", "xdigit"
	};
	size_t k;
	int ch, in;

	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (strlen(names[k]) == n && strncmp(names[k], name, n) == 0)
			break;
	if (k == sizeof(names) / sizeof(names[0]))
		return -1;
	for (ch = 1; ch < 0x80; ch++) {
		int up = ch >= 'A' && ch <= 'Z', lo = ch >= 'a' && ch <= 'z';
		int dig = ch >= '0' && ch <= '9';
		int graph = ch > 0x20 && ch < 0x7f;

		switch (k) {
		case 0: in = up || lo || dig; break;
		case 1: in = up || lo; break;
		case 2: in = ch == ' ' || ch == '\t'; break;
		case 3: in = ch < 0x20 || ch == 0x7f; break;
		case 4: in = dig; break;
		case 5: in = graph; break;
		case 6: in = lo; break;
		case 7: in = graph || ch == ' '; break;
		case 8: in = graph && !up && !lo && !dig; break;
		case 9: in = ch == ' ' || (ch >= '\t' && ch <= '\r'); break;
		case 10: in = up; break;
		default: in = dig || (ch >= 'a' && ch <= 'f') ||
		    (ch >= 'A' && ch <= 'F'); break;
		}
		if (in)
			set_add(b, ch, ch);
	}
	return 0;
}

/* A bracket expression, after its '['. */
static int
parse_bracket(struct comp *c)
{
	byteset b;
	const unsigned char *p;
	const char *end;
	int neg = 0, first = 1, lo, hi, s;

	memset(b, 0, sizeof(b));
	if (*c->p == '^') {
		neg = 1;
		c->p++;
	}
	for (;;) {
		p = (const unsigned char *)c->p;
		if (*p == '\0')
			return fail(c, "unmatched [");
		if (*p == ']' && !first) {
			c->p++;
			break;
		}
		first = 0;
		if (p[0] == '[' && p[1] == ':') {
			end = strstr(c->p + 2, ":]");
			if (end == NULL || class_add(b, c->p + 2,
			    (size_t)(end - (c->p + 2))) == -1)
				return fail(c, "unknown character class");
			c->p = end + 2;
			continue;
		}
		if (p[0] == '[' && (p[1] == '=' || p[1] == '.'))
			return fail(c, "[= =] and [. .] are not supported");
		if (p[0] >= 0x80)
			return fail(c, "non-ASCII character in brackets");
		lo = hi = p[0];
		c->p++;
		if (p[1] == '-' && p[2] != ']' && p[2] != '\0') {
			if (p[2] >= 0x80)
				return fail(c, "non-ASCII character in "
				    "brackets");
			if (p[2] == '[' && (p[3] == '=' || p[3] == '.' ||
			    p[3] == ':'))
				return fail(c, "bad range end");
			hi = p[2];
			c->p += 2;
			if (lo > hi)
				return fail(c, "bad range");
		}
		set_add(b, lo, hi);
	}
	if (neg)
		return emit_char_except(c, b);
	if ((s = set_new(c)) == -1)
		return -1;
	memcpy(c->sets[s], b, sizeof(b));
	return emit(c, OP_SET, s, 0) == -1 ? -1 : 0;
}

/* One UTF-8 character written literally: its bytes in sequence. */
static int
parse_literal(struct comp *c)
{
	const unsigned char *p = (const unsigned char *)c->p;
	int n = 1, i;

	if (p[0] >= 0xc2 && p[0] <= 0xf4)
		n = p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : 4;
	for (i = 0; i < n && (i == 0 || (p[i] & 0xc0) == 0x80); i++)
		if (emit(c, OP_BYTE, p[i], 0) == -1)
			return -1;
	c->p += i;
	return 0;
}

/*
 * An atom; 1 when it is an anchor (which cannot be repeated).  A ')'
 * without its '(' is an ordinary character, as POSIX says.
 */
static int
parse_atom(struct comp *c)
{
	unsigned char ch = (unsigned char)*c->p;

	switch (ch) {
	case '(':
		if (++c->depth > MAX_DEPTH)
			return fail(c, "groups nested too deep");
		c->p++;
		if (parse_alt(c) == -1)
			return -1;
		if (*c->p != ')')
			return fail(c, "unmatched (");
		c->p++;
		c->depth--;
		return 0;
	case '.':
		c->p++;
		return emit_char_except(c, NULL);
	case '[':
		c->p++;
		return parse_bracket(c);
	case '^':
	case '$':
		c->p++;
		return emit(c, ch == '^' ? OP_BOL : OP_EOL, 0, 0) == -1 ?
		    -1 : 1;
	case '*':
	case '+':
	case '?':
	case '{':
		return fail(c, "nothing to repeat");
	case '\\':
		ch = (unsigned char)*++c->p;
		if (ch == '\0')
			return fail(c, "trailing backslash");
		if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= 'A' && ch <= 'Z'))
			return fail(c, "backslash before a letter or digit");
		return parse_literal(c);
	default:
		return parse_literal(c);
	}
}

static int
parse_count(struct comp *c, int *v)
{
	if (*c->p < '0' || *c->p > '9')
		return -1;
	for (*v = 0; *c->p >= '0' && *c->p <= '9'; c->p++)
		if ((*v = *v * 10 + (*c->p - '0')) > MAX_DUP)
			return -1;
	return 0;
}

/* {min,max} of the fragment from at (max -1: no limit). */
static int
repeat(struct comp *c, int at, int min, int max)
{
	int len = c->ncode - at, copies, i;
	struct inst *frag;

	if (len == 0)
		return 0;	/* nothing repeated is still nothing */
	copies = min + (max == -1 ? 1 : max - min);
	if ((long)copies * (len + 2) > MAX_CODE - c->ncode)
		return fail(c, "pattern too big");
	frag = xreallocarray(NULL, (size_t)len + 1, sizeof(*frag));
	memcpy(frag, &c->code[at], (size_t)len * sizeof(*frag));
	c->ncode = at;
	for (i = 0; i < copies; i++) {
		if (i >= min && emit(c, OP_SPLIT, 1, len + (max == -1 ?
		    2 : 1)) == -1)
			break;
		if (c->ncode + len > c->capcode) {
			c->capcode = c->ncode + len;
			c->code = xreallocarray(c->code, (size_t)c->capcode,
			    sizeof(*c->code));
		}
		memcpy(&c->code[c->ncode], frag, (size_t)len * sizeof(*frag));
		c->ncode += len;
		if (i >= min && max == -1 &&
		    emit(c, OP_JMP, -(len + 1), 0) == -1)
			break;
	}
	free(frag);
	return c->failed ? -1 : 0;
}

/* An atom and its repetitions. */
static int
parse_piece(struct comp *c)
{
	int at = c->ncode, r, len, min, max;

	if ((r = parse_atom(c)) == -1)
		return -1;
	for (;;) {
		len = c->ncode - at;
		switch (*c->p) {
		case '*':
		case '+':
		case '?':
		case '{':
			if (r == 1)
				return fail(c, "nothing to repeat");
			break;
		default:
			return 0;
		}
		switch (*c->p++) {
		case '*':
			if (insert(c, at, OP_SPLIT, 1, len + 2) == -1 ||
			    emit(c, OP_JMP, -(len + 1), 0) == -1)
				return -1;
			break;
		case '+':
			if (emit(c, OP_SPLIT, -len, 1) == -1)
				return -1;
			break;
		case '?':
			if (insert(c, at, OP_SPLIT, 1, len + 1) == -1)
				return -1;
			break;
		default:
			if (parse_count(c, &min) == -1)
				return fail(c, "bad {n,m}");
			max = min;
			if (*c->p == ',') {
				c->p++;
				max = -1;
				if (*c->p != '}' && (parse_count(c, &max) == -1 ||
				    max < min))
					return fail(c, "bad {n,m}");
			}
			if (*c->p++ != '}')
				return fail(c, "bad {n,m}");
			if (repeat(c, at, min, max) == -1)
				return -1;
		}
	}
}

/* Branches separated by '|', up to the end or a ')'. */
static int
parse_alt(struct comp *c)
{
	int start = c->ncode, chain = -1, next, end;

	for (;;) {
		while (*c->p != '\0' && *c->p != '|' &&
		    (*c->p != ')' || c->depth == 0))
			if (parse_piece(c) == -1)
				return -1;
		if (*c->p != '|')
			break;
		c->p++;
		if (insert(c, start, OP_SPLIT, 1, c->ncode - start + 2) == -1 ||
		    emit(c, OP_JMP, chain, 0) == -1)
			return -1;
		chain = c->ncode - 1;
		start = c->ncode;
	}
	end = c->ncode;
	for (; chain != -1; chain = next) {
		next = c->code[chain].x;
		c->code[chain].x = end - chain;
	}
	return 0;
}

struct pattern *
pattern_new(const char *s, char *err, size_t errsize)
{
	struct comp c;
	struct pattern *pt;
	size_t n;

	memset(&c, 0, sizeof(c));
	c.p = s;
	c.err = err;
	c.errsize = errsize;
	parse_alt(&c);
	if (!c.failed)
		emit(&c, OP_MATCH, 0, 0);
	if (c.failed) {
		free(c.code);
		free(c.sets);
		return NULL;
	}
	pt = xcalloc(1, sizeof(*pt));
	pt->code = c.code;
	pt->ncode = c.ncode;
	pt->sets = c.sets;
	n = (size_t)c.ncode;
	pt->cur = xreallocarray(NULL, n, sizeof(int));
	pt->next = xreallocarray(NULL, n, sizeof(int));
	pt->stack = xreallocarray(NULL, 2 * n + 2, sizeof(int));
	pt->mark = xcalloc(n, sizeof(unsigned));
	pt->gen = xcalloc(1, sizeof(unsigned));
	return pt;
}

size_t
pattern_size(const struct pattern *pt)
{
	return (size_t)pt->ncode;
}

void
pattern_free(struct pattern *pt)
{
	if (pt == NULL)
		return;
	free(pt->code);
	free(pt->sets);
	free(pt->cur);
	free(pt->next);
	free(pt->stack);
	free(pt->mark);
	free(pt->gen);
	free(pt);
}

static void
next_gen(const struct pattern *pt)
{
	if (++*pt->gen == 0) {
		memset(pt->mark, 0, (size_t)pt->ncode * sizeof(unsigned));
		*pt->gen = 1;
	}
}

/*
 * Add the thread at pc, at position pos of s, to list with everything it
 * reaches without reading a byte; 1 when that includes the match.
 */
static int
add(const struct pattern *pt, int *list, int *n, int pc, const char *s,
    size_t pos)
{
	const struct inst *in;
	int sp = 0;

	pt->stack[sp++] = pc;
	while (sp > 0) {
		pc = pt->stack[--sp];
		if (pt->mark[pc] == *pt->gen)
			continue;
		pt->mark[pc] = *pt->gen;
		in = &pt->code[pc];
		switch (in->op) {
		case OP_JMP:
			pt->stack[sp++] = pc + in->x;
			break;
		case OP_SPLIT:
			pt->stack[sp++] = pc + in->y;
			pt->stack[sp++] = pc + in->x;
			break;
		case OP_BOL:
			if (pos == 0)
				pt->stack[sp++] = pc + 1;
			break;
		case OP_EOL:
			if (s[pos] == '\0')
				pt->stack[sp++] = pc + 1;
			break;
		case OP_MATCH:
			return 1;
		default:
			list[(*n)++] = pc;
		}
	}
	return 0;
}

int
pattern_find(const struct pattern *pt, const char *s)
{
	const struct inst *in;
	int *cur = pt->cur, *next = pt->next, *t, ncur = 0, nnext, i, ch;
	size_t pos;

	next_gen(pt);
	if (add(pt, cur, &ncur, 0, s, 0))
		return 1;
	for (pos = 0; s[pos] != '\0'; pos++) {
		ch = (unsigned char)s[pos];
		next_gen(pt);
		nnext = 0;
		for (i = 0; i < ncur; i++) {
			in = &pt->code[cur[i]];
			if ((in->op == OP_BYTE ? in->x == ch :
			    set_has(pt->sets[in->x], ch)) &&
			    add(pt, next, &nnext, cur[i] + 1, s, pos + 1))
				return 1;
		}
		if (add(pt, next, &nnext, 0, s, pos + 1))
			return 1;
		t = cur;
		cur = next;
		next = t;
		ncur = nnext;
	}
	return 0;
}
