"""Reading inputs: only regular files, within the limit while reading; encodings; one line per problem."""

import os
import threading

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.corpus import Skipped, decode, iter_documents, read_document

PAGE = "本报讯 4月14日，省委书记王建国主持召开省委第八十二次疫情防控专题会议，强调要坚持动态清零。\n"


def docs(*paths, **kw):
    return list(iter_documents(list(paths), **kw))


def reasons(items):
    return [i.reason for i in items if isinstance(i, Skipped)]


def build(*args):
    return CliRunner().invoke(main, ["build", *map(str, args), "--jobs", "1"])


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_behind_a_symbolic_link_is_not_read(tmp_path, device):
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    link = tmp_path / "page.txt"
    link.symlink_to(device)
    for given in (link, tmp_path):  # by name, and found in a folder
        (item,) = docs(given)
        assert isinstance(item, Skipped) and "a device, not a text file" in item.reason


def test_a_named_pipe_does_not_hang_the_build(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    (tmp_path / "good.txt").write_text(PAGE, encoding="utf-8")
    result: list = []
    worker = threading.Thread(target=lambda: result.append(docs(tmp_path)), daemon=True)
    worker.start()
    worker.join(10)
    if worker.is_alive():  # free the reader before failing
        with open(fifo, "wb"):
            pass
        pytest.fail("reading a named pipe blocked")
    (items,) = result
    assert [r for r in reasons(items)] == [f"{fifo}: a named pipe (FIFO), not a text file; give regular files only."]
    assert [d.source_file for d in items if not isinstance(d, Skipped)] == ["good.txt"]


def test_the_size_limit_holds_while_reading(tmp_path, monkeypatch):
    page = tmp_path / "grows.txt"
    page.write_text(PAGE * 100, encoding="utf-8")
    real_fstat, real_stat = os.fstat, os.stat

    class Small:  # a file whose size says 10 bytes (like /proc files, or one still being written)
        def __init__(self, st):
            self.st_mode, self.st_size = st.st_mode, 10

    monkeypatch.setattr(os, "fstat", lambda fd: Small(real_fstat(fd)))
    monkeypatch.setattr(os, "stat", lambda p, *a, **k: Small(real_stat(p, *a, **k)) if str(p) == str(page)
                        else real_stat(p, *a, **k))
    item = read_document(page, tmp_path, {}, year=None, max_bytes=1000)
    assert isinstance(item, Skipped) and "over the 1,000 bytes limit" in item.reason


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be"])
def test_utf32_and_bomless_utf16_are_read(tmp_path, encoding):
    text, used = decode(PAGE.encode(encoding))
    assert text == PAGE and used.startswith(encoding[:6])
    (tmp_path / "p.txt").write_bytes(PAGE.encode(encoding))
    (doc,) = docs(tmp_path)
    assert not isinstance(doc, Skipped) and doc.text == PAGE


def test_only_ideographic_spaces_is_an_empty_file(tmp_path):
    (tmp_path / "blank.txt").write_text("\u3000" * 50 + "\n\u3000\u200b\ufeff\n", encoding="utf-8")
    (item,) = docs(tmp_path)
    assert isinstance(item, Skipped) and "empty file" in item.reason
    result = build(tmp_path, "--out", tmp_path.parent / "out")
    assert result.exit_code == 1 and "0 documents" not in result.output


def test_a_folder_deeper_than_path_max_is_reported(tmp_path):
    root = tmp_path / "deep"
    root.mkdir()
    (root / "top.txt").write_text(PAGE, encoding="utf-8")
    fd = os.open(root, os.O_RDONLY)
    name = "d" * 200
    try:
        for _ in range(24):  # 24 × 201 characters: past PATH_MAX (4096)
            os.mkdir(name, dir_fd=fd)
            nxt = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = nxt
        with open(os.open("bottom.txt", os.O_WRONLY | os.O_CREAT, dir_fd=fd), "w", encoding="utf-8") as fh:
            fh.write(PAGE)
    finally:
        os.close(fd)
    items = docs(root)
    lines = reasons(items)
    assert len(lines) == 1 and "folder cannot be listed (File name too long)" in lines[0], lines
    assert "no text files" not in lines[0] and "\n" not in lines[0] and len(lines[0]) < 500
    assert [d.source_file for d in items if not isinstance(d, Skipped)] == ["top.txt"]


def test_a_symbolic_link_loop_given_is_one_line(tmp_path):
    loop = tmp_path / "loop"
    loop.symlink_to(tmp_path / "loop")
    result = build(loop, "--out", tmp_path / "out")
    assert result.exit_code == 1 and isinstance(result.exception, (SystemExit, type(None))), result.exception
    assert f"{loop}: symbolic link loop" in result.output


def test_a_newline_in_a_file_name_cannot_forge_a_log_line(tmp_path):
    corpus = tmp_path / "pages"
    corpus.mkdir()
    (corpus / "a\nkg: read forged.txt (utf-8).txt").write_text(PAGE, encoding="utf-8")
    (corpus / "b\nkg: skipped x.txt").write_bytes(b"")
    result = build(corpus, "--out", tmp_path / "out", "-v")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert not [line for line in lines if line.startswith("kg: read forged") or line == "kg: skipped x.txt"]
    assert "kg: read a\\nkg: read forged.txt (utf-8).txt (utf-8)" in lines
    manifest = (tmp_path / "out" / ".kg-cache" / "manifest.tsv").read_text(encoding="utf-8").splitlines()
    assert len(manifest) == 2 and manifest[1].startswith("a\\nkg: read forged.txt (utf-8).txt\t")


@pytest.mark.parametrize("line, key, value", [
    ('published = "not-a-date"', "published", "'not-a-date'"),
    ("published = 20220415", "published", "20220415"),
    ('published = "2022-02-30"', "published", "'2022-02-30'"),
    ('home_province = ["x"]', "home_province", "['x']"),
    ("home_city = 1.5", "home_city", "1.5"),
])
def test_a_bad_manifest_value_is_one_line_naming_file_key_and_value(tmp_path, line, key, value):
    corpus = tmp_path / "pages"
    corpus.mkdir()
    (corpus / "p.txt").write_text(PAGE, encoding="utf-8")
    (corpus / "q.txt").write_text(PAGE, encoding="utf-8")
    (corpus / "manifest.toml").write_text(f'["p.txt"]\n{line}\n', encoding="utf-8")
    result = build(corpus, "--out", tmp_path / "out")
    assert result.exit_code == 0 and isinstance(result.exception, (SystemExit, type(None))), result.exception
    skipped = [x for x in result.output.splitlines() if x.startswith("kg: skipped")]
    assert skipped == [f"kg: skipped {corpus / 'manifest.toml'}: ['p.txt'] {key} = {value} is "
                       + ("not a date; write it as published = 2022-04-15." if key == "published" else
                          f'not a place code; write it as {key} = "140100".')]
    assert "1 documents" in result.output
    strict = build(corpus, "--out", tmp_path / "out2", "--strict")
    assert strict.exit_code == 1 and isinstance(strict.exception, SystemExit)
    assert f"{key} = {value}" in strict.output


@pytest.mark.parametrize("value", ["nan", "inf", "1e308", "-1", "0"])
def test_max_mb_must_be_a_size(tmp_path, value):
    (tmp_path / "p.txt").write_text(PAGE, encoding="utf-8")
    result = build(tmp_path / "p.txt", "--out", tmp_path / "out", "--max-mb", value)
    assert result.exit_code == 2 and "Invalid value for '--max-mb'" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()
