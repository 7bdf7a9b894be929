"""kg merge takes only page records as kg extract writes them: nothing in a record reaches the Turtle raw."""

import shutil

import pytest
import rdflib
from click.testing import CliRunner

from kg.cli import main

from .conftest import SEEDS


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    """The .nq records of two seed pages."""
    corpus = tmp_path_factory.mktemp("corpus")
    for p in sorted(SEEDS.glob("*.txt"))[:2]:
        shutil.copy(p, corpus)
    out = tmp_path_factory.mktemp("records")
    result = CliRunner().invoke(main, ["extract", str(corpus), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    return sorted(out.glob("*.nq"))


def _copy(records, tmp_path):
    folder = tmp_path / "records"
    folder.mkdir()
    for f in records:
        shutil.copy(f, folder)
    return folder, sorted(folder.glob("*.nq"))


def _merge(folder, out):
    result = CliRunner().invoke(main, ["merge", str(folder), "--out", str(out), "--jobs", "1"])
    assert "Traceback" not in result.output
    return result


def _skips(result):
    return [line for line in result.output.splitlines() if line.startswith("kg: skipped")]


INJECTED = "> . <http://example.org/evil> <http://example.org/p> <http://example.org/o"


@pytest.mark.parametrize("field", ["cls", "pred"])
def test_a_record_naming_a_term_outside_the_ontology_is_refused(records, tmp_path, field):
    folder, files = _copy(records, tmp_path)
    lines = files[0].read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if f"<urn:kg:x:{field}>" in line)
    lines[at] = lines[at].replace('" <urn:kg:page:', INJECTED.replace(">", "\\u003E").replace("<", "\\u003C")
                                  + '" <urn:kg:page:', 1)
    files[0].write_text("".join(lines), encoding="utf-8")
    out = tmp_path / "out"
    result = _merge(folder, out)
    assert result.exit_code == 0, result.output
    skips = _skips(result)
    assert len(skips) == 1 and str(files[0]) in skips[0] and "ontology" in skips[0]
    ttl = (out / "kg.ttl").read_text(encoding="utf-8")
    assert "example.org/evil" not in ttl
    rdflib.Graph().parse(data=ttl, format="turtle")


@pytest.mark.parametrize("cut", ["mid-line", "line boundary"])
def test_a_truncated_record_file_is_one_line(records, tmp_path, cut):
    folder, files = _copy(records, tmp_path)
    data = files[0].read_bytes()
    half = len(data) // 2
    files[0].write_bytes(data[:half] if cut == "mid-line" else data[:data.rindex(b"\n", 0, half) + 1])
    result = _merge(folder, tmp_path / "out")
    assert result.exit_code == 0, result.output
    skips = _skips(result)
    assert len(skips) == 1 and str(files[0]) in skips[0]
    assert "1 documents" in result.output


def test_merging_no_records_builds_nothing_and_says_so(tmp_path):
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / "empty.nq").write_bytes(b"")
    result = _merge(folder, tmp_path / "out")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"kg: {folder}: no page records in its .nq files; nothing was built."]
    assert not (tmp_path / "out" / "kg.ttl").exists()
