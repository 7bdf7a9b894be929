"""The embedded SPARQL store (Oxigraph on disk), loaded from the Turtle beside it on first use.

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
        raise StoreError(f"{store_dir}: no graph store here, and no {Path(store_dir).with_suffix('.ttl').name} "
                         "beside it to load; run kg build, or pass --graph FILE.ttl.")
    try:
        return ox.Store.read_only(str(store_dir))
    except OSError as err:
        raise StoreError(f"{store_dir}: cannot open the graph store ({err}); rebuild it with kg build.") from err


def _fresh(ttl: Path, store_dir: Path) -> str | None:
    """Load ``ttl`` into ``store_dir`` unless the store already holds this very file; a note when it did."""
    from kg.atomic import BuildLock

    source = store_dir / "SOURCE"
    try:
        with BuildLock(store_dir.parent, name=f".{store_dir.name}.lock", wait=True):  # one loader at a time
            stamp = f"{ttl.resolve()}\n{os.stat(ttl).st_mtime_ns}\n"
            if source.is_file() and source.read_text(encoding="utf-8") == stamp:
                return None
            write_store(ttl, store_dir)
    except (OSError, SyntaxError, ValueError) as err:
        raise StoreError(f"{ttl}: cannot load it into the query store {store_dir} ({err}).") from err
    return f"kg: loaded {ttl} into the query store {store_dir} (once; reused until the file changes)"


def store_for(store_dir: Path | None = None, graph: Path | None = None) -> tuple[object, str | None]:
    """The store to read, and a note when it had to be loaded first.

    A store ``X.oxigraph/`` belongs to the Turtle file ``X.ttl`` beside it
    (``--graph FILE.ttl`` names the file; by default ``exports/kg.ttl``): it is
    loaded on first use and again whenever that file changes, so ``kg build``
    need not spend the time when no one queries.
    """
    if graph is not None:
        graph = Path(graph)
        if not graph.is_file():
            raise StoreError(f"{graph}: no such Turtle file.")
        store_dir = graph.with_suffix(".oxigraph")
    else:
        store_dir = Path(store_dir) if store_dir is not None else Path("exports") / STORE
        graph = store_dir.with_suffix(".ttl")
    from kg.atomic import settle_if_idle

    settle_if_idle(graph.parent)  # a build killed while replacing the exports: finish that first
    note = _fresh(graph, store_dir) if graph.is_file() else None
    return open_store(store_dir), note
