#!/usr/bin/env python3
"""Score exports/kg.ttl against the shared gold and put the table into README.md.

    python scripts/score_table.py [--check]

Runs ../shared/tools/kg-score (the project's judge, not ours) and replaces the
block between the SCORE markers in README.md. --check only reports whether the
README is current.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
BEGIN, END = "<!-- SCORE:BEGIN -->", "<!-- SCORE:END -->"


def score() -> str:
    judge = SHARED / "tools" / "kg-score"
    if not judge.is_file():
        raise SystemExit(f"score_table: {judge} not found; this script needs the project's shared folder "
                         "(../shared) beside the repository.")
    cmd = [sys.executable, str(SHARED / "tools" / "kg-score"), str(ROOT / "exports" / "kg.ttl"),
           str(SHARED / "gold" / "seeds.gold.json"), "--corpus", str(ROOT / "seeds")]
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]
        raise SystemExit(f"score_table: {judge.name} failed: {last}")
    return proc.stdout.rstrip()


def main() -> int:
    table = f"{BEGIN}\n```\n{score()}\n```\n{END}"
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = head + table + tail
    if "--check" in sys.argv:
        return 0 if new == text else 1
    readme.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
