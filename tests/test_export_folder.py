"""The export folder: a build deletes only what it wrote, never through a link, and replaces the exports together."""

import os
import shutil

import pytest
from click.testing import CliRunner

from kg.cli import main

from .conftest import SEEDS


def _corpus(tmp_path, n=2):
    corpus = tmp_path / "corpus"
    corpus.mkdir(parents=True)
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


_DIE_BEFORE_RENAME = """
import os, sys
target, n = sys.argv[1].split(","), int(sys.argv[2])
seen, real = [0], os.replace
def replace(src, dst, *args, **kwargs):
    if os.path.basename(os.fspath(dst)) in target:
        seen[0] += 1
        if seen[0] == n:
            os._exit(9)  # as kill -9 here: the process is gone before this rename
    return real(src, dst, *args, **kwargs)
os.replace = replace
from kg.cli import main
main(sys.argv[3:])
"""


def _pair(out):
    return tuple((out / n).read_bytes() for n in ("kg.ttl", "kg.graphml"))


@pytest.mark.parametrize(("target", "n"), [("kg.ttl,kg.graphml", 1), ("kg.ttl,kg.graphml", 2), (".kg-commit", 1)])
def test_a_build_killed_while_replacing_the_exports_never_leaves_a_mixed_pair(tmp_path, target, n):
    import subprocess
    import sys

    from .conftest import ROOT

    old_pages, new_pages = _corpus(tmp_path / "a", 2), _corpus(tmp_path / "b", 3)
    out, ref = tmp_path / "out", tmp_path / "ref"
    assert _run("build", old_pages, "--out", out, "--jobs", "1").exit_code == 0
    assert _run("build", new_pages, "--out", ref, "--jobs", "1").exit_code == 0
    old, new = _pair(out), _pair(ref)
    assert old[0] != new[0] and old[1] != new[1]
    proc = subprocess.run([sys.executable, "-c", _DIE_BEFORE_RENAME, target, str(n), "build", str(new_pages),
                           "--out", str(out), "--jobs", "1", "--clean"], cwd=ROOT, capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 9, proc.stderr
    pending = (out / ".kg-commit").exists()
    assert _pair(out) in (old, new) or pending  # a mixed pair only while the record says so
    result = _run("query", "ASK { ?s ?p ?o }", "--graph", out / "kg.ttl")  # a reader finishes the commit
    assert result.exit_code == 0, result.output
    assert _pair(out) == new if pending else _pair(out) in (old, new)
    assert not (out / ".kg-commit").exists()
    assert _run("build", new_pages, "--out", out, "--jobs", "1").exit_code == 0
    assert _pair(out) == new
    assert not [p.name for p in out.iterdir() if p.name.endswith((".tmp", ".new", ".old")) or p.name == ".kg-commit"]


def test_a_killed_build_leaves_no_temporary_files_after_the_next_one(tmp_path):
    corpus, out = _corpus(tmp_path), tmp_path / "out"
    out.mkdir()
    mine = tmp_path / "mine.txt"
    mine.write_text("mine", encoding="utf-8")
    ours = [".kg-evidence-4242.tmp", ".kg.ttl.abcd_123.tmp", ".kg.graphml.x1y2z3w4.tmp", ".kg.ttl.new",
            ".kg.graphml.new"]
    for name in ours:
        (out / name).write_bytes(b"x" * 100)
    for name in (".kg.oxigraph.abcd1234.tmp", ".kg.oxigraph.old", ".kg-merge-abcd1234"):
        (out / name).mkdir()
        (out / name / "000001.sst").write_bytes(b"x")
        (out / name / "link").symlink_to(mine)
    theirs = [".kg-evidence-notes.txt", "kg.ttl.tmp", ".kg.ttl.notes.txt", "notes.tmp"]
    for name in theirs:
        (out / name).write_text("mine", encoding="utf-8")
    (out / ".kg.ttl.zzzzzzzz.tmp").symlink_to(mine)  # named like ours, but a link: left alone
    result = _run("build", corpus, "--out", out, "--jobs", "1")
    assert result.exit_code == 0, result.output
    left = sorted(p.name for p in out.iterdir())
    assert left == sorted([".kg-build.lock", ".kg-cache", ".kg.oxigraph.lock", ".kg.ttl.zzzzzzzz.tmp", "kg.gexf",
                           "kg.graphml", "kg.ttl", *theirs])
    assert mine.read_text(encoding="utf-8") == "mine"
    assert all((out / n).read_text(encoding="utf-8") == "mine" for n in theirs)


@pytest.mark.parametrize("command", ["build", "extract", "merge"])
def test_out_naming_a_file_is_one_line_and_exit_2(tmp_path, command):
    corpus, target = _corpus(tmp_path), tmp_path / "exports.txt"
    target.write_text("mine", encoding="utf-8")
    source = corpus
    if command == "merge":
        source = tmp_path / "records"
        assert _run("extract", corpus, "--out", source, "--jobs", "1").exit_code == 0
    result = _run(command, source, "--out", target, "--jobs", "1")
    assert result.exit_code == 2
    assert "is a file, not a folder" in _one_line(result)
    assert target.read_text(encoding="utf-8") == "mine"


def test_extract_takes_a_long_chinese_file_name(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    name = "山西省太原市" * 5 + "疫情防控会议"  # 35 characters: 315 bytes once percent-encoded
    page = min(SEEDS.glob("*.txt"))
    shutil.copy(page, corpus / f"{name}.txt")
    result = _run("extract", corpus, "--out", tmp_path / "records", "--jobs", "1")
    assert result.exit_code == 0, result.output
    (record,) = (tmp_path / "records").glob("*.nq")
    assert len(record.name.encode()) <= 255
    assert _run("merge", tmp_path / "records", "--out", tmp_path / "merged", "--jobs", "1").exit_code == 0
    assert _run("build", corpus, "--out", tmp_path / "built", "--jobs", "1").exit_code == 0
    assert (tmp_path / "merged" / "kg.ttl").read_bytes() == (tmp_path / "built" / "kg.ttl").read_bytes()


def test_exports_get_the_modes_the_umask_gives(tmp_path):
    import stat

    corpus, out = _corpus(tmp_path), tmp_path / "out"
    old = os.umask(0o022)
    try:
        assert _run("build", corpus, "--out", out, "--jobs", "1", "--store").exit_code == 0
    finally:
        os.umask(old)
    for path in (out / "kg.ttl", out / "kg.graphml", out / ".kg-cache" / "manifest.tsv"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path
    assert stat.S_IMODE((out / "kg.oxigraph").stat().st_mode) == 0o755


def test_a_graph_writer_failing_keeps_every_earlier_export(tmp_path, monkeypatch):
    import kg.gexf

    corpus, out = _corpus(tmp_path), tmp_path / "out"
    assert _run("build", corpus, "--out", out, "--jobs", "2").exit_code == 0
    before = {n: (out / n).read_bytes() for n in ("kg.ttl", "kg.graphml", "kg.gexf")}

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(kg.gexf, "write_gexf", full_disk)
    result = _run("build", _corpus(tmp_path / "more", 3), "--out", out, "--jobs", "2")
    assert result.exit_code != 0
    assert "cannot write the exports" in _one_line(result)
    assert {n: (out / n).read_bytes() for n in before} == before
    assert not [p.name for p in out.iterdir() if p.name.endswith((".tmp", ".new", ".old")) or p.name == ".kg-commit"]
