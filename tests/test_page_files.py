"""Page files in the build cache hold data only: nothing in them runs, and anything odd is extracted again."""

import json
import pickle
import shutil

import pytest
from click.testing import CliRunner

from kg import pagefile
from kg.cli import main

from .conftest import SEEDS


def _corpus(tmp_path, n=2):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEEDS / "manifest.toml", corpus)
    for p in sorted(SEEDS.glob("*.txt"))[:n]:
        shutil.copy(p, corpus)
    return corpus


def _build(corpus, out):
    result = CliRunner().invoke(main, ["build", str(corpus), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result


class _Plant:
    """Unpickling this creates a file: what an attacker's page file would do."""

    def __init__(self, target):
        self.target = str(target)

    def __reduce__(self):
        return (open, (self.target, "w"))


def test_a_planted_pickle_in_the_cache_never_runs(tmp_path):
    corpus, out = _corpus(tmp_path), tmp_path / "out"
    _build(corpus, out)
    exports = {n: (out / n).read_bytes() for n in ("kg.ttl", "kg.graphml")}
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Plant(marker))
    for page in (out / ".kg-cache").glob("*.page"):  # the old layout: 8-byte length, then a pickle
        page.write_bytes(len(payload).to_bytes(8, "little") + payload + payload)
    result = _build(corpus, out)
    assert not marker.exists()
    assert "reused" not in result.output  # both pages were extracted again
    assert {n: (out / n).read_bytes() for n in exports} == exports


def test_a_page_file_with_a_damaged_evidence_part_is_extracted_again(tmp_path):
    corpus, out = _corpus(tmp_path), tmp_path / "out"
    _build(corpus, out)
    exports = {n: (out / n).read_bytes() for n in ("kg.ttl", "kg.graphml")}
    page = min((out / ".kg-cache").glob("*.page"))
    data = page.read_bytes()
    page.write_bytes(data[:-40] + b"\xff" * 40)  # the evidence part is the end of the file
    result = _build(corpus, out)
    assert "1 unchanged, reused" in result.output
    assert {n: (out / n).read_bytes() for n in exports} == exports
    assert pagefile.read_digest(page) is not None


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    """A page file of one seed page, and the parts of its layout."""
    from kg.corpus import iter_documents
    from kg.extract import extract_batch

    doc = next(iter_documents([min(SEEDS.glob("*.txt"))]))
    rec = extract_batch([doc])[0]
    path = tmp_path_factory.mktemp("page") / "p.page"
    page = pagefile.write(path, rec)
    return path, rec, page


def _parts(data):
    n0 = len(pagefile.MAGIC) + pagefile._HEAD.size
    a, b, _ = pagefile._HEAD.unpack_from(data, len(pagefile.MAGIC))
    return json.loads(data[n0:n0 + a]), data[n0 + a:n0 + a + b], json.loads(data[n0 + a + b:])


def _assemble(head, offsets, tail):
    h = json.dumps(head, ensure_ascii=False).encode()
    t = json.dumps(tail, ensure_ascii=False).encode()
    return pagefile.MAGIC + pagefile._HEAD.pack(len(h), len(offsets), len(t)) + h + offsets + t


def test_a_page_file_reads_back_as_written(page_file):
    path, rec, page = page_file
    assert pagefile.read_digest(path) == page
    part = pagefile.read_evidence(path)
    assert [part.texts[i] for i in part.of_relation] == [r.evidence.sentence for r in rec.relations]


def _tampered(head, offsets, tail, what):
    head, tail = json.loads(json.dumps(head)), json.loads(json.dumps(tail))
    if what == "class":
        head[1][0][2][0][0] = "Person> <x> <y"
    elif what == "predicate":
        head[4][0][1] = "chair> <x> <y"
    elif what == "family":
        head[1][0][0] = "person> <x"
    elif what == "entity index":
        head[4][0][0] = len(head[1])
    elif what == "fact index":
        offsets = (10**6).to_bytes(8, "little", signed=True) + offsets[8:]
    elif what == "literal type":
        head[4][0] = [0, "ordinal", 1.5, False, False]
    elif what == "sentence index":
        tail[2][0] = len(tail[1])
    elif what == "sentence type":
        tail[1][0] = {"turtle": "<x> <y> <z>"}
    elif what == "document":
        tail[0] = "other"
    elif what == "length":
        return _assemble(head, offsets, tail)[:-1]
    return _assemble(head, offsets, tail)


@pytest.mark.parametrize("what", ["class", "predicate", "family", "entity index", "fact index", "literal type",
                                  "sentence index", "sentence type", "document", "length"])
def test_a_page_file_that_fails_a_check_is_not_used(page_file, tmp_path, what):
    path, _, _ = page_file
    head, offsets, tail = _parts(path.read_bytes())
    bad = tmp_path / "bad.page"
    bad.write_bytes(_assemble(head, offsets, tail))
    assert pagefile.read_digest(bad) is not None  # reassembled untouched, it is fine
    bad.write_bytes(_tampered(head, offsets, tail, what))
    assert pagefile.read_digest(bad) is None
