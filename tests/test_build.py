"""The build end to end: exports exist, parse, are deterministic and carry exact evidence."""

import json
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from kg.cli import main

from .conftest import ROOT, SEEDS, SHARED


def build(args):
    result = CliRunner().invoke(main, ["build", *map(str, args)])
    assert result.exit_code == 0, result.output
    return result


def test_summary_line(tmp_path):
    result = build([SEEDS, "--out", tmp_path, "--jobs", "1"])
    summary, last = result.output.strip().splitlines()[-2:]
    assert summary.startswith("5 documents") and "entities" in summary and "evidence" in summary
    # where the files went
    assert last == f"wrote {tmp_path / 'kg.ttl'}, {tmp_path / 'kg.graphml'}, {tmp_path / 'kg.gexf'}"


def test_turtle_parses_in_rdflib_and_oxigraph(seed_build):
    import pyoxigraph
    import rdflib

    g = rdflib.Graph().parse(seed_build / "kg.ttl")
    assert len(g) > 1000
    store = pyoxigraph.Store()
    store.bulk_load(path=str(seed_build / "kg.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == len(g)


def test_graphml_loads_in_networkx_and_igraph(seed_build):
    import igraph
    import networkx as nx

    G = nx.read_graphml(seed_build / "kg.graphml")
    assert G.is_directed() and G.number_of_nodes() > 50
    for _, data in G.nodes(data=True):
        assert data["label"] and data["type"] and data["color"].startswith("#") and data["size"] > 0
    for _, _, data in G.edges(data=True):
        assert data["label"] and data["weight"] >= 1
    ig = igraph.Graph.Read_GraphML(str(seed_build / "kg.graphml"))
    assert ig.vcount() == G.number_of_nodes() and ig.ecount() == G.number_of_edges()
    assert all(v["label"] and v["type"] for v in ig.vs)


def test_graphml_key_ids_name_their_attribute(seed_build):
    text = (seed_build / "kg.graphml").read_text(encoding="utf-8")
    assert '<key id="label" for="node" attr.name="label"' in text
    assert 'id="d0"' not in text


def test_two_builds_are_byte_identical_and_input_order_does_not_matter(seed_build, tmp_path):
    pages = sorted(SEEDS.glob("*.txt"), reverse=True)
    build([*pages, "--out", tmp_path, "--clean", "--jobs", "2"])
    for name in ("kg.ttl", "kg.graphml", "kg.gexf"):
        assert (tmp_path / name).read_bytes() == (seed_build / name).read_bytes(), name


def test_committed_exports_are_fresh(seed_build):
    for name in ("kg.ttl", "kg.graphml", "kg.gexf"):
        committed = ROOT / "exports" / name
        assert committed.is_file(), f"exports/{name} missing: run kg build and commit"
        assert committed.read_bytes() == (seed_build / name).read_bytes(), \
            f"exports/{name} is stale: run kg build and commit the result"


def test_every_evidence_quotes_its_source_exactly(seed_build):
    import rdflib

    from kg.ns import KG

    g = rdflib.Graph().parse(seed_build / "kg.ttl")
    n = 0
    for ev in g.subjects(rdflib.RDF.type, KG.Evidence):
        [sentence] = g.objects(ev, KG.inSentence)  # the compact form: text, document and offsets on the sentence
        assert g.value(ev, KG.sentence) is None and g.value(ev, KG.charStart) is None
        doc = g.value(sentence, rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))
        src = SEEDS / str(g.value(doc, KG.sourceFile))
        text = src.read_text(encoding="utf-8")
        start, end = int(g.value(sentence, KG.charStart)), int(g.value(sentence, KG.charEnd))
        assert text[start:end] == str(g.value(sentence, KG.sentence))
        n += 1
    assert n > 100


def test_each_evidence_sentence_is_written_once(seed_build):
    """One kg:Sentence per document and span, named by them; every one backs at least one statement."""
    import rdflib

    from kg.ns import KG
    from kg.resolve import sentence_iri

    g = rdflib.Graph().parse(seed_build / "kg.ttl")
    sentences = set(g.subjects(rdflib.RDF.type, KG.Sentence))
    statements = list(g.subjects(rdflib.RDF.type, KG.Evidence))
    assert sentences == {g.value(ev, KG.inSentence) for ev in statements}
    assert len(sentences) < len(statements) / 2  # a sentence states several facts, and is written once
    spans = set()
    for s in sentences:
        doc = str(g.value(s, rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")))
        start, end = int(g.value(s, KG.charStart)), int(g.value(s, KG.charEnd))
        assert str(s) == sentence_iri("seeds/" + doc.rsplit("/seeds/", 1)[1], start, end)
        spans.add((doc, start, end))
    assert len(spans) == len(sentences)


def test_every_entity_relation_has_evidence(seed_build):
    import rdflib

    from kg.ns import KG

    g = rdflib.Graph().parse(seed_build / "kg.ttl")
    backed = {(g.value(e, rdflib.RDF.subject), g.value(e, rdflib.RDF.predicate), g.value(e, rdflib.RDF.object))
              for e in g.subjects(rdflib.RDF.type, KG.Evidence)}
    preds = [KG.chair, KG.attendee, KG.speaker, KG.relays, KG.partOf, KG.reportedIn, KG.holds, KG.appliesTo,
             KG.organizer, KG.postIn, KG.date, KG.ordinal, KG.positiveCount]
    triples = [(s, p, o) for p in preds for s, o in g.subject_objects(p)]
    assert triples and all(t in backed for t in triples)


def test_no_mobile_number_of_the_seeds_in_any_export(seed_build):
    import re

    numbers = set()
    for page in SEEDS.glob("*.txt"):
        numbers |= set(re.findall(r"(?<!\d)1[3-9]\d{9}(?!\d)", page.read_text(encoding="utf-8")))
    assert numbers, "the seeds hold contact numbers; this test must see them"
    for name in ("kg.ttl", "kg.graphml"):
        text = (seed_build / name).read_text(encoding="utf-8")
        assert not [n for n in numbers if n in text]


def test_extract_then_merge_equals_build(seed_build, tmp_path):
    runner = CliRunner()
    r = runner.invoke(main, ["extract", str(SEEDS), "--out", str(tmp_path / "records"), "--jobs", "1"])
    assert r.exit_code == 0, r.output
    assert len(list((tmp_path / "records").glob("*.nq"))) == 5
    r = runner.invoke(main, ["merge", str(tmp_path / "records"), "--out", str(tmp_path / "out")])
    assert r.exit_code == 0, r.output
    for name in ("kg.ttl", "kg.graphml"):
        assert (tmp_path / "out" / name).read_bytes() == (seed_build / name).read_bytes(), name


def test_incremental_build_equals_clean_build(seed_build, tmp_path):
    corpus = tmp_path / "seeds"  # the folder's name is part of each document's IRI
    corpus.mkdir()
    shutil.copy(SEEDS / "manifest.toml", corpus)
    pages = sorted(SEEDS.glob("*.txt"))
    for p in pages[:3]:
        shutil.copy(p, corpus)
    build([corpus, "--out", tmp_path / "out", "--jobs", "1"])
    for p in pages[3:]:
        shutil.copy(p, corpus)
    result = build([corpus, "--out", tmp_path / "out", "--jobs", "1"])
    assert "3 unchanged, reused" in result.output
    for name in ("kg.ttl", "kg.graphml"):
        assert (tmp_path / "out" / name).read_bytes() == (seed_build / name).read_bytes(), name


@pytest.mark.parametrize("jobs", [1, 2])
def test_reused_pages_are_streamed_not_gathered(tmp_path, monkeypatch, jobs):
    """A build that reuses its page files reads each digest as it goes on, never all of them first."""
    from kg import build as kb
    from kg import pagefile

    corpus = tmp_path / "pages"
    corpus.mkdir()
    for i in range(200):
        (corpus / f"{i:03d}.txt").write_text(f"{i % 28 + 1}日，市委书记王明主持召开会议。", encoding="utf-8")
    build([corpus, "--out", tmp_path / "out", "--jobs", "1"])
    (corpus / "150.txt").write_text("县委书记李明远在清徐县调研。", encoding="utf-8")  # one page to extract again
    reads: list = []
    real = pagefile.read_digest
    monkeypatch.setattr(pagefile, "read_digest", lambda path: reads.append(path) or real(path))
    report = kb.BuildReport()
    pages = kb.page_records(kb.read_documents([corpus], report), kb.open_cache(tmp_path / "out", False), report,
                            jobs=jobs, keep_contacts=False)
    first = next(pages)
    assert first[0].doc.source_file == "000.txt" and len(reads) == 1
    rest = list(pages)
    assert [d.doc.source_file for d, _ in rest] == [f"{i:03d}.txt" for i in range(1, 200)]
    assert report.reused == 199 and len(reads) == 199  # the changed page has no page file yet


@pytest.mark.skipif(not (SHARED / "tools" / "kg-score").exists(), reason="needs ../shared/tools/kg-score")
def test_seed_quality_floor(seed_build, tmp_path):
    """Regression floor on the seed pages (the README table shows the full score)."""
    out = tmp_path / "score.json"
    subprocess.run([sys.executable, str(SHARED / "tools" / "kg-score"), str(seed_build / "kg.ttl"),
                    str(SHARED / "gold" / "seeds.gold.json"), "--corpus", str(SEEDS), "--json", str(out)],
                   check=True, capture_output=True)
    score = json.loads(out.read_text(encoding="utf-8"))
    assert score["evidence"]["backed"] == 1.0
    assert score["evidence"]["offsets_exact"] == 1.0
    floors = {"place": 0.8, "person": 0.8, "official": 0.8}
    for cat, floor in floors.items():
        assert score["entities"][cat]["F1"] >= floor, (cat, score["entities"][cat])


def _two_pages(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEEDS / "manifest.toml", corpus)
    for p in sorted(SEEDS.glob("*.txt"))[:2]:
        shutil.copy(p, corpus)
    return corpus


def test_unreadable_page_file_is_extracted_again_and_stale_ones_are_dropped(tmp_path):
    corpus, out = _two_pages(tmp_path), tmp_path / "out"
    build([corpus, "--out", out, "--jobs", "1"])
    first = (out / "kg.ttl").read_bytes()
    cache = out / ".kg-cache"
    pages = sorted(cache.glob("*.page"))
    assert len(pages) == 2
    pages[0].write_bytes(b"\x00not a page file")
    (cache / "0123456789abcdef0123456789abcdef.page").write_bytes(b"left from a page that is gone")
    result = build([corpus, "--out", out, "--jobs", "1"])
    assert "1 unchanged, reused" in result.output
    assert (out / "kg.ttl").read_bytes() == first
    assert sorted(p.name for p in cache.glob("*.page")) == sorted(p.name for p in pages)


def test_clean_build_extracts_every_page_again(tmp_path):
    corpus, out = _two_pages(tmp_path), tmp_path / "out"
    build([corpus, "--out", out, "--jobs", "1"])
    result = build([corpus, "--out", out, "--jobs", "1", "--clean"])
    assert "reused" not in result.output


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_failed_export_keeps_the_previous_exports(tmp_path, monkeypatch, jobs):
    import kg.export

    corpus, out = _two_pages(tmp_path), tmp_path / "out"
    build([corpus, "--out", out, "--jobs", "1"])
    before = {n: (out / n).read_bytes() for n in ("kg.ttl", "kg.graphml")}

    def broken(res, path):
        raise OSError("disk full")

    monkeypatch.setattr(kg.export, "write_evidence_section", broken)
    result = CliRunner().invoke(main, ["build", str(corpus), "--out", str(out), "--jobs", jobs, "--clean"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "earlier" in result.output
    assert (out / "kg.ttl").read_bytes() == before["kg.ttl"]
    assert not list(out.glob(".kg-evidence-*"))


def test_changed_page_is_the_only_one_extracted_again_and_the_graph_equals_a_clean_build(tmp_path):
    corpus, out = _two_pages(tmp_path), tmp_path / "out"
    build([corpus, "--out", out, "--jobs", "2"])
    manifest = (out / ".kg-cache" / "manifest.tsv").read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in manifest if not line.startswith("#")]
    assert sorted(r[0] for r in rows) == sorted(p.name for p in corpus.glob("*.txt"))
    assert all(len(r[2]) == 64 and (out / ".kg-cache" / r[3]).is_file() for r in rows)
    page = min(corpus.glob("*.txt"))
    page.write_text(page.read_text(encoding="utf-8").replace("疫情", "疫情", 1) + "\n会议由省长王明主持。\n",
                    encoding="utf-8")
    result = build([corpus, "--out", out, "--jobs", "2"])
    assert "1 unchanged, reused" in result.output
    after = [line.split("\t") for line in (out / ".kg-cache" / "manifest.tsv").read_text(encoding="utf-8")
             .splitlines() if not line.startswith("#")]
    changed = [a for a, b in zip(sorted(after), sorted(rows), strict=True) if a != b]
    assert [c[0] for c in changed] == [page.name]
    build([corpus, "--out", tmp_path / "clean", "--jobs", "1", "--clean"])
    for name in ("kg.ttl", "kg.graphml"):
        assert (out / name).read_bytes() == (tmp_path / "clean" / name).read_bytes(), name


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_page_files_that_cannot_be_written_are_one_line(tmp_path, monkeypatch, jobs):
    import kg.pagefile

    def full(path, rec):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(kg.pagefile, "write", full)
    result = CliRunner().invoke(main, ["build", str(_two_pages(tmp_path)), "--out", str(tmp_path / "out"),
                                       "--jobs", jobs])
    assert result.exit_code == 1, result.output
    assert "No space left on device" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out" / "kg.ttl").exists()
