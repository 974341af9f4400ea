/* Reading and decoding pprof snapshots; see pprof.h. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "arena.h"
#include "err.h"
#include "legacy.h"
#include "caps.h"
#include "pprof.h"
#include "prof.h"
#include "profile.pb-c.h"
#include "xmalloc.h"

typedef Leakatlas__Pprof__Profile Profile;
typedef Leakatlas__Pprof__Location Location;
typedef Leakatlas__Pprof__Function Function;
typedef Leakatlas__Pprof__Sample Sample;
typedef Leakatlas__Pprof__Label Label;

#define READ_CHUNK	(1 << 20)

/*
 * Read all of fd into a malloc'ed buffer, at most max bytes.  size is a
 * hint (the file's size, or 0).
 */
static int
read_all(int fd, size_t hint, size_t max, unsigned char **out, size_t *outlen,
    char *err, size_t errlen)
{
	unsigned char *buf;
	size_t cap, len = 0;
	ssize_t n;

	cap = hint > 0 && hint < max ? hint + 1 : READ_CHUNK;
	if (cap > max)
		cap = max + 1;
	/* A file's size is known: it will fill the buffer, fault it in. */
	buf = hint > 0 ? xmalloc_prefault(cap) : xmalloc(cap);
	for (;;) {
		if (len == cap) {
			if (cap > max) {
				free(buf);
				return caps_err(err, errlen,
				    CAPS_OPT_MAX_BYTES, max,
				    "input too large");
			}
			cap = cap > max / 2 ? max + 1 : cap * 2;
			buf = xreallocarray(buf, cap, 1);
		}
		n = read(fd, buf + len, cap - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			free(buf);
			return err_set(err, errlen, "read error: %s",
			    strerror(errno));
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > max) {
		free(buf);
		return caps_err(err, errlen, CAPS_OPT_MAX_BYTES, max,
		    "input too large");
	}
	*out = buf;
	*outlen = len;
	return 0;
}

/*
 * Inflate one or more concatenated gzip members, at most max bytes out.
 * The last member's ISIZE trailer sizes the first allocation, when deflate
 * could have made that much of inlen bytes.
 */
int
pprof_gunzip(const unsigned char *in, size_t inlen, size_t max,
    unsigned char **out, size_t *outlen, char *err, size_t errlen)
{
	z_stream zs;
	unsigned char *buf;
	size_t cap, len = 0, inpos = 0, chunk;
	uint32_t isize = 0;
	int rc;

	if (inlen >= 18)
		isize = (uint32_t)in[inlen - 4] | (uint32_t)in[inlen - 3] << 8 |
		    (uint32_t)in[inlen - 2] << 16 | (uint32_t)in[inlen - 1] << 24;
	/*
	 * ISIZE is the writer's word: deflate expands at most 1032 times
	 * (258 bytes from a code of 2 bits), so a larger claim is a lie, and
	 * believing it would fault in up to --max-bytes for a 24-byte file.
	 */
	cap = isize > 0 && isize / 1032 <= inlen ? (size_t)isize + 1 :
	    inlen * 4 + 64;
	if (cap < 4096)
		cap = 4096;
	if (cap > max)
		cap = max + 1;
	buf = xmalloc_prefault(cap);
	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
		free(buf);
		return err_set(err, errlen, "cannot start zlib");
	}
	for (;;) {
		if (len == cap) {
			if (cap > max) {
				inflateEnd(&zs);
				free(buf);
				return caps_err(err, errlen,
				    CAPS_OPT_MAX_BYTES, max,
				    "decompressed data too large");
			}
			cap = cap > max / 2 ? max + 1 : cap * 2;
			buf = xreallocarray(buf, cap, 1);
		}
		chunk = inlen - inpos;
		zs.next_in = (unsigned char *)(uintptr_t)(in + inpos);
		zs.avail_in = chunk > UINT32_MAX ? UINT32_MAX : (uInt)chunk;
		chunk = cap - len;
		zs.next_out = buf + len;
		zs.avail_out = chunk > UINT32_MAX ? UINT32_MAX : (uInt)chunk;
		rc = inflate(&zs, Z_NO_FLUSH);
		inpos = (size_t)(zs.next_in - in);
		len = (size_t)(zs.next_out - buf);
		if (rc == Z_STREAM_END) {
			if (inpos == inlen)
				break;
			if (inlen - inpos >= 2 && in[inpos] == 0x1f &&
			    in[inpos + 1] == 0x8b) {
				inflateReset(&zs);
				continue;
			}
			inflateEnd(&zs);
			free(buf);
			return err_set(err, errlen, "trailing garbage after the "
			    "gzip data at byte %zu", inpos);
		}
		if (rc == Z_OK || rc == Z_BUF_ERROR) {
			if (zs.avail_out > 0 && inpos == inlen) {
				inflateEnd(&zs);
				free(buf);
				return err_set(err, errlen, "truncated gzip data "
				    "(%zu bytes read, %zu decompressed)", inlen,
				    len);
			}
			continue;
		}
		inflateEnd(&zs);
		free(buf);
		if (rc == Z_MEM_ERROR)
			return err_set(err, errlen, "out of memory in zlib");
		return err_set(err, errlen, "corrupt gzip data near byte %zu: %s",
		    inpos, zs.msg != NULL ? zs.msg : "inflate failed");
	}
	inflateEnd(&zs);
	if (len > max) {
		free(buf);
		return caps_err(err, errlen, CAPS_OPT_MAX_BYTES, max,
		    "decompressed data too large");
	}
	*out = buf;
	*outlen = len;
	return 0;
}

/* Read path ("-" or NULL is stdin) whole, gunzipping gzip data. */
int
pprof_read(const char *path, size_t max, struct pprof_input *in, char *err,
    size_t errlen)
{
	struct stat st;
	unsigned char *raw = NULL;
	size_t rawlen = 0;
	int fd, rc;

	memset(in, 0, sizeof(*in));
	if (path == NULL || strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY)) == -1)
		return err_set(err, errlen, "%s", strerror(errno));
	if (fstat(fd, &st) == -1) {
		rc = errno;
		if (fd != STDIN_FILENO)
			close(fd);
		return err_set(err, errlen, "%s", strerror(rc));
	}
	if (S_ISDIR(st.st_mode)) {
		if (fd != STDIN_FILENO)
			close(fd);
		return err_set(err, errlen, "is a directory");
	}
	if (S_ISREG(st.st_mode)) {
		in->is_file = 1;
		in->mtime_nanos = (int64_t)st.st_mtim.tv_sec * 1000000000 +
		    st.st_mtim.tv_nsec;
	}
	rc = read_all(fd, S_ISREG(st.st_mode) ? (size_t)st.st_size : 0, max,
	    &raw, &rawlen, err, errlen);
	if (fd != STDIN_FILENO)
		close(fd);
	if (rc == -1)
		return -1;
	return pprof_load(in, raw, rawlen, max, err, errlen);
}

/*
 * Set in's data from the raw bytes of an input, gunzipping them when they
 * start with the gzip magic bytes.  Takes ownership of raw (malloc'ed),
 * which is freed on error; in's other fields are left as they are.
 */
int
pprof_load(struct pprof_input *in, unsigned char *raw, size_t rawlen,
    size_t max, char *err, size_t errlen)
{
	unsigned char *data;
	size_t len;
	int rc;

	if (rawlen == 0) {
		free(raw);
		return err_set(err, errlen, "empty file");
	}
	if (rawlen >= 2 && raw[0] == 0x1f && raw[1] == 0x8b) {
		rc = pprof_gunzip(raw, rawlen, max, &data, &len, err, errlen);
		free(raw);
		if (rc == -1)
			return -1;
		in->data = data;
		in->len = len;
		in->gzipped = 1;
	} else {
		in->data = raw;
		in->len = rawlen;
	}
	return 0;
}

void
pprof_input_free(struct pprof_input *in)
{
	free(in->data);
	in->data = NULL;
	in->len = 0;
}

/*
 * Where protobuf decoding went wrong: walk the wire format against the
 * profile.proto schema and describe the first problem found.
 */
enum { K_VARINT, K_BYTES, K_MSG, K_REPVARINT };

struct wfield {
	unsigned	 num;
	int		 kind;
	int		 sub;		/* schema index for K_MSG */
};

/* Schemas: 0 Profile, 1 ValueType, 2 Sample, 3 Label, 4 Mapping,
   5 Location, 6 Line, 7 Function.  Samples, the bulk of a profile, are
   checked as they are read (sample_read), not here. */
static const struct wfield wf_profile[] = {
	{ 1, K_MSG, 1 }, { 2, K_BYTES, 2 }, { 3, K_MSG, 4 }, { 4, K_MSG, 5 },
	{ 5, K_MSG, 7 }, { 6, K_BYTES, 0 }, { 7, K_VARINT, 0 },
	{ 8, K_VARINT, 0 }, { 9, K_VARINT, 0 }, { 10, K_VARINT, 0 },
	{ 11, K_MSG, 1 }, { 12, K_VARINT, 0 }, { 13, K_REPVARINT, 0 },
	{ 14, K_VARINT, 0 }, { 15, K_VARINT, 0 }, { 0, 0, 0 }
};
static const struct wfield wf_valuetype[] = {
	{ 1, K_VARINT, 0 }, { 2, K_VARINT, 0 }, { 0, 0, 0 }
};
static const struct wfield wf_sample[] = {
	{ 1, K_REPVARINT, 0 }, { 2, K_REPVARINT, 0 }, { 3, K_MSG, 3 },
	{ 0, 0, 0 }
};
static const struct wfield wf_label[] = {
	{ 1, K_VARINT, 0 }, { 2, K_VARINT, 0 }, { 3, K_VARINT, 0 },
	{ 4, K_VARINT, 0 }, { 0, 0, 0 }
};
static const struct wfield wf_mapping[] = {
	{ 1, K_VARINT, 0 }, { 2, K_VARINT, 0 }, { 3, K_VARINT, 0 },
	{ 4, K_VARINT, 0 }, { 5, K_VARINT, 0 }, { 6, K_VARINT, 0 },
	{ 7, K_VARINT, 0 }, { 8, K_VARINT, 0 }, { 9, K_VARINT, 0 },
	{ 10, K_VARINT, 0 }, { 0, 0, 0 }
};
static const struct wfield wf_location[] = {
	{ 1, K_VARINT, 0 }, { 2, K_VARINT, 0 }, { 3, K_VARINT, 0 },
	{ 4, K_MSG, 6 }, { 5, K_VARINT, 0 }, { 0, 0, 0 }
};
static const struct wfield wf_line[] = {
	{ 1, K_VARINT, 0 }, { 2, K_VARINT, 0 }, { 3, K_VARINT, 0 },
	{ 0, 0, 0 }
};
static const struct wfield wf_function[] = {
	{ 1, K_VARINT, 0 }, { 2, K_VARINT, 0 }, { 3, K_VARINT, 0 },
	{ 4, K_VARINT, 0 }, { 5, K_VARINT, 0 }, { 0, 0, 0 }
};
static const struct wfield *const wf_schemas[] = {
	wf_profile, wf_valuetype, wf_sample, wf_label, wf_mapping,
	wf_location, wf_line, wf_function
};
static const char *const wf_names[] = {
	"Profile", "ValueType", "Sample", "Label", "Mapping", "Location",
	"Line", "Function"
};

static int
wire_varint(const unsigned char *b, size_t end, size_t *off, uint64_t *v)
{
	uint64_t x = 0;
	unsigned shift = 0;

	while (*off < end && shift < 70) {
		x |= (uint64_t)(b[*off] & 0x7f) << shift;
		if ((b[(*off)++] & 0x80) == 0) {
			*v = x;
			return 0;
		}
		shift += 7;
	}
	return -1;
}

/* Check b[start..end) as message schema s; depth bounds the recursion. */
static int
wire_check(const unsigned char *b, size_t start, size_t end, int s,
    int depth, char *err, size_t errlen)
{
	const struct wfield *f;
	size_t off = start, at;
	uint64_t tag, v, n;
	unsigned wt;

	if (depth > 4)
		return 0;
	while (off < end) {
		at = off;
		if (wire_varint(b, end, &off, &tag) == -1)
			return err_set(err, errlen, "bad field tag at byte %zu",
			    at);
		wt = tag & 7;
		if (tag >> 3 == 0)
			return err_set(err, errlen, "field number 0 in %s at "
			    "byte %zu", wf_names[s], at);
		for (f = wf_schemas[s]; f->num != 0; f++)
			if (f->num == tag >> 3)
				break;
		switch (wt) {
		case 0:
			if (wire_varint(b, end, &off, &v) == -1)
				return err_set(err, errlen, "bad varint in %s "
				    "field %" PRIu64 " at byte %zu",
				    wf_names[s], tag >> 3, at);
			break;
		case 1:
		case 5:
			n = wt == 1 ? 8 : 4;
			if (end - off < n)
				return err_set(err, errlen, "%s field %" PRIu64
				    " at byte %zu runs past the end",
				    wf_names[s], tag >> 3, at);
			off += n;
			break;
		case 2:
			if (wire_varint(b, end, &off, &n) == -1 ||
			    n > end - off)
				return err_set(err, errlen, "%s field %" PRIu64
				    " at byte %zu: length runs past the end of "
				    "its message", wf_names[s], tag >> 3, at);
			if (f->num != 0 && f->kind == K_MSG &&
			    wire_check(b, off, off + n, f->sub, depth + 1, err,
			    errlen) == -1)
				return -1;
			if (f->num != 0 && f->kind == K_REPVARINT) {
				size_t p = off;

				while (p < off + n)
					if (wire_varint(b, off + n, &p, &v) ==
					    -1)
						return err_set(err, errlen, "bad "
						    "packed varint in %s field "
						    "%" PRIu64 " at byte %zu",
						    wf_names[s], tag >> 3, at);
			}
			off += n;
			break;
		default:
			return err_set(err, errlen, "invalid wire type %u in %s "
			    "at byte %zu", wt, wf_names[s], at);
		}
		if (f->num != 0 && (wt == 2) != (f->kind == K_MSG ||
		    f->kind == K_BYTES || f->kind == K_REPVARINT) &&
		    !(wt == 0 && f->kind == K_REPVARINT))
			return err_set(err, errlen, "%s field %" PRIu64 " has "
			    "wire type %u at byte %zu", wf_names[s], tag >> 3,
			    wt, at);
	}
	return 0;
}

/* A sorted id -> index table, or direct indexing when ids are 1..n. */
struct idmap {
	uint64_t	*ids;		/* sorted, NULL when dense */
	size_t		*idx;
	size_t		 n;
};

struct idpair {
	uint64_t	 id;
	size_t		 i;
};

static int
idpair_cmp(const void *a, const void *b)
{
	const struct idpair *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* Build from ids[0..n); return the duplicate id's position or -1. */
static int
idmap_build(struct idmap *m, struct arena *a, const uint64_t *ids, size_t n,
    uint64_t *dup)
{
	struct idpair *pairs;
	size_t i;

	m->n = n;
	m->ids = NULL;
	m->idx = NULL;
	for (i = 0; i < n; i++)
		if (ids[i] != i + 1)
			break;
	if (i == n)
		return 0;
	pairs = xreallocarray(NULL, n, sizeof(*pairs));
	for (i = 0; i < n; i++) {
		pairs[i].id = ids[i];
		pairs[i].i = i;
	}
	qsort(pairs, n, sizeof(*pairs), idpair_cmp);
	m->ids = arena_calloc(a, n, sizeof(*m->ids));
	m->idx = arena_calloc(a, n, sizeof(*m->idx));
	for (i = 0; i < n; i++) {
		if (i > 0 && pairs[i].id == pairs[i - 1].id) {
			*dup = pairs[i].id;
			free(pairs);
			return -1;
		}
		m->ids[i] = pairs[i].id;
		m->idx[i] = pairs[i].i;
	}
	free(pairs);
	return 0;
}

/* The index for id, or SIZE_MAX. */
static size_t
idmap_find(const struct idmap *m, uint64_t id)
{
	size_t lo = 0, hi = m->n, mid;

	if (m->ids == NULL)
		return id >= 1 && id <= m->n ? (size_t)(id - 1) : SIZE_MAX;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (m->ids[mid] < id)
			lo = mid + 1;
		else if (m->ids[mid] > id)
			hi = mid;
		else
			return m->idx[mid];
	}
	return SIZE_MAX;
}

struct dec {
	const Profile	*pb;
	struct prof	*p;
	char		*err;
	size_t		 errlen;
};

/* The string at index i, or NULL when it is out of range. */
static const char *
dec_str(const struct dec *d, int64_t i)
{
	if (i == 0 && d->pb->n_string_table == 0)
		return "";
	if (i < 0 || (uint64_t)i >= d->pb->n_string_table)
		return NULL;
	return d->pb->string_table[i];
}

#define DEC_STR(d, out, idx, ...) do {					\
	if (((out) = dec_str((d), (idx))) == NULL)			\
		return err_set((d)->err, (d)->errlen, __VA_ARGS__);	\
} while (0)

static int
dec_type(struct dec *d, const Leakatlas__Pprof__ValueType *vt,
    struct prof_type *t, const char *what)
{
	if (vt == NULL) {
		t->type = t->unit = "";
		return 0;
	}
	DEC_STR(d, t->type, vt->type, "%s: type string %" PRId64 " not in "
	    "the string table (%zu strings)", what, vt->type,
	    d->pb->n_string_table);
	DEC_STR(d, t->unit, vt->unit, "%s: unit string %" PRId64 " not in "
	    "the string table (%zu strings)", what, vt->unit,
	    d->pb->n_string_table);
	return 0;
}

static char *
hexaddr(struct arena *a, uint64_t addr)
{
	char b[24];
	int n;

	n = snprintf(b, sizeof(b), "0x%" PRIx64, addr);
	return arena_strndup(a, b, (size_t)n);
}

/* Resolve functions, mappings and locations into p's locations. */
static int
dec_locations(struct dec *d, struct prof_loc **locsp, struct idmap *lmap)
{
	const Profile *pb = d->pb;
	struct arena *a = d->p->arena;
	struct idmap fmap, mmap;
	struct prof_frame *fr, *fn;
	struct prof_loc *locs;
	uint64_t *ids, dup;
	size_t i, j, k, nids;
	const char *name;

	nids = pb->n_function;
	if (pb->n_mapping > nids)
		nids = pb->n_mapping;
	if (pb->n_location > nids)
		nids = pb->n_location;
	ids = xreallocarray(NULL, nids > 0 ? nids : 1, sizeof(*ids));

	/* Functions: name, file and start line, as frames to copy. */
	fn = arena_calloc(a, pb->n_function, sizeof(*fn));
	for (i = 0; i < pb->n_function; i++) {
		const Function *f = pb->function[i];

		ids[i] = f->id;
		if (f->id == 0) {
			free(ids);
			return err_set(d->err, d->errlen, "function %zu has the "
			    "reserved id 0", i + 1);
		}
		if ((name = dec_str(d, f->name)) == NULL ||
		    (fn[i].file = dec_str(d, f->filename)) == NULL ||
		    dec_str(d, f->system_name) == NULL) {
			free(ids);
			return err_set(d->err, d->errlen, "function id %" PRIu64
			    ": %s string %" PRId64 " not in the string table "
			    "(%zu strings)", f->id, name == NULL ? "name" :
			    fn[i].file == NULL ? "file name" : "system name",
			    name == NULL ? f->name : fn[i].file == NULL ?
			    f->filename : f->system_name, pb->n_string_table);
		}
		if (*name == '\0')
			name = dec_str(d, f->system_name);
		fn[i].func = name;
		fn[i].line = f->start_line;
	}
	if (idmap_build(&fmap, a, ids, pb->n_function, &dup) == -1) {
		free(ids);
		return err_set(d->err, d->errlen, "duplicate function id %"
		    PRIu64, dup);
	}
	for (i = 0; i < pb->n_mapping; i++)
		if ((ids[i] = pb->mapping[i]->id) == 0) {
			free(ids);
			return err_set(d->err, d->errlen, "mapping %zu has the "
			    "reserved id 0", i + 1);
		}
	if (idmap_build(&mmap, a, ids, pb->n_mapping, &dup) == -1) {
		free(ids);
		return err_set(d->err, d->errlen, "duplicate mapping id %" PRIu64,
		    dup);
	}
	for (i = 0; i < pb->n_mapping; i++)
		if (dec_str(d, pb->mapping[i]->filename) == NULL ||
		    dec_str(d, pb->mapping[i]->build_id) == NULL) {
			free(ids);
			return err_set(d->err, d->errlen, "mapping id %" PRIu64
			    ": string index not in the string table (%zu "
			    "strings)", pb->mapping[i]->id,
			    pb->n_string_table);
		}

	locs = arena_calloc(a, pb->n_location, sizeof(*locs));
	for (i = 0; i < pb->n_location; i++) {
		const Location *l = pb->location[i];

		if ((ids[i] = l->id) == 0) {
			free(ids);
			return err_set(d->err, d->errlen, "location %zu has the "
			    "reserved id 0", i + 1);
		}
		if (l->mapping_id != 0 &&
		    idmap_find(&mmap, l->mapping_id) == SIZE_MAX) {
			free(ids);
			return err_set(d->err, d->errlen, "location id %" PRIu64
			    ": mapping id %" PRIu64 " not found", l->id,
			    l->mapping_id);
		}
		locs[i].address = l->address;
		locs[i].nframes = l->n_line > 0 ? l->n_line : 1;
		fr = arena_calloc(a, locs[i].nframes, sizeof(*fr));
		locs[i].frames = fr;
		if (l->n_line == 0) {
			fr->func = hexaddr(a, l->address);
			fr->file = "";
			continue;
		}
		for (j = 0; j < l->n_line; j++) {
			const Leakatlas__Pprof__Line *ln = l->line[j];

			if (ln->function_id == 0) {
				fr[j].func = hexaddr(a, l->address);
				fr[j].file = "";
			} else if ((k = idmap_find(&fmap, ln->function_id)) ==
			    SIZE_MAX) {
				free(ids);
				return err_set(d->err, d->errlen, "location id %"
				    PRIu64 ": function id %" PRIu64 " not "
				    "found", l->id, ln->function_id);
			} else {
				fr[j].func = fn[k].func;
				fr[j].file = fn[k].file;
			}
			fr[j].line = ln->line;
		}
	}
	if (idmap_build(lmap, a, ids, pb->n_location, &dup) == -1) {
		free(ids);
		return err_set(d->err, d->errlen, "duplicate location id %"
		    PRIu64, dup);
	}
	free(ids);
	*locsp = locs;
	return 0;
}

/*
 * One sample's fields as read from the wire, reused from sample to sample.
 * Past the caps (maxids, maxlabs; 0: none) location ids and labels are
 * only counted, so that a hostile sample cannot make the arrays huge.
 */
struct scratch {
	uint64_t	*ids;
	size_t		 nids, capids;
	size_t		 maxids, moreids;
	size_t		 maxlabs, morelabs;
	int64_t		*vals;
	size_t		 nvals, capvals;
	int64_t		(*labs)[4];	/* key, str, num, num_unit */
	size_t		 nlabs, caplabs;
	const struct prof_loc **locs;
	size_t		 caplocs;
	struct prof_label *plabs;
	size_t		 capplabs;
};

static void *
grow(void *a, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return a;
	*cap = need < 16 ? 16 : need * 2;
	return xreallocarray(a, *cap, size);
}

static void
scratch_free(struct scratch *sc)
{
	free(sc->ids);
	free(sc->vals);
	free(sc->labs);
	free(sc->locs);
	free(sc->plabs);
}

/*
 * Append one varint, or a packed run of them, to ids (field 1) or vals.
 * A packed run of k bytes holds at most k varints: room for them is made
 * once, and one-byte varints (most location ids) take the short path.
 * Ids past the depth cap are counted, not stored.
 */
static int
read_ints(struct scratch *sc, int field, unsigned wt, const unsigned char *b,
    size_t end, size_t *off)
{
	uint64_t v, n, *dst;
	size_t stop, at, k, room;

	if (wt == 0)
		n = 1;
	else if (wire_varint(b, end, off, &n) == -1 || n > end - *off)
		return -1;
	room = (size_t)n;
	if (field == 1) {
		if (sc->maxids > 0)
			room = sc->nids >= sc->maxids ? 0 :
			    sc->maxids - sc->nids < room ?
			    sc->maxids - sc->nids : room;
		sc->ids = grow(sc->ids, &sc->capids, sc->nids + room,
		    sizeof(*sc->ids));
		/* No room yet (an empty run, the cap reached): NULL. */
		dst = sc->ids != NULL ? sc->ids + sc->nids : NULL;
	} else {
		sc->vals = grow(sc->vals, &sc->capvals, sc->nvals + room,
		    sizeof(*sc->vals));
		dst = sc->vals != NULL ?
		    (uint64_t *)(void *)(sc->vals + sc->nvals) : NULL;
	}
	at = *off;
	stop = wt == 0 ? end : at + (size_t)n;
	k = 0;
	while (at < stop) {
		if (b[at] < 0x80)
			v = b[at++];
		else if (wire_varint(b, stop, &at, &v) == -1)
			return -1;
		if (k < room)
			dst[k++] = v;
		else
			sc->moreids++;	/* field 1 only: room is n for vals */
		if (wt == 0)
			break;
	}
	*off = at;
	if (field == 1)
		sc->nids += k;
	else
		sc->nvals += k;
	return 0;
}

static int
skip_field(unsigned wt, const unsigned char *b, size_t end, size_t *off)
{
	uint64_t v;

	switch (wt) {
	case 0:
		return wire_varint(b, end, off, &v);
	case 1:
	case 5:
		if (end - *off < (wt == 1 ? 8u : 4u))
			return -1;
		*off += wt == 1 ? 8 : 4;
		return 0;
	case 2:
		if (wire_varint(b, end, off, &v) == -1 || v > end - *off)
			return -1;
		*off += v;
		return 0;
	default:
		return -1;
	}
}

/*
 * Read one Sample message (b[0..len)) into sc, the way protobuf-c would:
 * packed or not, fields in any order, unknown fields skipped, the last of
 * a repeated scalar winning.
 */
static int
sample_read(struct scratch *sc, const unsigned char *b, size_t len)
{
	size_t off = 0, lend;
	uint64_t tag, v, n;
	unsigned wt, f;

	sc->nids = sc->nvals = sc->nlabs = sc->moreids = sc->morelabs = 0;
	while (off < len) {
		if (wire_varint(b, len, &off, &tag) == -1)
			return -1;
		wt = tag & 7;
		f = tag >> 3 > 3 ? 0 : (unsigned)(tag >> 3);
		if ((f == 1 || f == 2) && (wt == 0 || wt == 2)) {
			if (read_ints(sc, (int)f, wt, b, len, &off) == -1)
				return -1;
		} else if (f == 3 && wt == 2) {
			if (wire_varint(b, len, &off, &n) == -1 ||
			    n > len - off)
				return -1;
			lend = off + n;
			if (sc->maxlabs > 0 && sc->nlabs >= sc->maxlabs) {
				sc->morelabs++;
				off = lend;
				continue;
			}
			sc->labs = grow(sc->labs, &sc->caplabs, sc->nlabs + 1,
			    sizeof(*sc->labs));
			memset(sc->labs[sc->nlabs], 0, sizeof(sc->labs[0]));
			while (off < lend) {
				if (wire_varint(b, lend, &off, &tag) == -1)
					return -1;
				if ((tag & 7) == 0 && tag >> 3 >= 1 &&
				    tag >> 3 <= 4) {
					if (wire_varint(b, lend, &off, &v) ==
					    -1)
						return -1;
					sc->labs[sc->nlabs][(tag >> 3) - 1] =
					    (int64_t)v;
				} else if (skip_field(tag & 7, b, lend, &off) ==
				    -1)
					return -1;
			}
			sc->nlabs++;
		} else if (skip_field(wt, b, len, &off) == -1)
			return -1;
	}
	return 0;
}

/* Check sc's ids and string indexes and fill s (pointing into sc). */
static int
sample_resolve(struct dec *d, struct scratch *sc, const struct prof_loc *locs,
    const struct idmap *lmap, size_t no, struct prof_sample *s)
{
	const Profile *pb = d->pb;
	struct prof_label *lb;
	size_t j, k, n;
	int64_t *l;
	char why[256];

	if (sc->nvals != d->p->ntypes)
		return err_set(d->err, d->errlen, "sample %zu: %zu values for %zu "
		    "sample types", no, sc->nvals, d->p->ntypes);
	if (sc->moreids > 0) {
		caps_err(why, sizeof(why), CAPS_OPT_MAX_DEPTH, sc->maxids,
		    "stack too deep: at least %zu frames",
		    sc->nids + sc->moreids);
		return err_set(d->err, d->errlen, "sample %zu: %s", no, why);
	}
	if (sc->morelabs > 0) {
		caps_err(why, sizeof(why), CAPS_OPT_MAX_LABELS, sc->maxlabs,
		    "too many labels: %zu", sc->nlabs + sc->morelabs);
		return err_set(d->err, d->errlen, "sample %zu: %s", no, why);
	}
	s->values = sc->vals;
	sc->locs = grow(sc->locs, &sc->caplocs, sc->nids + 1,
	    sizeof(*sc->locs));
	for (j = 0; j < sc->nids; j++) {
		/* Dense ids 1..n (as Go writes them) need no search. */
		if (lmap->ids == NULL && sc->ids[j] - 1 < lmap->n) {
			sc->locs[j] = &locs[sc->ids[j] - 1];
			continue;
		}
		if ((k = idmap_find(lmap, sc->ids[j])) == SIZE_MAX)
			return err_set(d->err, d->errlen, "sample %zu: location "
			    "id %" PRIu64 " not found", no, sc->ids[j]);
		sc->locs[j] = &locs[k];
	}
	s->locs = sc->locs;
	s->nlocs = sc->nids;
	sc->plabs = grow(sc->plabs, &sc->capplabs, sc->nlabs + 1,
	    sizeof(*sc->plabs));
	for (j = n = 0; j < sc->nlabs; j++) {
		l = sc->labs[j];
		lb = &sc->plabs[n];
		DEC_STR(d, lb->key, l[0], "sample %zu: label key string %"
		    PRId64 " not in the string table (%zu strings)", no, l[0],
		    pb->n_string_table);
		DEC_STR(d, lb->str, l[1], "sample %zu: label value string %"
		    PRId64 " not in the string table (%zu strings)", no, l[1],
		    pb->n_string_table);
		DEC_STR(d, lb->unit, l[3], "sample %zu: label unit string %"
		    PRId64 " not in the string table (%zu strings)", no, l[3],
		    pb->n_string_table);
		/* As pprof does: a label with neither is dropped. */
		if (l[1] != 0) {
			lb->unit = "";
			lb->num = 0;
			n++;
		} else if (l[2] != 0 || l[3] != 0) {
			lb->str = NULL;
			lb->num = l[2];
			n++;
		}
	}
	s->labels = sc->plabs;
	s->nlabels = n;
	if (caps_sample(d->p->caps, s, why, sizeof(why)) == -1)
		return err_set(d->err, d->errlen, "sample %zu: %s", no, why);
	return 0;
}

/*
 * The top-level fields other than samples, copied into a new buffer for
 * protobuf-c; counts the samples and finds a second time_nanos (two
 * profiles concatenated, as pprof says).  The wire format was checked.
 */
static unsigned char *
split_samples(const unsigned char *b, size_t len, size_t *restlen,
    size_t *nsamples, size_t *concat)
{
	unsigned char *rest;
	size_t off = 0, at;
	uint64_t tag;
	int seen = 0;

	rest = xmalloc(len > 0 ? len : 1);
	*restlen = *nsamples = *concat = 0;
	while (off < len) {
		at = off;
		if (wire_varint(b, len, &off, &tag) == -1)
			break;
		if (tag >> 3 == 9 && (tag & 7) == 0 && seen++ && *concat == 0)
			*concat = at;
		if (skip_field(tag & 7, b, len, &off) == -1)
			break;
		if (tag >> 3 == 2 && (tag & 7) == 2) {
			(*nsamples)++;
			continue;
		}
		memcpy(rest + *restlen, b + at, off - at);
		*restlen += off - at;
	}
	return rest;
}

/*
 * Decode profile.proto bytes: p (p->arena set by the caller) gets the
 * header, sample types and locations; fn is called with each sample in
 * file order (the sample and its arrays are valid during the call only).
 * Samples are read here, everything else by protobuf-c.
 */
int
pprof_decode_each(struct prof *p, const void *buf, size_t len,
    pprof_sample_fn fn, void *arg, char *err, size_t errlen)
{
	ProtobufCAllocator pa = arena_protobuf_allocator(p->arena);
	const unsigned char *b = buf;
	struct scratch sc;
	struct prof_sample s;
	struct dec d;
	struct prof_loc *locs = NULL;
	struct idmap lmap;
	Profile *pb;
	unsigned char *rest;
	const char *str;
	size_t i, restlen, nsamples, concat, off, no;
	uint64_t tag, n;
	char why[256];
	int rc = 0;

	if (wire_check(b, 0, len, 0, 0, why, sizeof(why)) == -1)
		return err_set(err, errlen, "not a pprof profile (protobuf "
		    "decoding failed: %s)", why);
	rest = split_samples(b, len, &restlen, &nsamples, &concat);
	if (concat != 0) {
		free(rest);
		return err_set(err, errlen, "concatenated profiles (a second "
		    "time_nanos at byte %zu)", concat);
	}
	pb = leakatlas__pprof__profile__unpack(&pa, restlen, rest);
	free(rest);
	if (pb == NULL)
		return err_set(err, errlen, "not a pprof profile (protobuf "
		    "decoding failed)");
	d.pb = pb;
	d.p = p;
	d.err = err;
	d.errlen = errlen;
	p->format = "proto";
	p->time_nanos = pb->time_nanos;
	p->duration_nanos = pb->duration_nanos;
	p->period = pb->period;
	p->types = arena_calloc(p->arena, pb->n_sample_type,
	    sizeof(*p->types));
	p->ntypes = pb->n_sample_type;
	p->nsamples = nsamples;
	for (i = 0; i < pb->n_sample_type; i++) {
		snprintf(why, sizeof(why), "sample type %zu", i + 1);
		if (dec_type(&d, pb->sample_type[i], &p->types[i], why) == -1)
			return -1;
	}
	if (dec_type(&d, pb->period_type, &p->period_type, "period type") ==
	    -1)
		return -1;
	DEC_STR(&d, p->default_type, pb->default_sample_type, "default "
	    "sample type string %" PRId64 " not in the string table (%zu "
	    "strings)", pb->default_sample_type, pb->n_string_table);
	if (pb->n_string_table > 0 && pb->string_table[0][0] != '\0')
		return err_set(err, errlen, "not a pprof profile (its string "
		    "table does not start with the empty string)");
	if (pb->n_sample_type == 0 && nsamples > 0)
		return err_set(err, errlen, "%zu sample%s but no sample types",
		    nsamples, nsamples == 1 ? "" : "s");
	DEC_STR(&d, str, pb->drop_frames, "drop_frames: string %" PRId64
	    " not in the string table (%zu strings)", pb->drop_frames,
	    pb->n_string_table);
	DEC_STR(&d, str, pb->keep_frames, "keep_frames: string %" PRId64
	    " not in the string table (%zu strings)", pb->keep_frames,
	    pb->n_string_table);
	DEC_STR(&d, str, pb->doc_url, "doc_url: string %" PRId64 " not in "
	    "the string table (%zu strings)", pb->doc_url,
	    pb->n_string_table);
	for (i = 0; i < pb->n_comment; i++)
		if (dec_str(&d, pb->comment[i]) == NULL)
			return err_set(err, errlen, "comment %zu: string %" PRId64
			    " not in the string table (%zu strings)", i + 1,
			    pb->comment[i], pb->n_string_table);
	if (dec_locations(&d, &locs, &lmap) == -1)
		return -1;
	p->locs = locs;
	p->nlocs = pb->n_location;

	memset(&sc, 0, sizeof(sc));
	if (p->caps != NULL) {
		sc.maxids = p->caps->max_depth;
		sc.maxlabs = p->caps->max_labels;
	}
	for (off = 0, no = 0; off < len && rc == 0;) {
		if (wire_varint(b, len, &off, &tag) == -1)
			break;
		if (tag >> 3 != 2 || (tag & 7) != 2) {
			if (skip_field(tag & 7, b, len, &off) == -1)
				break;
			continue;
		}
		no++;
		if (wire_varint(b, len, &off, &n) == -1 || n > len - off ||
		    sample_read(&sc, b + off, (size_t)n) == -1) {
			rc = err_set(err, errlen, "sample %zu (at byte %zu): not "
			    "a valid protobuf Sample", no, off);
			break;
		}
		off += (size_t)n;
		memset(&s, 0, sizeof(s));
		if ((rc = sample_resolve(&d, &sc, locs, &lmap, no, &s)) == 0)
			rc = fn(arg, p, &s, err, errlen);
	}
	scratch_free(&sc);
	return rc;
}

/* Keep a copy of each sample in p (for pprof_decode). */
struct collect {
	struct prof_sample *v;
	size_t		 n, cap;
};

static int
collect_sample(void *arg, const struct prof *p, const struct prof_sample *s,
    char *err, size_t errlen)
{
	struct collect *c = arg;
	struct prof_sample *t;

	(void)err;
	(void)errlen;
	c->v = grow(c->v, &c->cap, c->n + 1, sizeof(*c->v));
	t = &c->v[c->n++];
	t->values = arena_calloc(p->arena, p->ntypes, sizeof(*t->values));
	if (p->ntypes > 0)
		memcpy(t->values, s->values, p->ntypes * sizeof(*t->values));
	t->locs = arena_calloc(p->arena, s->nlocs, sizeof(*t->locs));
	if (s->nlocs > 0)
		memcpy(t->locs, s->locs, s->nlocs * sizeof(*t->locs));
	t->nlocs = s->nlocs;
	t->labels = arena_calloc(p->arena, s->nlabels, sizeof(*t->labels));
	if (s->nlabels > 0)
		memcpy(t->labels, s->labels, s->nlabels * sizeof(*t->labels));
	t->nlabels = s->nlabels;
	return 0;
}

/* Decode profile.proto bytes into p, every sample kept in p->samples. */
int
pprof_decode(struct prof *p, const void *buf, size_t len, char *err,
    size_t errlen)
{
	struct collect c = { NULL, 0, 0 };
	int rc;

	rc = pprof_decode_each(p, buf, len, collect_sample, &c, err, errlen);
	if (rc == 0) {
		p->samples = arena_calloc(p->arena, c.n, sizeof(*p->samples));
		if (c.n > 0)
			memcpy(p->samples, c.v, c.n * sizeof(*p->samples));
		p->nsamples = c.n;
	}
	free(c.v);
	return rc;
}

/*
 * Decode one input: Go debug=1 text (through legacy.h), a format we know
 * but do not read (refused, naming it), else profile.proto.
 */
int
pprof_parse(struct prof *p, const struct pprof_input *in, pprof_sample_fn fn,
    void *arg, char *err, size_t errlen)
{
	const char *what = NULL;
	char why[400];
	size_t i;
	int rc = 0;

	if (in->len == 0)
		return err_set(err, errlen, "empty profile (the gzip data holds "
		    "nothing)");
	switch (legacy_sniff((const char *)in->data, in->len, &what)) {
	case LEGACY_GO_HEAP:
	case LEGACY_GO_GOROUTINE:
		if (legacy_parse(p, (const char *)in->data, in->len, why,
		    sizeof(why)) == -1)
			return err_set(err, errlen, "%s", why);
		for (i = 0; i < p->nsamples && rc == 0; i++)
			rc = fn(arg, p, &p->samples[i], err, errlen);
		return rc;
	case LEGACY_UNSUPPORTED:
		return err_set(err, errlen, "looks like a %s, which pprof2tsv "
		    "does not read", what != NULL ? what : "legacy profile");
	case LEGACY_NONE:
		break;
	}
	return pprof_decode_each(p, in->data, in->len, fn, arg, err, errlen);
}
