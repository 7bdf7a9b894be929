#!/usr/bin/env python3
"""Regenerate kg/data/places.tsv from JioNLP's administrative-division dictionary.

    pip download --no-deps -d /tmp/jl jionlp && unzip /tmp/jl/jionlp-*.whl -d /tmp/jl/x
    unzip /tmp/jl/x/jionlp/dictionary/china_location.zip -d /tmp/jl/loc
    python scripts/make_places.py /tmp/jl/loc/china_location.txt > kg/data/places.tsv

Run at development time only; JioNLP (Apache-2.0) is not a dependency. Keeps
the country, every province-, prefecture- and county-level unit with its code
and short name, and the townships of the provinces named in TOWNSHIP_PROVINCES.
"""

import sys

TOWNSHIP_PROVINCES = {"140000"}  # Shanxi: the seed corpus' province
LEVELS = {0: "Province", 1: "City", 2: "County", 3: "Township"}


def main(path: str) -> None:
    rows = [("100000", "中国", "Country", "", "中华人民共和国")]
    stack: list[str] = []
    for line in open(path, encoding="utf-8"):
        depth = len(line) - len(line.lstrip("\t"))
        cols = line.strip().split("\t")
        if not cols[0] or depth > 3:
            continue
        stack = stack[:depth]
        parent = stack[-1] if stack else "100000"
        if depth < 3:
            name = cols[0]
            code = cols[1] if len(cols) > 1 else f"{parent}/{name}"
            short = cols[2] if len(cols) > 2 else ""
            if depth == 1 and code == parent:  # municipalities repeat themselves as their own city
                stack.append(code)
                continue
            rows.append((code, name, LEVELS[depth], parent, short if short != name else ""))
            stack.append(code)
        else:
            province = stack[0] if stack else ""
            if province in TOWNSHIP_PROVINCES:
                rows.append((f"{parent}/{cols[0]}", cols[0], "Township", parent, ""))
            stack.append(f"{parent}/{cols[0]}")
    print("code\tname\tlevel\tparent\taliases")
    seen = set()
    for row in rows:
        if row[0] in seen:
            continue
        seen.add(row[0])
        print("\t".join(row))


if __name__ == "__main__":
    main(sys.argv[1])
