"""`kg build --store` (issue 15): the store is loaded with the build, and its load reports progress."""

from click.testing import CliRunner

from kg.build import build
from kg.cli import main
from kg.store import is_fresh, open_store

from .conftest import SEEDS


def test_the_store_load_of_a_build_reports_its_progress(tmp_path):
    seen: list[tuple[int, int]] = []
    build([SEEDS], tmp_path, jobs=1, store=True, on_store_progress=lambda done, total: seen.append((done, total)))
    size = (tmp_path / "kg.ttl").stat().st_size
    assert seen and seen[-1] == (size, size)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert is_fresh(tmp_path / "kg.ttl", tmp_path / "kg.oxigraph")
    assert len(open_store(tmp_path / "kg.oxigraph")) > 1000


def test_kg_build_store_leaves_a_fresh_store(tmp_path):
    r = CliRunner().invoke(main, ["build", str(SEEDS), "--out", str(tmp_path), "--jobs", "1", "--store"])
    assert r.exit_code == 0, r.output
    assert is_fresh(tmp_path / "kg.ttl", tmp_path / "kg.oxigraph")
