#!/usr/bin/env python3
"""Extraction time of one page against its length, for ordinary and pathological pages.

    python bench/robust.py [--sizes 10000,100000,1000000] [--shapes ordinary,digits,...] [--profile SHAPE:SIZE]

Each page is written to a file and taken through the path a worker of
`kg build` takes for one page: read and decode the file (HTML to text),
normalise, the spaCy pipeline, evidence located, the page file written
(``kg.extract.extract_page_files``). Sizes are characters of the page file.
The table shows the seconds per size and the ratio of each size to the one
before it: linear time means a ratio near the size ratio (10); the target is
at most 15 for every shape. ``--profile`` prints a cProfile of one run.
"""

from __future__ import annotations

import argparse
import base64
import cProfile
import pstats
import random
import re
import sys
import tempfile
import time
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.corpus import read_document
from kg.extract import extract_page_files

SEEDS = ROOT / "seeds"
CN = "一二三四五六七八九"


def _repeat(unit: str, n: int) -> str:
    return (unit * (n // len(unit) + 1))[:n]


def _seed_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))


def _chinese(n: int) -> str:
    tens, ones = divmod(n, 10)
    return (CN[tens - 1] if tens > 1 else "") + ("十" if tens else "") + (CN[ones - 1] if ones else "")


def ordinary(n: int) -> str:
    """The seed pages one after another, as often as it takes."""
    return _repeat(_seed_text() + "\n", n)


def one_line(n: int) -> str:
    """The seed pages with no line breaks: one line."""
    return _repeat(_seed_text().replace("\n", ""), n)


def no_punctuation(n: int) -> str:
    """The seed pages with every punctuation mark, space and line break taken out."""
    return _repeat(re.sub(r"[^\u4e00-\u9fff0-9A-Za-z]", "", _seed_text()), n)


def digits(n: int) -> str:
    return _repeat("0123456789", n)


def chinese_numerals(n: int) -> str:
    return _repeat("一二三四五六七八九十", n)


def titles(n: int) -> str:
    """A list of titled names: 市委书记林武、市委书记林武、…"""
    return _repeat("市委书记林武、", n)


def title_names(n: int) -> str:
    """Varied titles and names in one long list."""
    rng = random.Random(0)
    posts = ["市委书记", "市长", "副市长", "省委常委", "区委书记", "县长", "市委副书记"]
    names = ["林武", "王明", "李华", "张强", "刘芳", "陈静", "杨洋", "赵军"]
    parts = []
    while sum(map(len, parts)) < n:
        parts.append(rng.choice(posts) + rng.choice(names) + "、")
    return "".join(parts)[:n]


def quotes(n: int) -> str:
    return _repeat("“严防死守”", n)


def enumeration_commas(n: int) -> str:
    """A run of 、 with nothing else."""
    return "、" * n


def ordinals(n: int) -> str:
    """第一次第二次…第九十九次, over and over."""
    return _repeat("".join(f"第{_chinese(i)}次" for i in range(1, 100)), n)


def _repeating(unit: str) -> Callable[[int], str]:
    """A shape that is ``unit`` over and over."""
    return lambda n: _repeat(unit, n)


def expanding(n: int) -> str:
    """U+FDFA, which NFKC expands 18 times: n characters of clean text."""
    return "\ufdfa" * max(1, n // 18)


def nested_html(n: int) -> str:
    """Nested <div>s around one sentence, n characters of markup."""
    body = "<p>太原市召开疫情防控工作会议。</p>"
    depth = max(1, (n - len(body) - 40) // 11)
    return "<html><body>" + "<div>" * depth + body + "</div>" * depth + "</body></html>"


def base64_html(n: int) -> str:
    """An HTML page with a base64 blob in one paragraph, between two ordinary sentences."""
    head = "<html><body><p>太原市召开疫情防控工作会议。</p><p>"
    tail = "</p><p>清徐县新增阳性感染者3例。</p></body></html>"
    raw = random.Random(0).randbytes(max(1, (n - len(head) - len(tail)) * 3 // 4))
    return head + base64.b64encode(raw).decode() + tail


SHAPES: dict[str, tuple[Callable[[int], str], str]] = {
    "ordinary": (ordinary, ".txt"),
    "one_line": (one_line, ".txt"),
    "no_punctuation": (no_punctuation, ".txt"),
    "digits": (digits, ".txt"),
    "chinese_numerals": (chinese_numerals, ".txt"),
    "titles": (titles, ".txt"),
    "title_names": (title_names, ".txt"),
    "quotes": (quotes, ".txt"),
    "enumeration_commas": (enumeration_commas, ".txt"),
    "ordinals": (ordinals, ".txt"),
    # dates with more days after them; bylines and credits; relayed meetings with a joined second name;
    # one sentence of parts joined by ；, a measure in every third, no place
    "dates": (_repeating("4月1日、2日和3日，"), ".txt"),
    "bylines": (_repeating("（记者 王明）责任编辑：李华\n"), ".txt"),
    "relays": (_repeating("传达学习省委第五次专题会议暨安全生产推进会精神。"), ".txt"),
    "parts": (_repeating("暂停堂食；暂缓开放；有序恢复；"), ".txt"),
    "expanding": (expanding, ".txt"),
    "nested_html": (nested_html, ".html"),
    "base64_html": (base64_html, ".html"),
}


def run_page(text: str, suffix: str, folder: Path) -> float:
    """Seconds to take one page file through a build worker's path."""
    path = folder / f"page{suffix}"
    path.write_text(text, encoding="utf-8")
    start = time.perf_counter()
    doc = read_document(path, folder, {}, year=2022, max_bytes=10 ** 9)
    extract_page_files([(doc, folder / "page.kgpage")])
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--shapes", default=",".join(SHAPES))
    ap.add_argument("--profile", metavar="SHAPE:SIZE", help="print a cProfile of one page instead of the table")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        run_page("太原市召开会议。", ".txt", folder)  # warm up: load the pipeline once
        if args.profile:
            shape, size = args.profile.split(":")
            make, suffix = SHAPES[shape]
            text = make(int(size))
            prof = cProfile.Profile()
            prof.enable()
            run_page(text, suffix, folder)
            prof.disable()
            pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
            return
        sizes = [int(s) for s in args.sizes.split(",")]
        head = ["shape"] + [f"{s:,} chars s" for s in sizes] + [f"× {b:,}/{a:,}" for a, b in pairwise(sizes)]
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        worst = 0.0
        for name in args.shapes.split(","):
            make, suffix = SHAPES[name]
            times = [run_page(make(n), suffix, folder) for n in sizes]
            ratios = [b / a for a, b in pairwise(times)]
            worst = max([worst, *ratios])
            print("| " + " | ".join([name] + [f"{t:.2f}" for t in times] + [f"{r:.1f}" for r in ratios]) + " |",
                  flush=True)
        print(f"\nworst ratio for 10× the text: {worst:.1f} (target ≤ 15)")


if __name__ == "__main__":
    main()
