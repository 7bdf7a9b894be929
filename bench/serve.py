#!/usr/bin/env python3
"""kg serve latency: /sparql (a named query) and an entity page, one client and 20 at once.

    python bench/serve.py [--sizes 10000,100000,1000000] [--requests 40]

Graphs come from bench/query.py (the contract's shape; the hub 林武 chairs
meetings). Each size is loaded once into an Oxigraph store, a server is
started on a free loopback port, and each request is timed end to end over
HTTP. Prints a Markdown table of median and p95 milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from query import D, build_store

HUB = D + "person/hub"


def fetch(url: str, accept: str = "*/*") -> float:
    t0 = time.perf_counter()
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}), timeout=120) as r:
        r.read()
        assert r.status == 200
    return (time.perf_counter() - t0) * 1000


def latencies(url: str, accept: str, requests: int, clients: int) -> tuple[float, float]:
    fetch(url, accept)  # warm
    with ThreadPoolExecutor(clients) as pool:
        times = list(pool.map(lambda _: fetch(url, accept), range(requests)))
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * len(times)) - 1)]


def main() -> None:
    from kg.query import named_queries
    from kg.serve import make_server, serve_in_thread, shutdown

    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--requests", type=int, default=40)
    ap.add_argument("--targets", default="sparql,entity", help="which of sparql, entity to time")
    args = ap.parse_args()
    text = named_queries()["meetings_chaired_by"][0].read_text(encoding="utf-8")
    print("| triples | request | clients | median ms | p95 ms |")
    print("|---|---|---|---|---|")
    for size in (int(s) for s in args.sizes.split(",")):
        store = build_store(size)
        server = make_server(store, port=0, timeout=60)
        serve_in_thread(server)
        base = f"http://127.0.0.1:{server.server_address[1]}"
        targets = {"/sparql meetings_chaired_by (JSON)": (f"{base}/sparql?" + urllib.parse.urlencode({"query": text}),
                                                          "application/sparql-results+json"),
                   "entity page of the hub 林武": (f"{base}/entity?iri=" + urllib.parse.quote(HUB, safe=""), "text/html")}
        try:
            for name, (url, accept) in targets.items():
                if name.split()[0].strip("/") not in args.targets.split(","):
                    continue
                for clients in (1, 20):
                    med, p95 = latencies(url, accept, args.requests if clients == 1 else args.requests * 5, clients)
                    print(f"| {size:,} | {name} | {clients} | {med:.1f} | {p95:.1f} |", flush=True)
        finally:
            shutdown(server)


if __name__ == "__main__":
    main()
