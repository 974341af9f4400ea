/* 64-bit hashing of byte strings and integers (not cryptographic). */
#ifndef LEAKATLAS_HASH_H
#define LEAKATLAS_HASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t	hash_mix64(uint64_t);
uint64_t	hash_bytes(const void *, size_t, uint64_t);

#endif
