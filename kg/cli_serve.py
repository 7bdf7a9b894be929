"""``kg serve``: parse arguments, load the store if needed, run the server until Ctrl-C."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import click

from kg.errors import KgError


@click.command()
@click.option("--graph", type=click.Path(dir_okay=False, path_type=Path),
              help="Serve this Turtle file (its store is built once, beside it).")
@click.option("--store", type=click.Path(file_okay=False, path_type=Path),
              help="Oxigraph store folder (default exports/kg.oxigraph).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535), help="0 picks a free port.")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(0.1, 3600),
              help="Seconds a SPARQL query may run before it is stopped.")
@click.option("--workers", type=click.IntRange(1, 32), help="Query worker processes (default: cores, 2 to 4).")
@click.option("--pages", "pages_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder the graph was built from, to show evidence in its page (default: seeds/ if here).")
@click.option("-v", "--verbose", is_flag=True, help="Log every request.")
def serve(graph, store, host, port, timeout, workers, pages_dir, verbose) -> None:
    """Serve the graph: a SPARQL endpoint at /sparql and pages to browse it."""
    from kg.serve import make_server, store_dir_for
    from kg.store import store_for

    if graph is not None and store is not None:
        raise click.UsageError("give --graph or --store, not both")
    if pages_dir is None and Path("seeds").is_dir():
        pages_dir = Path("seeds")
    try:
        click.echo("kg: opening the query store (loading the graph first if it changed)…", err=True)
        _, note = store_for(store, graph)
        if note:
            click.echo(note, err=True)
        server = make_server(store_dir_for(store, graph), host=host, port=port, timeout=timeout, workers=workers,
                             pages_dir=pages_dir, log=(lambda m: click.echo(m, err=True)) if verbose else None)
    except KgError as err:
        click.echo(f"kg: {err}", err=True)
        sys.exit(err.exit_code)
    except OSError as err:
        click.echo(f"kg: cannot serve on {host}:{port} ({err.strerror or err}); try another --port.", err=True)
        sys.exit(1)
    h, p = server.server_address[:2]
    assert isinstance(h, str)  # a TCP server's address is (host, port)
    click.echo(f"kg: serving http://{h}:{p}/ (SPARQL at http://{h}:{p}/sparql); Ctrl-C stops", err=True)

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)  # also when started in the background, where SIGINT was ignored
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        server.server_close()
        server.pool.close()
        click.echo("kg: stopped", err=True)
        sys.exit(130)
