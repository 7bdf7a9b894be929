"""Processes: an ordered map over batches in worker processes, and one task beside the caller.

Both fork where the platform can (workers inherit the loaded spaCy pipeline)
and leave Ctrl-C and SIGTERM to the parent, which reports an interruption once.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from kg.errors import ExportError, KgError

BATCH = 16  # pages per task
IN_FLIGHT = 4  # tasks per worker queued or running: input is read as it is needed


def _quiet_worker() -> None:
    """Workers leave Ctrl-C and SIGTERM to the parent, which reports them in one line."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def in_order(items: Iterable, submit: Callable[[list], Callable[[], list]], *, batch: int, in_flight: int,
             ready: Callable[[Any], object] | None = None) -> Iterator:
    """Results of ``items`` in input order: batches of them go to ``submit``, which starts the work and
    returns the call that waits for the batch's results.

    An item for which ``ready(item)`` is not None needs no work: that is its result, and it keeps its place
    without a trip to a worker. At most ``in_flight`` batches are at work and ``in_flight × batch`` ready
    results wait for the work before them, so input is read only a little ahead of output (a build that
    reuses most pages never holds them all).
    """
    queue: deque = deque()  # (True, wait for a batch's results) or (False, a ready result), in input order
    tasks = 0
    current: list = []

    def flush() -> None:
        nonlocal current, tasks
        if current:
            queue.append((True, submit(current)))
            tasks += 1
            current = []

    def drain(tasks_over: int, ready_over: int) -> Iterator:
        """Ready results at the front, then the oldest entries while over either limit."""
        nonlocal tasks
        while queue:
            is_task, value = queue[0]
            if is_task and tasks <= tasks_over and len(queue) - tasks <= ready_over:
                return
            queue.popleft()
            if is_task:
                tasks -= 1
                yield from value()
            else:
                yield value

    for item in items:
        done = ready(item) if ready is not None else None
        if done is None:
            current.append(item)
            if len(current) >= batch:
                flush()
        else:
            flush()  # the work before it goes first (a shorter batch)
            queue.append((False, done))
        yield from drain(in_flight - 1, in_flight * batch)
    flush()
    yield from drain(-1, 0)


def map_batches(items: Iterable, work: Callable[[list], list], *, jobs: int = 1, batch: int = BATCH,
                ready: Callable[[Any], object] | None = None) -> Iterator:
    """``work`` over ``items`` in batches, in ``jobs`` processes, results in input order.

    ``work`` must be picklable (a module-level function or a ``functools.partial`` of one). An item
    for which ``ready(item)`` is not None is not worked on: that is its result (see :func:`in_order`).
    """
    if jobs <= 1:
        yield from in_order(items, lambda b: lambda: work(b), batch=batch, in_flight=0, ready=ready)
        return
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    # What the workers inherit (the loaded pipeline) lives as long as they do: out of the cyclic
    # collector's passes, which would walk it again and again and touch every page of it (copy on write).
    gc.freeze()
    try:
        with ctx.Pool(jobs, initializer=_quiet_worker) as pool:
            yield from in_order(items, lambda b: pool.apply_async(work, (b,)).get, batch=batch,
                                in_flight=IN_FLIGHT * jobs, ready=ready)
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
