#!/usr/bin/env python3
"""Write the hand-encoded profile.proto fixtures of tests/data/proto/.

Run once, by hand, from tests/data: python3 ../tools/mkproto.py.  The files
it writes are committed; `make check` never runs this script.  Everything is
encoded here byte by byte (no protobuf library), so the fixtures can use
packed and unpacked repeated fields, any field order, sparse ids, and every
kind of damage the decoder must report.
"""
import gzip
import os


def varint(v):
    if v < 0:
        v += 1 << 64
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def key(num, wt):
    return varint(num << 3 | wt)


def vfield(num, v):
    """A varint field; zero values are left out, as proto3 writers do."""
    return key(num, 0) + varint(v) if v else b""


def bfield(num, data):
    return key(num, 2) + varint(len(data)) + data


def rep(num, values, packed):
    if not values:
        return b""
    if packed:
        return bfield(num, b"".join(varint(v) for v in values))
    return b"".join(key(num, 0) + varint(v) for v in values)


class Strings:
    def __init__(self):
        self.table = [""]

    def __call__(self, s):
        if s not in self.table:
            self.table.append(s)
        return self.table.index(s)

    def encode(self):
        return b"".join(bfield(6, s.encode()) for s in self.table)


def profile(types, samples, locations, functions, mappings=(), time=0,
            period_type=None, period=0, default=None, packed=True,
            order="go", strings=None):
    """Encode a Profile.  types: [(type, unit)]; samples: [(loc ids,
    values, labels)] with labels (key, str) or (key, num, unit);
    locations: [(id, mapping, address, [(function id, line)])];
    functions: [(id, name, file, start)]; mappings: [(id, file)]."""
    st = strings or Strings()
    vt = [bfield(1, vfield(1, st(t)) + vfield(2, st(u))) for t, u in types]
    sm = []
    for locs, values, labels in samples:
        lb = b""
        for label in labels:
            if len(label) == 2:
                body = vfield(1, st(label[0])) + vfield(2, st(label[1]))
            else:
                body = (vfield(1, st(label[0])) + vfield(3, label[1]) +
                        vfield(4, st(label[2]) if label[2] else 0))
            lb += bfield(3, body)
        body = rep(1, locs, packed) + rep(2, values, packed) + lb
        if not packed:
            body = lb + rep(2, values, False) + rep(1, locs, False)
        sm.append(bfield(2, body))
    mp = [bfield(3, vfield(1, i) + vfield(5, st(f))) for i, f in mappings]
    lc = []
    for lid, mid, addr, lines in locations:
        ln = b"".join(bfield(4, vfield(1, f) + vfield(2, n))
                      for f, n in lines)
        if packed:
            lc.append(bfield(4, vfield(1, lid) + vfield(2, mid) +
                             vfield(3, addr) + ln))
        else:
            lc.append(bfield(4, ln + vfield(3, addr) + vfield(1, lid) +
                             vfield(2, mid)))
    fn = [bfield(5, vfield(1, i) + vfield(2, st(n)) + vfield(3, st(n)) +
                 vfield(4, st(f)) + vfield(5, s))
          for i, n, f, s in functions]
    hdr = vfield(9, time)
    if period_type:
        hdr += bfield(11, vfield(1, st(period_type[0])) +
                      vfield(2, st(period_type[1])))
    hdr += vfield(12, period)
    if default:
        hdr += vfield(14, st(default))
    if order == "go":
        # The Go runtime's order: header, types, samples, locations,
        # functions, mappings, string table last.
        return (b"".join(vt) + b"".join(sm) + hdr + b"".join(lc) +
                b"".join(fn) + b"".join(mp) + st.encode())
    # Reversed: string table first, then the other fields backwards;
    # the order of samples and of sample types is kept (it is meaningful),
    # that of mappings, locations and functions is not (they have ids).
    return (st.encode() + b"".join(reversed(mp)) + b"".join(reversed(fn)) +
            b"".join(reversed(lc)) + hdr + b"".join(sm) + b"".join(vt))


T0 = 1764127200123456789  # 2025-11-26T03:20:00.123456789Z

# Sparse, unordered ids: functions 7, 1000, 2**63 + 5; locations 42, 9, 77.
FUNCS = [(1000, "main.leak", "/src/app/main.go", 10),
         (7, "main.(*cache).put", "/src/app/cache.go", 20),
         (2**63 + 5, "runtime.mallocgc", "runtime/malloc.go", 900),
         (8, "main.main", "/src/app/main.go", 5)]
# Location 42 holds an inlined call: cache.put inlined into main.leak
# (inlined callee first).
LOCS = [(9, 1, 0x401000, [(2**63 + 5, 950)]),
        (42, 1, 0x402000, [(7, 25), (1000, 14)]),
        (77, 1, 0x403000, [(8, 6)])]
MAPS = [(1, "/bin/app")]
TYPES = [("", "count"), ("Alloc-Space", "bytes"), ("alloc_space", "bytes")]
SAMPLES = [
    ([9, 42, 77], [1, 4096, 4096],
     [("bytes", 4096, None), ("size", 64, "bytes"), ("bytes2", 5, "bytes2"),
      ("wait", "a,b=c%d\tx"), ("a=b", "1")]),
    ([42, 77], [2, 100, 100], [("zz", "last"), ("aa", "first")]),
    ([77], [3, -5, 7], []),
    ([], [4, 0, 0], []),
]


def common(**kw):
    args = dict(types=TYPES, samples=SAMPLES, locations=LOCS,
                functions=FUNCS, mappings=MAPS, time=T0,
                period_type=("space", "bytes"), period=524288)
    args.update(kw)
    return profile(**args)


def write(name, data):
    with open(os.path.join("proto", name), "wb") as f:
        f.write(data)


def main():
    os.makedirs("proto", exist_ok=True)
    write("packed.pb", common())
    write("unpacked.pb", common(packed=False, order="reversed"))
    write("packed.pb.gz", gzip.compress(common(), mtime=0))
    # The same bytes as two gzip members.
    raw = common()
    write("two-members.pb.gz", gzip.compress(raw[:100], mtime=0) +
          gzip.compress(raw[100:], mtime=0))
    # Unsymbolized: locations with addresses and no lines or functions.
    write("nofunc.pb", profile(
        [("samples", "count"), ("cpu", "nanoseconds")],
        [([2, 1], [1, 10000000], []), ([3, 1], [2, 20000000], [])],
        [(1, 1, 0x45a1b0, []), (2, 1, 0x45c3d4, []), (3, 1, 0x4a0f00, [])],
        [], MAPS, time=T0, period_type=("cpu", "nanoseconds"),
        period=10000000))
    # No samples at all, gzipped.
    write("empty-samples.pb.gz", gzip.compress(profile(
        [("goroutine", "count")], [], [], [], time=T0,
        period_type=("goroutine", "count"), period=1), mtime=0))
    # No time_nanos.
    write("notime.pb", common(time=0))
    # An allocs profile: default_sample_type alloc_space.
    write("allocs.pb", profile(
        [("alloc_objects", "count"), ("alloc_space", "bytes"),
         ("inuse_objects", "count"), ("inuse_space", "bytes")],
        [([42, 77], [1, 2, 3, 4], [("bytes", 2, None)])],
        LOCS, FUNCS, MAPS, time=T0, period_type=("space", "bytes"),
        period=524288, default="alloc_space"))
    # Damage, one kind per file.
    write("bad-location.pb", common(samples=SAMPLES + [([99], [1, 1, 1],
                                                        [])]))
    write("bad-function.pb", common(locations=LOCS + [(5, 1, 0, [(4242, 1)])]))
    write("bad-mapping.pb", common(locations=LOCS + [(5, 3, 0x1, [])]))
    write("dup-location.pb", common(locations=LOCS + [(42, 1, 0x1, [])]))
    write("zero-location.pb", common(locations=LOCS + [(0, 1, 0x1, [])]))
    write("values.pb", common(samples=SAMPLES + [([9], [1, 2], [])]))
    st = Strings()
    good = common(strings=st)
    # A function whose name is string 500, past the end of the table.
    write("bad-string.pb", common(functions=FUNCS) +
          bfield(5, vfield(1, 31337) + vfield(2, 500)))
    # A sample whose packed location ids claim 3 bytes and hold 2.
    write("bad-sample.pb", common() +
          bfield(2, key(1, 2) + varint(3) + b"\x01\x02"))
    write("truncated.pb.gz", gzip.compress(common(), mtime=0)[:-30])
    write("corrupt.pb", good[:-7] + b"\x32\x7f" + b"x")
    write("concatenated.pb", good + good)
    write("trailing.pb.gz", gzip.compress(good, mtime=0) + b"junk")
    write("first-string.pb", bfield(6, b"oops") + good)
    write("empty-gzip.pb.gz", gzip.compress(b"", mtime=0))
    write("empty.pb", b"")
    write("ok.pb.gz", b"ok\n")
    # 300 samples (sums worked out by go tool pprof, pprof-totals.tsv);
    # the second file has a bad location id in sample 201: the 200 rows
    # before it are written, then the error.
    ids = [9, 42, 77]
    many = [([ids[i % 3], ids[(i // 3) % 3], 77][:1 + i % 3],
             [i, 64 * i, 64 * i], [("bytes", 64 + i % 7, None)])
            for i in range(300)]
    write("many.pb.gz", gzip.compress(common(samples=many), mtime=0))
    late = list(many)
    late[200] = ([9, 99], [1, 1, 1], [])
    write("bad-late.pb.gz", gzip.compress(common(samples=late), mtime=0))
    # Sample types whose column names clash: with each other once
    # lowercased and cleaned, with a fixed column, with a name that
    # numbering already gave out (x-3 becomes x_3, taken by the fourth).
    write("types.pb", profile(
        [("x", "count"), ("x", "bytes"), ("x_2", "count"), ("X", "count"),
         ("stack", "count"), ("x-3", "count")],
        [([77], [1, 2, 3, 4, 5, 6], [])], LOCS, FUNCS, MAPS, time=T0))
    # One past the default caps of common/caps.h: a goroutine sample of
    # 16385 frames (--max-depth 16384), one of 1025 labels (--max-labels
    # 1024).  One location and one function, repeated.
    main = [(8, "main.main", "/src/app/main.go", 5)]
    loc = [(1, 1, 0x401000, [(8, 6)])]
    goroutine = dict(period_type=("goroutine", "count"), period=1, time=T0)
    write("deep.pb.gz", gzip.compress(profile(
        [("goroutine", "count")], [([1] * 16385, [1], [])], loc, main, MAPS,
        **goroutine), mtime=0))
    write("labels.pb.gz", gzip.compress(profile(
        [("goroutine", "count")],
        [([1], [1], [("k%04d" % i, "v") for i in range(1025)])], loc, main,
        MAPS, **goroutine), mtime=0))
    # A gzip trailer (ISIZE) claiming 4 GiB for a profile of a few hundred
    # bytes: zlib's length check refuses it, and the first buffer is sized
    # from what deflate could have made, not from the claim.
    write("forged-isize.pb.gz",
          gzip.compress(common(), mtime=0)[:-4] + b"\xff\xff\xff\xff")


if __name__ == "__main__":
    main()
