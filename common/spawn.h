/*
 * Run a chain of programs joined by pipes, like a shell pipeline but with
 * fork/exec only: no shell, no PATH search.  A member without a path is a
 * copy of this process that copies its input to its output and to a file
 * (the runner's "tee").  When a member fails the others get SIGTERM.
 */
#ifndef LEAKATLAS_SPAWN_H
#define LEAKATLAS_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

struct spawn_cmd {
	const char	*path;		/* NULL: a tee into tee_fd */
	char *const	*argv;
	int		 tee_fd;
	/* Filled by spawn_chain(): */
	pid_t		 pid;
	int		 status;	/* exit status, or 128 + signal */
	int		 sig;		/* the signal that killed it, or 0 */
	int		 stopped;	/* we sent it SIGTERM */
};

int	spawn_failed(const struct spawn_cmd *);
long	spawn_chain(struct spawn_cmd *, size_t, int, int);

#endif
