"""Read-only SPARQL 1.1 Protocol answers, run by killable worker processes.

Oxigraph cannot cancel a query it has started, so each query runs in one of a
few worker processes that open the store read-only; a query still running at
the time limit has its worker killed and replaced, and the client gets an
error. The answer is serialised by Oxigraph itself in the format the client
asked for (content negotiation on the ``Accept`` header).
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import re
import threading
from dataclasses import dataclass

from kg.query import QUERY_PREFIXES

# media type -> format name; the first of each kind is the default
RESULT_TYPES = {
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "turtle", "application/x-turtle": "turtle",
    "application/n-triples": "ntriples", "text/plain": "ntriples",
}
SHORT = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml", "csv": "text/csv",
         "tsv": "text/tab-separated-values", "turtle": "text/turtle", "ttl": "text/turtle",
         "ntriples": "application/n-triples", "nt": "application/n-triples"}
UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")

# comments, strings and IRIs: their text is not SPARQL keywords
_NOT_CODE = re.compile(r'#[^\n]*|"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
                       r'|<[^<>"{}|^`\\\x00-\x20]*>')
_WORD = re.compile(r"(?<![\w:?$])([A-Za-z]+)(?![\w:])")


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes


def error(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode("utf-8"))


def keywords(text: str) -> list[str]:
    """The bare words of a SPARQL text, upper-cased, outside comments, strings and IRIs."""
    return [m.group(1).upper() for m in _WORD.finditer(_NOT_CODE.sub(" ", text))]


def refusal(text: str) -> Answer | None:
    """Why this text is not run here: an update, or a federated query (SERVICE reaches the network)."""
    words = [w for w in keywords(text) if w not in ("PREFIX", "BASE")]
    first = next((w for w in words if w in UPDATE_WORDS or w in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")), None)
    if first in UPDATE_WORDS:
        return error(403, f"SPARQL Update ({first}) is refused: this endpoint is read-only.")
    if "SERVICE" in words:
        return error(403, "SERVICE is refused: queries here never reach the network; query this graph alone.")
    return None


def _accepted(accept: str) -> list[str]:
    """Media types of an Accept header, best first (q-values honoured, order kept on ties)."""
    out = []
    for i, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            out.append((-q, i, fields[0].lower()))
    return [m for _, _, m in sorted(out)]


def negotiate(accept: str, graph: bool) -> tuple[str, str] | None:
    """(format name, media type) for the answer, or None when nothing acceptable can be made."""
    table = GRAPH_TYPES if graph else RESULT_TYPES
    wanted = _accepted(accept or "*/*") or ["*/*"]
    for media in wanted:
        if media in table:
            return table[media], media
        if media in ("*/*", "application/*", "text/*"):
            default = next(m for m in table if media == "*/*" or m.startswith(media[:-1]))
            return table[default], default
    return None


def answer(store, text: str, accept: str) -> Answer:
    """Run one query on ``store`` and serialise the result as the client asked (in a worker)."""
    import pyoxigraph as ox

    try:
        result = store.query(text, prefixes=QUERY_PREFIXES)
    except SyntaxError as err:
        return error(400, f"malformed query: {err}")
    except OSError as err:
        return error(500, f"the query failed: {err}")
    graph = isinstance(result, ox.QueryTriples)
    chosen = negotiate(accept, graph)
    if chosen is None:
        offered = ", ".join(dict.fromkeys(GRAPH_TYPES if graph else RESULT_TYPES))
        return error(406, f"cannot answer in {accept}; this result can be given as {offered}.")
    fmt, media = chosen
    try:
        if graph:
            rdf = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES}[fmt]
            body = result.serialize(format=rdf)
        else:
            res = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
                   "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}[fmt]
            body = result.serialize(format=res)
    except (OSError, ValueError) as err:
        return error(500, f"the query failed: {err}")
    charset = "; charset=utf-8" if media.startswith("text/") or "json" in media or "xml" in media else ""
    return Answer(200, media + charset, body or b"")


def _worker(conn, store_dir: str) -> None:  # pragma: no cover - runs in a child process
    import signal

    import pyoxigraph as ox

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    store = ox.Store.read_only(store_dir)
    conn.send("ready")
    while True:
        try:
            text, accept = conn.recv()
        except (EOFError, OSError):
            return
        a = answer(store, text, accept)
        conn.send((a.status, a.content_type, a.body))


class _Worker:
    def __init__(self, ctx, store_dir: str) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker, args=(child, store_dir), daemon=True)
        self.proc.start()
        child.close()
        if not self.conn.poll(60) or self.conn.recv() != "ready":
            self.kill()
            raise OSError(f"{store_dir}: a query worker could not open the store")

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join(5)
        self.conn.close()


class SparqlPool:
    """``size`` worker processes over the store in ``store_dir``; each query at most ``timeout`` seconds."""

    def __init__(self, store_dir: str, size: int = 2, timeout: float = 30.0) -> None:
        self.store_dir = str(store_dir)
        self.timeout = timeout
        self._ctx = mp.get_context("forkserver")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(size):
            self._add()

    def _add(self) -> None:
        w = _Worker(self._ctx, self.store_dir)
        with self._lock:
            self._all.append(w)
        self._idle.put(w)

    def query(self, text: str, accept: str = "") -> Answer:
        refused = refusal(text)
        if refused is not None:
            return refused
        try:
            w = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            return error(503, f"the server is busy: no query worker was free within {self.timeout:g} s; "
                              "try again.")
        try:
            w.conn.send((text, accept))
            if w.conn.poll(self.timeout):
                status, ctype, body = w.conn.recv()
                self._idle.put(w)
                return Answer(status, ctype, body)
        except (EOFError, OSError):
            pass
        # still running at the time limit (or the worker died): kill it and start another
        w.kill()
        with self._lock:
            if w in self._all:
                self._all.remove(w)
        if not self._closed:
            try:
                self._add()
            except OSError:
                pass
        return error(503, f"the query was stopped after {self.timeout:g} s (the time limit); "
                          "narrow it down with more bound terms or a LIMIT.")

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers, self._all = self._all, []
        for w in workers:
            w.kill()
