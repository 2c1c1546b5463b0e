#!/usr/bin/env python3
"""promparse.py FILE: check a Prometheus text exposition (format 0.0.4) strictly.

Every sample belongs to a family declared by # TYPE before it; names and
label names are valid; label values are quoted with only \\\\, \\" and \\n
escapes; values are floats (or +Inf, -Inf, NaN); no series appears twice;
a histogram's buckets are cumulative and end with le="+Inf" equal to its
_count; counters are not negative.  Prints the samples as NAME{LABELS} VALUE
on success (sorted labels), the first problem and exit 1 otherwise.
"""
import math
import re
import sys

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*$")
LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*$")


def fail(lineno, msg):
    print(f"line {lineno}: {msg}")
    sys.exit(1)


def parse_labels(s, lineno):
    labels, i = {}, 0
    while i < len(s):
        m = re.match(r"([a-zA-Z_][a-zA-Z0-9_]*)=\"", s[i:])
        if not m:
            fail(lineno, f"bad label at {s[i:]!r}")
        key = m.group(1)
        i += m.end()
        val = []
        while True:
            if i >= len(s):
                fail(lineno, "unterminated label value")
            c = s[i]
            if c == "\\":
                if i + 1 >= len(s) or s[i + 1] not in '\\"n':
                    fail(lineno, "bad escape in a label value")
                val.append({"\\": "\\", '"': '"', "n": "\n"}[s[i + 1]])
                i += 2
            elif c == '"':
                i += 1
                break
            else:
                val.append(c)
                i += 1
        if key in labels:
            fail(lineno, f"label {key} twice")
        labels[key] = "".join(val)
        if i < len(s):
            if s[i] != ",":
                fail(lineno, f"expected , at {s[i:]!r}")
            i += 1
    return labels


def value(s, lineno):
    if s in ("+Inf", "-Inf", "NaN"):
        return float(s.replace("Inf", "inf").replace("NaN", "nan"))
    try:
        return float(s)
    except ValueError:
        fail(lineno, f"bad value {s!r}")


def main():
    types, helps, seen, samples = {}, set(), set(), []
    hist = {}
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    if not text.endswith("\n"):
        fail(0, "the exposition does not end with a newline")
    for n, line in enumerate(text.split("\n")[:-1], 1):
        if line.startswith("# HELP "):
            name = line[7:].split(" ", 1)[0]
            if not NAME.match(name) or name in helps:
                fail(n, f"bad or repeated HELP for {name}")
            helps.add(name)
            continue
        if line.startswith("# TYPE "):
            parts = line[7:].split(" ")
            if len(parts) != 2 or not NAME.match(parts[0]) or parts[1] not in (
                    "counter", "gauge", "histogram", "summary", "untyped"):
                fail(n, f"bad TYPE line {line!r}")
            if parts[0] in types:
                fail(n, f"TYPE of {parts[0]} twice")
            types[parts[0]] = parts[1]
            continue
        if line.startswith("#") or line == "":
            fail(n, f"unexpected line {line!r}")
        m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( -?\d+)?$", line)
        if not m:
            fail(n, f"bad sample {line!r}")
        name, labels = m.group(1), parse_labels(m.group(3) or "", n)
        v = value(m.group(4), n)
        family, kind = name, types.get(name)
        for suffix in ("_bucket", "_sum", "_count"):
            if kind is None and name.endswith(suffix) and types.get(name[: -len(suffix)]) == "histogram":
                family, kind = name[: -len(suffix)], "histogram"
        if kind is None:
            fail(n, f"{name} has no TYPE before it")
        key = (name, tuple(sorted(labels.items())))
        if key in seen:
            fail(n, f"series {name}{labels} twice")
        seen.add(key)
        if kind == "counter" and not v >= 0:
            fail(n, f"counter {name} is {v}")
        if kind == "histogram":
            rest = tuple(sorted((k, x) for k, x in labels.items() if k != "le"))
            h = hist.setdefault((family, rest), {"buckets": [], "count": None})
            if name.endswith("_bucket"):
                if "le" not in labels:
                    fail(n, "a bucket without le")
                h["buckets"].append((value(labels["le"], n), v))
            elif name.endswith("_count"):
                h["count"] = v
        samples.append(f"{name}{{{','.join(f'{k}={x}' for k, x in sorted(labels.items()))}}} {m.group(4)}")
    for (family, rest), h in hist.items():
        b = h["buckets"]
        if not b or not math.isinf(b[-1][0]):
            fail(0, f"histogram {family}{dict(rest)} does not end with le=+Inf")
        if [x for x, _ in b] != sorted(x for x, _ in b):
            fail(0, f"histogram {family}{dict(rest)}: buckets out of order")
        if any(b[i][1] > b[i + 1][1] for i in range(len(b) - 1)):
            fail(0, f"histogram {family}{dict(rest)}: buckets not cumulative")
        if h["count"] != b[-1][1]:
            fail(0, f"histogram {family}{dict(rest)}: _count {h['count']} != +Inf bucket {b[-1][1]}")
    print("\n".join(samples))


main()
