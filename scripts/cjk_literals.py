"""Count the CJK characters in string literals of kg/**/*.py (vocabulary that should live in kg/data).

    python scripts/cjk_literals.py            # per file, then the total
    python scripts/cjk_literals.py --top 20   # also the largest literals

Docstrings and comments are not counted: they explain, they do not match text.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from pathlib import Path

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")  # ideographs (punctuation is not vocabulary)


def literals(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string literal but docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docs.add(id(body[0].value))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            out.append((node.lineno, node.value))
    return out


def count(root: Path) -> dict[Path, list[tuple[int, str, int]]]:
    found: dict[Path, list[tuple[int, str, int]]] = {}
    for path in sorted(root.rglob("*.py")):
        if "data" in path.relative_to(root).parts:
            continue
        hits = [(line, text, len(CJK.findall(text))) for line, text in literals(path)]
        hits = [h for h in hits if h[2]]
        if hits:
            found[path] = hits
    return found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", nargs="?", default="kg")
    ap.add_argument("--top", type=int, default=0)
    args = ap.parse_args()
    found = count(Path(args.root))
    total = 0
    for path, hits in sorted(found.items(), key=lambda kv: -sum(h[2] for h in kv[1])):
        n = sum(h[2] for h in hits)
        total += n
        print(f"{n:6d}  {path}")
    print(f"{total:6d}  total")
    if args.top:
        every = sorted(((n, str(p), line, text) for p, hits in found.items() for line, text, n in hits), reverse=True)
        for n, p, line, text in every[: args.top]:
            print(f"{n:5d} {p}:{line}  {text[:100]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
