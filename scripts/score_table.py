#!/usr/bin/env python3
"""Score the graph against the shared gold and put a seeds / dev-set table into README.md.

    python scripts/score_table.py [--dev DIR] [--check]

Runs ../shared/tools/kg-score (the project's judge, not ours) on exports/kg.ttl
against the seed gold and, with ``--dev DIR`` (the fetched texts of the
development set, see ../shared/dev/README.md; default /tmp/dev/texts when it
exists), on a build of those pages (``kg build DIR --year 2022`` into a
temporary folder) against ../shared/dev/devset.json. The block between the
SCORE markers in README.md is replaced by one table, seeds and dev set side by
side per category. --check only reports whether the README is current.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
BEGIN, END = "<!-- SCORE:BEGIN -->", "<!-- SCORE:END -->"
DEV_TEXTS = Path("/tmp/dev/texts")


def fail(message: str) -> None:
    raise SystemExit(f"score_table: {message}")


def score(ttl: Path, gold: Path, corpus: Path) -> dict:
    judge = SHARED / "tools" / "kg-score"
    if not judge.is_file():
        fail(f"{judge} not found; this script needs the project's shared folder (../shared) beside the repository.")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "score.json"
        cmd = [sys.executable, str(judge), str(ttl), str(gold), "--corpus", str(corpus), "--json", str(out)]
        proc = subprocess.run(cmd, check=False, capture_output=True, text=True)
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]
            fail(f"{judge.name} failed: {last}")
        return json.loads(out.read_text(encoding="utf-8"))


def build_dev(texts: Path, out: Path) -> Path:
    kg = Path(sys.executable).with_name("kg")  # the console script of the environment running this
    proc = subprocess.run([str(kg) if kg.is_file() else "kg", "build", str(texts), "--out", str(out),
                           "--year", "2022", "--clean"], check=False, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or proc.stdout.strip().splitlines() or ["?"])[-1]
        fail(f"kg build {texts} failed: {last}")
    return out / "kg.ttl"


def cell(row: dict | None) -> str:
    return "" if row is None else f"{row['P']:.3f} | {row['R']:.3f} | {row['F1']:.3f} | {row['gold']}"


def table(seeds: dict, dev: dict | None) -> str:
    head = "| | seeds P | R | F1 | gold |" + (" dev P | R | F1 | gold |" if dev else "")
    rule = "|---|---|---|---|---|" + ("---|---|---|---|" if dev else "")
    lines = [head, rule]
    for part in ("entities", "relations"):
        lines.append(f"| **{part}** | | | | |" + (" | | | |" if dev else ""))
        for name, row in seeds[part].items():
            other = (dev or {}).get(part, {}).get(name)
            lines.append(f"| {name} | {cell(row)} |" + (f" {cell(other)} |" if dev else ""))
    for label, key in (("entity F1 (macro)", "entity_F1_macro"), ("relation F1 (macro)", "relation_F1_macro")):
        lines.append(f"| **{label}** | | | {seeds['summary'][key]:.3f} | |"
                     + (f" | | {dev['summary'][key]:.3f} | |" if dev else ""))
    ev = [f"seeds: evidence backed {seeds['evidence']['backed']}, offsets exact {seeds['evidence']['offsets_exact']}"]
    if dev:
        ev.append(f"dev: evidence backed {dev['evidence']['backed']}, offsets exact {dev['evidence']['offsets_exact']}")
    return "\n".join(lines) + "\n\n" + "; ".join(ev) + "."


def main(argv: list[str]) -> int:
    dev_dir = DEV_TEXTS if DEV_TEXTS.is_dir() else None
    if "--dev" in argv:
        i = argv.index("--dev")
        if i + 1 >= len(argv):
            fail("--dev needs the folder of the fetched dev-set texts.")
        dev_dir = Path(argv[i + 1])
        if not dev_dir.is_dir():
            fail(f"{dev_dir}: no such folder (fetch the texts as ../shared/dev/README.md says).")
    seeds = score(ROOT / "exports" / "kg.ttl", SHARED / "gold" / "seeds.gold.json", ROOT / "seeds")
    dev = None
    if dev_dir is not None:
        with tempfile.TemporaryDirectory() as tmp:
            dev = score(build_dev(dev_dir, Path(tmp) / "out"), SHARED / "dev" / "devset.json", dev_dir)
    block = f"{BEGIN}\n{table(seeds, dev)}\n{END}"
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = head + block + tail
    if "--check" in argv:
        return 0 if new == text else 1
    readme.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
