"""The embedded SPARQL store (Oxigraph on disk), written atomically next to the Turtle.

This module imports neither rdflib nor spaCy: the query commands use it.
"""

from __future__ import annotations

import os
from pathlib import Path

from kg.errors import StoreError

STORE = "kg.oxigraph"


def write_store(ttl: Path, store_dir: Path) -> None:
    """Bulk-load ``ttl`` into a fresh store that replaces ``store_dir`` whole."""
    import pyoxigraph as ox

    from kg.atomic import atomic_dir

    with atomic_dir(store_dir) as tmp:
        store = ox.Store(str(tmp))
        store.bulk_load(path=str(ttl), format=ox.RdfFormat.TURTLE)
        store.flush()
        del store
        (Path(tmp) / "SOURCE").write_text(f"{Path(ttl).resolve()}\n{os.stat(ttl).st_mtime_ns}\n", encoding="utf-8")


def open_store(store_dir: Path):
    """Open a store read-only; a clear error when it is missing."""
    import pyoxigraph as ox

    if not (Path(store_dir) / "SOURCE").is_file():
        raise StoreError(f"{store_dir}: no graph store here; run kg build, or pass --graph FILE.ttl.")
    try:
        return ox.Store.read_only(str(store_dir))
    except OSError as err:
        raise StoreError(f"{store_dir}: cannot open the graph store ({err}); rebuild it with kg build.") from err


def store_for(store_dir: Path | None = None, graph: Path | None = None) -> tuple[object, str | None]:
    """The store to read, and a note when it had to be built from ``graph`` first.

    ``graph`` (a Turtle file) gets its store beside it (``kg.ttl`` -> ``kg.oxigraph/``),
    built once and rebuilt when the Turtle changes.
    """
    note = None
    if graph is not None:
        graph = Path(graph)
        if not graph.is_file():
            raise StoreError(f"{graph}: no such Turtle file.")
        store_dir = graph.with_suffix(".oxigraph")
        source = store_dir / "SOURCE"
        stamp = f"{graph.resolve()}\n{os.stat(graph).st_mtime_ns}\n"
        if not source.is_file() or source.read_text(encoding="utf-8") != stamp:
            try:
                write_store(graph, store_dir)
            except (OSError, SyntaxError, ValueError) as err:
                raise StoreError(f"{graph}: cannot load it into a store ({err}).") from err
            note = f"kg: built the query store {store_dir} from {graph} (once; reused until the file changes)"
    elif store_dir is None:
        store_dir = Path("exports") / STORE
    return open_store(Path(store_dir)), note
