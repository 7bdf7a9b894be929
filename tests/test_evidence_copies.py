"""A sentence copied onto many pages backs its facts with a bounded number of evidence nodes."""

from collections import Counter

import rdflib
from click.testing import CliRunner

from kg.cli import main
from kg.ns import KG
from kg.resolve import SAME_SENTENCE_CAP

SENTENCE = "市委书记王明主持召开会议。"


def test_identical_pages_do_not_multiply_evidence(tmp_path):
    corpus = tmp_path / "pages"
    corpus.mkdir()
    for i in range(30):
        (corpus / f"{i:03d}.txt").write_text(SENTENCE, encoding="utf-8")
    (corpus / "other.txt").write_text("会上，市委书记王明主持召开会议并讲话。", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(corpus), "--out", str(out), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    g = rdflib.Graph().parse(out / "kg.ttl")
    assert len(list(g.subjects(rdflib.RDF.type, KG.Document))) == 31  # every page stays a document
    per_fact = Counter((s, p, o) for ev in g.subjects(rdflib.RDF.type, KG.Evidence)
                       for s, p, o in [(g.value(ev, rdflib.RDF.subject), g.value(ev, rdflib.RDF.predicate),
                                        g.value(ev, rdflib.RDF.object))])
    assert per_fact and max(per_fact.values()) == SAME_SENTENCE_CAP + 1  # three copies, and the other sentence
    quoted = {g.value(ev, KG.inSentence) for ev in g.subjects(rdflib.RDF.type, KG.Evidence)}
    sources = {str(g.value(s, KG.sentence)) for s in quoted}
    assert sources == {SENTENCE, "会上，市委书记王明主持召开会议并讲话。"}
    # the first pages in document order are the ones quoted, the same on every run and in any order
    docs = sorted({str(g.value(s, rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))) for s in quoted})
    assert [d.rsplit("/", 1)[1] for d in docs] == ["000.txt", "001.txt", "002.txt", "other.txt"]
    # the reported triple count is the Turtle's
    assert f"; {len(g)} triples;" in result.output
