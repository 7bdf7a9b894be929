"""`kg build --dask` and `kg extract --dask`: the per-page map on a Dask cluster (a LocalCluster of two workers)."""

import sys

import pytest
from click.testing import CliRunner

from kg.cli import main
from tests.conftest import SEEDS

distributed = pytest.importorskip("distributed", reason="Dask is not installed: pip install 'kg[dask]'")

EXPORTS = ("kg.ttl", "kg.graphml", "kg.gexf")


@pytest.fixture()
def one_page_batches(monkeypatch):
    """Batches of one page, so the five seed pages are spread over both workers, out of order."""
    import kg.dask_map

    monkeypatch.setattr(kg.dask_map, "BATCH", 1)


def test_build_on_a_local_cluster_equals_a_local_build(seed_build, tmp_path, one_page_batches):
    r = CliRunner().invoke(main, ["build", str(SEEDS), "--out", str(tmp_path / "out"), "--jobs", "2",
                                  "--dask", "local"])
    assert r.exit_code == 0, r.output
    for name in EXPORTS:
        assert (tmp_path / "out" / name).read_bytes() == (seed_build / name).read_bytes(), name
    # the page files came back from the workers: a second, local build reuses all five
    r = CliRunner().invoke(main, ["build", str(SEEDS), "--out", str(tmp_path / "out"), "--jobs", "1"])
    assert r.exit_code == 0, r.output
    assert "5 documents (5 unchanged, reused)" in r.output
    for name in EXPORTS:
        assert (tmp_path / "out" / name).read_bytes() == (seed_build / name).read_bytes(), name


def test_a_cluster_build_reuses_unchanged_pages_in_their_place(seed_build, tmp_path, one_page_batches):
    import shutil

    corpus = tmp_path / "seeds"  # the folder's name is part of each document's IRI
    corpus.mkdir()
    shutil.copy(SEEDS / "manifest.toml", corpus)
    pages = sorted(SEEDS.glob("*.txt"))
    for p in pages[1:4]:  # the first and last pages come later: sent pages before, between and after reused ones
        shutil.copy(p, corpus)
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(corpus), "--out", str(tmp_path / "out"), "--jobs", "1"]).exit_code == 0
    for p in pages:
        shutil.copy(p, corpus)
    r = runner.invoke(main, ["build", str(corpus), "--out", str(tmp_path / "out"), "--jobs", "2", "--dask", "local"])
    assert r.exit_code == 0, r.output
    assert "5 documents (3 unchanged, reused)" in r.output
    for name in EXPORTS:
        assert (tmp_path / "out" / name).read_bytes() == (seed_build / name).read_bytes(), name


def test_extract_on_a_local_cluster_then_merge_equals_a_build(seed_build, tmp_path, one_page_batches):
    runner = CliRunner()
    r = runner.invoke(main, ["extract", str(SEEDS), "--out", str(tmp_path / "records"), "--jobs", "2",
                             "--dask", "local"])
    assert r.exit_code == 0, r.output
    assert len(list((tmp_path / "records").glob("*.nq"))) == 5
    r = runner.invoke(main, ["merge", str(tmp_path / "records"), "--out", str(tmp_path / "out")])
    assert r.exit_code == 0, r.output
    for name in EXPORTS:
        assert (tmp_path / "out" / name).read_bytes() == (seed_build / name).read_bytes(), name


def test_a_scheduler_that_cannot_be_reached_is_one_line_and_keeps_the_exports(seed_build, tmp_path, monkeypatch):
    import shutil

    import kg.dask_map

    monkeypatch.setattr(kg.dask_map, "CONNECT_TIMEOUT", "1s")
    out = tmp_path / "out"
    shutil.copytree(seed_build, out)
    before = (out / "kg.ttl").read_bytes()
    r = CliRunner().invoke(main, ["build", str(SEEDS), "--out", str(out), "--clean", "--dask", "tcp://127.0.0.1:1"])
    assert r.exit_code == 1
    assert r.output.startswith("kg: --dask tcp://127.0.0.1:1: cannot reach the Dask scheduler")
    assert len(r.output.strip().splitlines()) == 1 and isinstance(r.exception, SystemExit)
    assert (out / "kg.ttl").read_bytes() == before


def test_a_scheduler_that_is_not_an_address_is_a_usage_error(tmp_path):
    r = CliRunner().invoke(main, ["extract", str(SEEDS), "--out", str(tmp_path / "r"), "--dask", "nowhere"])
    assert r.exit_code == 2
    assert "give a scheduler address (tcp://host:8786)" in r.output


def test_without_dask_installed_the_option_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    r = CliRunner().invoke(main, ["extract", str(SEEDS), "--out", str(tmp_path / "r"), "--dask", "local"])
    assert r.exit_code == 2
    assert "pip install 'kg[dask]'" in r.output


def test_a_worker_running_other_code_stops_the_build():
    from kg.dask_map import ClusterError, _same_code
    from kg.extract import code_fingerprint

    _same_code(code_fingerprint())
    with pytest.raises(ClusterError, match="runs another kg"):
        _same_code("0" * 16)
