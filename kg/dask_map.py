"""The per-page map on a Dask distributed cluster (``kg build --dask``, ``kg extract --dask``).

This process (the Dask *client*) reads the pages and sends them in batches to
the cluster's workers, at most a few batches per worker thread at a time so
that the input is read as it is needed. A worker extracts a batch and sends
back each page's file as bytes (with its digest for a build, or its N-Quads for
``kg extract``); this process writes them where a local build would and goes
on with the reduce. Results are taken in input order, so the exports are the
bytes a local build makes.

Workers need the same kg (the same code and data): each batch comes back with
the worker's :func:`~kg.extract.code_fingerprint`, and a different one stops
the build. Dask is an optional dependency (``pip install 'kg[dask]'``); the
cluster's scheduler is given as ``tcp://host:8786``, as the JSON file
``dask scheduler --scheduler-file`` writes, or ``local`` for a
:class:`distributed.LocalCluster` of ``jobs`` worker processes on this machine.
"""

from __future__ import annotations

import contextlib
import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from kg.errors import KgError, UsageError
from kg.parallel import BATCH, IN_FLIGHT

CONNECT_TIMEOUT = "30s"


class ClusterError(KgError):
    """The Dask scheduler cannot be reached, a worker was lost, or a worker runs another kg."""


@contextlib.contextmanager
def cluster(scheduler: str, jobs: int = 2):
    """A connected :class:`distributed.Client` for ``scheduler`` (``local``: a LocalCluster of ``jobs`` workers)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise UsageError("--dask needs Dask's distributed scheduler: pip install 'kg[dask]' "
                         "(or pip install 'dask[distributed]').") from None
    with contextlib.ExitStack() as stack:
        try:
            if scheduler == "local":
                local = stack.enter_context(LocalCluster(
                    n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None,
                    silence_logs=logging.ERROR))
                client = stack.enter_context(Client(local))
            elif Path(scheduler).is_file():
                client = stack.enter_context(Client(scheduler_file=scheduler, timeout=CONNECT_TIMEOUT))
            elif "://" in scheduler or ":" in scheduler:
                client = stack.enter_context(Client(scheduler, timeout=CONNECT_TIMEOUT))
            else:
                raise UsageError(f"--dask {scheduler}: give a scheduler address (tcp://host:8786), "
                                 "a scheduler file (dask scheduler --scheduler-file FILE), or local.")
        except (OSError, ValueError) as err:  # TimeoutError is an OSError
            raise ClusterError(f"--dask {scheduler}: cannot reach the Dask scheduler ({err}); "
                               "start one with `dask scheduler` and workers with `dask worker ADDRESS`, "
                               "or give --dask local.") from None
        yield client


def map_on(client, items: Iterable, work: Callable[[list], tuple[str, list]], *, batch: int | None = None,
           ready: Callable[[Any], object] | None = None) -> Iterator:
    """``work`` over ``items`` in batches (default :data:`BATCH` pages) on the cluster of ``client``: each
    item's result, in input order. ``work`` returns its code fingerprint and one result per item; an item
    for which ``ready(item)`` is not None is not sent: that is its result (:func:`kg.parallel.in_order`)."""
    from distributed import CancelledError, KilledWorker
    from distributed.comm.core import CommClosedError

    from kg.parallel import in_order

    batch = batch or BATCH
    threads = max(1, sum(client.nthreads().values()))
    live: set = set()  # futures not yet waited for: cancelled if the map stops early

    def submit(b: list) -> Callable[[], list]:
        future = client.submit(work, b, pure=False)
        live.add(future)

        def wait() -> list:
            fingerprint, results = future.result()
            live.discard(future)
            _same_code(fingerprint)
            return results

        return wait

    try:
        yield from in_order(items, submit, batch=batch, in_flight=IN_FLIGHT * threads, ready=ready)
    except (KilledWorker, CancelledError) as err:
        raise ClusterError(f"a Dask worker was lost while extracting pages ({type(err).__name__}: {err}); "
                           "the earlier exports are kept.") from None
    except CommClosedError as err:  # an OSError: not to be reported as a page file that cannot be written
        raise ClusterError(f"the connection to the Dask scheduler was lost ({err}); "
                           "the earlier exports are kept.") from None
    finally:
        for f in live:
            f.cancel()


def _same_code(fingerprint: str) -> None:
    from kg.extract import code_fingerprint

    if fingerprint != code_fingerprint():
        raise ClusterError(f"a Dask worker runs another kg (code {fingerprint}, here {code_fingerprint()}); "
                           "install this kg's version on the workers.")


# ---------------------------------------------------------------- worker side (module-level: pickled by name)

def page_file_batch(docs: list, keep_contacts: bool = False, segmenter: str = "char") -> tuple[str, list]:
    """Extract ``docs``; each page's digest and page file bytes (:func:`kg.pagefile.encode`)."""
    from kg import pagefile
    from kg.extract import code_fingerprint, extract_batch

    return code_fingerprint(), [pagefile.encode(rec) for rec in extract_batch(docs, keep_contacts, segmenter)]


def page_file_pairs(items: list, keep_contacts: bool = False, segmenter: str = "char") -> tuple[str, list]:
    """:func:`page_file_batch` of the documents of (document, page file path) items (the client writes the files)."""
    return page_file_batch([doc for doc, _ in items], keep_contacts, segmenter)


def nquad_batch(docs: list, keep_contacts: bool = False) -> tuple[str, list[bytes]]:
    """Extract ``docs``; each page's record as N-Quads (UTF-8)."""
    from kg.extract import code_fingerprint, extract_batch
    from kg.pages import to_nquads

    return code_fingerprint(), [to_nquads(rec).encode("utf-8") for rec in extract_batch(docs, keep_contacts)]


# ---------------------------------------------------------------- client side

def _documents(items: Iterable[tuple], paths: deque[Path]) -> Iterator:
    """The documents of (document, path) items; each path is queued in ``paths`` as its document goes out."""
    for doc, path in items:
        paths.append(path)
        yield doc


_READY = object()  # marks a result that ``ready`` gave (never sent to the cluster)


def page_files(scheduler: str, items: Iterable[tuple], *, jobs: int = 2, keep_contacts: bool = False,
               segmenter: str = "char", ready: Callable[[tuple], object] | None = None) -> Iterator:
    """``kg build``'s map on a cluster: for each (document, page file path), write the page file; yield its
    digest. An item for which ``ready(item)`` is not None is not sent: that result is yielded in its place."""
    from kg import pagefile

    paths: deque[Path] = deque()  # the page files of the items sent, in input order

    def sent(item: tuple) -> object:
        done = ready(item) if ready is not None else None
        if done is None:
            paths.append(item[1])
            return None
        return (_READY, done)

    with cluster(scheduler, jobs) as client:
        work = partial(page_file_pairs, keep_contacts=keep_contacts, segmenter=segmenter)
        for result in map_on(client, items, work, ready=sent):
            if result[0] is _READY:
                yield result[1]
                continue
            digest, data = result
            pagefile.write_bytes(paths.popleft(), data)
            yield digest


def nquad_files(scheduler: str, items: Iterable[tuple], *, jobs: int = 2,
                keep_contacts: bool = False) -> Iterator[Path]:
    """``kg extract``'s map on a cluster: for each (document, path), write its N-Quads there; yield the path."""
    from kg.atomic import atomic_write_bytes

    paths: deque[Path] = deque()
    docs = _documents(items, paths)

    with cluster(scheduler, jobs) as client:
        for data in map_on(client, docs, partial(nquad_batch, keep_contacts=keep_contacts)):
            path = paths.popleft()
            atomic_write_bytes(path, data)
            yield path
