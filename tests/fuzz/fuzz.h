/*
 * Shared by the libFuzzer targets in tests/fuzz: checks on what a parser
 * says when it rejects input, and the exit trap (trap.c) for the parsers
 * whose documented reaction to bad data is err_die().
 */
#ifndef LEAKATLAS_FUZZ_H
#define LEAKATLAS_FUZZ_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * Most bytes a target decompresses; more is "too large".  Small: a gzip
 * trailer claiming a huge size makes pprof_load allocate this much at
 * once, and under AddressSanitizer 16 MiB per input (shadow poisoned,
 * pages faulted) cost most of the run time.
 */
#define FUZZ_MAX_BYTES	((size_t)1 << 20)

void	fuzz_check_err(const char *, const char *);
void	fuzz_check_tsv(const char *, size_t, const char *);

/*
 * trap.c: between fuzz_trap_arm() and fuzz_trap_disarm(), exit() jumps
 * back to fuzz_trap_jmp (setjmp returns the status + 1) and every block
 * the code under test malloc'ed and did not free is released, so that
 * one rejected input costs nothing to the next.  fuzz_trap_disarm() and
 * fuzz_trap_resume() pause it around code whose blocks must survive a jump.
 */
extern jmp_buf	fuzz_trap_jmp;
void	fuzz_trap_arm(void);
void	fuzz_trap_disarm(void);
void	fuzz_trap_resume(void);
void	fuzz_trap_release(void);
const char *fuzz_trap_file(const uint8_t *, size_t);
int	fuzz_trap_call(void (*)(void *), void *);
int	fuzz_trap_load(void (*)(void *), const uint8_t *, size_t);

#endif
