#!/usr/bin/env python3
"""Query-speed benchmark: `kg neighbours` and `kg query` as whole processes on synthetic graphs.

    python bench/query.py [--sizes 10000,100000,1000000] [--runs 5]

Graphs have the contract's shape (officials with posts, meetings with chairs
and attendees, places, evidence nodes with sentences and offsets, Chinese
labels). Each size is loaded once into an Oxigraph store; then each command is
timed as a separate process (Python start-up included), median of --runs, with
the peak memory of those processes. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
KG = "https://w3id.org/kg-news/ontology#"
D = "https://w3id.org/kg-news/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD = "http://www.w3.org/2001/XMLSchema#"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红新宏文斌海波辉鹏飞云峰"


def triples(target: int, seed: int = 0):
    """N-Triples lines until about ``target`` triples: the hub person 林武 chairs many meetings."""
    rng = random.Random(seed)
    n = 0
    ev = 0

    def t(s, p, o):
        nonlocal n
        n += 1
        return f"<{s}> <{p}> {o} .\n"

    def lit(text, lang="zh"):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + f'"@{lang}'

    def evidence(s, p, o_term, doc):
        nonlocal ev
        ev += 1
        e = f"{D}evidence/{ev}"
        start = rng.randint(0, 5000)
        return "".join([
            t(e, RDF + "type", f"<{KG}Evidence>"), t(e, RDF + "subject", f"<{s}>"),
            t(e, RDF + "predicate", f"<{p}>"), t(e, RDF + "object", o_term),
            t(e, "http://www.w3.org/ns/prov#wasDerivedFrom", f"<{doc}>"),
            t(e, KG + "sentence", lit("省委书记主持召开会议，研究部署疫情防控工作。" * 2)),
            t(e, KG + "charStart", f'"{start}"^^<{XSD}integer>'),
            t(e, KG + "charEnd", f'"{start + 40}"^^<{XSD}integer>')])

    hub = f"{D}person/hub"
    yield t(hub, RDF + "type", f"<{KG}Official>") + t(hub, LABEL, lit("林武"))
    people = []
    i = 0
    while n < target:
        doc = f"{D}doc/page{i // 20}"
        if i % 20 == 0:
            yield t(doc, RDF + "type", f"<{KG}Document>") + t(doc, KG + "sourceFile", lit(f"page{i // 20}.txt", "en"))
        person = f"{D}person/p{i}"
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=2)) + str(i)
        people.append(person)
        post = f"{D}post/p{i}"
        yield (t(person, RDF + "type", f"<{KG}Official>") + t(person, LABEL, lit(name)) +
               t(post, RDF + "type", f"<{KG}Post>") + t(post, KG + "title", lit("市委书记")) +
               t(person, KG + "holds", f"<{post}>") + evidence(person, KG + "holds", f"<{post}>", doc))
        meeting = f"{D}meeting/m{i}"
        date = f"20{rng.randint(20, 23)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        chair = hub if i < 100 and i % 5 == 0 else person  # the hub's neighbourhood is the same at every size
        yield (t(meeting, RDF + "type", f"<{KG}Meeting>") + t(meeting, LABEL, lit(f"市疫情防控工作领导小组第{i}次会议")) +
               t(meeting, KG + "date", f'"{date}"^^<{XSD}date>') + t(meeting, KG + "ordinal", f'"{i}"^^<{XSD}integer>') +
               t(meeting, KG + "chair", f"<{chair}>") + evidence(meeting, KG + "chair", f"<{chair}>", doc))
        for other in rng.sample(people, min(3, len(people))):
            yield t(meeting, KG + "attendee", f"<{other}>") + evidence(meeting, KG + "attendee", f"<{other}>", doc)
        i += 1


def build_store(size: int) -> Path:
    folder = OUT / f"graph-{size}"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    nt = folder / "kg.ttl"  # N-Triples is Turtle
    with nt.open("w", encoding="utf-8") as fh:
        for chunk in triples(size):
            fh.write(chunk)
    t0 = time.perf_counter()
    # load in a child process, so this one stays small (children forked from it inherit its RSS)
    subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; from kg.store import write_store; "
                    "write_store(Path(sys.argv[1]), Path(sys.argv[2]))", str(nt), str(folder / "kg.oxigraph")],
                   check=True, cwd=ROOT)
    print(f"loaded {size} triples in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return folder / "kg.oxigraph"


def timed(cmd: list[str], runs: int) -> tuple[float, float]:
    """Median wall time of ``runs`` separate processes, and the largest peak RSS (MB) among them."""
    import os

    times, peak = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        times.append(time.perf_counter() - t0)
        if status != 0:
            sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr.read().decode()[-1000:]}")
        peak = max(peak, usage.ru_maxrss)
    return statistics.median(times), peak / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    kg = [sys.executable, "-m", "kg.cli"]
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        store = build_store(size)
        nb, nb_mem = timed(kg + ["neighbours", "林武", "--store", str(store)], args.runs)
        q, q_mem = timed(kg + ["query", "SELECT ?m ?d WHERE { ?m kg:chair ?p ; kg:date ?d . ?p rdfs:label \"林武\"@zh }"
                               " ORDER BY ?d LIMIT 20", "--store", str(store)], args.runs)
        rows.append((size, nb, q, max(nb_mem, q_mem)))
    print("| triples | kg neighbours (median s) | kg query (median s) | peak RSS MB |")
    print("|---|---|---|---|")
    for size, nb, q, mem in rows:
        print(f"| {size:,} | {nb:.3f} | {q:.3f} | {mem:.0f} |")
    if len(rows) > 1:
        print(f"\nneighbours at {rows[-1][0]:,} / at {rows[0][0]:,}: {rows[-1][1] / rows[0][1]:.2f}×")


if __name__ == "__main__":
    main()
