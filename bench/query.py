#!/usr/bin/env python3
"""Query-speed benchmark on real shapes: `kg neighbours` on the hubs of built graphs, and the named queries.

    python bench/query.py [--sizes 1,10,100] [--runs 3] [--reuse]

Each size is a corpus made as `bench/build.py` makes them (seed sentences
recombined and varied), built with `kg build --clean --jobs 2 --store` into
bench/out/graph-<size>MB (--reuse keeps one already there). Its hubs are the
most connected place, person and meeting: most kg: links to other entities, in
either direction. Each command is timed as a whole process (Python start-up
included), median of --runs, with and without evidence, at the default
`--limit`; then each named query (`kg query NAME`). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
KG = "https://w3id.org/kg-news/ontology#"
D = "https://w3id.org/kg-news/id/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
PLACES = {"Place", "Country", "Province", "City", "County", "Township", "Community", "Site"}
PERSONS = {"Person", "Official"}
KG_CMD = [sys.executable, "-m", "kg.cli"]


def graph(mb: float, reuse: bool) -> Path:
    """The export folder of a --clean --jobs 2 build of the ``mb`` MB bench corpus, with its store."""
    sys.path.insert(0, str(ROOT / "bench"))
    from build import make_corpus

    corpus = OUT / f"corpus-{mb:g}MB"
    out = OUT / f"graph-{mb:g}MB"
    if reuse and (out / "kg.oxigraph").is_dir():
        return out
    if not corpus.is_dir():
        make_corpus(corpus, mb)
    t0 = time.perf_counter()
    subprocess.run(KG_CMD + ["build", str(corpus), "--out", str(out), "--clean", "--jobs", "2", "--store"],
                   check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    print(f"built {mb:g} MB with its store in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return out


def hubs(store_dir: Path) -> dict[str, tuple[str, str, int, bool]]:
    """The most connected place, person and meeting: kind -> (IRI, label, links, label names others too).

    Links are kg: statements between two entities (not documents or evidence), either direction,
    counted in the store.
    """
    import pyoxigraph as ox

    store = ox.Store.read_only(str(store_dir))
    out = {}
    for kind, classes in (("place", PLACES), ("person", PERSONS), ("meeting", {"Meeting"})):
        values = " ".join(f"<{KG}{c}>" for c in sorted(classes))
        rows = store.query(
            f"SELECT ?x (COUNT(?y) AS ?n) WHERE {{ {{ SELECT DISTINCT ?x WHERE {{ VALUES ?c {{ {values} }} ?x a ?c }} }} "
            f"{{ ?x ?p ?y }} UNION {{ ?y ?p ?x }} "
            f"FILTER(STRSTARTS(STR(?p), \"{KG}\") && isIRI(?y) && STRSTARTS(STR(?y), \"{D}\") "
            f"&& !CONTAINS(STR(?y), \"/evidence/\") && !CONTAINS(STR(?y), \"/sentence/\") && !CONTAINS(STR(?y), \"/doc/\")) }} "
            "GROUP BY ?x ORDER BY DESC(?n) DESC(STR(?x)) LIMIT 1")
        row = next(iter(rows))
        iri, n = row["x"].value, int(row["n"].value)
        label = next((q.object.value for q in store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(LABEL), None)),
                     iri)
        same = {q.subject.value for pred in (LABEL, ALT) for lang in ("zh", None)
                for q in store.quads_for_pattern(None, ox.NamedNode(pred),
                                                 ox.Literal(label, language=lang) if lang else ox.Literal(label))}
        out[kind] = (iri, label, n, len(same) > 1)
    return out


def timed(cmd: list[str], runs: int) -> tuple[float | str, float]:
    """Median wall time of ``runs`` separate processes, and the largest peak RSS (MB) among them.

    A command that fails (a query stopped at kg query's 60 s limit) is reported by its message, run once.
    """
    times, peak = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        times.append(time.perf_counter() - t0)
        peak = max(peak, usage.ru_maxrss)
        if status != 0:
            message = proc.stderr.read().decode().strip().splitlines()[-1:] or ["failed"]
            print(f"failed: {' '.join(cmd)}: {message[0]}", file=sys.stderr)
            return f"failed after {times[-1]:.0f} s", peak / 1024
    return statistics.median(times), peak / 1024


def _s(t: float | str | None) -> str:
    return "" if t is None else t if isinstance(t, str) else f"{t:.2f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1,10,100", help="corpus sizes in MB, comma-separated")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--reuse", action="store_true", help="reuse a graph already built in bench/out/")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from kg.query import named_queries

    names = sorted(named_queries())
    rows = []
    for mb in (float(s) for s in args.sizes.split(",")):
        out = graph(mb, args.reuse)
        store = str(out / "kg.oxigraph")
        triples = int(subprocess.run(KG_CMD + ["query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--store", store,
                                               "--format", "csv"], check=True, capture_output=True, text=True,
                                     cwd=ROOT).stdout.split()[1])
        for kind, (iri, label, links, ambiguous) in hubs(out / "kg.oxigraph").items():
            # looked up by name as a reader would, by --id when the name is shared
            nb = KG_CMD + ["neighbours", label, "--store", store] + (["--id", iri] if ambiguous else [])
            with_ev, mem1 = timed(nb, args.runs)
            without, mem2 = timed(nb + ["--no-evidence"], args.runs)
            rows.append((f"{mb:g} MB", triples, f"kg nb {kind} hub {label}{' --id' if ambiguous else ''} ({links} links)", with_ev, without,
                         max(mem1, mem2)))
        for name in names:
            t, mem = timed(KG_CMD + ["query", name, "--store", store], args.runs)
            rows.append((f"{mb:g} MB", triples, f"kg query {name}", t, None, mem))
    print("| graph | triples | command | with evidence s | --no-evidence s | peak RSS MB |")
    print("|---|---|---|---|---|---|")
    for size, triples, what, t, t2, mem in rows:
        print(f"| {size} | {triples:,} | {what} | {_s(t)} | {_s(t2)} | {mem:.0f} |")


if __name__ == "__main__":
    main()
