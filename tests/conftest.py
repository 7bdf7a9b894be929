import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory) -> Path:
    """One clean build of the seed pages (shared by the export tests)."""
    from kg.cli import main

    out = tmp_path_factory.mktemp("seed-exports")
    result = CliRunner().invoke(main, ["build", str(SEEDS), "--out", str(out), "--clean", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture()
def seed_copy(tmp_path) -> Path:
    dest = tmp_path / "seeds"
    shutil.copytree(SEEDS, dest)
    return dest


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="Rewrite tests/golden/*.ttl from what kg makes now (read the diff before committing).")
