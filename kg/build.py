"""Orchestration: corpus -> records (map) -> resolution (reduce) -> graph -> exports."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import time
from collections import Counter, deque
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

from kg.corpus import shown
from kg.errors import ExportError, NothingToBuild, UsageError
from kg.model import Document
from kg.pagefile import FileSource, PageDigest

CACHE = ".kg-cache"


@dataclass
class BuildReport:
    """Counts, skipped inputs and outputs of one build; owns the exit code."""

    documents: int = 0
    skipped: list = field(default_factory=list)
    reused: int = 0
    entities: Counter = field(default_factory=Counter)
    relations: int = 0
    evidence: int = 0
    triples: int = 0
    seconds: float = 0.0
    outputs: list[Path] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)
    phases: dict[str, float] = field(default_factory=dict)  # seconds per step, in order
    _last: float = field(default_factory=time.perf_counter, init=False, repr=False, compare=False)

    def lap(self, name: str) -> None:
        """Record the seconds since the previous lap (or the start) as step ``name``."""
        now = time.perf_counter()
        self.phases[name] = now - self._last
        self._last = now

    def timings(self) -> str:
        return "; ".join(f"{name} {s:.1f} s" for name, s in self.phases.items())

    @property
    def exit_code(self) -> int:
        return 0 if self.documents else 1

    def summary(self) -> str:
        classes = ", ".join(f"{n} {c}" for c, n in sorted(self.entities.items(), key=lambda x: (-x[1], x[0])))
        reused = f" ({self.reused} unchanged, reused)" if self.reused else ""
        skipped = f", {len(self.skipped)} skipped" if self.skipped else ""
        return (f"{self.documents} documents{reused}{skipped}; {sum(self.entities.values())} entities "
                f"({classes}); {self.relations} relations; {self.evidence} evidence; {self.triples} triples; "
                f"{self.seconds:.1f} s" + (f"\nwrote {', '.join(map(str, self.outputs))}" if self.outputs else ""))


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def read_documents(paths: list[Path], report: BuildReport, *, year=None, strict=False, max_bytes=20_000_000,
                   keep_contacts: bool = False, on_item: Callable | None = None) -> Iterator[Document]:
    from kg.corpus import Skipped, iter_documents

    for item in iter_documents(paths, year=year, max_bytes=max_bytes, strict=strict, keep_contacts=keep_contacts):
        if on_item:
            on_item(item)
        if isinstance(item, Skipped):
            report.skipped.append(item)
        else:
            report.documents += 1
            yield item


MANIFEST = "manifest.tsv"


class _Reused(NamedTuple):
    """A page whose page file is reused: its digest, read from that file."""

    digest: PageDigest
    path: Path


def page_records(docs: Iterable[Document], cache: Path, report: BuildReport, *, jobs: int,
                 keep_contacts: bool, segmenter: str = "char",
                 dask: str | None = None) -> Iterator[tuple[PageDigest, FileSource]]:
    """Digests of ``docs`` with their evidence sources, streamed.

    Unchanged pages are read from their page files in ``cache``; the others
    are extracted by ``jobs`` workers, which write their page files there
    (or, with ``dask``, on that Dask cluster: see :mod:`kg.dask_map`).
    ``cache/manifest.tsv`` lists every input with the hash of its text and
    its page file.
    """
    import hashlib

    from kg import pagefile
    from kg.atomic import atomic_write_text
    from kg.extract import _pipeline, extract_page_files, page_key
    from kg.parallel import map_batches

    keys: set[str] = set()
    manifest: list[str] = []
    fresh: deque[Path] = deque()  # page files the workers are writing, in input order

    def todo() -> Iterator[tuple[Document, Path]]:
        for doc in docs:
            key = page_key(doc, f"{keep_contacts}|{segmenter}")
            keys.add(key)
            text_hash = hashlib.sha256(doc.text.encode("utf-8", "surrogatepass")).hexdigest()
            manifest.append(f"{shown(doc.source_file)}\t{shown(doc.doc_id)}\t{text_hash}\t{key}.page")
            yield doc, cache / f"{key}.page"

    def reused(item: tuple[Document, Path]) -> _Reused | None:
        """The page's digest from its page file, if that holds one; else the page is to be extracted."""
        path = item[1]
        rec = pagefile.read_digest(path) if path.is_file() else None
        if rec is None:
            fresh.append(path)
            return None
        report.reused += 1
        return _Reused(rec, path)

    _pipeline(segmenter)  # fail early (bad model folder) and let forked workers inherit it
    work = partial(extract_page_files, keep_contacts=keep_contacts, segmenter=segmenter)
    if dask:
        from kg.dask_map import page_files

        results = page_files(dask, todo(), jobs=jobs, keep_contacts=keep_contacts, segmenter=segmenter,
                             ready=reused)
    else:
        results = map_batches(todo(), work, jobs=jobs, ready=reused)
    try:
        for rec in results:
            if isinstance(rec, _Reused):
                yield rec.digest, pagefile.FileSource(rec.path)
            else:
                yield rec, pagefile.FileSource(fresh.popleft())
    except OSError as err:  # a full disk, a read-only export folder
        raise ExportError(f"{cache}: cannot write the page files ({err}); the earlier exports are kept.") from err
    drop_page_files(cache, keep=keys)  # forget pages that are gone, so the cache does not grow without bound
    atomic_write_text(cache / MANIFEST, "# source file\tdocument id\tsha256 of the decoded text\tpage file\n"
                      + "".join(line + "\n" for line in sorted(manifest)))


PAGE_FILE = re.compile(r"[0-9a-f]{32}\.page")  # <page_key>.page, as kg.extract.page_key names them
# kg.pagefile.write's and the manifest's temporary files, left by a killed build
PAGE_TEMP = re.compile(r"\.[0-9a-f]{32}\.page\.\d+\.tmp|\.manifest\.tsv\.[a-z0-9_]{8}\.tmp")


def drop_page_files(cache: Path, keep: Collection[str] = ()) -> None:
    """Delete the page files in ``cache`` whose key is not in ``keep``, and temporary page files.

    Only regular files named as the build names them are touched: never a
    link, a folder, or a file someone else put there.
    """
    for entry in os.scandir(cache):
        if not entry.is_file(follow_symlinks=False):
            continue
        if (PAGE_FILE.fullmatch(entry.name) and entry.name[:-5] not in keep) or PAGE_TEMP.fullmatch(entry.name):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)


def open_cache(out: Path, clean: bool) -> Path:
    """The page cache folder in ``out``, made if missing; emptied of page files when ``clean``.

    A cache that is a link (to anywhere) or not a folder is refused: the build
    deletes stale page files there, and never through a link.
    """
    cache = out / CACHE
    if cache.is_symlink():
        raise ExportError(f"{cache} is a symbolic link; kg build never writes or deletes through one: "
                          f"remove the link (the folder it points to is not needed) or choose another --out.")
    if cache.exists() and not cache.is_dir():
        raise ExportError(f"{cache} is not a folder; kg build keeps its page cache there: "
                          "move that file away or choose another --out.")
    cache.mkdir(exist_ok=True)
    if clean:
        drop_page_files(cache)
    return cache


LEFTOVERS = re.compile(r"\.kg-evidence-\d+\.tmp|\.kg\.(?:ttl|graphml)\.(?:[a-z0-9_]{8}\.tmp|new)"
                       r"|\.kg-merge-[a-z0-9_]{8}|\.\.kg-commit\.[a-z0-9_]{8}\.tmp")
STORE_LEFTOVERS = re.compile(r"\.kg\.oxigraph\.(?:[a-z0-9_]{8}\.tmp|old)")


def drop_leftovers(out: Path) -> None:
    """Finish or undo what a killed build left in ``out``: its export commit, its temporary files and folders.

    Called under the build lock. Only names the build gives its temporary
    files are removed, and never a link or anything through one; the query
    store's are left alone while a query is loading it.
    """
    from kg.atomic import BuildLock, settle
    from kg.errors import LockedError
    from kg.store import STORE

    settle(out)
    _drop_matching(out, LEFTOVERS)
    if any(STORE_LEFTOVERS.fullmatch(name) for name in os.listdir(out)):
        with contextlib.suppress(LockedError), BuildLock(out, name=f".{STORE}.lock"):
            _drop_matching(out, STORE_LEFTOVERS)


def _drop_matching(folder: Path, pattern: re.Pattern) -> None:
    for entry in os.scandir(folder):
        if not pattern.fullmatch(entry.name) or entry.is_symlink():
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)  # rmtree never follows the links inside
        else:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)


def load_ontology():
    from kg.graph import ontology_triples
    from kg.ontology import ontology_path

    return ontology_triples(ontology_path())


def _nothing_to_wait_for(check: bool = True) -> None:
    """The evidence writer's wait before the writer is started."""


def write_exports(pages: Iterable, out: Path, report: BuildReport, *, store: bool = False, jobs: int = 2,
                  on_store_progress: Callable[[int, int], None] | None = None) -> None:
    """The reduce step and the exports: resolve the pages, write Turtle and GraphML (and the store).

    ``pages`` yields page records, or (page digest, evidence source) pairs.
    ``on_store_progress(bytes read, total)`` follows the store's load.
    """
    from kg.resolve import Resolver

    with _long_lived() as keep:
        resolver = Resolver()
        for i, item in enumerate(pages, 1):
            if isinstance(item, tuple):
                resolver.add(*item)
            else:
                resolver.add(item)
            if i % KEEP_EVERY == 0:
                keep()
        if not resolver.pages:
            return
        report.lap("read and extract")
        keep()
        res = resolver.resolve()
        report.lap("resolve")
        keep()
        _write_files(res, out, report, jobs)
    if store:
        from kg.store import write_store

        write_store(out / "kg.ttl", out / "kg.oxigraph", on_store_progress)
        report.outputs.append(out / "kg.oxigraph")
        report.lap("load store")
    report.entities = Counter(e.cls for e in res.entities.values())
    report.relations = len(res.facts)
    report.evidence = res.evidence_count()
    report.merges = res.merges


KEEP_EVERY = 256  # pages folded between two calls of gc.freeze (see _long_lived)


@contextlib.contextmanager
def _long_lived() -> Iterator[Callable[[], None]]:
    """A build's reduce step, with ``keep()`` (gc.freeze) taking what is alive out of the cyclic
    collector's passes: the resolver's aggregates live to the end of the build, and the full passes
    would otherwise walk the whole growing heap again and again (a third of the reduce step's time
    at 10 MB). Garbage without cycles is freed as before; everything is handed back on exit."""
    import gc

    try:
        yield gc.freeze
    finally:
        gc.unfreeze()


def _write_files(res, out: Path, report: BuildReport, jobs: int) -> None:
    """kg.ttl, kg.graphml and kg.gexf of ``res`` in ``out``, replaced together."""
    from kg.atomic import ExportSet
    from kg.export import write_evidence_section, write_graphs, write_turtle
    from kg.parallel import beside

    ttl = out / "kg.ttl"
    section = out / f".kg-evidence-{os.getpid()}.tmp"
    evidence: Callable[..., None] = _nothing_to_wait_for  # the evidence writer's wait, once it is started

    def evidence_file() -> Path:
        evidence()
        return section

    exports = ExportSet(out)  # kg.ttl, kg.graphml and kg.gexf are replaced together, or not at all
    try:
        # Two cores: a forked process writes the evidence section (the bulk of the Turtle) while this
        # one writes the two entity graphs and the rest of the Turtle, then appends that section. (The
        # graphs in a third process would save about a tenth of this step but add some 200 MB to the
        # build's peak memory at 100 MB, near the 2 GB it must stay under: each process holds its copy
        # of what it touches.)
        evidence = beside(write_evidence_section, res, section, fork=jobs > 1, label=ttl)
        write_graphs(res, out, exports.open)
        report.lap("write GraphML and GEXF")
        report.triples = write_turtle(res, ttl, load_ontology(), evidence=evidence_file, opener=exports.open)
        exports.commit()
        report.lap("write Turtle")
    except BaseException as err:
        evidence(check=False)
        exports.abort()
        if isinstance(err, OSError):
            raise ExportError(f"{out}: cannot write the exports ({err}); the earlier ones are kept.") from err
        raise
    finally:
        section.unlink(missing_ok=True)
    report.outputs = [ttl, out / "kg.graphml", out / "kg.gexf"]


def _out_folder(out: Path) -> None:
    """Make the export folder ``out``; a file of that name is a usage error, in one line."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file, not a folder; choose a folder for the exports.")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UsageError(f"--out {out}: cannot make that folder ({err.strerror}).") from None


def _prepare_out(out: Path, inputs: list[Path]) -> None:
    out_abs = Path(os.path.realpath(out))  # never raises, not even on a symbolic link loop
    for p in inputs:
        p_abs = Path(os.path.realpath(p))
        if p_abs == out_abs or (p_abs.is_dir() and p_abs in out_abs.parents):
            raise UsageError(f"--out {shown(out)} is inside the input {shown(p)}; "
                             "choose an export folder outside the corpus.")
    _out_folder(out)


def build(paths: list[Path], out: Path, *, year: int | None = None, strict: bool = False,
          keep_contacts: bool = False, max_bytes: int = 20_000_000, jobs: int = 1, incremental: bool = True,
          segmenter: str = "char", store: bool = False, on_item: Callable | None = None,
          dask: str | None = None, on_store_progress: Callable[[int, int], None] | None = None) -> BuildReport:
    """Build ``kg.ttl`` and ``kg.graphml`` (and with ``store`` the query store) in ``out`` from ``paths``.

    Pages stream through: read, extracted by ``jobs`` workers into page files
    in ``out/.kg-cache`` (reused next time when unchanged, unless not
    ``incremental``), folded into the resolver, and forgotten. With ``dask``
    (a scheduler address or ``local``) the pages are extracted on that Dask cluster.
    """
    from kg.atomic import BuildLock

    t0 = time.perf_counter()
    report = BuildReport()
    _prepare_out(out, paths)
    with BuildLock(out):
        drop_leftovers(out)
        docs = read_documents(paths, report, year=year, strict=strict, max_bytes=max_bytes,
                              keep_contacts=keep_contacts, on_item=on_item)
        cache = open_cache(out, clean=not incremental)
        pages = page_records(docs, cache, report, jobs=jobs, keep_contacts=keep_contacts, segmenter=segmenter,
                             dask=dask)
        write_exports(pages, out, report, store=store, jobs=jobs, on_store_progress=on_store_progress)
        if not report.outputs:
            raise NothingToBuild(
                "No text documents found in " + ", ".join(shown(p) for p in paths) +
                "; give folders or files of UTF-8, GB18030, Big5 or UTF-16 text, or HTML pages.")
    report.seconds = time.perf_counter() - t0
    return report


def extract_to(paths: list[Path], out: Path, *, year=None, strict=False, keep_contacts=False,
               max_bytes=20_000_000, jobs: int = 1, on_item=None, dask: str | None = None) -> BuildReport:
    """``kg extract``: one N-Quads file of page records per input page, in ``out`` (``dask``: on that cluster)."""
    from kg.atomic import short_name
    from kg.extract import _pipeline, extract_nquad_files
    from kg.parallel import map_batches

    t0 = time.perf_counter()
    report = BuildReport()
    _prepare_out(out, paths)
    docs = read_documents(paths, report, year=year, strict=strict, max_bytes=max_bytes,
                              keep_contacts=keep_contacts, on_item=on_item)
    _pipeline()
    items = ((doc, out / short_name(quote(doc.doc_id, safe=""), ".nq")) for doc in docs)
    if dask:
        from kg.dask_map import nquad_files

        report.outputs = list(nquad_files(dask, items, jobs=jobs, keep_contacts=keep_contacts))
    else:
        report.outputs = list(map_batches(items, partial(extract_nquad_files, keep_contacts=keep_contacts),
                                          jobs=jobs))
    if not report.documents:
        raise NothingToBuild("No text documents found in " + ", ".join(shown(p) for p in paths) + ".")
    report.seconds = time.perf_counter() - t0
    return report


def merge(folder: Path, out: Path, jobs: int = 2, on_item: Callable | None = None) -> BuildReport:
    """``kg merge``: resolve the page records in ``folder`` into the exports in ``out``.

    A file that is not page records as ``kg extract`` writes them (cut short,
    or naming a class or predicate the ontology does not have) is skipped
    whole, reported to ``on_item`` as a :class:`~kg.corpus.Skipped`.
    """
    from kg import pagefile
    from kg.atomic import BuildLock
    from kg.corpus import Skipped
    from kg.pages import BadRecord, from_nquads

    t0 = time.perf_counter()
    report = BuildReport()
    files = sorted(folder.glob("*.nq"))
    if not files:
        raise NothingToBuild(f"{folder}: no .nq page records; run kg extract PAGES --out {folder} first.")
    _out_folder(out)
    with BuildLock(out):
        drop_leftovers(out)
        with tempfile.TemporaryDirectory(prefix=".kg-merge-", dir=out) as spill:

            def pages():  # sentences wait on disk until the Turtle is written, as in kg build
                for f in files:
                    try:
                        records = from_nquads(f.read_bytes())
                    except (OSError, BadRecord) as err:
                        skipped = Skipped(str(f), f"{f}: {getattr(err, 'strerror', None) or err}; "
                                                  "extract its page again with kg extract.")
                        report.skipped.append(skipped)
                        if on_item:
                            on_item(skipped)
                        continue
                    for rec in records:
                        path = Path(spill) / f"{report.documents}.page"
                        report.documents += 1
                        yield pagefile.write(path, rec), pagefile.FileSource(path)

            write_exports(pages(), out, report, jobs=jobs)
    if not report.documents:
        raise NothingToBuild(f"{folder}: no page records in its .nq files; nothing was built.")
    report.seconds = time.perf_counter() - t0
    return report
