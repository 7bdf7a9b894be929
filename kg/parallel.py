"""Processes: an ordered map over batches in worker processes, and one task beside the caller.

Both fork where the platform can (workers inherit the loaded spaCy pipeline)
and leave Ctrl-C and SIGTERM to the parent, which reports an interruption once.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
from collections import deque
from collections.abc import Callable, Iterable, Iterator

from kg.errors import ExportError, KgError

BATCH = 16  # pages per task
IN_FLIGHT = 4  # tasks per worker queued or running: input is read as it is needed


def _batches(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for d in items:
        batch.append(d)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _quiet_worker() -> None:
    """Workers leave Ctrl-C and SIGTERM to the parent, which reports them in one line."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def map_batches(items: Iterable, work: Callable[[list], list], *, jobs: int = 1, batch: int = BATCH) -> Iterator:
    """``work`` over ``items`` in batches, in ``jobs`` processes, results in input order.

    ``work`` must be picklable (a module-level function or a ``functools.partial`` of one).
    """
    if jobs <= 1:
        for b in _batches(items, batch):
            yield from work(b)
        return
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    # What the workers inherit (the loaded pipeline) lives as long as they do: out of the cyclic
    # collector's passes, which would walk it again and again and touch every page of it (copy on write).
    gc.freeze()
    try:
        with ctx.Pool(jobs, initializer=_quiet_worker) as pool:
            pending: deque = deque()
            for b in _batches(items, batch):
                pending.append(pool.apply_async(work, (b,)))
                if len(pending) >= IN_FLIGHT * jobs:
                    yield from pending.popleft().get()
            while pending:
                yield from pending.popleft().get()
    finally:
        gc.unfreeze()


def _quietly(fn: Callable, *args) -> None:
    """Run ``fn`` in a child process: a failure is one line on stderr and exit code 1, not a traceback.

    Ctrl-C is left to the parent, which stops the child and reports the interruption once.
    """
    import sys

    _quiet_worker()
    try:
        fn(*args)
    except (KgError, OSError) as err:
        print(f"kg: {err}", file=sys.stderr)
        sys.exit(1)


def beside(fn: Callable, *args, fork: bool = True, label: object = "an export") -> Callable[..., None]:
    """Run ``fn(*args)`` in a forked process while the caller goes on; the returned call waits for it.

    Without ``fork``, or without fork on the platform (Windows, macOS spawn),
    ``fn`` runs at once, in this process.
    """
    import multiprocessing as mp

    if not fork or "fork" not in mp.get_all_start_methods():
        fn(*args)
        return lambda check=True: None
    proc = mp.get_context("fork").Process(target=_quietly, args=(fn, *args), name=getattr(fn, "__name__", "export"))
    proc.start()

    def wait(check: bool = True) -> None:
        if not check:
            proc.terminate()
        proc.join()
        if check and proc.exitcode != 0:
            raise ExportError(f"{label}: writing it failed (exit code {proc.exitcode}); the earlier file is kept.")

    return wait
