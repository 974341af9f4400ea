#!/usr/bin/env python3
"""Decode a Go fuzz corpus file ('go test fuzz v1' then one []byte("...")
literal) into the raw bytes it holds.  Used once, by hand, to make
tests/data/bad/fuzz_*: gofuzz2bin.py IN OUT."""
import ast
import re
import sys

text = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'\[\]byte\((".*")\)', text, re.S)
if not m:
    sys.exit("no []byte literal in " + sys.argv[1])
lit = m.group(1)
# Go and Python agree on \x.., \n, \t, \", \\ and octal escapes; non-ASCII
# characters stand for their UTF-8 bytes.
lit = lit.encode("utf-8").decode("ascii", "backslashreplace")
data = ast.literal_eval("b" + lit)
open(sys.argv[2], "wb").write(data)
