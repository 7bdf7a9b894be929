"""A fact its subject's name or the gazetteer fixes is evidenced once; a fact the text states, on every page."""

from collections import defaultdict

import rdflib
from click.testing import CliRunner

from kg.cli import main
from kg.ns import KG
from kg.ontology import NAME_FACTS

PROV_DERIVED = rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")

# my own sentences: one official on four pages, a county named alone, after its city, and with a village
PAGES = {
    "a.txt": "县委书记李明远在清徐县检查疫情防控工作。",
    "b.txt": "县委书记李明远来到清徐县的企业，要求落实“四早”要求。",
    "c.txt": "县委书记李明远在太原市清徐县调研，强调落实“四早”要求。",
    "d.txt": "县委书记李明远在清徐县徐沟镇张家村调研。",
    "e.txt": "清徐县徐沟镇张家村的村民积极配合核酸检测。",
}


def _evidence_pages(g: rdflib.Graph) -> dict[tuple[str, str, str], list[str]]:
    """(subject label, predicate local name, object label or literal) -> the pages of its evidence."""
    def name(node) -> str:
        return str(g.value(node, rdflib.RDFS.label) or node)

    out = defaultdict(list)
    for ev in g.subjects(rdflib.RDF.type, KG.Evidence):
        doc = g.value(g.value(ev, KG.inSentence), PROV_DERIVED)
        fact = (name(g.value(ev, rdflib.RDF.subject)), str(g.value(ev, rdflib.RDF.predicate)).split("#")[1],
                name(g.value(ev, rdflib.RDF.object)))
        out[fact].append(str(doc).rsplit("/", 1)[1])
    return {k: sorted(v) for k, v in out.items()}


def test_name_facts_once_stated_facts_every_page(tmp_path):
    corpus = tmp_path / "pages"
    corpus.mkdir()
    for name, text in PAGES.items():
        (corpus / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(corpus), "--out", str(out)])
    assert result.exit_code == 0, result.output
    g = rdflib.Graph().parse(out / "kg.ttl")
    pages = _evidence_pages(g)
    # said on every page: each page that says it is kept
    assert pages[("李明远", "holds", "县委书记")] == ["a.txt", "b.txt", "c.txt", "d.txt"]
    assert pages[("张家村", "partOf", "徐沟镇")] == ["d.txt", "e.txt"]  # the village written after its township
    # fixed by the name or the gazetteer: the first page that names the subject
    assert pages[("县委书记", "title", "县委书记")] == ["a.txt"]
    assert pages[("清徐县", "adminCode", "140121")] == ["a.txt"]
    assert pages[("清徐县", "partOf", "太原市")] == ["a.txt"]  # c.txt writes 太原市清徐县: still the gazetteer's
    assert pages[("四早", "policyKind", "guideline")] == ["b.txt"]
    given = [fact for fact in pages if fact[1] in NAME_FACTS]
    assert {fact[1] for fact in given} >= {"title", "postIn", "jurisdiction", "adminCode", "policyKind"}
    assert all(len(pages[fact]) == 1 for fact in given)
    # every fact keeps its evidence
    backed = {(g.value(ev, rdflib.RDF.subject), g.value(ev, rdflib.RDF.predicate), g.value(ev, rdflib.RDF.object))
              for ev in g.subjects(rdflib.RDF.type, KG.Evidence)}
    skip = (KG.mentionedIn, KG.inSentence, KG.sentence, KG.charStart, KG.charEnd, KG.sourceFile, KG.encoding)
    facts = {(s, p, o) for s, p, o in g if str(p).startswith(str(KG)) and p not in skip
             and not str(s).startswith(str(KG))}
    assert len(facts) > 10 and facts <= backed
