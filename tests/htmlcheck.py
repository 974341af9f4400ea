#!/usr/bin/env python3
"""Check that an HTML report is well-formed and self-contained.

Usage: htmlcheck.py FILE.  Exit 0 when every element is closed in order
(void elements excepted), there is one <html>, <head>, <title> and <body>,
and nothing loads from outside: no <script>, no <link>, no <iframe>, no
src/href to another document (only #fragments), no url() in the CSS.
Messages name the line.
"""
import sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "source", "track", "wbr"}
SVG_SELF = {"polyline", "path", "circle", "rect", "line", "polygon"}
FORBIDDEN = {"script", "link", "iframe", "object", "embed", "img", "base"}


class Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.errors = []
        self.seen = {}
        self.in_style = False

    def err(self, msg):
        self.errors.append("line %d: %s" % (self.getpos()[0], msg))

    def handle_starttag(self, tag, attrs):
        self.seen[tag] = self.seen.get(tag, 0) + 1
        if tag in FORBIDDEN:
            self.err("<%s> is not allowed in a self-contained report" % tag)
        for k, v in attrs:
            if k in ("src", "href", "action") and v and not v.startswith("#"):
                self.err("%s=%r loads another document" % (k, v))
            if k.startswith("on"):
                self.err("event handler attribute %s" % k)
        if tag in VOID:
            return
        self.stack.append((tag, self.getpos()[0]))
        self.in_style = tag == "style"

    def handle_startendtag(self, tag, attrs):
        if tag not in VOID and tag not in SVG_SELF:
            self.err("<%s/> is not a void element" % tag)
        self.seen[tag] = self.seen.get(tag, 0) + 1

    def handle_endtag(self, tag):
        if tag in VOID:
            self.err("</%s> closes a void element" % tag)
            return
        if not self.stack:
            self.err("</%s> with nothing open" % tag)
            return
        top, line = self.stack.pop()
        if top != tag:
            self.err("</%s> closes <%s> opened on line %d" % (tag, top, line))
        self.in_style = False

    def handle_data(self, data):
        if self.in_style and "url(" in data:
            self.err("url() in the style sheet")


def main():
    if len(sys.argv) != 2:
        print("usage: htmlcheck.py FILE", file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    if not text.startswith("<!DOCTYPE html>"):
        print("%s: line 1: no <!DOCTYPE html>" % sys.argv[1])
        return 1
    c = Checker()
    c.feed(text)
    c.close()
    for tag, line in c.stack:
        c.errors.append("line %d: <%s> never closed" % (line, tag))
    for tag in ("html", "head", "title", "body"):
        if c.seen.get(tag, 0) != 1:
            c.errors.append("expected one <%s>, found %d" %
                            (tag, c.seen.get(tag, 0)))
    for e in c.errors:
        print("%s: %s" % (sys.argv[1], e))
    return 1 if c.errors else 0


if __name__ == "__main__":
    sys.exit(main())
