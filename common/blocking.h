/*
 * Where and how a goroutine waits: the blocking operation of a goroutine
 * profile stack (channel receive, select, mutex, ...) and the frame a
 * person would blame for it, in the manner of LeakProf.
 */
#ifndef LEAKATLAS_BLOCKING_H
#define LEAKATLAS_BLOCKING_H

#include <stddef.h>

const char	*blocking_classify(const char *, size_t, const char **,
		    size_t *);

#endif
