/*
 * Unit tests of common/caps.c: option values with their suffixes, the
 * message of a cap exceeded, and the per-sample depth and label counts.
 * Expected values are worked out by hand: k, M and G are 2^10, 2^20 and
 * 2^30; a sample's depth is the sum of its locations' frames.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "caps.h"
#include "prof.h"
#include "tap.h"

int
main(void)
{
	struct caps c;
	struct prof_frame fr[3];
	struct prof_loc one = { fr, 1, 0 }, inl = { fr, 2, 0 };
	const struct prof_loc *locs[3] = { &one, &inl, &one };
	struct prof_label lab[2];
	struct prof_sample s;
	char err[128];

	caps_init(&c);
	is_int((long long)c.max_bytes, 1LL << 30, "default --max-bytes 1G");
	is_int((long long)c.max_depth, 16384, "default --max-depth");
	is_int((long long)c.max_labels, 1024, "default --max-labels");
	is_int((long long)c.max_line, 256LL << 20,
	    "default --max-line 256M");
	is_int((long long)c.max_snapshots, 100000, "default --max-snapshots");

	is_int((long long)caps_parse("--x", "1"), 1, "1");
	is_int((long long)caps_parse("--x", "3k"), 3072, "3k is 3 * 1024");
	is_int((long long)caps_parse("--x", "2M"), 2097152,
	    "2M is 2 * 1048576");
	is_int((long long)caps_parse("--x", "1g"), 1073741824,
	    "1g is 1073741824");
	caps_set(&c, CAPS_OPT_MAX_SNAPSHOTS, "7");
	caps_set(&c, CAPS_OPT_MAX_LINE, "1k");
	is_int((long long)c.max_snapshots, 7, "--max-snapshots sets its cap");
	is_int((long long)c.max_line, 1024, "--max-line sets its cap");
	is_int((long long)c.max_depth, 16384, "and no other");

	is_int(caps_err(err, sizeof(err), CAPS_OPT_MAX_LINE, 10,
	    "line too long"), -1, "caps_err returns -1");
	is_str(err, "line too long (limit 10 bytes; raise with --max-line)",
	    "a byte cap's message");
	caps_err(err, sizeof(err), CAPS_OPT_MAX_SNAPSHOTS, 5,
	    "too many snapshots");
	is_str(err, "too many snapshots (limit 5; raise with "
	    "--max-snapshots)", "a count cap's message");
	caps_err(err, 20, CAPS_OPT_MAX_DEPTH, 5, "stack too deep: %d", 6);
	is_str(err, "stack too deep: 6 (", "a short buffer is cut, not overrun");

	/* Locations of 1, 2 and 1 frames: depth 4; labels 2. */
	memset(&s, 0, sizeof(s));
	s.locs = locs;
	s.nlocs = 3;
	s.labels = lab;
	s.nlabels = 2;
	c.max_depth = 4;
	c.max_labels = 2;
	is_int(caps_sample(&c, &s, err, sizeof(err)), 0,
	    "4 frames and 2 labels at caps 4 and 2");
	c.max_depth = 3;
	is_int(caps_sample(&c, &s, err, sizeof(err)), -1,
	    "4 frames over a cap of 3");
	is_str(err, "stack too deep: 4 frames (limit 3; raise with "
	    "--max-depth)", "inlined frames are counted");
	c.max_depth = 4;
	c.max_labels = 1;
	caps_sample(&c, &s, err, sizeof(err));
	is_str(err, "too many labels: 2 (limit 1; raise with --max-labels)",
	    "labels over their cap");
	is_int(caps_sample(NULL, &s, err, sizeof(err)), 0, "no caps: no check");
	return done_testing();
}
