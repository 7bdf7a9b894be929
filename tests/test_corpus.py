"""Hostile input: encodings, HTML, junk files; each problem one line naming the file."""

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.corpus import Skipped, decode, iter_documents

from .conftest import ROOT

PAGE = "本报讯 4月14日，省委书记、省疫情防控工作领导小组组长王建国主持召开省委第八十二次疫情防控专题会议。"
TRAD = "本報訊 4月14日，省委書記王建國主持召開省委第八十二次疫情防控專題會議，強調要堅持動態清零。"


@pytest.mark.parametrize("text, encoding, expected", [
    (PAGE, "utf-8", "utf-8"),
    (PAGE, "utf-8-sig", "utf-8-sig"),
    (PAGE, "utf-16", "utf-16"),
    (PAGE, "gb18030", "gb18030"),
    (PAGE, "gbk", "gb18030"),
    (TRAD, "big5", "big5"),
])
def test_decode_detects_encodings(text, encoding, expected):
    got, used = decode(text.encode(encoding))
    assert got == text and used == expected


def test_undecodable_bytes_are_refused():
    with pytest.raises(ValueError):
        decode(bytes(range(128, 256)) * 20)


@pytest.fixture()
def hostile(tmp_path):
    d = tmp_path / "corpus"
    d.mkdir()
    (d / "good.txt").write_text(PAGE, encoding="utf-8")
    (d / "gbk.txt").write_bytes(PAGE.encode("gbk"))
    (d / "big5.txt").write_bytes(TRAD.encode("big5"))
    (d / "u16.txt").write_bytes(PAGE.encode("utf-16"))
    (d / "empty.txt").write_bytes(b"")
    (d / "nul.txt").write_bytes(b"abc\x00\x01\x02" * 100)
    (d / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(200))
    (d / "big.txt").write_text(PAGE * 50, encoding="utf-8")
    (d / "junk.txt").write_bytes(bytes(range(128, 256)) * 6)
    (d / "page.html").write_text(
        "<html><head><title>标题</title><style>p{color:red}</style><script>var x='省委书记李四';</script></head>"
        f"<body><p>{PAGE}</p><p>记者 王 华</p></body></html>", encoding="utf-8")
    (d / "gone.txt").symlink_to(d / "nowhere.txt")
    (d / "sub").mkdir()
    (d / "sub" / "notes.bin").write_bytes(b"x")
    return d


def test_hostile_folder_builds_what_it_can(hostile, tmp_path):
    result = CliRunner().invoke(main, ["build", str(hostile), "--out", str(tmp_path / "out"), "--max-mb", "0.002",
                                       "--verbose", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Traceback" not in out
    for name, reason in [("empty.txt", "empty file"), ("nul.txt", "binary"), ("image.txt", "binary"),
                         ("big.txt", "limit"), ("junk.txt", "re-save it as UTF-8"), ("gone.txt", "broken")]:
        line = next((ln for ln in out.splitlines() if name in ln and "skipped" in ln), None)
        assert line and reason in line, (name, out)
    for name, enc in [("gbk.txt", "gb18030"), ("big5.txt", "big5"), ("u16.txt", "utf-16"), ("page.html", "html")]:
        assert any(name in ln and enc in ln for ln in out.splitlines()), (name, out)
    ttl = (tmp_path / "out" / "kg.ttl").read_text(encoding="utf-8")
    assert "王建国" in ttl and "李四" not in ttl  # scripts are dropped
    assert '"gb18030"' in ttl and '"big5"' in ttl


def test_strict_makes_a_bad_file_an_error(hostile, tmp_path):
    result = CliRunner().invoke(main, ["build", str(hostile), "--out", str(tmp_path / "out"), "--strict"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert len([ln for ln in result.output.splitlines() if ln.startswith("kg:")]) == 1


def test_nothing_buildable_exits_1_and_keeps_old_exports(tmp_path):
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "a.txt").write_bytes(b"")
    out = tmp_path / "out"
    out.mkdir()
    (out / "kg.ttl").write_text("old", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(junk), "--out", str(out)])
    assert result.exit_code == 1
    assert (out / "kg.ttl").read_text(encoding="utf-8") == "old"


def test_folder_without_text_files(tmp_path):
    (tmp_path / "imgs").mkdir()
    (tmp_path / "imgs" / "a.png").write_bytes(b"\x89PNG")
    items = list(iter_documents([tmp_path / "imgs"]))
    assert len(items) == 1 and isinstance(items[0], Skipped) and "no text files" in items[0].reason


def test_missing_path_and_bad_option_are_usage_errors(tmp_path):
    result = CliRunner().invoke(main, ["build", str(tmp_path / "nope"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "no such file" in result.output
    result = CliRunner().invoke(main, ["build", "--jobs", "0"])
    assert result.exit_code == 2


def test_year_comes_from_text_or_flag_never_invented(tmp_path):
    (tmp_path / "a.txt").write_text("2023年5月6日，会议召开。", encoding="utf-8")
    (tmp_path / "b.txt").write_text("5月6日，会议召开。", encoding="utf-8")
    docs = {d.source_file: d for d in iter_documents([tmp_path])}
    assert docs["a.txt"].year == 2023 and docs["a.txt"].published is None
    assert docs["b.txt"].year is None and docs["b.txt"].published is None
    docs = {d.source_file: d for d in iter_documents([tmp_path], year=2021)}
    assert docs["b.txt"].year == 2021


def test_input_files_are_never_modified(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    page = src / "p.txt"
    page.write_bytes(PAGE.encode("gb18030"))
    before = (page.read_bytes(), page.stat().st_mtime_ns)
    result = CliRunner().invoke(main, ["build", str(src), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0
    assert (page.read_bytes(), page.stat().st_mtime_ns) == before
    assert sorted(p.name for p in src.iterdir()) == ["p.txt"]


def test_second_build_into_a_locked_folder_is_refused(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from kg.atomic import BuildLock\n"
                               "with BuildLock(sys.argv[1]):\n    print('locked', flush=True); time.sleep(30)",
                               str(out)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert holder.stdout.readline().strip() == "locked"
        page = tmp_path / "p.txt"
        page.write_text(PAGE, encoding="utf-8")
        result = CliRunner().invoke(main, ["build", str(page), "--out", str(out)])
        assert result.exit_code == 1
        assert "Another kg build is writing" in result.output and str(holder.pid) in result.output
    finally:
        holder.kill()
        holder.wait()


def test_year_from_a_bare_year_in_the_text(tmp_path):
    text = "在2021年科协年会召开之际，回顾1998年以来的发展。5月6日，会议召开。"
    (tmp_path / "c.txt").write_text(text, encoding="utf-8")
    [doc] = list(iter_documents([tmp_path]))
    assert doc.year == 2021 and doc.published is None
