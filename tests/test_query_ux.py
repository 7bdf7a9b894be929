"""Daily use of kg query and kg nb (issue 13) and their safety (issue 10, item 8)."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

from .conftest import ROOT

QUERY_FILES = sorted((ROOT / "queries").glob("*.rq"))


def run(args, **kw):
    return CliRunner().invoke(main, args, **kw)


def store_args(seed_build):
    return ["--store", str(seed_build / "kg.oxigraph")]


@pytest.fixture(scope="module")
def plain_store(seed_build):
    import pyoxigraph as ox

    store = ox.Store()
    store.load(path=str(seed_build / "kg.ttl"), format=ox.RdfFormat.TURTLE)
    return store


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.name)
def test_query_files_are_complete_sparql(plain_store, path: Path):
    """Each .rq runs as it is in plain pyoxigraph (as in Oxigraph server, Fuseki, QLever): no prefixes supplied."""
    rows = list(plain_store.query(path.read_text(encoding="utf-8")))
    assert rows, path.name
