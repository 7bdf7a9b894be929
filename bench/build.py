#!/usr/bin/env python3
"""Build-speed benchmark on synthetic corpora of the seeds' genre.

    python bench/build.py [--sizes 1,10,100] [--jobs 2] [--speedup-mb 10] [--keep]

New pages are made by recombining seed sentences and varying them (dates,
ordinals, names, places), so the graph really grows with the corpus. Each size
is built as a whole process (`kg build --clean`), and compared with a floor
measured in the same run: reading and decoding the same files plus one regex
pass over them. Memory is the peak of the build's process tree (PSS, sampled
every 0.1 s) and the largest single process (RSS). The first `kg query` after
the build, which loads the Oxigraph store, is timed too. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
OUT = ROOT / "bench" / "out"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红新宏文斌海波辉鹏飞云峰林晓光东亮军宇"
NUM = "一二三四五六七八九"


def chinese_number(n: int) -> str:
    if n < 10:
        return NUM[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else NUM[tens - 1]
    return head + "十" + (NUM[ones - 1] if ones else "")


def load_places() -> list[str]:
    path = ROOT / "kg" / "data" / "places.tsv"
    names = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines()[1:]:
            cols = line.split("\t")
            if len(cols) > 2 and cols[1].endswith(("县", "区", "市")):
                names.append(cols[1])
    return names or ["清徐县", "平遥县", "太谷区", "盂县", "榆次区"]


def sentences() -> list[str]:
    out = []
    for page in sorted(SEEDS.glob("*.txt")):
        for para in page.read_text(encoding="utf-8").split("\n"):
            out.extend(s + "。" for s in para.split("。") if len(s) > 8)
    return out


def vary(sentence: str, rng: random.Random, places: list[str]) -> str:
    s = re.sub(r"\d{1,2}月\d{1,2}日", lambda m: f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日", sentence)
    s = re.sub(r"第[一二三四五六七八九十百零\d]+次", lambda m: f"第{chinese_number(rng.randint(1, 99))}次", s)
    s = re.sub(r"(书记|省长|市长|组长|记者)([\u4e00-\u9fff]{2,3}?)(主持|强调|提出|出席|、|，)",
               lambda m: m.group(1) + rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2)))
               + m.group(3), s)
    s = re.sub(r"(清徐|平遥|太谷|盂县|榆次)", lambda m: rng.choice(places), s)
    return s


def make_corpus(folder: Path, megabytes: float, seed: int = 0) -> int:
    """Write a corpus of about ``megabytes`` MB with a manifest; returns the page count."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    rng = random.Random(seed)
    pool, places = sentences(), load_places()
    target = int(megabytes * 1_000_000)
    written, n = 0, 0
    manifest = ["# synthetic pages made by bench/build.py"]
    while written < target:
        paras = []
        for _ in range(rng.randint(8, 20)):
            paras.append("".join(vary(rng.choice(pool), rng, places) for _ in range(rng.randint(1, 4))))
        text = "\n\n".join(paras) + "\n"
        name = f"page_{n:06d}.txt"
        (folder / name).write_text(text, encoding="utf-8")
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        manifest.append(f'["{name}"]\npublished = 2022-{month:02d}-{day:02d}\nhome_city = "140100"\n'
                        f'home_province = "140000"\n')
        written += len(text.encode("utf-8"))
        n += 1
    (folder / "manifest.toml").write_text("\n".join(manifest) + "\n", encoding="utf-8")
    return n


def floor(folder: Path) -> float:
    """Seconds to read and decode every page and run one regex pass over it."""
    pattern = re.compile(r"第[一二三四五六七八九十百\d]+次|[\u4e00-\u9fff]{2,3}(?:主持|出席|强调)|\d+月\d+日")
    t0 = time.perf_counter()
    hits = 0
    for page in sorted(folder.glob("*.txt")):
        hits += len(pattern.findall(page.read_bytes().decode("utf-8")))
    return time.perf_counter() - t0


def _tree_pss_mb(pid: int) -> float:
    """Proportional set size of a process and its descendants, in MB (Linux; 0 elsewhere).

    PSS shares pages that forked workers have in common among them, so the
    sum is what the build as a whole holds in memory.
    """
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup", encoding="ascii") as fh:
                total += next(int(line.split()[1]) for line in fh if line.startswith("Pss:"))
            with open(f"/proc/{p}/task/{p}/children", encoding="ascii") as fh:
                todo += [int(c) for c in fh.read().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total / 1024


def _timed(cmd: list[str]) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run ``cmd``; its output, wall seconds and peak memory of its process tree (MB, sampled)."""
    peak = 0.0
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.1):
            peak = max(peak, _tree_pss_mb(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - t0
    done.set()
    sampler.join()
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err), seconds, peak


def run_build(folder: Path, out: Path, jobs: int) -> dict:
    if out.exists():
        shutil.rmtree(out)
    cmd = [sys.executable, "-m", "kg.cli", "build", str(folder), "--out", str(out), "--clean", "--jobs", str(jobs)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc, seconds, tree_mb = _timed(cmd)
    if proc.returncode != 0:
        sys.exit(f"build failed:\n{proc.stderr[-2000:]}")
    rss = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    m = re.search(r"(\d+) triples", proc.stdout)
    return {"seconds": seconds, "rss_mb": rss / 1024, "tree_mb": tree_mb, "triples": int(m.group(1)) if m else -1,
            "ttl_mb": (out / "kg.ttl").stat().st_size / 1e6, "graphml_mb": (out / "kg.graphml").stat().st_size / 1e6}


def first_query(out: Path) -> tuple[float, float]:
    """Seconds and peak memory (MB) of the first ``kg query``, which loads the Oxigraph store."""
    cmd = [sys.executable, "-m", "kg.cli", "query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
           "--store", str(out / "kg.oxigraph")]
    proc, seconds, tree_mb = _timed(cmd)
    if proc.returncode != 0:
        sys.exit(f"query failed:\n{proc.stderr[-2000:]}")
    return seconds, tree_mb


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1,10,100", help="corpus sizes in MB, comma-separated")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--speedup-mb", type=float, default=10, help="size at which --jobs 1 is also timed")
    ap.add_argument("--keep", action="store_true", help="keep the generated corpora and exports in bench/out/")
    ap.add_argument("--no-query", action="store_true", help="do not time the first kg query (the store load)")
    args = ap.parse_args()
    sizes = [float(s) for s in args.sizes.split(",")]
    rows = []
    for mb in sizes:
        folder = OUT / f"corpus-{mb:g}MB"
        pages = make_corpus(folder, mb)
        real_mb = sum(p.stat().st_size for p in folder.glob("*.txt")) / 1e6
        fl = floor(folder)
        out = OUT / f"exports-{mb:g}MB"
        r = run_build(folder, out, args.jobs)
        row = {"mb": real_mb, "pages": pages, "floor": fl, **r, "jobs": args.jobs}
        if not args.no_query:
            row["query_s"], row["query_mb"] = first_query(out)
        if mb == args.speedup_mb:
            r1 = run_build(folder, OUT / f"exports-{mb:g}MB-j1", 1)
            row["speedup"] = r1["seconds"] / r["seconds"]
            if not args.keep:
                shutil.rmtree(OUT / f"exports-{mb:g}MB-j1")
        rows.append(row)
        print(f"built {real_mb:.1f} MB in {r['seconds']:.1f} s", file=sys.stderr)
        if not args.keep:
            shutil.rmtree(folder)
            shutil.rmtree(out)
    print("| corpus | pages | jobs | seconds | pages/s | MB/s | peak RSS MB (largest process) "
          "| peak PSS MB (all processes) | triples | kg.ttl MB | kg.graphml MB | floor s | × floor "
          "| speed-up vs 1 job | first query s (store load) | first query PSS MB |")
    print("|" + "---|" * 16)
    for r in rows:
        print(f"| {r['mb']:.1f} MB | {r['pages']} | {r['jobs']} | {r['seconds']:.1f} | {r['pages'] / r['seconds']:.0f} "
              f"| {r['mb'] / r['seconds']:.2f} | {r['rss_mb']:.0f} | {r['tree_mb']:.0f} | {r['triples']} "
              f"| {r['ttl_mb']:.1f} | {r['graphml_mb']:.1f} | {r['floor']:.2f} "
              f"| {r['seconds'] / max(r['floor'], 1e-9):.0f} | {r.get('speedup', float('nan')):.2f} "
              f"| {r.get('query_s', float('nan')):.1f} | {r.get('query_mb', float('nan')):.0f} |")
    if len(rows) >= 2:
        a, b = rows[-2], rows[-1]
        print(f"\ntime ratio {b['mb']:.0f} MB / {a['mb']:.0f} MB: {b['seconds'] / a['seconds']:.2f} "
              f"(size ratio {b['mb'] / a['mb']:.2f})")


if __name__ == "__main__":
    main()
