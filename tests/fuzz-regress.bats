#!/usr/bin/env bats
# Inputs the fuzz campaigns (tests/fuzz) found to crash, hang or leak,
# given to the real tools: each must now give a clean answer.

load lib

@test "fuzz regression: a rule with quantifiers nested 17 deep loads at once" {
	# glibc's regcomp took 3 s and 220 MB on it (ASan build), 30 s and
	# 1.4 GB with 20 '+' signs: a hang.  Rules now compile with our own
	# matcher (common/pattern.c), linear in the pattern: the rule loads
	# and, being what the shipped goroutine-channel rule is, matches.
	golden report fuzz-nested-quantifiers report --rules-only \
	    ../fuzz/regress/rules-nested-quantifiers.yaml report/suspects.tsv
}

@test "fuzz regression: a rule naming itself twice loads without a leak" {
	# The first name was never freed (LeakSanitizer, fuzz_rules); the
	# last one counts, as for every other key of a rule.
	golden report fuzz-duplicate-name report --rules-only \
	    ../fuzz/regress/rules-duplicate-name.yaml report/suspects.tsv
}

@test "fuzz regression: an empty packed run of values or ids is no undefined behaviour" {
	# UBSan (fuzz_pprof, CI): an empty packed field left the scratch
	# array NULL and read_ints added 0 to it.  Both are bad samples.
	golden pprof2tsv fuzz-empty-packed-1 pprof2tsv \
	    ../fuzz/regress/pprof-empty-packed-55e00a1f.pb
	golden pprof2tsv fuzz-empty-packed-2 pprof2tsv \
	    ../fuzz/regress/pprof-empty-packed-9ee96e43.pb
}

@test "fuzz regression: 660 sample types named alike are named in linear time" {
	# fuzz_pprof: naming the columns compared each candidate name with
	# every name before it, cubic in the number of types: 12 s for this
	# 6.6 KB input under ASan, hours for 64 KB.  Now a hash lookup per
	# name.  No samples: the header alone, every column numbered.
	golden pprof2tsv fuzz-many-types pprof2tsv \
	    ../fuzz/regress/pprof-many-types-0383152b.pb
}
