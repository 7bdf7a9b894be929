"""``kg serve``: a local HTTP server over the query store.

``/sparql`` speaks the SPARQL 1.1 Protocol, read-only (GET, POST form,
POST ``application/sparql-query``; CORS; content negotiation); queries run
in killable worker processes (:mod:`kg.sparql_pool`) under a time limit. The
other paths are the HTML pages of :mod:`kg.pages_html`, rendered in this
process from the store opened read-only.
"""

from __future__ import annotations

import os
import threading
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from kg import pages_html
from kg.sparql_pool import SHORT, Answer, SparqlPool, error

CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
        "Access-Control-Allow-Headers": "Content-Type, Accept", "Access-Control-Max-Age": "86400"}
MAX_BODY = 1 << 20


def store_dir_for(store: Path | None, graph: Path | None) -> Path:
    """The store folder ``kg.store.store_for`` opens for these options."""
    if graph is not None:
        return Path(graph).with_suffix(".oxigraph")
    return Path(store) if store is not None else Path("exports") / "kg.oxigraph"


class KgServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, store, pool: SparqlPool, pages_dir: Path | None = None, log=None) -> None:
        super().__init__(address, Handler)
        self.store = store
        self.pool = pool
        self.pages_dir = pages_dir
        self.log = log


class Handler(BaseHTTPRequestHandler):
    server: KgServer
    server_version = "kg-serve"
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args) -> None:
        if self.server.log:
            self.server.log(f"{self.address_string()} {format % args}")

    def _send(self, status: int, ctype: str, body: bytes, extra: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in {**CORS, **(extra or {})}.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _answer(self, a: Answer) -> None:
        self._send(a.status, a.content_type, a.body)

    def _html(self, status: int, html: str) -> None:
        self._send(status, "text/html; charset=utf-8", html.encode("utf-8"))

    def do_OPTIONS(self) -> None:  # CORS preflight
        self._send(204, "text/plain", b"")

    def do_HEAD(self) -> None:
        self.do_GET()

    def _target(self):
        """The request path, its raw non-ASCII bytes read as UTF-8 (curl sends them unescaped)."""
        return urlsplit(self.path.encode("latin-1", "replace").decode("utf-8", "replace"))

    def do_GET(self) -> None:
        url = self._target()
        params = parse_qs(url.query, keep_blank_values=True)
        if url.path == "/sparql":
            self._sparql(params)
            return
        try:
            self._page(url.path, params)
        except (OSError, RuntimeError, ValueError) as err:  # a store that cannot be read: one line, the server lives on
            if self.server.log:
                self.server.log(f"{self.path}: {err}")
            self._html(500, pages_html.page("error", f"<p class=\"err\">This page failed: {escape(str(err))}</p>"))

    def do_POST(self) -> None:
        url = self._target()
        if url.path != "/sparql":
            self._answer(error(405, "only /sparql takes POST."))
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._answer(error(413, f"the request body is over {MAX_BODY} bytes."))
            return
        body = self.rfile.read(length).decode("utf-8", "replace")
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        params = parse_qs(url.query, keep_blank_values=True)
        if ctype == "application/x-www-form-urlencoded":
            params.update(parse_qs(body, keep_blank_values=True))
        elif ctype == "application/sparql-query":
            params["query"] = [body]
        elif ctype == "application/sparql-update":
            self._answer(error(403, "SPARQL Update is refused: this endpoint is read-only."))
            return
        else:
            self._answer(error(415, "POST a query as application/sparql-query or as a form "
                                    "(application/x-www-form-urlencoded) with query=…"))
            return
        self._sparql(params)

    def _sparql(self, params: dict[str, list[str]]) -> None:
        if "update" in params:
            self._answer(error(403, "SPARQL Update is refused: this endpoint is read-only."))
            return
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            self._answer(error(400, "give exactly one query: /sparql?query=SELECT… (or POST it)."))
            return
        accept = self.headers.get("Accept") or "*/*"
        fmt = (params.get("format") or [""])[0].lower()
        if fmt:
            if fmt not in SHORT:
                self._answer(error(400, f"unknown format {fmt!r}; use one of {', '.join(SHORT)}."))
                return
            accept = SHORT[fmt]
        self._answer(self.server.pool.query(queries[0], accept))

    def _page(self, path: str, params: dict[str, list[str]]) -> None:
        store = self.server.store

        def arg(name: str) -> str:
            return (params.get(name) or [""])[0]

        if path in ("/", "/index.html"):
            self._html(200, pages_html.home())
        elif path == "/search":
            self._html(200, pages_html.search(store, arg("q")))
        elif path == "/entity":
            html = pages_html.entity(store, arg("iri"))
            self._html(200, html) if html else self._html(404, pages_html.page("not found", "<p>No such entity.</p>"))
        elif path == "/picture":
            html = pages_html.picture(store, arg("iri"))
            self._html(200, html) if html else self._html(404, pages_html.page("not found", "<p>No such entity.</p>"))
        elif path == "/picture.svg":
            from kg import picture, query

            iri = arg("iri")
            if not query.labels_of(store, [iri]):
                self._answer(error(404, "no such entity."))
                return
            self._send(200, "image/svg+xml; charset=utf-8", picture.picture_of(store, iri).encode("utf-8"))
        elif path == "/source":
            try:
                start, end = int(arg("start") or 0), int(arg("end") or 0)
            except ValueError:
                self._answer(error(400, "start and end are character offsets."))
                return
            self._html(*pages_html.source(store, arg("doc"), start, end, self.server.pages_dir))
        elif path == "/timeline":
            self._html(200, pages_html.timeline(store, arg("place")))
        elif path == "/query":
            from kg.query import named_queries

            named = named_queries()
            text = named[arg("name")][0].read_text(encoding="utf-8") if arg("name") in named else ""
            self._html(200, pages_html.query_page(text))
        else:
            self._html(404, pages_html.page("not found", "<p>No such page.</p>"))


def make_server(store_dir: Path, *, host: str = "127.0.0.1", port: int = 7878, timeout: float = 30.0,
                workers: int | None = None, pages_dir: Path | None = None, log=None) -> KgServer:
    """A server over the store in ``store_dir`` (already loaded), bound but not yet serving."""
    from kg.store import open_store

    store = open_store(store_dir)
    pool = SparqlPool(str(store_dir), size=workers or max(2, min(4, os.cpu_count() or 2)), timeout=timeout)
    try:
        return KgServer((host, port), store, pool, pages_dir, log)
    except OSError:
        pool.close()
        raise


def serve_in_thread(server: KgServer) -> threading.Thread:
    t = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    t.start()
    return t


def shutdown(server: KgServer) -> None:
    server.shutdown()
    server.server_close()
    server.pool.close()
