import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from kg.ns import KG
from kg.ontology import ontology_path, shapes_path

from .conftest import ROOT


def test_packaged_copies_are_the_sources():
    assert ontology_path().read_bytes() == (ROOT / "ontology" / "kg.ttl").read_bytes()
    assert shapes_path().read_bytes() == (ROOT / "ontology" / "shapes.ttl").read_bytes()


def test_every_term_is_declared_with_labels_and_comment():
    g = rdflib.Graph().parse(ROOT / "ontology" / "kg.ttl")
    declared = {s for s in g.subjects(RDF.type, None) if str(s).startswith(str(KG._NS))}
    names = set(KG.__annotations__)
    assert {str(s)[len(str(KG._NS)):] for s in declared} == names
    for term in declared:
        langs = {lit.language for lit in g.objects(term, RDFS.label)}
        assert {"zh", "en"} <= langs, term
        assert g.value(term, RDFS.comment) is not None, term
        if (term, RDF.type, OWL.ObjectProperty) in g:
            assert g.value(term, RDFS.range) is not None, term


def test_alignments():
    g = rdflib.Graph().parse(ROOT / "ontology" / "kg.ttl")
    sc = lambda a, b: (KG[a], RDFS.subClassOf, rdflib.URIRef(b)) in g
    assert sc("Person", "https://schema.org/Person")
    assert sc("Post", "http://www.w3.org/ns/org#Post")
    assert sc("Policy", "http://www.w3.org/2004/02/skos/core#Concept")
    assert sc("Evidence", "http://www.w3.org/ns/prov#Entity")
    assert (KG.Official, RDFS.subClassOf, KG.Person) in g


def test_closed_namespace():
    import pytest

    with pytest.raises(AttributeError):
        KG.Persn  # noqa: B018
