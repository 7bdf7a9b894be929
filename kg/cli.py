"""Command line: parses arguments, calls one library function, prints the result.

Heavy modules (spaCy, rdflib, networkx) are imported inside the commands that
need them, so ``kg query`` and ``kg neighbours`` start fast.
"""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

import click

from kg import __version__
from kg.cli_query import neighbours, query
from kg.cli_serve import serve
from kg.errors import KgError


def _finish(bar) -> None:
    if bar is not None:
        bar.render_finish()


def _advance(bar) -> None:
    """One page done. The ETA is timed from the first page (which carried the start-up: spaCy, the
    workers) and shown only after a few pages, so it is not off by orders of magnitude early on."""
    bar.update(1)
    if bar.pos == 1:
        bar.start = time.time()
        bar.avg = []
    bar.show_eta = bar.pos >= max(5, (bar.length or 0) // 20)


def _fail(err: KgError) -> None:
    click.echo(f"kg: {err}", err=True)
    sys.exit(err.exit_code)


MAX_MB = 100_000.0


def _size_limit(value: float) -> float:
    """--max-mb: a finite size above 0 (nan, inf, 1e308 and -1 are usage errors, not tracebacks)."""
    if not (0 < value <= MAX_MB):  # also false for nan
        raise click.BadParameter(f"{value} is not a size in MB; give a number above 0 and at most {MAX_MB:g}.")
    return value


def _cannot_write(err: OSError, out: Path) -> None:
    """An --out that cannot be made or written (read-only, /proc, a file in the path): one line."""
    where = click.format_filename(err.filename) if err.filename else str(out)
    _fail(KgError(f"{where}: cannot write the output there ({err.strerror or err}); choose another --out."))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """Build and query a knowledge graph of Chinese government news pages.

    \b
    kg build                 seeds/ -> exports/kg.ttl, kg.graphml
    kg query NAME|FILE|SPARQL
    kg neighbours 太原
    kg validate exports/kg.ttl
    """


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "out", default="exports", show_default=True, type=click.Path(path_type=Path),
              help="Folder for kg.ttl, kg.graphml and the query store.")
@click.option("--year", type=click.IntRange(1949, 2100),
              help="Year for dates like 4月14日 on pages that have no manifest entry and no year in the text.")
@click.option("--strict", is_flag=True, help="Stop at the first unreadable input instead of skipping it.")
@click.option("--keep-contacts", is_flag=True, help="Keep phone numbers and e-mail addresses in evidence.")
@click.option("--max-mb", default=20.0, show_default=True, callback=lambda ctx, param, value: _size_limit(value),
              help="Skip input files larger than this (more than 0, at most 100000).")
@click.option("--explain-merges", is_flag=True, help="Print every entity merge decision beyond equal keys.")
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None,
              help="Processes: N extraction workers, and two for writing the exports when N > 1 "
                   "(default: the number of cores).")
@click.option("--clean", "clean_build", is_flag=True,
              help="Re-extract every page instead of reusing unchanged pages from the last build.")
@click.option("--segmenter", default="char", show_default=True,
              help="spaCy word segmenter: char, or pkuseg:MODEL_DIR (a model from kg train-segmenter).")
@click.option("--store", "with_store", is_flag=True,
              help="Also load the graph into the query store now (otherwise the first kg query does it).")
@click.option("--dask", "dask", metavar="SCHEDULER",
              help="Extract the pages on a Dask cluster: its scheduler (tcp://host:8786 or a scheduler file), "
                   "or local for a LocalCluster of --jobs workers (pip install 'kg[dask]').")
@click.option("-v", "--verbose", is_flag=True, help="Say which encoding each file was read with, and time each step.")
def build(paths, out, year, strict, keep_contacts, max_mb, explain_merges, jobs, clean_build, segmenter,
          with_store, dask, verbose) -> None:
    """Build the graph from text pages (default: the seeds/ folder) into OUT.

    PATHS are files or folders of UTF-8, GB18030/GBK, Big5 or UTF-16 text, or
    saved HTML pages. A folder may hold a manifest.toml giving each page's
    publication date and home city.
    """
    from kg.build import build as run_build
    from kg.build import default_jobs

    paths = _paths_or_seeds(paths)
    from kg.corpus import count_inputs, shown

    total = count_inputs(list(paths))
    bar = click.progressbar(length=total, label="reading pages", file=sys.stderr, show_eta=False) \
        if total > 3 else None

    def on_document(item) -> None:
        _say_skipped(item)
        if verbose and not hasattr(item, "reason"):
            click.echo(f"kg: read {shown(item.source_file)} ({item.encoding})", err=True)
        if bar is not None:
            _advance(bar)

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    store_bars: list = []
    store_progress = _store_progress(store_bars)
    try:
        report = run_build(list(paths), out, year=year, strict=strict, keep_contacts=keep_contacts,
                           max_bytes=int(max_mb * 1_000_000), jobs=jobs or default_jobs(),
                           incremental=not clean_build, segmenter=segmenter, store=with_store,
                           on_item=on_document, dask=dask, on_store_progress=store_progress)
    except KgError as err:
        _finish(bar)
        _fail(err)
    except OSError as err:
        _finish(bar)
        _cannot_write(err, out)
    except KeyboardInterrupt:
        _finish(bar)
        click.echo(f"kg: build interrupted; {out}/ keeps its previous exports.", err=True)
        sys.exit(130)
    finally:
        for store_bar in store_bars:
            store_bar.close()
    _finish(bar)
    if explain_merges:
        for line in report.merges:
            click.echo(f"merge: {line}")
    click.echo(report.summary())
    if verbose:
        click.echo(f"kg: {report.timings()}", err=True)
    sys.exit(report.exit_code)


def _paths_or_seeds(paths) -> tuple:
    """The pages to build: those given, else the seeds/ folder here."""
    if paths:
        return tuple(paths)
    if not Path("seeds").is_dir():
        raise click.UsageError("No seeds/ folder here: give the pages to build, e.g. kg build pages/")
    return (Path("seeds"),)


def _store_progress(bars: list):
    """A callback drawing the store's load as a progress bar (once the load has taken a second);
    the bar is put into ``bars`` to be closed."""
    def progress(done: int, total: int) -> None:
        if not bars:
            from kg.cli_query import _LoadBar

            bars.append(_LoadBar())
        bars[0](done, total)
    return progress


def _say_skipped(item) -> None:
    """One line for an input that was skipped (a ``Skipped``); nothing for a page that was read."""
    reason = getattr(item, "reason", None)
    if reason:
        click.echo(f"kg: skipped {reason}", err=True)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="Folder for the per-page N-Quads records.")
@click.option("--year", type=click.IntRange(1949, 2100), help="Year for pages without one.")
@click.option("--strict", is_flag=True, help="Stop at the first unreadable input.")
@click.option("--keep-contacts", is_flag=True, help="Keep phone numbers and e-mail addresses in evidence.")
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None, help="Worker processes.")
@click.option("--dask", "dask", metavar="SCHEDULER",
              help="Extract the pages on a Dask cluster: its scheduler (tcp://host:8786 or a scheduler file), "
                   "or local for a LocalCluster of --jobs workers (pip install 'kg[dask]').")
def extract(paths, out, year, strict, keep_contacts, jobs, dask) -> None:
    """Extract PATHS into one N-Quads record file per page (the map half of a build).

    Run it on many machines over parts of an archive, then `kg merge` the folders.
    """
    from kg.build import default_jobs, extract_to

    try:
        report = extract_to(list(paths), out, year=year, strict=strict, keep_contacts=keep_contacts,
                            jobs=jobs or default_jobs(), dask=dask,
                            on_item=_say_skipped)
    except KgError as err:
        _fail(err)
    except OSError as err:
        _cannot_write(err, out)
    click.echo(f"{report.documents} pages extracted into {out} in {report.seconds:.1f} s")


@main.command()
@click.argument("folder", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--out", "out", default="exports", show_default=True, type=click.Path(path_type=Path))
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None,
              help="Processes for writing the exports (default: the number of cores; 1 or 2 are used).")
def merge(folder, out, jobs) -> None:
    """Resolve the page records in FOLDER (from kg extract) into the exports (the reduce half)."""
    from kg.build import default_jobs
    from kg.build import merge as run_merge

    try:
        report = run_merge(folder, out, jobs=jobs or default_jobs(),
                           on_item=_say_skipped)
    except KgError as err:
        _fail(err)
    except OSError as err:
        _cannot_write(err, out)
    click.echo(report.summary())
    sys.exit(report.exit_code)


@main.command("train-segmenter")
@click.argument("corpus", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="Model folder to write.")
@click.option("--iterations", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--limit", type=click.IntRange(10), help="Use only the first N sentences.")
def train_segmenter(corpus, out, iterations, limit) -> None:
    """Train a spacy-pkuseg word segmenter offline from a segmented CORPUS file.

    CORPUS has one sentence a line, words separated by spaces (People's Daily
    word/tag pairs are accepted). Use the model with kg build --segmenter pkuseg:OUT.
    """
    from kg.segmenter import train_segmenter as run_train

    try:
        info = run_train(corpus, out, iterations=iterations, limit=limit)
    except KgError as err:
        _fail(err)
    click.echo(f"trained on {info['sentences']} sentences; dev F-score {info['f_score']}%; model in {out}")


@main.command()
@click.argument("ttl", default="exports/kg.ttl", type=click.Path(path_type=Path))
def validate(ttl: Path) -> None:
    """Check a graph against the SHACL shapes of the contract (default: exports/kg.ttl).

    The whole graph is checked in memory with pySHACL (no sampling): minutes and
    gigabytes for graphs of hundreds of pages. A graph with no kg: terms fails.
    """
    from kg.validate import size_note
    from kg.validate import validate as run_validate

    if not ttl.is_file():
        _fail(KgError(f"{ttl}: no such file; run kg build first or give the Turtle file to check."))
    note = size_note(ttl)
    if note:
        click.echo(note, err=True)
    try:
        result = run_validate(ttl)
    except KgError as err:
        _fail(err)
    for line in result.violations:
        click.echo(f"violation: {line}")
    for line in result.warnings:
        click.echo(f"warning: {line}")
    if result.conforms:
        click.echo(f"{ttl}: conforms to the contract ({len(result.warnings)} warnings).")
    else:
        click.echo(f"{ttl}: {len(result.violations)} violations.")
        sys.exit(1)


# The query side (kg query, kg neighbours / kg nb) and kg serve live in their own modules.
main.add_command(query)
main.add_command(neighbours)
main.add_command(neighbours, name="nb")
main.add_command(serve)


if __name__ == "__main__":
    main()
