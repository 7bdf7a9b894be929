"""Run one SPARQL query in a worker process that a time limit or Ctrl-C ends at once.

Oxigraph evaluates a query in native code that never returns to Python until it
is done, so neither a signal nor a timer can stop it in the calling process. The
query therefore runs in a forked child that opens the store read-only, looks up
the labels of the IRIs in the results and sends both back through a pipe (the
results in the standard SPARQL JSON serialisation, no pickle). The parent waits
with a deadline and kills the child when the deadline passes or the user
presses Ctrl-C. The fork and the JSON cost a few milliseconds per query
(bench/query.py); kg nb's lookups, which are bounded, stay in-process.
"""

from __future__ import annotations

import json
import os
import select
import signal
import time
from pathlib import Path

from kg.errors import QueryError, QueryTimeout, StoreDamaged, StoreError

TABLE, SYNTAX, FAILED, DAMAGED = b"T", b"X", b"F", b"D"


def _evaluate(store_dir: str, text: str, prefixes: dict[str, str]) -> bytes:
    """Tag byte + the results as a table in SPARQL JSON with the labels of its IRIs (runs in the child)."""
    import pyoxigraph as ox

    from kg.query import to_table

    try:
        store = ox.Store.read_only(store_dir)
    except (OSError, RuntimeError) as err:
        return DAMAGED + str(err).encode("utf-8", "replace")
    try:
        table = to_table(store, store.query(text, prefixes=prefixes))
    except SyntaxError as err:
        return SYNTAX + str(err).encode("utf-8", "replace")
    except (OSError, ValueError, RuntimeError) as err:
        tag = DAMAGED if "Corruption" in str(err) else FAILED
        return tag + str(err).encode("utf-8", "replace")
    return TABLE + json.dumps({"labels": table.labels, "results": json.loads(table.to_json(labels=False))},
                              ensure_ascii=False).encode("utf-8")


def _child(store_dir: str, text: str, prefixes: dict[str, str], fd: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; it kills this process
    try:
        data = memoryview(_evaluate(store_dir, text, prefixes))
        while data:
            data = data[os.write(fd, data):]
    finally:
        os._exit(0)  # no atexit handlers or buffers inherited from the parent


def run_in_worker(store_dir: Path, text: str, prefixes: dict[str, str], timeout: float):
    """The results of ``text`` on the store as a kg.query.Table (with the labels of its IRIs).

    Raises QueryTimeout after ``timeout`` seconds and KeyboardInterrupt on Ctrl-C,
    with the worker already ended in both cases. A bare fork and pipe (not
    multiprocessing, whose import alone costs about 30 ms).
    """
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        os.close(read_fd)
        _child(str(store_dir), text, prefixes, write_fd)
    os.close(write_fd)
    chunks: list[bytes] = []
    done = False
    try:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped; "
                                   "narrow it (LIMIT, more specific patterns) or raise --timeout.")
            ready, _, _ = select.select([read_fd], [], [], min(left, 0.5))
            if ready:
                chunk = os.read(read_fd, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
        done = True
    finally:
        os.close(read_fd)
        if not done:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    data = b"".join(chunks)
    if not data:
        raise StoreError(f"{store_dir}: the query process died ({_status(status)}); "
                         "the store may be damaged: rebuild it with kg build.")
    tag, body = data[:1], data[1:]
    if tag == SYNTAX:
        raise QueryError(f"SPARQL syntax {body.decode('utf-8')}")
    if tag == DAMAGED:
        detail = " ".join(body.decode("utf-8").split())[:200]
        raise StoreDamaged(f"{store_dir}: cannot read the graph store ({detail}); rebuild it with kg build.")
    if tag == FAILED:
        raise QueryError(f"query failed: {body.decode('utf-8')}")
    return _table(json.loads(body))


def _status(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit {os.waitstatus_to_exitcode(status)}"


def _table(data: dict):
    import pyoxigraph as ox

    from kg.query import Table

    columns = data["results"]["head"]["vars"]
    raw = json.dumps(data["results"]).encode("utf-8")
    parsed = ox.parse_query_results(raw, format=ox.QueryResultsFormat.JSON)
    assert isinstance(parsed, ox.QuerySolutions)  # the worker sends solutions only
    rows = [[solution[c] for c in columns] for solution in parsed]
    return Table(columns, rows, data["labels"])
