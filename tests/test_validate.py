import rdflib
from click.testing import CliRunner
from rdflib import RDF, RDFS, XSD, Literal, URIRef
from rdflib.namespace import PROV

from kg.cli import main
from kg.ns import DATA, KG
from kg.validate import validate


def meeting_graph():
    g = rdflib.Graph()
    m, p, d, e, s = DATA["meeting/1"], DATA["person/1"], DATA["doc/1"], DATA["evidence/1"], DATA["sentence/1"]
    g.add((m, RDF.type, KG.Meeting))
    g.add((m, RDFS.label, Literal("第一次会议", lang="zh")))
    g.add((m, KG.date, Literal("2023-01-01", datatype=XSD.date)))
    g.add((p, RDF.type, KG.Person))
    g.add((p, RDFS.label, Literal("王明", lang="zh")))
    g.add((m, KG.chair, p))
    g.add((d, RDF.type, KG.Document))
    g.add((d, KG.sourceFile, Literal("a.txt")))
    for t in (RDF.Statement, KG.Evidence):
        g.add((e, RDF.type, t))
    g.add((e, RDF.subject, m))
    g.add((e, RDF.predicate, KG.chair))
    g.add((e, RDF.object, p))
    g.add((e, KG.inSentence, s))
    g.add((s, RDF.type, KG.Sentence))
    g.add((s, PROV.wasDerivedFrom, d))
    g.add((s, KG.sentence, Literal("王明主持会议。", lang="zh")))
    g.add((s, KG.charStart, Literal(0)))
    g.add((s, KG.charEnd, Literal(7)))
    return g, m, p, e


def test_small_graph_conforms():
    g, *_ = meeting_graph()
    report = validate(g)
    assert report.conforms, report.violations


def test_violations_in_plain_words():
    g, m, p, e = meeting_graph()
    g.add((m, KG.date, Literal("2023-01-02", datatype=XSD.date)))
    place = DATA["place/1"]
    g.add((place, RDF.type, KG.Place))
    g.add((place, RDFS.label, Literal("某地", lang="zh")))
    g.add((m, KG.chair, place))
    g.remove((DATA["sentence/1"], KG.charEnd, None))
    report = validate(g)
    text = "\n".join(report.violations)
    assert not report.conforms
    assert "at most one kg:date" in text
    assert "every kg:chair is a kg:Person" in text
    assert "one integer kg:charEnd" in text


def test_seed_build_validates_clean(seed_build):
    result = CliRunner().invoke(main, ["validate", str(seed_build / "kg.ttl")])
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output


def test_validate_missing_file(tmp_path):
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "none.ttl")])
    assert result.exit_code == 1 and "kg build" in result.output


def test_unused_uri():
    assert URIRef(str(KG.chair)).startswith("https://")


def test_a_graph_that_is_not_ours_does_not_conform(tmp_path):
    from click.testing import CliRunner

    from kg.cli import main

    other = tmp_path / "other.ttl"
    other.write_text("@prefix ex: <http://example.org/> .\nex:a ex:knows ex:b .\nex:b a ex:Person .\n",
                     encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(other)])
    assert result.exit_code == 1
    assert "no kg: class or property" in result.output and "conforms" not in result.output.splitlines()[-1]


def test_a_big_graph_is_said_to_take_long(seed_build, monkeypatch):
    from click.testing import CliRunner

    from kg import validate
    from kg.cli import main

    monkeypatch.setattr(validate, "LARGE_BYTES", 1000)
    result = CliRunner().invoke(main, ["validate", str(seed_build / "kg.ttl")])
    assert result.exit_code == 0
    assert "in memory" in result.output and "no sampling" in result.output


def test_misspelt_predicate_fails_validate(tmp_path):
    """The shapes are closed: a predicate the ontology lacks is an error, not a new term."""
    g, m, p, e = meeting_graph()
    g.add((m, URIRef(str(KG.chair) + "e"), p))  # kg:chaire, a typo no namespace object would allow
    path = tmp_path / "typo.ttl"
    g.serialize(path, format="turtle")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code != 0
    assert "kg:chaire" in result.output, result.output


def test_unknown_predicate_on_evidence_sentence_and_document_fails():
    g, m, p, e = meeting_graph()
    g.add((e, KG.sentence + "Text", Literal("x")))
    g.add((DATA["sentence/1"], KG.charStart + "s", Literal(1)))
    g.add((DATA["doc/1"], URIRef("http://purl.org/dc/terms/title"), Literal("x")))
    report = validate(g)
    text = "\n".join(report.violations)
    assert "kg:sentenceText" in text and "kg:charStarts" in text and "dc/terms/title" in text, text


def test_evidence_must_point_to_one_sentence():
    """The inline form (text and offsets on the statement) is not what kg writes: the closed shape refuses it."""
    g, m, p, e = meeting_graph()
    g.remove((e, KG.inSentence, None))
    g.add((e, KG.sentence, Literal("王明主持会议。", lang="zh")))
    report = validate(g)
    assert not report.conforms
    assert any("kg:Sentence" in v for v in report.violations), report.violations
