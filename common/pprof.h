/*
 * Reading pprof snapshots: a whole input (file or stdin) read under a size
 * cap, gunzipped when it starts with the gzip magic bytes, then decoded from
 * profile.proto (or Go's debug=1 text, through legacy.h) into a struct prof.
 * Every id and string index in the file is checked; a bad one is reported,
 * never followed.  Functions return 0, or -1 with a one-line message in err.
 */
#ifndef LEAKATLAS_PPROF_H
#define LEAKATLAS_PPROF_H

#include <stddef.h>
#include <stdint.h>

struct prof;

/* The bytes of one input, decompressed; data is malloc'ed. */
struct pprof_input {
	unsigned char	*data;
	size_t		 len;
	int		 gzipped;
	int		 is_file;	/* a regular file: mtime is known */
	int64_t		 mtime_nanos;
};

int	pprof_read(const char *, size_t, struct pprof_input *, char *, size_t);
int	pprof_load(struct pprof_input *, unsigned char *, size_t, size_t,
	    char *, size_t);
int	pprof_gunzip(const unsigned char *, size_t, size_t, unsigned char **,
	    size_t *, char *, size_t);
void	pprof_input_free(struct pprof_input *);
struct prof_sample;

/* Called with each sample; the sample is valid during the call only. */
typedef int (*pprof_sample_fn)(void *, const struct prof *,
	    const struct prof_sample *, char *, size_t);

int	pprof_decode(struct prof *, const void *, size_t, char *, size_t);
int	pprof_decode_each(struct prof *, const void *, size_t,
	    pprof_sample_fn, void *, char *, size_t);
int	pprof_parse(struct prof *, const struct pprof_input *,
	    pprof_sample_fn, void *, char *, size_t);

#endif
