import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from kg.ns import KG, Class, Prop
from kg.ontology import (
    CLASS_RANK,
    PARENT,
    PLACE_CLASSES,
    family,
    ontology_path,
    shapes_path,
    subclasses,
    terms,
)

from .conftest import ROOT


def test_packaged_copies_are_the_sources():
    assert ontology_path().read_bytes() == (ROOT / "ontology" / "kg.ttl").read_bytes()
    assert shapes_path().read_bytes() == (ROOT / "ontology" / "shapes.ttl").read_bytes()


def _declared(g: rdflib.Graph, *kinds) -> set[str]:
    ns = str(KG._NS)
    return {str(s)[len(ns):] for k in kinds for s in g.subjects(RDF.type, k) if str(s).startswith(ns)}


def test_ns_lists_the_terms_of_the_ontology():
    """kg/ns.py and ontology/kg.ttl name the same classes and the same properties."""
    g = rdflib.Graph().parse(ROOT / "ontology" / "kg.ttl")
    assert {c.value for c in Class} == _declared(g, OWL.Class)
    assert {p.value for p in Prop} == _declared(g, OWL.ObjectProperty, OWL.DatatypeProperty)
    assert set(KG.__annotations__) == {c.value for c in Class} | {p.value for p in Prop}
    assert terms() == (frozenset(Class), frozenset(Prop))


def test_hierarchy_is_the_ontologys():
    """kg.ontology.PARENT is exactly the kg: part of kg.ttl's rdfs:subClassOf."""
    g = rdflib.Graph().parse(ROOT / "ontology" / "kg.ttl")
    ns = str(KG._NS)
    stated = {(str(s)[len(ns):], str(o)[len(ns):]) for s, o in g.subject_objects(RDFS.subClassOf)
              if str(s).startswith(ns) and str(o).startswith(ns)}
    assert {(c.value, p.value) for c, p in PARENT.items()} == stated
    assert set(PLACE_CLASSES) == subclasses(Class.Place)


def test_ranking_most_specific_place_first_and_families():
    assert CLASS_RANK[Class.Official] < CLASS_RANK[Class.Person]
    assert [CLASS_RANK[c] for c in PLACE_CLASSES] == sorted(CLASS_RANK[c] for c in PLACE_CLASSES)
    assert PLACE_CLASSES[0] == Class.Country and PLACE_CLASSES[-1] == Class.Place
    assert family("County") == family("Place") == "place" and family("Official") == family("Person") == "person"
    assert family("Meeting") == "meeting"


def test_every_term_is_declared_with_labels_and_comment():
    g = rdflib.Graph().parse(ROOT / "ontology" / "kg.ttl")
    declared = {s for s in g.subjects(RDF.type, None) if str(s).startswith(str(KG._NS))}
    for term in declared:
        langs = {lit.language for lit in g.objects(term, RDFS.label)}
        assert {"zh", "en"} <= langs, term
        assert g.value(term, RDFS.comment) is not None, term
        if (term, RDF.type, OWL.ObjectProperty) in g:
            assert g.value(term, RDFS.range) is not None, term


def test_alignments():
    g = rdflib.Graph().parse(ROOT / "ontology" / "kg.ttl")

    def sc(a: str, b: str) -> bool:
        return (KG[a], RDFS.subClassOf, rdflib.URIRef(b)) in g

    assert sc("Person", "https://schema.org/Person")
    assert sc("Post", "http://www.w3.org/ns/org#Post")
    assert sc("Policy", "http://www.w3.org/2004/02/skos/core#Concept")
    assert sc("Evidence", "http://www.w3.org/ns/prov#Entity")
    assert (KG.Official, RDFS.subClassOf, KG.Person) in g


def test_closed_namespace():
    import pytest

    with pytest.raises(AttributeError):
        KG.Persn  # noqa: B018
    with pytest.raises(AttributeError):
        Class.Persn  # noqa: B018
    with pytest.raises(ValueError):
        Prop("chiar")
    assert Prop.chair == "chair" and Prop.chair.iri == str(KG.chair) and Prop.chair.qname == "kg:chair"
    assert Class.Meeting.term == f"<{KG.Meeting}>"


def test_no_built_term_iris_in_the_code():
    """No module builds a kg: IRI from the namespace and a string: terms come from kg.ns only."""
    import re

    built = re.compile(r"KG_IRI\s*\+|\{KG_IRI\}|kg:\{|f\"\{[a-z_]+\}Count\"|\.KG_IRI")
    offenders = [f"{p.relative_to(ROOT)}:{i}" for p in sorted((ROOT / "kg").rglob("*.py")) if p.name != "ns.py"
                 for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if built.search(line) and "genid-" not in line]  # genid-: the ontology's blank nodes, named
    assert offenders == []


def test_a_component_cannot_state_a_misspelt_predicate():
    import pytest
    import spacy

    from kg.components.base import add_relation
    from kg.model import Mention

    doc = spacy.blank("zh")("王明主持会议")
    m = Mention("Meeting", "k", "会议", 4, 6)
    p = Mention("Person", "王明", "王明", 0, 2)
    assert add_relation(doc, m, "chair", p, 0).pred == "chair"
    with pytest.raises(ValueError):
        add_relation(doc, m, "chiar", p, 0)


def test_a_component_cannot_make_a_mention_of_a_misspelt_class():
    import pytest
    import spacy

    from kg.components.base import add_mention
    from kg.model import Mention

    doc = spacy.blank("zh")("王明主持会议")
    assert type(add_mention(doc, Mention(Class.Meeting, "k", "会议", 4, 6)).cls) is str  # plain text in records
    with pytest.raises(ValueError):
        add_mention(doc, Mention("Meetng", "k", "会议", 4, 6))
