#!/usr/bin/env python3
"""Say whether a PNG screenshot shows a page rather than a blank one.

Usage: pngcheck.py FILE MIN_COLOURS.  Decodes the PNG with zlib alone (8-bit
RGB or RGBA, non-interlaced, as Chromium writes), counts the distinct
colours and the share of pixels that differ from the most common one, and
exits 0 when there are at least MIN_COLOURS colours and at least 1% of the
pixels are not background.
"""
import struct
import sys
import zlib


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def decode(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError("unsupported PNG (depth %d, type %d)" % (depth, ctype))
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    rows = []
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                line[i] = (line[i] + paeth(a, b, c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def main():
    path, need = sys.argv[1], int(sys.argv[2])
    w, h, bpp, rows = decode(path)
    count = {}
    for line in rows:
        for i in range(0, len(line), bpp):
            px = line[i:i + 3]
            count[px] = count.get(px, 0) + 1
    bg = max(count.values())
    ink = 1 - bg / float(w * h)
    print("%dx%d, %d colours, %.1f%% not background" %
          (w, h, len(count), ink * 100))
    return 0 if len(count) >= need and ink >= 0.01 else 1


if __name__ == "__main__":
    sys.exit(main())
