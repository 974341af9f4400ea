/* Pipelines of processes with fork, exec, pipe and wait; see spawn.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "spawn.h"
#include "xmalloc.h"

#define SPAWN_MAX	64

/* The running children, for the signal handler to pass SIGTERM on. */
static volatile pid_t children[SPAWN_MAX];
static struct sigaction old_actions[3];
static const int caught[3] = { SIGINT, SIGTERM, SIGHUP };

/*
 * The runner is told to stop: stop the children, then do what was set up
 * before (outfile.c removes temporary files and dies by the signal).
 */
static void
on_signal(int sig)
{
	int i;

	for (i = 0; i < SPAWN_MAX; i++)
		if (children[i] > 0)
			(void)kill(children[i], SIGTERM);
	for (i = 0; i < 3; i++)
		if (caught[i] == sig && old_actions[i].sa_handler != SIG_DFL &&
		    old_actions[i].sa_handler != SIG_IGN) {
			old_actions[i].sa_handler(sig);
			break;
		}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
handlers_set(int on)
{
	struct sigaction sa;
	int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < 3; i++)
		if (on)
			sigaction(caught[i], &sa, &old_actions[i]);
		else
			sigaction(caught[i], &old_actions[i], NULL);
}

/* A tee member: copy fd 0 to fd 1 and to fd; the exit status says how. */
static _Noreturn void
tee_copy(int fd)
{
	char buf[65536];
	ssize_t n, w, off;
	int i, out[2] = { STDOUT_FILENO, fd };

	for (;;) {
		if ((n = read(STDIN_FILENO, buf, sizeof(buf))) == 0)
			_exit(0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		for (i = 0; i < 2; i++)
			for (off = 0; off < n; off += w)
				if ((w = write(out[i], buf + off,
				    (size_t)(n - off))) < 0) {
					if (errno == EINTR) {
						w = 0;
						continue;
					}
					if (i == 1)
						err_warn("tee: %s",
						    strerror(errno));
					_exit(1);
				}
	}
}

static _Noreturn void
child(const struct spawn_cmd *c, int in, int out)
{
	int i;

	for (i = 0; i < 3; i++)
		signal(caught[i], SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	if ((in != STDIN_FILENO && dup2(in, STDIN_FILENO) == -1) ||
	    (out != STDOUT_FILENO && dup2(out, STDOUT_FILENO) == -1)) {
		err_warn("dup2: %s", strerror(errno));
		_exit(127);
	}
	if (c->path == NULL)
		tee_copy(c->tee_fd);
	execv(c->path, c->argv);
	err_warn("cannot run %s: %s", c->path, strerror(errno));
	_exit(127);
}

static void
record(struct spawn_cmd *c, int st)
{
	if (WIFSIGNALED(st)) {
		c->sig = WTERMSIG(st);
		c->status = 128 + c->sig;
	} else
		c->status = WEXITSTATUS(st);
}

/* A member failed unless it exited 0, or 3 ("found something"). */
int
spawn_failed(const struct spawn_cmd *c)
{
	return c->sig != 0 || (c->status != 0 && c->status != EXIT_FOUND);
}

/*
 * Start cmds[0] | cmds[1] | ... with the first reading in and the last
 * writing out, wait for all, and return the index of the member to blame,
 * or -1 when none failed.  To blame is the first member in pipeline order
 * that failed by itself: a member killed by SIGPIPE or by our SIGTERM only
 * follows another's failure.  SIGPIPE alone is no failure (the reader
 * stopped reading, its choice) except for the last member, whose reader is
 * outside.  Pipe ends are close-on-exec, so each child
 * holds only its own stdin and stdout.
 */
long
spawn_chain(struct spawn_cmd *cmds, size_t n, int in, int out)
{
	int fds[2], prev = in, cur, st, stopping = 0;
	size_t i, left = 0;
	long blame = -1, first = -1;
	pid_t pid;

	if (n == 0 || n > SPAWN_MAX)
		err_die(EXIT_USAGE, "a pipeline has 1 to %d members",
		    SPAWN_MAX);
	fflush(NULL);
	handlers_set(1);
	for (i = 0; i < n; i++) {
		cmds[i].pid = 0;
		cmds[i].status = 0;
		cmds[i].sig = 0;
		cmds[i].stopped = 0;
		fds[0] = fds[1] = -1;
		if (i + 1 < n && pipe2(fds, O_CLOEXEC) == -1)
			err_die(EXIT_DATA, "pipe: %s", strerror(errno));
		cur = i + 1 < n ? fds[1] : out;
		if ((pid = fork()) == -1) {
			err_warn("fork: %s", strerror(errno));
			cmds[i].status = EXIT_DATA;
			if (fds[0] != -1) {
				close(fds[0]);
				close(fds[1]);
			}
			break;
		}
		if (pid == 0)
			child(&cmds[i], prev, cur);
		cmds[i].pid = pid;
		children[i] = pid;
		left++;
		if (prev != in)
			close(prev);
		if (cur != out)
			close(cur);
		prev = fds[0];
	}
	if (i < n) {
		/* fork failed: stop what started, blame the unstarted one. */
		if (prev != in && prev != -1)
			close(prev);
		first = (long)i;
		stopping = 1;
		for (i = 0; i < n; i++)
			if (cmds[i].pid > 0) {
				kill(cmds[i].pid, SIGTERM);
				cmds[i].stopped = 1;
			}
	}
	while (left > 0) {
		if ((pid = waitpid(-1, &st, 0)) == -1) {
			if (errno == EINTR)
				continue;
			err_die(EXIT_DATA, "wait: %s", strerror(errno));
		}
		for (i = 0; i < n && cmds[i].pid != pid; i++)
			;
		if (i == n)
			continue;
		children[i] = 0;
		left--;
		record(&cmds[i], st);
		if (!spawn_failed(&cmds[i]) || cmds[i].sig == SIGPIPE)
			continue;
		if (first < 0)
			first = (long)i;
		if (stopping)
			continue;
		stopping = 1;
		for (i = 0; i < n; i++)
			if (children[i] > 0) {
				kill(children[i], SIGTERM);
				cmds[i].stopped = 1;
			}
	}
	handlers_set(0);
	for (i = 0; i < n && blame < 0; i++)
		if (spawn_failed(&cmds[i]) && cmds[i].sig != SIGPIPE &&
		    !(cmds[i].stopped && cmds[i].sig == SIGTERM) &&
		    (cmds[i].pid > 0 || (long)i == first))
			blame = (long)i;
	if (blame < 0 && cmds[n - 1].sig == SIGPIPE)
		blame = (long)(n - 1);
	return blame >= 0 ? blame : first;
}
