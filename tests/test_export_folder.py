"""The export folder: a build deletes only what it wrote, never through a link, and replaces the exports together."""

import os
import shutil

import pytest
from click.testing import CliRunner

from kg.cli import main

from .conftest import SEEDS


def _corpus(tmp_path, n=2):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEEDS / "manifest.toml", corpus)
    for p in sorted(SEEDS.glob("*.txt"))[:n]:
        shutil.copy(p, corpus)
    return corpus


def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _one_line(result):
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    return result.output.strip()


@pytest.mark.parametrize("clean", [False, True])
def test_a_symlinked_cache_is_refused_and_nothing_behind_it_is_deleted(tmp_path, clean):
    corpus, out = _corpus(tmp_path), tmp_path / "out"
    elsewhere = tmp_path / "my-documents"
    elsewhere.mkdir()
    (elsewhere / "thesis.docx").write_bytes(b"four years of work")
    (elsewhere / "0123456789abcdef0123456789abcdef.page").write_bytes(b"named like a page file")
    out.mkdir()
    (out / ".kg-cache").symlink_to(elsewhere)
    result = _run("build", corpus, "--out", out, "--jobs", "1", *(["--clean"] if clean else []))
    assert result.exit_code == 1
    assert "symbolic link" in _one_line(result)
    assert sorted(p.name for p in elsewhere.iterdir()) == ["0123456789abcdef0123456789abcdef.page", "thesis.docx"]
    assert (elsewhere / "thesis.docx").read_bytes() == b"four years of work"
    assert (out / ".kg-cache").is_symlink()


def test_a_cache_that_is_a_file_is_one_line(tmp_path):
    corpus, out = _corpus(tmp_path), tmp_path / "out"
    out.mkdir()
    (out / ".kg-cache").write_text("not a folder", encoding="utf-8")
    result = _run("build", corpus, "--out", out, "--jobs", "1")
    assert result.exit_code == 1
    assert ".kg-cache is not a folder" in _one_line(result)
    assert (out / ".kg-cache").read_text(encoding="utf-8") == "not a folder"


@pytest.mark.parametrize("clean", [False, True])
def test_stale_page_cleanup_deletes_only_page_files_the_build_wrote(tmp_path, clean):
    corpus, out = _corpus(tmp_path), tmp_path / "out"
    assert _run("build", corpus, "--out", out, "--jobs", "1").exit_code == 0
    cache = out / ".kg-cache"
    current = sorted(p.name for p in cache.glob("*.page"))
    outside = tmp_path / "outside.txt"
    outside.write_text("mine", encoding="utf-8")
    planted = {"notes.txt": "mine", "thesis.docx": "mine", "abc.page": "mine", "0123.page.tmp": "mine"}
    for name, text in planted.items():
        (cache / name).write_text(text, encoding="utf-8")
    (cache / "folder").mkdir()
    (cache / "folder" / "inside.txt").write_text("mine", encoding="utf-8")
    (cache / "fedcba9876543210fedcba9876543210.page").symlink_to(outside)  # a link named like a page file
    (cache / "0123456789abcdef0123456789abcdef.page").write_bytes(b"a page that is gone")
    (cache / ".0123456789abcdef0123456789abcdef.page.4242.tmp").write_bytes(b"left by a killed worker")
    result = _run("build", corpus, "--out", out, "--jobs", "1", *(["--clean"] if clean else []))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in cache.iterdir())
    assert names == sorted([*current, *planted, "folder", "fedcba9876543210fedcba9876543210.page", "manifest.tsv"])
    assert all((cache / n).read_text(encoding="utf-8") == t for n, t in planted.items())
    assert (cache / "folder" / "inside.txt").is_file()
    assert outside.read_text(encoding="utf-8") == "mine"
    assert os.path.islink(cache / "fedcba9876543210fedcba9876543210.page")
