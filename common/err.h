/* Messages on stderr prefixed with the program name, and the exit codes. */
#ifndef LEAKATLAS_ERR_H
#define LEAKATLAS_ERR_H

#include <stdarg.h>

enum {
	EXIT_OK = 0,
	EXIT_DATA = 1,		/* bad input data or I/O error */
	EXIT_USAGE = 2,		/* bad usage */
	EXIT_FOUND = 3		/* --fail-on and gates: something was found */
};

void		 err_setprog(const char *);
const char	*err_prog(void);
void		 err_warn(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
void		 err_vwarn(const char *, va_list)
		    __attribute__((format(printf, 1, 0)));
_Noreturn void	 err_die(int, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
_Noreturn void	 err_usage(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
void		 err_version(void);
int		 err_set(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

#endif
