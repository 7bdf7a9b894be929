"""``kg query`` and ``kg neighbours``: parse arguments, call kg.query, print. No heavy imports."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from kg.errors import KgError

FORMATS = ("table", "csv", "tsv", "json")


def _store(store, graph):
    from kg.store import store_for

    bar = _LoadBar()
    try:
        s, note = store_for(Path(store) if store else None, Path(graph) if graph else None, on_note=_note,
                            on_progress=bar)
    finally:
        bar.close()
    if note:
        click.echo(note, err=True)
    return s


def _note(line: str) -> None:
    click.echo(line, err=True)


class _LoadBar:
    """A progress bar for loading the query store, shown once the load has taken a second."""

    def __init__(self) -> None:
        import time

        self.clock = time.monotonic
        self.started = self.clock()
        self.bar: Any = None
        self.shown = 0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if self.clock() - self.started < 1.0:
                return
            self.bar = click.progressbar(length=total, label="loading the query store", file=sys.stderr,
                                         show_eta=False)
        self.bar.update(done - self.shown)
        self.shown = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.render_finish()
            self.bar = None


def _fail(err: KgError):
    click.echo(f"kg: {err}", err=True)
    sys.exit(err.exit_code)


@click.command()
@click.argument("query", required=False)
@click.option("--list", "list_", is_flag=True, help="List the named example queries.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--store", type=click.Path(file_okay=False), help="Oxigraph store folder (default exports/kg.oxigraph).")
@click.option("--graph", type=click.Path(dir_okay=False), help="Query this Turtle file (its store is built once).")
@click.option("--timeout", default=60.0, show_default=True, type=click.FloatRange(0, min_open=True),
              help="Stop the query after this many seconds.")
@click.option("--bom", is_flag=True,
              help="Start CSV/TSV output with a UTF-8 byte-order mark (Excel then shows Chinese).")
@click.option("--allow-service", is_flag=True,
              help="Let SERVICE clauses call other SPARQL servers (refused otherwise: queries stay offline).")
def query(query, list_, fmt, store, graph, timeout, bom, allow_service) -> None:
    """Run SPARQL: a query text, a .rq file, or the NAME of an example in queries/.

    The prefixes kg:, kgd:, rdf:, rdfs:, skos:, prov:, xsd:, schema:, org: are
    predeclared. IRIs print as labels where they have one (--format table);
    csv, tsv and json give each column of IRIs a <column>Label column beside it.
    Ctrl-C stops a query at once.
    """
    from kg import query as q
    from kg.errors import StoreDamaged
    from kg.store import ready_store_dir

    if list_:
        for name, (_, desc) in q.named_queries().items():
            click.echo(f"{name:28} {desc}")
        return
    if not query:
        raise click.UsageError("give a SPARQL query, a .rq file or a query name (see kg query --list)")
    try:
        text = q.query_text(query)
        q.refuse_service(text, allow_service)
        bar = _LoadBar()
        try:
            where, note = ready_store_dir(Path(store) if store else None, Path(graph) if graph else None,
                                          on_note=_note, on_progress=bar)
        finally:
            bar.close()
        if note:
            click.echo(note, err=True)
        try:
            table = q.run_sparql(where, text, timeout=timeout, allow_service=allow_service)
        except StoreDamaged:
            where, note = ready_store_dir(Path(store) if store else None, Path(graph) if graph else None,
                                          rebuild=True, on_note=_note)
            if note is None:
                raise
            click.echo(note, err=True)
            table = q.run_sparql(where, text, timeout=timeout, allow_service=allow_service)
    except KgError as err:
        _fail(err)
    except KeyboardInterrupt:
        click.echo("kg: query interrupted.", err=True)
        sys.exit(130)
    out = {"table": table.to_text, "csv": lambda: table.to_csv(",", bom), "tsv": lambda: table.to_csv("\t", bom),
           "json": table.to_json}[fmt]()
    click.echo(out.rstrip("\n"))


@click.command()
@click.argument("name")
@click.option("--depth", default=1, show_default=True, type=click.IntRange(1, 4), help="Steps from the entity.")
@click.option("--type", "type_", help="Only neighbours of this class (Meeting, Official, Place, …).")
@click.option("--id", "iri", help="Pick the entity by IRI (kgd:person/…) when the name is ambiguous.")
@click.option("--no-evidence", is_flag=True, help="Leave out the evidence sentences.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(0),
              help="Show at most this many neighbours per relation, in label order (0: all); "
                   "gives each relation's total and says how many were left out.")
@click.option("--all", "all_", is_flag=True, help="Show every neighbour (--limit 0).")
@click.option("--format", "fmt", type=click.Choice(("tree", "json")), default="tree", show_default=True)
@click.option("--store", type=click.Path(file_okay=False), help="Oxigraph store folder (default exports/kg.oxigraph).")
@click.option("--graph", type=click.Path(dir_okay=False), help="Use this Turtle file (its store is built once).")
@click.option("--svg", "svg_file", type=click.Path(dir_okay=False),
              help="Also draw the neighbourhood into this SVG file.")
def neighbours(name, depth, type_, iri, no_evidence, limit, all_, fmt, store, graph, svg_file) -> None:
    """Show NAME and what is linked to it: posts, meetings, places, chains, with evidence.

    NAME is matched against labels and alternative labels: exactly, then as a
    prefix, then after Traditional→Simplified conversion. Each relation shows its
    first --limit neighbours (tree and json alike) with its total; each fact its
    first evidence sentence (json: up to three) and how many more there are.
    """
    from kg import query as q

    limit = 0 if all_ else limit

    try:
        s = _store(store, graph)
        target_iri, _, _ = q.resolve_name(s, name, iri)
        node = q.neighbourhood(s, target_iri, depth=depth, type_filter=type_, evidence=not no_evidence,
                               limit=limit)
        if svg_file:
            from kg.picture import write_svg

            write_svg(s, target_iri, Path(svg_file))
    except KgError as err:
        _fail(err)
    except KeyboardInterrupt:
        click.echo("kg: interrupted.", err=True)
        sys.exit(130)
    click.echo(q.tree_json(node) if fmt == "json" else q.render_tree(node, evidence=not no_evidence, limit=limit))
