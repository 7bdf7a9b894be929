"""The embedded SPARQL store (Oxigraph on disk), loaded from the Turtle beside it on first use.

This module imports neither rdflib nor spaCy: the query commands use it.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from kg.errors import StoreDamaged, StoreError

STORE = "kg.oxigraph"


class _Counted(io.RawIOBase):
    """A binary file that reports how many of its bytes have been read (Oxigraph reads it as it loads)."""

    def __init__(self, fh, total: int, on_progress) -> None:
        super().__init__()
        self.fh, self.total, self.on_progress, self.done = fh, total, on_progress, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self.fh.readinto(buffer)
        self._count(n or 0)
        return n

    def _count(self, n: int) -> None:
        self.done += n
        self.on_progress(self.done, self.total)


def write_store(ttl: Path, store_dir: Path, on_progress=None) -> None:
    """Bulk-load ``ttl`` into a fresh store that replaces ``store_dir`` whole.

    ``on_progress(bytes_read, total_bytes)`` is called as the Turtle is read.
    """
    import pyoxigraph as ox

    from kg.atomic import atomic_dir

    with atomic_dir(store_dir) as tmp:
        store = ox.Store(str(tmp))
        if on_progress is None:
            store.bulk_load(path=str(ttl), format=ox.RdfFormat.TURTLE)
        else:
            with open(ttl, "rb", buffering=0) as fh:
                counted = io.BufferedReader(_Counted(fh, os.fstat(fh.fileno()).st_size, on_progress), 1 << 20)
                store.bulk_load(input=counted, format=ox.RdfFormat.TURTLE)
        store.flush()
        del store
        (Path(tmp) / "SOURCE").write_text(_stamp(ttl), encoding="utf-8")


def cache_dir() -> Path:
    """The user's cache folder for query stores that cannot live beside their Turtle file."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kg" / "stores"


def cached_store_dir(ttl: Path) -> Path:
    """The store for ``ttl`` in the user's cache folder (one per Turtle file path)."""
    import hashlib

    key = hashlib.sha256(str(Path(ttl).resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return cache_dir() / f"{key}-{Path(ttl).stem}.oxigraph"


def _stamp(ttl: Path) -> str:
    return f"{Path(ttl).resolve()}\n{os.stat(ttl).st_mtime_ns}\n"


def is_fresh(ttl: Path, store_dir: Path) -> bool:
    """Whether ``store_dir`` holds exactly this version of ``ttl`` (no lock needed: SOURCE is written last)."""
    try:
        return (Path(store_dir) / "SOURCE").read_text(encoding="utf-8") == _stamp(ttl)
    except (OSError, UnicodeDecodeError):
        return False


def open_store(store_dir: Path):
    """Open a store read-only; a clear error when it is missing or damaged."""
    import pyoxigraph as ox

    if not (Path(store_dir) / "SOURCE").is_file():
        raise StoreError(f"{store_dir}: no graph store here, and no {Path(store_dir).with_suffix('.ttl').name} "
                         "beside it to load; run kg build, or pass --graph FILE.ttl.")
    try:
        return ox.Store.read_only(str(store_dir))
    except (OSError, RuntimeError) as err:
        raise StoreDamaged(f"{store_dir}: cannot open the graph store ({_first_line(err)}); "
                           "rebuild it with kg build.") from None


def _first_line(err: BaseException) -> str:
    return " ".join(str(err).split())[:200]


SLOW_NOTE_AFTER = 1.0  # seconds of loading after which the user is told what is happening


def _load(ttl: Path, store_dir: Path, force: bool = False, on_note=None, on_progress=None) -> bool:
    """Load ``ttl`` into ``store_dir`` under the loader lock unless it is already there; True when loaded.

    When loading takes longer than SLOW_NOTE_AFTER seconds, ``on_note`` is called
    (from a timer thread: Oxigraph's bulk load releases the GIL) with a line
    saying what is happening, so the first query on a big graph is not silent.
    """
    import threading

    from kg.atomic import BuildLock

    with BuildLock(store_dir.parent, name=f".{store_dir.name}.lock", wait=True):  # one loader at a time
        if not force and is_fresh(ttl, store_dir):
            return False
        size = os.stat(ttl).st_size / 1e6
        line = (f"kg: loading {ttl} ({size:.1f} MB) into the query store {store_dir}; the first query after a "
                "build waits for this (about 10 s for 10 MB), later ones do not…")
        timer = threading.Timer(SLOW_NOTE_AFTER, on_note or (lambda _: None), [line])
        timer.daemon = True
        timer.start()
        try:
            write_store(ttl, store_dir, on_progress)
        finally:
            timer.cancel()
    return True


def _writable(folder: Path) -> bool:
    return os.access(folder, os.W_OK | os.X_OK) if folder.is_dir() else _writable(folder.parent)


def graph_and_store(store_dir: Path | None = None, graph: Path | None = None) -> tuple[Path, Path]:
    """The Turtle file and its store folder: ``--graph FILE.ttl``, or ``--store X.oxigraph`` beside ``X.ttl``."""
    if graph is not None:
        graph = Path(graph)
        if not graph.is_file():
            raise StoreError(f"{graph}: no such Turtle file.")
        return graph, graph.with_suffix(".oxigraph")
    store_dir = Path(store_dir) if store_dir is not None else Path("exports") / STORE
    return store_dir.with_suffix(".ttl"), store_dir


def ready_store_dir(store_dir: Path | None = None, graph: Path | None = None,
                    rebuild: bool = False, on_note=None, on_progress=None) -> tuple[Path, str | None]:
    """The folder of an up-to-date store for the graph, and a note when it had to be loaded first.

    A store ``X.oxigraph/`` belongs to the Turtle file ``X.ttl`` beside it
    (``--graph FILE.ttl`` names the file; by default ``exports/kg.ttl``): it is
    loaded on first use and again whenever that file changes, so ``kg build``
    need not spend the time when no one queries. When the folder cannot be
    written (read-only media, someone else's exports) the store goes to the
    user's cache folder instead. ``rebuild`` reloads a damaged store.
    ``on_note`` hears about a load that takes more than a second while it runs;
    ``on_progress(bytes_read, total)`` follows the load (for a progress bar).
    """
    graph, store_dir = graph_and_store(store_dir, graph)
    from kg.atomic import settle_if_idle

    settle_if_idle(graph.parent)  # a build killed while replacing the exports: finish that first
    if not graph.is_file():
        return store_dir, None
    if not rebuild and is_fresh(graph, store_dir):
        return store_dir, None
    cached = cached_store_dir(graph)
    if not rebuild and is_fresh(graph, cached):
        return cached, None
    where = store_dir if _writable(store_dir.parent) else cached
    try:
        try:
            loaded = _load(graph, where, force=rebuild, on_note=on_note, on_progress=on_progress)
        except PermissionError:
            if where == cached:
                raise
            where = cached
            loaded = _load(graph, where, force=rebuild, on_note=on_note, on_progress=on_progress)
    except (OSError, SyntaxError, ValueError, RuntimeError) as err:
        raise StoreError(f"{graph}: cannot load it into the query store {where} ({_first_line(err)}).") from None
    if not loaded:
        return where, None
    done = "rebuilt the damaged query store from" if rebuild else "loaded"
    note = f"kg: {done} {graph} into the query store {where}"
    if where == cached:
        note += f" (your cache folder, as {store_dir.parent} cannot be written)"
    return where, note + "; reused until the file changes"


def store_for(store_dir: Path | None = None, graph: Path | None = None,
              on_note=None, on_progress=None) -> tuple[object, str | None]:
    """An open read-only store for the graph, and a note when it had to be loaded or rebuilt first."""
    where, note = ready_store_dir(store_dir, graph, on_note=on_note, on_progress=on_progress)
    try:
        return open_store(where), note
    except StoreDamaged:
        if not graph_and_store(store_dir, graph)[0].is_file():
            raise
    where, note = ready_store_dir(store_dir, graph, rebuild=True, on_note=on_note, on_progress=on_progress)
    return open_store(where), note
